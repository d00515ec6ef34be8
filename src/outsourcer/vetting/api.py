"""The contractor directory, vetting records, trials and scorecards over REST: the same services and selectors
as the pages.

No `from __future__ import annotations` here: `@paginate` reads the annotations at import time.
"""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import ObjectNotFound, WorkspaceAccess
from outsourcer.accounts.settings_rules import parse_hhmm
from outsourcer.audit.api import BoundedPagination
from outsourcer.contractors import services as directory
from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck
from outsourcer.contractors.selectors import contractor_detail
from outsourcer.core.actor import Actor
from outsourcer.core.api_types import api_names
from outsourcer.core.timezones import today_in
from outsourcer.engagements import services as engagements
from outsourcer.engagements.models import Engagement
from outsourcer.planning.models import Task
from outsourcer.vetting import serialize
from outsourcer.vetting import services as vetting
from outsourcer.vetting.directory_queries import directory_search
from outsourcer.vetting.schemas import (
    ContractorCreateIn,
    ContractorDetailOut,
    ContractorOut,
    ContractorPatchIn,
    DaysQuery,
    DocumentIn,
    DocumentOut,
    DocumentPatchIn,
    EngagementOut,
    InterviewIn,
    InterviewOut,
    InterviewPatchIn,
    OverlapOut,
    OverlapQuery,
    PossibleDuplicatesOut,
    RateQuery,
    RatingOut,
    RedFlagIn,
    RedFlagOut,
    RedFlagPatchIn,
    ReferenceIn,
    ReferenceOut,
    ReferencePatchIn,
    ScorecardOut,
    SearchQuery,
    SkillQuery,
    StageIn,
    StageQuery,
    StandingQuery,
    StartQuery,
    TrialFinishIn,
    TrialIn,
    VettingIncompleteOut,
    WeightsIn,
    WeightsOut,
)
from outsourcer.vetting.selectors import scorecard, weights_for

router = Router(tags=["contractors"])

# What the models call a field, as the API spells it, so a refusal points at what the caller sent.
CONTRACTOR_NAMES = {
    "time_zone": "working_hours.timezone",
    "work_start": "working_hours.start",
    "work_end": "working_hours.end",
    "work_days": "working_hours.days",
    "skills_text": "skills",
    **{name: f"tax.{name}" for name in serialize.TAX_FIELDS},
}
INTERVIEW_NAMES = {f"score_{name}": f"scores.{name}" for name in Interview.SCORES}


def _refuse_nulls(data: dict[str, Any], nullable: frozenset[str]) -> None:
    for key, value in data.items():
        if value is None and key not in nullable:
            raise ValidationError({key: "This field cannot be null."})


class ContractorPagination(BoundedPagination):
    """A page of the directory, each row with its standing (the page's scorecards in a few queries)."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = serialize.contractor_rows(list(page["items"]))
        return page


# --- Contractors -----------------------------------------------------------------------------------


def _contractor(access: WorkspaceAccess, contractor: uuid.UUID) -> Contractor:
    return access.get(Contractor.objects.select_related("workspace"), contractor)


def _contractor_out(contractor: Contractor) -> dict[str, Any]:
    return serialize.contractor_dict(contractor, scorecard(contractor=contractor))


def _contractor_data(payload: ContractorCreateIn | ContractorPatchIn, *, partial: bool) -> dict[str, Any]:
    """The payload in the fields the service takes: working hours and the tax profile spread out."""
    data = payload.dict(exclude_unset=partial, exclude={"allow_duplicate"})
    if partial:
        _refuse_nulls(data, frozenset({"working_hours", "hourly_rate", "tax"}))
    if "working_hours" in data:
        del data["working_hours"]
        hours = payload.working_hours  # the model, so unset `days` still takes its default
        if hours is None:
            data.update(time_zone="", work_start=None, work_end=None, work_days=[])
        else:
            data.update(
                time_zone=hours.timezone,
                work_start=parse_hhmm(hours.start),
                work_end=parse_hhmm(hours.end),
                work_days=hours.days,
            )
    if "tax" in data:
        del data["tax"]
        if payload.tax is None:
            tax = dict.fromkeys(serialize.TAX_FIELDS) if partial else {}
        else:
            tax = payload.tax.dict(exclude_unset=partial)
        if "entity_type" in tax:
            tax["entity_type"] = tax["entity_type"] or ""  # stored blank when unknown
        data.update(tax)
    if not data.get("ref"):
        data.pop("ref", None)  # made up when not given
    return data


@router.get("/workspaces/{ws}/contractors", response=list[ContractorOut], summary="Search the contractor directory")
@requires("read")
@paginate(ContractorPagination)
def contractor_index(
    request: HttpRequest,
    ws: uuid.UUID,
    search: SearchQuery = "",
    skill: SkillQuery = "",
    stage: StageQuery = "",
    rate_min: RateQuery = None,
    rate_max: RateQuery = None,
    min_overlap_hours: OverlapQuery = None,
    standing: StandingQuery = "",
) -> Any:
    workspace = api_door(request, ws, "read").workspace
    found = directory_search(
        workspace=workspace,
        today=today_in(workspace.time_zone),
        search=search,
        skill=skill,
        stage=stage,
        rate_min=rate_min,
        rate_max=rate_max,
        min_overlap=min_overlap_hours,
        standing=standing,
    )
    return found.contractors


@router.post(
    "/workspaces/{ws}/contractors",
    response={201: ContractorOut, 409: PossibleDuplicatesOut},
    summary="Add a contractor to the directory",
    description=(
        "A contractor who may already be in the directory (the same email address, or a nearly identical "
        "name or address) answers 409 with the `matches`, and nothing is added; send `allow_duplicate: true` "
        "to add them all the same. A new contractor starts as a prospect."
    ),
)
@requires("write")
def contractor_create(request: HttpRequest, ws: uuid.UUID, payload: ContractorCreateIn) -> Status[dict[str, Any]]:
    access = api_door(request, ws, "write")
    with api_names(CONTRACTOR_NAMES):
        contractor = directory.contractor_create(
            actor=Actor.api(request),
            workspace=access.workspace,
            data=_contractor_data(payload, partial=False),
            allow_duplicates=payload.allow_duplicate,
        )
    contractor.refresh_from_db()  # the values as stored: a rate of 45 reads back as "45.00"
    return Status(201, _contractor_out(contractor))


@router.get(
    "/workspaces/{ws}/contractors/{contractor}",
    response=ContractorDetailOut,
    summary="A contractor with records, scorecard and overlap",
    description=(
        "The profile with every reference check, interview, document (its metadata; the file itself is "
        "served only on the web page), red flag and engagement, the scorecard, the vetting steps not done "
        "yet (`references`, `interview`, `trial`) and the working day of the next 30 with the least "
        "overlap with the workspace's hours."
    ),
)
@requires("read")
def contractor_get(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    found = access.get(contractor_detail(workspace=access.workspace).select_related("workspace"), contractor)
    return serialize.contractor_detail_dict(found, today=today_in(access.workspace.time_zone))


@router.patch("/workspaces/{ws}/contractors/{contractor}", response=ContractorOut, summary="Change a contractor")
@requires("write")
def contractor_update(
    request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, payload: ContractorPatchIn
) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = _contractor(access, contractor)
    with api_names(CONTRACTOR_NAMES):
        directory.contractor_update(
            actor=Actor.api(request), contractor=row, data=_contractor_data(payload, partial=True)
        )
    row.refresh_from_db()
    return _contractor_out(row)


@router.delete(
    "/workspaces/{ws}/contractors/{contractor}",
    response={204: None},
    summary="Remove a contractor",
    description="Removes the contractor and their records. One with engagements is kept (400): set the stage "
    "to `inactive` instead.",
)
@requires("write")
def contractor_delete(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    directory.contractor_delete(actor=Actor.api(request), contractor=_contractor(access, contractor))
    return Status(204, None)


@router.post(
    "/workspaces/{ws}/contractors/{contractor}/stage",
    response={200: ContractorOut, 409: VettingIncompleteOut},
    summary="Move a contractor along the vetting pipeline",
    description=(
        "To `approved` or `preferred`: refused (400) while a red flag is unresolved; with vetting steps "
        "missing, answers 409 with the `missing` steps unless an `override_reason` is given, which is kept "
        "on the contractor and in the activity log."
    ),
)
@requires("write")
def contractor_stage(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, payload: StageIn) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    moved = vetting.contractor_set_stage(
        actor=Actor.api(request),
        contractor=_contractor(access, contractor),
        stage=payload.stage,
        override_reason=payload.override_reason,
    )
    return _contractor_out(moved)


@router.get(
    "/workspaces/{ws}/contractors/{contractor}/overlap",
    response=OverlapOut,
    summary="Working hours shared with the workspace, day by day",
    description=(
        "Each of the workspace's working days from `start` (default today in its zone) for `days` calendar "
        "days, with the minutes shared and the shared stretches in UTC, worked out date by date in both "
        "zones, so summer-time changes are counted. `worst` is the day with the least overlap (the earliest "
        "of equals). A contractor whose hours are not known has no days."
    ),
)
@requires("read")
def contractor_overlap(
    request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, start: StartQuery = None, days: DaysQuery = 30
) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    workspace = access.workspace
    first = start if start is not None else today_in(workspace.time_zone)
    return serialize.overlap_dict(
        workspace=workspace, contractor=_contractor(access, contractor), start=first, days=days
    )


@router.get(
    "/workspaces/{ws}/contractors/{contractor}/scorecard",
    response=ScorecardOut,
    summary="A contractor's scorecard",
    description="References, interviews, the trial and ratings, each 0 to 1, weighed by the workspace's weights.",
)
@requires("read")
def contractor_scorecard(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return serialize.scorecard_dict(scorecard(contractor=_contractor(access, contractor)))


# --- Vetting records: the same few steps for the four kinds ----------------------------------------


def _record(access: WorkspaceAccess, model: type[models.Model], public_id: uuid.UUID) -> Any:
    return access.get(model.objects.select_related("contractor", "workspace"), public_id)  # type: ignore[attr-defined]


def _record_data(payload: Any, *, partial: bool, nullable: frozenset[str] = frozenset()) -> dict[str, Any]:
    data: dict[str, Any] = payload.dict(exclude_unset=partial)
    if partial:
        _refuse_nulls(data, nullable)
    for key in ("outcome", "medium"):
        if key in data and data[key] is None:
            data[key] = ""  # stored blank when not known
    if "scores" in data:
        scores = payload.scores.dict(exclude_unset=partial) if payload.scores is not None else {}
        del data["scores"]
        data.update({f"score_{name}": value for name, value in scores.items()})
    return data


def _add(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, model: type[Any], payload: Any) -> Any:
    access = api_door(request, ws, "write")
    owner = _contractor(access, contractor)
    with api_names(INTERVIEW_NAMES):
        return directory.record_add(
            actor=Actor.api(request), contractor=owner, model=model, data=_record_data(payload, partial=False)
        )


def _change(
    request: HttpRequest, ws: uuid.UUID, model: type[Any], public_id: uuid.UUID, payload: Any, **kw: Any
) -> Any:
    access = api_door(request, ws, "write")
    record = _record(access, model, public_id)
    with api_names(INTERVIEW_NAMES):
        directory.record_update(actor=Actor.api(request), record=record, data=_record_data(payload, partial=True, **kw))
    record.refresh_from_db()
    return record


def _remove(request: HttpRequest, ws: uuid.UUID, model: type[Any], public_id: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    directory.record_delete(actor=Actor.api(request), record=_record(access, model, public_id))
    return Status(204, None)


@router.post(
    "/workspaces/{ws}/contractors/{contractor}/references",
    response={201: ReferenceOut},
    summary="Record a reference check",
)
@requires("write")
def reference_add(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, payload: ReferenceIn) -> Status[Any]:
    return Status(201, serialize.reference_dict(_add(request, ws, contractor, ReferenceCheck, payload)))


@router.get("/workspaces/{ws}/references/{reference}", response=ReferenceOut, summary="Get a reference check")
@requires("read")
def reference_get(request: HttpRequest, ws: uuid.UUID, reference: uuid.UUID) -> dict[str, Any]:
    return serialize.reference_dict(_record(api_door(request, ws, "read"), ReferenceCheck, reference))


@router.patch("/workspaces/{ws}/references/{reference}", response=ReferenceOut, summary="Change a reference check")
@requires("write")
def reference_update(
    request: HttpRequest, ws: uuid.UUID, reference: uuid.UUID, payload: ReferencePatchIn
) -> dict[str, Any]:
    nullable = frozenset({"checked_on", "outcome", "met_deadlines"})
    return serialize.reference_dict(_change(request, ws, ReferenceCheck, reference, payload, nullable=nullable))


@router.delete("/workspaces/{ws}/references/{reference}", response={204: None}, summary="Remove a reference check")
@requires("write")
def reference_delete(request: HttpRequest, ws: uuid.UUID, reference: uuid.UUID) -> Status[None]:
    return _remove(request, ws, ReferenceCheck, reference)


@router.post(
    "/workspaces/{ws}/contractors/{contractor}/interviews",
    response={201: InterviewOut},
    summary="Record an interview",
)
@requires("write")
def interview_add(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, payload: InterviewIn) -> Status[Any]:
    return Status(201, serialize.interview_dict(_add(request, ws, contractor, Interview, payload)))


@router.get("/workspaces/{ws}/interviews/{interview}", response=InterviewOut, summary="Get an interview")
@requires("read")
def interview_get(request: HttpRequest, ws: uuid.UUID, interview: uuid.UUID) -> dict[str, Any]:
    return serialize.interview_dict(_record(api_door(request, ws, "read"), Interview, interview))


@router.patch("/workspaces/{ws}/interviews/{interview}", response=InterviewOut, summary="Change an interview")
@requires("write")
def interview_update(
    request: HttpRequest, ws: uuid.UUID, interview: uuid.UUID, payload: InterviewPatchIn
) -> dict[str, Any]:
    return serialize.interview_dict(_change(request, ws, Interview, interview, payload, nullable=frozenset({"medium"})))


@router.delete("/workspaces/{ws}/interviews/{interview}", response={204: None}, summary="Remove an interview")
@requires("write")
def interview_delete(request: HttpRequest, ws: uuid.UUID, interview: uuid.UUID) -> Status[None]:
    return _remove(request, ws, Interview, interview)


@router.post(
    "/workspaces/{ws}/contractors/{contractor}/documents",
    response={201: DocumentOut},
    summary="Record a document",
    description=(
        "The document's metadata: kind, title, signing and expiry dates. The file itself (PDF, PNG or JPEG, "
        "10 MiB at most) is uploaded on the contractor's web page, and served only there."
    ),
)
@requires("write")
def document_add(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, payload: DocumentIn) -> Status[Any]:
    return Status(201, serialize.document_dict(_add(request, ws, contractor, Document, payload)))


@router.get("/workspaces/{ws}/documents/{document}", response=DocumentOut, summary="Get a document's metadata")
@requires("read")
def document_get(request: HttpRequest, ws: uuid.UUID, document: uuid.UUID) -> dict[str, Any]:
    return serialize.document_dict(_record(api_door(request, ws, "read"), Document, document))


@router.patch("/workspaces/{ws}/documents/{document}", response=DocumentOut, summary="Change a document's metadata")
@requires("write")
def document_update(
    request: HttpRequest, ws: uuid.UUID, document: uuid.UUID, payload: DocumentPatchIn
) -> dict[str, Any]:
    nullable = frozenset({"signed_on", "expires_on"})
    return serialize.document_dict(_change(request, ws, Document, document, payload, nullable=nullable))


@router.delete(
    "/workspaces/{ws}/documents/{document}",
    response={204: None},
    summary="Remove a document",
    description="Removes the record and its uploaded file.",
)
@requires("write")
def document_delete(request: HttpRequest, ws: uuid.UUID, document: uuid.UUID) -> Status[None]:
    return _remove(request, ws, Document, document)


@router.post(
    "/workspaces/{ws}/contractors/{contractor}/red-flags",
    response={201: RedFlagOut},
    summary="Note a red flag",
    description="While a red flag is unresolved the contractor cannot be approved, and their standing is `avoid`.",
)
@requires("write")
def red_flag_add(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, payload: RedFlagIn) -> Status[Any]:
    return Status(201, serialize.red_flag_dict(_add(request, ws, contractor, RedFlag, payload)))


@router.get("/workspaces/{ws}/red-flags/{red_flag}", response=RedFlagOut, summary="Get a red flag")
@requires("read")
def red_flag_get(request: HttpRequest, ws: uuid.UUID, red_flag: uuid.UUID) -> dict[str, Any]:
    return serialize.red_flag_dict(_record(api_door(request, ws, "read"), RedFlag, red_flag))


@router.patch(
    "/workspaces/{ws}/red-flags/{red_flag}",
    response=RedFlagOut,
    summary="Change a red flag",
    description='Send `{"resolved": true}` once it has been cleared up.',
)
@requires("write")
def red_flag_update(
    request: HttpRequest, ws: uuid.UUID, red_flag: uuid.UUID, payload: RedFlagPatchIn
) -> dict[str, Any]:
    return serialize.red_flag_dict(_change(request, ws, RedFlag, red_flag, payload))


@router.delete("/workspaces/{ws}/red-flags/{red_flag}", response={204: None}, summary="Remove a red flag")
@requires("write")
def red_flag_delete(request: HttpRequest, ws: uuid.UUID, red_flag: uuid.UUID) -> Status[None]:
    return _remove(request, ws, RedFlag, red_flag)


# --- The paid trial --------------------------------------------------------------------------------


@router.post(
    "/workspaces/{ws}/contractors/{contractor}/trials",
    response={201: EngagementOut},
    summary="Start a paid trial",
    description=(
        "A fixed-price trial engagement, active at once, for the dates and budget given, optionally linked to "
        "a task of the time audit. A prospect or a contractor in vetting moves to the trial stage; a blocked "
        "one is refused (400)."
    ),
)
@requires("write")
def trial_start(request: HttpRequest, ws: uuid.UUID, contractor: uuid.UUID, payload: TrialIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    candidate = _contractor(access, contractor)
    task = None
    if payload.task is not None:
        try:
            task = access.get(Task.objects.all(), payload.task)
        except ObjectNotFound as exc:
            raise ValidationError({"task": ["No such task in this workspace."]}) from exc
    trial = engagements.trial_start(
        actor=Actor.api(request),
        contractor=candidate,
        title=payload.title,
        start_on=payload.start_on,
        end_on=payload.end_on,
        budget=payload.budget,
        currency=payload.currency or "",
        task=task,
    )
    trial.refresh_from_db()
    return Status(201, serialize.engagement_dict(trial))


@router.post(
    "/workspaces/{ws}/trials/{engagement}/finish",
    response={201: RatingOut},
    summary="Record a trial's outcome",
    description=(
        "The trial completes, with a rating whose `would_rehire` is whether it passed; the scorecard counts the "
        "latest trial's outcome."
    ),
)
@requires("write")
def trial_finish(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: TrialFinishIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    trial = access.get(Engagement.objects.select_related("contractor", "workspace"), engagement)
    rating = engagements.trial_finish(
        actor=Actor.api(request),
        trial=trial,
        passed=payload.passed,
        overall=payload.overall,
        on=payload.on,
        notes=payload.notes,
    )
    return Status(201, serialize.rating_dict(rating))


# --- Scorecard weights -----------------------------------------------------------------------------


@router.get("/workspaces/{ws}/scorecard-weights", response=WeightsOut, summary="How the scorecard's parts weigh")
@requires("read")
def weights_get(request: HttpRequest, ws: uuid.UUID) -> dict[str, int]:
    return weights_for(workspace=api_door(request, ws, "read").workspace)


@router.put(
    "/workspaces/{ws}/scorecard-weights",
    response=WeightsOut,
    summary="Set how the scorecard's parts weigh",
    description="Each part 0 to 10; at least one above zero. A part weighed 0 is left out of the standing.",
)
@requires("write")
def weights_set(request: HttpRequest, ws: uuid.UUID, payload: WeightsIn) -> dict[str, int]:
    access = api_door(request, ws, "write")
    return vetting.scorecard_weights_set(
        actor=Actor.api(request), workspace=access.workspace, data=payload.dict()
    ).as_dict()
