"""The REST face of the contractor directory, vetting records, trials and scorecards: what goes in and out.

A contractor reads as the bundle's `contractor`: working hours as one object, skills as a list, the
tax profile under `tax`. Money travels as decimal strings (numbers are accepted in requests).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from outsourcer.core.api_types import Day, Line, OverlapDayOut, StretchOut, Strict, Text  # noqa: F401
from outsourcer.engagements.schemas import EngagementKindName, EngagementStatusName
from outsourcer.planning.schemas import REF_PATTERN, Money, Score

KindName = Literal["individual", "agency"]
StageName = Literal["prospect", "vetting", "trial", "approved", "preferred", "inactive", "blocked"]
StandingName = Literal["preferred", "good", "watch", "avoid", "unrated"]
EntityTypeName = Literal[
    "individual", "sole_proprietor", "single_member_llc", "partnership", "llc_partnership", "c_corporation",
    "s_corporation", "llc_c_corporation", "llc_s_corporation", "trust_estate", "other",
]  # fmt: skip
OutcomeName = Literal["positive", "mixed", "negative", "unreachable"]
MediumName = Literal["video", "phone", "in_person", "chat"]
DocumentKindName = Literal["agreement", "nda", "w9", "w8ben", "w8ben_e", "insurance", "license", "certificate", "other"]
RedFlagKindName = Literal[
    "identity_mismatch", "upfront_payment_request", "off_platform_payment_request", "unverifiable_portfolio",
    "copied_work", "pressure_tactics", "credential_request", "other",
]  # fmt: skip
GapName = Literal["references", "interview", "trial"]

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
Skill = Annotated[str, Field(min_length=1, max_length=64)]
Weekday = Annotated[int, Field(ge=1, le=7)]
Weight = Annotated[int, Field(ge=0, le=10)]

# Query parameters, each at the path the caller knows ("$.stage"), not under a schema's name.
SearchQuery = Annotated[str, Field(max_length=200, description="part of the name, email, ref, skills or source")]
SkillQuery = Annotated[str, Field(max_length=64, description="contractors who list this skill (any case)")]
StageQuery = Annotated[
    Literal["", "prospect", "vetting", "trial", "approved", "preferred", "inactive", "blocked"],
    Field(description="only contractors at this stage"),
]
RateQuery = Annotated[
    Decimal | None,
    Field(ge=0, max_digits=14, decimal_places=2, description="hourly rate bound, in the contractor's own currency"),
]
OverlapQuery = Annotated[
    Decimal | None,
    Field(
        ge=0,
        le=24,
        max_digits=4,
        decimal_places=2,
        description="hours shared with the workspace's working day, on the worst working day of the next 30",
    ),
]
StandingQuery = Annotated[
    Literal["", "preferred", "good", "watch", "avoid", "unrated"],
    Field(description="only contractors with this scorecard standing"),
]
StartQuery = Annotated[
    dt.date | None,
    Field(ge=dt.date(2000, 1, 1), le=dt.date(2999, 12, 31), description="first day; default today in the workspace"),
]
DaysQuery = Annotated[int, Field(ge=1, le=90, description="calendar days to cover")]


# --- Contractors -----------------------------------------------------------------------------------


class WorkingHoursIn(Strict):
    timezone: str = Field(min_length=1, max_length=64, description="IANA zone, e.g. Europe/Berlin")
    start: str = Field(pattern=HHMM, description="HH:MM")
    end: str = Field(pattern=HHMM, description="HH:MM; earlier than start crosses midnight")
    days: list[Weekday] = Field(default=[1, 2, 3, 4, 5], max_length=7, description="ISO weekdays, 1 = Monday")


class TaxIn(Strict):
    us_person: bool | None = None
    entity_type: EntityTypeName | None = None
    legal_services: bool | None = Field(None, description="attorneys' fees are reportable even for corporations")
    tin_verified: bool | None = None
    works_in_us: bool | None = Field(None, description="for a non-US person: whether any work is done in the US")


class ContractorCreateIn(Strict):
    ref: str | None = Field(None, pattern=REF_PATTERN, description="made up when not given")
    kind: KindName = "individual"
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    country: str = Field("", pattern=r"^([A-Z]{2})?$", description="ISO 3166-1 alpha-2")
    region: str = Field("", max_length=64, description="state, province or city code, e.g. NY")
    working_hours: WorkingHoursIn | None = Field(None, description="leave out while not known")
    skills: list[Skill] = Field(default=[], max_length=100)
    hourly_rate: Money | None = None
    currency: str = Field("", pattern=r"^([A-Z]{3})?$", description="ISO 4217; needed with an hourly rate")
    source: Line = Field("", description="where they were found: referral, a marketplace, a job post")
    notes: Text = ""
    tax: TaxIn | None = None
    allow_duplicate: bool = Field(False, description="add even when the directory may already hold this person")


class ContractorPatchIn(Strict):
    """Send only what changes; `working_hours`, `hourly_rate` and each `tax` value may be null to clear them."""

    ref: str | None = Field(None, pattern=REF_PATTERN)
    kind: KindName | None = None
    name: str | None = Field(None, min_length=1, max_length=200)
    email: str | None = Field(None, max_length=254)
    country: str | None = Field(None, pattern=r"^([A-Z]{2})?$")
    region: str | None = Field(None, max_length=64)
    working_hours: WorkingHoursIn | None = None
    skills: list[Skill] | None = Field(None, max_length=100)
    hourly_rate: Money | None = None
    currency: str | None = Field(None, pattern=r"^([A-Z]{3})?$")
    source: Line | None = None
    notes: Text | None = None
    tax: TaxIn | None = Field(None, description="only the keys sent change")


class WorkingHoursOut(Schema):
    timezone: str
    start: str
    end: str
    days: list[int]


class TaxOut(Schema):
    us_person: bool | None
    entity_type: EntityTypeName | None
    legal_services: bool | None
    tin_verified: bool | None
    works_in_us: bool | None


class ContractorOut(Schema):
    id: uuid.UUID
    ref: str
    kind: KindName
    name: str
    email: str
    country: str
    region: str
    working_hours: WorkingHoursOut | None = Field(description="null while not known")
    skills: list[str]
    hourly_rate: Decimal | None
    currency: str
    source: str
    stage: StageName
    notes: str
    tax: TaxOut
    approval_override: str = Field(description="why the last approval went ahead with vetting steps missing")
    standing: StandingName = Field(description="the scorecard's standing; avoid while a red flag is open")
    open_red_flags: int
    created_at: dt.datetime
    updated_at: dt.datetime


class DuplicateOut(Schema):
    id: uuid.UUID
    ref: str
    name: str
    reason: str


class PossibleDuplicatesOut(Schema):
    message: str
    matches: list[DuplicateOut]


class StageIn(Strict):
    stage: StageName
    override_reason: str = Field(
        "", max_length=2000, description="needed to approve with vetting steps missing; kept in the activity log"
    )


class VettingIncompleteOut(Schema):
    message: str
    missing: list[GapName]


# --- Vetting records -------------------------------------------------------------------------------


class ReferenceIn(Strict):
    name: str = Field(min_length=1, max_length=200, description="who gave the reference")
    contact: Line = ""
    relationship: Line = Field("", description="e.g. former client")
    checked_on: Day | None = Field(None, description="when the reference was spoken to")
    outcome: OutcomeName | None = None
    met_deadlines: bool | None = None
    notes: Text = ""


class ReferencePatchIn(Strict):
    """`checked_on`, `outcome` and `met_deadlines` may be null to clear them."""

    name: str | None = Field(None, min_length=1, max_length=200)
    contact: Line | None = None
    relationship: Line | None = None
    checked_on: Day | None = None
    outcome: OutcomeName | None = None
    met_deadlines: bool | None = None
    notes: Text | None = None


class ReferenceOut(Schema):
    id: uuid.UUID
    contractor: uuid.UUID
    name: str
    contact: str
    relationship: str
    checked_on: dt.date | None
    outcome: OutcomeName | None
    met_deadlines: bool | None
    notes: str
    counts: bool = Field(description="checked, and positive or mixed: it vouches for the contractor")


class ScoresIn(Strict):
    skills: Score | None = None
    communication: Score | None = None
    values_fit: Score | None = None
    reliability: Score | None = None


class InterviewIn(Strict):
    held_on: Day
    interviewer: Line = ""
    medium: MediumName | None = None
    scores: ScoresIn = Field(default_factory=ScoresIn, description="each 1 to 5, or left out")
    identity_verified: bool = Field(False, description="the person on the call matches the profile and documents")
    notes: Text = ""


class InterviewPatchIn(Strict):
    """`medium` may be null to clear it; in `scores`, only the keys sent change (null clears one)."""

    held_on: Day | None = None
    interviewer: Line | None = None
    medium: MediumName | None = None
    scores: ScoresIn | None = None
    identity_verified: bool | None = None
    notes: Text | None = None


class ScoresOut(Schema):
    skills: int | None
    communication: int | None
    values_fit: int | None
    reliability: int | None


class InterviewOut(Schema):
    id: uuid.UUID
    contractor: uuid.UUID
    held_on: dt.date
    interviewer: str
    medium: MediumName | None
    scores: ScoresOut
    average: float | None
    identity_verified: bool
    notes: str


class DocumentIn(Strict):
    kind: DocumentKindName
    title: Line = ""
    signed_on: Day | None = None
    expires_on: Day | None = None


class DocumentPatchIn(Strict):
    """`signed_on` and `expires_on` may be null to clear them."""

    kind: DocumentKindName | None = None
    title: Line | None = None
    signed_on: Day | None = None
    expires_on: Day | None = None


class DocumentOut(Schema):
    id: uuid.UUID
    contractor: uuid.UUID
    kind: DocumentKindName
    title: str
    signed_on: dt.date | None
    expires_on: dt.date | None
    has_file: bool = Field(description="a copy was uploaded (through the web page)")
    file_name: str
    content_type: str
    size: int = Field(description="bytes")


class RedFlagIn(Strict):
    kind: RedFlagKindName
    noted_on: Day
    notes: Text = ""
    resolved: bool = False


class RedFlagPatchIn(Strict):
    kind: RedFlagKindName | None = None
    noted_on: Day | None = None
    notes: Text | None = None
    resolved: bool | None = None


class RedFlagOut(Schema):
    id: uuid.UUID
    contractor: uuid.UUID
    kind: RedFlagKindName
    noted_on: dt.date
    notes: str
    resolved: bool


# --- Engagements, trials, ratings ------------------------------------------------------------------


class RateOut(Schema):
    model: str
    currency: str
    amount: Decimal | None


class EngagementOut(Schema):
    id: uuid.UUID
    contractor: uuid.UUID
    ref: str
    title: str
    kind: EngagementKindName
    status: EngagementStatusName
    start_on: dt.date | None
    end_on: dt.date | None
    budget_cap: Decimal | None
    rate: RateOut


class TrialIn(Strict):
    title: str = Field(min_length=1, max_length=200)
    start_on: Day
    end_on: Day
    budget: Money = Field(description="the fixed price of the trial, above zero")
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$", description="default: the contractor's")
    task: uuid.UUID | None = Field(None, description="the id of the task from the time audit it tries out")


class TrialFinishIn(Strict):
    passed: bool = Field(description="whether you would give this contractor real work")
    overall: Score
    on: Day
    notes: Text = ""


class RatingOut(Schema):
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


# --- Scorecard and overlap -------------------------------------------------------------------------


class PartOut(Schema):
    name: Literal["references", "interviews", "trial", "ratings"]
    value: float | None = Field(description="0 to 1; null when there is nothing to judge by yet")
    detail: str
    weight: int


class ScorecardOut(Schema):
    parts: list[PartOut]
    score: float | None = Field(description="the weighted score, 0 to 1, over the parts with a value")
    percent: int | None
    standing: StandingName
    standing_label: str
    open_red_flags: int
    reasons: list[str]


class WeightsIn(Strict):
    references: Weight
    interviews: Weight
    trial: Weight
    ratings: Weight


class WeightsOut(Schema):
    references: int
    interviews: int
    trial: int
    ratings: int


class OverlapOut(Schema):
    start: dt.date
    workspace_hours: WorkingHoursOut
    contractor_hours: WorkingHoursOut | None = Field(description="null while not known: then no days")
    days: list[OverlapDayOut] = Field(description="each of the workspace's working days in the range")
    worst: OverlapDayOut | None


class ContractorDetailOut(ContractorOut):
    references: list[ReferenceOut]
    interviews: list[InterviewOut]
    documents: list[DocumentOut]
    red_flags: list[RedFlagOut]
    engagements: list[EngagementOut]
    scorecard: ScorecardOut
    vetting_gaps: list[GapName] = Field(description="vetting steps not done yet")
    worst_overlap_day: OverlapDayOut | None = Field(description="over the next 30 days; null without hours")
