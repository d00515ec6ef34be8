"""Services of the engagements stage: brief (score, versions), communication, check-ins, time, commitments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from outsourcer.engagements.briefs import brief_completeness
from outsourcer.engagements.models import BriefVersion, TimeEntry
from outsourcer.engagements.selectors import weekly_cap_use
from outsourcer.engagements.services import brief as brief_module
from outsourcer.engagements.services import (
    brief_changed_since_sent,
    brief_save,
    brief_send,
    check_in_add,
    commitment_create,
    commitment_delete,
    communication_save,
    engagement_create,
    engagement_delete,
    engagement_update,
    time_entry_add,
    time_entry_decide,
    time_entry_delete,
    time_entry_submit,
    time_entry_update,
)
from tests.factories import (
    BriefFactory,
    ContractorFactory,
    CustomerCommitmentFactory,
    EngagementFactory,
    TimeEntryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()
FULL = {
    "goals": "Bring in ten new local customers a month through the website.",
    "context": "We are a ten-person studio; referrals dried up when our biggest client moved away.",
    "deliverables": ["Home page copy", "Three case studies"],
    "acceptance_criteria": ["Reads at grade 8 or below", "Each case study names a result in numbers"],
    "out_of_scope": "Visual design and photography.",
    "constraints": "Our tone guide; no stock phrases.",
}


# --- The completeness score ----------------------------------------------------------------------


def test_a_full_brief_scores_100_with_nothing_missing():
    result = brief_completeness(FULL)
    assert (result.score, result.missing, result.thin) == (100, [], [])
    assert result.complete


def test_an_empty_brief_scores_0_and_names_every_part_heaviest_first():
    result = brief_completeness({})
    assert result.score == 0
    assert [m["part"] for m in result.missing] == [
        "goals", "deliverables", "acceptance_criteria", "context", "out_of_scope", "constraints",
    ]  # fmt: skip


def test_a_thin_goal_earns_half_and_says_why():
    result = brief_completeness({**FULL, "goals": "A logo"})
    assert result.score == 100 - 13  # 25 // 2 = 12 earned of 25
    assert result.thin[0]["part"] == "goals"
    assert "A few words are not enough" in result.thin[0]["advice"]


def test_fewer_criteria_than_deliverables_is_pointed_out_without_lowering_the_score():
    result = brief_completeness({**FULL, "acceptance_criteria": "Reads at grade 8 or below"})
    assert result.score == 100
    assert "2 deliverables but 1 acceptance criteria" in result.thin[0]["advice"]


# --- Brief, versions and sending -----------------------------------------------------------------


def test_brief_save_splits_lines_and_audits(django_capture_on_commit_callbacks):
    engagement = EngagementFactory()
    brief = brief_save(actor=ACTOR, engagement=engagement, data={**FULL, "deliverables": "One\n\n  Two  \n"})
    assert brief.deliverables == ["One", "Two"]
    assert AuditEntry.objects.filter(action="brief.save", object_uuid=engagement.uuid).count() == 1
    with pytest.raises(ValidationError) as refused:
        brief_save(actor=ACTOR, engagement=engagement, data={"budget": "1"})
    assert "budget" in refused.value.message_dict


def test_sending_versions_the_brief_and_emails_the_contractor(django_capture_on_commit_callbacks):
    engagement = EngagementFactory(contractor=ContractorFactory(email="ana@example.test"))
    brief_save(actor=ACTOR, engagement=engagement, data=FULL)
    with django_capture_on_commit_callbacks(execute=True):
        first = brief_send(actor=ACTOR, engagement=engagement, note="Start Monday")
    assert first.number == 1 and first.content["goals"] == FULL["goals"]
    [message] = mail.outbox
    assert message.to == ["ana@example.test"]
    assert "Reads at grade 8 or below" in message.body and "Start Monday" in message.body
    # Unchanged: refused. Changed: flagged, then version 2.
    with pytest.raises(ValidationError, match="Version 1 was sent already"):
        brief_send(actor=ACTOR, engagement=engagement)
    brief = brief_save(actor=ACTOR, engagement=engagement, data={"constraints": "Tone guide v2"})
    assert brief_changed_since_sent(brief)
    second = brief_send(actor=ACTOR, engagement=engagement)
    assert second.number == 2 and not brief_changed_since_sent(brief)
    assert BriefVersion.objects.get(number=1).content["constraints"] == FULL["constraints"]


def test_two_sends_at_once_are_numbered_one_after_the_other(monkeypatch):
    # SQLite runs one writer at a time, so the race itself cannot be staged here: what keeps two sends on
    # PostgreSQL from both taking the next number is that the brief row is locked before it is counted.
    engagement = EngagementFactory()
    brief_save(actor=ACTOR, engagement=engagement, data=FULL)
    locked: list[str] = []
    original = QuerySet.select_for_update

    def spy(self: QuerySet, *args: object, **kwargs: object) -> QuerySet:
        locked.append(self.model.__name__)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    counted: list[list[str]] = []
    real_latest = brief_module.brief_latest_version
    monkeypatch.setattr(
        brief_module, "brief_latest_version", lambda brief: counted.append(list(locked)) or real_latest(brief)
    )
    assert brief_send(actor=ACTOR, engagement=engagement).number == 1
    assert counted == [["Brief"]]  # the brief was locked before the latest version was looked up


def test_a_title_is_one_line_and_the_brief_email_goes_out_whatever_it_held(django_capture_on_commit_callbacks):
    engagement = EngagementFactory(contractor=ContractorFactory(email="ana@example.test"))
    engagement_update(actor=ACTOR, engagement=engagement, data={"title": " Line one\nBcc: x@evil.test\tend "})
    engagement.refresh_from_db()
    assert engagement.title == "Line one Bcc: x@evil.test end"
    for title in ("Bad\x00title", "Ring\x07"):
        with pytest.raises(ValidationError, match="cannot hold control characters"):
            engagement_update(actor=ACTOR, engagement=engagement, data={"title": title})
        with pytest.raises(ValidationError, match="cannot hold control characters"):
            engagement_create(actor=ACTOR, contractor=engagement.contractor, data={"title": title})
    # A title stored before this rule still gets its email: the subject is made one line.
    type(engagement).objects.filter(pk=engagement.pk).update(title="Old\r\ntitle")
    engagement.refresh_from_db()
    brief_save(actor=ACTOR, engagement=engagement, data=FULL)
    with django_capture_on_commit_callbacks(execute=True):
        brief_send(actor=ACTOR, engagement=engagement)
    [message] = mail.outbox
    assert message.subject == f"{engagement.workspace.name}: brief for Old title (version 1)"


def test_an_empty_brief_cannot_be_sent():
    engagement = EngagementFactory()
    with pytest.raises(ValidationError, match="Write the brief"):
        brief_send(actor=ACTOR, engagement=engagement)


# --- Communication -------------------------------------------------------------------------------


def test_communication_plan_is_validated():
    engagement = EngagementFactory()
    plan = communication_save(
        actor=ACTOR,
        engagement=engagement,
        data={"point_person": " Maya ", "channels": ["email", "email", "video"], "needs_overlap_hours": Decimal(3)},
    )
    assert (plan.point_person, plan.channels) == ("Maya", ["email", "video"])
    with pytest.raises(ValidationError, match="phone, video or in person"):
        communication_save(actor=ACTOR, engagement=engagement, data={"important_topics_channel": "email"})
    with pytest.raises(ValidationError, match="Unknown channel"):
        communication_save(actor=ACTOR, engagement=engagement, data={"channels": ["fax"]})
    with pytest.raises(ValidationError):
        communication_save(actor=ACTOR, engagement=engagement, data={"needs_overlap_hours": Decimal(25)})


# --- Check-ins and time --------------------------------------------------------------------------


def test_check_in_records_who_started_it():
    engagement = EngagementFactory()
    check_in = check_in_add(
        actor=ACTOR, engagement=engagement, data={"on": dt.date(2026, 11, 20), "kind": "meeting", "initiated_by": "us"}
    )
    assert (check_in.kind, check_in.initiated_by) == ("meeting", "us")
    with pytest.raises(ValidationError):
        check_in_add(actor=ACTOR, engagement=engagement, data={"on": dt.date(2026, 11, 20), "kind": "gossip"})


def test_time_goes_from_draft_to_submitted_to_approved_and_then_is_locked():
    engagement = EngagementFactory(rate_model="hourly", weekly_hour_cap=Decimal(10))
    entry = time_entry_add(actor=ACTOR, engagement=engagement, data={"worked_on": dt.date(2026, 11, 17), "hours": 4})
    assert entry.status == TimeEntry.Status.DRAFT
    time_entry_submit(actor=ACTOR, entry=entry)
    approver = UserFactory()
    time_entry_decide(actor=Actor(user=approver, face="web"), entry=entry, approve=True)
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == ("approved", approver)
    with pytest.raises(ValidationError, match="locked"):
        time_entry_update(actor=ACTOR, entry=entry, data={"hours": 5})
    with pytest.raises(ValidationError, match="locked"):
        time_entry_delete(actor=ACTOR, entry=entry)
    with pytest.raises(ValidationError, match="Only hours waiting"):
        time_entry_decide(actor=ACTOR, entry=entry, approve=False, reason="late")


def test_a_rejection_needs_a_reason_and_an_edit_sends_the_entry_back_to_draft():
    entry = TimeEntryFactory(status="submitted")
    with pytest.raises(ValidationError, match="Say why"):
        time_entry_decide(actor=ACTOR, entry=entry, approve=False)
    time_entry_decide(actor=ACTOR, entry=entry, approve=False, reason="Two hours were the kickoff we paid for.")
    time_entry_update(actor=ACTOR, entry=entry, data={"hours": Decimal("1.5")})
    entry.refresh_from_db()
    assert (entry.status, entry.rejection_reason, entry.hours) == ("draft", "", Decimal("1.5"))


def test_time_is_refused_outside_a_running_engagement_and_before_it_starts():
    with pytest.raises(ValidationError, match="in progress"):
        time_entry_add(
            actor=ACTOR,
            engagement=EngagementFactory(status="draft"),
            data={"worked_on": dt.date(2026, 11, 2), "hours": 1},
        )
    with pytest.raises(ValidationError, match="starts on"):
        time_entry_add(
            actor=ACTOR, engagement=EngagementFactory(), data={"worked_on": dt.date(2026, 10, 2), "hours": 1}
        )
    with pytest.raises(ValidationError):
        time_entry_add(
            actor=ACTOR, engagement=EngagementFactory(), data={"worked_on": dt.date(2026, 11, 2), "hours": 25}
        )


def test_a_stale_copy_of_an_entry_cannot_undo_an_approval_or_overwrite_an_edit():
    entry = TimeEntryFactory(status="submitted", hours=Decimal(2))
    stale = TimeEntry.objects.get(pk=entry.pk)  # the contractor's page loaded it before the approval
    time_entry_decide(actor=ACTOR, entry=TimeEntry.objects.get(pk=entry.pk), approve=True)
    with pytest.raises(ValidationError, match="approved and is locked"):
        time_entry_update(actor=ACTOR, entry=stale, data={"hours": Decimal(20)})
    with pytest.raises(ValidationError, match="approved and is locked"):
        time_entry_delete(actor=ACTOR, entry=stale)
    stale_draft = TimeEntry.objects.get(pk=entry.pk)
    stale_draft.status = TimeEntry.Status.DRAFT  # as if loaded before it was ever submitted
    with pytest.raises(ValidationError, match="approved entry cannot be submitted"):
        time_entry_submit(actor=ACTOR, entry=stale_draft)
    entry.refresh_from_db()
    assert (entry.status, entry.hours) == ("approved", Decimal(2))
    # A decision taken on a copy loaded before an edit keeps the edit: only the decision's fields are saved.
    other = TimeEntryFactory(status="submitted", hours=Decimal(2), description="Kickoff")
    seen_by_manager = TimeEntry.objects.get(pk=other.pk)
    time_entry_update(actor=ACTOR, entry=other, data={"description": "Kickoff and notes"})
    time_entry_decide(actor=ACTOR, entry=seen_by_manager, approve=False, reason="Agree the hours first.")
    other.refresh_from_db()
    assert (other.status, other.description) == ("rejected", "Kickoff and notes")
    assert seen_by_manager.description == "Kickoff and notes"  # the caller's copy shows what was stored
    second = TimeEntry.objects.get(pk=other.pk)
    second.status = TimeEntry.Status.SUBMITTED  # a second approver's stale page
    with pytest.raises(ValidationError, match="decided on these hours already"):
        time_entry_decide(actor=ACTOR, entry=second, approve=True)


def test_hours_stay_within_the_engagement_dates_and_up_to_today_on_every_path(monkeypatch):
    monkeypatch.setattr("outsourcer.engagements.services.work.today_in", lambda zone: dt.date(2026, 11, 20))
    engagement = EngagementFactory(start_on=dt.date(2026, 11, 1), end_on=dt.date(2026, 11, 30))

    def add(day: dt.date) -> TimeEntry:
        return time_entry_add(actor=ACTOR, engagement=engagement, data={"worked_on": day, "hours": 1})

    with pytest.raises(ValidationError, match=r"today \(2026-11-20\) or an earlier day"):
        add(dt.date(2026, 11, 21))
    entry = add(dt.date(2026, 11, 20))  # today is fine
    for day, words in (
        (dt.date(2026, 10, 31), r"The engagement starts on 2026-11-01\."),
        (dt.date(2026, 11, 21), "not for a day to come"),
    ):
        with pytest.raises(ValidationError, match=words):
            time_entry_update(actor=ACTOR, entry=entry, data={"worked_on": day})
        entry.refresh_from_db()
        assert entry.worked_on == dt.date(2026, 11, 20)
    ended = EngagementFactory(start_on=dt.date(2026, 11, 1), end_on=dt.date(2026, 11, 10))
    late = TimeEntryFactory(engagement=ended, worked_on=dt.date(2026, 11, 5), status="draft")
    with pytest.raises(ValidationError, match=r"The engagement ends on 2026-11-10\."):
        time_entry_update(actor=ACTOR, entry=late, data={"worked_on": dt.date(2026, 11, 11)})
    # Rows stored before these rules (or imported) are checked when they are sent for approval.
    TimeEntry.objects.filter(pk=late.pk).update(worked_on=dt.date(2026, 10, 1))
    late.refresh_from_db()
    with pytest.raises(ValidationError, match="starts on 2026-11-01"):
        time_entry_submit(actor=ACTOR, entry=late)
    assert TimeEntry.objects.get(pk=late.pk).status == "draft"


def test_hours_of_an_engagement_not_in_progress_cannot_be_corrected_or_submitted():
    engagement = EngagementFactory()
    entry = TimeEntryFactory(engagement=engagement, status="draft", worked_on=dt.date(2026, 11, 5))
    for status in ("completed", "draft"):
        type(engagement).objects.filter(pk=engagement.pk).update(status=status)
        entry = TimeEntry.objects.select_related("engagement").get(pk=entry.pk)
        with pytest.raises(ValidationError, match="only be logged on an engagement in progress"):
            time_entry_update(actor=ACTOR, entry=entry, data={"hours": Decimal(8)})
        with pytest.raises(ValidationError, match="only be logged on an engagement in progress"):
            time_entry_submit(actor=ACTOR, entry=entry)
    entry.refresh_from_db()
    assert (entry.status, entry.hours) == ("draft", Decimal("3.50"))


def test_weekly_cap_use_counts_approved_and_waiting_hours_of_that_iso_week_only():
    engagement = EngagementFactory(rate_model="hourly", weekly_hour_cap=Decimal(10))
    monday = dt.date(2026, 11, 16)
    TimeEntryFactory(engagement=engagement, worked_on=monday, hours=Decimal(6), status="approved")
    TimeEntryFactory(
        engagement=engagement, worked_on=monday + dt.timedelta(days=6), hours=Decimal(5), status="submitted"
    )
    TimeEntryFactory(
        engagement=engagement, worked_on=monday + dt.timedelta(days=7), hours=Decimal(8), status="approved"
    )
    TimeEntryFactory(engagement=engagement, worked_on=monday, hours=Decimal(3), status="rejected")
    use = weekly_cap_use(engagement=engagement, week_start=monday)
    assert (use["approved"], use["waiting"], use["left"], use["percent"], use["over"]) == (6, 5, -1, 110, True)


# --- Engagements and commitments -----------------------------------------------------------------


def test_engagement_links_a_commitment_of_its_own_workspace_only():
    contractor = ContractorFactory()
    commitment = CustomerCommitmentFactory(workspace=contractor.workspace)
    engagement = engagement_create(
        actor=ACTOR, contractor=contractor, data={"title": "Site copy", "customer_commitment": commitment}
    )
    assert engagement.customer_commitment == commitment
    foreign = CustomerCommitmentFactory()
    with pytest.raises(ValidationError, match="same workspace"):
        engagement_update(actor=ACTOR, engagement=engagement, data={"customer_commitment": foreign})
    commitment_delete(actor=ACTOR, commitment=commitment)
    engagement.refresh_from_db()
    assert engagement.customer_commitment is None


def test_only_a_draft_engagement_can_be_deleted():
    with pytest.raises(ValidationError, match="Only a draft"):
        engagement_delete(actor=ACTOR, engagement=EngagementFactory(status="active"))
    draft = EngagementFactory(status="draft")
    BriefFactory(engagement=draft)
    engagement_delete(actor=ACTOR, engagement=draft)
    assert not type(draft).objects.filter(pk=draft.pk).exists()


def test_commitment_refs_are_unique_in_a_workspace_and_made_when_missing():
    first = commitment_create(
        actor=ACTOR,
        workspace=(ws := ContractorFactory().workspace),
        data={"customer": "Harbor Bakery", "title": "Spring menu", "promised_on": dt.date(2027, 3, 1)},
    )
    assert first.ref.startswith("cc-")
    with pytest.raises(ValidationError, match="already uses the ref"):
        commitment_create(
            actor=ACTOR,
            workspace=ws,
            data={"ref": first.ref, "customer": "X", "title": "Y", "promised_on": dt.date(2027, 3, 1)},
        )
