"""Reads for money: invoices, what to pay and when, on-time payment, budgets, forecasts and spend.

Amounts are `Decimal`. Converting between currencies goes through the workspace's base currency
and its FX rates (`accounts.settings_rules.to_base_currency`); an amount with no rate is never
guessed: it is left out of a converted total and reported as unconvertible. Converted totals are
rounded to cents, half up, once, at the end.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from outsourcer.accounts.models import Workspace
from outsourcer.accounts.settings_rules import to_base_currency
from outsourcer.engagements.models import RUNNING, Engagement, RateModel, TimeEntry
from outsourcer.payments.dues import DueDate, due_dates
from outsourcer.payments.models import COMMITTED, OPEN, Invoice, InvoiceEvent, Status

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def convert(workspace: Workspace, amount: Decimal, currency: str, to: str) -> Decimal | None:
    """`amount` from `currency` into `to` through the base currency; None without the rates."""
    if currency == to:
        return amount
    base = to_base_currency(workspace, amount, currency)
    if base is None:
        return None
    if to == workspace.base_currency:
        return base
    rate = (workspace.fx_rates or {}).get(to)
    return base / Decimal(str(rate)) if rate else None


def invoice_list(
    *, workspace: Workspace, status: str = "", engagement: Engagement | None = None, contractor: Any = None
) -> QuerySet[Invoice]:
    rows = Invoice.objects.filter(workspace=workspace).select_related(
        "engagement__contractor", "engagement__workspace", "milestone"
    )
    if status == "open":
        rows = rows.filter(status__in=OPEN)
    elif status:
        rows = rows.filter(status=status)
    if engagement is not None:
        rows = rows.filter(engagement=engagement)
    if contractor is not None:
        rows = rows.filter(engagement__contractor=contractor)
    return rows


# --- Paying on time ------------------------------------------------------------------------------


def paid_on_time(invoice: Invoice, due: DueDate | None) -> bool:
    """Paid by its due date (an invoice with no date to count from cannot be late)."""
    return due is None or (invoice.paid_on is not None and invoice.paid_on <= due.on)


@dataclass(frozen=True)
class Payable:
    invoice: Invoice
    due: DueDate | None
    days_overdue: int  # 0 when not yet due


def payables(*, workspace: Workspace, today: dt.date) -> list[Payable]:
    """Every invoice still to pay, the soonest due first (those with no date to count from last)."""
    rows = list(invoice_list(workspace=workspace, status="open"))
    dues = due_dates(rows)
    found = [
        Payable(invoice=i, due=dues[i.pk], days_overdue=max(0, (today - dues[i.pk].on).days) if dues[i.pk] else 0)  # type: ignore[union-attr]
        for i in rows
    ]
    far = dt.date.max
    return sorted(found, key=lambda p: (p.due.on if p.due else far, p.invoice.ref))


def pay_this_week(*, workspace: Workspace, today: dt.date) -> list[Payable]:
    """Approved or scheduled invoices due by Sunday of this week, overdue ones included."""
    sunday = today + dt.timedelta(days=6 - today.weekday())
    return [
        p
        for p in payables(workspace=workspace, today=today)
        if p.invoice.status in (Status.APPROVED, Status.SCHEDULED) and p.due is not None and p.due.on <= sunday
    ]


@dataclass(frozen=True)
class OnTimeMonth:
    month: dt.date  # the first of the month
    paid: int
    on_time: int

    @property
    def rate(self) -> float | None:
        return self.on_time / self.paid if self.paid else None


def on_time_by_month(*, workspace: Workspace, today: dt.date, months: int = 12) -> list[OnTimeMonth]:
    """Invoices paid in each of the last `months` months, and how many of them by their due date."""
    year, month0 = divmod(today.year * 12 + today.month - 1 - (months - 1), 12)
    first = dt.date(year, month0 + 1, 1)  # the first of the month `months - 1` months back
    rows = list(
        Invoice.objects.filter(workspace=workspace, status=Status.PAID, paid_on__gte=first, paid_on__lte=today)
        .select_related("engagement__contractor", "engagement__workspace")
        .order_by("paid_on", "pk")
    )
    dues = due_dates(rows)
    paid: dict[dt.date, int] = defaultdict(int)
    on_time: dict[dt.date, int] = defaultdict(int)
    for invoice in rows:
        month = invoice.paid_on.replace(day=1)  # type: ignore[union-attr]
        paid[month] += 1
        if paid_on_time(invoice, dues[invoice.pk]):
            on_time[month] += 1
    out, month = [], first
    while month <= today:
        out.append(OnTimeMonth(month=month, paid=paid[month], on_time=on_time[month]))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out


# The window of the on-time payment rate (and of RULES.md's money/paid-late), in days up to today.
ON_TIME_WINDOW_DAYS = 90


def paid_within(invoice: Invoice, *, today: dt.date, days: int = ON_TIME_WINDOW_DAYS) -> bool:
    """Paid in the `days` days that end on `today` (today included)."""
    return (
        invoice.status == Status.PAID
        and invoice.paid_on is not None
        and today - dt.timedelta(days=days) < invoice.paid_on <= today
    )


def on_time_tally(invoices: list[Invoice], dues: dict[int, DueDate | None]) -> tuple[int, int]:
    """(paid on time, paid) among `invoices`, all paid, with their due dates."""
    return sum(1 for i in invoices if paid_on_time(i, dues[i.pk])), len(invoices)


def on_time_rate(*, workspace: Workspace, today: dt.date, days: int = ON_TIME_WINDOW_DAYS) -> tuple[int, int]:
    """(paid on time, paid) over the last `days` days."""
    rows = list(
        Invoice.objects.filter(
            workspace=workspace, status=Status.PAID, paid_on__gt=today - dt.timedelta(days=days), paid_on__lte=today
        ).select_related("engagement__contractor", "engagement__workspace")
    )
    return on_time_tally(rows, due_dates(rows))


# --- Budgets -------------------------------------------------------------------------------------


@dataclass
class Budget:
    engagement: Engagement
    currency: str
    cap: Decimal | None
    invoiced: Decimal  # approved, scheduled and paid invoices, in the engagement's currency
    unbilled_time: Decimal  # approved hours no approved/scheduled/paid invoice bills yet, at the hourly rate
    unconvertible: list[Invoice] = field(default_factory=list)

    @property
    def committed(self) -> Decimal:
        return cents(self.invoiced + self.unbilled_time)

    @property
    def percent(self) -> int | None:
        if not self.cap:
            return None
        return int((self.committed / self.cap * 100).to_integral_value(rounding=ROUND_HALF_UP))

    @property
    def remaining(self) -> Decimal | None:
        return None if self.cap is None else cents(self.cap - self.committed)

    def level(self, alert_percent: int | Decimal) -> str:
        """`over` past the cap, `warning` at or past `alert_percent` of it (exactly, not the rounded
        percent), `ok` below, `no-cap` without one: RULES.md's money/over-budget."""
        if self.cap is None:
            return "no-cap"
        if self.committed > self.cap:
            return "over"
        if self.committed and self.committed * 100 >= self.cap * Decimal(alert_percent):
            return "warning"
        return "ok"


def unbilled_hours(*, engagement: Engagement) -> Decimal:
    total = (
        TimeEntry.objects.filter(engagement=engagement, status=TimeEntry.Status.APPROVED)
        .exclude(billed__invoice__status__in=COMMITTED)
        .aggregate(total=Sum("hours"))["total"]
    )
    return total or Decimal(0)


def budget_for(*, engagement: Engagement) -> Budget:
    """Committed spend against the cap: RULES.md's money/over-budget reads the same numbers."""
    return budgets_for(engagements=[engagement])[engagement.pk]


# Past this many engagements, `budgets_for` reads the whole workspace's sums instead of naming each id.
BUDGET_IDS_MAX = 100


def budgets_for(*, engagements: list[Engagement], workspace: Workspace | None = None) -> dict[int, Budget]:
    """`budget_for` of many engagements of one workspace in at most three queries, whatever their number.

    Each engagement's committed invoices are summed by currency, then each sum converted into the
    engagement's currency (so one rounding per currency, as for one engagement alone). Pass the
    workspace when the engagements were loaded without it. Up to `BUDGET_IDS_MAX` engagements the
    queries name them; past that they read the workspace's sums and keep those asked for, so no query
    grows with the number of engagements.
    """
    if not engagements:
        return {}
    workspace = workspace or engagements[0].workspace
    by_id = {e.pk: e for e in engagements}
    scope = Q(engagement_id__in=by_id) if len(by_id) <= BUDGET_IDS_MAX else Q(workspace=workspace)
    invoiced: dict[int, Decimal] = dict.fromkeys(by_id, Decimal(0))
    missing: set[tuple[int, str]] = set()
    rows = (
        Invoice.objects.filter(scope, status__in=COMMITTED)
        .values("engagement_id", "currency")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    for row in rows:
        if row["engagement_id"] not in by_id:
            continue
        engagement = by_id[row["engagement_id"]]
        value = convert(workspace, row["s"], row["currency"], engagement.rate_currency)
        if value is None:
            missing.add((engagement.pk, row["currency"]))
        else:
            invoiced[engagement.pk] += value
    unconvertible: dict[int, list[Invoice]] = defaultdict(list)
    if missing:
        found = Invoice.objects.filter(
            engagement_id__in={pk for pk, _ in missing},
            currency__in={currency for _, currency in missing},
            status__in=COMMITTED,
        ).order_by("pk")
        for invoice in found:
            if (invoice.engagement_id, invoice.currency) in missing:
                unconvertible[invoice.engagement_id].append(invoice)
    hourly = {e.pk for e in engagements if e.rate_model == RateModel.HOURLY and e.rate_amount}
    hours: dict[int, Decimal] = {}
    if hourly:
        hour_scope = Q(engagement_id__in=hourly) if len(hourly) <= BUDGET_IDS_MAX else Q(workspace=workspace)
        hours = {
            engagement_id: total
            for engagement_id, total in TimeEntry.objects.filter(hour_scope, status=TimeEntry.Status.APPROVED)
            # Hours stay committed as time until an invoice that counts itself bills them.
            .exclude(billed__invoice__status__in=COMMITTED)
            .values_list("engagement_id")
            .annotate(total=Sum("hours"))
            .order_by()
            if engagement_id in hourly
        }
    return {
        e.pk: Budget(
            engagement=e,
            currency=e.rate_currency,
            cap=e.budget_cap,
            invoiced=invoiced[e.pk],
            unbilled_time=(hours.get(e.pk) or Decimal(0)) * (e.rate_amount or Decimal(0)),
            unconvertible=unconvertible.get(e.pk, []),
        )
        for e in engagements
    }


def burn_by_month(*, engagement: Engagement) -> list[tuple[dt.date, Decimal]]:
    """Cumulative committed invoices by the month they were received (or issued), for the burn chart."""
    workspace = engagement.workspace
    rows = (
        Invoice.objects.filter(engagement=engagement, status__in=COMMITTED)
        .annotate(month=TruncMonth(Coalesce("received_on", "issued_on")))
        .values("month", "currency")
        .annotate(s=Sum("amount"))
        .order_by("month")
    )
    by_month: dict[dt.date, Decimal] = defaultdict(Decimal)
    for row in rows:
        value = convert(workspace, row["s"], row["currency"], engagement.rate_currency)
        month = row["month"]
        if value is not None and month is not None:
            by_month[month if isinstance(month, dt.date) else month.date()] += value
    total, out = Decimal(0), []
    for month in sorted(by_month):
        total += by_month[month]
        out.append((month, cents(total)))
    return out


# --- What is coming: recurring obligations -------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    engagement: Engagement
    monthly: Decimal | None  # in the base currency; None when it cannot be converted
    basis: str


def recurring_obligations(*, workspace: Workspace, today: dt.date) -> list[Obligation]:
    """Running retainers (their amount a month) and ongoing hourly work (its last three months' average)."""
    found = []
    running = Engagement.objects.filter(workspace=workspace, status__in=RUNNING).select_related("contractor")
    since = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    since = (since - dt.timedelta(days=62)).replace(day=1)  # the three full months before this one
    hours = dict(
        TimeEntry.objects.filter(
            workspace=workspace, status=TimeEntry.Status.APPROVED, worked_on__gte=since,
            worked_on__lt=today.replace(day=1),
        )
        .values_list("engagement_id")
        .annotate(total=Sum("hours"))
    )  # fmt: skip
    for engagement in running:
        if engagement.end_on and engagement.end_on < today:
            continue
        if engagement.rate_model == RateModel.RETAINER and engagement.rate_amount:
            amount, basis = engagement.rate_amount, "retainer, a month"
        elif engagement.rate_model == RateModel.HOURLY and engagement.rate_amount and engagement.kind == "ongoing":
            amount = (hours.get(engagement.pk) or Decimal(0)) / 3 * engagement.rate_amount
            basis = "ongoing hourly work, the average of the last three full months"
        else:
            continue
        monthly = to_base_currency(workspace, amount, engagement.rate_currency)
        found.append(
            Obligation(engagement=engagement, monthly=cents(monthly) if monthly is not None else None, basis=basis)
        )
    return found


def forecast(*, workspace: Workspace, today: dt.date) -> dict[str, Decimal]:
    """The recurring obligations for the next 3 and 12 months, in the base currency (ends respected)."""
    totals = {"3": Decimal(0), "12": Decimal(0)}
    for obligation in recurring_obligations(workspace=workspace, today=today):
        if obligation.monthly is None:
            continue
        end = obligation.engagement.end_on
        for key, months in (("3", 3), ("12", 12)):
            horizon = today + dt.timedelta(days=round(months * 30.44))
            if end is not None and end < horizon:
                share = Decimal(max(0, (end - today).days)) / Decimal("30.44")
            else:
                share = Decimal(months)
            totals[key] += obligation.monthly * share
    return {key: cents(value) for key, value in totals.items()}


# --- Spend ---------------------------------------------------------------------------------------


@dataclass
class Spend:
    currency: str  # the base currency every total is in
    by_contractor: dict[str, Decimal]
    by_month: dict[dt.date, Decimal]
    by_category: dict[str, Decimal]
    total: Decimal
    unconvertible: dict[str, Decimal]  # currency -> amount with no FX rate


UNCATEGORISED = "Uncategorised"


def spend(*, workspace: Workspace, start: dt.date, end: dt.date) -> Spend:
    """Paid invoices between `start` and `end` (by the day paid), by contractor, month and category.

    An engagement's category is that of its first linked task (by name), else "Uncategorised": one
    category per engagement, so the three breakdowns each add up to the same total.
    """
    paid = Invoice.objects.filter(workspace=workspace, status=Status.PAID, paid_on__gte=start, paid_on__lte=end)
    rows = (
        paid.annotate(month=TruncMonth("paid_on"))
        .values("engagement_id", "engagement__contractor__name", "month", "currency")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    categories: dict[int, str] = {}
    for engagement_id, category in (
        Engagement.tasks.through.objects.filter(engagement__workspace=workspace)
        .exclude(task__category="")
        .order_by("engagement_id", "task__name")
        .values_list("engagement_id", "task__category")
    ):
        categories.setdefault(engagement_id, category)
    by_contractor: dict[str, Decimal] = defaultdict(Decimal)
    by_month: dict[dt.date, Decimal] = defaultdict(Decimal)
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    unconvertible: dict[str, Decimal] = defaultdict(Decimal)
    total = Decimal(0)
    for row in rows:
        value = to_base_currency(workspace, row["s"], row["currency"])
        if value is None:
            unconvertible[row["currency"]] += row["s"]
            continue
        month = row["month"] if isinstance(row["month"], dt.date) else row["month"].date()
        by_contractor[row["engagement__contractor__name"]] += value
        by_month[month] += value
        by_category[categories.get(row["engagement_id"], UNCATEGORISED)] += value
        total += value
    return Spend(
        currency=workspace.base_currency,
        by_contractor={k: cents(v) for k, v in sorted(by_contractor.items())},
        by_month={k: cents(v) for k, v in sorted(by_month.items())},
        by_category={k: cents(v) for k, v in sorted(by_category.items())},
        total=cents(total),
        unconvertible=dict(unconvertible),
    )


def invoices_paid_late(*, workspace: Workspace, today: dt.date, days: int = 90) -> list[tuple[Invoice, DueDate]]:
    rows = list(
        Invoice.objects.filter(
            workspace=workspace, status=Status.PAID, paid_on__gt=today - dt.timedelta(days=days), paid_on__lte=today
        ).select_related("engagement__contractor", "engagement__workspace")
    )
    dues = due_dates(rows)
    late = []
    for invoice in rows:
        due = dues[invoice.pk]
        if due is not None and not paid_on_time(invoice, due):
            late.append((invoice, due))
    return late


def open_invoice_filter() -> Q:
    return Q(status__in=OPEN)


def dispute_notes(invoices: list[Invoice]) -> dict[int, str]:
    """Why each disputed invoice among `invoices` is disputed: the note of its latest step to disputed (one
    query). The contractor sees it."""
    disputed = [i.pk for i in invoices if i.status == Status.DISPUTED]
    if not disputed:
        return {}
    notes: dict[int, str] = {}
    steps = InvoiceEvent.objects.filter(invoice_id__in=disputed, to_status=Status.DISPUTED).order_by("at", "pk")
    for invoice_id, note in steps.values_list("invoice_id", "note"):
        notes[invoice_id] = note  # the latest wins
    return notes
