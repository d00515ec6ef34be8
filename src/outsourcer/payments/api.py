"""Money over REST: invoices and their path to payment, what to pay and when, each engagement's budget,
spend, the forecast and the on-time payment rate. The same services and selectors as the pages.

No `from __future__ import annotations` here: `@paginate` reads the annotations at import time.
"""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from outsourcer.accounts.api_conflicts import ConflictOut, conflicts, refuse_nulls
from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.audit.api import BoundedPagination
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables.models import Milestone
from outsourcer.engagements.models import Engagement, TimeEntry
from outsourcer.payments import serialize
from outsourcer.payments import services as payments
from outsourcer.payments.dues import invoice_due
from outsourcer.payments.models import Invoice
from outsourcer.payments.models import Status as InvoiceStatus
from outsourcer.payments.schemas import (
    BudgetOut,
    ContractorQuery,
    EndQuery,
    EngagementQuery,
    ForecastOut,
    InvoiceCreateIn,
    InvoiceDetailOut,
    InvoiceEventOut,
    InvoiceOut,
    InvoicePatchIn,
    InvoiceStatusIn,
    InvoiceStatusQuery,
    OnTimeOut,
    SpendOut,
    StartQuery,
)
from outsourcer.payments.selectors import (
    ON_TIME_WINDOW_DAYS,
    budget_for,
    burn_by_month,
    invoice_list,
    on_time_by_month,
    on_time_rate,
    pay_this_week,
    payables,
    spend,
)

router = Router(tags=["payments"])

INVOICE_ROWS = ("engagement__contractor", "engagement__workspace", "milestone")
NULLABLE = frozenset({"issued_on", "received_on", "due_on", "milestone"})
PAYING_ONLY = ("paid_on", "channel", "backup_withholding")


def _today(access: WorkspaceAccess) -> dt.date:
    return today_in(access.workspace.time_zone)


def paged_invoices(serialize_page: Any) -> type[BoundedPagination]:
    """A bounded limit/offset pagination whose page is serialized as a whole (due dates in one query)."""

    class InvoicePagination(BoundedPagination):
        def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
            page = super().paginate_queryset(queryset, pagination, request, **params)
            page["items"] = serialize_page(request, list(page["items"]))
            return page

    return InvoicePagination


def _invoice_page(request: HttpRequest, rows: list[Invoice]) -> list[dict[str, Any]]:
    workspace = rows[0].workspace if rows else None
    today = today_in(workspace.time_zone) if workspace is not None else dt.date.today()
    return serialize.invoice_dicts(rows, today=today)


def load_invoice(access: WorkspaceAccess, invoice: uuid.UUID) -> Invoice:
    return access.get(Invoice.objects.select_related(*INVOICE_ROWS, "workspace"), invoice)


def _detail_out(access: WorkspaceAccess, invoice: uuid.UUID) -> dict[str, Any]:
    row = load_invoice(access, invoice)
    return serialize.invoice_detail_dict(row, invoice_due(row), today=_today(access))


def _linked(access: WorkspaceAccess, rows: QuerySet[Any], public_id: uuid.UUID, field: str, what: str) -> Any:
    """A row a request points at by id: absent from this workspace is a bad value (400), not a 404."""
    found = access.scope(rows).filter(uuid=public_id).first()
    if found is None:
        raise ValidationError({field: [f"No such {what} in this workspace."]})
    return found


def _time_entries(access: WorkspaceAccess, ids: list[uuid.UUID]) -> list[TimeEntry]:
    wanted = list(dict.fromkeys(ids))
    found = {t.uuid: t for t in access.scope(TimeEntry.objects.all()).filter(uuid__in=wanted)}
    absent = [str(i) for i in wanted if i not in found]
    if absent:
        raise ValidationError({"time_entries": [f"No such time entry in this workspace: {', '.join(absent)}."]})
    return [found[i] for i in wanted]


# --- Invoices --------------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/invoices",
    response=list[InvoiceOut],
    summary="List invoices",
    description=(
        "The latest received first. Each carries its effective due date (`due_on_effective`: the stated one, "
        "else computed from the terms, never later than a freelancer-protection law allows), why "
        "(`due_basis`), the laws that cover it and `days_overdue`. `status=open` is what is still to pay."
    ),
)
@requires("read")
@paginate(paged_invoices(_invoice_page))
def invoice_index(
    request: HttpRequest,
    ws: uuid.UUID,
    status: InvoiceStatusQuery = "",
    engagement: EngagementQuery = None,
    contractor: ContractorQuery = None,
) -> Any:
    access = api_door(request, ws, "read")
    engagement_row = contractor_row = None
    if engagement is not None:
        engagement_row = access.scope(Engagement.objects.all()).filter(uuid=engagement).first()
        if engagement_row is None:
            return Invoice.objects.none()
    if contractor is not None:
        contractor_row = access.scope(Contractor.objects.all()).filter(uuid=contractor).first()
        if contractor_row is None:
            return Invoice.objects.none()
    return invoice_list(
        workspace=access.workspace, status=status, engagement=engagement_row, contractor=contractor_row
    ).select_related("workspace")


@router.post(
    "/workspaces/{ws}/invoices",
    response={201: InvoiceDetailOut, 409: ConflictOut},
    summary="Record an invoice",
    description=(
        "An invoice a contractor sent, for one engagement (a draft engagement takes none: 409), optionally "
        "billing one of its milestones or approved hours no other invoice bills. It starts as `received`. "
        "The API takes no file: attach the PDF or image on the invoice's web page."
    ),
)
@requires("write")
def invoice_create(request: HttpRequest, ws: uuid.UUID, payload: InvoiceCreateIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    engagement = _linked(
        access, Engagement.objects.select_related("contractor", "workspace"), payload.engagement, "engagement",
        "engagement",
    )  # fmt: skip
    data = {
        key: value
        for key, value in payload.dict(exclude={"engagement", "milestone", "time_entries"}).items()
        if value is not None
    }
    if payload.milestone is not None:
        data["milestone"] = _linked(access, Milestone.objects.all(), payload.milestone, "milestone", "milestone")
    entries = _time_entries(access, payload.time_entries)
    with conflicts("engagement"):
        invoice = payments.invoice_create(
            actor=Actor.api(request), engagement=engagement, data=data, time_entries=entries
        )
    return Status(201, _detail_out(access, invoice.uuid))


@router.get(
    "/workspaces/{ws}/invoices/{invoice}",
    response=InvoiceDetailOut,
    summary="An invoice with its due date, the hours it bills and its history",
)
@requires("read")
def invoice_get(request: HttpRequest, ws: uuid.UUID, invoice: uuid.UUID) -> dict[str, Any]:
    return _detail_out(api_door(request, ws, "read"), invoice)


@router.patch(
    "/workspaces/{ws}/invoices/{invoice}",
    response={200: InvoiceDetailOut, 409: ConflictOut},
    summary="Correct an invoice",
    description=(
        "Only while it is received or disputed (409 otherwise): once approved, its money is settled through "
        "`status`. Send only what changes."
    ),
)
@requires("write")
def invoice_update(request: HttpRequest, ws: uuid.UUID, invoice: uuid.UUID, payload: InvoicePatchIn) -> Any:
    access = api_door(request, ws, "write")
    row = load_invoice(access, invoice)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data, NULLABLE)
    if data.get("milestone") is not None:
        data["milestone"] = _linked(access, Milestone.objects.all(), data["milestone"], "milestone", "milestone")
    with conflicts("status"):
        payments.invoice_update(actor=Actor.api(request), invoice=row, data=data)
    return _detail_out(access, invoice)


@router.delete(
    "/workspaces/{ws}/invoices/{invoice}",
    response={204: None, 409: ConflictOut},
    summary="Delete an invoice entered by mistake",
    description="Only a received invoice nobody has acted on goes away (409 otherwise): void it instead.",
)
@requires("write")
def invoice_delete(request: HttpRequest, ws: uuid.UUID, invoice: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    with conflicts("status"):
        payments.invoice_delete(actor=Actor.api(request), invoice=load_invoice(access, invoice))
    return Status(204, None)


@router.post(
    "/workspaces/{ws}/invoices/{invoice}/status",
    response={200: InvoiceDetailOut, 409: ConflictOut},
    summary="Move an invoice along its path: approve, schedule, pay, dispute or void it",
    description=(
        "received -> approved, disputed or void; approved -> scheduled, paid, disputed or void; scheduled -> "
        "approved, paid or disputed; disputed -> received, approved or void; paid and void are final. Any other "
        "step answers 409 with the steps allowed. Paying needs `paid_on` and `channel` (400 without), with any "
        "`backup_withholding`; those three go only with `paid`. Disputing needs a `note`, which the contractor "
        "sees. Each step is kept with who took it."
    ),
)
@requires("write")
def invoice_status(request: HttpRequest, ws: uuid.UUID, invoice: uuid.UUID, payload: InvoiceStatusIn) -> Any:
    access = api_door(request, ws, "write")
    row = load_invoice(access, invoice)
    if payload.status != InvoiceStatus.PAID:
        stray = [name for name in PAYING_ONLY if getattr(payload, name) is not None]
        if stray:
            raise ValidationError({name: ["Only for a payment (status `paid`)."] for name in stray})
    with conflicts("status"):
        payments.invoice_set_status(
            actor=Actor.api(request),
            invoice=row,
            status=payload.status,
            note=payload.note,
            paid_on=payload.paid_on,
            channel=payload.channel or "",
            backup_withholding=payload.backup_withholding,
        )
    return _detail_out(access, invoice)


@router.get(
    "/workspaces/{ws}/invoices/{invoice}/events",
    response=list[InvoiceEventOut],
    summary="The path an invoice took, with who took each step",
    description="Oldest first.",
)
@requires("read")
def invoice_events(request: HttpRequest, ws: uuid.UUID, invoice: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    row = load_invoice(access, invoice)
    return [serialize.event_dict(e) for e in row.events.order_by("at", "pk")]


# --- What to pay -----------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/payables",
    response=list[InvoiceOut],
    summary="What is still to pay, the soonest due first",
    description=(
        "Every received, approved or scheduled invoice, by effective due date (those with no date to count "
        "from last), each with `days_overdue` as of today in the workspace."
    ),
)
@requires("read")
def payable_index(request: HttpRequest, ws: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    today = _today(access)
    return serialize.payable_dicts(payables(workspace=access.workspace, today=today), today=today)


@router.get(
    "/workspaces/{ws}/payables/this-week",
    response=list[InvoiceOut],
    summary="What to pay this week",
    description=(
        "Approved or scheduled invoices due by this Sunday (in the workspace's calendar), overdue ones "
        "included, the soonest due first: the rows of the web page's this-week CSV."
    ),
)
@requires("read")
def payable_this_week(request: HttpRequest, ws: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    today = _today(access)
    return serialize.payable_dicts(pay_this_week(workspace=access.workspace, today=today), today=today)


# --- Budgets, spend, forecast, on-time -------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/budget",
    response=BudgetOut,
    summary="An engagement's committed spend against its cap, with its burn by month",
    description=(
        "Committed is approved, scheduled and paid invoices plus approved hours no invoice bills yet (at the "
        "hourly rate), in the engagement's currency; invoices in a currency with no FX rate are listed apart. "
        "`level` is `warning` from the workspace's budget alert percent of the cap and `over` past it."
    ),
)
@requires("read")
def engagement_budget(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    row = access.get(Engagement.objects.select_related("contractor", "workspace"), engagement)
    alert = int(access.workspace.effective_policy["budget_alert_percent"])
    return serialize.budget_dict(budget_for(engagement=row), burn=burn_by_month(engagement=row), alert_percent=alert)


@router.get(
    "/workspaces/{ws}/spend",
    response=SpendOut,
    summary="Money paid out, by contractor, month and category",
    description=(
        "Paid invoices from `start` to `end` (by the day paid, both included; by default this calendar year to "
        "date), converted to the base currency with the workspace's FX rates and rounded to cents half up once "
        "per total. Each breakdown adds up to `total`; amounts with no FX rate are listed in `unconvertible`."
    ),
)
@requires("read")
def spend_report(request: HttpRequest, ws: uuid.UUID, start: StartQuery = None, end: EndQuery = None) -> Any:
    access = api_door(request, ws, "read")
    end = end or _today(access)
    start = start or end.replace(month=1, day=1)
    if start > end:
        raise ValidationError({"start": ["The start comes after the end."]})
    found = spend(workspace=access.workspace, start=start, end=end)
    return serialize.spend_dict(found, start=start, end=end)


@router.get(
    "/workspaces/{ws}/forecast",
    response=ForecastOut,
    summary="What recurring work will cost over the next 3 and 12 months",
    description=(
        "Running retainers at their amount a month, and ongoing hourly work at the average of its last three "
        "full months of approved hours, in the base currency; an engagement's end date is respected."
    ),
)
@requires("read")
def forecast_report(request: HttpRequest, ws: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return serialize.forecast_dict(access.workspace, today=_today(access))


@router.get(
    "/workspaces/{ws}/on-time",
    response=OnTimeOut,
    summary="The on-time payment rate",
    description=(
        "Invoices paid in the last 90 days and how many by their due date, and the same for each of the last "
        "12 months (by the month paid)."
    ),
)
@requires("read")
def on_time_report(request: HttpRequest, ws: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    today = _today(access)
    in_time, paid = on_time_rate(workspace=access.workspace, today=today)
    months = on_time_by_month(workspace=access.workspace, today=today)
    return serialize.on_time_dict(
        today=today, window_days=ON_TIME_WINDOW_DAYS, on_time=in_time, paid=paid, months=months
    )
