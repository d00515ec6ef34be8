"""The REST face of the risk register: risks, the heat map, and the risks suggested for an engagement. The
CLI's `--json` goes through the same schemas (and the same `risk_dict`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from outsourcer.core.api_types import Day, Line, Strict, Text
from outsourcer.planning.schemas import REF_PATTERN
from outsourcer.risk.charts import band_of
from outsourcer.risk.models import Risk
from outsourcer.risk.selectors import HeatCell, Suggestion

CategoryName = Literal["strategic", "operational", "technology_security", "financial", "compliance"]
RiskStatusName = Literal["open", "mitigated", "accepted", "closed"]
BandName = Literal["high", "medium", "low"]
Score = Annotated[int, Field(ge=1, le=5)]
Title = Annotated[str, Field(min_length=1, max_length=200)]

# Query parameters, each at the path the caller knows ("$.status"), not under a schema's name.
RiskStatusQuery = Annotated[
    Literal["", "open", "mitigated", "accepted", "closed"], Field(description="only this status")
]
CategoryQuery = Annotated[
    Literal["", "strategic", "operational", "technology_security", "financial", "compliance"],
    Field(description="only this area"),
]
EngagementQuery = Annotated[
    uuid.UUID | None,
    Field(description="only this engagement's (its id), with its contractor's own risks"),
]


class RiskIn(Strict):
    """A risk about an engagement (its contractor comes with it), a contractor across their work, or, with
    neither, the whole workspace."""

    ref: str | None = Field(None, pattern=REF_PATTERN, description="made up when not given")
    engagement: uuid.UUID | None = Field(None, description="the engagement's id")
    contractor: uuid.UUID | None = Field(
        None, description="the contractor's id; with an engagement, it must be the engagement's contractor"
    )
    category: CategoryName
    title: Title = Field(description="what could go wrong, in one sentence")
    likelihood: Score = Field(description="1 rare, 2 unlikely, 3 possible, 4 likely, 5 almost certain")
    impact: Score = Field(description="1 negligible, 2 minor, 3 moderate, 4 major, 5 severe")
    mitigation: Text = ""
    owner: Line = Field("", description="who watches it")
    status: RiskStatusName = "open"
    review_on: Day | None = Field(None, description="when to look at it again")


class RiskPatchIn(Strict):
    """Send only what changes. May be null to clear: `engagement`, `contractor`, `review_on`."""

    ref: str | None = Field(None, pattern=REF_PATTERN)
    engagement: uuid.UUID | None = None
    contractor: uuid.UUID | None = None
    category: CategoryName | None = None
    title: Title | None = None
    likelihood: Score | None = None
    impact: Score | None = None
    mitigation: Text | None = None
    owner: Line | None = None
    status: RiskStatusName | None = None
    review_on: Day | None = None


class RiskOut(Schema):
    id: uuid.UUID
    ref: str
    engagement: uuid.UUID | None = Field(
        description="the engagement it is about; null for a contractor's or the whole workspace's"
    )
    engagement_ref: str | None
    engagement_title: str | None
    contractor: uuid.UUID | None = Field(
        description="the contractor it concerns: the one recorded with it, else its engagement's; null for the "
        "whole workspace"
    )
    contractor_ref: str | None
    contractor_name: str | None
    category: CategoryName
    title: str
    likelihood: int
    impact: int
    score: int = Field(description="likelihood times impact, 1 to 25")
    band: BandName = Field(description="high from 15 (needs a mitigation while open), medium from 8, low below")
    mitigation: str
    owner: str
    status: RiskStatusName
    review_on: dt.date | None
    review_due: bool = Field(description="its review date has come (in the workspace's calendar) and it is not closed")
    created_at: dt.datetime
    updated_at: dt.datetime


class HeatCellOut(Schema):
    impact: int
    score: int
    band: BandName
    count: int


class HeatRowOut(Schema):
    likelihood: int
    cells: list[HeatCellOut] = Field(description="impact 1 to 5")


class HeatMapOut(Schema):
    rows: list[HeatRowOut] = Field(description="likelihood 5 (top) to 1")
    total: int = Field(description="the risks on the map (closed ones are left off)")
    high: int
    medium: int
    low: int


class SuggestionOut(Schema):
    key: str = Field(description="what to POST to record it")
    category: CategoryName
    title: str
    likelihood: int
    impact: int
    score: int
    band: BandName
    mitigation: str
    why: str = Field(description="what in the engagement made us suggest it")


# --- Serializers -----------------------------------------------------------------------------------


def risk_dict(risk: Risk, *, today: dt.date) -> dict[str, Any]:
    engagement = risk.engagement
    contractor = risk.contractor or (engagement.contractor if engagement is not None else None)
    return {
        "id": risk.uuid,
        "ref": risk.ref,
        "engagement": engagement.uuid if engagement else None,
        "engagement_ref": engagement.ref if engagement else None,
        "engagement_title": engagement.title if engagement else None,
        "contractor": contractor.uuid if contractor else None,
        "contractor_ref": contractor.ref if contractor else None,
        "contractor_name": contractor.name if contractor else None,
        "category": risk.category,
        "title": risk.title,
        "likelihood": risk.likelihood,
        "impact": risk.impact,
        "score": risk.score,
        "band": band_of(risk.likelihood, risk.impact),
        "mitigation": risk.mitigation,
        "owner": risk.owner,
        "status": risk.status,
        "review_on": risk.review_on,
        "review_due": risk.review_on is not None and risk.review_on <= today and risk.status != Risk.Status.CLOSED,
        "created_at": risk.created_at,
        "updated_at": risk.updated_at,
    }


def heat_dict(grid: list[list[HeatCell]]) -> dict[str, Any]:
    cells = [cell for row in grid for cell in row]
    by_band = {band: sum(c.count for c in cells if c.band == band) for band in ("high", "medium", "low")}
    return {
        "rows": [
            {
                "likelihood": row[0].likelihood,
                "cells": [{"impact": c.impact, "score": c.score, "band": c.band, "count": c.count} for c in row],
            }
            for row in grid
        ],
        "total": sum(by_band.values()),
        **by_band,
    }


def suggestion_dict(suggestion: Suggestion) -> dict[str, Any]:
    return {
        "key": suggestion.key,
        "category": str(suggestion.category),
        "title": suggestion.title,
        "likelihood": suggestion.likelihood,
        "impact": suggestion.impact,
        "score": suggestion.likelihood * suggestion.impact,
        "band": band_of(suggestion.likelihood, suggestion.impact),
        "mitigation": suggestion.mitigation,
        "why": suggestion.why,
    }
