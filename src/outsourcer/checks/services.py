"""Running the health check and quieting its findings. Every face and the daily job call these."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import audit_record
from outsourcer.checks.models import CheckRun, Finding, Severity
from outsourcer.checks.registry import CheckContext, Hit, Rule, rules
from outsourcer.checks.selectors import finding_is_quiet
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in

MAX_REASON = 2000
# Runs nobody asked for by hand: recorded as CheckRun rows, kept out of the activity log's way.
AUTOMATIC = frozenset({CheckRun.Trigger.IMPORT, CheckRun.Trigger.CHANGE, CheckRun.Trigger.SCHEDULE})


@dataclass
class CheckResult:
    workspace: Workspace
    as_of: dt.date
    run: CheckRun
    open: list[Finding] = field(default_factory=list)
    quiet: list[Finding] = field(default_factory=list)


def _evaluate(ctx: CheckContext) -> list[tuple[Rule, Hit]]:
    found: list[tuple[Rule, Hit]] = []
    for rule in rules():
        found.extend((rule, hit) for hit in rule.evaluate(ctx))
    return found


def _state(finding: Finding) -> tuple[Any, ...]:
    return tuple(getattr(finding, name) for name in UPDATED_FIELDS if name not in {"last_seen", "updated_at"})


def _apply(finding: Finding, rule: Rule, hit: Hit, now: dt.datetime) -> bool:
    """Bring the stored finding up to this run's hit; True when anything but `last_seen` changed."""
    before = _state(finding)
    finding.stage = rule.stage
    finding.severity = hit.severity or rule.severity
    finding.subject_uuid = uuid.UUID(hit.subject.uuid) if hit.subject.uuid else None
    finding.subject_ref = hit.subject.ref[:64]
    finding.subject_label = hit.subject.label[:200]
    finding.message = hit.message
    finding.fix = rule.fix
    finding.facts = hit.facts
    finding.last_seen = now
    if finding.resolved_at is not None:  # it came back: a new occurrence
        finding.resolved_at = None
        finding.first_seen = now
    if finding.quiet_fingerprint and finding.quiet_fingerprint != hit.fingerprint:
        # The data behind it changed since it was snoozed or dismissed: it speaks again.
        finding.snoozed_until = None
        finding.dismissed_at = None
        finding.dismiss_reason = ""
        finding.quiet_fingerprint = ""
        finding.quieted_by = None
    finding.fingerprint = hit.fingerprint
    return _state(finding) != before


UPDATED_FIELDS = [
    "stage",
    "subject_uuid",
    "severity",
    "subject_ref",
    "subject_label",
    "message",
    "fix",
    "facts",
    "fingerprint",
    "first_seen",
    "last_seen",
    "resolved_at",
    "snoozed_until",
    "dismissed_at",
    "dismiss_reason",
    "quiet_fingerprint",
    "quieted_by",
    "updated_at",
]


def check_run(
    *, actor: Actor, workspace: Workspace, as_of: dt.date | None = None, trigger: str = CheckRun.Trigger.MANUAL
) -> CheckResult:
    """Read the whole workspace, store what is found, resolve what is gone. Running it twice changes nothing."""
    started = time.monotonic()
    as_of = as_of or today_in(workspace.time_zone)
    with transaction.atomic():
        # One run at a time per workspace, and it reads the data under the lock: a run that read
        # before a change can never write after the run that read it (two workers, one workspace).
        Workspace.objects.select_for_update().filter(pk=workspace.pk).first()
        hits = _evaluate(CheckContext(workspace=workspace, as_of=as_of))
        now = timezone.now()
        existing = {(f.rule, f.subject_kind, f.subject_key): f for f in Finding.objects.filter(workspace=workspace)}
        seen: set[tuple[str, str, str]] = set()
        to_create: list[Finding] = []
        to_update: list[Finding] = []
        unchanged: list[Finding] = []  # every finding seen again; those in to_update changed too
        new = 0
        for rule, hit in hits:
            key = (rule.id, hit.subject.kind, hit.subject.key)
            if key in seen:
                continue
            seen.add(key)
            finding = existing.get(key)
            if finding is None:
                finding = Finding(
                    workspace=workspace,
                    rule=rule.id,
                    subject_kind=hit.subject.kind,
                    subject_key=hit.subject.key,
                    first_seen=now,
                )
                _apply(finding, rule, hit, now)
                to_create.append(finding)
                new += 1
            else:
                was_resolved = finding.resolved_at is not None
                if _apply(finding, rule, hit, now):
                    to_update.append(finding)
                new += was_resolved
                unchanged.append(finding)
        gone = [f.pk for key, f in existing.items() if key not in seen and f.resolved_at is None]
        for finding in to_update:
            finding.updated_at = now
        # Only what changed is written, so a run over unchanged data costs the same few queries
        # however many findings there are; `last_seen` moves for all of them in one statement.
        Finding.objects.bulk_create(to_create, batch_size=500)
        Finding.objects.bulk_update(to_update, UPDATED_FIELDS, batch_size=200)
        for start in range(0, len(gone), 500):
            Finding.objects.filter(pk__in=gone[start : start + 500]).update(resolved_at=now, updated_at=now)
        Finding.objects.filter(workspace=workspace, resolved_at__isnull=True).update(last_seen=now)
        current = to_create + unchanged
        open_ = [f for f in current if not finding_is_quiet(f, today=as_of)]
        quiet = [f for f in current if finding_is_quiet(f, today=as_of)]
        counts = {s: sum(1 for f in open_ if f.severity == s) for s in Severity.values}
        run = CheckRun.objects.create(
            workspace=workspace,
            as_of=as_of,
            trigger=trigger,
            errors=counts[Severity.ERROR],
            warnings=counts[Severity.WARNING],
            infos=counts[Severity.INFO],
            new=new,
            resolved=len(gone),
            duration_ms=round((time.monotonic() - started) * 1000),
        )
        if trigger not in AUTOMATIC:  # the runs a person asked for; the others are in CheckRun alone
            audit_record(
                actor=actor,
                action="check.run",
                obj=run,
                workspace=workspace,
                changes={"as_of": as_of, "open": len(open_), "new": new, "resolved": len(gone), "trigger": trigger},
            )
    return CheckResult(workspace=workspace, as_of=as_of, run=run, open=open_, quiet=quiet)


def finding_snooze(*, actor: Actor, finding: Finding, until: dt.date) -> Finding:
    today = today_in(finding.workspace.time_zone)
    if until <= today:
        raise ValidationError({"until": ["Snooze until a date after today."]})
    if until > today + dt.timedelta(days=366):
        raise ValidationError({"until": ["Snooze for a year at most; dismiss it if it does not apply."]})
    return _quiet(actor=actor, finding=finding, action="finding.snooze", snoozed_until=until, reason="")


def finding_dismiss(*, actor: Actor, finding: Finding, reason: str) -> Finding:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ["Say why it does not apply, so the next person knows."]})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [f"At most {MAX_REASON} characters."]})
    return _quiet(actor=actor, finding=finding, action="finding.dismiss", snoozed_until=None, reason=reason)


def _quiet(*, actor: Actor, finding: Finding, action: str, snoozed_until: dt.date | None, reason: str) -> Finding:
    if finding.resolved_at is not None:
        raise ValidationError({"finding": ["This finding is already resolved."]})
    with transaction.atomic():
        finding.snoozed_until = snoozed_until
        finding.dismissed_at = timezone.now() if reason else None
        finding.dismiss_reason = reason
        finding.quiet_fingerprint = finding.fingerprint
        finding.quieted_by = actor.user if actor.user is not None and actor.user.pk else None
        finding.save()
        changes: dict[str, Any] = {"rule": finding.rule}
        changes |= {"until": snoozed_until} if snoozed_until else {"reason": reason}
        audit_record(actor=actor, action=action, obj=finding, workspace=finding.workspace, changes=changes)
    return finding


def finding_reopen(*, actor: Actor, finding: Finding) -> Finding:
    """Undo a snooze or a dismissal."""
    with transaction.atomic():
        finding.snoozed_until = None
        finding.dismissed_at = None
        finding.dismiss_reason = ""
        finding.quiet_fingerprint = ""
        finding.quieted_by = None
        finding.save()
        audit_record(
            actor=actor,
            action="finding.reopen",
            obj=finding,
            workspace=finding.workspace,
            changes={"rule": finding.rule},
        )
    return finding
