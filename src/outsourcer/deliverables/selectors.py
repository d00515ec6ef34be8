"""Reads for delivering: the milestone list and its filters, one milestone with its submissions, reviews
and originality matches, the customer-commitment timeline, and the reference texts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Length

from outsourcer.accounts.models import Workspace
from outsourcer.deliverables.models import (
    OPEN_STATUSES,
    Milestone,
    OriginalityDoc,
    OriginalityMatch,
    ReferenceText,
    Review,
    Submission,
    SubmissionFile,
)
from outsourcer.deliverables.originality import too_short
from outsourcer.deliverables.services import ReviewCriteria, review_criteria
from outsourcer.engagements.models import CustomerCommitment, Engagement

DUE_SOON_DAYS = 14
DUE_FILTERS = ("overdue", "soon", "all")
OPEN_VALUES = tuple(str(s) for s in OPEN_STATUSES)


# --- Working days and the commitment buffer ---------------------------------------------------------


def working_days_before(day: dt.date, count: int) -> dt.date:
    """`count` working days (Monday to Friday) before `day`; `day` itself when count is 0.

    Counted in whole weeks first, so a long buffer costs no more than a short one; a count reaching
    before the calendar's first day stops there (stored or imported data may hold any date).
    """
    left = max(0, count)
    if not left:
        return day
    weeks, rest = divmod(left, 5)
    if rest == 0:  # land on the last working day of the last week, not on the weekend before it
        weeks, rest = weeks - 1, 5
    days_back = weeks * 7
    current = day
    try:
        current -= dt.timedelta(days=days_back)
        while rest:
            current -= dt.timedelta(days=1)
            if current.isoweekday() <= 5:
                rest -= 1
    except OverflowError:
        return dt.date.min
    return current


def buffer_starts_on(commitment: CustomerCommitment) -> dt.date:
    """The last day a contractor milestone may fall on and still leave the buffer for our own review."""
    return working_days_before(commitment.promised_on, commitment.buffer_days)


def milestone_is_overdue(milestone: Milestone, today: dt.date) -> bool:
    """Not submitted yet (or sent back) and past its due date."""
    return milestone.status in OPEN_STATUSES and milestone.due_on < today


# --- The milestone list -------------------------------------------------------------------------------


def _latest_review() -> QuerySet[Review]:
    return Review.objects.filter(milestone=OuterRef("pk")).order_by("-reviewed_on", "-pk")


def milestone_list(
    *,
    workspace: Workspace,
    today: dt.date,
    status: str = "",
    engagement: Engagement | None = None,
    due: str = "all",
) -> QuerySet[Milestone]:
    """Every milestone of the workspace, soonest first, with its latest review's decision and date.

    `status` is one status, or "open" for the ones still to be delivered; `due` is "overdue" (open and
    past due), "soon" (due in the next 14 days) or "all".
    """
    rows = (
        Milestone.objects.filter(workspace=workspace)
        .select_related("engagement__contractor")
        .annotate(
            review_decision=Subquery(_latest_review().values("decision")[:1]),
            reviewed_on=Subquery(_latest_review().values("reviewed_on")[:1]),
        )
        .order_by("due_on", "engagement__title", "pk")
    )
    if status == "open":
        rows = rows.filter(status__in=OPEN_VALUES)
    elif status:
        rows = rows.filter(status=status)
    if engagement is not None:
        rows = rows.filter(engagement=engagement)
    if due == "overdue":
        rows = rows.filter(status__in=OPEN_VALUES, due_on__lt=today)
    elif due == "soon":
        rows = rows.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS))
    return rows


def engagement_choices(*, workspace: Workspace) -> list[tuple[str, str]]:
    """Engagements that have milestones, for the list's filter: (uuid, "title · contractor")."""
    rows = (
        Engagement.objects.filter(workspace=workspace, milestones__isnull=False)
        .select_related("contractor")
        .distinct()
        .order_by("title", "pk")
    )
    return [(str(e.uuid), f"{e.title} · {e.contractor.name}") for e in rows]


def engagement_milestones(*, engagement: Engagement) -> QuerySet[Milestone]:
    return (
        Milestone.objects.filter(engagement=engagement)
        .annotate(
            submission_count=Count("submissions", distinct=True),
            review_decision=Subquery(_latest_review().values("decision")[:1]),
        )
        .order_by("due_on", "pk")
    )


# --- One milestone ----------------------------------------------------------------------------------------


@dataclass
class MilestonePage:
    submissions: list[Submission]  # the last recorded first
    reviews: list[Review]  # newest first
    criteria: list[str]  # what a review answers: the sent brief's acceptance criteria (see `brief`)
    matches: list[OriginalityMatch] = field(default_factory=list)
    indexed: bool = False  # the latest submission's text is in the originality index
    brief: ReviewCriteria | None = None

    @property
    def latest(self) -> Submission | None:
        return self.submissions[0] if self.submissions else None

    @property
    def too_short(self) -> bool:
        """The latest submission has text, too little of it to compare (see `originality.MIN_WORDS`)."""
        latest = self.latest
        return latest is not None and bool(latest.text.strip()) and too_short(latest.text)

    @property
    def has_accepted_review(self) -> bool:
        return any(r.decision == Review.Decision.ACCEPTED for r in self.reviews)


def milestone_page(*, milestone: Milestone) -> MilestonePage:
    """What the milestone page shows; a fixed number of queries however many rows there are."""
    submissions = list(
        Submission.objects.filter(milestone=milestone)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("files", queryset=SubmissionFile.objects.order_by("name", "pk")))
        .order_by("-pk")  # the last recorded first, whatever date it states
    )
    reviews = list(
        Review.objects.filter(milestone=milestone)
        .select_related("created_by", "submission")
        .order_by("-reviewed_on", "-pk")
    )
    brief = review_criteria(milestone.engagement)
    page = MilestonePage(submissions=submissions, reviews=reviews, criteria=brief.criteria, brief=brief)
    latest = page.latest
    if latest is not None and not page.too_short and latest.text.strip():
        page.indexed = OriginalityDoc.objects.filter(submission=latest).exists()
        page.matches = list(
            OriginalityMatch.objects.filter(submission=latest, workspace_id=milestone.workspace_id).select_related(
                "other__submission__milestone__engagement__contractor", "other__reference_text"
            )
        )
    return page


def review_rows(review: Review) -> list[tuple[str, bool]]:
    """A review's criteria beside their answers, as they read when the review was made."""
    met = list(review.criteria_met or [])
    criteria = list(review.criteria or [])
    return [(criteria[i] if i < len(criteria) else f"Criterion {i + 1}", bool(ok)) for i, ok in enumerate(met)]


# --- The commitment timeline --------------------------------------------------------------------------


@dataclass
class TimelineMilestone:
    milestone: Milestone
    overdue: bool
    in_buffer: bool
    after_promise: bool

    @property
    def flags(self) -> list[str]:
        words = []
        if self.overdue:
            words.append("Overdue")
        if self.after_promise:
            words.append("Due after the promise")
        elif self.in_buffer:
            words.append("Due inside the buffer")
        return words


@dataclass
class TimelineCommitment:
    commitment: CustomerCommitment
    buffer_start: dt.date
    engagements: list[Engagement]
    milestones: list[TimelineMilestone]

    @property
    def is_open(self) -> bool:
        return self.commitment.status == CustomerCommitment.Status.OPEN

    @property
    def at_risk(self) -> list[TimelineMilestone]:
        return [m for m in self.milestones if m.flags]


def commitment_timeline(*, workspace: Workspace, today: dt.date) -> list[TimelineCommitment]:
    """Each customer commitment, open ones first, with the milestones of the engagements linked to it.

    A milestone is flagged when the commitment is open and the milestone is overdue, or due later than
    the promise minus the buffer's working days (cancelled milestones are left out of the flags).
    """
    commitments = list(
        CustomerCommitment.objects.filter(workspace=workspace).prefetch_related(
            Prefetch(
                "engagements",
                queryset=Engagement.objects.select_related("contractor").order_by("title", "pk"),
            ),
            Prefetch(
                "engagements__milestones",
                queryset=Milestone.objects.order_by("due_on", "pk"),
            ),
        )
    )
    commitments.sort(key=lambda c: (c.status != CustomerCommitment.Status.OPEN, c.promised_on, c.ref))
    result = []
    for commitment in commitments:
        start = buffer_starts_on(commitment)
        engagements = list(commitment.engagements.all())
        rows = []
        for engagement in engagements:
            for milestone in engagement.milestones.all():
                milestone.engagement = engagement  # already loaded: no query per row
                watch = (
                    commitment.status == CustomerCommitment.Status.OPEN
                    and milestone.status != Milestone.Status.CANCELLED
                )
                rows.append(
                    TimelineMilestone(
                        milestone=milestone,
                        overdue=watch and milestone_is_overdue(milestone, today),
                        in_buffer=watch and milestone.due_on > start,
                        after_promise=watch and milestone.due_on > commitment.promised_on,
                    )
                )
        rows.sort(key=lambda r: (r.milestone.due_on, r.milestone.pk))
        result.append(TimelineCommitment(commitment, start, engagements, rows))
    return result


# --- Reference texts ------------------------------------------------------------------------------------


def reference_text_list(*, workspace: Workspace) -> QuerySet[ReferenceText]:
    indexed = OriginalityDoc.objects.filter(reference_text=OuterRef("pk")).values("pk")[:1]
    return (
        ReferenceText.objects.filter(workspace=workspace)
        .annotate(index_id=Subquery(indexed), length=Length("text"))
        .defer("text")
        .order_by("title", "pk")
    )
