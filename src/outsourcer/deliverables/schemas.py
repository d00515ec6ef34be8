"""The REST face of delivering: milestones, submissions, reviews, delivery to the customer, the
originality check and the reference texts it compares with."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from outsourcer.core.api_types import Day, Line, Strict, Text
from outsourcer.planning.schemas import REF_PATTERN, Money

MilestoneStatusName = Literal[
    "planned", "in_progress", "submitted", "accepted", "revision_requested", "rejected", "cancelled"
]
DecisionName = Literal["accepted", "revision_requested", "rejected"]
Link = Annotated[str, Field(min_length=1, max_length=2000, description="an http or https address")]

# Query parameters, each at the path the caller knows ("$.status"), not under a schema's name.
MilestoneStatusQuery = Annotated[
    Literal[
        "", "open", "planned", "in_progress", "submitted", "accepted", "revision_requested", "rejected", "cancelled"
    ],
    Field(description="only milestones with this status; `open` is planned, in progress or sent back"),
]
DueQuery = Annotated[
    Literal["all", "overdue", "soon"],
    Field(description="`overdue`: open and past due; `soon`: due in the next 14 days"),
]
EngagementQuery = Annotated[uuid.UUID | None, Field(description="only this engagement's (its id)")]


class MilestoneIn(Strict):
    ref: str | None = Field(None, pattern=REF_PATTERN, description="made up when not given")
    title: str = Field(min_length=1, max_length=200)
    description: Text = ""
    due_on: Day
    amount: Money | None = Field(None, description="in the engagement's rate currency")
    status: Literal["planned", "in_progress"] = Field(
        "planned", description="a milestone starts planned or in progress; submissions and reviews move it on"
    )


class MilestonePatchIn(Strict):
    """Send only what changes; `amount` may be null to clear it."""

    ref: str | None = Field(None, pattern=REF_PATTERN)
    title: str | None = Field(None, min_length=1, max_length=200)
    description: Text | None = None
    due_on: Day | None = None
    amount: Money | None = None
    status: MilestoneStatusName | None = None


class MilestoneOut(Schema):
    id: uuid.UUID
    ref: str
    engagement: uuid.UUID
    engagement_ref: str
    engagement_title: str
    contractor_name: str
    title: str
    description: str
    due_on: dt.date
    amount: Decimal | None
    currency: str = Field(description="the engagement's rate currency")
    status: MilestoneStatusName
    submitted_on: dt.date | None = Field(description="the latest submission's date")
    delivered_to_customer_on: dt.date | None
    overdue: bool = Field(description="still open and past its due date (in the workspace's calendar)")
    latest_decision: DecisionName | None = Field(description="the latest review's decision")


class FileOut(Schema):
    id: uuid.UUID
    name: str
    size: int = Field(description="bytes")


class SubmissionIn(Strict):
    text: Annotated[str, Field(max_length=2_000_000)] = Field("", description="the delivered text (or code)")
    links: list[Link] = Field(default=[], max_length=20)
    note: Annotated[str, Field(max_length=5000)] = Field("", description="a word for the reviewer")
    submitted_on: Day | None = Field(
        None,
        description=(
            "when the work reached you, default today in the workspace; not in the future nor before the "
            "engagement's start"
        ),
    )


class SubmissionOut(Schema):
    id: uuid.UUID
    milestone: uuid.UUID
    submitted_on: dt.date
    text: str
    links: list[str]
    note: str
    files: list[FileOut] = Field(description="uploaded on the web page or in the portal; downloaded there only")


class ReviewIn(Strict):
    reviewed_on: Day
    reviewer: Line = Field("", description="default: your name")
    decision: DecisionName
    criteria_met: list[bool] = Field(
        default=[], max_length=100, description="one answer per acceptance criterion of the brief, in its order"
    )
    feedback: Text = ""
    shared_with_contractor: bool = Field(False, description="show it in the contractor's portal")


class ReviewPatchIn(Strict):
    shared_with_contractor: bool


class ReviewOut(Schema):
    id: uuid.UUID
    milestone: uuid.UUID
    submission: uuid.UUID | None = Field(description="the submission reviewed: the latest when the review was made")
    reviewed_on: dt.date
    reviewer: str
    decision: DecisionName
    criteria: list[str] = Field(description="the brief's acceptance criteria as they read when reviewed")
    criteria_met: list[bool]
    feedback: str
    shared_with_contractor: bool


class MilestoneDetailOut(MilestoneOut):
    criteria: list[str] = Field(
        description=(
            "the acceptance criteria a review answers: the brief's as last sent to the contractor (its own "
            "until it is sent)"
        )
    )
    criteria_version: int | None = Field(
        description="the number of the sent brief version the criteria come from; null while it was never sent"
    )
    criteria_changed_since_sent: bool = Field(
        description="the brief's criteria were edited after that version was sent (send it to make them count)"
    )
    submissions: list[SubmissionOut] = Field(description="newest first")
    reviews: list[ReviewOut] = Field(description="newest first")


class DeliverIn(Strict):
    on: Day = Field(description="the day the work went to the customer")
    confirm_unreviewed: bool = Field(False, description="record it even without an accepted review first")


class MatchedOut(Schema):
    kind: Literal["submission", "reference_text"]
    id: uuid.UUID = Field(description="the submission's or the reference text's id")
    ref: str | None = Field(description="for a submission, its milestone's ref")
    title: str = Field(description="the milestone's or the reference text's title")
    submitted_on: dt.date | None


class MatchOut(Schema):
    similarity: float = Field(description="exact Jaccard similarity of the 5-word shingles, 0 to 1")
    estimated: float = Field(description="what the MinHash signatures estimated")
    needs_review: bool = Field(description="at or above the workspace's originality threshold")
    passages: list[str] = Field(description="the longest runs of the submission the other text shares")
    matched: MatchedOut


class OriginalityOut(Schema):
    submission: uuid.UUID | None = Field(description="the latest submission, the one checked")
    submitted_on: dt.date | None
    indexed: bool = Field(description="its text is in the index: the check ran (in the background)")
    too_short: bool = Field(description="its text has too few words to compare (under 30): it is never checked")
    threshold: float = Field(description="the workspace's originality threshold")
    matches: list[MatchOut] = Field(description="verified near-duplicates, the most similar first")


class ReferenceTextIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    text: Annotated[str, Field(min_length=1, max_length=2_000_000)]
    source: Annotated[str, Field(max_length=500)] = Field("", description="where it comes from, e.g. an address")


class ReferenceTextOut(Schema):
    id: uuid.UUID
    title: str
    source: str
    characters: int
    indexed: bool = Field(description="in the originality index (added in the background)")
    created_at: dt.datetime
