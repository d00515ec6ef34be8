"""Sending reminders, each exactly once, the daily digest, delivery preferences and calendar feeds.

Once-only: every reminder has a key, `kind:subject:occasion:recipient` (a milestone's or an invoice's
due date, the day an engagement fell silent...). Before sending, a worker claims the key by inserting a
`ReminderSent` row in a transaction of its own; the unique (workspace, key) constraint lets exactly
one worker win, however many run at once, and the loser skips. The email goes out after that commit,
then the row is marked sent. When sending fails the claim is deleted, so the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from outsourcer.accounts.models import Membership, User, Workspace
from outsourcer.audit.services import audit_record
from outsourcer.compliance.selectors import classifications_to_reassess
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.reminders import emails
from outsourcer.reminders.models import CalendarFeed, Delivery, ReminderPreference, ReminderSent
from outsourcer.reminders.selectors import (
    access_expiring,
    access_left_open_since,
    business_recipients,
    digest_waiting,
    exit_plans_stale,
    milestones_due_soon,
    milestones_overdue,
    payments_due_soon,
    payments_overdue,
    preferences,
    silent_engagements,
    time_waiting_too_long,
    zone_of,
)
from outsourcer.risk.selectors import risk_reviews_due

logger = logging.getLogger(__name__)

KEY_MAX = 200
# A claim still "being sent" after this long belongs to a worker that died mid-send: release it.
STALE_CLAIM = dt.timedelta(minutes=30)
SEND_TIMEOUT_SECONDS = 60
FEED_TOUCH_SECONDS = 60


class Kind:
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    TIME_WAITING = "time_waiting"
    SILENCE = "silence"
    PAYMENT_DUE = "payment_due"
    PAYMENT_OVERDUE = "payment_overdue"
    RISK_REVIEW = "risk_review"
    ACCESS_EXPIRING = "access_expiring"
    ACCESS_LEFT_OPEN = "access_left_open"
    EXIT_PLAN_REVIEW = "exit_plan_review"
    REASSESS_STATUS = "reassess_status"
    DIGEST = "digest"


KIND_LABELS = {
    Kind.DUE_SOON: "Milestone due soon",
    Kind.OVERDUE: "Milestone overdue",
    Kind.TIME_WAITING: "Time waiting for approval",
    Kind.SILENCE: "No check-in",
    Kind.PAYMENT_DUE: "Payment due soon",
    Kind.PAYMENT_OVERDUE: "Payment overdue",
    Kind.RISK_REVIEW: "Risk review due",
    Kind.ACCESS_EXPIRING: "Access ending",
    Kind.ACCESS_LEFT_OPEN: "Access left open",
    Kind.EXIT_PLAN_REVIEW: "Exit plan to review",
    Kind.DIGEST: "Daily digest",
    Kind.REASSESS_STATUS: "Worker status to reassess",
}


def reminder_key(kind: str, subject: object, occasion: dt.date, recipient: str) -> str:
    """The once-only key; a very long address is replaced by its hash so the key fits its column."""
    key = f"{kind}:{subject}:{occasion.isoformat()}:{recipient}"
    if len(key) > KEY_MAX:
        key = f"{kind}:{subject}:{occasion.isoformat()}:{hashlib.sha256(recipient.encode()).hexdigest()[:40]}"
    return key


def _address(email: str) -> str:
    return email.strip().lower()


@dataclass(frozen=True)
class Reminder:
    """One email to one person about one occasion, before it is claimed."""

    kind: str
    subject: str  # the public id of what it is about
    occasion: dt.date
    recipient: str
    user_id: int | None  # the member it goes to, for their preference; None for a bare contractor address
    subject_line: str
    body: str

    @property
    def key(self) -> str:
        return reminder_key(self.kind, self.subject, self.occasion, self.recipient)


Address = tuple[str, int | None]  # an email address, and the member's id when it is one


def _contractor_address(contractor: Contractor) -> Address | None:
    """The contractor's portal login when they have one, else the email address on their record."""
    user = contractor.portal_user
    if user is not None and user.is_active and user.email:
        return _address(user.email), user.pk
    if contractor.email:
        return _address(contractor.email), None
    return None


def reminders_planned(*, workspace: Workspace, today: dt.date) -> list[Reminder]:
    """Every reminder the workspace's state calls for today, one per recipient and occasion."""
    business: list[Address] = [(_address(u.email), u.pk) for u in business_recipients(workspace=workspace)]
    planned: list[Reminder] = []

    def push(kind: str, subject: object, occasion: dt.date, to: list[Address], text: tuple[str, str]) -> None:
        planned.extend(Reminder(kind, str(subject), occasion, email, user_id, *text) for email, user_id in to)

    for kind, rows, compose in (
        (Kind.DUE_SOON, milestones_due_soon(workspace=workspace, today=today), emails.milestone_due_soon),
        (Kind.OVERDUE, milestones_overdue(workspace=workspace, today=today), emails.milestone_overdue),
    ):
        for milestone in rows:
            contractor = _contractor_address(milestone.engagement.contractor)
            if contractor is not None:
                push(kind, milestone.uuid, milestone.due_on, [contractor], compose(milestone, today, True))
            if business:
                push(kind, milestone.uuid, milestone.due_on, business, compose(milestone, today, False))
    if business:
        for waiting in time_waiting_too_long(workspace=workspace, today=today):
            text = emails.time_waiting(waiting, workspace=workspace, today=today)
            push(Kind.TIME_WAITING, waiting.engagement.uuid, waiting.since, business, text)
        for found in silent_engagements(workspace=workspace, today=today):
            push(Kind.SILENCE, found.engagement.uuid, found.since, business, emails.silence(found, workspace=workspace))
        # Invoices to pay: each keyed by its due date, so a new due date (the invoice corrected) is a new occasion.
        for due in payments_due_soon(workspace=workspace, today=today):
            push(Kind.PAYMENT_DUE, due.invoice.uuid, due.due.on, business, emails.payment_due_soon(due, today))
        for due in payments_overdue(workspace=workspace, today=today):
            push(Kind.PAYMENT_OVERDUE, due.invoice.uuid, due.due.on, business, emails.payment_overdue(due, today))
        # Risks and access: each keyed by the date it is about, so a new review or end date is a new occasion.
        for risk in risk_reviews_due(workspace=workspace, today=today):
            text = emails.risk_review(risk, workspace=workspace, today=today)
            push(Kind.RISK_REVIEW, risk.uuid, risk.review_on, business, text)  # type: ignore[arg-type]
        for grant in access_expiring(workspace=workspace, today=today):
            text = emails.access_expiring(grant, workspace=workspace, today=today)
            push(Kind.ACCESS_EXPIRING, grant.uuid, grant.expires_on, business, text)  # type: ignore[arg-type]
        for left in access_left_open_since(workspace=workspace, today=today):
            text = emails.access_left_open(left, workspace=workspace, today=today)
            push(Kind.ACCESS_LEFT_OPEN, left.grant.uuid, left.since, business, text)
        for stale in exit_plans_stale(workspace=workspace, today=today):
            text = emails.exit_plan_stale(stale, workspace=workspace, today=today)
            push(Kind.EXIT_PLAN_REVIEW, stale.plan.uuid, stale.due, business, text)
        # Worker status: keyed by the day the latest assessment fell due, so a new assessment is a new occasion.
        for reassess in classifications_to_reassess(workspace=workspace, today=today):
            text = emails.reassess_status(reassess, workspace=workspace, today=today)
            push(Kind.REASSESS_STATUS, reassess.assessment.uuid, reassess.due, business, text)

    unique: dict[str, Reminder] = {}
    for reminder in planned:  # the same person as contractor and as manager hears of it once
        unique.setdefault(reminder.key, reminder)
    return list(unique.values())


# --- Claiming and sending ---------------------------------------------------------------------------


@dataclass
class SendResult:
    """What one run did. `lines` lists each planned reminder and what became of it (for the CLI)."""

    planned: int = 0
    sent: int = 0
    digest: int = 0  # kept for the recipient's daily digest
    off: int = 0  # the recipient turned reminders off
    already: int = 0  # claimed before, by an earlier run or by another worker right now
    failed: int = 0  # sending failed; the claim was released for the next run
    lines: list[tuple[str, str, str, str]] = field(default_factory=list)  # workspace, recipient, subject, outcome

    def add(self, other: SendResult) -> None:
        for name in ("planned", "sent", "digest", "off", "already", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.lines.extend(other.lines)


def _claim(
    *, workspace: Workspace, key: str, kind: str, recipient: str, subject_line: str, body: str, state: str
) -> ReminderSent | None:
    """Insert the reminder's row in a transaction of its own; None when someone else holds the key."""
    try:
        with transaction.atomic():
            return ReminderSent.objects.create(
                workspace=workspace,
                key=key,
                kind=kind,
                recipient=recipient,
                subject_line=subject_line,
                body=body,
                state=state,
            )
    except IntegrityError:
        return None


def _send_email(*, workspace: Workspace, recipient: str, subject_line: str, body: str) -> None:
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or SEND_TIMEOUT_SECONDS
    message = EmailMessage(
        subject_line,
        body.rstrip() + "\n\n" + emails.footer(workspace),
        settings.DEFAULT_FROM_EMAIL,
        [recipient],
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        connection=get_connection(timeout=timeout),
    )
    message.send()


def _deliver(claim: ReminderSent, outcome: list[bool], digest_items: list[int] | None = None) -> None:
    """Send a claimed reminder (or digest), then mark it sent; on failure release the claim."""
    try:
        _send_email(
            workspace=claim.workspace, recipient=claim.recipient, subject_line=claim.subject_line, body=claim.body
        )
    except Exception as exc:
        # The class of the error and the row only: no addresses, bodies or server replies in the log.
        logger.warning(
            "reminder %s (%s) in workspace %s not sent (%s); released for the next run",
            claim.pk,
            claim.kind,
            claim.workspace.uuid,
            type(exc).__name__,
        )
        ReminderSent.objects.filter(pk=claim.pk, state=ReminderSent.State.CLAIMED).delete()
        outcome.append(False)
        return
    now = timezone.now()
    with transaction.atomic():
        ReminderSent.objects.filter(pk=claim.pk).update(state=ReminderSent.State.SENT, sent_at=now)
        if digest_items:
            ReminderSent.objects.filter(pk__in=digest_items, state=ReminderSent.State.DIGEST).update(
                state=ReminderSent.State.SENT, sent_at=now
            )
    outcome.append(True)


def _release_stale_claims(*, workspace: Workspace) -> None:
    ReminderSent.objects.filter(
        workspace=workspace, state=ReminderSent.State.CLAIMED, created_at__lt=timezone.now() - STALE_CLAIM
    ).delete()


def _tally(result: SendResult, outcome: list[bool]) -> None:
    result.sent += outcome.count(True)
    result.failed += outcome.count(False)


def reminders_send(*, workspace: Workspace, today: dt.date | None = None, dry_run: bool = False) -> SendResult:
    """Send (or keep for the digest) every reminder due in the workspace that has not gone out yet.

    Safe to run often and from several workers at once. Emails leave after the claim's commit: inside
    an outer transaction they wait for it, and the counts of sent and failed stay zero here.
    """
    today = today or today_in(workspace.time_zone)
    result = SendResult()
    planned = reminders_planned(workspace=workspace, today=today)
    result.planned = len(planned)
    wants = preferences(workspace=workspace)
    if dry_run:
        taken = set(
            ReminderSent.objects.filter(workspace=workspace, key__in=[r.key for r in planned]).values_list(
                "key", flat=True
            )
        )
    else:
        _release_stale_claims(workspace=workspace)
    outcome: list[bool] = []
    for reminder in planned:
        delivery = wants.get(reminder.user_id, Delivery.EACH) if reminder.user_id else Delivery.EACH
        if delivery == Delivery.OFF:
            result.off += 1
            note = "off"
        elif dry_run:
            note = "already sent" if reminder.key in taken else ("digest" if delivery == Delivery.DAILY else "send")
        else:
            state = ReminderSent.State.DIGEST if delivery == Delivery.DAILY else ReminderSent.State.CLAIMED
            claim = _claim(
                workspace=workspace,
                key=reminder.key,
                kind=reminder.kind,
                recipient=reminder.recipient,
                subject_line=reminder.subject_line,
                body=reminder.body,
                state=state,
            )
            if claim is None:
                result.already += 1
                note = "already sent"
            elif state == ReminderSent.State.DIGEST:
                result.digest += 1
                note = "kept for the digest"
            else:
                transaction.on_commit(partial(_deliver, claim, outcome))
                note = "sent"
        result.lines.append((workspace.name, reminder.recipient, reminder.subject_line, note))
    _tally(result, outcome)
    return result


def digest_hour_reached(*, workspace: Workspace, now: dt.datetime | None = None) -> bool:
    """The daily digest goes out once the workspace's working day has begun."""
    local = (now or timezone.now()).astimezone(zone_of(workspace))
    return local.time() >= workspace.work_start


def digests_send(*, workspace: Workspace, today: dt.date | None = None, dry_run: bool = False) -> SendResult:
    """One email per recipient with everything kept for their digest; once a day (keyed by the date)."""
    today = today or today_in(workspace.time_zone)
    result = SendResult()
    waiting: dict[str, list[ReminderSent]] = {}
    for row in digest_waiting(workspace=workspace):
        waiting.setdefault(row.recipient, []).append(row)
    result.planned = len(waiting)
    outcome: list[bool] = []
    for recipient, items in waiting.items():
        subject_line, body = emails.digest(
            workspace, on=today, items=[(item.subject_line, item.body) for item in items]
        )
        note = "send"
        if not dry_run:
            claim = _claim(
                workspace=workspace,
                key=reminder_key(Kind.DIGEST, workspace.uuid, today, recipient),
                kind=Kind.DIGEST,
                recipient=recipient,
                subject_line=subject_line,
                body=body,
                state=ReminderSent.State.CLAIMED,
            )
            if claim is None:
                result.already += 1
                note = "already sent"
            else:
                transaction.on_commit(partial(_deliver, claim, outcome, [item.pk for item in items]))
                note = "sent"
        result.lines.append((workspace.name, recipient, subject_line, note))
    _tally(result, outcome)
    return result


def _each_workspace(
    run: Callable[[Workspace], SendResult], workspaces: Iterable[Workspace] | None = None
) -> SendResult:
    total = SendResult()
    for workspace in workspaces if workspaces is not None else Workspace.objects.order_by("pk").iterator():
        try:
            total.add(run(workspace))
        except Exception:  # one broken workspace must not stop the others' reminders
            logger.exception("reminders failed for workspace %s", workspace.uuid)
    return total


def reminders_send_all(
    *, as_of: dt.date | None = None, dry_run: bool = False, workspaces: Iterable[Workspace] | None = None
) -> SendResult:
    return _each_workspace(lambda ws: reminders_send(workspace=ws, today=as_of, dry_run=dry_run), workspaces)


def digests_send_all(
    *,
    as_of: dt.date | None = None,
    dry_run: bool = False,
    workspaces: Iterable[Workspace] | None = None,
    now: dt.datetime | None = None,
) -> SendResult:
    """Each workspace's digests, once its working day has begun (any time when `as_of` names the day)."""

    def run(workspace: Workspace) -> SendResult:
        if as_of is not None:
            return digests_send(workspace=workspace, today=as_of, dry_run=dry_run)
        if not digest_hour_reached(workspace=workspace, now=now):
            return SendResult()
        today = now.astimezone(zone_of(workspace)).date() if now is not None else None
        return digests_send(workspace=workspace, today=today, dry_run=dry_run)

    return _each_workspace(run, workspaces)


# --- Preferences ------------------------------------------------------------------------------------


def preference_set(*, actor: Actor, workspace: Workspace, user: User, delivery: str) -> ReminderPreference:
    """How `user` gets reminders in `workspace`. Turning them off drops what waited for the digest."""
    if delivery not in Delivery.values:
        raise ValidationError({"delivery": "Choose one of: as they happen, one daily digest, never."})
    if not Membership.objects.filter(workspace=workspace, user=user).exists():
        raise ValidationError({"delivery": "Only a member of the workspace has reminder settings in it."})
    with transaction.atomic():
        preference, created = ReminderPreference.objects.get_or_create(
            workspace=workspace, user=user, defaults={"delivery": delivery}
        )
        old = None if created else preference.delivery
        if old != delivery:
            preference.delivery = delivery
            preference.save(update_fields=["delivery"])
            audit_record(
                actor=actor,
                action="reminders.preference",
                obj=preference,
                workspace=workspace,
                changes={"delivery": [old, delivery]},
            )
        if delivery == Delivery.OFF and user.email:
            ReminderSent.objects.filter(
                workspace=workspace, state=ReminderSent.State.DIGEST, recipient=_address(user.email)
            ).delete()
    return preference


# --- Calendar feeds ---------------------------------------------------------------------------------


def calendar_feed_url(raw: str) -> str:
    return settings.BASE_URL + reverse("reminders_feed", kwargs={"feed_token": raw})


def calendar_feed_create(*, actor: Actor, user: User) -> tuple[CalendarFeed, str]:
    """A new secret address for the user's calendar; an existing one stops working at once (a reset).

    Returns the feed and its raw token, which is shown once and never stored (only its SHA-256 is).
    """
    prefix = secrets.token_hex(4)
    raw = f"{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            user=user,
            defaults={"token_hash": CalendarFeed.hash_token(raw), "prefix": prefix, "last_used_at": None},
        )
        audit_record(
            actor=actor, action="calendar_feed.create" if created else "calendar_feed.reset", obj=feed, workspace=None
        )
    return feed, raw


def calendar_feed_delete(*, actor: Actor, user: User) -> bool:
    with transaction.atomic():
        feed = CalendarFeed.objects.filter(user=user).first()
        if feed is None:
            return False
        audit_record(actor=actor, action="calendar_feed.delete", obj=feed, workspace=None)
        feed.delete()
    return True


def calendar_feed_touch(*, feed: CalendarFeed, now: dt.datetime | None = None) -> None:
    """Note the feed's use, at most once a minute: a calendar polling it must not turn reads into writes."""
    now = now or timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() >= FEED_TOUCH_SECONDS:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now
