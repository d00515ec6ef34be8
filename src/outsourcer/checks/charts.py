"""The dashboard's trend chart: open findings per day, as geometry for a server-rendered SVG.

No chart library: the chart is a few stacked bars, and drawing them here keeps the page free of
inline styles and scripts (the CSP allows neither). The template `checks/_trend.html` draws what
`trend_chart` computes; severities are told apart by pattern as well as colour, and each bar carries
its total as text, so the chart reads in greyscale too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from outsourcer.checks.selectors import TrendPoint

WIDTH = 880
HEIGHT = 230
LEFT, RIGHT, TOP, BOTTOM = 36, 8, 22, 30  # room for the y labels, the totals above bars, the dates


@dataclass(frozen=True)
class Segment:
    severity: str  # "error" | "warning" | "info"
    y: float
    height: float
    count: int


@dataclass(frozen=True)
class Bar:
    day: dt.date
    x: float
    width: float
    segments: list[Segment]
    total: int
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class DayLabel:
    x: float
    text: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: float
    top: int
    bottom: float
    y_label_x: int  # where the value labels end, left of the plot
    x_label_y: float  # the baseline of the date labels, under the plot
    first_day: dt.date
    last_day: dt.date
    bars: list[Bar]
    ticks: list[Tick]
    day_labels: list[DayLabel]
    points: list[TrendPoint]  # the days with a check in the window, oldest first (the data table)
    description: str

    @property
    def middle_x(self) -> float:
        return (self.left + self.right) / 2

    @property
    def middle_y(self) -> float:
        return (self.top + self.bottom) / 2


def _nice_ceiling(value: int) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least `value`, and at least 5."""
    value = max(value, 5)
    step = 1
    while True:
        for factor in (1, 2, 5):
            if factor * step >= value:
                return factor * step
        step *= 10


def _day_text(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def trend_chart(points: list[TrendPoint], *, today: dt.date, days: int = 30) -> TrendChart:
    """Bars for the `days` days ending `today`; a day without a check has no bar (not a zero)."""
    first = today - dt.timedelta(days=days - 1)
    shown = [p for p in points if first <= p.day <= today]
    top_value = _nice_ceiling(max((p.total for p in shown), default=0))
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_h
    slot = plot_w / days
    bar_w = round(slot * 0.68, 2)

    def y_of(value: float) -> float:
        return round(bottom - value * plot_h / top_value, 2)

    bars = []
    for p in shown:
        x = LEFT + (p.day - first).days * slot + (slot - bar_w) / 2
        segments, base = [], 0
        # Errors at the bottom: the part that matters most sits on the axis, easiest to compare.
        for severity, count in (("error", p.errors), ("warning", p.warnings), ("info", p.infos)):
            if count:
                height = round(count * plot_h / top_value, 2)
                segments.append(Segment(severity=severity, y=y_of(base + count), height=height, count=count))
                base += count
        bars.append(
            Bar(
                day=p.day,
                x=round(x, 2),
                width=bar_w,
                segments=segments,
                total=p.total,
                label_x=round(x + bar_w / 2, 2),
                label_y=y_of(p.total) - 4,
            )
        )
    # The scale tops out at 5, 10, 20, 50, ...: five steps of a whole number each.
    ticks = [Tick(y=y_of(top_value * i // 5), value=top_value * i // 5) for i in range(6)]
    # Weekly date labels counted back from today, so the last one is always today.
    day_labels = [
        DayLabel(x=round(LEFT + i * slot + slot / 2, 2), text=_day_text(first + dt.timedelta(days=i)))
        for i in range(days - 1, -1, -7)
    ]
    return TrendChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=WIDTH - RIGHT,
        top=TOP,
        bottom=bottom,
        y_label_x=LEFT - 6,
        x_label_y=bottom + 18,
        first_day=first,
        last_day=today,
        bars=bars,
        ticks=ticks,
        day_labels=sorted(day_labels, key=lambda d: d.x),
        points=shown,
        description=_describe(shown, first=first, today=today),
    )


def _describe(points: list[TrendPoint], *, first: dt.date, today: dt.date) -> str:
    span = f"from {_day_text(first)} to {_day_text(today)} {today.year}"
    if not points:
        return f"No check ran {span}."
    last = points[-1]
    text = (
        f"Open findings on each day a check ran, {span}, {len(points)} day{'s' if len(points) != 1 else ''} "
        f"with a check. Latest, {_day_text(last.day)}: {last.errors} errors, {last.warnings} warnings, "
        f"{last.infos} info."
    )
    if len(points) > 1:
        high = max(points, key=lambda p: p.total)
        first_point = points[0]
        text += f" Highest: {high.total} on {_day_text(high.day)}."
        text += f" First: {first_point.total} on {_day_text(first_point.day)}."
    return text
