"""The overlap timeline of a contractor's page as plain data: the template draws it as inline SVG.

One column per working day of the workspace, as tall as the working time both sides share. The
worst day is marked with a shape and a word, and a change of the time difference between the two
zones (a clock change on one side) with a dashed line and its new value, so the chart reads without
colour. The same facts are in the table below it.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from outsourcer.contractors.overlap import DayOverlap

STEP = 30  # one day's column, in SVG units
BAR = 20
LEFT = 34  # room for the hour ticks
RIGHT = 8
TOP = 34  # room for the worst-day marker above the tallest column
PLOT = 110
BOTTOM = 44  # weekday, date and month under the columns


def day_label(day: dt.date) -> str:
    """E.g. `Mon 9 Mar`."""
    return f"{day:%a} {day.day} {day:%b}"


def hours_text(minutes: int) -> str:
    """E.g. `2 h`, `1 h 45 min`, `30 min`, `0 h`."""
    h, m = divmod(minutes, 60)
    if not m:
        return f"{h} h"
    return f"{h} h {m} min" if h else f"{m} min"


def _short(minutes: int) -> str:
    """The figure above a column: hours, at most one decimal."""
    return f"{minutes / 60:.1f}".removesuffix(".0")


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _offset_hours(day: dt.date, zone: str, other: str) -> float:
    """How far `other` is ahead of `zone` at noon of `day` in `zone`, in hours."""
    moment = dt.datetime.combine(day, dt.time(12), tzinfo=zoneinfo.ZoneInfo(zone))
    ours = moment.utcoffset() or dt.timedelta()
    theirs = moment.astimezone(zoneinfo.ZoneInfo(other)).utcoffset() or dt.timedelta()
    return (theirs - ours).total_seconds() / 3600


def difference_text(hours: float) -> str:
    if hours == 0:
        return "same time"
    size = _n(abs(hours))
    return f"{size} h {'ahead' if hours > 0 else 'behind'}"


@dataclass(frozen=True)
class Bar:
    day: dt.date
    minutes: int
    x: str  # the column's left edge
    cx: str  # its middle, for the labels
    y: str
    height: str
    value_y: str
    worst: bool
    shared: str  # the shared stretches in the workspace's time, e.g. "15:00-17:00" (with an en dash)
    difference: str  # the contractor's zone against the workspace's, e.g. "6 h ahead"
    month: str  # the month's name under the first column and the first of a month, else ""

    @property
    def label(self) -> str:
        return day_label(self.day)

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)

    @property
    def short(self) -> str:
        return _short(self.minutes)


@dataclass(frozen=True)
class Change:
    """The time difference changed between two columns: a clock change on one side."""

    x: str
    day: dt.date
    text: str  # e.g. "from Mon 30 Mar: 6 h ahead (was 5 h ahead)"
    short: str  # e.g. "Berlin 6 h ahead"


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    changes: list[Change]
    worst: Bar
    worst_alike: int  # other days as bad as the worst
    window_minutes: int  # the workspace's own working day, the most a day can share
    plot_top: int
    plot_bottom: int
    plot_right: int
    plot_left: int = LEFT
    bar_width: int = BAR
    start_label: str = ""  # the time difference on the first day, when a change does not crowd it

    @property
    def summary(self) -> str:
        """The chart in one sentence, for its <desc> and the heading."""
        text = f"Worst day: {self.worst.label}, {self.worst.hours} shared"
        if self.worst_alike:
            text += f" (and {self.worst_alike} more day{'s' if self.worst_alike > 1 else ''} alike)"
        return text

    @property
    def best_minutes(self) -> int:
        return max(b.minutes for b in self.bars)


def _clock(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    return f"{moment.astimezone(zone):%H:%M}"


def overlap_timeline(
    days: list[DayOverlap], *, workspace_zone: str, contractor_zone: str, window_minutes: int
) -> Timeline | None:
    """The chart of `days` (the workspace's working days ahead); None when there are none."""
    if not days:
        return None
    local = zoneinfo.ZoneInfo(workspace_zone)
    city = contractor_zone.rsplit("/", 1)[-1].replace("_", " ")  # "Europe/Berlin" -> "Berlin"
    worst = min(days, key=lambda d: (d.minutes, d.day))
    top_minutes = max([window_minutes, 60, *(d.minutes for d in days)])
    scale = PLOT / top_minutes
    plot_bottom = TOP + PLOT
    bars: list[Bar] = []
    changes: list[Change] = []
    previous: float | None = None
    for i, found in enumerate(days):
        x = LEFT + i * STEP + (STEP - BAR) / 2
        height = found.minutes * scale
        difference = _offset_hours(found.day, workspace_zone, contractor_zone)
        if previous is not None and difference != previous:
            changes.append(
                Change(
                    x=_n(LEFT + i * STEP),
                    day=found.day,
                    text=f"from {day_label(found.day)}: {difference_text(difference)} "
                    f"(was {difference_text(previous)})",
                    short=f"{city} {difference_text(difference)}",
                )
            )
        previous = difference
        new_month = i == 0 or found.day.month != days[i - 1].day.month
        bars.append(
            Bar(
                day=found.day,
                minutes=found.minutes,
                x=_n(x),
                cx=_n(x + BAR / 2),
                y=_n(plot_bottom - height),
                height=_n(height),
                value_y=_n(plot_bottom - height - 4),
                worst=found is worst,
                shared=", ".join(f"{_clock(a, local)}\u2013{_clock(b, local)}" for a, b in found.shared),
                difference=difference_text(difference),
                month=f"{found.day:%b}" if new_month else "",
            )
        )
    first_change = min((i for i, b in enumerate(bars) if changes and b.day == changes[0].day), default=len(bars))
    step_minutes = 120 if top_minutes > 360 else 60
    ticks = [Tick(y=_n(plot_bottom - m * scale), label=f"{m // 60} h") for m in range(0, top_minutes + 1, step_minutes)]
    return Timeline(
        width=LEFT + len(days) * STEP + RIGHT,
        height=TOP + PLOT + BOTTOM,
        bars=bars,
        ticks=ticks,
        changes=changes,
        worst=next(b for b in bars if b.worst),
        worst_alike=sum(1 for d in days if d.minutes == worst.minutes) - 1,
        window_minutes=window_minutes,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        plot_right=LEFT + len(days) * STEP,
        start_label=f"{city} {bars[0].difference}" if changes and first_change >= 4 else "",
    )


def window_minutes(start: dt.time, end: dt.time) -> int:
    """The length of a working day from `start` to `end` (past midnight when `end` is earlier)."""
    begin = start.hour * 60 + start.minute
    finish = end.hour * 60 + end.minute
    return (finish - begin) % (24 * 60) or 24 * 60
