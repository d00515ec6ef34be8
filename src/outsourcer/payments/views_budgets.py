"""The web face of paying on time and of budgets: what to pay (soonest due first) with the on-time rate
and this week's CSV; spend by category, contractor and month with the forecast and every running
engagement against its cap; and one engagement's burn against its cap."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Min
from django.http import HttpRequest, HttpResponse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import workspace_view
from outsourcer.engagements.models import RUNNING, Engagement, RateModel
from outsourcer.engagements.views_common import get_engagement, render_page, today
from outsourcer.payments import charts, serialize
from outsourcer.payments.dues import DueDate
from outsourcer.payments.models import Invoice, Status
from outsourcer.payments.selectors import (
    Budget,
    Payable,
    budget_for,
    budgets_for,
    burn_by_month,
    forecast,
    invoice_list,
    on_time_by_month,
    on_time_rate,
    pay_this_week,
    payables,
    recurring_obligations,
    spend,
    unbilled_hours,
)
from outsourcer.payments.views import Timing, invoice_rows, timing

# --- What to pay ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PayableRow:
    payable: Payable
    timing: Timing

    @property
    def invoice(self) -> Invoice:
        return self.payable.invoice

    @property
    def due(self) -> DueDate | None:
        return self.payable.due

    @property
    def overdue(self) -> bool:
        return self.payable.days_overdue > 0


def _rows(found: list[Payable], on: dt.date) -> list[PayableRow]:
    return [PayableRow(payable=p, timing=timing(p.invoice, p.due, on)) for p in found]


def totals_by_currency(invoices: Iterable[Invoice]) -> list[tuple[str, Decimal]]:
    """The amounts of `invoices` added up per currency, e.g. [("EUR", 1200.00), ("USD", 8400.00)]."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for invoice in invoices:
        sums[invoice.currency] += invoice.amount
    return sorted(sums.items())


def _rate(on_time: int, paid: int) -> int | None:
    return round(100 * on_time / paid) if paid else None


@workspace_view(get="read")
def payables_page(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    on = today(access)
    rows = _rows(payables(workspace=ws, today=on), on)
    week = _rows(pay_this_week(workspace=ws, today=on), on)
    overdue = [r for r in rows if r.overdue]
    in_time, paid = on_time_rate(workspace=ws, today=on)
    months = on_time_by_month(workspace=ws, today=on)
    context = {
        "rows": rows,
        "week": week,
        "week_end": on + dt.timedelta(days=6 - on.weekday()),
        "overdue": overdue,
        "open_totals": totals_by_currency(r.invoice for r in rows),
        "overdue_totals": totals_by_currency(r.invoice for r in overdue),
        "week_totals": totals_by_currency(r.invoice for r in week),
        "on_time": in_time,
        "paid": paid,
        "rate": _rate(in_time, paid),
        "months": [(m, _rate(m.on_time, m.paid)) for m in months],
        "chart": charts.on_time(months),
        "good_rate": charts.GOOD_RATE,
        "tab": "payables",
    }
    return render_page(request, access, "payments/payables.html", context)


@workspace_view(get="read")
def payables_csv(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    on = today(access)
    text = serialize.payables_csv(pay_this_week(workspace=access.workspace, today=on))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{access.workspace.slug}-to-pay-{on.isoformat()}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Budgets --------------------------------------------------------------------------------------

BAR_WIDTH = 240  # the cap's length in a budget bar, in SVG units; over the cap runs on to OVER_WIDTH
OVER_WIDTH = 300


@dataclass(frozen=True)
class BudgetRow:
    budget: Budget
    level: str  # over, warning, ok, no-cap
    words: str
    fill: str = "0"  # the committed bar's length
    track: str = str(BAR_WIDTH)
    alert_x: str = ""

    @property
    def engagement(self) -> Engagement:
        return self.budget.engagement


def budget_row(budget: Budget, alert: int) -> BudgetRow:
    """One engagement's committed spend against its cap, in words: the percent used, what is left, and
    whether it passed the workspace's alert level or the cap itself (`Budget.level`, as the health check)."""
    cap, committed, currency = budget.cap, budget.committed, budget.currency
    level = budget.level(alert)
    if cap is None:
        return BudgetRow(budget, level, f"No cap set; {committed:,.2f} {currency} committed.")
    alert_x = f"{BAR_WIDTH * alert / 100:.1f}"
    if not cap:
        words = f"A cap of zero; {committed:,.2f} {currency} committed."
        return BudgetRow(budget, level, words, fill=str(OVER_WIDTH) if committed else "0", alert_x=alert_x)
    percent = budget.percent or 0
    fill = f"{min(OVER_WIDTH, BAR_WIDTH * float(committed / cap)):.1f}"
    remaining = budget.remaining or Decimal(0)
    if level == "over":
        words = f"Over the cap by {-remaining:,.2f} {currency} ({percent}% used)."
    elif level == "warning":
        words = f"{percent}% used; {remaining:,.2f} {currency} left. Past the {alert}% alert."
    else:
        words = f"{percent}% used; {remaining:,.2f} {currency} left."
    return BudgetRow(budget, level, words, fill=fill, alert_x=alert_x)


def _years(access: WorkspaceAccess, on: dt.date) -> list[int]:
    first = Invoice.objects.filter(workspace=access.workspace, status=Status.PAID).aggregate(first=Min("paid_on"))
    start = first["first"].year if first["first"] else on.year
    return list(range(on.year, min(start, on.year) - 1, -1))


@dataclass(frozen=True)
class ObligationRow:
    engagement: Engagement
    monthly: Decimal | None
    basis: str
    ends: dt.date | None


@workspace_view(get="read")
def budgets(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    on = today(access)
    years = _years(access, on)
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else on.year
    bad_year = bool(asked) and str(year) != asked
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    spent = spend(workspace=ws, start=start, end=end)
    months = charts.months_between(start, min(end, on) if year == on.year else end)
    obligations = recurring_obligations(workspace=ws, today=on)
    running = list(
        Engagement.objects.filter(workspace=ws, status__in=RUNNING).select_related("contractor").order_by("title", "pk")
    )
    for e in running:
        e.workspace = ws
    alert = int(ws.effective_policy["budget_alert_percent"])
    rows = [budget_row(b, alert) for b in budgets_for(engagements=running).values()]
    rows.sort(key=lambda r: (-(r.budget.percent or -1), r.engagement.title))
    in_time, paid = on_time_rate(workspace=ws, today=on)
    context = {
        "year": year,
        "years": years,
        "bad_year": asked if bad_year else "",
        "spend": spent,
        "months": [(m, spent.by_month.get(m, Decimal(0))) for m in months],
        "chart": charts.money_by_month(spent.by_month, months, spent.currency),
        "obligations": [
            ObligationRow(engagement=o.engagement, monthly=o.monthly, basis=o.basis, ends=o.engagement.end_on)
            for o in obligations
        ],
        "unforecast": [o for o in obligations if o.monthly is None],
        "forecast": forecast(workspace=ws, today=on),
        "budget_rows": rows,
        "alert": alert,
        "counts": {level: sum(1 for r in rows if r.level == level) for level in ("over", "warning")},
        "rate": _rate(in_time, paid),
        "on_time": in_time,
        "paid": paid,
        "bar_width": BAR_WIDTH,
        "over_width": OVER_WIDTH,
        "tab": "budgets",
    }
    return render_page(request, access, "payments/budgets.html", context, 400 if bad_year else 200)


@workspace_view(get="read")
def budget(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    on = today(access)
    found = budget_for(engagement=obj)
    points = burn_by_month(engagement=obj)
    chart = charts.burn(
        points, cap=found.cap, committed=found.committed, currency=found.currency, start=obj.start_on, today=on
    )
    hourly = obj.rate_model == RateModel.HOURLY
    invoices = list(invoice_list(workspace=access.workspace, engagement=obj))
    alert = int(access.workspace.effective_policy["budget_alert_percent"])
    context = {
        "engagement": obj,
        "budget": found,
        "row": budget_row(found, alert),
        "over_by": -found.remaining if found.remaining is not None and found.remaining < 0 else None,
        "alert": alert,
        "chart": chart,
        "points": [(step.month, step.total) for step in chart.steps] if chart else [],
        "hourly": hourly,
        "unbilled_hours": unbilled_hours(engagement=obj) if hourly else None,
        "rows": invoice_rows(invoices, on),
        "waiting": totals_by_currency(i for i in invoices if i.status in (Status.RECEIVED, Status.DISPUTED)),
        "bar_width": BAR_WIDTH,
        "over_width": OVER_WIDTH,
        "tab": "budget",
    }
    return render_page(request, access, "payments/budget.html", context)
