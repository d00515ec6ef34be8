"""The scorecard and what vetting still lacks: read from the directory and from the engagements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from outsourcer.accounts.models import Workspace
from outsourcer.contractors.models import Contractor, Interview, RedFlag, ReferenceCheck, Stage
from outsourcer.contractors.selectors import contractor_list
from outsourcer.engagements.models import Engagement, Kind, Rating, Status
from outsourcer.planning.models import Task, TaskStatus
from outsourcer.vetting.models import ScorecardWeights

# A standing from the weighted score (0 to 1): the first threshold reached names it.
STANDINGS: tuple[tuple[float, str], ...] = ((0.8, "preferred"), (0.6, "good"), (0.4, "watch"), (0.0, "avoid"))
STANDING_LABELS = {
    "preferred": "Preferred",
    "good": "Good",
    "watch": "Watch",
    "avoid": "Avoid",
    "unrated": "Not rated yet",
}
REFERENCE_VALUE = {ReferenceCheck.Outcome.POSITIVE: 1.0, ReferenceCheck.Outcome.MIXED: 0.5, "negative": 0.0}


def weights_for(*, workspace: Workspace) -> dict[str, int]:
    found = ScorecardWeights.objects.filter(workspace=workspace).first()
    return (found or ScorecardWeights(workspace=workspace)).as_dict()


@dataclass
class Part:
    name: str
    value: float | None  # 0 to 1; None when there is nothing to judge by yet
    detail: str
    weight: int = 0


@dataclass
class Scorecard:
    contractor_id: int
    parts: list[Part]
    open_red_flags: int = 0
    score: float | None = None
    standing: str = "unrated"
    reasons: list[str] = field(default_factory=list)

    @property
    def standing_label(self) -> str:
        return STANDING_LABELS[self.standing]

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


def _scale(score: float) -> float:
    """A 1-5 score as 0-1."""
    return (score - 1) / 4


def scorecards(*, workspace: Workspace, contractor_ids: Iterable[int] | QuerySet[Contractor]) -> dict[int, Scorecard]:
    """Scorecards for many contractors in a fixed number of queries (one per kind of record).

    `contractor_ids` may be a queryset of contractors: it then goes to the database as a subquery,
    which keeps a standing filter over a whole directory of thousands cheap.
    """
    if isinstance(contractor_ids, QuerySet):
        within: Any = contractor_ids.values("pk")
        ids = list(contractor_ids.values_list("pk", flat=True))
    else:
        ids = list(contractor_ids)
        within = ids
    weights = weights_for(workspace=workspace)
    refs: dict[int, list[float]] = defaultdict(list)
    for cid, outcome in ReferenceCheck.objects.filter(
        workspace=workspace, contractor_id__in=within, checked_on__isnull=False
    ).values_list("contractor_id", "outcome"):
        if outcome in REFERENCE_VALUE:
            refs[cid].append(REFERENCE_VALUE[outcome])
    interviews: dict[int, list[float]] = defaultdict(list)
    score_columns = [f"score_{name}" for name in Interview.SCORES]
    for cid, *scores in Interview.objects.filter(workspace=workspace, contractor_id__in=within).values_list(
        "contractor_id", *score_columns
    ):
        given = [score for score in scores if score is not None]
        if given:
            interviews[cid].append(sum(given) / len(given))
    trials: dict[int, bool] = {}
    ratings: dict[int, list[int]] = defaultdict(list)
    rows = (
        Rating.objects.filter(workspace=workspace, engagement__contractor_id__in=within)
        .order_by("on", "pk")
        .values_list("engagement__contractor_id", "engagement__kind", "overall", "would_rehire")
    )
    for cid, kind, overall, rehire in rows:
        if kind == Kind.TRIAL and rehire is not None:
            trials[cid] = rehire  # the latest trial's outcome counts
        elif kind != Kind.TRIAL:
            ratings[cid].append(overall)
    flags: dict[int, int] = defaultdict(int)
    for cid in RedFlag.objects.filter(workspace=workspace, contractor_id__in=within, resolved=False).values_list(
        "contractor_id", flat=True
    ):
        flags[cid] += 1
    cards = {}
    for cid in ids:
        parts = [
            Part("references", sum(refs[cid]) / len(refs[cid]) if refs[cid] else None,
                 f"{len(refs[cid])} checked" if refs[cid] else "none checked yet"),
            Part("interviews", _scale(sum(interviews[cid]) / len(interviews[cid])) if interviews[cid] else None,
                 f"average {sum(interviews[cid]) / len(interviews[cid]):.1f} of 5" if interviews[cid] else "none yet"),
            Part("trial", (1.0 if trials[cid] else 0.0) if cid in trials else None,
                 ("passed" if trials[cid] else "not passed") if cid in trials else "no finished trial"),
            Part("ratings", _scale(sum(ratings[cid]) / len(ratings[cid])) if ratings[cid] else None,
                 f"average {sum(ratings[cid]) / len(ratings[cid]):.1f} of 5 over {len(ratings[cid])}"
                 if ratings[cid] else "no rated work yet"),
        ]  # fmt: skip
        for part in parts:
            part.weight = weights[part.name]
        cards[cid] = _standing(Scorecard(contractor_id=cid, parts=parts, open_red_flags=flags[cid]))
    return cards


def _standing(card: Scorecard) -> Scorecard:
    judged = [p for p in card.parts if p.value is not None and p.weight > 0]
    total = sum(p.weight for p in judged)
    if total:
        card.score = sum((p.value or 0.0) * p.weight for p in judged) / total
        card.standing = next(name for floor, name in STANDINGS if card.score >= floor)
    if card.open_red_flags:
        card.standing = "avoid"
        card.reasons.append(f"{card.open_red_flags} unresolved red flag(s)")
    return card


def scorecard(*, contractor: Contractor) -> Scorecard:
    return scorecards(workspace=contractor.workspace, contractor_ids=[contractor.pk])[contractor.pk]


# --- What vetting still lacks ---------------------------------------------------------------------

GAP_TEXT = {
    "references": "a reference that was checked and came back positive or mixed",
    "interview": "an interview",
    "trial": "a finished paid trial",
}


def vetting_gaps(*, contractor: Contractor) -> list[str]:
    """The vetting steps not yet done (keys of GAP_TEXT), in the order they are usually taken."""
    gaps = []
    checked = ReferenceCheck.objects.filter(
        contractor=contractor, checked_on__isnull=False, outcome__in=["positive", "mixed"]
    )
    if not checked.exists():
        gaps.append("references")
    if not Interview.objects.filter(contractor=contractor).exists():
        gaps.append("interview")
    trials = Engagement.objects.filter(contractor=contractor, kind=Kind.TRIAL, status=Status.COMPLETED)
    if not trials.exists():
        gaps.append("trial")
    return gaps


def open_red_flags(*, contractor: Contractor) -> list[RedFlag]:
    return list(RedFlag.objects.filter(contractor=contractor, resolved=False).order_by("noted_on", "pk"))


def pipeline(*, workspace: Workspace) -> dict[str, list[Contractor]]:
    """The board: contractors by stage (each with `open_red_flags`), each column sorted by name."""
    board: dict[str, list[Contractor]] = {stage: [] for stage in Stage.values}
    for contractor in contractor_list(workspace=workspace):
        board[contractor.stage].append(contractor)
    return board


def running_engagements(*, contractor: Contractor) -> list[Engagement]:
    return list(
        Engagement.objects.filter(contractor=contractor)
        .filter(Q(status=Status.ACTIVE) | Q(status=Status.PAUSED))
        .order_by("start_on", "pk")
    )


def suggested_task(*, contractor: Contractor, tasks: list[Task]) -> Task | None:
    """The task a trial is most likely for: a candidate for vetting in one of the contractor's skills."""
    skills = {skill.replace(" ", "_") for skill in contractor.skills} | set(contractor.skills)
    for task in sorted(tasks, key=lambda t: (t.name, t.ref)):
        if task.status == TaskStatus.CANDIDATE and task.category and task.category.lower() in skills:
            return task
    return None
