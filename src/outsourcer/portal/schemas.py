"""The REST face of the contractor portal: a contractor's own engagements, as the business shares them.

Budget caps, internal notes, the customer commitments, delivery to the customer and reviews or ratings
not shared with the contractor are left out.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import Field

from outsourcer.core.api_types import Strict
from outsourcer.deliverables.schemas import Link, MilestoneStatusName, ReviewOut, SubmissionOut
from outsourcer.engagements.schemas import (
    BriefVersionOut,
    CommunicationOut,
    EngagementKindName,
    EngagementRatingOut,
    EngagementStatusName,
    RateOut,
    TimeEntryOut,
)


class PortalSubmissionIn(Strict):
    """Work a contractor submits: always dated today in the workspace, so it carries no date (an unknown
    field such as `submitted_on` is refused)."""

    text: Annotated[str, Field(max_length=2_000_000)] = Field("", description="the delivered text (or code)")
    links: list[Link] = Field(default=[], max_length=20)
    note: Annotated[str, Field(max_length=5000)] = Field("", description="a word for the reviewer")


class PortalEngagementOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    kind: EngagementKindName
    status: EngagementStatusName
    contractor: uuid.UUID
    contractor_name: str
    start_on: dt.date | None
    end_on: dt.date | None
    rate: RateOut


class PortalMilestoneOut(Schema):
    id: uuid.UUID
    ref: str
    title: str
    description: str
    due_on: dt.date
    amount: Decimal | None
    status: MilestoneStatusName
    submitted_on: dt.date | None
    overdue: bool = Field(description="still open and past its due date")
    submissions: list[SubmissionOut] = Field(description="newest first")


class PortalEngagementDetailOut(PortalEngagementOut):
    brief: BriefVersionOut | None = Field(description="the latest version sent to you; null until one is sent")
    communication: CommunicationOut | None = Field(description="whom to ask and how; null until written")
    milestones: list[PortalMilestoneOut] = Field(description="the soonest due first")
    feedback: list[ReviewOut] = Field(description="the reviews shared with you, newest first")
    ratings: list[EngagementRatingOut] = Field(description="the ratings shared with you, newest first")
    time_entries: list[TimeEntryOut] = Field(description="your hours on it, the latest worked first")
