"""When an invoice is due, and why, as RULES.md states it.

The invoice's own `due_on` when it has one; else its `received_on` (or `issued_on`) plus the
engagement's `payment_terms_days`, or the workspace policy's `default_payment_terms_days`. Where a
freelancer-protection law covers the engagement (`engagements/laws.py`), the due date is never later
than the law's days (30) after the work was completed: the accepted review of the milestone the
invoice bills, else the engagement's end when it has ended, else the invoice's own date (billing
follows the work). Every due date carries its reasons in words, shown beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Max

from outsourcer.accounts.settings_rules import to_base_currency
from outsourcer.deliverables.models import Review
from outsourcer.engagements.laws import Law, engagement_place, laws_covering
from outsourcer.engagements.models import RateModel, Status
from outsourcer.payments.models import Invoice


@dataclass(frozen=True)
class DueDate:
    on: dt.date
    basis: str  # in words: where the date comes from
    laws: tuple[Law, ...] = field(default=())
    capped: bool = False  # the law moved it earlier than the terms would


def engagement_value_usd(engagement: Any, invoice_amount: Decimal | None = None) -> Decimal | None:
    """What an engagement is worth in US dollars, for the laws' minimums; None when it cannot be told."""
    candidates = [engagement.budget_cap]
    if engagement.rate_model in (RateModel.FIXED, RateModel.MILESTONE):
        candidates.append(engagement.rate_amount)
    candidates.append(invoice_amount)
    value = max((v for v in candidates if v is not None), default=None)
    if value is None:
        return None
    workspace = engagement.workspace
    if engagement.rate_currency == "USD":
        return value
    if workspace.base_currency == "USD":
        return to_base_currency(workspace, value, engagement.rate_currency)
    return None


def completion_dates(invoices: Iterable[Invoice]) -> dict[int, dt.date]:
    """For each milestone an invoice bills, the day its work was accepted (one query)."""
    milestone_ids = {i.milestone_id for i in invoices if i.milestone_id}
    if not milestone_ids:
        return {}
    rows = (
        Review.objects.filter(milestone_id__in=milestone_ids, decision=Review.Decision.ACCEPTED)
        .values("milestone_id")
        .annotate(on=Max("reviewed_on"))
    )
    return {row["milestone_id"]: row["on"] for row in rows}


def _completed_on(invoice: Invoice, accepted: dict[int, dt.date]) -> tuple[dt.date | None, str]:
    if invoice.milestone_id and invoice.milestone_id in accepted:
        return accepted[invoice.milestone_id], "the milestone's work was accepted"
    engagement = invoice.engagement
    if engagement.status in (Status.COMPLETED, Status.TERMINATED) and engagement.end_on:
        return engagement.end_on, "the engagement ended"
    day = invoice.issued_on or invoice.received_on
    return day, "the invoice's date (it bills work done)"


def invoice_due(invoice: Invoice, *, accepted: dict[int, dt.date] | None = None) -> DueDate | None:
    """The due date of one invoice with its reasons; None when it has no date to count from.

    A law's limit applies to a date the invoice states as much as to the terms: the laws let the
    parties agree a payment date, but never one later than they allow after the work is done.
    """
    if accepted is None:
        accepted = completion_dates([invoice])
    start = invoice.received_on or invoice.issued_on
    engagement = invoice.engagement
    workspace = engagement.workspace
    if invoice.due_on:
        due, basis = invoice.due_on, "stated on the invoice"
    elif start is None:
        return None
    else:
        if engagement.payment_terms_days is not None:
            days, source = engagement.payment_terms_days, "the engagement's payment terms"
        else:
            days = int(workspace.effective_policy["default_payment_terms_days"])
            source = "the workspace's default payment terms"
        start_word = "received" if invoice.received_on else "issued"
        due = start + dt.timedelta(days=days)
        basis = f"{start_word} {start.isoformat()} + {days} days ({source})"
    laws = laws_covering(
        place=engagement_place(engagement),
        on=start or due,
        individual=engagement.contractor.kind == "individual",
        value_usd=engagement_value_usd(engagement, invoice.amount),
    )
    if not laws:
        return DueDate(on=due, basis=basis)
    completed, why = _completed_on(invoice, accepted)
    if completed is None:
        return DueDate(on=due, basis=basis, laws=tuple(laws))
    strictest = min(laws, key=lambda law: law.payment_days_after_completion)
    cap = completed + dt.timedelta(days=strictest.payment_days_after_completion)
    if cap < due:
        names = " and ".join(law.name for law in laws)
        told = "the invoice states" if invoice.due_on else "the terms would give"
        return DueDate(
            on=cap,
            basis=f"{strictest.payment_days_after_completion} days after {completed.isoformat()}, when {why}: "
            f"the latest date the {names} {'allow' if len(laws) > 1 else 'allows'} "
            f"({told} {due.isoformat()})",
            laws=tuple(laws),
            capped=True,
        )
    return DueDate(on=due, basis=basis, laws=tuple(laws))


def due_dates(invoices: Iterable[Invoice]) -> dict[int, DueDate | None]:
    """Due dates of many invoices in one extra query (select_related engagement__contractor/workspace first)."""
    rows = list(invoices)
    accepted = completion_dates(rows)
    return {invoice.pk: invoice_due(invoice, accepted=accepted) for invoice in rows}
