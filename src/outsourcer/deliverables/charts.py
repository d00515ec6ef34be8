"""The commitment timeline as plain data: the template draws it as inline SVG.

One chart per customer commitment: a date axis, one row per contractor milestone with a marker on
its due date, the promise date (solid line), the start of the buffer kept for our own review (dashed
line, the buffer hatched) and today (dotted line). A marker's SHAPE says the milestone's status and a
flagged milestone carries its flag in words beside the marker, so the chart reads without colour.
The same facts are in a table under it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from outsourcer.deliverables.models import Milestone
from outsourcer.deliverables.selectors import TimelineCommitment

WIDTH = 1000
LEFT = 230  # the milestone names
RIGHT = 24
TOP = 50  # three rows of line labels: today, buffer, promise
ROW = 30
BOTTOM = 30  # the date ticks
PAD_DAYS = 2
MIN_SPAN_DAYS = 14
LABEL_CHARS = 34

Status = Milestone.Status

# The shape of each status, with the word it stands for (the legend and the table say it too).
SHAPES: dict[str, str] = {
    Status.PLANNED: "circle",
    Status.IN_PROGRESS: "half",
    Status.SUBMITTED: "diamond",
    Status.REVISION_REQUESTED: "triangle",
    Status.ACCEPTED: "square",
    Status.REJECTED: "cross",
    Status.CANCELLED: "dash",
}
SHAPE_NAMES = {
    "circle": "open circle",
    "half": "half-filled circle",
    "diamond": "filled diamond",
    "triangle": "open triangle",
    "square": "filled square",
    "cross": "cross",
    "dash": "dash",
}


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def shape_paths(shape: str, cx: float, cy: float) -> list[tuple[str, str]]:
    """SVG path data for a marker centred on (cx, cy), each with how to paint it: open, filled or line."""
    x, y = _n(cx), _n(cy)
    r = 6
    circle = f"M{_n(cx - r)} {y}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z"
    if shape == "circle":
        return [(circle, "open")]
    if shape == "half":
        return [(circle, "open"), (f"M{x} {_n(cy - r)}A{r} {r} 0 0 0 {x} {_n(cy + r)}Z", "filled")]
    if shape == "diamond":
        return [(f"M{x} {_n(cy - 7)}L{_n(cx + 7)} {y}L{x} {_n(cy + 7)}L{_n(cx - 7)} {y}Z", "filled")]
    if shape == "triangle":
        return [(f"M{x} {_n(cy - 7)}L{_n(cx + 7)} {_n(cy + 6)}L{_n(cx - 7)} {_n(cy + 6)}Z", "open")]
    if shape == "square":
        return [(f"M{_n(cx - 6)} {_n(cy - 6)}h12v12h-12Z", "filled")]
    if shape == "cross":
        left, right, top, bottom = _n(cx - 6), _n(cx + 6), _n(cy - 6), _n(cy + 6)
        return [(f"M{left} {top}L{right} {bottom}M{right} {top}L{left} {bottom}", "line")]
    return [(f"M{_n(cx - 7)} {y}h14", "line")]


@dataclass(frozen=True)
class LegendItem:
    status: str
    label: str
    shape: str
    paths: list[tuple[str, str]]

    @property
    def shape_name(self) -> str:
        return SHAPE_NAMES[self.shape]


def legend() -> list[LegendItem]:
    return [
        LegendItem(value, str(label), SHAPES[value], shape_paths(SHAPES[value], 9, 9))
        for value, label in Status.choices
    ]


@dataclass(frozen=True)
class Row:
    label: str  # the milestone's title, shortened to fit
    title: str  # the full sentence, for the marker's tooltip
    y: str
    cx: str
    status: str
    paths: list[tuple[str, str]]
    flag: str  # words beside the marker, "" when all is well
    flag_x: str
    flag_anchor: str


@dataclass(frozen=True)
class Line:
    kind: str  # "today", "buffer" or "promise"
    x: str
    label: str
    label_x: str
    label_y: str
    anchor: str


@dataclass(frozen=True)
class Tick:
    x: str
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    rows: list[Row]
    lines: list[Line]
    ticks: list[Tick]
    buffer_x: str
    buffer_width: str
    summary: str

    @property
    def plot_height(self) -> int:
        return self.plot_bottom - self.plot_top


def shift(day: dt.date, days: int) -> dt.date:
    """`day` moved by `days`, held at the calendar's ends instead of overflowing (stored or imported data
    may hold a date such as 9999-12-31)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def _next_month(day: dt.date, months: int = 1) -> dt.date | None:
    """The first of the month `months` after `day`'s; None past the calendar's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, 1) if year <= dt.MAXYEAR else None


def _short(text: str, size: int = LABEL_CHARS) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "\u2026"


def day_text(day: dt.date) -> str:
    """E.g. `26 Jan 2027`."""
    return f"{day.day} {day:%b %Y}"


def _tick_days(start: dt.date, end: dt.date) -> list[tuple[dt.date, str]]:
    """About eight to twelve dates for the axis, each with its label."""
    span = (end - start).days
    if span <= 24:
        step = 2 if span <= 16 else 3
        days = [start + dt.timedelta(days=i) for i in range(1, span, step)]
    elif span <= 120:
        step = 7 if span <= 70 else 14
        first = start + dt.timedelta(days=(7 - start.weekday()) % 7 or 7)  # the first Monday after the start
        days = [first + dt.timedelta(days=i) for i in range(0, (end - first).days + 1, step)]
    else:
        every = max(1, -(-span // 30 // 10))  # months between ticks: at most about ten ticks
        months: list[dt.date] = []
        after = _next_month(start)
        # The first month after the start whose number is a multiple of `every`, then every `every` months.
        tick = _next_month(after, -(after.year * 12 + after.month - 1) % every) if after is not None else None
        while tick is not None and tick < end:
            months.append(tick)
            tick = _next_month(tick, every)
        days = months
        return [(d, f"{d:%b %Y}" if every > 1 or d.month == 1 or d == days[0] else f"{d:%b}") for d in days]
    return [(d, f"{d.day} {d:%b}") for d in days]


def _line_label(kind: str, x: float, text: str, label_y: int) -> Line:
    # Labels sit to the right of their line unless that would run off the chart.
    room = WIDTH - RIGHT - x
    anchor, dx = ("start", 4) if room > len(text) * 6.2 else ("end", -4)
    return Line(kind=kind, x=_n(x), label=text, label_x=_n(x + dx), label_y=str(label_y), anchor=anchor)


def timeline_chart(entry: TimelineCommitment, *, today: dt.date) -> Chart | None:
    """The chart of one commitment; None when it has no milestones to draw."""
    if not entry.milestones:
        return None
    promise, buffer_start = entry.commitment.promised_on, entry.buffer_start
    dues = [m.milestone.due_on for m in entry.milestones]
    days = [*dues, promise, buffer_start]
    if entry.is_open:
        days.append(today)
    start = shift(min(days), -PAD_DAYS)
    end = shift(max(days), PAD_DAYS)
    if (end - start).days < MIN_SPAN_DAYS:
        end = shift(start, MIN_SPAN_DAYS)
        start = shift(end, -MIN_SPAN_DAYS)  # at the calendar's end, widen to the left instead
    plot_right = WIDTH - RIGHT
    scale = (plot_right - LEFT) / (end - start).days

    def x_of(day: dt.date) -> float:
        return LEFT + (day - start).days * scale

    rows = []
    for i, item in enumerate(entry.milestones):
        milestone = item.milestone
        cx = x_of(milestone.due_on)
        cy = TOP + i * ROW + ROW / 2
        flag = ", ".join(word.lower() for word in item.flags)
        right_room = plot_right - cx
        flag_anchor, flag_dx = ("start", 11) if right_room > len(flag) * 6.4 + 12 else ("end", -11)
        status_label = milestone.get_status_display()
        title = f"{milestone.title}: due {day_text(milestone.due_on)}, {status_label.lower()}"
        rows.append(
            Row(
                label=_short(milestone.title),
                title=title + (f"; {flag}" if flag else ""),
                y=_n(cy),
                cx=_n(cx),
                status=milestone.status,
                paths=shape_paths(SHAPES.get(milestone.status, "circle"), cx, cy),
                flag=flag,
                flag_x=_n(cx + flag_dx),
                flag_anchor=flag_anchor,
            )
        )
    lines = []
    if entry.is_open and start <= today <= end:
        lines.append(_line_label("today", x_of(today), f"Today {today.day} {today:%b}", 14))
    if buffer_start != promise:
        lines.append(_line_label("buffer", x_of(buffer_start), f"Buffer from {buffer_start.day} {buffer_start:%b}", 29))
    lines.append(_line_label("promise", x_of(promise), f"Promise {promise.day} {promise:%b}", 44))
    plot_bottom = TOP + len(rows) * ROW
    ticks = [Tick(x=_n(x_of(day)), label=label) for day, label in _tick_days(start, end)]
    flagged = sum(1 for m in entry.milestones if m.flags)
    summary = (
        f"{len(rows)} milestone{'s' if len(rows) != 1 else ''} from {day_text(min(dues))} to {day_text(max(dues))}; "
        f"promised for {day_text(promise)}, buffer from {day_text(buffer_start)}"
        + (f"; {flagged} flagged" if flagged else "")
    )
    return Chart(
        width=WIDTH,
        height=plot_bottom + BOTTOM,
        plot_left=LEFT,
        plot_right=plot_right,
        plot_top=TOP,
        plot_bottom=plot_bottom,
        rows=rows,
        lines=lines,
        ticks=ticks,
        buffer_x=_n(x_of(buffer_start)),
        buffer_width=_n(max(0.0, x_of(promise) - x_of(buffer_start))),
        summary=summary,
    )
