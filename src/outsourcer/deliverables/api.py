"""Milestones, submissions, reviews, delivery to the customer, the originality check and reference texts over
REST: the same services and selectors as the pages.

No `from __future__ import annotations` here: `@paginate` reads the annotations at import time.
"""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from outsourcer.accounts.api_conflicts import ConflictOut, StateConflict, conflicts, paged, refuse_nulls
from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables import serialize
from outsourcer.deliverables import services as deliverables
from outsourcer.deliverables.models import Milestone, ReferenceText, Review
from outsourcer.deliverables.schemas import (
    DeliverIn,
    DueQuery,
    EngagementQuery,
    MilestoneDetailOut,
    MilestoneIn,
    MilestoneOut,
    MilestonePatchIn,
    MilestoneStatusQuery,
    OriginalityOut,
    ReferenceTextIn,
    ReferenceTextOut,
    ReviewIn,
    ReviewOut,
    ReviewPatchIn,
    SubmissionIn,
    SubmissionOut,
)
from outsourcer.deliverables.selectors import (
    engagement_milestones,
    milestone_list,
    milestone_page,
    reference_text_list,
)
from outsourcer.engagements.api import load_engagement
from outsourcer.engagements.models import Engagement

router = Router(tags=["deliverables"])


def _today(access: WorkspaceAccess) -> Any:
    return today_in(access.workspace.time_zone)


def load_milestone(access: WorkspaceAccess, milestone: uuid.UUID) -> Milestone:
    return access.get(Milestone.objects.select_related("engagement__contractor", "workspace"), milestone)


def milestone_out(access: WorkspaceAccess, milestone: Milestone) -> dict[str, Any]:
    return serialize.milestone_detail_dict(milestone, milestone_page(milestone=milestone), today=_today(access))


def _review(access: WorkspaceAccess, review: uuid.UUID) -> Review:
    return access.get(Review.objects.select_related("milestone", "submission", "workspace"), review)


# --- Milestones ------------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/milestones",
    response=list[MilestoneOut],
    summary="Milestones across the workspace",
    description="The soonest due first, each with its latest review's decision.",
)
@requires("read")
@paginate(paged(serialize.milestone_dict))
def milestone_index(
    request: HttpRequest,
    ws: uuid.UUID,
    status: MilestoneStatusQuery = "",
    engagement: EngagementQuery = None,
    due: DueQuery = "all",
) -> Any:
    access = api_door(request, ws, "read")
    row = None
    if engagement is not None:
        row = access.scope(Engagement.objects.all()).filter(uuid=engagement).first()
        if row is None:
            return Milestone.objects.none()
    found = milestone_list(workspace=access.workspace, today=_today(access), status=status, engagement=row, due=due)
    return found.select_related("workspace")


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/milestones",
    response=list[MilestoneOut],
    summary="An engagement's milestones",
    description="The soonest due first.",
)
@requires("read")
def engagement_milestone_index(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    row = load_engagement(access, engagement)
    today = _today(access)
    rows = list(engagement_milestones(engagement=row))
    for milestone in rows:
        milestone.engagement = row  # loaded already: no query per row
    return [serialize.milestone_dict(m, today=today) for m in rows]


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/milestones",
    response={201: MilestoneDetailOut, 409: ConflictOut},
    summary="Add a milestone",
    description="An engagement that has ended takes no new milestones (409).",
)
@requires("write")
def milestone_create(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: MilestoneIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    data = payload.dict()
    if not data.get("ref"):
        data.pop("ref", None)  # made up when not given
    with conflicts("engagement"):
        milestone = deliverables.milestone_create(actor=Actor.api(request), engagement=row, data=data)
    return Status(201, milestone_out(access, load_milestone(access, milestone.uuid)))


@router.get(
    "/workspaces/{ws}/milestones/{milestone}",
    response=MilestoneDetailOut,
    summary="A milestone with its submissions and reviews",
    description=(
        "With the acceptance criteria a review answers (the brief's as last sent to the contractor), each "
        "review against the criteria as they read then."
    ),
)
@requires("read")
def milestone_get(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return milestone_out(access, load_milestone(access, milestone))


@router.patch(
    "/workspaces/{ws}/milestones/{milestone}",
    response={200: MilestoneDetailOut, 409: ConflictOut},
    summary="Change a milestone",
    description=(
        "`status` may only move between `planned` and `in_progress`, to `cancelled` while the work is not "
        "decided yet, and from `cancelled` back to `planned` or `in_progress`; any other change of status "
        "answers 409. Submitting work makes a milestone `submitted`, and a review sets `accepted`, "
        "`revision_requested` or `rejected`."
    ),
)
@requires("write")
def milestone_update(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID, payload: MilestonePatchIn) -> Any:
    access = api_door(request, ws, "write")
    row = load_milestone(access, milestone)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data, frozenset({"amount"}))
    with conflicts("status"):
        deliverables.milestone_update(actor=Actor.api(request), milestone=row, data=data)
    return milestone_out(access, load_milestone(access, milestone))


@router.delete(
    "/workspaces/{ws}/milestones/{milestone}",
    response={204: None, 409: ConflictOut},
    summary="Remove a milestone",
    description="One with work submitted is kept for the record (409): set its status to `cancelled` instead.",
)
@requires("write")
def milestone_delete(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    with conflicts("milestone"):
        deliverables.milestone_delete(actor=Actor.api(request), milestone=load_milestone(access, milestone))
    return Status(204, None)


# --- Submissions -----------------------------------------------------------------------------------


def submit_work(
    request: HttpRequest,
    milestone: Milestone,
    *,
    text: str,
    links: list[str],
    note: str,
    submitted_on: dt.date | None = None,
) -> Any:
    """Submit a milestone's work (text and links); the portal's API does the same for the contractor, always
    dated today (`submitted_on` None)."""
    with conflicts("milestone"):
        submission = deliverables.submission_create(
            actor=Actor.api(request), milestone=milestone, submitted_on=submitted_on, text=text, links=links, note=note
        )
    return serialize.submission_dict(submission)


@router.post(
    "/workspaces/{ws}/milestones/{milestone}/submissions",
    response={201: SubmissionOut, 409: ConflictOut},
    summary="Submit work for a milestone",
    description=(
        "Text and links (at least one), with a note. Files are uploaded on the milestone's web page or in the "
        "contractor's portal, not through the API. `submitted_on`, when the work reached you another way, may "
        "not be in the future nor before the engagement's start (400); it is shown, while the latest "
        "submission is always the last one recorded. The milestone then waits for review; its text is checked "
        "for near-duplicates in the background. A milestone accepted, rejected or cancelled, or an engagement "
        "not in progress, takes no submission (409)."
    ),
)
@requires("write")
def submission_create(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID, payload: SubmissionIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = load_milestone(access, milestone)
    return Status(
        201,
        submit_work(
            request, row, text=payload.text, links=payload.links, note=payload.note, submitted_on=payload.submitted_on
        ),
    )


@router.get(
    "/workspaces/{ws}/milestones/{milestone}/submissions",
    response=list[SubmissionOut],
    summary="The work submitted for a milestone",
    description="Newest first; files are listed by name and size (downloaded on the web page).",
)
@requires("read")
def submission_index(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    return milestone_out(access, load_milestone(access, milestone))["submissions"]


# --- Reviews ---------------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/milestones/{milestone}/reviews",
    response=list[ReviewOut],
    summary="The reviews of a milestone",
    description="Newest first.",
)
@requires("read")
def review_index(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    return milestone_out(access, load_milestone(access, milestone))["reviews"]


@router.post(
    "/workspaces/{ws}/milestones/{milestone}/reviews",
    response={201: ReviewOut, 409: ConflictOut},
    summary="Review a milestone against the brief",
    description=(
        "The latest submission, judged against each acceptance criterion of the brief as last sent to the "
        "contractor (the milestone's `criteria`; the brief's own until it is sent) with `criteria_met`, one "
        "answer each, in order, and a decision the milestone takes as its status. Accepting with a "
        "criterion unmet is refused (400): request a revision instead. Only a milestone waiting for review "
        "(`submitted`) takes one (409 otherwise)."
    ),
)
@requires("write")
def review_create(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID, payload: ReviewIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = load_milestone(access, milestone)
    with conflicts("milestone"):
        review = deliverables.review_create(actor=Actor.api(request), milestone=row, data=payload.dict())
    return Status(201, serialize.review_dict(review))


@router.patch(
    "/workspaces/{ws}/reviews/{review}",
    response=ReviewOut,
    summary="Share a review with the contractor, or stop sharing it",
)
@requires("write")
def review_update(request: HttpRequest, ws: uuid.UUID, review: uuid.UUID, payload: ReviewPatchIn) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = _review(access, review)
    deliverables.review_set_shared(actor=Actor.api(request), review=row, shared=payload.shared_with_contractor)
    return serialize.review_dict(row)


# --- Delivery to the customer ----------------------------------------------------------------------


@router.post(
    "/workspaces/{ws}/milestones/{milestone}/deliver",
    response={200: MilestoneDetailOut, 409: ConflictOut},
    summary="Record that the work went to the customer",
    description=(
        "Without an accepted review on or before `on`, answers 409 and records nothing: review the work "
        "first, or send `confirm_unreviewed: true` to record the delivery anyway (the activity log keeps "
        "that it went out unreviewed)."
    ),
)
@requires("write")
def milestone_deliver(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID, payload: DeliverIn) -> Any:
    access = api_door(request, ws, "write")
    row = load_milestone(access, milestone)
    try:
        deliverables.milestone_deliver_to_customer(
            actor=Actor.api(request), milestone=row, on=payload.on, confirm_unreviewed=payload.confirm_unreviewed
        )
    except deliverables.UnreviewedDelivery as exc:
        raise StateConflict(
            {
                "confirm_unreviewed": [
                    f"No accepted review of this milestone on or before {payload.on}: review the work first, "
                    "or send confirm_unreviewed: true to record the delivery anyway."
                ]
            }
        ) from exc
    return milestone_out(access, row)


# --- Originality -----------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/milestones/{milestone}/originality",
    response=OriginalityOut,
    summary="Near-duplicates of the latest submission",
    description=(
        "The earlier submissions of the workspace (other milestones) and reference texts whose wording the "
        "latest submission shares, each verified with the exact Jaccard similarity, with the shared passages. "
        "A match at or above the workspace's threshold `needs_review`: quoting the brief, boilerplate or a "
        "shared template look alike too, so it is never a verdict. `indexed` is false until the background "
        "check has run."
    ),
)
@requires("read")
def milestone_originality(request: HttpRequest, ws: uuid.UUID, milestone: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    page = milestone_page(milestone=load_milestone(access, milestone))
    threshold = float(access.workspace.policy_value("originality_threshold"))
    return serialize.originality_dict(page, threshold=threshold)


# --- Reference texts -------------------------------------------------------------------------------


def _reference_out(access: WorkspaceAccess, public_id: uuid.UUID) -> dict[str, Any]:
    return serialize.reference_text_dict(access.get(reference_text_list(workspace=access.workspace), public_id))


@router.get(
    "/workspaces/{ws}/reference-texts",
    response=list[ReferenceTextOut],
    summary="Texts the originality check compares with",
    description="By title; each without its text.",
)
@requires("read")
@paginate(paged(serialize.reference_text_dict))
def reference_text_index(request: HttpRequest, ws: uuid.UUID) -> Any:
    return reference_text_list(workspace=api_door(request, ws, "read").workspace)


@router.post(
    "/workspaces/{ws}/reference-texts",
    response={201: ReferenceTextOut},
    summary="Add a reference text",
    description=(
        "A text of your own or a known source to compare submissions with. It is indexed in the background, "
        "and the submissions made before it are checked against it then."
    ),
)
@requires("write")
def reference_text_create(request: HttpRequest, ws: uuid.UUID, payload: ReferenceTextIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    reference = deliverables.reference_text_add(
        actor=Actor.api(request),
        workspace=access.workspace,
        title=payload.title,
        text=payload.text,
        source=payload.source,
    )
    return Status(201, _reference_out(access, reference.uuid))


@router.delete(
    "/workspaces/{ws}/reference-texts/{reference_text}",
    response={204: None},
    summary="Remove a reference text",
    description="It leaves the index, and the matches with it go.",
)
@requires("write")
def reference_text_delete(request: HttpRequest, ws: uuid.UUID, reference_text: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    reference = access.get(ReferenceText.objects.select_related("workspace"), reference_text)
    deliverables.reference_text_delete(actor=Actor.api(request), reference=reference)
    return Status(204, None)
