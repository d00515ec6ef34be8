"""Engagements over REST: terms and status, the brief, the communication plan, check-ins, time, ratings
and customer commitments. The same services and selectors as the pages.

No `from __future__ import annotations` here: `@paginate` reads the annotations at import time.
"""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from outsourcer.accounts.api_conflicts import ConflictOut, conflicts, paged, refuse_nulls
from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.api_types import api_names
from outsourcer.core.timezones import today_in
from outsourcer.engagements import serialize
from outsourcer.engagements import services as engagements
from outsourcer.engagements.models import BriefVersion, CheckIn, CustomerCommitment, Engagement, Rating, TimeEntry
from outsourcer.engagements.schemas import (
    BriefIn,
    BriefOut,
    BriefSendIn,
    BriefVersionOut,
    CheckInIn,
    CheckInOut,
    CheckInPatchIn,
    CommitmentIn,
    CommitmentOut,
    CommitmentPatchIn,
    CommitmentStatusQuery,
    CommunicationIn,
    CommunicationPlanOut,
    ContractorQuery,
    EngagementCreateIn,
    EngagementDetailOut,
    EngagementKindQuery,
    EngagementOut,
    EngagementPatchIn,
    EngagementQuery,
    EngagementRatingOut,
    EngagementSearch,
    EngagementStatusIn,
    EngagementStatusQuery,
    HoursOut,
    RatingIn,
    TimeDecisionIn,
    TimeEntryIn,
    TimeEntryOut,
    TimeEntryPatchIn,
    TimeStatusQuery,
)
from outsourcer.engagements.selectors import (
    check_in_list,
    commitment_list,
    engagement_list,
    time_entry_list,
    time_entry_list_for_workspace,
)
from outsourcer.planning.models import Task

router = Router(tags=["engagements"])

# What the model calls a field, as the API spells it, so a refusal points at what the caller sent.
ENGAGEMENT_NAMES = {
    "rate_model": "rate.model",
    "rate_currency": "rate.currency",
    "rate_amount": "rate.amount",
    "weekly_hour_cap": "rate.weekly_hour_cap",
    "retainer_included_hours": "rate.retainer_included_hours",
    "commission_percent": "rate.commission_percent",
    "commission_base": "rate.commission_base",
}
RATE_FIELDS = {"model": "rate_model", "currency": "rate_currency", "amount": "rate_amount"}
NULLABLE = frozenset({"customer_commitment", "start_on", "end_on", "budget_cap", "payment_terms_days"})
RATE_NULLABLE = frozenset({"amount", "weekly_hour_cap", "retainer_included_hours", "commission_percent"})


# --- Loading rows through the door -----------------------------------------------------------------


def engagement_rows(access: WorkspaceAccess) -> QuerySet[Engagement]:
    return access.scope(Engagement.objects.select_related("contractor", "workspace", "customer_commitment"))


def load_engagement(access: WorkspaceAccess, engagement: uuid.UUID) -> Engagement:
    return access.get(engagement_rows(access), engagement)


def _engagement_detail(access: WorkspaceAccess, engagement: uuid.UUID) -> Engagement:
    rows = engagement_rows(access).select_related("brief", "communication").prefetch_related("tasks")
    return access.get(rows, engagement)


def _detail_out(access: WorkspaceAccess, engagement: Engagement) -> dict[str, Any]:
    return serialize.engagement_detail_dict(_engagement_detail(access, engagement.uuid))


def _check_in(access: WorkspaceAccess, check_in: uuid.UUID) -> CheckIn:
    return access.get(CheckIn.objects.select_related("engagement", "workspace"), check_in)


def _time_entry(access: WorkspaceAccess, time_entry: uuid.UUID) -> TimeEntry:
    return access.get(TimeEntry.objects.select_related("engagement__contractor", "workspace"), time_entry)


def _commitment(access: WorkspaceAccess, commitment: uuid.UUID) -> CustomerCommitment:
    return access.get(
        CustomerCommitment.objects.select_related("workspace").prefetch_related("engagements"), commitment
    )


def _today(access: WorkspaceAccess) -> Any:
    return today_in(access.workspace.time_zone)


def _linked(access: WorkspaceAccess, model: type[Any], public_id: uuid.UUID, field: str, what: str) -> Any:
    """A row a request points at by id: absent from this workspace is a bad value (400), not a 404."""
    found = access.scope(model.objects.all()).filter(uuid=public_id).first()
    if found is None:
        raise ValidationError({field: [f"No such {what} in this workspace."]})
    return found


def _tasks(access: WorkspaceAccess, ids: list[uuid.UUID]) -> list[Task]:
    wanted = list(dict.fromkeys(ids))
    found = {t.uuid: t for t in access.scope(Task.objects.all()).filter(uuid__in=wanted)}
    absent = [str(i) for i in wanted if i not in found]
    if absent:
        raise ValidationError({"tasks": [f"No such task in this workspace: {', '.join(absent)}."]})
    return [found[i] for i in wanted]


def _engagement_data(
    access: WorkspaceAccess, payload: EngagementCreateIn | EngagementPatchIn, *, partial: bool
) -> tuple[dict[str, Any], list[Task] | None]:
    """The payload in the fields the service takes: the rate spread out, ids turned into rows."""
    data = payload.dict(exclude_unset=partial, exclude={"contractor", "tasks", "rate"})
    if partial:
        refuse_nulls(data, NULLABLE)
    rate_payload = payload.rate
    if rate_payload is not None:
        rate = rate_payload.dict(exclude_unset=partial)
        if partial:
            refuse_nulls(rate, RATE_NULLABLE, prefix="rate.")
        if rate.get("currency") is None:
            rate.pop("currency", None)  # the contractor's, set by the service
        if rate.get("commission_base") is None:
            rate.pop("commission_base", None)
        data.update({RATE_FIELDS.get(key, key): value for key, value in rate.items()})
    elif partial and "rate" in payload.model_fields_set:
        raise ValidationError({"rate": "This field cannot be null."})
    if data.get("customer_commitment") is not None:
        data["customer_commitment"] = _linked(
            access, CustomerCommitment, data["customer_commitment"], "customer_commitment", "customer commitment"
        )
    if not partial and not data.get("ref"):
        data.pop("ref", None)  # made up when not given
    if partial and data.get("ended_reason") is not None:
        data["ended_reason"] = data["ended_reason"].strip()
    tasks = payload.tasks
    if partial and tasks is None and "tasks" in payload.model_fields_set:
        raise ValidationError({"tasks": "This field cannot be null."})
    return data, (_tasks(access, tasks) if tasks is not None else None)


# --- Engagements -----------------------------------------------------------------------------------


@router.get("/workspaces/{ws}/engagements", response=list[EngagementOut], summary="List engagements")
@requires("read")
@paginate(paged(serialize.engagement_dict))
def engagement_index(
    request: HttpRequest,
    ws: uuid.UUID,
    status: EngagementStatusQuery = "",
    kind: EngagementKindQuery = "",
    contractor: ContractorQuery = None,
    q: EngagementSearch = "",
) -> Any:
    access = api_door(request, ws, "read")
    owner = None
    if contractor is not None:
        owner = access.scope(Contractor.objects.all()).filter(uuid=contractor).first()
        if owner is None:
            return Engagement.objects.none()
    return engagement_list(workspace=access.workspace, status=status, kind=kind, contractor=owner, q=q)


@router.post(
    "/workspaces/{ws}/engagements",
    response={201: EngagementDetailOut},
    summary="Open an engagement",
    description=(
        "A new engagement starts as a draft. The rate defaults to a fixed price in the contractor's currency; "
        "`customer_commitment` and `tasks` are ids from this workspace (another id is refused with 400)."
    ),
)
@requires("write")
def engagement_create(request: HttpRequest, ws: uuid.UUID, payload: EngagementCreateIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    contractor = _linked(access, Contractor, payload.contractor, "contractor", "contractor")
    data, tasks = _engagement_data(access, payload, partial=False)
    with api_names(ENGAGEMENT_NAMES):
        engagement = engagements.engagement_create(
            actor=Actor.api(request), contractor=contractor, data=data, tasks=tasks
        )
    return Status(201, _detail_out(access, engagement))


@router.get(
    "/workspaces/{ws}/engagements/{engagement}",
    response=EngagementDetailOut,
    summary="An engagement with its brief's score and communication plan",
    description=(
        "The terms, the linked tasks, the brief's completeness (`score` 0 to 100, what is `missing` or `thin`, "
        "whether it `changed_since_sent`) and the communication plan (null until written)."
    ),
)
@requires("read")
def engagement_get(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return serialize.engagement_detail_dict(_engagement_detail(access, engagement))


@router.patch(
    "/workspaces/{ws}/engagements/{engagement}",
    response=EngagementDetailOut,
    summary="Change an engagement's terms",
    description="Send only what changes; in `rate`, only the keys sent change. `tasks` replaces the linked tasks.",
)
@requires("write")
def engagement_update(
    request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: EngagementPatchIn
) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    data, tasks = _engagement_data(access, payload, partial=True)
    with api_names(ENGAGEMENT_NAMES):
        engagements.engagement_update(actor=Actor.api(request), engagement=row, data=data, tasks=tasks)
    return _detail_out(access, row)


@router.delete(
    "/workspaces/{ws}/engagements/{engagement}",
    response={204: None, 409: ConflictOut},
    summary="Delete a draft engagement",
    description="Only a draft goes away (409 otherwise): work that started is kept; complete or terminate it.",
)
@requires("write")
def engagement_delete(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    with conflicts("status"):
        engagements.engagement_delete(actor=Actor.api(request), engagement=load_engagement(access, engagement))
    return Status(204, None)


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/status",
    response={200: EngagementDetailOut, 409: ConflictOut},
    summary="Move an engagement to another status",
    description=(
        "draft -> active or terminated; active -> paused, completed or terminated; paused -> active, completed "
        "or terminated. Any other step answers 409 with the steps allowed. A `reason` is kept as `ended_reason`."
    ),
)
@requires("write")
def engagement_status(
    request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: EngagementStatusIn
) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    with conflicts("status"):
        engagements.engagement_set_status(
            actor=Actor.api(request), engagement=row, status=payload.status, reason=payload.reason
        )
    return _detail_out(access, row)


# --- Brief -----------------------------------------------------------------------------------------


def _brief_out(access: WorkspaceAccess, engagement: uuid.UUID) -> dict[str, Any]:
    return serialize.brief_dict(access.get(engagement_rows(access).select_related("brief"), engagement))


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/brief",
    response=BriefOut,
    summary="An engagement's brief and its completeness",
    description=(
        "The brief as written (`content`, empty parts before anything is written), its `score` (0 to 100), "
        "the parts `missing` or `thin` with advice, and the version last sent to the contractor."
    ),
)
@requires("read")
def brief_get(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    return _brief_out(api_door(request, ws, "read"), engagement)


@router.put(
    "/workspaces/{ws}/engagements/{engagement}/brief",
    response=BriefOut,
    summary="Write an engagement's brief",
    description=(
        "Replaces the whole brief: a part left out is saved empty. A brief sent before is not re-sent: "
        "`changed_since_sent` turns true until the next `brief/send`."
    ),
)
@requires("write")
def brief_put(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: BriefIn) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    engagements.brief_save(actor=Actor.api(request), engagement=row, data=payload.dict())
    return _brief_out(access, engagement)


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/brief/send",
    response={201: BriefVersionOut, 409: ConflictOut},
    summary="Send the brief to the contractor",
    description=(
        "Freezes the brief as its next version, shows it in the contractor's portal and emails them a link "
        "(when they have an email address). An empty brief, or one unchanged since the last version, answers 409."
    ),
)
@requires("write")
def brief_send(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: BriefSendIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    with conflicts("brief"):
        version = engagements.brief_send(actor=Actor.api(request), engagement=row, note=payload.note)
    return Status(201, serialize.brief_version_dict(version))


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/brief/versions",
    response=list[BriefVersionOut],
    summary="The versions of the brief sent to the contractor",
    description="Newest first.",
)
@requires("read")
def brief_versions(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    row = load_engagement(access, engagement)
    versions = BriefVersion.objects.filter(brief__engagement=row).order_by("-number")
    return [serialize.brief_version_dict(v) for v in versions]


# --- Communication plan ----------------------------------------------------------------------------


def _plan_out(access: WorkspaceAccess, engagement: uuid.UUID) -> dict[str, Any]:
    row = access.get(engagement_rows(access).select_related("communication"), engagement)
    return serialize.communication_plan_dict(row, today=_today(access))


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/communication",
    response=CommunicationPlanOut,
    summary="An engagement's communication plan, with the overlap check",
    description=(
        "Who the contractor talks to, how and how often (empty values before a plan is written), and "
        "`overlap`: the working day of the next 30 with the least time shared with the contractor, its hours, "
        "and whether that still `meets_needs` (`needs_overlap_hours`); null where either is not known."
    ),
)
@requires("read")
def communication_get(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    return _plan_out(api_door(request, ws, "read"), engagement)


@router.put(
    "/workspaces/{ws}/engagements/{engagement}/communication",
    response=CommunicationPlanOut,
    summary="Write an engagement's communication plan",
    description="Replaces the whole plan: a value left out is saved empty.",
)
@requires("write")
def communication_put(
    request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: CommunicationIn
) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    data = payload.dict()
    data["important_topics_channel"] = data["important_topics_channel"] or ""
    data["cadence"] = data["cadence"] or ""
    engagements.communication_save(actor=Actor.api(request), engagement=row, data=data)
    return _plan_out(access, engagement)


# --- Check-ins -------------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/check-ins",
    response=list[CheckInOut],
    summary="The check-in log of an engagement",
    description="Newest first.",
)
@requires("read")
@paginate(paged(serialize.check_in_dict))
def check_in_index(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> Any:
    access = api_door(request, ws, "read")
    return check_in_list(engagement=load_engagement(access, engagement)).select_related("engagement")


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/check-ins",
    response={201: CheckInOut},
    summary="Log a check-in",
    description="A status update, meeting, status request or feedback, and who started it (`us` or `contractor`).",
)
@requires("write")
def check_in_add(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: CheckInIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    check_in = engagements.check_in_add(actor=Actor.api(request), engagement=row, data=payload.dict())
    return Status(201, serialize.check_in_dict(check_in))


@router.patch("/workspaces/{ws}/check-ins/{check_in}", response=CheckInOut, summary="Change a check-in")
@requires("write")
def check_in_update(request: HttpRequest, ws: uuid.UUID, check_in: uuid.UUID, payload: CheckInPatchIn) -> Any:
    access = api_door(request, ws, "write")
    row = _check_in(access, check_in)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data)
    engagements.check_in_update(actor=Actor.api(request), check_in=row, data=data)
    return serialize.check_in_dict(row)


@router.delete("/workspaces/{ws}/check-ins/{check_in}", response={204: None}, summary="Remove a check-in")
@requires("write")
def check_in_delete(request: HttpRequest, ws: uuid.UUID, check_in: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    engagements.check_in_delete(actor=Actor.api(request), check_in=_check_in(access, check_in))
    return Status(204, None)


# --- Time entries ----------------------------------------------------------------------------------


def time_entry_out(entry: TimeEntry) -> dict[str, Any]:
    entry.refresh_from_db(fields=["hours"])  # as stored: 3.5 reads back as "3.50"
    return serialize.time_entry_dict(entry)


@router.get(
    "/workspaces/{ws}/time-entries",
    response=list[TimeEntryOut],
    summary="Time entries across the workspace",
    description="The latest worked first. `status=submitted` is what waits for approval.",
)
@requires("read")
@paginate(paged(serialize.time_entry_dict))
def time_entry_workspace_index(
    request: HttpRequest, ws: uuid.UUID, status: TimeStatusQuery = "", engagement: EngagementQuery = None
) -> Any:
    access = api_door(request, ws, "read")
    row = None
    if engagement is not None:
        row = access.scope(Engagement.objects.all()).filter(uuid=engagement).first()
        if row is None:
            return TimeEntry.objects.none()
    return time_entry_list_for_workspace(workspace=access.workspace, status=status, engagement=row)


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/time-entries",
    response=list[TimeEntryOut],
    summary="An engagement's time entries",
    description="The latest worked first.",
)
@requires("read")
@paginate(paged(serialize.time_entry_dict))
def time_entry_index(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, status: TimeStatusQuery = "") -> Any:
    access = api_door(request, ws, "read")
    return time_entry_list(engagement=load_engagement(access, engagement), status=status).select_related("engagement")


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/time-entries",
    response={201: TimeEntryOut, 409: ConflictOut},
    summary="Log hours on an engagement",
    description=(
        "Only on an engagement in progress (active or paused; 409 otherwise), for a day from its start to its "
        "end and not after today in the workspace's time zone. `submit: true` sends the hours for approval at once."
    ),
)
@requires("write")
def time_entry_add(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: TimeEntryIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    with conflicts("engagement"):
        entry = engagements.time_entry_add(
            actor=Actor.api(request), engagement=row, data=payload.dict(exclude={"submit"}), submit=payload.submit
        )
    return Status(201, time_entry_out(entry))


@router.patch(
    "/workspaces/{ws}/time-entries/{time_entry}",
    response={200: TimeEntryOut, 409: ConflictOut},
    summary="Correct a time entry",
    description=(
        "An approved entry is locked (409), and an entry of an engagement not in progress (a draft, completed "
        "or terminated) cannot be changed either (409). A rejected one goes back to draft when changed. Its day "
        "stays within the engagement's dates and not after today."
    ),
)
@requires("write")
def time_entry_update(request: HttpRequest, ws: uuid.UUID, time_entry: uuid.UUID, payload: TimeEntryPatchIn) -> Any:
    access = api_door(request, ws, "write")
    entry = _time_entry(access, time_entry)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data)
    with conflicts("status", "engagement"):
        engagements.time_entry_update(actor=Actor.api(request), entry=entry, data=data)
    return time_entry_out(entry)


@router.delete(
    "/workspaces/{ws}/time-entries/{time_entry}",
    response={204: None, 409: ConflictOut},
    summary="Remove a time entry",
    description="An approved entry is locked (409).",
)
@requires("write")
def time_entry_delete(request: HttpRequest, ws: uuid.UUID, time_entry: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    with conflicts("status"):
        engagements.time_entry_delete(actor=Actor.api(request), entry=_time_entry(access, time_entry))
    return Status(204, None)


@router.post(
    "/workspaces/{ws}/time-entries/{time_entry}/submit",
    response={200: TimeEntryOut, 409: ConflictOut},
    summary="Send hours for approval",
    description=(
        "A draft or rejected entry of an engagement in progress only (409 otherwise), for a day within the "
        "engagement's dates and not after today."
    ),
)
@requires("write")
def time_entry_submit(request: HttpRequest, ws: uuid.UUID, time_entry: uuid.UUID) -> Any:
    access = api_door(request, ws, "write")
    entry = _time_entry(access, time_entry)
    with conflicts("status", "engagement"):
        engagements.time_entry_submit(actor=Actor.api(request), entry=entry)
    return time_entry_out(entry)


@router.post(
    "/workspaces/{ws}/time-entries/{time_entry}/decide",
    response={200: TimeEntryOut, 409: ConflictOut},
    summary="Approve or reject submitted hours",
    description=(
        "Only hours waiting for approval (409 otherwise, also when someone decided first). Approving locks "
        "the entry; rejecting needs a `reason`, which the contractor sees (400 without one)."
    ),
)
@requires("write")
def time_entry_decide(request: HttpRequest, ws: uuid.UUID, time_entry: uuid.UUID, payload: TimeDecisionIn) -> Any:
    access = api_door(request, ws, "write")
    entry = _time_entry(access, time_entry)
    with conflicts("status"):
        engagements.time_entry_decide(
            actor=Actor.api(request), entry=entry, approve=payload.approve, reason=payload.reason
        )
    return time_entry_out(entry)


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/hours",
    response=HoursOut,
    summary="Hours against the weekly cap",
    description=(
        "For each of the last 8 ISO weeks (the current one last, by the workspace's calendar): approved "
        "hours, hours waiting for approval, the cap and what is `left` of it (null without a cap)."
    ),
)
@requires("read")
def engagement_hours(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return serialize.hours_dict(load_engagement(access, engagement), today=_today(access))


# --- Ratings ---------------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/ratings",
    response=list[EngagementRatingOut],
    summary="The ratings of an engagement",
)
@requires("read")
def rating_index(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    row = load_engagement(access, engagement)
    return [serialize.rating_dict(r) for r in Rating.objects.filter(engagement=row).select_related("engagement")]


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/ratings",
    response={201: EngagementRatingOut},
    summary="Rate the contractor's work on an engagement",
    description="Each score 1 to 5. Ratings feed the contractor's scorecard; `shared_with_contractor` shows one "
    "in their portal.",
)
@requires("write")
def rating_add(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: RatingIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    rating = engagements.rating_add(actor=Actor.api(request), engagement=row, data=payload.dict())
    return Status(201, serialize.rating_dict(rating))


# --- Customer commitments --------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/commitments",
    response=list[CommitmentOut],
    summary="What the business promised its customers",
    description="The earliest promise first, each with the engagements that serve it.",
)
@requires("read")
@paginate(paged(serialize.commitment_dict))
def commitment_index(request: HttpRequest, ws: uuid.UUID, status: CommitmentStatusQuery = "") -> Any:
    access = api_door(request, ws, "read")
    return commitment_list(workspace=access.workspace, status=status).prefetch_related("engagements")


@router.post("/workspaces/{ws}/commitments", response={201: CommitmentOut}, summary="Record a customer commitment")
@requires("write")
def commitment_create(request: HttpRequest, ws: uuid.UUID, payload: CommitmentIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    data = payload.dict()
    if not data.get("ref"):
        data.pop("ref", None)  # made up when not given
    commitment = engagements.commitment_create(actor=Actor.api(request), workspace=access.workspace, data=data)
    return Status(201, serialize.commitment_dict(_commitment(access, commitment.uuid)))


@router.get("/workspaces/{ws}/commitments/{commitment}", response=CommitmentOut, summary="A customer commitment")
@requires("read")
def commitment_get(request: HttpRequest, ws: uuid.UUID, commitment: uuid.UUID) -> dict[str, Any]:
    return serialize.commitment_dict(_commitment(api_door(request, ws, "read"), commitment))


@router.patch(
    "/workspaces/{ws}/commitments/{commitment}", response=CommitmentOut, summary="Change a customer commitment"
)
@requires("write")
def commitment_update(
    request: HttpRequest, ws: uuid.UUID, commitment: uuid.UUID, payload: CommitmentPatchIn
) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = _commitment(access, commitment)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data)
    engagements.commitment_update(actor=Actor.api(request), commitment=row, data=data)
    return serialize.commitment_dict(_commitment(access, commitment))


@router.delete(
    "/workspaces/{ws}/commitments/{commitment}",
    response={204: None},
    summary="Remove a customer commitment",
    description="The engagements linked to it keep running, unlinked.",
)
@requires("write")
def commitment_delete(request: HttpRequest, ws: uuid.UUID, commitment: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    engagements.commitment_delete(actor=Actor.api(request), commitment=_commitment(access, commitment))
    return Status(204, None)
