"""The engagement pages: list, form, overview and status, brief with its live score, communication,
check-ins, time with approval, ratings and customer commitments."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import (
    Brief,
    BriefVersion,
    CheckIn,
    CommunicationPlan,
    CustomerCommitment,
    Engagement,
    Rating,
    TimeEntry,
)
from outsourcer.engagements.services import iso_week_start
from tests.conftest import Personas, login_client
from tests.factories import (
    BriefFactory,
    CheckInFactory,
    CommunicationPlanFactory,
    ContractorFactory,
    CustomerCommitmentFactory,
    EngagementFactory,
    RatingFactory,
    TaskFactory,
    TimeEntryFactory,
)


def url(name: str, personas: Personas, **kwargs: object) -> str:
    return reverse(f"engagements:{name}", kwargs={"ws": personas.workspace.uuid, **kwargs})


def text(response) -> str:
    return html.unescape(response.content.decode())


def words(response) -> str:
    """The page's text without tags, spaces squeezed: what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def follow_message(client: Client, response) -> str:
    assert response.status_code == 302, response.status_code
    return words(client.get(response["Location"]))


@pytest.fixture
def owner(personas: Personas) -> Client:
    return login_client(personas.owner)


@pytest.fixture
def today(personas: Personas) -> dt.date:
    return today_in(personas.workspace.time_zone)


@pytest.fixture
def approved(personas: Personas):
    return ContractorFactory(workspace=personas.workspace, name="Rosa Díaz", stage="approved")


@pytest.fixture
def engagement(approved, today: dt.date):
    return EngagementFactory(
        contractor=approved,
        title="Rewrite the website copy",
        status="active",
        start_on=today - dt.timedelta(days=60),
        rate_model="hourly",
        rate_amount=Decimal("60.00"),
        weekly_hour_cap=Decimal("10"),
    )


# --- The list --------------------------------------------------------------------------------------


def test_list_shows_engagements_with_their_terms_and_filters(owner: Client, personas: Personas, approved, engagement):
    BriefFactory(engagement=engagement)
    other = ContractorFactory(workspace=personas.workspace, name="Omar Haddad", stage="trial")
    draft = EngagementFactory(contractor=other, title="Bookkeeping trial", kind="trial", status="draft")
    paused = EngagementFactory(contractor=other, title="Monthly newsletter", kind="ongoing", status="paused")
    done = EngagementFactory(contractor=approved, title="Logo refresh", status="completed")

    page = words(owner.get(url("list", personas)))
    assert "4 engagements" in page
    assert "Rewrite the website copy" in page and "Rosa Díaz" in page
    assert "60.00 USD/h at most 10 h a week" in page
    assert "100/100" in page  # the full brief's score
    assert "No brief" in page
    assert "New engagement" in page

    running = words(owner.get(url("list", personas), {"status": "running"}))
    assert "Rewrite the website copy" in running and paused.title in running
    assert draft.title not in running and done.title not in running

    by_kind = words(owner.get(url("list", personas), {"kind": "trial"}))
    assert draft.title in by_kind and engagement.title not in by_kind

    by_contractor = words(owner.get(url("list", personas), {"contractor": str(other.uuid)}))
    assert draft.title in by_contractor and paused.title in by_contractor and done.title not in by_contractor

    searched = words(owner.get(url("list", personas), {"q": "logo"}))
    assert "1 engagement matching" in searched and done.title in searched

    nothing = owner.get(url("list", personas), {"q": "zzz"})
    assert "No engagement matches these filters" in words(nothing)


def test_sidebar_links_engagements_and_commitments(owner: Client, personas: Personas):
    page = text(owner.get(url("list", personas)))
    assert f'href="{url("list", personas)}" aria-current="page">Engagements</a>' in page
    assert 'Engagements <span class="tag">soon</span>' not in page
    commitments = text(owner.get(url("commitments", personas)))
    assert f'href="{url("commitments", personas)}" aria-current="page">Commitments</a>' in commitments
    assert f'href="{url("list", personas)}" aria-current="page"' not in commitments


def test_a_bad_filter_is_a_400_not_a_500(owner: Client, personas: Personas):
    response = owner.get(url("list", personas), {"status": "nonsense"})
    assert response.status_code == 400
    assert "could not be read" in words(response)


# --- New, edit, delete ------------------------------------------------------------------------------

NEW = {
    "title": "Quarterly bookkeeping",
    "kind": "project",
    "start_on": "2026-11-02",
    "end_on": "2026-12-18",
    "rate_model": "hourly",
    "rate_amount": "55.00",
    "weekly_hour_cap": "12",
    "retainer_included_hours": "30",  # not used by an hourly rate: dropped
    "commission_base": "sales",  # likewise
    "rate_currency": "eur",
    "budget_cap": "4000",
    "payment_terms_days": "14",
}


def test_new_engagement_is_prefilled_and_created(owner: Client, personas: Personas, approved):
    task = TaskFactory(workspace=personas.workspace, name="Monthly bookkeeping")
    commitment = CustomerCommitmentFactory(workspace=personas.workspace, title="Year-end books")
    page = text(owner.get(url("new", personas), {"contractor": str(approved.uuid), "task": str(task.uuid)}))
    assert f'<option value="{approved.uuid}" selected>Rosa Díaz (Approved)</option>' in page
    assert 'value="Monthly bookkeeping"' in page  # the task names the work
    assert re.search(rf'value="{task.uuid}"[^>]*checked', page)
    assert "not approved yet" not in page

    data = {
        **NEW,
        "contractor": str(approved.uuid),
        "tasks": [str(task.uuid)],
        "customer_commitment": str(commitment.uuid),
    }
    response = owner.post(url("new", personas), data)
    created = Engagement.objects.get(title="Quarterly bookkeeping")
    assert response["Location"] == url("brief", personas, engagement=created.uuid)
    assert (created.contractor, created.status, created.rate_model) == (approved, "draft", "hourly")
    assert (created.rate_amount, created.weekly_hour_cap, created.rate_currency) == (Decimal(55), Decimal(12), "EUR")
    assert created.retainer_included_hours is None and created.commission_base == ""
    assert (created.budget_cap, created.payment_terms_days) == (Decimal(4000), 14)
    assert list(created.tasks.all()) == [task] and created.customer_commitment == commitment
    assert "Opened “Quarterly bookkeeping” with Rosa Díaz as a draft." in follow_message(owner, response)


def test_new_engagement_warns_for_a_contractor_not_approved(owner: Client, personas: Personas):
    vetting = ContractorFactory(workspace=personas.workspace, name="Lee Park", stage="vetting")
    page = words(owner.get(url("new", personas), {"contractor": str(vetting.uuid)}))
    assert "Lee Park is not approved yet (stage: vetting)" in page
    response = owner.post(url("new", personas), {**NEW, "contractor": str(vetting.uuid)})
    assert Engagement.objects.filter(contractor=vetting).count() == 1
    assert "Lee Park is not approved yet (vetting)" in follow_message(owner, response)


def test_a_blocked_contractor_is_neither_offered_nor_accepted(owner: Client, personas: Personas):
    blocked = ContractorFactory(workspace=personas.workspace, name="Blocked Person", stage="blocked")
    page = owner.get(url("new", personas), {"contractor": str(blocked.uuid)})
    assert "Blocked Person is blocked" in words(page)
    assert f'<option value="{blocked.uuid}"' not in text(page)
    response = owner.post(url("new", personas), {**NEW, "contractor": str(blocked.uuid)})
    assert response.status_code == 400
    assert "blocked contractors are not offered" in words(response)
    assert not Engagement.objects.filter(contractor=blocked).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end_on": "2026-10-01"}, "An engagement cannot end before it starts."),
        ({"rate_model": "commission", "commission_percent": ""}, "A commission needs its percentage."),
        ({"rate_currency": "E"}, "Ensure this value has at least 3 characters"),
        ({"title": ""}, "This field is required."),
        ({"start_on": "1899-12-31"}, "Give a date between 1 January 1900 and 31 December 2999."),
        ({"end_on": "9999-12-31"}, "Give a date between 1 January 1900 and 31 December 2999."),
    ],
)
def test_new_engagement_refuses_bad_input(owner: Client, personas: Personas, approved, change, message):
    response = owner.post(url("new", personas), {**NEW, "contractor": str(approved.uuid), **change})
    assert response.status_code == 400
    assert message in words(response)
    assert not Engagement.objects.exists()


def test_edit_changes_terms_and_links(owner: Client, personas: Personas, engagement):
    task = TaskFactory(workspace=personas.workspace, name="Website copy")
    page = text(owner.get(url("edit", personas, engagement=engagement.uuid)))
    assert 'value="Rewrite the website copy"' in page and 'name="contractor"' not in page
    data = {
        **NEW,
        "title": "Website copy, round two",
        "rate_model": "fixed",
        "rate_amount": "2500",
        "tasks": [str(task.uuid)],
    }
    response = owner.post(url("edit", personas, engagement=engagement.uuid), data)
    engagement.refresh_from_db()
    assert response["Location"] == url("detail", personas, engagement=engagement.uuid)
    assert (engagement.title, engagement.rate_model, engagement.rate_amount) == (
        "Website copy, round two",
        "fixed",
        2500,
    )
    assert engagement.weekly_hour_cap is None  # a fixed price has no weekly cap
    assert list(engagement.tasks.all()) == [task]

    bad = owner.post(url("edit", personas, engagement=engagement.uuid), {**data, "end_on": "2020-01-01"})
    assert bad.status_code == 400 and "cannot end before it starts" in words(bad)
    engagement.refresh_from_db()
    assert engagement.end_on == dt.date(2026, 12, 18)


def test_only_a_draft_is_deleted(owner: Client, personas: Personas, approved, engagement):
    draft = EngagementFactory(contractor=approved, title="Never started", status="draft")
    assert "goes away with its brief" in words(owner.get(url("delete", personas, engagement=draft.uuid)))
    response = owner.post(url("delete", personas, engagement=draft.uuid))
    assert response["Location"] == url("list", personas)
    assert not Engagement.objects.filter(pk=draft.pk).exists()

    refused = owner.post(url("delete", personas, engagement=engagement.uuid))
    assert refused.status_code == 400
    assert "Only a draft engagement can be deleted" in words(refused)
    assert Engagement.objects.filter(pk=engagement.pk).exists()


# --- The overview and its status ------------------------------------------------------------------


def test_overview_shows_terms_brief_plan_hours_check_in_and_ratings(
    owner: Client, personas: Personas, engagement, today: dt.date
):
    task = TaskFactory(workspace=personas.workspace, name="Website copy")
    engagement.tasks.add(task)
    BriefFactory(engagement=engagement, out_of_scope="", constraints="")
    CommunicationPlanFactory(engagement=engagement, needs_overlap_hours=Decimal("3"))
    CheckInFactory(engagement=engagement, on=today, kind="meeting", notes="Went through the first draft")
    TimeEntryFactory(engagement=engagement, worked_on=today, hours=Decimal("4"), status="approved")
    TimeEntryFactory(engagement=engagement, worked_on=today, hours=Decimal("2.5"), status="submitted")
    RatingFactory(engagement=engagement, overall=4, text="Clear writer")

    page = words(owner.get(url("detail", personas, engagement=engagement.uuid)))
    assert "Active" in page and "Pause" in page and "Mark as completed" in page and "Terminate" in page
    assert "Start the work" not in page
    assert "60.00 USD an hour, at most 10 h a week" in page
    assert "80 out of 100 complete" in page and "Missing: Out of scope, Constraints." in page
    assert "Maya Chen" in page and "Email, Video call" in page and "3 h a day" in page
    assert "6.5 h of the 10 h cap" in page and "4 h approved, 2.5 h waiting" in page
    assert "Meeting on" in page and "Went through the first draft" in page
    assert "Website copy" in page
    assert "4 /5" in page and "Clear writer" in page
    assert "Rate this engagement" not in page  # only once it has ended


def test_status_moves_along_the_allowed_path(owner: Client, personas: Personas, approved):
    draft = EngagementFactory(contractor=approved, status="draft")
    assert "Start the work" in words(owner.get(url("detail", personas, engagement=draft.uuid)))
    response = owner.post(url("status", personas, engagement=draft.uuid), {"status": "active"})
    assert response["Location"] == url("detail", personas, engagement=draft.uuid)
    draft.refresh_from_db()
    assert draft.status == "active"

    wrong = owner.post(url("status", personas, engagement=draft.uuid), {"status": "draft"})
    assert wrong.status_code == 400
    assert "A active engagement cannot become draft" in words(wrong)
    garbage = owner.post(url("status", personas, engagement=draft.uuid), {"status": "finished"})
    assert garbage.status_code == 400 and "Choose one of the next steps" in words(garbage)
    draft.refresh_from_db()
    assert draft.status == "active"

    owner.post(url("status", personas, engagement=draft.uuid), {"status": "terminated", "reason": "Budget cut"})
    draft.refresh_from_db()
    assert (draft.status, draft.ended_reason) == ("terminated", "Budget cut")
    assert "Why it ended: Budget cut" in words(owner.get(url("detail", personas, engagement=draft.uuid)))


def test_rating_a_completed_engagement(owner: Client, personas: Personas, approved):
    done = EngagementFactory(contractor=approved, status="completed")
    page = words(owner.get(url("detail", personas, engagement=done.uuid)))
    assert "Rate this engagement" in page and "Would you hire them again?" in page
    data = {
        "on": "2026-12-20",
        "overall": "5",
        "quality": "4",
        "timeliness": "5",
        "communication": "3",
        "value_for_money": "4",
        "would_rehire": "yes",
        "text": "On time, every time.",
        "shared_with_contractor": "on",
    }
    response = owner.post(url("rating_new", personas, engagement=done.uuid), data)
    rating = Rating.objects.get(engagement=done)
    assert (rating.overall, rating.quality, rating.timeliness, rating.communication) == (5, 4, 5, 3)
    assert (rating.value_for_money, rating.would_rehire, rating.shared_with_contractor) == (4, True, True)
    assert "Rated Rosa Díaz: 5 out of 5. It is shown to them in their portal." in follow_message(owner, response)

    bad = owner.post(url("rating_new", personas, engagement=done.uuid), {**data, "overall": ""})
    assert bad.status_code == 400 and "Choose an overall score from 1 to 5." in words(bad)
    assert Rating.objects.filter(engagement=done).count() == 1


# --- The brief ------------------------------------------------------------------------------------

BRIEF = {
    "goals": "Win more local customers through a clearer website.",
    "context": "We are a ten-person studio; most customers come from referrals.",
    "deliverables": "Home page copy\n\nThree case studies\n",
    "acceptance_criteria": "Reads at grade 8 or below\nUses our tone guide",
    "out_of_scope": "Visual design.",
    "constraints": "Plain English.",
}


def test_brief_is_saved_with_one_line_per_item(owner: Client, personas: Personas, engagement):
    page = text(owner.get(url("brief", personas, engagement=engagement.uuid)))
    assert f'hx-post="{url("brief_score", personas, engagement=engagement.uuid)}"' in page
    assert 'hx-trigger="input delay:400ms, keyup delay:400ms"' in page
    assert "<strong data-brief-score>0</strong> out of 100" in page
    assert "X-CSRFToken" in page  # htmx posts carry the token

    response = owner.post(url("brief", personas, engagement=engagement.uuid), BRIEF)
    brief = Brief.objects.get(engagement=engagement)
    assert brief.deliverables == ["Home page copy", "Three case studies"]
    assert brief.acceptance_criteria == ["Reads at grade 8 or below", "Uses our tone guide"]
    assert "Saved the brief; it scores 100 out of 100." in follow_message(owner, response)


def test_brief_with_too_many_lines_is_refused(owner: Client, personas: Personas, engagement):
    many = "\n".join(f"Item {i}" for i in range(101))
    response = owner.post(url("brief", personas, engagement=engagement.uuid), {**BRIEF, "deliverables": many})
    assert response.status_code == 400
    assert "At most 100 lines." in words(response)
    assert not Brief.objects.filter(engagement=engagement).exists()


def test_live_score_is_of_the_posted_unsaved_text(owner: Client, personas: Personas, engagement):
    BriefFactory(engagement=engagement)  # saved: 100
    typed = {"goals": "Win more local customers through a clearer website.", "deliverables": "Home page copy"}
    response = owner.post(url("brief_score", personas, engagement=engagement.uuid), typed, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = words(response)
    assert "45 out of 100" in body  # goals 25 + deliverables 20
    assert "Acceptance criteria" in body and "Missing" in body
    assert "<html" not in text(response)  # a fragment for the panel
    thin = owner.post(url("brief_score", personas, engagement=engagement.uuid), {"goals": "logo"})
    assert "12 out of 100" in words(thin) and "A few words are not enough." in words(thin)
    assert Brief.objects.get(engagement=engagement).goals.startswith("Win more")  # nothing saved


def test_sending_the_brief_versions_it(owner: Client, personas: Personas, engagement, mailoutbox):
    owner.post(url("brief", personas, engagement=engagement.uuid), BRIEF)
    response = owner.post(url("brief_send", personas, engagement=engagement.uuid), {"note": "First go"})
    version = BriefVersion.objects.get(brief__engagement=engagement)
    assert (version.number, version.note, version.sent_by) == (1, "First go", personas.owner)
    assert "Sent version 1 of the brief to Rosa Díaz, by email and in their portal." in follow_message(owner, response)

    again = owner.post(url("brief_send", personas, engagement=engagement.uuid), {"note": ""})
    assert again.status_code == 400
    assert "Version 1 was sent already and nothing changed since." in words(again)

    owner.post(
        url("brief", personas, engagement=engagement.uuid), {**BRIEF, "constraints": "Plain English; no jargon."}
    )
    page = words(owner.get(url("brief", personas, engagement=engagement.uuid)))
    assert "The brief changed since version 1 was sent." in page
    assert "Version 1 · " in page and "by owner@acme.test" in page and "Plain English." in page  # readable
    owner.post(url("brief_send", personas, engagement=engagement.uuid), {"note": "No jargon"})
    assert BriefVersion.objects.filter(brief__engagement=engagement).count() == 2
    assert "The brief changed since" not in words(owner.get(url("brief", personas, engagement=engagement.uuid)))


def test_an_empty_brief_cannot_be_sent(owner: Client, personas: Personas, engagement):
    response = owner.post(url("brief_send", personas, engagement=engagement.uuid), {})
    assert response.status_code == 400 and "Write the brief before sending it." in words(response)
    assert not BriefVersion.objects.exists()


# --- Communication --------------------------------------------------------------------------------

PLAN = {
    "point_person": "Maya Chen",
    "escalation_contact": "Sam Ortiz",
    "channels": ["email", "chat"],
    "important_topics_channel": "video",
    "cadence": "weekly",
    "needs_overlap_hours": "3",
}


def test_communication_plan_is_saved_and_overlap_checked(owner: Client, personas: Personas, engagement):
    page = words(owner.get(url("communication", personas, engagement=engagement.uuid)))
    assert "Worst day, next 30 days 7 h on" in page  # New York and Chicago, 9 to 5 each
    response = owner.post(url("communication", personas, engagement=engagement.uuid), PLAN)
    plan = CommunicationPlan.objects.get(engagement=engagement)
    assert (plan.point_person, plan.channels, plan.important_topics_channel) == (
        "Maya Chen",
        ["email", "chat"],
        "video",
    )
    assert plan.needs_overlap_hours == Decimal(3)
    assert "Enough: even the worst day shares the 3 h you need." in follow_message(owner, response)


def test_overlap_that_falls_short_is_said(owner: Client, personas: Personas, today: dt.date):
    far = ContractorFactory(workspace=personas.workspace, name="Kenji Sato", time_zone="Asia/Tokyo", stage="approved")
    engagement = EngagementFactory(contractor=far)
    CommunicationPlanFactory(engagement=engagement, needs_overlap_hours=Decimal("2.5"))
    page = words(owner.get(url("communication", personas, engagement=engagement.uuid)))
    assert "Falls short by 2 h 30 min." in page and "you share only 0 h with Kenji Sato" in page


def test_communication_refuses_bad_input(owner: Client, personas: Personas, engagement):
    response = owner.post(
        url("communication", personas, engagement=engagement.uuid), {**PLAN, "needs_overlap_hours": "30"}
    )
    assert response.status_code == 400 and "less than or equal to 24" in words(response)
    bad_channel = owner.post(url("communication", personas, engagement=engagement.uuid), {**PLAN, "channels": ["fax"]})
    assert bad_channel.status_code == 400 and "Select a valid choice" in words(bad_channel)
    assert not CommunicationPlan.objects.exists()


# --- Check-ins ------------------------------------------------------------------------------------


def test_check_ins_are_logged_edited_and_deleted(owner: Client, personas: Personas, engagement, today: dt.date):
    data = {"on": today.isoformat(), "kind": "feedback", "initiated_by": "us", "notes": "Tone is right"}
    response = owner.post(url("check_ins", personas, engagement=engagement.uuid), data)
    check_in = CheckIn.objects.get(engagement=engagement)
    assert (check_in.kind, check_in.initiated_by, check_in.created_by) == ("feedback", "us", personas.owner)
    page = follow_message(owner, response)
    assert "Logged the feedback of" in page and "Tone is right" in page
    assert "0 days since the last check-in" in page

    edit = url("check_in_edit", personas, check_in=check_in.uuid)
    owner.post(edit, {**data, "kind": "meeting", "notes": "Call about tone"})
    check_in.refresh_from_db()
    assert (check_in.kind, check_in.notes) == ("meeting", "Call about tone")

    bad = owner.post(edit, {**data, "on": "not a date"})
    assert bad.status_code == 400 and "Enter a valid date." in words(bad)
    check_in.refresh_from_db()
    assert check_in.on == today

    owner.post(edit, {"delete": "1"})
    assert not CheckIn.objects.filter(pk=check_in.pk).exists()


def test_check_in_summary_counts_pushing_and_silence(owner: Client, personas: Personas, engagement, today):
    for day in range(7):
        CheckInFactory(engagement=engagement, on=today - dt.timedelta(days=day + 20), initiated_by="us")
    page = words(owner.get(url("check_ins", personas, engagement=engagement.uuid)))
    assert "20 days since the last check-in" in page and "It has gone quiet" in page
    assert "0 status requests or meetings started by you, against at most 6" in page

    for day in range(7):
        CheckInFactory(
            engagement=engagement, on=today - dt.timedelta(days=day), initiated_by="us", kind="status_request"
        )
    page = words(owner.get(url("check_ins", personas, engagement=engagement.uuid)))
    assert "7 status requests or meetings started by you, against at most 6 (your policy: 3 a week)" in page
    assert "more than the policy allows" in page and "Not silent." in page


def test_a_check_in_without_a_kind_is_refused(owner: Client, personas: Personas, engagement):
    response = owner.post(url("check_ins", personas, engagement=engagement.uuid), {"on": "2026-11-02"})
    assert response.status_code == 400 and "This field is required." in words(response)
    assert not CheckIn.objects.exists()


# --- Time -----------------------------------------------------------------------------------------


def test_time_is_logged_approved_and_locked(owner: Client, personas: Personas, engagement, today: dt.date):
    data = {"worked_on": today.isoformat(), "hours": "3.5", "description": "Case studies", "submit": "on"}
    response = owner.post(url("time", personas, engagement=engagement.uuid), data)
    entry = TimeEntry.objects.get(engagement=engagement)
    assert (entry.status, entry.hours, entry.created_by) == ("submitted", Decimal("3.5"), personas.owner)
    assert "Logged 3.5 h on" in follow_message(owner, response)

    response = owner.post(url("time_entry_decide", personas, time_entry=entry.uuid), {"decision": "approve"})
    entry.refresh_from_db()
    assert (entry.status, entry.decided_by) == ("approved", personas.owner)
    page = follow_message(owner, response)
    assert "Approved 3.5 h of" in page and "the entry is locked now" in page
    assert "Locked, approved by owner@acme.test" in page

    detail = text(owner.get(url("time_entry", personas, time_entry=entry.uuid)))
    assert "the entry is locked and can no longer change" in html.unescape(detail)
    assert 'name="hours"' in detail and "disabled" in detail and 'value="save"' not in detail
    refused = owner.post(url("time_entry", personas, time_entry=entry.uuid), {"action": "delete"})
    assert refused.status_code == 400 and "This time entry was approved and is locked." in words(refused)
    changed = owner.post(
        url("time_entry", personas, time_entry=entry.uuid),
        {"action": "save", "worked_on": today.isoformat(), "hours": "9"},
    )
    assert changed.status_code == 400
    entry.refresh_from_db()
    assert entry.hours == Decimal("3.5") and TimeEntry.objects.filter(pk=entry.pk).exists()


def test_rejecting_needs_a_reason_and_a_draft_can_be_submitted(owner: Client, personas: Personas, engagement, today):
    draft = owner.post(
        url("time", personas, engagement=engagement.uuid), {"worked_on": today.isoformat(), "hours": "2"}
    )
    entry = TimeEntry.objects.get(engagement=engagement)
    assert entry.status == "draft" and "kept as a draft" in follow_message(owner, draft)
    owner.post(url("time_entry", personas, time_entry=entry.uuid), {"action": "submit"})
    entry.refresh_from_db()
    assert entry.status == "submitted"

    silent = owner.post(url("time_entry_decide", personas, time_entry=entry.uuid), {"decision": "reject"})
    assert silent.status_code == 400 and "Say why the hours are rejected" in words(silent)
    entry.refresh_from_db()
    assert entry.status == "submitted"
    garbage = owner.post(url("time_entry_decide", personas, time_entry=entry.uuid), {"decision": "maybe"})
    assert garbage.status_code == 400 and "Choose to approve or reject" in words(garbage)

    owner.post(url("time_entry_decide", personas, time_entry=entry.uuid), {"decision": "reject", "reason": "Not ours"})
    entry.refresh_from_db()
    assert (entry.status, entry.rejection_reason) == ("rejected", "Not ours")
    assert "Why: Not ours" in words(owner.get(url("time", personas, engagement=engagement.uuid)))
    twice = owner.post(url("time_entry_decide", personas, time_entry=entry.uuid), {"decision": "approve"})
    assert twice.status_code == 400 and "Only hours waiting for approval" in words(twice)


@pytest.mark.parametrize(
    ("change", "message"),
    [({"hours": "30"}, "less than or equal to 24"), ({"hours": "0"}, "greater than or equal to 0.01")],
)
def test_time_refuses_bad_input(owner: Client, personas: Personas, engagement, today, change, message):
    data = {"worked_on": today.isoformat(), "hours": "2", **change}
    response = owner.post(url("time", personas, engagement=engagement.uuid), data)
    assert response.status_code == 400 and message in words(response)
    assert not TimeEntry.objects.exists()


def test_time_before_the_start_or_on_a_draft_is_refused(owner: Client, personas: Personas, approved, engagement):
    early = owner.post(url("time", personas, engagement=engagement.uuid), {"worked_on": "2000-01-03", "hours": "2"})
    assert early.status_code == 400 and "The engagement starts on" in words(early)
    draft = EngagementFactory(contractor=approved, status="draft")
    page = words(owner.get(url("time", personas, engagement=draft.uuid)))
    assert "Hours can be logged while the engagement is active or paused" in page
    refused = owner.post(url("time", personas, engagement=draft.uuid), {"worked_on": "2026-11-02", "hours": "2"})
    assert refused.status_code == 400 and "only be logged on an engagement in progress" in words(refused)
    assert not TimeEntry.objects.exists()


def test_weekly_cap_is_drawn_for_eight_weeks(owner: Client, personas: Personas, engagement, today: dt.date):
    monday = iso_week_start(today)
    TimeEntryFactory(engagement=engagement, worked_on=monday, hours=Decimal("8"), status="approved")
    TimeEntryFactory(engagement=engagement, worked_on=monday, hours=Decimal("4"), status="submitted")
    TimeEntryFactory(
        engagement=engagement, worked_on=monday - dt.timedelta(weeks=3), hours=Decimal("5"), status="approved"
    )
    TimeEntryFactory(
        engagement=engagement, worked_on=monday - dt.timedelta(weeks=9), hours=Decimal("7"), status="approved"
    )
    response = owner.get(url("time", personas, engagement=engagement.uuid))
    page = words(response)
    assert "Cap: 10 h a week" in page
    assert "12 h of 10 h · 4 h waiting over the cap by 2 h" in page
    assert "5 h of 10 h (50%)" in page
    assert "7 h of 10 h" not in page  # nine weeks ago: outside the eight shown
    assert text(response).count('class="cap-bar"') == 8
    assert text(response).count("cap-bar__cap") == 8


# --- Customer commitments --------------------------------------------------------------------------


def test_commitments_are_created_listed_edited_and_deleted(owner: Client, personas: Personas, engagement):
    data = {
        "customer": "Harbor Bakery",
        "title": "New website live",
        "promised_on": "2027-02-01",
        "buffer_days": "3",
        "status": "open",
    }
    response = owner.post(url("commitment_new", personas), data)
    commitment = CustomerCommitment.objects.get(customer="Harbor Bakery")
    assert (commitment.title, commitment.buffer_days) == ("New website live", 3)
    assert "Added the promise “New website live” to Harbor Bakery." in follow_message(owner, response)

    engagement.customer_commitment = commitment
    engagement.save()
    page = words(owner.get(url("commitments", personas)))
    assert "Harbor Bakery" in page and "1 Feb 2027" in page and "Rewrite the website copy · Rosa Díaz" in page
    edit_page = words(owner.get(url("commitment", personas, commitment=commitment.uuid)))
    assert "Engagements serving it" in edit_page and "Rewrite the website copy" in edit_page

    owner.post(url("commitment", personas, commitment=commitment.uuid), {**data, "status": "delivered"})
    commitment.refresh_from_db()
    assert commitment.status == "delivered"

    CustomerCommitmentFactory(workspace=personas.workspace, ref="taken")
    clash = owner.post(url("commitment", personas, commitment=commitment.uuid), {**data, "ref": "taken"})
    assert clash.status_code == 400 and "Another commitment already uses the ref 'taken'." in words(clash)
    commitment.refresh_from_db()
    assert commitment.ref != "taken"

    owner.post(url("commitment", personas, commitment=commitment.uuid), {"delete": "1"})
    assert not CustomerCommitment.objects.filter(pk=commitment.pk).exists()
    engagement.refresh_from_db()
    assert engagement.customer_commitment is None


def test_a_commitment_without_a_date_is_refused(owner: Client, personas: Personas):
    response = owner.post(url("commitment_new", personas), {"customer": "X", "title": "Y", "buffer_days": "0"})
    assert response.status_code == 400 and "This field is required." in words(response)
    assert not CustomerCommitment.objects.exists()


@pytest.mark.parametrize("promised_on", ["0001-01-03", "1899-12-31", "3000-01-01", "9999-12-31"])
def test_a_commitment_dated_beyond_the_range_is_refused(owner: Client, personas: Personas, promised_on):
    data = {"customer": "X", "title": "Y", "promised_on": promised_on, "buffer_days": "365", "status": "open"}
    response = owner.post(url("commitment_new", personas), data)
    assert response.status_code == 400
    assert "Give a date between 1 January 1900 and 31 December 2999." in words(response)
    assert not CustomerCommitment.objects.exists()
    page = owner.get(url("commitment_new", personas)).content.decode()
    assert 'min="1900-01-01"' in page and 'max="2999-12-31"' in page  # the browser's date picker knows too


# --- Who may do what ------------------------------------------------------------------------------


def test_a_viewer_reads_but_cannot_post(personas: Personas, approved, engagement, today: dt.date):
    viewer = login_client(personas.viewer)
    entry = TimeEntryFactory(engagement=engagement, worked_on=today, status="submitted")
    page = words(viewer.get(url("list", personas)))
    assert "Rewrite the website copy" in page and "New engagement" not in page
    brief_page = text(viewer.get(url("brief", personas, engagement=engagement.uuid)))
    assert "Only owners and managers can write the brief" in brief_page and "hx-post" not in brief_page
    time_page = text(viewer.get(url("time", personas, engagement=engagement.uuid)))
    assert 'value="approve"' not in time_page and "Log hours" not in time_page

    posts = [
        (url("new", personas), {**NEW, "contractor": str(approved.uuid)}),
        (url("brief", personas, engagement=engagement.uuid), BRIEF),
        (url("status", personas, engagement=engagement.uuid), {"status": "paused"}),
        (url("time_entry_decide", personas, time_entry=entry.uuid), {"decision": "approve"}),
        (url("commitment_new", personas), {"customer": "X", "title": "Y", "promised_on": "2027-01-01"}),
    ]
    for target, data in posts:
        assert viewer.post(target, data).status_code == 403, target
    entry.refresh_from_db()
    engagement.refresh_from_db()
    assert entry.status == "submitted" and engagement.status == "active"
    assert Engagement.objects.count() == 1 and not Brief.objects.exists() and not CustomerCommitment.objects.exists()


def test_another_workspaces_engagement_is_not_found(owner: Client, personas: Personas):
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    assert owner.get(url("detail", personas, engagement=foreign.uuid)).status_code == 404
    assert owner.post(url("brief_score", personas, engagement=foreign.uuid), {"goals": "x"}).status_code == 404


# --- The contractor page --------------------------------------------------------------------------


def test_contractor_page_lists_engagements_and_offers_a_new_one(
    owner: Client, personas: Personas, approved, engagement
):
    page = text(
        owner.get(reverse("vetting:contractor", kwargs={"ws": personas.workspace.uuid, "contractor": approved.uuid}))
    )
    assert f'href="{url("detail", personas, engagement=engagement.uuid)}"' in page
    assert f'href="{url("new", personas)}?contractor={approved.uuid}"' in page


def test_a_draft_entry_is_corrected_and_deleted(owner: Client, personas: Personas, engagement, today: dt.date):
    entry = TimeEntryFactory(engagement=engagement, worked_on=today, hours=Decimal("2"), status="rejected")
    page = words(owner.get(url("time_entry", personas, time_entry=entry.uuid)))
    assert "Rejected:" in page and "Correct it and submit it again." in page
    target = url("time_entry", personas, time_entry=entry.uuid)
    response = owner.post(
        target, {"action": "save", "worked_on": today.isoformat(), "hours": "2.75", "description": "x"}
    )
    entry.refresh_from_db()
    assert (entry.hours, entry.status) == (Decimal("2.75"), "draft")  # an edited rejection is a draft again
    assert response["Location"] == url("time", personas, engagement=engagement.uuid)
    bad = owner.post(target, {"action": "save", "worked_on": today.isoformat(), "hours": "-1"})
    assert bad.status_code == 400 and "greater than or equal to 0.01" in words(bad)
    owner.post(target, {"action": "delete"})
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()


def test_trusted_contractors_are_offered_first(owner: Client, personas: Personas, approved):
    ContractorFactory(workspace=personas.workspace, name="Aaron Able", stage="prospect")
    ContractorFactory(workspace=personas.workspace, name="Zoe Zed", stage="preferred")
    page = text(owner.get(url("new", personas)))
    order = [page.index(name) for name in ("Zoe Zed (Preferred)", "Rosa Díaz (Approved)", "Aaron Able (prospect)")]
    assert order == sorted(order)
    assert '<optgroup label="Approved or preferred">' in page and '<optgroup label="Not approved yet">' in page
