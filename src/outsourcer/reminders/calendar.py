"""One person's due dates as an iCalendar feed: milestones, and for the business's members the
promises made to customers. All-day events with stable UIDs, so a calendar app updates, not duplicates.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from icalendar import Calendar, Event

from outsourcer.accounts.models import Role, User
from outsourcer.deliverables.models import Milestone
from outsourcer.engagements.models import CustomerCommitment
from outsourcer.reminders.links import commitment_link, milestone_link
from outsourcer.reminders.selectors import feed_rows

PRODID = "-//Outsourcer//Due dates//EN"
CALENDAR_NAME = "Outsourcer: due dates"


def _event(*, uid: str, on: dt.date, summary: str, description: str, url: str, changed: dt.datetime) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("dtstart", on)
    if on < dt.date.max:  # an all-day event without an end lasts its one day (RFC 5545), so the last date needs none
        event.add("dtend", on + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a due date does not make anyone busy
    return event


def _milestone_event(milestone: Milestone, *, for_contractor: bool, many_workspaces: bool) -> Event:
    engagement = milestone.engagement
    summary = f"Due: {milestone.title}"
    if not for_contractor:
        summary += f" ({engagement.contractor.name})"
    if many_workspaces:
        summary += f" · {milestone.workspace.name}"
    url = milestone_link(milestone, for_contractor=for_contractor)
    lines = [
        f"Milestone: {milestone.title}",
        f"Engagement: {engagement.title}",
        *([] if for_contractor else [f"Contractor: {engagement.contractor.name}"]),
        f"Status: {milestone.get_status_display()}",
        f"Workspace: {milestone.workspace.name}",
        "",
        url,
    ]
    return _event(
        uid=f"{milestone.uuid}@outsourcer",
        on=milestone.due_on,
        summary=summary,
        description="\n".join(lines),
        url=url,
        changed=milestone.updated_at,
    )


def _commitment_event(commitment: CustomerCommitment, *, many_workspaces: bool) -> Event:
    summary = f"Promised to {commitment.customer}: {commitment.title}"
    if many_workspaces:
        summary += f" · {commitment.workspace.name}"
    url = commitment_link(commitment)
    lines = [
        f"Promised to {commitment.customer}: {commitment.title}",
        f"Status: {commitment.get_status_display()}",
        f"Kept for our own review: {commitment.buffer_days} working day{'s' if commitment.buffer_days != 1 else ''}",
        f"Workspace: {commitment.workspace.name}",
        "",
        url,
    ]
    return _event(
        uid=f"{commitment.uuid}@outsourcer",
        on=commitment.promised_on,
        summary=summary,
        description="\n".join(lines),
        url=url,
        changed=commitment.updated_at,
    )


def calendar_ics(*, user: User, today: dt.date | None = None) -> bytes:
    """The feed's bytes for `user`: every workspace they belong to, each scoped by their role there."""
    rows = feed_rows(user=user, today=today or timezone.now().date())
    many = len(rows.roles) > 1
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("x-published-ttl", "PT1H")
    for milestone in rows.milestones:
        for_contractor = rows.roles.get(milestone.workspace_id) == Role.CONTRACTOR
        calendar.add_component(_milestone_event(milestone, for_contractor=for_contractor, many_workspaces=many))
    for commitment in rows.commitments:
        calendar.add_component(_commitment_event(commitment, many_workspaces=many))
    return calendar.to_ical()
