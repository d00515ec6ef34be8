"""Reads the directory pages need beyond the selectors: counts, standings and overlaps for many rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet

from outsourcer.accounts.models import Workspace
from outsourcer.contractors.models import Contractor, Stage
from outsourcer.contractors.overlap import DayOverlap, daily_overlap
from outsourcer.contractors.selectors import (
    contractor_hours,
    contractor_list,
    contractors_with_overlap,
    workspace_hours,
)
from outsourcer.engagements.models import Engagement
from outsourcer.vetting.selectors import STANDING_LABELS, scorecards

STANDINGS_FILTER = tuple(STANDING_LABELS)  # preferred, good, watch, avoid, unrated


def stage_counts(*, contractors: QuerySet[Contractor]) -> dict[str, int]:
    """How many of `contractors` are at each stage, every stage present (one query)."""
    counts = dict.fromkeys(Stage.values, 0)
    rows = contractors.order_by().values_list("stage").annotate(n=Count("pk")).values_list("stage", "n")
    for stage, n in rows:
        counts[stage] = n
    return counts


def with_standing(*, workspace: Workspace, contractors: QuerySet[Contractor], standing: str) -> QuerySet[Contractor]:
    """Those of `contractors` whose scorecard gives `standing`; the scorecard costs the same for any number."""
    cards = scorecards(workspace=workspace, contractor_ids=contractors)
    return contractors.filter(pk__in=[pk for pk, card in cards.items() if card.standing == standing])


def worst_overlaps(
    *, workspace: Workspace, contractors: list[Contractor], start: dt.date, days: int = 30
) -> dict[int, DayOverlap | None]:
    """Each contractor's worst working day ahead (None without hours); equal hours are computed once."""
    business = workspace_hours(workspace)
    by_hours: dict[object, DayOverlap | None] = {}
    found: dict[int, DayOverlap | None] = {}
    for contractor in contractors:
        hours = contractor_hours(contractor)
        if hours is None:
            found[contractor.pk] = None
            continue
        if hours not in by_hours:
            ahead = daily_overlap(business, hours, start=start, days=days)
            by_hours[hours] = min(ahead, key=lambda d: (d.minutes, d.day)) if ahead else None
        found[contractor.pk] = by_hours[hours]
    return found


def contractor_engagements(*, contractor: Contractor) -> list[Engagement]:
    """Every engagement of the contractor, trials included, the latest first."""
    return list(Engagement.objects.filter(contractor=contractor).order_by("-start_on", "-pk"))


@dataclass(frozen=True)
class DirectorySearch:
    contractors: QuerySet[Contractor]  # every filter applied, each with `open_red_flags`
    stage_counts: dict[str, int]  # every filter but the stage applied


def directory_search(
    *,
    workspace: Workspace,
    today: dt.date,
    search: str = "",
    skill: str = "",
    stage: str = "",
    rate_min: Decimal | None = None,
    rate_max: Decimal | None = None,
    min_overlap: Decimal | None = None,
    standing: str = "",
) -> DirectorySearch:
    """The directory's filters together; the overlap is with the workspace's days from `today` on."""
    found = contractor_list(workspace=workspace, search=search, skill=skill, rate_min=rate_min, rate_max=rate_max)
    if min_overlap is not None:
        found = contractors_with_overlap(
            workspace=workspace, contractors=found, min_hours=float(min_overlap), start=today
        )
    if standing:
        found = with_standing(workspace=workspace, contractors=found, standing=standing)
    counts = stage_counts(contractors=found)
    return DirectorySearch(contractors=found.filter(stage=stage) if stage else found, stage_counts=counts)
