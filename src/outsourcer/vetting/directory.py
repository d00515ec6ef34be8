"""The directory's search with every filter, including those that need the scorecard or the overlap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from outsourcer.accounts.models import Workspace
from outsourcer.contractors.models import Contractor
from outsourcer.contractors.selectors import contractor_list, contractors_with_overlap
from outsourcer.vetting.selectors import scorecards


def contractor_search(
    *,
    workspace: Workspace,
    today: dt.date,
    search: str = "",
    skill: str = "",
    stage: str = "",
    rate_min: Decimal | None = None,
    rate_max: Decimal | None = None,
    min_overlap_hours: float | None = None,
    standing: str = "",
) -> QuerySet[Contractor]:
    """Contractors by name (each with `open_red_flags`), narrowed by every filter given.

    The column filters run in the database first, so the overlap and the standing, which are
    computed, are worked out only for the contractors still in the running.
    """
    found = contractor_list(
        workspace=workspace, search=search, skill=skill, stage=stage, rate_min=rate_min, rate_max=rate_max
    )
    if min_overlap_hours is not None:
        found = contractors_with_overlap(
            workspace=workspace, contractors=found, min_hours=min_overlap_hours, start=today
        )
    if standing:
        cards = scorecards(workspace=workspace, contractor_ids=found.values_list("pk", flat=True))
        found = found.filter(pk__in=[pk for pk, card in cards.items() if card.standing == standing])
    return found
