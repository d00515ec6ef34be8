"""Invoices, budgets, spend, the forecast and the on-time rate as plain data: the one shape the API, the
portal's API and the CLI give (validated through `payments/schemas.py`).

Amounts stay `Decimal` here; the schemas write them as strings with two places.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from outsourcer.accounts.models import Workspace
from outsourcer.payments.dues import DueDate, due_dates
from outsourcer.payments.models import TRANSITIONS, Invoice, InvoiceEvent, Status
from outsourcer.payments.selectors import (
    Budget,
    OnTimeMonth,
    Payable,
    Spend,
    dispute_notes,
    forecast,
    paid_on_time,
    recurring_obligations,
)

NO_DUE_DATE = "no date to count from: the invoice has neither a received nor an issued date"
CLOSED = frozenset({Status.PAID, Status.VOID})


def days_overdue(invoice: Invoice, due: DueDate | None, today: dt.date) -> int | None:
    """Days past due while it is still owed (0 when not yet due, or with no date); None once paid or void."""
    if invoice.status in CLOSED:
        return None
    if due is None:
        return 0
    return max(0, (today - due.on).days)


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _due(due: DueDate | None) -> dict[str, Any]:
    return {
        "due_on_effective": due.on if due else None,
        "due_basis": due.basis if due else NO_DUE_DATE,
    }


def invoice_dict(i: Invoice, due: DueDate | None, *, today: dt.date) -> dict[str, Any]:
    """One invoice with its effective due date and why; `engagement__contractor` and `milestone` loaded."""
    e = i.engagement
    return {
        "id": i.uuid,
        "ref": i.ref,
        "number": i.number,
        "engagement": e.uuid,
        "engagement_ref": e.ref,
        "engagement_title": e.title,
        "contractor": e.contractor.uuid,
        "contractor_ref": e.contractor.ref,
        "contractor_name": e.contractor.name,
        "milestone": i.milestone.uuid if i.milestone else None,
        "milestone_ref": i.milestone.ref if i.milestone else None,
        "issued_on": i.issued_on,
        "received_on": i.received_on,
        "amount": i.amount,
        "currency": i.currency,
        "due_on": i.due_on,
        **_due(due),
        "due_capped": bool(due and due.capped),
        "laws": [
            {
                "id": law.id,
                "name": law.name,
                "citation": law.citation,
                "payment_days_after_completion": law.payment_days_after_completion,
            }
            for law in (due.laws if due else ())
        ],
        "days_overdue": days_overdue(i, due, today),
        "paid_on_time": paid_on_time(i, due) if i.status == Status.PAID else None,
        "status": i.status,
        "paid_on": i.paid_on,
        "channel": i.channel or None,
        "backup_withholding": i.backup_withholding,
        "note": i.note,
        "from_portal": i.from_portal,
        "file_name": (i.file_name or "invoice") if i.file else None,
        "created_at": i.created_at,
        "updated_at": i.updated_at,
    }


def invoice_dicts(invoices: list[Invoice], *, today: dt.date) -> list[dict[str, Any]]:
    """Many invoices, their due dates worked out together (one extra query whatever their number)."""
    dues = due_dates(invoices)
    return [invoice_dict(i, dues[i.pk], today=today) for i in invoices]


def payable_dicts(rows: list[Payable], *, today: dt.date) -> list[dict[str, Any]]:
    return [invoice_dict(p.invoice, p.due, today=today) for p in rows]


def event_dict(e: InvoiceEvent) -> dict[str, Any]:
    return {
        "from_status": e.from_status or None,
        "to_status": e.to_status,
        "at": e.at,
        "by": e.by_label or "someone no longer here",
        "note": e.note,
    }


def invoice_detail_dict(i: Invoice, due: DueDate | None, *, today: dt.date) -> dict[str, Any]:
    """An invoice with the steps it may take next, the hours it bills and its history (a few queries)."""
    entries = i.time_entries.order_by("worked_on", "pk")
    return {
        **invoice_dict(i, due, today=today),
        "next_statuses": sorted(TRANSITIONS.get(i.status, frozenset())),
        "time_entries": [{"id": t.uuid, "worked_on": t.worked_on, "hours": t.hours} for t in entries],
        "events": [event_dict(e) for e in i.events.order_by("at", "pk")],
    }


# --- What to pay, as CSV -----------------------------------------------------------------------------

PAYABLES_CSV_COLUMNS = (
    "ref", "number", "contractor", "engagement", "amount", "currency", "due_on", "days_overdue", "status",
)  # fmt: skip
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def payables_csv(rows: list[Payable]) -> str:
    """What to pay as CSV, in the columns of the web page's this-week download (tests hold the two equal)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAYABLES_CSV_COLUMNS)
    for p in rows:
        i = p.invoice
        cells = (
            i.ref, i.number, i.engagement.contractor.name, i.engagement.title, f"{i.amount:.2f}", i.currency,
            p.due.on.isoformat() if p.due else "", p.days_overdue, i.status,
        )  # fmt: skip
        writer.writerow([csv_cell(value) for value in cells])
    return out.getvalue()


# --- The contractor portal ---------------------------------------------------------------------------


def portal_invoice_dict(i: Invoice, due: DueDate | None, *, today: dt.date, dispute: str = "") -> dict[str, Any]:
    """What a contractor sees of an invoice: no internal note, no history of who did what."""
    e = i.engagement
    return {
        "id": i.uuid,
        "ref": i.ref,
        "number": i.number,
        "engagement": e.uuid,
        "engagement_ref": e.ref,
        "engagement_title": e.title,
        "milestone": i.milestone.uuid if i.milestone else None,
        "milestone_title": i.milestone.title if i.milestone else None,
        "issued_on": i.issued_on,
        "received_on": i.received_on,
        "amount": i.amount,
        "currency": i.currency,
        "status": i.status,
        **_due(due),
        "days_overdue": days_overdue(i, due, today),
        "paid_on": i.paid_on,
        "backup_withholding": i.backup_withholding,
        "dispute_reason": (dispute or None) if i.status == Status.DISPUTED else None,
        "from_portal": i.from_portal,
        "file_name": (i.file_name or "invoice") if i.file else None,
    }


def portal_invoice_dicts(invoices: list[Invoice], *, today: dt.date) -> list[dict[str, Any]]:
    dues = due_dates(invoices)
    notes = dispute_notes(invoices)
    return [portal_invoice_dict(i, dues[i.pk], today=today, dispute=notes.get(i.pk, "")) for i in invoices]


# --- Budgets, spend, forecast, on-time ---------------------------------------------------------------


def budget_dict(b: Budget, *, burn: list[tuple[dt.date, Any]], alert_percent: int) -> dict[str, Any]:
    e = b.engagement
    return {
        "engagement": e.uuid,
        "engagement_ref": e.ref,
        "engagement_title": e.title,
        "currency": b.currency,
        "cap": b.cap,
        "invoiced": b.invoiced,
        "unbilled_time": b.unbilled_time,
        "committed": b.committed,
        "percent": b.percent,
        "remaining": b.remaining,
        "level": b.level(alert_percent),
        "alert_percent": alert_percent,
        "burn": [{"month": month, "committed": total} for month, total in burn],
        "unconvertible": [{"ref": i.ref, "amount": i.amount, "currency": i.currency} for i in b.unconvertible],
    }


def spend_dict(s: Spend, *, start: dt.date, end: dt.date) -> dict[str, Any]:
    return {
        "start": start,
        "end": end,
        "currency": s.currency,
        "total": s.total,
        "by_contractor": [{"key": k, "amount": v} for k, v in s.by_contractor.items()],
        "by_month": [{"month": k, "amount": v} for k, v in s.by_month.items()],
        "by_category": [{"key": k, "amount": v} for k, v in s.by_category.items()],
        "unconvertible": [{"currency": k, "amount": v} for k, v in sorted(s.unconvertible.items())],
    }


def forecast_dict(workspace: Workspace, *, today: dt.date) -> dict[str, Any]:
    totals = forecast(workspace=workspace, today=today)
    obligations = recurring_obligations(workspace=workspace, today=today)
    return {
        "as_of": today,
        "currency": workspace.base_currency,
        "next_3_months": totals["3"],
        "next_12_months": totals["12"],
        "obligations": [
            {
                "engagement": o.engagement.uuid,
                "engagement_ref": o.engagement.ref,
                "engagement_title": o.engagement.title,
                "contractor_name": o.engagement.contractor.name,
                "end_on": o.engagement.end_on,
                "monthly": o.monthly,
                "basis": o.basis,
            }
            for o in sorted(obligations, key=lambda o: (o.engagement.title, o.engagement.pk))
        ],
    }


def on_time_dict(
    *, today: dt.date, window_days: int, on_time: int, paid: int, months: list[OnTimeMonth]
) -> dict[str, Any]:
    return {
        "as_of": today,
        "window_days": window_days,
        "paid": paid,
        "on_time": on_time,
        "percent": percent(on_time, paid),
        "months": [
            {"month": m.month, "paid": m.paid, "on_time": m.on_time, "percent": percent(m.on_time, m.paid)}
            for m in months
        ],
    }
