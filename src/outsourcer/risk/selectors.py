"""Reads for the risk register, exit plans, access grants and offboarding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from django.utils.text import slugify

from outsourcer.accounts.models import Workspace
from outsourcer.contractors.models import TRUSTED_STAGES, Contractor
from outsourcer.engagements.models import ENDED, RUNNING, Engagement
from outsourcer.risk.models import AccessGrant, Category, ExitPlan, OffboardingStep, Risk, band_of_score

RISK_STATUS_ORDER = (Risk.Status.OPEN, Risk.Status.ACCEPTED, Risk.Status.MITIGATED, Risk.Status.CLOSED)


def risk_list(
    *,
    workspace: Workspace,
    status: str | None = None,
    category: str | None = None,
    engagement: Engagement | None = None,
    contractor: Contractor | None = None,
) -> QuerySet[Risk]:
    """The register, highest score first. An engagement's view includes its contractor's own risks."""
    rows = Risk.objects.filter(workspace=workspace).select_related("engagement", "contractor")
    if status:
        rows = rows.filter(status=status)
    if category:
        rows = rows.filter(category=category)
    if engagement is not None:
        rows = rows.filter(
            Q(engagement=engagement) | Q(engagement__isnull=True, contractor_id=engagement.contractor_id)
        )
    if contractor is not None:
        rows = rows.filter(Q(contractor=contractor) | Q(engagement__contractor=contractor))
    # Open first, then accepted, mitigated and closed; within each, the highest score first.
    standing = Case(*(When(status=s, then=Value(i)) for i, s in enumerate(RISK_STATUS_ORDER)), default=Value(9))
    return rows.annotate(
        standing=standing, score_value=ExpressionWrapper(F("likelihood") * F("impact"), output_field=IntegerField())
    ).order_by("standing", "-score_value", "-impact", "ref")


def risk_get(*, workspace: Workspace, uuid: Any) -> Risk | None:
    return Risk.objects.filter(workspace=workspace, uuid=uuid).select_related("engagement", "contractor").first()


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    count: int

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        """high (15 and up: needs a mitigation), medium (8 to 14) or low."""
        return band_of_score(self.score)


def risk_heat(*, risks: QuerySet[Risk] | list[Risk]) -> list[list[HeatCell]]:
    """A 5 x 5 grid of how many risks sit at each likelihood (rows, 5 first) and impact (columns, 1 first)."""
    counts: dict[tuple[int, int], int] = {}
    for likelihood, impact in (
        risks.values_list("likelihood", "impact")
        if isinstance(risks, QuerySet)
        else [(r.likelihood, r.impact) for r in risks]
    ):
        counts[(likelihood, impact)] = counts.get((likelihood, impact), 0) + 1
    return [[HeatCell(lk, im, counts.get((lk, im), 0)) for im in range(1, 6)] for lk in range(5, 0, -1)]


def risk_reviews_due(*, workspace: Workspace, today: dt.date) -> QuerySet[Risk]:
    """Risks still open or accepted whose review date has come."""
    return (
        Risk.objects.filter(workspace=workspace, review_on__lte=today)
        .exclude(status=Risk.Status.CLOSED)
        .select_related("engagement")
        .order_by("review_on", "ref")
    )


# --- Suggestions for a new engagement ---------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    key: str
    category: str
    title: str
    likelihood: int
    impact: int
    mitigation: str
    why: str  # what in the engagement made us suggest it


def _sole_categories(engagement: Engagement) -> list[str]:
    """Task categories of this engagement that no other contractor covers: no other running engagement with
    another contractor holds one, and no other approved contractor lists it as a skill."""
    categories = sorted({t.category for t in engagement.tasks.all() if t.category})
    sole = []
    for category in categories:
        others = Engagement.objects.filter(
            workspace_id=engagement.workspace_id, status__in=RUNNING, tasks__category=category
        ).exclude(contractor_id=engagement.contractor_id)
        skilled = Contractor.objects.filter(
            workspace_id=engagement.workspace_id,
            stage__in=TRUSTED_STAGES,
            skills_text__icontains=f"\n{category.lower()}\n",
        ).exclude(pk=engagement.contractor_id)
        if not others.exists() and not skilled.exists():
            sole.append(category)
    return sole


def risk_suggestions(*, engagement: Engagement) -> list[Suggestion]:
    """Risks worth recording for this engagement, from what it touches; those already recorded are left out."""
    contractor = engagement.contractor
    found: list[Suggestion] = []
    grants = list(engagement.access_grants.filter(revoked_on__isnull=True))
    if grants:
        systems = ", ".join(g.system for g in grants)
        strong = any(g.level == AccessGrant.Level.ADMIN or g.shared_credential for g in grants)
        found.append(
            Suggestion(
                key="access",
                category=Category.TECHNOLOGY_SECURITY,
                title=f"Access to {systems} is misused, leaked or left open",
                likelihood=3 if strong else 2,
                impact=4,
                mitigation=(
                    "Named accounts with the least access the work needs and an end date; no shared logins; "
                    "revoke everything on the last day."
                ),
                why=f"{contractor.name} holds access to {len(grants)} system(s)"
                + (", with admin rights or a shared login" if strong else ""),
            )
        )
    commitment = engagement.customer_commitment
    if commitment is not None:
        found.append(
            Suggestion(
                key="commitment",
                category=Category.OPERATIONAL,
                title=f"Late or weak work breaks the promise to {commitment.customer}",
                likelihood=3,
                impact=4,
                mitigation=(
                    "Keep working days of buffer before the promise, review each milestone before it goes to the "
                    "customer, and know who could step in."
                ),
                why=f"the engagement serves a promise to {commitment.customer} due {commitment.promised_on:%d %b %Y}",
            )
        )
    for category in _sole_categories(engagement):
        found.append(
            Suggestion(
                key=f"concentration-{slugify(category)}",  # a URL path segment in the API
                category=Category.STRATEGIC,
                title=f"Only {contractor.name} can do the {category} work",
                likelihood=2,
                impact=4,
                mitigation="Vet and approve a second contractor with this skill; keep the work documented.",
                why=f"no other approved contractor covers {category}",
            )
        )
    found.append(
        Suggestion(
            key="budget",
            category=Category.FINANCIAL,
            title="Costs run past the budget",
            likelihood=2 if engagement.budget_cap is not None else 4,
            impact=3,
            mitigation="Set a budget cap (and a weekly hour cap for hourly work) and watch the burn every week.",
            why="the engagement has a budget cap" if engagement.budget_cap is not None else "no budget cap is set",
        )
    )
    found.append(
        Suggestion(
            key="availability",
            category=Category.OPERATIONAL,
            title=f"{contractor.name} becomes unavailable in the middle of the work",
            likelihood=2,
            impact=3,
            mitigation="Keep an exit plan with a named successor and the work's state written down at each milestone.",
            why="every engagement depends on one contractor",
        )
    )
    taken = {t.lower() for t in Risk.objects.filter(engagement=engagement).values_list("title", flat=True)}
    return [s for s in found if s.title.lower() not in taken]


# --- Exit plans, access and offboarding -------------------------------------------------------------


def exit_plan_of(*, engagement: Engagement) -> ExitPlan | None:
    return ExitPlan.objects.filter(engagement=engagement).select_related("handover_contractor").first()


def access_grant_list(
    *, workspace: Workspace, engagement: Engagement | None = None, open_only: bool = False
) -> QuerySet[AccessGrant]:
    rows = AccessGrant.objects.filter(workspace=workspace).select_related("engagement__contractor")
    if engagement is not None:
        rows = rows.filter(engagement=engagement)
    if open_only:
        rows = rows.filter(revoked_on__isnull=True)
    return rows.order_by("revoked_on", "engagement__title", "system", "pk")


def access_grant_get(*, workspace: Workspace, uuid: Any) -> AccessGrant | None:
    return AccessGrant.objects.filter(workspace=workspace, uuid=uuid).select_related("engagement__contractor").first()


def access_left_open(*, workspace: Workspace, today: dt.date) -> QuerySet[AccessGrant]:
    """Open grants that should be closed: their engagement has ended, or their expiry date has passed."""
    return (
        access_grant_list(workspace=workspace, open_only=True)
        .filter(Q(engagement__status__in=ENDED) | Q(expires_on__lt=today))
        .order_by("engagement__title", "system", "pk")
    )


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    done: bool
    detail: str  # what is left, or who did it and when
    manual: bool  # ticked by a person (an `OffboardingStep`), else read from the data


def offboarding_checklist(*, engagement: Engagement) -> list[ChecklistItem]:
    """What leaving an ended engagement takes: access revoked, data and assets back, final invoice, handover,
    and a rating for the contractor."""
    open_grants = list(engagement.access_grants.filter(revoked_on__isnull=True).values_list("system", flat=True))
    ticks = {row.step: row for row in OffboardingStep.objects.filter(engagement=engagement).select_related("done_by")}
    rated = engagement.ratings.exists()
    items = [
        ChecklistItem(
            key="access",
            label="Every access grant revoked",
            done=not open_grants,
            detail=f"Still open: {', '.join(open_grants)}" if open_grants else "No access left open",
            manual=False,
        )
    ]
    for step in OffboardingStep.Step:
        tick = ticks.get(step.value)
        by = (tick.done_by.email if tick.done_by else "") if tick else ""
        detail = f"Done on {tick.done_on:%d %b %Y}" + (f" by {by}" if by else "") if tick else "Not done yet"
        if tick and tick.note:
            detail += f": {tick.note}"
        items.append(ChecklistItem(key=step.value, label=step.label, done=tick is not None, detail=detail, manual=True))
    items.append(
        ChecklistItem(
            key="rating",
            label="The contractor rated (and shown the rating)",
            done=rated,
            detail="Rated" if rated else "No rating yet",
            manual=False,
        )
    )
    return items
