"""The plan's 2x2 chart as plain data: the template draws it as inline SVG, with no script.

Across is in-house effectiveness (1 to 5), up is business value (1 to 5); each task is a marker
labelled with its rank. The marker's shape says the recommendation, so the chart reads without
colour. Tasks that share a cell are laid out on a small grid inside it, so no two labels overlap.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from outsourcer.planning.scoring import PlannedTask

CHART_MAX = 60  # more markers than this make the chart unreadable; the rest are in the table

# What each recommendation is called, the marker it gets, and what it asks of the user.
RECOMMENDATIONS: dict[str, tuple[str, str, str]] = {
    "outsource_first": ("Outsource first", "circle", "Done poorly and not core: a specialist will do it better."),
    "outsource": ("Outsource", "square", "Not core: your hours are worth more elsewhere."),
    "outsource_with_oversight": (
        "Outsource with oversight",
        "diamond",
        "Hand it out, but keep steering and reviewing it.",
    ),
    "keep": ("Keep in-house", "triangle", "Done well and it matters, or core: keep control of it."),
    "reconsider": ("Reconsider", "hexagon", "Look at this one again before deciding."),
}

CELL = 100  # one score step, in SVG units
LEFT = 64  # room for the value ticks and the axis title
BAND = 26  # a band above and below the cells for the quadrant names, so markers never cover them
RIGHT = 12
BOTTOM = 50  # effectiveness ticks and axis title
SPLIT = 3  # scores above this are "done well" / "core", as in scoring.quadrant
MAX_RADIUS = 15.0


def recommendation_label(key: str) -> str:
    return RECOMMENDATIONS.get(key, (key.replace("_", " ").capitalize(), "", ""))[0]


def recommendation_icon(key: str, r: float = 5.5) -> str:
    """The marker of a recommendation as a path, for badges and the legend."""
    return shape_path(RECOMMENDATIONS.get(key, ("", "circle", ""))[1], r)


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def shape_path(shape: str, r: float) -> str:
    """An SVG path of the marker, centred on (0, 0), of about the area of a circle of radius r."""
    if shape == "square":
        h = r * 0.9
        return f"M{_n(-h)} {_n(-h)}H{_n(h)}V{_n(h)}H{_n(-h)}Z"
    if shape == "diamond":
        d = r * 1.3
        return f"M0 {_n(-d)}L{_n(d)} 0L0 {_n(d)}L{_n(-d)} 0Z"
    if shape in ("triangle", "hexagon"):
        sides, c, start = (3, r * 1.5, -90.0) if shape == "triangle" else (6, r * 1.1, 0.0)
        corners = [
            (c * math.cos(math.radians(start + i * 360 / sides)), c * math.sin(math.radians(start + i * 360 / sides)))
            for i in range(sides)
        ]
        return "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in corners) + "Z"
    return f"M{_n(-r)} 0a{_n(r)} {_n(r)} 0 1 0 {_n(2 * r)} 0a{_n(r)} {_n(r)} 0 1 0 {_n(-2 * r)} 0Z"


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    path: str
    text_dy: str  # a triangle's label sits low, where the shape is wide
    font_size: str
    rank: int
    recommendation: str
    title: str


@dataclass(frozen=True)
class Quadrant:
    x: int
    y: int
    width: int
    height: int
    key: str  # for the CSS class
    label: str
    label_x: int
    label_y: int
    anchor: str


@dataclass(frozen=True)
class Tick:
    x: int
    y: int
    text: str


@dataclass(frozen=True)
class LegendItem:
    key: str
    label: str
    help: str
    shape: str
    path: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    cells_x: int
    cells_y: int
    cells_size: int
    quadrants: list[Quadrant]
    grid: list[int]  # offsets of the thin lines between cells
    split_x: int
    split_y: int
    cells_right: int
    bands_bottom: int  # the foot of the lower quadrants
    ticks_x: list[Tick]
    ticks_y: list[Tick]
    axis_x: Tick
    axis_y: Tick
    points: list[Point]
    legend: list[LegendItem]
    charted: int  # tasks on the chart
    total: int  # tasks in the plan

    @property
    def truncated(self) -> bool:
        return self.charted < self.total


def _cell_origin(effectiveness: int, value: int) -> tuple[float, float]:
    return LEFT + (effectiveness - 1) * CELL, BAND + (5 - value) * CELL


def _spread(items: list[PlannedTask]) -> list[Point]:
    """The markers of one cell on a k x k grid, in rank order, each row centred."""
    n = len(items)
    k = math.ceil(math.sqrt(n))
    rows = math.ceil(n / k)
    step = CELL / k
    r = min(MAX_RADIUS, step * 0.36)  # a diamond's or triangle's widest point stays inside its slot
    font = min(13.0, r * 0.9)
    x0, y0 = _cell_origin(items[0].task.effectiveness, items[0].task.business_value)
    top = y0 + (CELL - rows * step) / 2
    points = []
    for i, planned in enumerate(items):
        row, col = divmod(i, k)
        in_row = min(k, n - row * k)
        left = x0 + (CELL - in_row * step) / 2
        key = planned.recommendation
        label, shape, _help = RECOMMENDATIONS.get(key, (key, "circle", ""))
        task = planned.task
        points.append(
            Point(
                x=_n(left + (col + 0.5) * step),
                y=_n(top + (row + 0.5) * step),
                path=shape_path(shape, r),
                text_dy=_n(r * 0.25) if shape == "triangle" else "0",
                font_size=_n(font),
                rank=planned.rank,
                recommendation=key,
                title=(
                    f"#{planned.rank} {task.name}: effectiveness {task.effectiveness}, "
                    f"business value {task.business_value}. {label}."
                ),
            )
        )
    return points


def _quadrants() -> list[Quadrant]:
    split_x = LEFT + SPLIT * CELL
    split_y = BAND + (5 - SPLIT) * CELL
    right, bottom = LEFT + 5 * CELL, BAND + 5 * CELL + BAND
    boxes = [
        ("core-poorly", "core, done poorly", LEFT, 0, split_x - LEFT, split_y, "start"),
        ("core-well", "core, done well", split_x, 0, right - split_x, split_y, "end"),
        ("peripheral-poorly", "peripheral, done poorly", LEFT, split_y, split_x - LEFT, bottom - split_y, "start"),
        ("peripheral-well", "peripheral, done well", split_x, split_y, right - split_x, bottom - split_y, "end"),
    ]
    quadrants = []
    for key, label, x, y, w, h, anchor in boxes:
        label_y = 17 if y == 0 else bottom - 9
        label_x = x + 10 if anchor == "start" else x + w - 10
        quadrants.append(Quadrant(x, y, w, h, key, label, label_x, label_y, anchor))
    return quadrants


def plan_chart(planned: Sequence[PlannedTask], *, limit: int = CHART_MAX) -> Chart:
    """The chart of the first `limit` tasks of a plan (they come ranked)."""
    charted = list(planned[:limit])
    cells: dict[tuple[int, int], list[PlannedTask]] = defaultdict(list)
    for p in sorted(charted, key=lambda p: p.rank):
        cells[(p.task.effectiveness, p.task.business_value)].append(p)
    points = [point for items in cells.values() for point in _spread(items)]
    points.sort(key=lambda p: p.rank)
    cells_bottom = BAND + 5 * CELL
    present = {p.recommendation for p in planned}
    legend = [
        LegendItem(key, label, help_text, shape, shape_path(shape, 7.5))
        for key, (label, shape, help_text) in RECOMMENDATIONS.items()
        if key != "reconsider" or key in present  # the model does not give it today; shown if it ever does
    ]
    return Chart(
        width=LEFT + 5 * CELL + RIGHT,
        height=cells_bottom + BAND + BOTTOM,
        cells_x=LEFT,
        cells_y=BAND,
        cells_size=5 * CELL,
        quadrants=_quadrants(),
        grid=[i * CELL for i in range(1, 5)],
        split_x=LEFT + SPLIT * CELL,
        split_y=BAND + (5 - SPLIT) * CELL,
        cells_right=LEFT + 5 * CELL,
        bands_bottom=cells_bottom + BAND,
        ticks_x=[Tick(LEFT + (s - 1) * CELL + CELL // 2, cells_bottom + BAND + 17, str(s)) for s in range(1, 6)],
        ticks_y=[Tick(LEFT - 12, BAND + (5 - s) * CELL + CELL // 2, str(s)) for s in range(1, 6)],
        axis_x=Tick(LEFT + 5 * CELL // 2, cells_bottom + BAND + 42, "In-house effectiveness: 1 poor to 5 excellent"),
        axis_y=Tick(20, BAND + 5 * CELL // 2, "Business value: 1 peripheral to 5 core"),
        points=points,
        legend=legend,
        charted=len(charted),
        total=len(planned),
    )
