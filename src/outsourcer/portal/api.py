"""The contractor portal over REST: a contractor's own engagements, submitting work and logging hours.

Every row comes through `portal_engagements(access)`: a contractor reaches only the engagements where
they are the contractor (never a draft), and anything else answers 404. The business's members reach
the same operations as a preview. Reading needs `portal`, changing needs `contribute`.

No `from __future__ import annotations` here: `@paginate` reads the annotations at import time.
"""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from outsourcer.accounts.api_conflicts import ConflictOut, conflicts, paged
from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables import serialize as delivered
from outsourcer.deliverables.api import submit_work
from outsourcer.deliverables.models import OPEN_STATUSES, Milestone, Submission, SubmissionFile
from outsourcer.deliverables.schemas import SubmissionOut
from outsourcer.engagements import serialize
from outsourcer.engagements import services as engagements
from outsourcer.engagements.api import time_entry_out
from outsourcer.engagements.models import Engagement, TimeEntry
from outsourcer.engagements.schemas import TimeEntryIn, TimeEntryOut, TimeStatusQuery
from outsourcer.engagements.selectors import portal_engagements, time_entry_list
from outsourcer.payments import serialize as money
from outsourcer.payments.api import paged_invoices
from outsourcer.payments.models import OPEN, Invoice
from outsourcer.payments.schemas import EngagementQuery, InvoiceStatusQuery, PortalInvoiceIn, PortalInvoiceOut
from outsourcer.payments.services import invoice_create
from outsourcer.portal.schemas import PortalEngagementDetailOut, PortalEngagementOut, PortalSubmissionIn
from outsourcer.portal.selectors import (
    communication_plan,
    portal_invoices,
    portal_milestones,
    portal_time_entries,
    sent_brief,
    shared_ratings,
    shared_reviews,
)

router = Router(tags=["portal"])


def engagement_dict(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.uuid,
        "ref": e.ref,
        "title": e.title,
        "kind": e.kind,
        "status": e.status,
        "contractor": e.contractor.uuid,
        "contractor_name": e.contractor.name,
        "start_on": e.start_on,
        "end_on": e.end_on,
        "rate": serialize.rate_dict(e),
    }


def _engagement(access: WorkspaceAccess, engagement: uuid.UUID) -> Engagement:
    return access.get(portal_engagements(access=access).select_related("workspace"), engagement)


def _milestone_dict(m: Milestone, *, today: Any) -> dict[str, Any]:
    return {
        "id": m.uuid,
        "ref": m.ref,
        "title": m.title,
        "description": m.description,
        "due_on": m.due_on,
        "amount": m.amount,
        "status": m.status,
        "submitted_on": m.submitted_on,
        "overdue": m.status in OPEN_STATUSES and m.due_on < today,
        "submissions": [delivered.submission_dict(s) for s in m.submissions.all()],
    }


def _detail(access: WorkspaceAccess, e: Engagement) -> dict[str, Any]:
    today = today_in(access.workspace.time_zone)
    submissions = Submission.objects.select_related("milestone").prefetch_related(
        Prefetch("files", queryset=SubmissionFile.objects.order_by("name", "pk"))
    )
    milestones = list(
        Milestone.objects.filter(engagement=e)
        .prefetch_related(Prefetch("submissions", queryset=submissions.order_by("-pk")))
        .order_by("due_on", "ref")
    )
    version = sent_brief(engagement=e)
    entries = list(time_entry_list(engagement=e))
    for entry in entries:
        entry.engagement = e  # loaded already: no query per row
    ratings = list(shared_ratings(engagement=e))
    for rating in ratings:
        rating.engagement = e
    return {
        **engagement_dict(e),
        "brief": serialize.brief_version_dict(version) if version is not None else None,
        "communication": serialize.communication_dict(communication_plan(engagement=e)),
        "milestones": [_milestone_dict(m, today=today) for m in milestones],
        "feedback": [
            delivered.review_dict(r) for r in shared_reviews(milestones=milestones).select_related("submission")
        ],
        "ratings": [serialize.rating_dict(r) for r in ratings],
        "time_entries": [serialize.time_entry_dict(t) for t in entries],
    }


@router.get(
    "/workspaces/{ws}/portal/engagements",
    response=list[PortalEngagementOut],
    summary="Your engagements (contractor portal)",
    description=(
        "For a contractor, the engagements where they are the contractor (drafts are not shown); for the "
        "business's members, every engagement but drafts, as a preview."
    ),
)
@requires("portal")
@paginate(paged(engagement_dict))
def portal_engagement_index(request: HttpRequest, ws: uuid.UUID) -> Any:
    access = api_door(request, ws, "portal")
    return portal_engagements(access=access).order_by("-start_on", "title", "pk")


@router.get(
    "/workspaces/{ws}/portal/engagements/{engagement}",
    response=PortalEngagementDetailOut,
    summary="One of your engagements (contractor portal)",
    description=(
        "The brief as last sent to you (later edits show once sent), the communication plan, the milestones "
        "with your submissions, the reviews and ratings shared with you, and your time entries. Another "
        "contractor's engagement answers 404."
    ),
)
@requires("portal")
def portal_engagement_get(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "portal")
    return _detail(access, _engagement(access, engagement))


@router.post(
    "/workspaces/{ws}/portal/milestones/{milestone}/submissions",
    response={201: SubmissionOut, 409: ConflictOut},
    summary="Submit work for one of your milestones (contractor portal)",
    description=(
        "Text and links (at least one), with a note; files are uploaded on the portal's milestone page. "
        "It is dated today in the workspace (a body with `submitted_on` is refused). A milestone accepted, "
        "rejected or cancelled, or an engagement not in progress, takes no submission (409)."
    ),
)
@requires("contribute")
def portal_submission_create(
    request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID, payload: PortalSubmissionIn
) -> Status[Any]:
    access = api_door(request, ws, "contribute")
    row = access.get(portal_milestones(access=access).select_related("workspace"), milestone)
    return Status(201, submit_work(request, row, text=payload.text, links=payload.links, note=payload.note))


@router.get(
    "/workspaces/{ws}/portal/engagements/{engagement}/time-entries",
    response=list[TimeEntryOut],
    summary="Your hours on an engagement (contractor portal)",
    description="The latest worked first.",
)
@requires("portal")
@paginate(paged(serialize.time_entry_dict))
def portal_time_entry_index(
    request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, status: TimeStatusQuery = ""
) -> Any:
    access = api_door(request, ws, "portal")
    return time_entry_list(engagement=_engagement(access, engagement), status=status).select_related("engagement")


@router.post(
    "/workspaces/{ws}/portal/engagements/{engagement}/time-entries",
    response={201: TimeEntryOut, 409: ConflictOut},
    summary="Log hours on one of your engagements (contractor portal)",
    description=(
        "Only while the engagement is in progress (409 otherwise), not before it starts. `submit: true` "
        "sends the hours for approval at once."
    ),
)
@requires("contribute")
def portal_time_entry_add(
    request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: TimeEntryIn
) -> Status[Any]:
    access = api_door(request, ws, "contribute")
    row = _engagement(access, engagement)
    with conflicts("engagement"):
        entry = engagements.time_entry_add(
            actor=Actor.api(request), engagement=row, data=payload.dict(exclude={"submit"}), submit=payload.submit
        )
    return Status(201, time_entry_out(entry))


@router.post(
    "/workspaces/{ws}/portal/time-entries/{time_entry}/submit",
    response={200: TimeEntryOut, 409: ConflictOut},
    summary="Send your hours for approval (contractor portal)",
    description="A draft or rejected entry only (409 otherwise).",
)
@requires("contribute")
def portal_time_entry_submit(request: HttpRequest, ws: uuid.UUID, time_entry: uuid.UUID) -> Any:
    access = api_door(request, ws, "contribute")
    entry: TimeEntry = access.get(portal_time_entries(access=access).select_related("workspace"), time_entry)
    with conflicts("status"):
        engagements.time_entry_submit(actor=Actor.api(request), entry=entry)
    return time_entry_out(entry)


# --- Invoices --------------------------------------------------------------------------------------


def _portal_invoice_page(request: HttpRequest, rows: list[Invoice]) -> list[dict[str, Any]]:
    if not rows:
        return []
    return money.portal_invoice_dicts(rows, today=today_in(rows[0].workspace.time_zone))


def _portal_invoice_out(access: WorkspaceAccess, invoice: Invoice) -> dict[str, Any]:
    row = access.get(portal_invoices(access=access), invoice.uuid)
    today = today_in(access.workspace.time_zone)
    return money.portal_invoice_dicts([row], today=today)[0]


@router.get(
    "/workspaces/{ws}/portal/invoices",
    response=list[PortalInvoiceOut],
    summary="Your invoices (contractor portal)",
    description=(
        "The invoices of your engagements, the latest received first: whether each is approved, scheduled, "
        "paid or disputed (and why), when it is due and why, and the day it was paid. For the business's "
        "members, every engagement's but drafts', as a preview."
    ),
)
@requires("portal")
@paginate(paged_invoices(_portal_invoice_page))
def portal_invoice_index(
    request: HttpRequest, ws: uuid.UUID, status: InvoiceStatusQuery = "", engagement: EngagementQuery = None
) -> Any:
    access = api_door(request, ws, "portal")
    rows = portal_invoices(access=access).select_related("workspace")
    if status == "open":
        rows = rows.filter(status__in=OPEN)
    elif status:
        rows = rows.filter(status=status)
    if engagement is not None:
        rows = rows.filter(engagement__uuid=engagement)
    return rows.order_by("-received_on", "-issued_on", "ref", "pk")


@router.post(
    "/workspaces/{ws}/portal/engagements/{engagement}/invoices",
    response={201: PortalInvoiceOut, 409: ConflictOut},
    summary="Send an invoice for one of your engagements (contractor portal)",
    description=(
        "It arrives as received today in the workspace, for the business to approve; its ref is made up. "
        "An engagement not started yet takes none (409). The API takes no file: upload the PDF or image of "
        "your invoice on the portal's page instead."
    ),
)
@requires("contribute")
def portal_invoice_create(
    request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: PortalInvoiceIn
) -> Status[Any]:
    access = api_door(request, ws, "contribute")
    row = _engagement(access, engagement)
    data = {key: value for key, value in payload.dict(exclude={"milestone"}).items() if value is not None}
    if payload.milestone is not None:
        milestone = portal_milestones(access=access).filter(uuid=payload.milestone, engagement=row).first()
        if milestone is None:
            raise ValidationError({"milestone": ["No such milestone on this engagement."]})
        data["milestone"] = milestone
    with conflicts("engagement"):
        invoice = invoice_create(actor=Actor.api(request), engagement=row, data=data, from_portal=True)
    return Status(201, _portal_invoice_out(access, invoice))
