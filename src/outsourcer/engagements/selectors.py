"""Reads for engagements: lists, the hours against the weekly cap, and the contractor portal's scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.models import Role, Workspace
from outsourcer.contractors.models import Contractor
from outsourcer.engagements.models import BriefVersion, CheckIn, CustomerCommitment, Engagement, Status, TimeEntry


def engagement_list(
    *,
    workspace: Workspace,
    status: str = "",
    kind: str = "",
    contractor: Contractor | None = None,
    q: str = "",
) -> QuerySet[Engagement]:
    rows = Engagement.objects.filter(workspace=workspace).select_related("contractor", "customer_commitment")
    if status == "running":
        rows = rows.filter(status__in=("active", "paused"))
    elif status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if contractor is not None:
        rows = rows.filter(contractor=contractor)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(ref__icontains=q) | Q(contractor__name__icontains=q))
    return rows


def commitment_list(*, workspace: Workspace, status: str = "") -> QuerySet[CustomerCommitment]:
    rows = CustomerCommitment.objects.filter(workspace=workspace)
    return rows.filter(status=status) if status else rows


def check_in_list(*, engagement: Engagement) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(engagement=engagement).select_related("created_by")


def time_entry_list(*, engagement: Engagement, status: str = "") -> QuerySet[TimeEntry]:
    rows = TimeEntry.objects.filter(engagement=engagement).select_related("decided_by", "created_by")
    return rows.filter(status=status) if status else rows


def time_entry_list_for_workspace(
    *, workspace: Workspace, status: str = "", engagement: Engagement | None = None
) -> QuerySet[TimeEntry]:
    """Every time entry of the workspace, the latest worked first, each with its engagement and contractor."""
    rows = TimeEntry.objects.filter(workspace=workspace).select_related("engagement__contractor")
    if engagement is not None:
        rows = rows.filter(engagement=engagement)
    return rows.filter(status=status) if status else rows


def time_waiting_for_approval(*, workspace: Workspace) -> QuerySet[TimeEntry]:
    return (
        TimeEntry.objects.filter(workspace=workspace, status=TimeEntry.Status.SUBMITTED)
        .select_related("engagement__contractor")
        .order_by("submitted_at", "pk")
    )


def week_hours(*, engagement: Engagement, week_start: dt.date, statuses: tuple[str, ...]) -> Decimal:
    """Hours in the given statuses for the ISO week that starts on `week_start` (a Monday)."""
    total = TimeEntry.objects.filter(
        engagement=engagement,
        status__in=statuses,
        worked_on__gte=week_start,
        worked_on__lt=week_start + dt.timedelta(days=7),
    ).aggregate(total=Sum("hours"))["total"]
    return total or Decimal(0)


def weekly_cap_use(*, engagement: Engagement, week_start: dt.date) -> dict[str, Any]:
    """How full this week's hour cap is: approved, waiting, and what is left (None when there is no cap)."""
    approved = week_hours(engagement=engagement, week_start=week_start, statuses=(TimeEntry.Status.APPROVED,))
    waiting = week_hours(engagement=engagement, week_start=week_start, statuses=(TimeEntry.Status.SUBMITTED,))
    return _cap_use(engagement.weekly_hour_cap, week_start, approved, waiting)


def weekly_cap_history(*, engagement: Engagement, last_week_start: dt.date, weeks: int = 8) -> list[dict[str, Any]]:
    """`weekly_cap_use` for `weeks` ISO weeks ending with the one starting `last_week_start`, oldest first,
    from one query."""
    first = last_week_start - dt.timedelta(weeks=weeks - 1)
    sums: dict[tuple[dt.date, str], Decimal] = {}
    rows = TimeEntry.objects.filter(
        engagement=engagement,
        status__in=(TimeEntry.Status.APPROVED, TimeEntry.Status.SUBMITTED),
        worked_on__gte=first,
        worked_on__lt=last_week_start + dt.timedelta(days=7),
    ).values_list("worked_on", "status", "hours")
    for day, status, hours in rows:
        key = (day - dt.timedelta(days=day.weekday()), status)
        sums[key] = sums.get(key, Decimal(0)) + hours
    found = []
    for n in range(weeks):
        start = first + dt.timedelta(weeks=n)
        approved = sums.get((start, TimeEntry.Status.APPROVED), Decimal(0))
        waiting = sums.get((start, TimeEntry.Status.SUBMITTED), Decimal(0))
        found.append(_cap_use(engagement.weekly_hour_cap, start, approved, waiting))
    return found


def _cap_use(cap: Decimal | None, week_start: dt.date, approved: Decimal, waiting: Decimal) -> dict[str, Any]:
    used = approved + waiting
    return {
        "week_start": week_start,
        "approved": approved,
        "waiting": waiting,
        "cap": cap,
        "left": (cap - used) if cap is not None else None,
        "percent": int(min(used / cap, Decimal(2)) * 100) if cap else None,
        "over": cap is not None and used > cap,
    }


def silent_since(*, last_check_in: dt.date | None, start_on: dt.date | None) -> dt.date | None:
    """Since when nobody has spoken of an engagement: its last check-in up to the day judged (one dated
    later does not count yet), else its start date; None when it has neither, for there is then no day to
    count from and it is not judged. The health check's `manage/silence` and the silence reminder both ask here.
    """
    return last_check_in or start_on


# --- The contractor portal -----------------------------------------------------------------------


def portal_contractors(*, access: WorkspaceAccess) -> QuerySet[Contractor]:
    """Whom the portal speaks for: a contractor's own profiles; for the business's members, every one (preview)."""
    rows = Contractor.objects.filter(workspace=access.workspace)
    if access.role == Role.CONTRACTOR:
        return rows.filter(portal_user=access.user) if access.user is not None else rows.none()
    return rows


def portal_engagements(*, access: WorkspaceAccess) -> QuerySet[Engagement]:
    """The engagements the portal shows: for a contractor, only their own.

    A draft is the business's to prepare and stays out of sight until its brief is sent: the email
    that announces the brief links to the engagement's page, which then shows it (read-only in effect,
    since hours and work are only taken on an engagement in progress).
    """
    rows = Engagement.objects.filter(workspace=access.workspace).select_related("contractor")
    if access.role == Role.CONTRACTOR:
        if access.user is None:
            return rows.none()
        rows = rows.filter(contractor__portal_user=access.user)
    sent = BriefVersion.objects.filter(brief__engagement=OuterRef("pk"))
    return rows.filter(~Q(status=Status.DRAFT) | Exists(sent))
