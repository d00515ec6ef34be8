"""The REST face of engagements: terms, brief, communication plan, check-ins, time, ratings and the
customer commitments they serve.

An engagement reads as the bundle's `engagement`: the rate as one object, the contractor, the
commitment and the linked tasks by ref (and by id, which is what requests send). Money and hours
travel as decimal strings (numbers are accepted in requests).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from outsourcer.core.api_types import Day, Line, OverlapDayOut, Strict, Text
from outsourcer.planning.schemas import REF_PATTERN, Money, Score

EngagementKindName = Literal["trial", "project", "ongoing"]
EngagementStatusName = Literal["draft", "active", "paused", "completed", "terminated"]
RateModelName = Literal["hourly", "fixed", "milestone", "retainer", "commission"]
ChannelName = Literal["email", "chat", "phone", "video", "project_tool", "in_person"]
ImportantChannelName = Literal["phone", "video", "in_person"]
CadenceName = Literal["daily", "twice_weekly", "weekly", "biweekly", "monthly", "per_milestone"]
CheckInKindName = Literal["status_update", "meeting", "status_request", "feedback"]
InitiatorName = Literal["us", "contractor"]
TimeStatusName = Literal["draft", "submitted", "approved", "rejected"]
CommitmentStatusName = Literal["open", "delivered", "late", "cancelled"]
BriefPartName = Literal["goals", "context", "deliverables", "acceptance_criteria", "out_of_scope", "constraints"]

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217")]
WorkedHours = Annotated[Decimal, Field(gt=0, le=24, max_digits=4, decimal_places=2)]
WeeklyCap = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2, description="hours a week, at most")]
IncludedHours = Annotated[Decimal, Field(ge=0, max_digits=7, decimal_places=2, description="hours a period buys")]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
OverlapHours = Annotated[Decimal, Field(ge=0, le=24, max_digits=4, decimal_places=2)]
TermsDays = Annotated[int, Field(ge=0, le=120, description="days to pay an invoice")]
BufferDays = Annotated[int, Field(ge=0, le=365, description="working days kept for our own review")]
Region = Annotated[str, Field(max_length=64, description="where the work is done, when not where they live")]
BriefLine = Annotated[str, Field(max_length=2000)]
Ref = Annotated[str, Field(pattern=REF_PATTERN)]

# Query parameters, each at the path the caller knows ("$.status"), not under a schema's name.
EngagementStatusQuery = Annotated[
    Literal["", "draft", "active", "paused", "completed", "terminated", "running"],
    Field(description="only engagements with this status; `running` is active or paused"),
]
EngagementKindQuery = Annotated[Literal["", "trial", "project", "ongoing"], Field(description="only this kind")]
ContractorQuery = Annotated[uuid.UUID | None, Field(description="only this contractor's (their id)")]
EngagementQuery = Annotated[uuid.UUID | None, Field(description="only this engagement's (its id)")]
EngagementSearch = Annotated[str, Field(max_length=200, description="part of the title, ref or contractor's name")]
TimeStatusQuery = Annotated[
    Literal["", "draft", "submitted", "approved", "rejected"], Field(description="only entries with this status")
]
CommitmentStatusQuery = Annotated[
    Literal["", "open", "delivered", "late", "cancelled"], Field(description="only commitments with this status")
]


# --- Engagements -----------------------------------------------------------------------------------


class RateIn(Strict):
    model: RateModelName = "fixed"
    currency: Currency | None = Field(default=None, description="default: the contractor's, else the workspace's")
    amount: Money | None = Field(default=None, description="per hour, the whole price or per period, by the model")
    weekly_hour_cap: WeeklyCap | None = None
    retainer_included_hours: IncludedHours | None = None
    commission_percent: Percent | None = Field(default=None, description="needed with the commission model")
    commission_base: Line = Field(default="", description="what the commission is a share of, e.g. closed sales")


class RatePatchIn(Strict):
    """Only the keys sent change; `amount` and the hour and percent values may be null to clear them."""

    model: RateModelName | None = None
    currency: Currency | None = None
    amount: Money | None = None
    weekly_hour_cap: WeeklyCap | None = None
    retainer_included_hours: IncludedHours | None = None
    commission_percent: Percent | None = None
    commission_base: Line | None = None


class EngagementCreateIn(Strict):
    contractor: uuid.UUID = Field(description="the contractor's id")
    ref: str | None = Field(None, pattern=REF_PATTERN, description="made up when not given")
    title: str = Field(min_length=1, max_length=200)
    kind: EngagementKindName = "project"
    customer_commitment: uuid.UUID | None = Field(None, description="the id of the customer commitment it serves")
    tasks: list[uuid.UUID] = Field(default=[], max_length=200, description="ids of time-audit tasks it takes over")
    start_on: Day | None = None
    end_on: Day | None = None
    work_location: Region = ""
    rate: RateIn = Field(default_factory=lambda: RateIn(), description="default: a fixed price, amount not set")
    budget_cap: Money | None = Field(None, description="in the rate's currency")
    payment_terms_days: TermsDays | None = None


class EngagementPatchIn(Strict):
    """Send only what changes (not the status: that has its own operation). May be null to clear:
    `customer_commitment`, `start_on`, `end_on`, `budget_cap`, `payment_terms_days`."""

    ref: str | None = Field(None, pattern=REF_PATTERN)
    title: str | None = Field(None, min_length=1, max_length=200)
    kind: EngagementKindName | None = None
    customer_commitment: uuid.UUID | None = None
    tasks: list[uuid.UUID] | None = Field(None, max_length=200, description="replaces the linked tasks")
    start_on: Day | None = None
    end_on: Day | None = None
    work_location: Region | None = None
    rate: RatePatchIn | None = None
    budget_cap: Money | None = None
    payment_terms_days: TermsDays | None = None
    ended_reason: Annotated[str, Field(max_length=2000)] | None = None


class EngagementStatusIn(Strict):
    status: EngagementStatusName
    reason: str = Field("", max_length=2000, description="why it ended (kept as `ended_reason`)")


class RateOut(Schema):
    model: RateModelName
    currency: str
    amount: Decimal | None
    weekly_hour_cap: Decimal | None
    retainer_included_hours: Decimal | None
    commission_percent: Decimal | None
    commission_base: str


class EngagementOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    kind: EngagementKindName
    status: EngagementStatusName
    contractor: uuid.UUID
    contractor_ref: str
    contractor_name: str
    customer_commitment: uuid.UUID | None
    customer_commitment_ref: str | None
    start_on: dt.date | None
    end_on: dt.date | None
    work_location: str
    rate: RateOut
    budget_cap: Decimal | None
    payment_terms_days: int | None
    ended_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime


class TaskRefOut(Schema):
    id: uuid.UUID
    ref: str
    name: str


class AdviceOut(Schema):
    part: BriefPartName
    advice: str


class BriefContentOut(Schema):
    goals: str
    context: str
    deliverables: list[str]
    acceptance_criteria: list[str]
    out_of_scope: str
    constraints: str


class BriefVersionOut(Schema):
    number: int
    sent_at: dt.datetime
    note: str
    content: BriefContentOut


class BriefSummaryOut(Schema):
    score: int = Field(description="0 to 100: how much of what a contractor needs the brief says")
    missing: list[AdviceOut]
    thin: list[AdviceOut] = Field(description="written, but too short to help")
    changed_since_sent: bool = Field(description="edited after it was sent: the contractor reads an older version")
    latest_version: int | None = Field(description="the number of the version last sent; null if never sent")


class CommunicationOut(Schema):
    point_person: str
    escalation_contact: str
    channels: list[ChannelName]
    important_topics_channel: ImportantChannelName | None
    cadence: CadenceName | None
    needs_overlap_hours: Decimal | None


class EngagementDetailOut(EngagementOut):
    tasks: list[TaskRefOut]
    task_refs: list[str]
    brief: BriefSummaryOut
    communication: CommunicationOut | None = Field(description="null until a plan is written")


# --- Brief -----------------------------------------------------------------------------------------


class BriefIn(Strict):
    """The whole brief: a part left out is saved empty."""

    goals: Text = Field("", description="why the work exists: the business goal it serves")
    context: Text = Field("", description="company goals and strategy the contractor needs for the big picture")
    deliverables: list[BriefLine] = Field(default=[], max_length=100)
    acceptance_criteria: list[BriefLine] = Field(default=[], max_length=100, description="one criterion an item")
    out_of_scope: Text = ""
    constraints: Text = Field("", description="brand, tools, legal or technical limits")


class BriefOut(Schema):
    content: BriefContentOut
    score: int = Field(description="0 to 100: how much of what a contractor needs the brief says")
    missing: list[AdviceOut] = Field(description="parts not written, the weightiest first")
    thin: list[AdviceOut] = Field(description="written, but too short to help")
    changed_since_sent: bool = Field(description="edited after it was sent: the contractor reads an older version")
    latest_version: BriefVersionOut | None = Field(description="the version last sent; null if never sent")


class BriefSendIn(Strict):
    note: str = Field("", max_length=500, description="a line for the contractor about what changed")


# --- Communication plan ----------------------------------------------------------------------------


class CommunicationIn(Strict):
    """The whole plan: a value left out is saved empty."""

    point_person: Line = Field("", description="who on our side the contractor goes to")
    escalation_contact: Line = Field("", description="who they contact when something goes wrong")
    channels: list[ChannelName] = Field(default=[], max_length=6)
    important_topics_channel: ImportantChannelName | None = Field(
        None, description="where important topics are talked through rather than written"
    )
    cadence: CadenceName | None = None
    needs_overlap_hours: OverlapHours | None = Field(None, description="working hours a day that must overlap")


class OverlapCheckOut(Schema):
    worst_day: OverlapDayOut | None = Field(description="the working day of the next 30 with the least overlap")
    worst_hours: float | None = Field(description="the hours shared on that day; null without the contractor's hours")
    meets_needs: bool | None = Field(description="whether that day still gives the needed hours; null if not known")


class CommunicationPlanOut(CommunicationOut):
    overlap: OverlapCheckOut


# --- Check-ins, time, ratings ----------------------------------------------------------------------


class CheckInIn(Strict):
    on: Day
    kind: CheckInKindName = "status_update"
    initiated_by: InitiatorName = "us"
    notes: Text = ""


class CheckInPatchIn(Strict):
    on: Day | None = None
    kind: CheckInKindName | None = None
    initiated_by: InitiatorName | None = None
    notes: Text | None = None


class CheckInOut(Schema):
    id: uuid.UUID
    engagement: uuid.UUID
    on: dt.date
    kind: CheckInKindName
    initiated_by: InitiatorName
    notes: str


class TimeEntryIn(Strict):
    worked_on: Day
    hours: WorkedHours
    description: Annotated[str, Field(max_length=2000)] = ""
    submit: bool = Field(False, description="send for approval at once")


class TimeEntryPatchIn(Strict):
    """A rejected entry goes back to draft when changed; an approved one is locked (409)."""

    worked_on: Day | None = None
    hours: WorkedHours | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None


class TimeDecisionIn(Strict):
    approve: bool
    reason: str = Field("", max_length=2000, description="needed to reject: the contractor sees it")


class TimeEntryOut(Schema):
    id: uuid.UUID
    engagement: uuid.UUID
    engagement_ref: str
    worked_on: dt.date
    hours: Decimal
    description: str
    status: TimeStatusName
    locked: bool = Field(description="approved: no longer changes")
    submitted_at: dt.datetime | None
    decided_at: dt.datetime | None
    rejection_reason: str


class WeekOut(Schema):
    week_start: dt.date = Field(description="the Monday of the ISO week")
    approved: Decimal
    waiting: Decimal = Field(description="submitted, not decided yet")
    cap: Decimal | None
    left: Decimal | None = Field(description="the cap less approved and waiting hours; negative when over")
    percent: int | None = Field(description="approved and waiting hours as a share of the cap (at most 200)")
    over: bool


class HoursOut(Schema):
    engagement: uuid.UUID
    weekly_hour_cap: Decimal | None
    weeks: list[WeekOut] = Field(description="the last 8 ISO weeks, the current one last")


class RatingIn(Strict):
    on: Day
    overall: Score
    quality: Score | None = None
    timeliness: Score | None = None
    communication: Score | None = None
    value_for_money: Score | None = None
    would_rehire: bool | None = None
    text: Text = ""
    shared_with_contractor: bool = Field(False, description="show it in the contractor's portal")


class EngagementRatingOut(Schema):
    id: uuid.UUID
    engagement: uuid.UUID
    on: dt.date
    overall: int
    quality: int | None
    timeliness: int | None
    communication: int | None
    value_for_money: int | None
    would_rehire: bool | None
    text: str
    shared_with_contractor: bool


# --- Customer commitments --------------------------------------------------------------------------


class CommitmentIn(Strict):
    ref: str | None = Field(None, pattern=REF_PATTERN, description="made up when not given")
    customer: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=200, description="what was promised")
    promised_on: Day
    buffer_days: BufferDays = 0
    status: CommitmentStatusName = "open"
    notes: Text = ""


class CommitmentPatchIn(Strict):
    ref: str | None = Field(None, pattern=REF_PATTERN)
    customer: str | None = Field(None, min_length=1, max_length=200)
    title: str | None = Field(None, min_length=1, max_length=200)
    promised_on: Day | None = None
    buffer_days: BufferDays | None = None
    status: CommitmentStatusName | None = None
    notes: Text | None = None


class EngagementRefOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    status: EngagementStatusName


class CommitmentOut(Schema):
    id: uuid.UUID
    ref: str
    customer: str
    title: str
    promised_on: dt.date
    buffer_days: int
    status: CommitmentStatusName
    notes: str
    engagements: list[EngagementRefOut] = Field(description="the engagements that serve it")
