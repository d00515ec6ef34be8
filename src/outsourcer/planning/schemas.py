"""The REST face of the time audit and the plan: what goes in and what comes out."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from outsourcer.planning.models import MAX_HOURS

KnowledgeName = Literal["none", "basic", "working", "expert"]
StatusName = Literal["in_house", "candidate", "outsourced", "retired"]
RecommendationName = Literal["outsource_first", "outsource", "outsource_with_oversight", "keep", "reconsider"]
REF_PATTERN = r"^[A-Za-z0-9_.:-]{1,64}$"
# Money and hours as JSON numbers or decimal strings ("45.00"); NaN, Infinity and negatives are refused.
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Hours = Annotated[Decimal, Field(ge=0, le=MAX_HOURS, max_digits=5, decimal_places=2)]
Score = Annotated[int, Field(ge=1, le=5)]
# Query parameters, each at the path the caller knows ("$.status"), not under a schema's name.
StatusFilter = Annotated[
    Literal["", "in_house", "candidate", "outsourced", "retired"], Field(description="only tasks with this status")
]
Search = Annotated[str, Field(max_length=200, description="part of the name, category or ref")]
OwnerHourlyValue = Annotated[
    Decimal | None, Field(ge=0, max_digits=14, decimal_places=2, description="instead of the workspace's own")
]


class TaskCreateIn(Schema):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ref: str | None = Field(None, pattern=REF_PATTERN, description="made up when not given")
    name: str = Field(min_length=1, max_length=200)
    category: str = Field("", max_length=64, description="e.g. bookkeeping, seo, design")
    hours_per_month: Hours
    effectiveness: Score = Field(description="how well it is done in-house: 1 poor, 5 excellent")
    business_value: Score = Field(description="how close to the core: 1 peripheral, 5 core")
    knowledge: KnowledgeName | None = Field(None, description="how much the business knows about the work")
    inhouse_cost_per_hour: Money | None = Field(None, description="loaded in-house cost; else the owner's value")
    market_rate_per_hour: Money | None = Field(None, description="what contractors charge, fees included")
    recurring: bool = True
    status: StatusName = "in_house"


class TaskPatchIn(Schema):
    """Send only what changes; `knowledge` and the two rates may be null to clear them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    ref: str | None = Field(None, pattern=REF_PATTERN)
    name: str | None = Field(None, min_length=1, max_length=200)
    category: str | None = Field(None, max_length=64)
    hours_per_month: Hours | None = None
    effectiveness: Score | None = None
    business_value: Score | None = None
    knowledge: KnowledgeName | None = None
    inhouse_cost_per_hour: Money | None = None
    market_rate_per_hour: Money | None = None
    recurring: bool | None = None
    status: StatusName | None = None


class TaskOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    ref: str
    name: str
    category: str
    hours_per_month: Decimal
    effectiveness: int
    business_value: int
    knowledge: KnowledgeName | None
    inhouse_cost_per_hour: Decimal | None
    market_rate_per_hour: Decimal | None
    recurring: bool
    status: StatusName
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_knowledge(obj: Any) -> str | None:
        return obj.knowledge or None  # stored blank when unknown


class TasksImportIn(Schema):
    model_config = ConfigDict(extra="forbid")

    csv: str = Field(description="the time audit as CSV text, header row first (docs/planning.md)")
    replace: bool = Field(False, description="remove the tasks the file does not name")


class TasksImportOut(Schema):
    created: int
    updated: int
    removed: int


class CsvErrorOut(Schema):
    row: int
    column: str
    message: str


class CsvInvalidOut(Schema):
    message: str
    errors: list[CsvErrorOut]


class PlannedTaskOut(Schema):
    id: uuid.UUID
    ref: str | None
    name: str
    status: StatusName
    rank: int
    score: float
    quadrant: str
    recommendation: RecommendationName
    hours_freed_per_month: str
    monthly_saving: str | None = Field(description="null when no rate is known to compare")
    shape: str
    role: str
    reasons: list[str]


class PlanRoleOut(Schema):
    role: str
    tasks: list[str]
    hours_per_month: str


class PlanTotalsOut(Schema):
    hours_freed_per_month: str
    monthly_saving: str


class PlanOut(Schema):
    currency: str
    tasks: list[PlannedTaskOut]
    roles: list[PlanRoleOut]
    totals: PlanTotalsOut
