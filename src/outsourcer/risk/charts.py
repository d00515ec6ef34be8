"""The risk heat map as plain data: the template `risk/risk_heat_map.html` draws it as SVG.

A 5 x 5 grid, likelihood in rows (5 at the top) and impact in columns (1 at the left), each cell
holding how many risks sit there (selectors.risk_heat). The map reads without colour: every cell
shows its count as a number and its band as a word, the high and medium bands also carry a pattern
(stripes, dots), both axes are labelled with their numbers and words, and the SVG has a title and a
description that lists every cell holding a risk. Colours and patterns are presentation attributes,
not CSS, so the same SVG looks the same inline in a page and served alone as an image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from outsourcer.risk.models import HIGH_SCORE, MEDIUM_SCORE
from outsourcer.risk.selectors import HeatCell

# The scales in words, for the axes, the form and the CLI.
LIKELIHOOD_WORDS = {1: "rare", 2: "unlikely", 3: "possible", 4: "likely", 5: "almost certain"}
IMPACT_WORDS = {1: "negligible", 2: "minor", 3: "moderate", 4: "major", 5: "severe"}
BAND_WORDS = {"high": "High", "medium": "Medium", "low": "Low"}
BAND_RANGES = {
    "high": f"{HIGH_SCORE} to 25",
    "medium": f"{MEDIUM_SCORE} to {HIGH_SCORE - 1}",
    "low": f"1 to {MEDIUM_SCORE - 1}",
}
# Fill, and the ink of the band's pattern.
BAND_FILL = {"high": "#f6d3ce", "medium": "#fbe6bd", "low": "#dcefe1"}
BAND_INK = {"high": "#b3261e", "medium": "#9a6700", "low": "#2f6f43"}

LEFT = 112  # the likelihood axis: its title and each row's number and word
TOP = 8
CELL_W = 78
CELL_H = 58
GRID_W = 5 * CELL_W
GRID_H = 5 * CELL_H
AXIS_BOTTOM = 62  # each column's number and word, then the impact axis title
LEGEND = 34
RIGHT = 12


def band_of(likelihood: int, impact: int) -> str:
    """high, medium or low: the heat map's band for this likelihood and impact."""
    return HeatCell(likelihood, impact, 0).band


def _risks(n: int) -> str:
    return f"{n} risk" if n == 1 else f"{n} risks"


@dataclass(frozen=True)
class Square:
    likelihood: int
    impact: int
    count: int
    band: str
    x: int
    y: int
    words: str  # the cell in words, for its <title>

    @property
    def cx(self) -> int:
        return self.x + CELL_W // 2

    @property
    def cy(self) -> int:
        return self.y + CELL_H // 2 + 4

    @property
    def fill(self) -> str:
        return BAND_FILL[self.band]

    @property
    def ink(self) -> str:
        return BAND_INK[self.band]

    @property
    def band_word(self) -> str:
        return self.band

    @property
    def label_w(self) -> int:
        """The width of the band word's backing, so the word stays clear of the pattern."""
        return {"high": 32, "medium": 48, "low": 26}[self.band]


@dataclass(frozen=True)
class AxisLabel:
    value: int
    word: str
    x: int
    y: int


@dataclass(frozen=True)
class LegendItem:
    band: str
    words: str
    x: int
    fill: str
    ink: str


@dataclass(frozen=True)
class HeatMap:
    chart_id: str
    title: str
    summary: str  # the <desc>: totals by band, how to read it, every cell holding a risk
    squares: list[Square]
    rows: list[AxisLabel]
    columns: list[AxisLabel]
    legend: list[LegendItem]
    total: int
    width: int = LEFT + GRID_W + RIGHT
    height: int = TOP + GRID_H + AXIS_BOTTOM + LEGEND
    left: int = LEFT
    top: int = TOP
    cell_w: int = CELL_W
    cell_h: int = CELL_H
    grid_right: int = LEFT + GRID_W
    grid_bottom: int = TOP + GRID_H

    @property
    def grid_mid_x(self) -> int:
        return LEFT + GRID_W // 2

    @property
    def grid_mid_y(self) -> int:
        return TOP + GRID_H // 2

    @property
    def legend_y(self) -> int:
        return TOP + GRID_H + AXIS_BOTTOM + 8

    def count_of(self, band: str) -> int:
        return sum(s.count for s in self.squares if s.band == band)

    @property
    def high(self) -> int:
        return self.count_of("high")

    @property
    def medium(self) -> int:
        return self.count_of("medium")

    @property
    def low(self) -> int:
        return self.count_of("low")


def heat_map(grid: Sequence[Sequence[HeatCell]], *, chart_id: str, title: str = "Risk heat map") -> HeatMap:
    """The drawing of `risk_heat`'s grid (rows likelihood 5..1, columns impact 1..5)."""
    squares: list[Square] = []
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            words = (
                f"Likelihood {cell.likelihood} ({LIKELIHOOD_WORDS[cell.likelihood]}), impact {cell.impact} "
                f"({IMPACT_WORDS[cell.impact]}), score {cell.score}, {cell.band}: {_risks(cell.count)}"
            )
            squares.append(
                Square(
                    likelihood=cell.likelihood,
                    impact=cell.impact,
                    count=cell.count,
                    band=cell.band,
                    x=LEFT + c * CELL_W,
                    y=TOP + r * CELL_H,
                    words=words,
                )
            )
    rows = [
        AxisLabel(value=lk, word=LIKELIHOOD_WORDS[lk], x=LEFT - 10, y=TOP + (5 - lk) * CELL_H + CELL_H // 2)
        for lk in range(5, 0, -1)
    ]
    columns = [
        AxisLabel(value=im, word=IMPACT_WORDS[im], x=LEFT + (im - 1) * CELL_W + CELL_W // 2, y=TOP + GRID_H + 18)
        for im in range(1, 6)
    ]
    legend = [
        LegendItem(band=band, words=f"{BAND_WORDS[band]}: score {BAND_RANGES[band]}", x=16 + i * 160,
                   fill=BAND_FILL[band], ink=BAND_INK[band])
        for i, band in enumerate(BAND_WORDS)
    ]  # fmt: skip
    total = sum(s.count for s in squares)
    by_band = {band: sum(s.count for s in squares if s.band == band) for band in BAND_WORDS}
    if total:
        held = "; ".join(
            f"likelihood {s.likelihood}, impact {s.impact}: {_risks(s.count)} ({s.band})"
            for s in sorted(squares, key=lambda s: (-s.likelihood * s.impact, -s.likelihood))
            if s.count
        )
        summary = (
            f"{_risks(total)} on the map: {by_band['high']} high, {by_band['medium']} medium, {by_band['low']} low. "
            "Rows are likelihood from 5 (almost certain) at the top to 1 (rare); columns are impact from 1 "
            f"(negligible) to 5 (severe). Cells holding risks: {held}."
        )
    else:
        summary = "No risks on the map. Rows are likelihood from 5 at the top to 1; columns are impact from 1 to 5."
    return HeatMap(
        chart_id=chart_id,
        title=title,
        summary=summary,
        squares=squares,
        rows=rows,
        columns=columns,
        legend=legend,
        total=total,
    )
