"""Reads for reminders: what is due, late, waiting or silent in a workspace (milestones, hours, check-ins,
invoices to pay), who hears of it, and the rows of one person's calendar feed.

Every date here is a day in the workspace's own zone; the caller passes `today` (see
`outsourcer.core.timezones.today_in`), so a job that runs at 23:30 in New York is about that day.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Q, QuerySet

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.models import Membership, Role, User, Workspace
from outsourcer.contractors.models import Stage
from outsourcer.deliverables.models import OPEN_STATUSES, Milestone
from outsourcer.engagements.models import ENDED, RUNNING, CustomerCommitment, Engagement
from outsourcer.engagements.selectors import portal_engagements, silent_since, time_waiting_for_approval
from outsourcer.payments.dues import DueDate, due_dates
from outsourcer.payments.models import OPEN as OPEN_INVOICE
from outsourcer.payments.models import Invoice
from outsourcer.payments.models import Status as InvoiceStatus
from outsourcer.reminders.models import CalendarFeed, Delivery, ReminderPreference, ReminderSent
from outsourcer.risk.models import AccessGrant, ExitPlan
from outsourcer.risk.schemas_access import EXIT_REVIEW_DAYS, EXPIRING_DAYS
from outsourcer.risk.selectors import access_grant_list, access_left_open

DUE_SOON_DAYS = 3  # a milestone due within this many days (today included) is "coming up"
OVERDUE_LOOKBACK_DAYS = 30  # older misses are the health check's to list, not a fresh email's
TIME_WAITING_DAYS = 2  # submitted hours waiting longer than this are worth a nudge
BUSINESS_ROLES = (Role.OWNER, Role.MANAGER)  # who answers for the work, so who is reminded
# The calendar feed looks this far back; anything older is history, not planning.
FEED_LOOKBACK_DAYS = 365
FEED_MAX_EVENTS = 2000


def zone_of(workspace: Workspace) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(workspace.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def local_midnight(workspace: Workspace, day: dt.date) -> dt.datetime:
    """The first moment of `day` where the workspace is, as an aware datetime."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone_of(workspace))


# --- What is due ------------------------------------------------------------------------------------


def _open_milestones(*, workspace: Workspace) -> QuerySet[Milestone]:
    """Milestones still to be delivered, of engagements that are going on (paused ones included)."""
    return Milestone.objects.filter(
        workspace=workspace, status__in=OPEN_STATUSES, engagement__status__in=RUNNING
    ).select_related("engagement__contractor__portal_user")


def milestones_due_soon(*, workspace: Workspace, today: dt.date) -> QuerySet[Milestone]:
    """Not yet submitted and due between today and DUE_SOON_DAYS from now."""
    return _open_milestones(workspace=workspace).filter(
        due_on__gte=today, due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
    )


def milestones_overdue(*, workspace: Workspace, today: dt.date) -> QuerySet[Milestone]:
    """Not yet submitted, past the due date (at most OVERDUE_LOOKBACK_DAYS ago)."""
    return _open_milestones(workspace=workspace).filter(
        due_on__lt=today, due_on__gte=today - dt.timedelta(days=OVERDUE_LOOKBACK_DAYS)
    )


@dataclass
class TimeWaiting:
    """One engagement's hours waiting for approval since `since` (the oldest entry's day)."""

    engagement: Engagement
    since: dt.date
    entries: int = 0
    hours: Decimal = field(default_factory=lambda: Decimal(0))


def time_waiting_too_long(*, workspace: Workspace, today: dt.date) -> list[TimeWaiting]:
    """Engagements with time entries submitted more than TIME_WAITING_DAYS days ago and still undecided."""
    cutoff = local_midnight(workspace, today - dt.timedelta(days=TIME_WAITING_DAYS))
    zone = zone_of(workspace)
    rows = time_waiting_for_approval(workspace=workspace).filter(submitted_at__lt=cutoff)
    by_engagement: dict[int, TimeWaiting] = {}
    for entry in rows.select_related("engagement__contractor"):
        assert entry.submitted_at is not None  # filtered above
        waiting = by_engagement.get(entry.engagement_id)
        if waiting is None:  # rows come oldest first, so the first one names the day it started
            waiting = TimeWaiting(engagement=entry.engagement, since=entry.submitted_at.astimezone(zone).date())
            by_engagement[entry.engagement_id] = waiting
        waiting.entries += 1
        waiting.hours += entry.hours
    return list(by_engagement.values())


@dataclass(frozen=True)
class Silence:
    """An engagement nobody has checked in on since `since` (the last check-in, else its start)."""

    engagement: Engagement
    since: dt.date
    days: int


def silent_engagements(*, workspace: Workspace, today: dt.date) -> list[Silence]:
    """Running engagements with no check-in for more than the workspace's `silence_days`, counted as the
    health check's `manage/silence` counts (`silent_since`): one with neither a check-in nor a start date
    is not judged."""
    limit = int(workspace.policy_value("silence_days"))
    rows = (
        Engagement.objects.filter(workspace=workspace, status__in=RUNNING)
        .select_related("contractor")
        .annotate(last_check_in=Max("check_ins__on", filter=Q(check_ins__on__lte=today)))
        .order_by("title", "pk")
    )
    found = []
    for engagement in rows:
        since = silent_since(last_check_in=engagement.last_check_in, start_on=engagement.start_on)
        if since is None:
            continue
        days = (today - since).days
        if days > limit:
            found.append(Silence(engagement=engagement, since=since, days=days))
    return found


# --- What is to pay --------------------------------------------------------------------------------

PAYMENT_DUE_DAYS = 3  # an approved or scheduled invoice due within this many days (today included) is coming up
PAYMENT_OVERDUE_LOOKBACK_DAYS = 30  # older misses are the health check's (money/late-payment) to list


@dataclass(frozen=True)
class PaymentDue:
    """An invoice still to pay and its effective due date (`payments.dues`: stated, terms or a law's cap)."""

    invoice: Invoice
    due: DueDate

    @property
    def preferred(self) -> bool:
        return bool(self.invoice.engagement.contractor.stage == Stage.PREFERRED)


def _open_invoices_due(
    *, workspace: Workspace, statuses: frozenset[str], first: dt.date, last: dt.date
) -> list[PaymentDue]:
    """Invoices in `statuses` whose effective due date falls from `first` to `last` (two queries: the due
    date may be computed, so it is worked out for each open invoice, as the payables view does)."""
    rows = list(
        Invoice.objects.filter(workspace=workspace, status__in=statuses)
        .select_related("engagement__contractor", "engagement__workspace", "milestone", "workspace")
        .order_by("pk")
    )
    dues = due_dates(rows)
    found = [
        PaymentDue(invoice=i, due=due) for i in rows if (due := dues[i.pk]) is not None and first <= due.on <= last
    ]
    return sorted(found, key=lambda p: (p.due.on, p.invoice.pk))


def payments_due_soon(*, workspace: Workspace, today: dt.date) -> list[PaymentDue]:
    """Approved or scheduled invoices due between today and PAYMENT_DUE_DAYS from now."""
    return _open_invoices_due(
        workspace=workspace, statuses=frozenset({InvoiceStatus.APPROVED, InvoiceStatus.SCHEDULED}), first=today,
        last=today + dt.timedelta(days=PAYMENT_DUE_DAYS),
    )  # fmt: skip


def payments_overdue(*, workspace: Workspace, today: dt.date) -> list[PaymentDue]:
    """Invoices still to pay (received, approved or scheduled) past their due date, at most
    PAYMENT_OVERDUE_LOOKBACK_DAYS ago: RULES.md's money/late-payment, as it happens."""
    return _open_invoices_due(
        workspace=workspace, statuses=OPEN_INVOICE, first=today - dt.timedelta(days=PAYMENT_OVERDUE_LOOKBACK_DAYS),
        last=today - dt.timedelta(days=1),
    )  # fmt: skip


# --- Access and exit plans -------------------------------------------------------------------------
# (Risks whose review date has come are `risk.selectors.risk_reviews_due`, keyed by that date.)


def access_expiring(*, workspace: Workspace, today: dt.date) -> QuerySet[AccessGrant]:
    """Open grants of engagements not ended whose end date falls from today to EXPIRING_DAYS ahead: the
    register's "expires soon" (an ended engagement's open grant is left open, reminded apart)."""
    return (
        access_grant_list(workspace=workspace, open_only=True)
        .filter(expires_on__gte=today, expires_on__lte=today + dt.timedelta(days=EXPIRING_DAYS))
        .exclude(engagement__status__in=ENDED)
        .order_by("expires_on", "pk")
    )


@dataclass(frozen=True)
class LeftOpen:
    """An open grant that should be closed, and the day it should have been (the reminder's occasion)."""

    grant: AccessGrant
    since: dt.date


def access_left_open_since(*, workspace: Workspace, today: dt.date) -> list[LeftOpen]:
    """`risk.selectors.access_left_open`, each with the day it should have closed: on an ended engagement, the
    engagement's end date (when set and past; else the day it was granted), on running work, the grant's own
    end date. A day that stays put while nothing changes (a grant of ended work reaching its end date too),
    so each grant is reminded of once; the engagement ending is a new occasion."""
    found = []
    for grant in access_left_open(workspace=workspace, today=today):
        end = grant.engagement.end_on
        if grant.engagement.status not in ENDED and grant.expires_on is not None:
            since = grant.expires_on
        elif end is not None and end <= today:
            since = end
        else:
            since = grant.granted_on
        found.append(LeftOpen(grant=grant, since=since))
    return found


@dataclass(frozen=True)
class StaleExitPlan:
    """A running engagement's exit plan last gone through on `since` (or written then, never reviewed)."""

    plan: ExitPlan
    since: dt.date

    @property
    def due(self) -> dt.date:
        """The day it fell due for a review: the reminder's occasion."""
        return self.since + dt.timedelta(days=EXIT_REVIEW_DAYS)


def exit_plans_stale(*, workspace: Workspace, today: dt.date) -> list[StaleExitPlan]:
    """Exit plans of running engagements not reviewed for EXIT_REVIEW_DAYS days or more."""
    zone = zone_of(workspace)
    rows = (
        ExitPlan.objects.filter(workspace=workspace, engagement__status__in=RUNNING)
        .select_related("engagement__contractor")
        .order_by("engagement__title", "pk")
    )
    found = []
    for plan in rows:
        since = plan.reviewed_on or plan.created_at.astimezone(zone).date()
        stale = StaleExitPlan(plan=plan, since=since)
        if stale.due <= today:
            found.append(stale)
    return found


# --- Who hears of it --------------------------------------------------------------------------------


def business_recipients(*, workspace: Workspace) -> list[User]:
    """The owners and managers of the workspace who can receive email, in a stable order."""
    members = (
        Membership.objects.filter(workspace=workspace, role__in=BUSINESS_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )
    return [m.user for m in members if m.user.email]


def preferences(*, workspace: Workspace) -> dict[int, str]:
    """How each member wants their reminders here; members without a saved choice get them one by one."""
    return dict(ReminderPreference.objects.filter(workspace=workspace).values_list("user_id", "delivery"))


def preference_for(*, workspace: Workspace, user: User) -> str:
    found = ReminderPreference.objects.filter(workspace=workspace, user=user).values_list("delivery", flat=True)
    return next(iter(found), Delivery.EACH)


def digest_waiting(*, workspace: Workspace) -> QuerySet[ReminderSent]:
    """Reminders kept for the daily digest and not yet sent, per recipient, oldest first."""
    return ReminderSent.objects.filter(workspace=workspace, state=ReminderSent.State.DIGEST).order_by(
        "recipient", "created_at", "pk"
    )


def reminders_for(*, workspace: Workspace, user: User, limit: int = 10) -> list[ReminderSent]:
    """The latest reminders addressed to this person in this workspace (digests included)."""
    if not user.email:
        return []
    return list(ReminderSent.objects.filter(workspace=workspace, recipient__iexact=user.email)[:limit])


# --- The calendar feed ------------------------------------------------------------------------------


def feed_for_user(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def feed_by_token(*, raw: str) -> CalendarFeed | None:
    """The feed whose secret is `raw`, for an active user; None for anything else."""
    if not raw or len(raw) > 200:
        return None
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=CalendarFeed.hash_token(raw), user__is_active=True)
        .first()
    )


@dataclass(frozen=True)
class FeedRows:
    milestones: list[Milestone]
    commitments: list[CustomerCommitment]
    roles: dict[int, str]  # workspace id -> the user's role there


def feed_rows(*, user: User, today: dt.date) -> FeedRows:
    """Every due date `user` should see, across all their workspaces, in three queries.

    Owners, managers and viewers see every milestone and every customer promise of their workspace;
    a contractor sees only the milestones of their own engagements, exactly as the portal scopes them.
    """
    memberships = list(Membership.objects.filter(user=user).select_related("workspace"))
    roles = {m.workspace_id: m.role for m in memberships}
    if not memberships:
        return FeedRows(milestones=[], commitments=[], roles=roles)
    business = [m.workspace_id for m in memberships if m.role != Role.CONTRACTOR]
    scope = Q(workspace_id__in=business)
    for m in memberships:
        if m.role == Role.CONTRACTOR:
            access = WorkspaceAccess(workspace=m.workspace, user=user, role=m.role)
            scope |= Q(engagement__in=portal_engagements(access=access).values("pk"))
    since = today - dt.timedelta(days=FEED_LOOKBACK_DAYS)
    milestones = list(
        Milestone.objects.filter(scope, due_on__gte=since)
        .exclude(status=Milestone.Status.CANCELLED)
        .exclude(engagement__status="terminated")
        .select_related("workspace", "engagement__contractor")
        .order_by("due_on", "pk")[:FEED_MAX_EVENTS]
    )
    commitments = list(
        CustomerCommitment.objects.filter(workspace_id__in=business, promised_on__gte=since)
        .exclude(status=CustomerCommitment.Status.CANCELLED)
        .select_related("workspace")
        .order_by("promised_on", "pk")[:FEED_MAX_EVENTS]
    )
    return FeedRows(milestones=milestones, commitments=commitments, roles=roles)
