"""Reads for the contractor portal: one contractor's engagements and what the business shares of them.

Every row starts from `portal_engagements(access)` (a contractor's own, never a draft) or
`portal_contractors(access)`, so a contractor who asks for another's milestone, time entry or file
finds nothing (404). The business's members reach the same pages as a preview of one contractor.
Budget caps, internal notes, the customer commitments and unshared reviews or ratings never leave here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Sum
from django.utils import timezone

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.models import Membership, Role
from outsourcer.contractors.models import Contractor
from outsourcer.deliverables.models import OPEN_STATUSES, Milestone, Review, Submission, SubmissionFile
from outsourcer.engagements.briefs import PART_LABELS
from outsourcer.engagements.models import (
    RUNNING,
    BriefVersion,
    Channel,
    CommunicationPlan,
    Engagement,
    Rating,
    TimeEntry,
)
from outsourcer.engagements.selectors import portal_contractors, portal_engagements
from outsourcer.payments.models import Invoice

DUE_SOON_DAYS = 14  # an open milestone due within this many days needs the contractor now
NEW_BRIEF_DAYS = 14  # a brief version sent this recently is news


def hours_text(hours: Decimal) -> str:
    """2.50 -> "2.5", 3.00 -> "3": hours as people write them."""
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- Whom the portal speaks for ------------------------------------------------------------------


@dataclass(frozen=True)
class Viewpoint:
    """The contractor profiles whose work a page shows; for the business's members, one chosen profile."""

    contractors: list[Contractor]
    preview: bool
    chosen: Contractor | None = None
    choices: list[Contractor] = field(default_factory=list)


def portal_viewpoint(*, access: WorkspaceAccess, chosen: str = "") -> Viewpoint:
    """A contractor sees their own profiles; a member previews `chosen` (a contractor's UUID), by default the
    first contractor with work to show. An unknown UUID raises ObjectNotFound (404)."""
    scope = portal_contractors(access=access)
    if access.role == Role.CONTRACTOR:
        return Viewpoint(contractors=list(scope), preview=False)
    has_work = Exists(portal_engagements(access=access).filter(contractor=OuterRef("pk")))
    choices = list(scope.filter(has_work))
    contractor = access.get(scope, chosen) if chosen else (choices[0] if choices else None)
    if contractor is not None and contractor not in choices:
        choices.insert(0, contractor)
    return Viewpoint(
        contractors=[contractor] if contractor is not None else [],
        preview=True,
        chosen=contractor,
        choices=choices,
    )


def portal_engagement_list(*, access: WorkspaceAccess, contractors: list[Contractor]) -> QuerySet[Engagement]:
    return (
        portal_engagements(access=access)
        .filter(contractor__in=contractors)
        .select_related("communication")
        .prefetch_related(Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "ref")))
        .order_by("-start_on", "title", "pk")
    )


# --- Rows, always through the portal's scope --------------------------------------------------------


def portal_milestones(*, access: WorkspaceAccess) -> QuerySet[Milestone]:
    return Milestone.objects.filter(
        workspace=access.workspace, engagement__in=portal_engagements(access=access)
    ).select_related("engagement__contractor")


def portal_time_entries(*, access: WorkspaceAccess) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(
        workspace=access.workspace, engagement__in=portal_engagements(access=access)
    ).select_related("engagement__contractor")


def portal_submission_files(*, access: WorkspaceAccess) -> QuerySet[SubmissionFile]:
    return SubmissionFile.objects.filter(
        workspace=access.workspace, submission__milestone__engagement__in=portal_engagements(access=access)
    )


def portal_invoices(*, access: WorkspaceAccess) -> QuerySet[Invoice]:
    """Invoices of the portal's engagements (a contractor's own), with what their rows and due dates read."""
    return Invoice.objects.filter(
        workspace=access.workspace, engagement__in=portal_engagements(access=access)
    ).select_related("engagement__contractor", "engagement__workspace", "milestone")


# --- The home page: what needs the contractor, and whom to ask -------------------------------------


@dataclass(frozen=True)
class Attention:
    kind: str  # "overdue", "due", "revision", "hours", "brief"
    title: str
    detail: str
    url_name: str  # a portal URL name
    arg: str  # "milestone", "engagement"
    public_id: Any
    on: dt.date | None = None


def portal_attention(*, engagements: list[Engagement], today: dt.date) -> list[Attention]:
    """Milestones due soon, overdue or sent back, rejected hours, and briefs sent lately, most urgent first."""
    running = [e for e in engagements if e.status in RUNNING]
    items: list[Attention] = []
    for engagement in running:
        for milestone in engagement.milestones.all():  # prefetched
            if milestone.status == Milestone.Status.REVISION_REQUESTED:
                items.append(
                    Attention("revision", milestone.title, f"Sent back for a revision · {engagement.title}",
                              "portal:milestone", "milestone", milestone.uuid, milestone.due_on)
                )  # fmt: skip
            elif milestone.status in OPEN_STATUSES and milestone.due_on <= today + dt.timedelta(days=DUE_SOON_DAYS):
                days = (milestone.due_on - today).days
                if days < 0:
                    when, kind = f"Overdue by {-days} day{'s' if days != -1 else ''}", "overdue"
                elif days == 0:
                    when, kind = "Due today", "due"
                else:
                    when, kind = f"Due in {days} day{'s' if days != 1 else ''}", "due"
                items.append(
                    Attention(kind, milestone.title, f"{when} · {engagement.title}",
                              "portal:milestone", "milestone", milestone.uuid, milestone.due_on)
                )  # fmt: skip
    by_id = {e.pk: e for e in running}
    rejected = TimeEntry.objects.filter(engagement__in=running, status=TimeEntry.Status.REJECTED).order_by(
        "worked_on", "pk"
    )
    for entry in rejected:
        engagement = by_id[entry.engagement_id]
        items.append(
            Attention("hours", f"{hours_text(entry.hours)} h on {entry.worked_on:%-d %b} rejected",
                      f"{entry.rejection_reason or 'No reason given'} · {engagement.title}",
                      "portal:time", "engagement", engagement.uuid, entry.worked_on)
        )  # fmt: skip
    since = timezone.now() - dt.timedelta(days=NEW_BRIEF_DAYS)
    seen: set[int] = set()
    versions = BriefVersion.objects.filter(brief__engagement__in=running, sent_at__gte=since).select_related("brief")
    for version in versions.order_by("-number"):
        if version.brief.engagement_id in seen:
            continue
        seen.add(version.brief.engagement_id)
        engagement = by_id[version.brief.engagement_id]
        items.append(
            Attention("brief", f"Brief version {version.number} for {engagement.title}",
                      f"Sent on {version.sent_at:%-d %b %Y}" + (f": {version.note}" if version.note else ""),
                      "portal:engagement", "engagement", engagement.uuid, version.sent_at.date())
        )  # fmt: skip
    order = {"overdue": 0, "revision": 1, "hours": 2, "due": 3, "brief": 4}
    return sorted(items, key=lambda item: (order[item.kind], item.on or today))


def week_hours_by_engagement(*, engagements: list[Engagement], week_start: dt.date) -> dict[int, dict[str, Decimal]]:
    """This week's hours of each engagement by status, in one query: {engagement id: {status: hours}}."""
    rows = (
        TimeEntry.objects.filter(
            engagement__in=engagements, worked_on__gte=week_start, worked_on__lt=week_start + dt.timedelta(days=7)
        )
        .order_by()
        .values("engagement_id", "status")
        .annotate(hours=Sum("hours"))
    )
    result: dict[int, dict[str, Decimal]] = {}
    for row in rows:
        result.setdefault(row["engagement_id"], {})[row["status"]] = row["hours"]
    return result


def workspace_owners(*, access: WorkspaceAccess) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=access.workspace, role=Role.OWNER)
        .select_related("user")
        .order_by("user__name", "user__email")
    )


def channel_labels(values: list[str] | None) -> list[str]:
    labels = dict(Channel.choices)
    return [labels.get(value, value) for value in values or []]


# --- One engagement, as the contractor sees it -----------------------------------------------------


def brief_sections(content: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The sent brief's parts, in the order a reader needs them, leaving out empty ones."""
    content = content or {}
    sections = []
    for key in ("goals", "context", "deliverables", "acceptance_criteria", "out_of_scope", "constraints"):
        value = content.get(key)
        if isinstance(value, list):
            items = [str(v) for v in value if str(v).strip()]
            if items:
                sections.append({"key": key, "label": PART_LABELS[key], "items": items, "text": ""})
        elif str(value or "").strip():
            sections.append({"key": key, "label": PART_LABELS[key], "items": [], "text": str(value)})
    return sections


def sent_brief(*, engagement: Engagement) -> BriefVersion | None:
    """The latest version sent to the contractor; edits made since are not theirs to see until sent."""
    return BriefVersion.objects.filter(brief__engagement=engagement).order_by("-number").first()


def shared_reviews(*, milestones: QuerySet[Milestone] | list[Milestone]) -> QuerySet[Review]:
    return (
        Review.objects.filter(milestone__in=milestones, shared_with_contractor=True)
        .select_related("milestone")
        .order_by("-reviewed_on", "-pk")
    )


DECISION_WORDS = {
    Review.Decision.ACCEPTED: "Accepted",
    Review.Decision.REVISION_REQUESTED: "Revision requested",
    Review.Decision.REJECTED: "Rejected",
}


def feedback_items(reviews: Any) -> list[dict[str, Any]]:
    """Shared reviews as the contractor reads them: the outcome, the feedback, each criterion met or not."""
    items = []
    for review in reviews:
        met = list(review.criteria_met or [])
        texts = list(review.criteria or [])
        criteria = [(str(text), bool(met[i]) if i < len(met) else False) for i, text in enumerate(texts)]
        items.append({"review": review, "criteria": criteria, "outcome": DECISION_WORDS.get(review.decision, "")})
    return items


def shared_ratings(*, engagement: Engagement) -> QuerySet[Rating]:
    return Rating.objects.filter(engagement=engagement, shared_with_contractor=True).order_by("-on", "-pk")


def communication_plan(*, engagement: Engagement) -> CommunicationPlan | None:
    return CommunicationPlan.objects.filter(engagement=engagement).first()


def time_summary(*, engagement: Engagement) -> list[dict[str, Any]]:
    """Hours and entries in each status, in the order work moves (draft, waiting, approved, rejected)."""
    rows = {
        row["status"]: row
        for row in TimeEntry.objects.filter(engagement=engagement)
        .order_by()
        .values("status")
        .annotate(hours=Sum("hours"), count=Count("pk"))
    }
    return [
        {
            "status": value,
            "label": label,
            "hours": rows[value]["hours"] if value in rows else Decimal(0),
            "count": rows[value]["count"] if value in rows else 0,
        }
        for value, label in TimeEntry.Status.choices
    ]


def milestone_submissions(*, milestone: Milestone) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(milestone=milestone)
        .select_related("submitted_by")
        .prefetch_related(Prefetch("files", queryset=SubmissionFile.objects.order_by("name", "pk")))
        .order_by("-pk")  # the last recorded first, whatever date it states
    )
