"""money/*: budget wisely, pay on time (RULES.md, "money").

Due dates are `payments.dues`' (the invoice's own, else the terms or the workspace's default, never
later than a freelancer-protection law allows), "on time" is `payments.selectors.paid_on_time`, and
committed spend is `payments.selectors.budgets_for`'s: the rules say what the payables and budget
pages show. They read four loaders of `CheckContext` (invoices open or paid in the last 90 days with
their due dates, the budgets of running engagements, ratings summed per contractor, and the
engagements): a fixed number of queries, whatever the number of invoices.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from outsourcer.checks.registry import CheckContext, Hit, Subject, register
from outsourcer.checks.rules.manage import plural
from outsourcer.checks.rules.vet import amount, and_list, contractor_subject, date_text, engagement_subject
from outsourcer.contractors.models import Stage
from outsourcer.engagements.models import Engagement, RateModel
from outsourcer.payments.dues import DueDate
from outsourcer.payments.models import OPEN, Invoice, Status
from outsourcer.payments.selectors import ON_TIME_WINDOW_DAYS, on_time_tally, paid_on_time, paid_within

# A contractor rated this well on average (overall score) counts as a good worker, preferred or not.
GOOD_RATING = Decimal("4.5")

WAITING_WORDS: dict[str, str] = {
    Status.RECEIVED: "received but not yet approved",
    Status.APPROVED: "approved but not paid",
    Status.SCHEDULED: "scheduled but not paid",
}


def invoice_name(invoice: Invoice) -> str:
    return invoice.number or invoice.ref


def invoice_subject(invoice: Invoice) -> Subject:
    engagement = invoice.engagement
    label = f"Invoice {invoice_name(invoice)} from {engagement.contractor.name} ({engagement.title})"
    return Subject(kind="invoice", uuid=str(invoice.uuid), ref=invoice.ref, label=label)


def _days(n: int) -> str:
    return plural(n, "day")


def _percent(part: Decimal | int, whole: Decimal | int) -> int:
    return int((Decimal(part) * 100 / Decimal(whole)).to_integral_value(rounding=ROUND_HALF_UP))


def _overdue(ctx: CheckContext) -> Iterator[tuple[Invoice, DueDate, int]]:
    """Each invoice still to pay whose due date is before the check's date, with the days it is late."""
    for invoice in ctx.money_invoices:
        due = ctx.invoice_dues.get(invoice.pk)
        if invoice.status in OPEN and due is not None and due.on < ctx.as_of:
            yield invoice, due, (ctx.as_of - due.on).days


def _who(ctx: CheckContext, engagement: Engagement) -> str:
    return f"{engagement.title} with {ctx.contractors[engagement.contractor_id].name}"


def _engagement_subject(ctx: CheckContext, engagement: Engagement) -> Subject:
    return engagement_subject(engagement, ctx.contractors[engagement.contractor_id])


@register(
    id="money/late-payment",
    severity="error",
    title="An invoice is overdue",
    checks=(
        "An invoice still to pay (received, approved or scheduled; not paid, disputed or void) is past its due "
        "date. The due date is the invoice's own when it states one; else the day it was received (or issued) "
        "plus the engagement's payment terms, or the workspace's default terms (policy default_payment_terms_days, "
        "30 days); and never later than a freelancer-protection law that covers the engagement allows (New York "
        "City and State, Illinois, California, Los Angeles, Seattle: 30 days after the work was completed). An "
        "invoice is late from the day after it was due."
    ),
    why=(
        "Paying late is the quickest way to lose good contractors: they take on other clients first, charge you "
        "more next time or leave. Where a freelancer-protection law applies, a late payment can also cost damages "
        "of up to twice the amount owed."
    ),
    fix=(
        "Pay it, or schedule the payment and tell the contractor the day. If something about the invoice is wrong, "
        "mark it disputed with a note that says what, so the contractor knows why it waits."
    ),
    source="seed 001 #3; research 5",
)
def late_payment(ctx: CheckContext) -> Iterator[Hit]:
    for invoice, due, days in _overdue(ctx):
        engagement = invoice.engagement
        yield Hit(
            subject=invoice_subject(invoice),
            message=(
                f"{engagement.contractor.name}'s invoice {invoice_name(invoice)} for "
                f"{amount(invoice.amount, invoice.currency)} ({engagement.title}) was due on {date_text(due.on)} and "
                f"is {_days(days)} overdue: it is {WAITING_WORDS[invoice.status]}. Due date: {due.basis}."
            ),
            facts={
                "due_on": due.on.isoformat(),
                "status": invoice.status,
                "amount": str(invoice.amount),
                "currency": invoice.currency,
            },
        )


@register(
    id="money/paid-late",
    severity="warning",
    title="An invoice was paid late",
    checks=(
        f"In the last {ON_TIME_WINDOW_DAYS} days up to the check's date, an invoice was paid after its due date "
        "(worked out as for money/late-payment; paid on the due date itself is on time). The message gives the "
        f"workspace's on-time rate: the share of the invoices paid in those {ON_TIME_WINDOW_DAYS} days that were "
        "paid by their due date."
    ),
    why=(
        "A contractor remembers who pays late. One late payment is a slip; a falling on-time rate means the way "
        "invoices are approved and paid does not work, and the best contractors will be the first to go."
    ),
    fix=(
        "Find where the time went (approval, scheduling or the payment itself) and fix that step: approve invoices "
        "as they arrive, pay on a fixed day each week, and let the payables view tell you what falls due."
    ),
    source="seed 001 #3",
)
def paid_late(ctx: CheckContext) -> Iterator[Hit]:
    paid = [i for i in ctx.money_invoices if paid_within(i, today=ctx.as_of)]
    if not paid:
        return
    on_time, total = on_time_tally(paid, ctx.invoice_dues)
    rate = (
        f"In the last {ON_TIME_WINDOW_DAYS} days you paid {on_time} of {plural(total, 'invoice')} on time "
        f"({_percent(on_time, total)}%)."
    )
    for invoice in paid:
        due = ctx.invoice_dues.get(invoice.pk)
        if due is None or paid_on_time(invoice, due):
            continue
        assert invoice.paid_on is not None  # paid_within
        engagement = invoice.engagement
        late = (invoice.paid_on - due.on).days
        yield Hit(
            subject=invoice_subject(invoice),
            message=(
                f"{engagement.contractor.name}'s invoice {invoice_name(invoice)} for "
                f"{amount(invoice.amount, invoice.currency)} ({engagement.title}) was paid on "
                f"{date_text(invoice.paid_on)}, {_days(late)} after it was due on {date_text(due.on)}. {rate}"
            ),
            facts={"due_on": due.on.isoformat(), "paid_on": invoice.paid_on.isoformat()},
        )


def _good_worker(ctx: CheckContext, contractor: Any) -> str | None:
    """Why a contractor counts as a good one, in words; None when they do not."""
    reasons = []
    if contractor.stage == Stage.PREFERRED:
        reasons.append("a preferred contractor")
    total, count = ctx.contractor_ratings.get(contractor.pk, (0, 0))
    if count and Decimal(total) >= GOOD_RATING * count:
        average = (Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        reasons.append(f"rated {average.normalize():f} of 5 on average")
    return ", ".join(reasons) or None


@register(
    id="money/good-worker-waiting",
    severity="error",
    title="A good contractor is waiting for their money",
    checks=(
        f"A contractor who is preferred, or whose ratings average {GOOD_RATING} or more (overall score, over all "
        "their engagements), has an invoice past its due date and still to pay (as money/late-payment)."
    ),
    why=(
        "The contractors you most want to keep are the ones with the most choice of clients. Making them wait for "
        "money you owe is how you lose them to someone who pays on time."
    ),
    fix="Pay this contractor's overdue invoices first, today if you can, and tell them when the money will arrive.",
    source="seed 001 #3",
)
def good_worker_waiting(ctx: CheckContext) -> Iterator[Hit]:
    waiting: dict[int, list[tuple[Invoice, DueDate, int]]] = {}
    for invoice, due, days in _overdue(ctx):
        waiting.setdefault(invoice.engagement.contractor_id, []).append((invoice, due, days))
    for contractor in ctx.contractors.values():
        overdue = waiting.get(contractor.pk)
        if not overdue:
            continue
        why = _good_worker(ctx, contractor)
        if why is None:
            continue
        overdue.sort(key=lambda row: (row[1].on, row[0].ref))
        listed = [
            f"{invoice_name(i)} for {amount(i.amount, i.currency)}, due {date_text(due.on)} ({_days(days)} ago)"
            for i, due, days in overdue
        ]
        yield Hit(
            subject=contractor_subject(contractor),
            message=(
                f"{contractor.name} ({why}) is waiting for {plural(len(overdue), 'overdue invoice')}: "
                f"{and_list(listed)}."
            ),
            facts={
                "good": why,
                "invoices": {i.ref: due.on.isoformat() for i, due, _days_late in overdue},
            },
        )


@register(
    id="money/no-payment-terms",
    severity="warning",
    title="No payment terms agreed",
    checks=(
        "An engagement in progress (active or paused) has no payment terms (the days you have to pay an invoice), "
        "and no signed agreement of it states a payment date."
    ),
    why=(
        "Without agreed terms nobody knows when an invoice is due: the contractor expects money you have not "
        "planned for, and a freelancer-protection law may require the payment date to be in writing."
    ),
    fix=(
        "Agree payment terms with the contractor (for example 14 or 30 days from receiving an invoice), put them "
        "in writing, and record them on the engagement."
    ),
    source="seed 003 #3",
)
def no_payment_terms(ctx: CheckContext) -> Iterator[Hit]:
    default = int(ctx.policy["default_payment_terms_days"])
    for engagement in ctx.running_engagements:
        if engagement.payment_terms_days is not None:
            continue
        agreement = ctx.agreements.get(engagement.pk)
        if agreement is not None and agreement.signed_on is not None and agreement.payment_date_stated:
            continue
        yield Hit(
            subject=_engagement_subject(ctx, engagement),
            message=(
                f"{_who(ctx, engagement)} has no payment terms: its invoices fall due by the workspace's default "
                f"of {_days(default)}, and nothing in writing tells the contractor when they will be paid."
            ),
            facts={"payment_terms_days": None},
        )


@register(
    id="money/no-budget",
    severity="info",
    title="No budget set",
    checks=(
        "An engagement in progress (active or paused) has no budget cap, and, when it is paid by the hour, no "
        "weekly hour cap either."
    ),
    why=(
        "Work with no limit on what it may cost is how small engagements become large bills; a cap is what the "
        "budget alerts and money/over-budget measure against."
    ),
    fix=(
        "Set a budget cap on the engagement (in its rate's currency); for hourly work, a weekly hour cap as well "
        "keeps each week within what you planned."
    ),
    source="seed 003 #3",
)
def no_budget(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in ctx.running_engagements:
        if engagement.budget_cap is not None:
            continue
        hourly = engagement.rate_model == RateModel.HOURLY
        if hourly and engagement.weekly_hour_cap is not None:
            continue
        if hourly:
            what = "is paid by the hour with neither a budget cap nor a weekly hour cap"
        else:
            what = f"has no budget cap ({RateModel(engagement.rate_model).label.lower()})"
        yield Hit(
            subject=_engagement_subject(ctx, engagement),
            message=f"{_who(ctx, engagement)} {what}: nothing tells you when its cost passes what you meant to spend.",
            facts={"budget_cap": None, "rate_model": engagement.rate_model},
        )


@register(
    id="money/over-budget",
    severity="warning",
    severities=("warning", "error"),
    title="Spending reaches the budget",
    checks=(
        "An engagement in progress (active or paused) has committed spend at or above the policy's "
        "budget_alert_percent (default 80) of its budget cap (warning), or above the cap itself (error). Committed "
        "spend is what the budget page shows: invoices approved, scheduled or paid (converted into the "
        "engagement's currency at the workspace's exchange rates), plus, for hourly work, approved hours that no "
        "such invoice has billed yet, at the hourly rate (hours on a received or disputed invoice still count as "
        "time; a void invoice bills nothing); rounded to cents, half up, once."
    ),
    why=(
        "A budget only helps if you hear about it before it is gone: past the alert you can still talk about scope; "
        "past the cap the money is already owed."
    ),
    fix=(
        "Look at what is left to do against what is left of the budget; agree the scope or a new cap with the "
        "contractor (and with your own customer, if they pay for it) before approving more hours or invoices."
    ),
    source="seed 003 #3",
)
def over_budget(ctx: CheckContext) -> Iterator[Hit]:
    alert = int(ctx.policy["budget_alert_percent"])
    for engagement in ctx.running_engagements:
        budget = ctx.budgets.get(engagement.pk)
        if budget is None or budget.cap is None:
            continue
        level = budget.level(alert)
        if level not in ("over", "warning"):
            continue
        currency = budget.currency
        committed, cap = amount(budget.committed, currency), amount(budget.cap, currency)
        percent = f" ({budget.percent}%)" if budget.percent is not None else ""
        parts = [f"{amount(budget.invoiced, currency)} in approved, scheduled or paid invoices"]
        if budget.unbilled_time:
            parts.append(f"{amount(budget.unbilled_time, currency)} in approved hours not yet invoiced")
        if level == "over":
            assert budget.remaining is not None
            over = amount(-budget.remaining, currency)
            head = f"has committed {committed} against a budget cap of {cap}{percent}, {over} over it"
        else:
            head = (
                f"has committed {committed} of its {cap} budget cap{percent}, past the {alert}% alert; "
                f"{amount(budget.remaining or Decimal(0), currency)} is left"
            )
        missing = ""
        if budget.unconvertible:
            codes = sorted({i.currency for i in budget.unconvertible})
            missing = (
                f" {plural(len(budget.unconvertible), 'invoice')} in {and_list(codes)} could not be counted: the "
                "workspace has no exchange rate for it."
            )
        yield Hit(
            subject=_engagement_subject(ctx, engagement),
            message=f"{_who(ctx, engagement)} {head} ({and_list(parts)}).{missing}",
            facts={
                "committed": str(budget.committed),
                "budget_cap": str(budget.cap),
                "currency": currency,
                "budget_alert_percent": alert,
                "level": level,
            },
            severity="error" if level == "over" else "warning",
        )
