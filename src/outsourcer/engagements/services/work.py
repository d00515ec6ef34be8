"""Writes for running the work: the check-in log and the contractor's time entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import RUNNING, CheckIn, Engagement, TimeEntry

CHECK_IN_FIELDS = frozenset({"on", "kind", "initiated_by", "notes"})
TIME_ENTRY_FIELDS = frozenset({"worked_on", "hours", "description"})


def _user(actor: Actor) -> Any:
    return actor.user if actor.user is not None and actor.user.pk else None


def _refuse_unknown(data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})


def _clean(row: CheckIn | TimeEntry) -> None:
    row.full_clean(exclude=["workspace", "engagement"], validate_unique=False, validate_constraints=False)


# --- Check-ins -----------------------------------------------------------------------------------


def check_in_add(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> CheckIn:
    _refuse_unknown(data, CHECK_IN_FIELDS)
    with transaction.atomic():
        check_in = CheckIn(workspace=engagement.workspace, engagement=engagement, created_by=_user(actor), **data)
        _clean(check_in)
        check_in.save()
        audit_record(
            actor=actor, action="check_in.create", obj=check_in, workspace=engagement.workspace,
            changes={"engagement": engagement.ref, "kind": check_in.kind, "initiated_by": check_in.initiated_by},
        )  # fmt: skip
        workspace_data_changed.send(sender=CheckIn, workspace=engagement.workspace)
    return check_in


def check_in_update(*, actor: Actor, check_in: CheckIn, data: dict[str, Any]) -> CheckIn:
    _refuse_unknown(data, CHECK_IN_FIELDS)
    with transaction.atomic():
        changes = apply_changes(check_in, data)
        if changes:
            _clean(check_in)
            check_in.save()
            audit_record(
                actor=actor, action="check_in.update", obj=check_in, workspace=check_in.workspace, changes=changes
            )
            workspace_data_changed.send(sender=CheckIn, workspace=check_in.workspace)
    return check_in


def check_in_delete(*, actor: Actor, check_in: CheckIn) -> None:
    with transaction.atomic():
        audit_record(actor=actor, action="check_in.delete", obj=check_in, workspace=check_in.workspace)
        check_in.delete()
        workspace_data_changed.send(sender=CheckIn, workspace=check_in.workspace)


# --- Time entries --------------------------------------------------------------------------------


def _refuse_locked(entry: TimeEntry) -> None:
    if entry.is_locked:
        raise ValidationError({"status": ["This time entry was approved and is locked."]})


def _refuse_not_running(engagement: Engagement) -> None:
    if engagement.status not in RUNNING:
        raise ValidationError({"engagement": ["Time can only be logged on an engagement in progress."]})


def _refuse_bad_day(entry: TimeEntry, engagement: Engagement) -> None:
    """Hours belong to a day the engagement ran that has come: not before its start, not after its end,
    not after today where the workspace is."""
    day = entry.worked_on
    if engagement.start_on and day < engagement.start_on:
        message = f"The engagement starts on {engagement.start_on}."
    elif engagement.end_on and day > engagement.end_on:
        message = f"The engagement ends on {engagement.end_on}."
    elif day > (today := today_in(engagement.workspace.time_zone)):
        message = f"Hours can be logged for today ({today}) or an earlier day, not for a day to come."
    else:
        return
    raise ValidationError({"worked_on": [message]})


def _locked_row(entry: TimeEntry) -> TimeEntry:
    """The entry as stored, locked until the transaction ends: what another request changed meanwhile
    (an approval, say) is seen here, never overwritten with what `entry` held when it was loaded."""
    locked = TimeEntry.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise ValidationError({"status": ["This time entry was deleted meanwhile."]})
    locked.workspace = entry.workspace
    locked.engagement = entry.engagement
    return locked


def _save(entry: TimeEntry, locked: TimeEntry, changes: dict[str, Any]) -> None:
    """Store only the changed fields of the locked row, and show the caller's object what was stored."""
    locked.save(update_fields=[*changes, "updated_at"])
    for field in TimeEntry._meta.concrete_fields:
        setattr(entry, field.attname, getattr(locked, field.attname))


def time_entry_add(*, actor: Actor, engagement: Engagement, data: dict[str, Any], submit: bool = False) -> TimeEntry:
    """Log hours on an engagement in progress; `submit` sends them for approval at once."""
    _refuse_unknown(data, TIME_ENTRY_FIELDS)
    _refuse_not_running(engagement)
    with transaction.atomic():
        entry = TimeEntry(workspace=engagement.workspace, engagement=engagement, created_by=_user(actor), **data)
        if submit:
            entry.status = TimeEntry.Status.SUBMITTED
            entry.submitted_at = timezone.now()
        _clean(entry)
        _refuse_bad_day(entry, engagement)
        entry.save()
        audit_record(
            actor=actor, action="time_entry.create", obj=entry, workspace=engagement.workspace,
            changes={"engagement": engagement.ref, "hours": entry.hours, "status": entry.status},
        )  # fmt: skip
        workspace_data_changed.send(sender=TimeEntry, workspace=engagement.workspace)
    return entry


def time_entry_update(*, actor: Actor, entry: TimeEntry, data: dict[str, Any]) -> TimeEntry:
    """Correct an entry that is not approved yet; a rejected one goes back to draft when edited."""
    _refuse_unknown(data, TIME_ENTRY_FIELDS)
    _refuse_locked(entry)
    with transaction.atomic():
        locked = _locked_row(entry)
        _refuse_locked(locked)
        changes = apply_changes(locked, data)
        if changes:
            _refuse_not_running(locked.engagement)
            if locked.status == TimeEntry.Status.REJECTED:
                changes.update(apply_changes(locked, {"status": TimeEntry.Status.DRAFT, "rejection_reason": ""}))
            _clean(locked)
            _refuse_bad_day(locked, locked.engagement)
            _save(entry, locked, changes)
            audit_record(actor=actor, action="time_entry.update", obj=entry, workspace=entry.workspace, changes=changes)
            workspace_data_changed.send(sender=TimeEntry, workspace=entry.workspace)
    return entry


def time_entry_delete(*, actor: Actor, entry: TimeEntry) -> None:
    _refuse_locked(entry)
    with transaction.atomic():
        locked = _locked_row(entry)
        _refuse_locked(locked)
        audit_record(actor=actor, action="time_entry.delete", obj=locked, workspace=entry.workspace)
        locked.delete()
        workspace_data_changed.send(sender=TimeEntry, workspace=entry.workspace)


def _refuse_unsubmittable(entry: TimeEntry) -> None:
    if entry.status not in (TimeEntry.Status.DRAFT, TimeEntry.Status.REJECTED):
        raise ValidationError({"status": [f"A {entry.get_status_display().lower()} entry cannot be submitted."]})


def time_entry_submit(*, actor: Actor, entry: TimeEntry) -> TimeEntry:
    """Send a draft or rejected entry for approval, on an engagement in progress and for a day it ran."""
    _refuse_unsubmittable(entry)
    with transaction.atomic():
        locked = _locked_row(entry)
        _refuse_unsubmittable(locked)
        _refuse_not_running(locked.engagement)
        _refuse_bad_day(locked, locked.engagement)
        changes = apply_changes(
            locked, {"status": TimeEntry.Status.SUBMITTED, "submitted_at": timezone.now(), "rejection_reason": ""}
        )
        _save(entry, locked, changes)
        audit_record(actor=actor, action="time_entry.submit", obj=entry, workspace=entry.workspace, changes=changes)
        workspace_data_changed.send(sender=TimeEntry, workspace=entry.workspace)
    return entry


def time_entry_decide(*, actor: Actor, entry: TimeEntry, approve: bool, reason: str = "") -> TimeEntry:
    """Approve (which locks the entry) or reject (with a reason the contractor sees) submitted hours."""
    if entry.status != TimeEntry.Status.SUBMITTED:
        raise ValidationError({"status": ["Only hours waiting for approval can be approved or rejected."]})
    if not approve and not reason.strip():
        raise ValidationError({"reason": ["Say why the hours are rejected; the contractor sees it."]})
    with transaction.atomic():
        # Two approvers at once, or an edit meanwhile: the decision is taken on the row as stored.
        locked = _locked_row(entry)
        if locked.status != TimeEntry.Status.SUBMITTED:
            raise ValidationError({"status": ["Someone decided on these hours already."]})
        changes = apply_changes(
            locked,
            {
                "status": TimeEntry.Status.APPROVED if approve else TimeEntry.Status.REJECTED,
                "decided_at": timezone.now(),
                "decided_by": _user(actor),
                "rejection_reason": "" if approve else reason.strip()[:2000],
            },
        )
        _save(entry, locked, changes)
        audit_record(
            actor=actor, action="time_entry.approve" if approve else "time_entry.reject", obj=entry,
            workspace=entry.workspace, changes=changes,
        )  # fmt: skip
        workspace_data_changed.send(sender=TimeEntry, workspace=entry.workspace)
    return entry


def iso_week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
