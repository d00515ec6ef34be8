"""The money charts as plain data: the templates draw them as inline SVG.

Three charts: spend by month (bars), the share of invoices paid on time by month (bars on a 0-100%
scale), and one engagement's burn against its cap (a step line of committed invoices, month by
month, with the cap as a dashed line). Every bar and step carries its value in words above it, a
month with nothing to show says so instead of drawing an empty bar, and the cap and the committed
total are labelled lines, so each chart reads without colour. The same figures are in a table
beside each chart. Geometry is float (it is only drawing); the figures shown are the Decimals given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from outsourcer.payments.selectors import OnTimeMonth

LEFT = 56  # room for the value ticks
RIGHT = 16
TOP = 28  # room for the value above the tallest bar
PLOT = 160
BOTTOM = 40  # month and year under the columns
STEP = 56  # one month's column
BAR = 30


def _n(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def month_label(month: dt.date) -> str:
    """E.g. `Mar 2026`."""
    return f"{month:%b %Y}"


def short_amount(value: Decimal) -> str:
    """A figure for a chart label: `850`, `1.3k`, `12k`, `1.2M` (the table beside it has the exact amount)."""
    size = abs(value)

    def rounded(amount: Decimal, places: str) -> str:
        return str(amount.quantize(Decimal(places), rounding=ROUND_HALF_UP)).removesuffix(".0")

    if size >= 1_000_000:
        return rounded(value / 1_000_000, "0.1") + "M"
    if size >= 10_000:
        return rounded(value / 1000, "1") + "k"
    if size >= 1000:
        return rounded(value / 1000, "0.1") + "k"
    return rounded(value, "1")


def nice_top(value: Decimal, steps: int = 4) -> tuple[Decimal, Decimal]:
    """A round top for an axis holding `value`, and its tick step: (1000, 250) for 870."""
    if value <= 0:
        return Decimal(steps), Decimal(1)
    raw = value / steps
    magnitude = Decimal(10) ** (len(str(int(raw))) - 1) if raw >= 1 else Decimal(1)
    for multiple in (1, 2, Decimal("2.5"), 5, 10):
        step = magnitude * multiple
        if step * steps >= value:
            return step * steps, step
    return magnitude * 10 * steps, magnitude * 10


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """The first days of the months from `first`'s to `last`'s, both included."""
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class Bar:
    month: dt.date
    x: str
    cx: str
    y: str
    height: str
    value_y: str
    value: str  # the figure above the bar, e.g. "1.3k" or "75%"; "none" for an empty month
    words: str  # the bar in words, for its <title>: "March 2026: 1,250.00 USD"
    empty: bool = False
    level: str = ""  # "low" when a rate bar is under the good mark (drawn hatched, and said in words)

    @property
    def label(self) -> str:
        return f"{self.month:%b}"

    @property
    def year(self) -> str:
        return f"{self.month:%Y}" if self.month.month == 1 else ""


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    summary: str
    plot_left: int = LEFT
    plot_top: int = TOP
    plot_bottom: int = TOP + PLOT
    plot_right: int = 0
    bar_width: int = BAR
    mark_y: str = ""  # a reference line (the good on-time rate), dashed
    mark_label: str = ""


def _frame(count: int) -> tuple[int, int]:
    return LEFT + count * STEP + RIGHT, TOP + PLOT + BOTTOM


def money_by_month(values: dict[dt.date, Decimal], months: Sequence[dt.date], currency: str) -> BarChart:
    """Bars of an amount per month (spend), every month of `months` shown, an empty one said as such."""
    top, step = nice_top(max([Decimal(0), *values.values()]))
    scale = PLOT / float(top)
    bottom = TOP + PLOT
    bars = []
    for i, month in enumerate(months):
        amount = values.get(month, Decimal(0))
        height = float(amount) * scale
        x = LEFT + i * STEP + (STEP - BAR) / 2
        bars.append(
            Bar(
                month=month,
                x=_n(x),
                cx=_n(x + BAR / 2),
                y=_n(bottom - height),
                height=_n(height),
                value_y=_n(bottom - height - 6),
                value=short_amount(amount) if amount else "none",
                words=f"{month:%B %Y}: {amount:,.2f} {currency}" if amount else f"{month:%B %Y}: nothing paid",
                empty=not amount,
            )
        )
    ticks = [Tick(y=_n(bottom - float(step * k) * scale), label=short_amount(step * k)) for k in range(5)]
    total = sum(values.values(), Decimal(0))
    busiest = max(values.items(), key=lambda kv: kv[1], default=None)
    summary = f"{total:,.2f} {currency} paid over {len(months)} months"
    if busiest is not None and busiest[1] > 0:
        summary += f"; the most in {busiest[0]:%B %Y}: {busiest[1]:,.2f} {currency}"
    width, height = _frame(len(months))
    return BarChart(width=width, height=height, bars=bars, ticks=ticks, summary=summary, plot_right=width - RIGHT)


GOOD_RATE = 90  # percent: the dashed line of the on-time chart; a month under it is marked "low"


def on_time(months: Sequence[OnTimeMonth]) -> BarChart:
    """The share of invoices paid by their due date, one bar a month; a month with no payment says "none"."""
    bottom = TOP + PLOT
    scale = PLOT / 100
    bars = []
    for i, m in enumerate(months):
        x = LEFT + i * STEP + (STEP - BAR) / 2
        if not m.paid:
            bars.append(
                Bar(
                    month=m.month,
                    x=_n(x),
                    cx=_n(x + BAR / 2),
                    y=_n(bottom),
                    height="0",
                    value_y=_n(bottom - 6),
                    value="none",
                    words=f"{m.month:%B %Y}: no invoice paid",
                    empty=True,
                )
            )
            continue
        percent = round(100 * m.on_time / m.paid)
        height = percent * scale
        bars.append(
            Bar(
                month=m.month,
                x=_n(x),
                cx=_n(x + BAR / 2),
                y=_n(bottom - height),
                height=_n(height),
                value_y=_n(bottom - height - 6),
                value=f"{percent}%",
                words=f"{m.month:%B %Y}: {m.on_time} of {m.paid} paid on time ({percent}%)",
                level="low" if percent < GOOD_RATE else "",
            )
        )
    ticks = [Tick(y=_n(bottom - p * scale), label=f"{p}%") for p in (0, 25, 50, 75, 100)]
    paid = sum(m.paid for m in months)
    in_time = sum(m.on_time for m in months)
    if paid:
        summary = f"{in_time} of {paid} invoices paid on time over {len(months)} months"
        low = [b for b in bars if b.level == "low"]
        if low:
            summary += f"; under {GOOD_RATE}% in {len(low)} month{'s' if len(low) > 1 else ''}"
    else:
        summary = f"No invoice paid in the last {len(months)} months"
    width, height = _frame(len(months))
    return BarChart(
        width=width,
        height=height,
        bars=bars,
        ticks=ticks,
        summary=summary,
        plot_right=width - RIGHT,
        mark_y=_n(bottom - GOOD_RATE * scale),
        mark_label=f"{GOOD_RATE}%",
    )


# --- Burn against the cap --------------------------------------------------------------------------

BURN_STEP = 120  # one month's width at most; narrower when many months are shown
BURN_WIDTH = 760  # what the months share
BURN_RIGHT = 170  # room for the cap's and the committed total's labels
BURN_MONTHS = 24


@dataclass(frozen=True)
class Step:
    month: dt.date
    x1: str
    x2: str
    y: str
    cx: str
    total: Decimal
    value: str  # the label above the step, shown where the total changed
    over: bool  # above the cap


@dataclass(frozen=True)
class BurnChart:
    width: int
    height: int
    steps: list[Step]
    path: str  # the step line
    ticks: list[Tick]
    summary: str
    currency: str
    cap: Decimal | None
    cap_y: str = ""
    committed: Decimal | None = None  # with unbilled hours, when more than the invoices
    committed_y: str = ""
    committed_x1: str = ""
    committed_x2: str = ""
    plot_left: int = LEFT
    plot_top: int = TOP
    plot_bottom: int = TOP + PLOT
    plot_right: int = 0
    months: list[dt.date] = field(default_factory=list)


def burn(
    points: Sequence[tuple[dt.date, Decimal]],
    *,
    cap: Decimal | None,
    committed: Decimal,
    currency: str,
    start: dt.date | None,
    today: dt.date,
) -> BurnChart | None:
    """The cumulative committed invoices by month (from `burn_by_month`) against the cap; None with nothing to draw.

    `committed` is the whole committed spend now (unbilled approved hours included): when it is more
    than the last step, a dotted line in the current month shows it.
    """
    if not points and not committed:
        return None
    by_month = dict(points)
    first = min([*by_month, *([start] if start else []), today.replace(day=1)])
    last = max([*by_month, today.replace(day=1)])
    months = months_between(first, last)[-BURN_MONTHS:]
    step_x = max(32, min(BURN_STEP, BURN_WIDTH // len(months)))
    # The running total carried into the first month shown (the points are cumulative, oldest first).
    total = next((v for m, v in reversed(points) if m < months[0]), Decimal(0))
    highest = max([Decimal(0), committed, *(v for _, v in points), *([cap] if cap else [])])
    top, step = nice_top(highest * Decimal("1.05"))
    scale = PLOT / float(top)
    bottom = TOP + PLOT
    steps: list[Step] = []
    path: list[str] = []
    previous: Decimal | None = None
    for i, month in enumerate(months):
        total = by_month.get(month, total)
        x1, x2 = LEFT + i * step_x, LEFT + (i + 1) * step_x
        y = bottom - float(total) * scale
        path.append(f"{'M' if i == 0 else 'L'}{_n(x1)} {_n(y)}H{_n(x2)}")
        changed = previous is None or total != previous
        steps.append(
            Step(
                month=month,
                x1=_n(x1),
                x2=_n(x2),
                y=_n(y),
                cx=_n((x1 + x2) / 2),
                total=total,
                value=short_amount(total) if changed and total else "",
                over=cap is not None and total > cap,
            )
        )
        previous = total
    ticks = [Tick(y=_n(bottom - float(step * k) * scale), label=short_amount(step * k)) for k in range(5)]
    width = LEFT + len(months) * step_x + BURN_RIGHT
    invoiced = steps[-1].total
    summary = f"{invoiced:,.2f} {currency} invoiced and committed by {month_label(months[-1])}"
    if committed > invoiced:
        summary += f"; {committed:,.2f} {currency} with approved hours not yet invoiced"
    if cap is not None:
        percent = (committed / cap * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP) if cap else None
        summary += f"; the cap is {cap:,.2f} {currency}"
        if percent is not None:
            summary += f" ({percent}% used)"
    committed_y = committed_x1 = committed_x2 = ""
    if committed > invoiced:
        last_x = LEFT + (len(months) - 1) * step_x
        committed_y = _n(bottom - float(committed) * scale)
        committed_x1, committed_x2 = _n(last_x), _n(last_x + step_x)
    return BurnChart(
        width=width,
        height=TOP + PLOT + BOTTOM,
        steps=steps,
        path="".join(path),
        ticks=ticks,
        summary=summary,
        currency=currency,
        cap=cap,
        cap_y=_n(bottom - float(cap) * scale) if cap is not None else "",
        committed=committed if committed > invoiced else None,
        plot_right=LEFT + len(months) * step_x,
        months=months,
        committed_y=committed_y,
        committed_x1=committed_x1,
        committed_x2=committed_x2,
    )
