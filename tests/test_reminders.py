"""Reminders by email: what is sent, to whom, exactly once (two workers at once included), the daily
digest, turning them off, and a failed send released for the next run. Mail goes to a real SMTP
server (aiosmtpd) on a free localhost port, through Django's SMTP backend."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import logging
import os
import socket
import sqlite3
import tempfile
import threading
from collections import Counter
from contextlib import closing, contextmanager
from decimal import Decimal

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from outsourcer.accounts.models import Role
from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from outsourcer.reminders.models import Delivery, ReminderPreference, ReminderSent
from outsourcer.reminders.services import (
    STALE_CLAIM,
    digest_hour_reached,
    digests_send,
    digests_send_all,
    preference_set,
    reminder_key,
    reminders_send,
    reminders_send_all,
)
from outsourcer.reminders.tasks import send_daily_digests, send_due_reminders
from tests.conftest import Personas
from tests.factories import (
    CheckInFactory,
    ContractorFactory,
    EngagementFactory,
    MembershipFactory,
    MilestoneFactory,
    TimeEntryFactory,
    UserFactory,
    WorkspaceFactory,
)

# Every test commits for real (its own transactions), so emails leave after commit as in production.
pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2027, 1, 13)  # a Wednesday

# aiosmtpd logs each connection from its own thread, sometimes after pytest has closed the stream it
# captured ("--- Logging error ---" in the output); what it says at INFO is of no use to these tests.
logging.getLogger("mail.log").setLevel(logging.WARNING)


# --- A real SMTP server -----------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps every message; addresses in `refuse` are turned away."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m, (_f, rcpt) in zip(self.messages, self.envelopes, strict=True) if address in rcpt]

    def subjects(self, address: str) -> list[str]:
        return sorted(str(m["Subject"]) for m in self.to(address))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=controller.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=10,
            BASE_URL="https://outsourcer.example.test",
        ):
            yield inbox
    finally:
        controller.stop()


def body(message: email.message.EmailMessage) -> str:
    return message.get_content()


# --- The workspace the tests remind about -----------------------------------------------------------


def scenario(p: Personas):
    """Acme (New York) with one contractor who signs in to the portal and one engagement, checked in on
    yesterday: a milestone due in two days, one three days late, and one already submitted."""
    ws = p.workspace
    contractor = ContractorFactory(
        workspace=ws, name="Rosa Lind", email="rosa.records@example.test", portal_user=p.contractor, stage="approved"
    )
    engagement = EngagementFactory(contractor=contractor, title="Website copy", status="active")
    CheckInFactory(engagement=engagement, on=TODAY - dt.timedelta(days=1))
    soon = MilestoneFactory(engagement=engagement, title="Home page draft", due_on=TODAY + dt.timedelta(days=2))
    late = MilestoneFactory(
        engagement=engagement, title="Case studies", due_on=TODAY - dt.timedelta(days=3), status="in_progress"
    )
    MilestoneFactory(engagement=engagement, title="Already in", due_on=TODAY + dt.timedelta(days=1), status="submitted")
    return engagement, soon, late


BUSINESS = ("owner@acme.test", "manager@acme.test")
EVERYONE = ("contractor@acme.test", *BUSINESS)


def test_due_and_overdue_milestones_reach_the_contractor_and_the_business_by_smtp(personas, smtp):
    _engagement, soon, late = scenario(personas)
    result = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (result.sent, result.failed, result.already) == (6, 0, 0)

    # The contractor (by their portal login, not the address on their record), the owner and the manager.
    assert sorted({a for _f, rcpt in smtp.envelopes for a in rcpt}) == sorted(EVERYONE)
    assert "viewer@acme.test" not in str(smtp.envelopes) and "rosa.records" not in str(smtp.envelopes)
    for address in EVERYONE:
        assert smtp.subjects(address) == [
            "[Acme Design] Due in 2 days, on Fri 15 Jan 2027: Home page draft",
            "[Acme Design] Overdue since Sun 10 Jan 2027: Case studies",
        ]
    due_to_contractor = next(m for m in smtp.to("contractor@acme.test") if "Due" in m["Subject"])
    text = body(due_to_contractor)
    assert "A milestone of yours is due in 2 days, on Fri 15 Jan 2027." in text
    assert "Milestone:  Home page draft" in text and "Engagement: Website copy" in text
    assert "Contractor:" not in text  # they know who they are
    assert "https://outsourcer.example.test/w/" in text
    assert due_to_contractor["Auto-Submitted"] == "auto-generated"
    late_to_owner = next(m for m in smtp.to("owner@acme.test") if "Overdue" in m["Subject"])
    text = body(late_to_owner)
    assert "A milestone was due on Sun 10 Jan 2027 and has not been submitted. It is 3 days late." in text
    assert "Contractor: Rosa Lind" in text
    assert f"/w/{personas.workspace.uuid}/reminders/" in text  # how to change them
    # Every claim is marked sent, keyed by kind, milestone, due date and recipient.
    keys = set(ReminderSent.objects.values_list("key", flat=True))
    assert f"due_soon:{soon.uuid}:2027-01-15:contractor@acme.test" in keys
    assert f"overdue:{late.uuid}:2027-01-10:owner@acme.test" in keys
    assert set(ReminderSent.objects.values_list("state", flat=True)) == {"sent"}
    assert all(r.sent_at is not None for r in ReminderSent.objects.all())


def test_running_the_job_again_sends_nothing_new(personas, smtp):
    scenario(personas)
    assert reminders_send(workspace=personas.workspace, today=TODAY).sent == 6
    again = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (again.sent, again.already) == (0, 6)
    assert len(smtp.messages) == 6
    # The next day brings nothing new either: the same occasions (due dates) were covered.
    assert reminders_send(workspace=personas.workspace, today=TODAY + dt.timedelta(days=1)).sent == 0
    assert len(smtp.messages) == 6


@pytest.mark.parametrize("workers", [2, 4])
def test_two_workers_at_once_send_each_reminder_exactly_once(personas, smtp, workers):
    """Several workers run the job at the same moment, each on its own database connection."""
    ws = personas.workspace
    contractor = ContractorFactory(workspace=ws, portal_user=personas.contractor, stage="approved")
    for n in range(4):
        engagement = EngagementFactory(contractor=contractor, title=f"Job {n}", status="active")
        CheckInFactory(engagement=engagement, on=TODAY)
        MilestoneFactory(engagement=engagement, title=f"Soon {n}", due_on=TODAY + dt.timedelta(days=n % 3))
        MilestoneFactory(engagement=engagement, title=f"Late {n}", due_on=TODAY - dt.timedelta(days=1 + n))
    expected = 8 * 3  # eight milestones, three people each

    barrier = threading.Barrier(workers)
    results, errors = [], []

    def worker() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(reminders_send_all(as_of=TODAY))
        except Exception as exc:  # pragma: no cover - shown by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    with worker_database() as count_states:
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        states = count_states()
    assert not errors, errors
    assert sum(r.failed for r in results) == 0
    assert sum(r.sent for r in results) == expected, results
    assert sum(r.already for r in results) == expected * (workers - 1)
    sent = Counter((tuple(rcpt), str(m["Subject"])) for m, (_f, rcpt) in zip(smtp.messages, smtp.envelopes))
    assert len(smtp.messages) == expected
    assert set(sent.values()) == {1}, [k for k, v in sent.items() if v > 1]
    assert states == {"sent": expected}


@contextmanager
def worker_database():
    """Where the worker threads' own connections go; yields a function that counts ReminderSent by state.

    On PostgreSQL that is the test database itself. The SQLite test database lives in memory with a
    shared cache, where a second connection meets "table is locked" at once instead of waiting; the
    product runs SQLite from a file in WAL mode with a busy timeout. So, on SQLite, the workers get a
    file copy of the test database opened with the product's own settings, as in production.
    """
    default = connections["default"]
    if default.vendor != "sqlite" or not default.is_in_memory_db():
        yield lambda: dict(ReminderSent.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
        return
    with tempfile.TemporaryDirectory(prefix="outsourcer-workers-") as folder:
        path = os.path.join(folder, "workers.sqlite3")
        default.ensure_connection()
        target = sqlite3.connect(path)
        default.connection.backup(target)
        target.close()
        workers = {**connections.settings, "default": {**default.settings_dict, "NAME": path}}
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(connections, "settings", workers)  # new threads open new connections: to the file

            def count_states() -> dict[str, int]:
                with closing(sqlite3.connect(path)) as db:
                    rows = db.execute("SELECT state, COUNT(*) FROM reminders_remindersent GROUP BY state")
                    return dict(rows.fetchall())

            yield count_states


# --- What else is reminded --------------------------------------------------------------------------


def _at(day: dt.date, hour: int, zone: str = "America/New_York") -> dt.datetime:
    import zoneinfo

    return dt.datetime.combine(day, dt.time(hour), tzinfo=zoneinfo.ZoneInfo(zone))


def test_time_waiting_more_than_two_days_reminds_the_business_once_per_engagement(personas):
    ws = personas.workspace
    engagement = EngagementFactory(
        contractor=ContractorFactory(workspace=ws, name="Ben Ode"), title="Bookkeeping", rate_model="hourly"
    )
    CheckInFactory(engagement=engagement, on=TODAY)
    # Submitted on Sunday and Monday (New York time): both wait; the oldest names the day it started.
    TimeEntryFactory(engagement=engagement, hours=Decimal("3.5"), submitted_at=_at(TODAY - dt.timedelta(days=3), 23))
    TimeEntryFactory(engagement=engagement, hours=Decimal("2"), submitted_at=_at(TODAY - dt.timedelta(days=2), 9))
    # Tuesday's entry has waited one day only; Monday's (two days) is not yet "more than two days".
    fresh = EngagementFactory(contractor=ContractorFactory(workspace=ws), title="Fresh", rate_model="hourly")
    CheckInFactory(engagement=fresh, on=TODAY)
    TimeEntryFactory(engagement=fresh, submitted_at=_at(TODAY - dt.timedelta(days=2), 1))
    TimeEntryFactory(engagement=fresh, status="approved", submitted_at=_at(TODAY - dt.timedelta(days=9), 9))

    result = reminders_send(workspace=ws, today=TODAY)
    assert result.sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(BUSINESS)
    message = mail.outbox[0]
    assert message.subject == "[Acme Design] 1 time entry waiting for approval: Bookkeeping"
    assert "the oldest since Sun 10 Jan 2027 (3 days)" in message.body
    assert "1 time entry, 3.50 h in all" in message.body
    key = reminder_key("time_waiting", engagement.uuid, dt.date(2027, 1, 10), "owner@acme.test")
    assert ReminderSent.objects.filter(key=key, state="sent").exists()
    # A day later Monday's entry joins, under the same occasion: nothing new is sent.
    assert reminders_send(workspace=ws, today=TODAY + dt.timedelta(days=1)).sent == 2  # only "Fresh" now
    assert sorted(m.subject for m in mail.outbox[2:]) == ["[Acme Design] 1 time entry waiting for approval: Fresh"] * 2


def test_silence_beyond_the_policy_reminds_the_business_once_per_silence(personas):
    ws = personas.workspace
    ws.policy = {"silence_days": 10}
    ws.save()
    engagement = EngagementFactory(contractor=ContractorFactory(workspace=ws), title="Quiet job", status="active")
    CheckInFactory(engagement=engagement, on=TODAY - dt.timedelta(days=10))  # exactly the limit: fine
    EngagementFactory(contractor=ContractorFactory(workspace=ws), status="completed", start_on=dt.date(2026, 1, 1))
    assert reminders_send(workspace=ws, today=TODAY).planned == 0

    day = TODAY + dt.timedelta(days=1)  # 11 days: more than 10
    assert reminders_send(workspace=ws, today=day).sent == 2
    assert mail.outbox[0].subject == "[Acme Design] No check-in for 11 days: Quiet job"
    assert "since Sun 3 Jan 2027: 11 days, more than the 10 days your workspace allows" in mail.outbox[0].body
    assert reminders_send(workspace=ws, today=day + dt.timedelta(days=5)).sent == 0  # the same silence
    # A check-in ends it; a new silence later is a new occasion.
    CheckInFactory(engagement=engagement, on=day)
    later = day + dt.timedelta(days=11)
    assert reminders_send(workspace=ws, today=later).sent == 2
    assert {m.to[0] for m in mail.outbox[2:]} == set(BUSINESS)


def test_silence_is_counted_as_the_health_check_counts_it(personas):
    from outsourcer.checks.registry import CheckContext
    from outsourcer.checks.rules.manage import silence
    from outsourcer.reminders.selectors import silent_engagements

    ws = personas.workspace
    # No check-in and no start date: no day to count from, so neither judges it (however old the row).
    undated = EngagementFactory(contractor=ContractorFactory(workspace=ws), title="Undated", start_on=None)
    type(undated).objects.filter(pk=undated.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    # A check-in dated after the day judged does not count yet: silent since its start.
    ahead = EngagementFactory(
        contractor=ContractorFactory(workspace=ws), title="Ahead", start_on=TODAY - dt.timedelta(days=30)
    )
    CheckInFactory(engagement=ahead, on=TODAY + dt.timedelta(days=3))
    # Near miss: a check-in yesterday.
    recent = EngagementFactory(contractor=ContractorFactory(workspace=ws), title="Recent", start_on=None)
    CheckInFactory(engagement=recent, on=TODAY - dt.timedelta(days=1))
    reminded = {(s.engagement.uuid, s.since, s.days) for s in silent_engagements(workspace=ws, today=TODAY)}
    flagged = {hit.subject.uuid for hit in silence(CheckContext(workspace=ws, as_of=TODAY))}
    assert reminded == {(ahead.uuid, TODAY - dt.timedelta(days=30), 30)}
    assert flagged == {str(ahead.uuid)}


def test_no_reminders_for_drafts_cancelled_or_submitted_work_or_old_misses(personas):
    ws = personas.workspace
    contractor = ContractorFactory(workspace=ws, portal_user=None, email="")
    draft = EngagementFactory(contractor=contractor, status="draft")
    MilestoneFactory(engagement=draft, due_on=TODAY + dt.timedelta(days=1))
    running = EngagementFactory(contractor=contractor, status="active")
    CheckInFactory(engagement=running, on=TODAY)
    MilestoneFactory(engagement=running, due_on=TODAY + dt.timedelta(days=1), status="cancelled")
    MilestoneFactory(engagement=running, due_on=TODAY + dt.timedelta(days=1), status="accepted")
    MilestoneFactory(engagement=running, due_on=TODAY + dt.timedelta(days=4))  # not within three days yet
    MilestoneFactory(engagement=running, due_on=TODAY - dt.timedelta(days=31))  # the health check's, by now
    assert reminders_send(workspace=ws, today=TODAY).planned == 0
    # A contractor with no address at all: only the business hears of it.
    MilestoneFactory(engagement=running, title="Edge", due_on=TODAY + dt.timedelta(days=3))
    assert reminders_send(workspace=ws, today=TODAY).sent == 2
    assert mail.outbox[0].subject == "[Acme Design] Due in 3 days, on Sat 16 Jan 2027: Edge"


def test_a_contractor_without_a_login_is_reminded_at_the_address_on_their_record(personas):
    ws = personas.workspace
    contractor = ContractorFactory(workspace=ws, email="Pat@Example.Test", portal_user=None)
    engagement = EngagementFactory(contractor=contractor, status="paused")
    CheckInFactory(engagement=engagement, on=TODAY)
    MilestoneFactory(engagement=engagement, title="Due today", due_on=TODAY)
    reminders_send(workspace=ws, today=TODAY)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(["pat@example.test", *BUSINESS])
    assert {m.subject for m in mail.outbox} == {"[Acme Design] Due today: Due today"}


def test_day_boundaries_are_the_workspace_s_own():
    """Kiritimati (UTC+14) and Pago Pago (UTC-11) are always on different dates: the same milestone date
    is "today" in one and "tomorrow" in the other."""
    from outsourcer.core.timezones import today_in

    subjects = {}
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        ws = WorkspaceFactory(name=zone, time_zone=zone)
        MembershipFactory(
            workspace=ws, user=UserFactory(email=f"owner@{zone.split('/')[1].lower()}.test"), role="owner"
        )
        engagement = EngagementFactory(contractor=ContractorFactory(workspace=ws, email=""), status="active")
        CheckInFactory(engagement=engagement, on=today_in(zone))
        MilestoneFactory(engagement=engagement, title="Launch", due_on=today_in("Pacific/Kiritimati"))
        reminders_send(workspace=ws)  # no date given: today where the workspace is
        subjects[zone] = mail.outbox[-1].subject
    assert subjects["Pacific/Kiritimati"] == "[Pacific/Kiritimati] Due today: Launch"
    assert subjects["Pacific/Pago_Pago"] == "[Pacific/Pago_Pago] Due tomorrow: Launch"


def test_the_same_person_as_contractor_and_manager_hears_once(personas):
    """A manager who also does the work (their own contractor record) gets one email, the contractor's."""
    ws = personas.workspace
    contractor = ContractorFactory(workspace=ws, portal_user=personas.manager)
    engagement = EngagementFactory(contractor=contractor, status="active")
    CheckInFactory(engagement=engagement, on=TODAY)
    MilestoneFactory(engagement=engagement, title="Own work", due_on=TODAY + dt.timedelta(days=1))
    assert reminders_send(workspace=ws, today=TODAY).sent == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(BUSINESS)
    mine = next(m for m in mail.outbox if m.to == ["manager@acme.test"])
    assert "A milestone of yours is due tomorrow." in mine.body


# --- Preferences and the daily digest ---------------------------------------------------------------


def test_the_daily_digest_sends_one_email_with_every_item(personas, smtp):
    scenario(personas)
    preference_set(actor=Actor.cli(), workspace=personas.workspace, user=personas.owner, delivery=Delivery.DAILY)
    result = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (result.sent, result.digest) == (4, 2)
    assert smtp.to("owner@acme.test") == []
    assert ReminderSent.objects.filter(recipient="owner@acme.test", state="digest").count() == 2

    digests = digests_send(workspace=personas.workspace, today=TODAY)
    assert (digests.planned, digests.sent) == (1, 1)
    [digest] = smtp.to("owner@acme.test")
    assert digest["Subject"] == "[Acme Design] Your reminders for Wed 13 Jan 2027: 2 items"
    text = body(digest)
    assert "1. Due in 2 days, on Fri 15 Jan 2027: Home page draft" in text
    assert "2. Overdue since Sun 10 Jan 2027: Case studies" in text
    assert "Milestone:  Home page draft" in text and "Milestone:  Case studies" in text
    assert text.count("Outsourcer sends each reminder once") == 1  # one footer, not one per item
    assert not ReminderSent.objects.filter(state="digest").exists()
    digest_key = f"digest:{personas.workspace.uuid}:2027-01-13:owner@acme.test"
    assert ReminderSent.objects.filter(kind="digest", key=digest_key, state="sent").exists()

    # Once a day: a second run the same day sends nothing; nothing waits, so the next day neither.
    assert digests_send(workspace=personas.workspace, today=TODAY).sent == 0
    assert digests_send(workspace=personas.workspace, today=TODAY + dt.timedelta(days=1)).planned == 0
    assert len(smtp.to("owner@acme.test")) == 1
    # Items that come up later wait for the next day's digest.
    MilestoneFactory(
        engagement=_engagement_of(personas), title="Extra", due_on=TODAY + dt.timedelta(days=3), status="planned"
    )
    reminders_send(workspace=personas.workspace, today=TODAY)
    assert digests_send(workspace=personas.workspace, today=TODAY).already == 1
    assert digests_send(workspace=personas.workspace, today=TODAY + dt.timedelta(days=1)).sent == 1
    assert smtp.to("owner@acme.test")[-1]["Subject"] == "[Acme Design] Your reminders for Thu 14 Jan 2027: 1 item"


def _engagement_of(personas):
    from outsourcer.engagements.models import Engagement

    return Engagement.objects.get(workspace=personas.workspace, title="Website copy")


def test_reminders_turned_off_send_nothing(personas):
    scenario(personas)
    preference_set(actor=Actor.cli(), workspace=personas.workspace, user=personas.manager, delivery=Delivery.OFF)
    result = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (result.sent, result.off) == (4, 2)
    assert "manager@acme.test" not in {m.to[0] for m in mail.outbox}
    assert not ReminderSent.objects.filter(recipient="manager@acme.test").exists()
    # Switching back on later: what is still current reaches them then.
    preference_set(actor=Actor.cli(), workspace=personas.workspace, user=personas.manager, delivery=Delivery.EACH)
    assert reminders_send(workspace=personas.workspace, today=TODAY).sent == 2


def test_turning_reminders_off_drops_what_waited_for_the_digest(personas):
    scenario(personas)
    preference_set(actor=Actor.cli(), workspace=personas.workspace, user=personas.owner, delivery=Delivery.DAILY)
    reminders_send(workspace=personas.workspace, today=TODAY)
    assert ReminderSent.objects.filter(state="digest").count() == 2
    preference_set(actor=Actor.cli(), workspace=personas.workspace, user=personas.owner, delivery=Delivery.OFF)
    assert not ReminderSent.objects.filter(state="digest").exists()
    assert digests_send(workspace=personas.workspace, today=TODAY).planned == 0


def test_preferences_are_per_workspace_validated_and_audited(personas):
    ws, owner = personas.workspace, personas.owner
    other = personas.other_workspace
    MembershipFactory(workspace=other, user=owner, role=Role.MANAGER)
    preference_set(actor=Actor.cli(owner), workspace=ws, user=owner, delivery=Delivery.DAILY)
    assert ReminderPreference.objects.get(workspace=ws, user=owner).delivery == "daily"
    assert not ReminderPreference.objects.filter(workspace=other, user=owner).exists()
    entry = AuditEntry.objects.get(workspace=ws, action="reminders.preference")
    assert entry.changes == {"delivery": [None, "daily"]}
    assert entry.object_repr == "Reminder settings: one daily digest"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        preference_set(actor=Actor.cli(), workspace=ws, user=owner, delivery="weekly")
    assert refused.value.message_dict == {"delivery": ["Choose one of: as they happen, one daily digest, never."]}
    with pytest.raises(ValidationError):
        preference_set(actor=Actor.cli(), workspace=ws, user=personas.outsider, delivery="off")


# --- Failures -----------------------------------------------------------------------------------------


def test_a_failed_send_releases_the_claim_and_the_next_run_retries(personas, smtp, caplog):
    scenario(personas)
    smtp.refuse = {"manager@acme.test"}
    with caplog.at_level(logging.WARNING, logger="outsourcer.reminders.services"):
        result = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (result.sent, result.failed) == (4, 2)
    assert smtp.to("manager@acme.test") == []
    assert not ReminderSent.objects.filter(recipient="manager@acme.test").exists()  # released
    logged = caplog.text
    assert "not sent (SMTPRecipientsRefused); released for the next run" in logged
    assert "manager@acme.test" not in logged and "Home page draft" not in logged  # no addresses or contents

    smtp.refuse = set()
    again = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (again.sent, again.already, again.failed) == (2, 4, 0)
    assert len(smtp.to("manager@acme.test")) == 2


def test_a_failed_digest_keeps_its_items_for_the_next_try(personas, smtp):
    scenario(personas)
    preference_set(actor=Actor.cli(), workspace=personas.workspace, user=personas.owner, delivery=Delivery.DAILY)
    reminders_send(workspace=personas.workspace, today=TODAY)
    smtp.refuse = {"owner@acme.test"}
    assert digests_send(workspace=personas.workspace, today=TODAY).failed == 1
    assert not ReminderSent.objects.filter(kind="digest").exists()
    assert ReminderSent.objects.filter(recipient="owner@acme.test", state="digest").count() == 2
    smtp.refuse = set()
    assert digests_send(workspace=personas.workspace, today=TODAY).sent == 1
    assert len(smtp.to("owner@acme.test")) == 1


def test_a_server_that_cannot_be_reached_releases_every_claim(personas):
    scenario(personas)
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=free_port()
    ):
        result = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (result.sent, result.failed) == (0, 6)
    assert not ReminderSent.objects.exists()


def test_a_claim_left_by_a_worker_that_died_is_released_after_half_an_hour(personas):
    _engagement, soon, _late = scenario(personas)
    key = reminder_key("due_soon", soon.uuid, soon.due_on, "owner@acme.test")
    stuck = ReminderSent.objects.create(
        workspace=personas.workspace, key=key, kind="due_soon", recipient="owner@acme.test", subject_line="x", body="x"
    )
    assert reminders_send(workspace=personas.workspace, today=TODAY).already == 1  # fresh: another worker's
    ReminderSent.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - STALE_CLAIM - dt.timedelta(seconds=1))
    assert reminders_send(workspace=personas.workspace, today=TODAY).sent == 1
    assert ReminderSent.objects.get(key=key).state == "sent"


@pytest.mark.django_db
def test_inside_an_outer_transaction_emails_wait_for_its_commit(personas, django_capture_on_commit_callbacks):
    scenario(personas)
    with django_capture_on_commit_callbacks() as callbacks:
        reminders_send(workspace=personas.workspace, today=TODAY)
        assert mail.outbox == []  # claimed, but nothing leaves before the commit
    assert len(callbacks) == 6
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 6


# --- Jobs, the scheduler and the command ----------------------------------------------------------


def test_the_tasks_cover_every_workspace_and_the_digest_waits_for_the_working_day(personas):
    from outsourcer.core.timezones import today_in

    acme, _soon, _late = scenario(personas)
    # The scenario's check-in is dated after the real today, so it does not count yet (as in the health
    # check); one today keeps Acme from being silent.
    CheckInFactory(engagement=acme, on=today_in(personas.workspace.time_zone))
    other = WorkspaceFactory(name="Beta", time_zone="Europe/Paris")
    MembershipFactory(workspace=other, user=UserFactory(email="boss@beta.test"), role="owner")
    engagement = EngagementFactory(contractor=ContractorFactory(workspace=other, email=""), status="active")
    CheckInFactory(engagement=engagement, on=today_in("Europe/Paris"))
    MilestoneFactory(engagement=engagement, title="Late", due_on=today_in("Europe/Paris") - dt.timedelta(days=1))
    assert send_due_reminders.call() == 1  # Acme's dates are weeks away yet
    assert mail.outbox[0].to == ["boss@beta.test"]
    assert mail.outbox[0].subject.startswith("[Beta] Overdue since ")

    ws = personas.workspace
    ws.work_start = dt.time(9, 0)
    ws.save()
    assert not digest_hour_reached(workspace=ws, now=_at(TODAY, 8))
    assert digest_hour_reached(workspace=ws, now=_at(TODAY, 9))
    preference_set(actor=Actor.cli(), workspace=ws, user=personas.owner, delivery=Delivery.DAILY)
    ReminderSent.objects.create(
        workspace=ws,
        key="k",
        kind="due_soon",
        recipient="owner@acme.test",
        subject_line="[Acme Design] S",
        body="B",
        state="digest",
    )
    assert digests_send_all(workspaces=[ws], now=_at(TODAY, 8)).planned == 0  # before the working day
    assert digests_send_all(workspaces=[ws], now=_at(TODAY, 22, "Asia/Tokyo")).planned == 0  # 8:00 in New York
    assert digests_send_all(workspaces=[ws], now=_at(TODAY, 10)).sent == 1
    assert mail.outbox[-1].subject == "[Acme Design] Your reminders for Wed 13 Jan 2027: 1 item"
    assert send_daily_digests.call() == 0  # already sent today, wherever that is


def test_the_scheduler_enqueues_the_reminders(personas):
    from outsourcer.core.timezones import today_in

    today = today_in(personas.workspace.time_zone)
    engagement = EngagementFactory(
        contractor=ContractorFactory(workspace=personas.workspace, email=""), status="active", start_on=today
    )
    MilestoneFactory(engagement=engagement, title="Tomorrow's", due_on=today + dt.timedelta(days=1))
    call_command("scheduler", "--once")  # the test settings run jobs at once
    assert sorted(m.to[0] for m in mail.outbox) == sorted(BUSINESS)
    assert {m.subject for m in mail.outbox} == {"[Acme Design] Due tomorrow: Tomorrow's"}


def test_the_command_dry_run_lists_and_sends_nothing(personas, capsys):
    scenario(personas)
    call_command("reminders", "--once", "--as-of", TODAY.isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert "Reminders (dry run: nothing sent)" in out
    assert "Due in 2 days, on Fri 15 Jan 2027: Home page draft" in out
    assert "contractor@acme.test" in out
    assert "6 reminder(s) and 0 digest(s) due; nothing sent (--dry-run)." in out
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_the_command_sends_once_and_reports(personas, capsys):
    scenario(personas)
    preference_set(actor=Actor.cli(), workspace=personas.workspace, user=personas.owner, delivery=Delivery.DAILY)
    call_command("reminders", "--once", "--as-of", TODAY.isoformat(), "--workspace", "Acme Design")
    out = capsys.readouterr().out
    assert "Reminders: 4 sent, 2 kept for a digest, 0 sent before, 0 turned off, 0 failed. Digests: 1 sent" in out
    call_command("reminders", "--once", "--as-of", TODAY.isoformat())
    assert "Reminders: 0 sent, 0 kept for a digest, 6 sent before" in capsys.readouterr().out
    assert len(mail.outbox) == 5


@pytest.mark.parametrize("every", ["100000000000", "0", "10081", "soon"])
def test_the_command_refuses_an_interval_it_cannot_wait(every, capsys):
    from outsourcer.reminders.management.commands.reminders import Command

    with pytest.raises(SystemExit) as refused:  # as from the command line: argparse's exit status
        Command().run_from_argv(["outsourcer", "reminders", "--every", every])
    assert refused.value.code == 2
    assert f"argument --every: give whole minutes from 1 to 10080 (a week), not {every!r}" in capsys.readouterr().err
    assert mail.outbox == [] and not ReminderSent.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "13/01/2027"], "--as-of must be a date as YYYY-MM-DD, not '13/01/2027'."),
        (["--as-of", "1900-01-01"], "--as-of must be within ten years of today."),
        (["--workspace", "No such"], "No workspace named 'No such'."),
    ],
)
def test_the_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError) as refused:
        call_command("reminders", "--once", *args)
    assert str(refused.value) == message
    assert refused.value.returncode == 2


# --- Invoices to pay ------------------------------------------------------------------------------------


def payments_scenario(p: Personas):
    """Acme owes Rosa (a preferred contractor, who signs in to the portal) and Ben: one approved invoice due in
    three days, one scheduled in four, one received (unchecked) due tomorrow, one approved a day overdue, and
    ones paid, disputed or long overdue; Ben has a received invoice whose computed due date passed yesterday."""
    from outsourcer.payments.services import invoice_create, invoice_set_status

    ws = p.workspace
    actor = Actor.cli()
    rosa = ContractorFactory(workspace=ws, name="Rosa Lind", portal_user=p.contractor, stage="preferred")
    ben = ContractorFactory(workspace=ws, name="Ben Ode", stage="approved")
    work = EngagementFactory(contractor=rosa, title="Website copy", status="active")
    books = EngagementFactory(contractor=ben, title="Bookkeeping", status="active", payment_terms_days=14)
    for engagement in (work, books):
        CheckInFactory(engagement=engagement, on=TODAY)

    def owed(engagement, number, status, due_in=None, **data):
        if due_in is not None:
            data["due_on"] = TODAY + dt.timedelta(days=due_in)
        received = data.pop("received_on", TODAY - dt.timedelta(days=40))
        invoice = invoice_create(
            actor=actor, engagement=engagement,
            data={"number": number, "amount": Decimal("500.00"), "received_on": received, **data},
        )  # fmt: skip
        steps = {"approved": ["approved"], "scheduled": ["approved", "scheduled"], "paid": ["approved", "paid"]}
        for step in steps.get(status, [status] if status != "received" else []):
            extra = {"paid_on": TODAY - dt.timedelta(days=2), "channel": "ach"} if step == "paid" else {}
            if step == "disputed":
                extra = {"note": "Wrong amount."}
            invoice = invoice_set_status(actor=actor, invoice=invoice, status=step, **extra)
        return invoice

    soon = owed(work, "R-1", "approved", due_in=3)
    owed(work, "R-2", "scheduled", due_in=4)  # not within three days yet
    owed(work, "R-3", "received", due_in=1)  # not approved: no "due soon" (overdue once it passes, though)
    late = owed(work, "R-4", "approved", due_in=-1)
    owed(work, "R-5", "paid", due_in=-1)
    owed(work, "R-6", "disputed", due_in=-2)  # on hold: not reminded
    owed(work, "R-7", "approved", due_in=-31)  # the health check's by now
    computed = owed(books, "B-1", "received", received_on=TODAY - dt.timedelta(days=15))  # + 14 days: yesterday
    return soon, late, computed


def test_payments_due_and_overdue_reach_owners_and_managers_once_by_smtp(personas, smtp):
    soon, late, computed = payments_scenario(personas)
    result = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (result.sent, result.failed) == (6, 0)
    assert sorted({a for _f, rcpt in smtp.envelopes for a in rcpt}) == sorted(BUSINESS)  # never the contractor
    for address in BUSINESS:
        assert smtp.subjects(address) == [
            "[Acme Design] Payment due in 3 days, on Sat 16 Jan 2027: invoice R-1 of Rosa Lind, 500.00 USD",
            "[Acme Design] Payment overdue since Tue 12 Jan 2027: invoice B-1 of Ben Ode",
            "[Acme Design] Payment overdue since Tue 12 Jan 2027: invoice R-4 of Rosa Lind, a preferred contractor",
        ]
    due = body(next(m for m in smtp.to("owner@acme.test") if "due in 3 days" in m["Subject"]))
    assert "An approved invoice is due to be paid in 3 days, on Sat 16 Jan 2027." in due
    assert "Invoice:    Invoice R-1, 500.00 USD" in due and "Why then:   stated on the invoice" in due
    assert f"https://outsourcer.example.test/w/{personas.workspace.uuid}/invoices/{soon.uuid}/" in due
    preferred = body(next(m for m in smtp.to("manager@acme.test") if "R-4" in m["Subject"]))
    assert "An invoice of Rosa Lind, one of your preferred contractors, was due on Tue 12 Jan 2027" in preferred
    assert "It is 1 day late." in preferred and "Late payments drive good contractors away" in preferred
    plain = body(next(m for m in smtp.to("owner@acme.test") if "B-1" in m["Subject"]))
    assert plain.startswith("An invoice was due on Tue 12 Jan 2027 and has not been paid. It is 1 day late.")
    assert "+ 14 days (the engagement's payment terms)" in plain and "Check and approve it" in plain
    assert "preferred" not in plain
    keys = set(ReminderSent.objects.values_list("key", flat=True))
    assert f"payment_due:{soon.uuid}:2027-01-16:owner@acme.test" in keys
    assert f"payment_overdue:{late.uuid}:2027-01-12:manager@acme.test" in keys
    assert f"payment_overdue:{computed.uuid}:2027-01-12:owner@acme.test" in keys

    # Once: the same day again, and the next day (the same due dates), send nothing new about them.
    assert reminders_send(workspace=personas.workspace, today=TODAY).sent == 0
    assert reminders_send(workspace=personas.workspace, today=TODAY + dt.timedelta(days=1)).sent == 2
    later = reminders_send(workspace=personas.workspace, today=TODAY + dt.timedelta(days=2))
    # Only what came up since: R-2 due within three days (the day before), R-3 (unchecked) overdue the day after.
    assert (later.sent, later.already) == (2, 8)
    assert sorted(str(m["Subject"]).split(": ", 1)[1] for m in smtp.to("owner@acme.test")[3:]) == [
        "invoice R-2 of Rosa Lind, 500.00 USD",
        "invoice R-3 of Rosa Lind, a preferred contractor",
    ]
    assert len(smtp.messages) == 10


def test_payment_reminders_follow_each_person_s_preference(personas):
    payments_scenario(personas)
    ws = personas.workspace
    preference_set(actor=Actor.cli(), workspace=ws, user=personas.owner, delivery=Delivery.DAILY)
    preference_set(actor=Actor.cli(), workspace=ws, user=personas.manager, delivery=Delivery.OFF)
    result = reminders_send(workspace=ws, today=TODAY)
    assert (result.sent, result.digest, result.off) == (0, 3, 3)
    assert mail.outbox == []
    digests_send(workspace=ws, today=TODAY)
    [digest] = mail.outbox
    assert digest.to == ["owner@acme.test"]
    assert digest.subject == "[Acme Design] Your reminders for Wed 13 Jan 2027: 3 items"
    assert "Payment overdue since Tue 12 Jan 2027: invoice R-4 of Rosa Lind, a preferred contractor" in digest.body
    assert "Payment due in 3 days, on Sat 16 Jan 2027: invoice R-1" in digest.body
    assert set(ReminderSent.objects.values_list("kind", flat=True)) == {"payment_due", "payment_overdue", "digest"}
