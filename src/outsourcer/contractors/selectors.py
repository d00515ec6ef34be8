"""Reads for the contractor directory: search and filters, possible duplicates, working-hours overlap."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from rapidfuzz import fuzz

from outsourcer.accounts.models import Workspace
from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck
from outsourcer.contractors.overlap import DayOverlap, Hours, daily_overlap

# Names at least this similar (0-100, token order ignored) are pointed out as possibly the same.
NAME_SIMILARITY = 88
EMAIL_SIMILARITY = 92


def contractor_list(
    *,
    workspace: Workspace,
    search: str = "",
    skill: str = "",
    stage: str = "",
    rate_min: Decimal | None = None,
    rate_max: Decimal | None = None,
) -> QuerySet[Contractor]:
    contractors = Contractor.objects.filter(workspace=workspace)
    if search:
        contractors = contractors.filter(
            Q(name__icontains=search) | Q(email__icontains=search) | Q(ref__icontains=search)
            | Q(skills_text__icontains=search) | Q(source__icontains=search)
        )  # fmt: skip
    if skill:
        needle = " ".join(skill.split()).lower()
        contractors = contractors.filter(skills_text__icontains=f"\n{needle}\n")
    if stage:
        contractors = contractors.filter(stage=stage)
    if rate_min is not None:
        contractors = contractors.filter(hourly_rate__gte=rate_min)
    if rate_max is not None:
        contractors = contractors.filter(hourly_rate__lte=rate_max)
    # A per-row subquery, not a join with GROUP BY: the database then counts flags only for the page
    # of rows it returns, where a grouped join counts them for every contractor before the LIMIT.
    open_flags = (
        RedFlag.objects.filter(contractor=OuterRef("pk"), resolved=False)
        .order_by()
        .values("contractor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return contractors.annotate(open_red_flags=Coalesce(Subquery(open_flags, output_field=IntegerField()), 0)).order_by(
        "name", "ref"
    )


def contractor_detail(*, workspace: Workspace) -> QuerySet[Contractor]:
    """Contractors with every vetting record loaded in one query each."""
    return Contractor.objects.filter(workspace=workspace).prefetch_related(
        Prefetch("referencecheck_set", queryset=ReferenceCheck.objects.order_by("checked_on", "pk")),
        Prefetch("interview_set", queryset=Interview.objects.order_by("held_on", "pk")),
        Prefetch("document_set", queryset=Document.objects.order_by("kind", "signed_on", "pk")),
        Prefetch("redflag_set", queryset=RedFlag.objects.order_by("noted_on", "pk")),
    )


def contractor_skills(*, workspace: Workspace) -> list[str]:
    """Every skill any contractor of the workspace lists, for the filter's choices."""
    skills: set[str] = set()
    # Distinct combinations only: a directory of thousands holds far fewer than it has rows.
    texts = Contractor.objects.filter(workspace=workspace).order_by().values_list("skills_text", flat=True).distinct()
    for text in texts:
        skills.update(s for s in text.split("\n") if s)
    return sorted(skills)


@dataclass(frozen=True)
class PossibleDuplicate:
    contractor: Contractor
    reason: str


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def duplicates_among(
    *, name: str, email: str, candidates: list[Contractor], exclude_pk: int | None = None
) -> list[PossibleDuplicate]:
    """Contractors that may be the same as `name` / `email`: the same address, or near-identical ones."""
    found = []
    name_n, email_n = _normal(name), _normal(email)
    for other in candidates:
        if other.pk is not None and other.pk == exclude_pk:
            continue
        other_email = _normal(other.email)
        if email_n and other_email == email_n:
            found.append(PossibleDuplicate(other, f"the same email address ({other.email})"))
            continue
        score = fuzz.token_sort_ratio(name_n, _normal(other.name)) if name_n else 0
        if score >= NAME_SIMILARITY:
            found.append(PossibleDuplicate(other, f"a name {score:.0f}% alike ({other.name})"))
            continue
        if email_n and other_email and fuzz.ratio(email_n, other_email) >= EMAIL_SIMILARITY:
            found.append(PossibleDuplicate(other, f"a nearly identical email address ({other.email})"))
    return found


def contractor_possible_duplicates(
    *, workspace: Workspace, name: str, email: str, exclude: Contractor | None = None
) -> list[PossibleDuplicate]:
    candidates = list(Contractor.objects.filter(workspace=workspace).only("uuid", "ref", "name", "email"))
    return duplicates_among(
        name=name, email=email, candidates=candidates, exclude_pk=exclude.pk if exclude is not None else None
    )


def workspace_hours(workspace: Workspace) -> Hours:
    return Hours(
        zone=workspace.time_zone,
        start=workspace.work_start,
        end=workspace.work_end,
        days=tuple(workspace.working_days),
    )


def contractor_hours(contractor: Contractor) -> Hours | None:
    if not contractor.has_hours:
        return None
    assert contractor.work_start is not None and contractor.work_end is not None
    return Hours(
        zone=contractor.time_zone,
        start=contractor.work_start,
        end=contractor.work_end,
        days=tuple(contractor.working_days),
    )


@dataclass(frozen=True)
class OverlapReport:
    days: list[DayOverlap]

    @property
    def worst(self) -> DayOverlap | None:
        return min(self.days, key=lambda d: (d.minutes, d.day)) if self.days else None


def contractor_overlap(
    *, workspace: Workspace, contractor: Contractor, start: dt.date, days: int = 30
) -> OverlapReport | None:
    """The shared working time on each of the workspace's working days ahead; None without hours."""
    hours = contractor_hours(contractor)
    if hours is None:
        return None
    return OverlapReport(days=daily_overlap(workspace_hours(workspace), hours, start=start, days=days))


def contractors_with_overlap(
    *, workspace: Workspace, contractors: QuerySet[Contractor], min_hours: float, start: dt.date, days: int = 30
) -> QuerySet[Contractor]:
    """Those of `contractors` whose worst working day ahead still shares `min_hours` with the workspace.

    Overlap depends only on a contractor's hours, and a directory of thousands holds a handful of
    distinct ones: each is computed once, and the database keeps the contractors whose hours passed.
    Contractors without hours never match.
    """
    business = workspace_hours(workspace)
    combos = (
        contractors.exclude(time_zone="")
        .filter(work_start__isnull=False, work_end__isnull=False)
        .order_by()
        .values_list("time_zone", "work_start", "work_end", "work_days")
        .distinct()
    )
    passing = Q(pk__in=[])
    for zone, begin, end, work_days in combos:
        if begin is None or end is None:  # excluded above; the type checker cannot know it
            continue
        hours = Hours(zone=zone, start=begin, end=end, days=tuple(work_days or (1, 2, 3, 4, 5)))
        found = daily_overlap(business, hours, start=start, days=days)
        if min((d.minutes for d in found), default=0) >= min_hours * 60:
            passing |= Q(time_zone=zone, work_start=begin, work_end=end, work_days=work_days)
    return contractors.filter(passing)


def portal_access_of(*, contractor: Contractor) -> dict[str, Any]:
    """For the contractor's page in the directory: who signs in as them, or the invitation still open."""
    from outsourcer.accounts.models import Invitation, Role

    user = contractor.portal_user
    invitation = None
    if user is None and contractor.email:
        invitation = (
            Invitation.objects.filter(
                workspace_id=contractor.workspace_id,
                email__iexact=contractor.email,
                role=Role.CONTRACTOR,
                accepted_at=None,
                revoked_at=None,
            )
            .order_by("-created_at")
            .first()
        )
    return {"user": user, "invitation": invitation}
