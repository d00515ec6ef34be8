"""The contractor portal: each contractor sees their own work and nothing else; members see a preview.

Two contractors of one workspace, each linked to their own user: every row of the other is a 404,
drafts and unshared feedback stay hidden, the portal shows the brief as sent (never later edits), work
and hours go in through the services, and the invitation on the contractor's page leads a new person
all the way into their own portal.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from outsourcer.accounts.models import Membership, Role, User
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables.models import Milestone, Submission, SubmissionFile
from outsourcer.engagements.models import Engagement, TimeEntry
from outsourcer.engagements.services import brief_save, brief_send
from tests.conftest import PASSWORD, Personas, login_client
from tests.factories import (
    CommunicationPlanFactory,
    ContractorFactory,
    EngagementFactory,
    MembershipFactory,
    MilestoneFactory,
    RatingFactory,
    ReviewFactory,
    SubmissionFactory,
    TimeEntryFactory,
    UserFactory,
    WorkspaceFactory,
)

BRIEF = {
    "goals": "Win more local customers through a clearer website for the studio.",
    "context": "A ten-person studio; most customers come from referrals and the site undersells us.",
    "deliverables": ["Home page copy", "Three case studies"],
    "acceptance_criteria": ["Reads at grade 8 or below", "Uses our tone guide"],
    "out_of_scope": "Visual design.",
    "constraints": "Plain English.",
}


@dataclass
class Two:
    """Ana and Ben, two contractors of Acme, each with their own portal account."""

    personas: Personas
    ana_user: User
    ben_user: User
    ana: Contractor
    ben: Contractor
    ana_work: Engagement
    ana_draft: Engagement
    ben_work: Engagement
    ana_milestone: Milestone
    ben_milestone: Milestone
    ana_entry: TimeEntry
    ben_entry: TimeEntry
    ana_file: SubmissionFile
    ben_file: SubmissionFile

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"ws": self.personas.workspace.uuid, **kwargs})


def _attach(submission: Submission, name: str, content: bytes) -> SubmissionFile:
    attachment = SubmissionFile(workspace=submission.workspace, submission=submission, name=name, size=len(content))
    attachment.file.save(name, SimpleUploadedFile(name, content), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def two(personas: Personas) -> Two:
    ws = personas.workspace
    ben_user = UserFactory(email="ben@studio.test")
    MembershipFactory(user=ben_user, workspace=ws, role=Role.CONTRACTOR)
    ana = ContractorFactory(
        workspace=ws, name="Ana Writer", email=personas.contractor.email, portal_user=personas.contractor
    )
    ben = ContractorFactory(workspace=ws, name="Ben Builder", email=ben_user.email, portal_user=ben_user)
    ana_work = EngagementFactory(
        contractor=ana, title="Website copy", budget_cap=Decimal("987654.00"), payment_terms_days=14
    )
    ana_draft = EngagementFactory(contractor=ana, title="Secret draft plan", status="draft")
    ben_work = EngagementFactory(contractor=ben, title="Shop rebuild")
    ana_milestone = MilestoneFactory(engagement=ana_work, title="Home page draft", status="in_progress")
    ben_milestone = MilestoneFactory(engagement=ben_work, title="Checkout flow", status="submitted")
    ana_entry = TimeEntryFactory(engagement=ana_work, status="draft", description="Ana's interviews")
    ben_entry = TimeEntryFactory(engagement=ben_work, status="draft", description="Ben's migrations")
    ana_file = _attach(SubmissionFactory(milestone=ana_milestone), "ana.txt", b"ana's notes")
    ben_file = _attach(SubmissionFactory(milestone=ben_milestone), "ben.txt", b"ben's notes")
    ana_milestone.status = "in_progress"
    ana_milestone.save()
    return Two(
        personas, personas.contractor, ben_user, ana, ben, ana_work, ana_draft, ben_work,
        ana_milestone, ben_milestone, ana_entry, ben_entry, ana_file, ben_file,
    )  # fmt: skip


# --- Isolation: the heart of the portal --------------------------------------------------------------


def test_each_contractor_sees_only_their_own_engagements(two: Two):
    ana_home = login_client(two.ana_user).get(two.url("portal:home")).content.decode()
    assert "Website copy" in ana_home and "Home page draft" in ana_home
    assert "Shop rebuild" not in ana_home and "Checkout flow" not in ana_home
    assert "Secret draft plan" not in ana_home  # a draft whose brief was never sent is not shown
    assert "Preview of the contractor portal" not in ana_home
    ben_home = login_client(two.ben_user).get(two.url("portal:home")).content.decode()
    assert "Shop rebuild" in ben_home and "Website copy" not in ben_home
    # The preview's chooser means nothing to a contractor: asking for Ben still shows Ana her own work.
    asked = login_client(two.ana_user).get(two.url("portal:home") + f"?contractor={two.ben.uuid}")
    assert "Website copy" in asked.content.decode() and "Shop rebuild" not in asked.content.decode()


def test_another_contractors_rows_are_not_found(two: Two):
    ana = login_client(two.ana_user)
    foreign = [
        two.url("portal:engagement", engagement=two.ben_work.uuid),
        two.url("portal:engagement", engagement=two.ana_draft.uuid),  # her own, but a draft with no brief sent
        two.url("portal:time", engagement=two.ben_work.uuid),
        two.url("portal:milestone", milestone=two.ben_milestone.uuid),
        two.url("portal:time_entry", time_entry=two.ben_entry.uuid),
        two.url("portal:submission_file", submission_file=two.ben_file.uuid),
    ]
    for url in foreign:
        assert ana.get(url).status_code == 404, url
    # Writing to them is as absent as reading them, and nothing changes.
    assert ana.post(foreign[3], {"text": "Mine now"}).status_code == 404
    assert ana.post(foreign[4], {"action": "delete"}).status_code == 404
    assert ana.post(foreign[2], {"worked_on": "2026-11-18", "hours": "2"}).status_code == 404
    assert TimeEntry.objects.filter(pk=two.ben_entry.pk).exists()
    assert not Submission.objects.filter(milestone=two.ben_milestone, text="Mine now").exists()
    # Her own rows open.
    for url in (
        two.url("portal:engagement", engagement=two.ana_work.uuid),
        two.url("portal:time", engagement=two.ana_work.uuid),
        two.url("portal:milestone", milestone=two.ana_milestone.uuid),
        two.url("portal:time_entry", time_entry=two.ana_entry.uuid),
    ):
        assert ana.get(url).status_code == 200, url


def test_files_download_only_for_their_owner(two: Two):
    response = login_client(two.ana_user).get(two.url("portal:submission_file", submission_file=two.ana_file.uuid))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"ana's notes"
    assert 'attachment; filename="ana.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert (
        login_client(two.ben_user).get(two.url("portal:submission_file", submission_file=two.ana_file.uuid)).status_code
        == 404
    )


def test_a_contractor_is_refused_the_staff_pages(two: Two):
    client = login_client(two.ana_user)
    pages = [
        ("vetting:directory", {}),
        ("vetting:contractor", {"contractor": two.ana.uuid}),
        ("planning:plan", {}),
        ("workspace:settings", {}),
        ("workspace:members", {}),
        ("checks:dashboard", {}),
        ("engagements:list", {}),
        ("engagements:detail", {"engagement": two.ana_work.uuid}),
        ("engagements:brief", {"engagement": two.ana_work.uuid}),
        ("engagements:time", {"engagement": two.ana_work.uuid}),
        ("deliverables:list", {}),
        ("deliverables:milestone", {"milestone": two.ana_milestone.uuid}),
        ("deliverables:submission_file", {"submission_file": two.ana_file.uuid}),
    ]
    checked = 0
    for name, kwargs in pages:
        try:
            url = two.url(name, **kwargs)
        except NoReverseMatch:  # a page another part of the app has not added yet
            continue
        assert client.get(url).status_code == 403, url
        checked += 1
    assert checked >= 6
    assert client.post(two.url("vetting:contractor_portal_invite", contractor=two.ben.uuid)).status_code == 403


def test_the_dashboard_sends_a_contractor_to_the_portal(two: Two):
    response = login_client(two.ana_user).get(two.url("workspace:dashboard"))
    assert response.status_code == 302 and response["Location"] == two.url("portal:home")
    page = login_client(two.ana_user).get(response["Location"]).content.decode()
    assert "My work" in page and "Portal home" in page
    assert two.url("planning:plan") not in page and two.url("workspace:settings") not in page
    owner = login_client(two.personas.owner).get(two.url("workspace:dashboard"))
    assert owner.status_code == 200 and "My work" not in owner.content.decode()


# --- What the engagement page shows, and what it keeps back -------------------------------------------


def test_the_engagement_page_shows_the_sent_brief_not_later_edits(two: Two):
    owner = Actor(user=two.personas.owner, face="web")
    brief_save(actor=owner, engagement=two.ana_work, data=BRIEF)
    brief_send(actor=owner, engagement=two.ana_work, note="First round")
    brief_save(actor=owner, engagement=two.ana_work, data={"goals": "A rewrite nobody has sent yet, still unsent."})
    page = login_client(two.ana_user).get(two.url("portal:engagement", engagement=two.ana_work.uuid)).content.decode()
    assert "Version 1, sent on" in page and "First round" in page
    assert BRIEF["goals"] in page and "Reads at grade 8 or below" in page
    assert "A rewrite nobody has sent yet" not in page
    # The terms that are theirs, and none of the business's own numbers.
    assert "1500.00 USD" in page and "within 14 days" in page
    assert "987654" not in page


def test_without_a_sent_brief_the_portal_says_so(two: Two):
    brief_save(actor=Actor(user=two.personas.owner, face="web"), engagement=two.ben_work, data=BRIEF)  # never sent
    page = login_client(two.ben_user).get(two.url("portal:engagement", engagement=two.ben_work.uuid)).content.decode()
    assert "No brief has been sent yet" in page and BRIEF["goals"] not in page


def test_only_shared_reviews_and_ratings_reach_the_contractor(two: Two):
    ReviewFactory(milestone=two.ana_milestone, feedback="Shared: tighten the intro.", shared_with_contractor=True,
                  decision="revision_requested", criteria=["Reads at grade 8 or below", "Uses our tone guide"],
                  criteria_met=[True, False])  # fmt: skip
    ReviewFactory(milestone=two.ana_milestone, feedback="Internal: maybe not rehire.", shared_with_contractor=False)
    RatingFactory(engagement=two.ana_work, text="Shared rating: great to work with.", shared_with_contractor=True)
    RatingFactory(engagement=two.ana_work, text="Internal rating: slow replies.", shared_with_contractor=False)
    client = login_client(two.ana_user)
    page = client.get(two.url("portal:engagement", engagement=two.ana_work.uuid)).content.decode()
    assert "Shared: tighten the intro." in page and "Shared rating: great to work with." in page
    assert "Internal: maybe not rehire." not in page and "Internal rating: slow replies." not in page
    assert "Revision requested" in page and "Not met" in page
    milestone_page = client.get(two.url("portal:milestone", milestone=two.ana_milestone.uuid)).content.decode()
    assert "Shared: tighten the intro." in milestone_page and "Internal: maybe not rehire." not in milestone_page


def test_contacts_come_from_the_communication_plan_and_the_owners(two: Two):
    CommunicationPlanFactory(engagement=two.ana_work, point_person="Maya Chen", escalation_contact="Sam Ortiz")
    page = login_client(two.ana_user).get(two.url("portal:home")).content.decode()
    assert "Maya Chen" in page and "Sam Ortiz" in page and two.personas.owner.email in page
    assert "Video call" in page  # the channel for important topics, in words


def test_the_home_page_lists_what_needs_the_contractor(two: Two):
    today = today_in(two.personas.workspace.time_zone)
    MilestoneFactory(engagement=two.ana_work, title="Due very soon", due_on=today + dt.timedelta(days=3))
    MilestoneFactory(engagement=two.ana_work, title="Missed it", due_on=today - dt.timedelta(days=2))
    MilestoneFactory(engagement=two.ana_work, title="Far away", due_on=today + dt.timedelta(days=90))
    MilestoneFactory(engagement=two.ana_work, title="Sent back", status="revision_requested")
    TimeEntryFactory(engagement=two.ana_work, status="rejected", rejection_reason="Outside the agreed scope")
    owner = Actor(user=two.personas.owner, face="web")
    brief_save(actor=owner, engagement=two.ana_work, data=BRIEF)
    brief_send(actor=owner, engagement=two.ana_work)
    page = login_client(two.ana_user).get(two.url("portal:home")).content.decode()
    needs = page[page.index("Needs your attention") : page.index("Your engagements")]
    assert "Due very soon" in needs and "Due in 3 days" in needs
    assert "Missed it" in needs and "Overdue by 2 days" in needs
    assert "Sent back" in needs and "Sent back for a revision" in needs
    assert "Outside the agreed scope" in needs
    assert "Brief version 1 for Website copy" in needs
    assert "Far away" not in needs


def test_the_home_page_costs_the_same_queries_for_more_work(two: Two):
    client = login_client(two.ana_user)
    url = two.url("portal:home")

    def grow(n: int) -> None:
        for i in range(n):
            engagement = EngagementFactory(contractor=two.ana)
            CommunicationPlanFactory(engagement=engagement)
            MilestoneFactory(engagement=engagement, status=("planned", "revision_requested")[i % 2])
            TimeEntryFactory(engagement=engagement, status="rejected", rejection_reason="No")
            brief_save(actor=Actor.cli(), engagement=engagement, data=BRIEF)
            brief_send(actor=Actor.cli(), engagement=engagement)

    grow(2)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(12)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large) <= 25


# --- Delivering work --------------------------------------------------------------------------------


def test_submitting_work_in_the_portal_sends_the_milestone_to_review(two: Two):
    client = login_client(two.ana_user)
    url = two.url("portal:milestone", milestone=two.ana_milestone.uuid)
    upload = SimpleUploadedFile("copy.txt", b"The home page copy, final.", content_type="text/plain")
    response = client.post(
        url,
        {
            "text": "Here is the home page copy.",
            "links": "https://docs.example.test/copy\nhttps://docs.example.test/notes",
            "note": "Second round",
            "uploads": [upload],
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    two.ana_milestone.refresh_from_db()
    assert two.ana_milestone.status == "submitted"
    submission = two.ana_milestone.submissions.get(text="Here is the home page copy.")
    assert submission.links == ["https://docs.example.test/copy", "https://docs.example.test/notes"]
    assert submission.submitted_by == two.ana_user
    attachment = submission.files.get()
    page = client.get(url).content.decode()
    assert "Submitted “Home page draft”" in page
    assert two.url("portal:submission_file", submission_file=attachment.uuid) in page
    download = client.get(two.url("portal:submission_file", submission_file=attachment.uuid))
    assert b"".join(download.streaming_content) == b"The home page copy, final."


def test_an_empty_or_bad_submission_is_refused_with_reasons(two: Two):
    client = login_client(two.ana_user)
    url = two.url("portal:milestone", milestone=two.ana_milestone.uuid)
    empty = client.post(url, {"text": "  "})
    assert empty.status_code == 400 and "Submit some text, a link or a file." in empty.content.decode()
    bad = client.post(url, {"links": "ftp://files.example.test/x"})
    assert bad.status_code == 400 and "Not a web address" in bad.content.decode()
    two.ana_milestone.refresh_from_db()
    assert two.ana_milestone.status == "in_progress" and two.ana_milestone.submissions.count() == 1


def test_a_date_sent_with_portal_work_is_ignored_the_work_is_dated_today(two: Two):
    client = login_client(two.ana_user)
    url = two.url("portal:milestone", milestone=two.ana_milestone.uuid)
    response = client.post(url, {"text": "Revised copy", "submitted_on": "1900-01-01"})
    assert response.status_code == 302
    today = today_in(two.personas.workspace.time_zone)
    submission = two.ana_milestone.submissions.get(text="Revised copy")
    assert submission.submitted_on == today
    two.ana_milestone.refresh_from_db()
    assert two.ana_milestone.submitted_on == today


def test_hours_far_in_the_future_or_past_are_refused_by_the_form(two: Two):
    client = login_client(two.ana_user)
    url = two.url("portal:time", engagement=two.ana_work.uuid)
    for day, message in (("9999-12-31", "Give a date before 3000."), ("0001-01-01", "Give a date from 1900 on.")):
        response = client.post(url, {"worked_on": day, "hours": "1"})
        assert response.status_code == 400 and message in response.content.decode()
    assert TimeEntry.objects.filter(engagement=two.ana_work).count() == 1


def test_an_accepted_milestone_takes_no_more_work(two: Two):
    two.ana_milestone.status = "accepted"
    two.ana_milestone.save()
    client = login_client(two.ana_user)
    url = two.url("portal:milestone", milestone=two.ana_milestone.uuid)
    page = client.get(url).content.decode()
    assert "it takes no more submissions" in page and "Submit for review" not in page
    response = client.post(url, {"text": "One more thing"})
    assert response.status_code == 400 and "This milestone is accepted." in response.content.decode()


# --- Previews by the business's members ----------------------------------------------------------------


def test_a_draft_shows_to_its_contractor_once_its_brief_is_sent(two: Two, django_capture_on_commit_callbacks):
    ana, ben = login_client(two.ana_user), login_client(two.ben_user)
    url = two.url("portal:engagement", engagement=two.ana_draft.uuid)
    brief_save(actor=Actor.cli(), engagement=two.ana_draft, data=BRIEF)
    assert ana.get(url).status_code == 404  # written but not sent: still the business's to prepare
    with django_capture_on_commit_callbacks(execute=True):
        brief_send(actor=Actor.cli(), engagement=two.ana_draft)
    [email] = mail.outbox
    link = next(line.strip() for line in email.body.splitlines() if "/portal/" in line)
    assert urlsplit(link).path == url
    page = ana.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Secret draft plan" in text and BRIEF["goals"] in text
    assert "Secret draft plan" in ana.get(two.url("portal:home")).content.decode()
    # Shown, but nothing is taken on it until it starts.
    refused = ana.post(two.url("portal:time", engagement=two.ana_draft.uuid), {"worked_on": "2026-11-18", "hours": "1"})
    assert refused.status_code == 400 and "logged only while the engagement is in progress" in refused.content.decode()
    assert not TimeEntry.objects.filter(engagement=two.ana_draft).exists()
    assert ben.get(url).status_code == 404  # never another contractor's


def test_the_owner_previews_one_contractor_at_a_time(two: Two):
    owner = login_client(two.personas.owner)
    page = owner.get(two.url("portal:home")).content.decode()
    assert "Preview of the contractor portal" in page
    # The first contractor (by name) with work to show: Ana; Ben's work is not mixed in.
    assert "Website copy" in page and "Shop rebuild" not in page and "Secret draft plan" not in page
    ben = owner.get(two.url("portal:home") + f"?contractor={two.ben.uuid}").content.decode()
    assert "Shop rebuild" in ben and "Website copy" not in ben
    assert "Ben Builder\N{RIGHT SINGLE QUOTATION MARK}s portal" in ben
    assert owner.get(two.url("portal:home") + f"?contractor={uuid.uuid4()}").status_code == 404
    assert owner.get(two.url("portal:home") + "?contractor=not-a-uuid").status_code == 404
    elsewhere = ContractorFactory(workspace=WorkspaceFactory())
    assert owner.get(two.url("portal:home") + f"?contractor={elsewhere.uuid}").status_code == 404
    engagement = owner.get(two.url("portal:engagement", engagement=two.ben_work.uuid)).content.decode()
    assert "Preview of the contractor portal" in engagement and "Ben Builder" in engagement
    # A draft with no brief sent stays out of the preview too: it is what the contractor would see.
    assert owner.get(two.url("portal:engagement", engagement=two.ana_draft.uuid)).status_code == 404


def test_a_viewers_preview_is_read_only(two: Two):
    viewer = login_client(two.personas.viewer)
    url = two.url("portal:milestone", milestone=two.ana_milestone.uuid)
    page = viewer.get(url).content.decode()
    assert "Preview of the contractor portal" in page and "Your role can only read" in page
    assert "Submit for review" not in page
    assert viewer.post(url, {"text": "A viewer's work"}).status_code == 403
    time_url = two.url("portal:time", engagement=two.ana_work.uuid)
    assert "Log the hours" not in viewer.get(time_url).content.decode()
    assert viewer.post(time_url, {"worked_on": "2026-11-18", "hours": "1"}).status_code == 403
    two.ana_milestone.refresh_from_db()
    assert two.ana_milestone.status == "in_progress"


def test_a_manager_may_submit_on_the_contractors_behalf(two: Two):
    manager = login_client(two.personas.manager)
    url = two.url("portal:milestone", milestone=two.ana_milestone.uuid)
    assert "Submit for review" in manager.get(url).content.decode()
    assert manager.post(url, {"text": "Sent in by the manager for Ana."}).status_code == 302
    two.ana_milestone.refresh_from_db()
    assert two.ana_milestone.status == "submitted"


# --- Hours -----------------------------------------------------------------------------------------


def test_logging_and_submitting_hours(two: Two):
    client = login_client(two.ana_user)
    url = two.url("portal:time", engagement=two.ana_work.uuid)
    response = client.post(url, {"worked_on": "2026-11-18", "hours": "2.5", "description": "Interviews"})
    assert response.status_code == 302
    draft = TimeEntry.objects.get(engagement=two.ana_work, description="Interviews")
    assert draft.status == "draft" and draft.hours == Decimal("2.50") and draft.created_by == two.ana_user
    response = client.post(url, {"worked_on": "2026-11-19", "hours": "3", "description": "Writing", "submit": "on"})
    assert TimeEntry.objects.get(description="Writing").status == "submitted"
    assert "sent for approval" in client.get(url).content.decode()
    # Correct the draft, then submit it from the table.
    entry_url = two.url("portal:time_entry", time_entry=draft.uuid)
    assert (
        client.post(
            entry_url, {"worked_on": "2026-11-18", "hours": "2", "description": "Interviews, 2 calls"}
        ).status_code
        == 302
    )
    draft.refresh_from_db()
    assert draft.hours == Decimal("2.00") and draft.description == "Interviews, 2 calls" and draft.status == "draft"
    assert client.post(entry_url, {"action": "submit"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted"
    # A submitted entry cannot be submitted twice; the reason is said.
    again = client.post(entry_url, {"action": "submit"})
    assert again.status_code == 400 and "cannot be submitted" in again.content.decode()


def test_bad_hours_are_refused(two: Two):
    client = login_client(two.ana_user)
    url = two.url("portal:time", engagement=two.ana_work.uuid)
    too_many = client.post(url, {"worked_on": "2026-11-18", "hours": "25"})
    assert too_many.status_code == 400 and "less than or equal to 24" in too_many.content.decode()
    early = client.post(url, {"worked_on": "2020-01-01", "hours": "1"})
    assert early.status_code == 400 and "The engagement starts on 2026-11-01" in early.content.decode()
    assert TimeEntry.objects.filter(engagement=two.ana_work).count() == 1


def test_an_approved_entry_is_locked(two: Two):
    entry = TimeEntryFactory(
        engagement=two.ana_work, status="approved", hours=Decimal("4.00"), decided_at=timezone.now()
    )
    client = login_client(two.ana_user)
    url = two.url("portal:time_entry", time_entry=entry.uuid)
    page = client.get(url).content.decode()
    assert "approved and are locked" in page and ">Save<" not in page
    edit = client.post(url, {"worked_on": "2026-11-17", "hours": "9", "description": "More"})
    assert edit.status_code == 400 and "This time entry was approved and is locked." in edit.content.decode()
    delete = client.post(url, {"action": "delete"})
    assert delete.status_code == 400 and "approved and is locked" in delete.content.decode()
    entry.refresh_from_db()
    assert entry.hours == Decimal("4.00") and entry.status == "approved"
    table = client.get(two.url("portal:time", engagement=two.ana_work.uuid)).content.decode()
    assert "Locked" in table


def test_a_rejected_entry_shows_why_and_can_be_corrected(two: Two):
    entry = TimeEntryFactory(engagement=two.ana_work, status="rejected", rejection_reason="Not in this week's plan")
    client = login_client(two.ana_user)
    page = client.get(two.url("portal:time", engagement=two.ana_work.uuid)).content.decode()
    assert "Not in this week&#x27;s plan" in page
    url = two.url("portal:time_entry", time_entry=entry.uuid)
    client.post(url, {"worked_on": "2026-11-17", "hours": "1", "description": "Only the call", "action": "submit"})
    entry.refresh_from_db()
    assert entry.status == "submitted" and entry.hours == Decimal("1.00") and entry.rejection_reason == ""


def test_the_weekly_cap_fills(two: Two):
    today = today_in(two.personas.workspace.time_zone)
    two.ana_work.weekly_hour_cap = Decimal("10")
    two.ana_work.start_on = today - dt.timedelta(days=30)
    two.ana_work.save()
    monday = today - dt.timedelta(days=today.weekday())
    TimeEntryFactory(engagement=two.ana_work, worked_on=monday, hours=Decimal("4.5"), status="approved")
    TimeEntryFactory(engagement=two.ana_work, worked_on=monday, hours=Decimal("3"), status="submitted")
    TimeEntryFactory(engagement=two.ana_work, worked_on=monday, hours=Decimal("6"), status="draft")  # not counted
    page = login_client(two.ana_user).get(two.url("portal:time", engagement=two.ana_work.uuid)).content.decode()
    assert "7.50 of 10 h" in page and "2.50 h left" in page
    assert "4.50 h approved" in page and "3 h waiting" in page
    TimeEntryFactory(engagement=two.ana_work, worked_on=monday, hours=Decimal("5"), status="submitted")
    page = login_client(two.ana_user).get(two.url("portal:time", engagement=two.ana_work.uuid)).content.decode()
    assert "over the cap by 2.50 h" in page


# --- The invitation, all the way into the portal -------------------------------------------------------


def _link_in(body: str) -> str:
    match = re.search(r"https?://[^\s]+", body)
    assert match, body
    return urlsplit(match.group(0)).path


def test_invite_accept_and_see_only_ones_own_work(two: Two, django_capture_on_commit_callbacks):
    ws = two.personas.workspace
    cleo = ContractorFactory(workspace=ws, name="Cleo Designer", email="cleo@design.test")
    EngagementFactory(contractor=cleo, title="Brand refresh")
    owner = login_client(two.personas.owner)
    contractor_url = two.url("vetting:contractor", contractor=cleo.uuid)
    assert "Invite to the portal" in owner.get(contractor_url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(two.url("vetting:contractor_portal_invite", contractor=cleo.uuid))
    assert response.status_code == 302 and response["Location"] == contractor_url + "#portal"
    page = owner.get(contractor_url).content.decode()
    assert "Invited Cleo Designer to the portal" in page and "has not been accepted yet" in page
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cleo@design.test"]

    visitor = Client()
    url = _link_in(mail.outbox[0].body)
    response = visitor.post(url, {"name": "Cleo", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == two.url("portal:home")
    user = User.objects.get(email="cleo@design.test")
    assert Membership.objects.get(user=user, workspace=ws).role == Role.CONTRACTOR
    cleo.refresh_from_db()
    assert cleo.portal_user == user
    home = response.content.decode()
    assert "Brand refresh" in home
    assert "Website copy" not in home and "Shop rebuild" not in home
    assert visitor.get(two.url("portal:engagement", engagement=two.ana_work.uuid)).status_code == 404

    linked = owner.get(contractor_url).content.decode()
    assert "Has portal access (cleo@design.test)" in linked and "Invite to the portal" not in linked


def test_the_invitation_is_refused_with_a_reason(two: Two):
    ws = two.personas.workspace
    owner = login_client(two.personas.owner)
    nameless = ContractorFactory(workspace=ws, name="No Mail", email="")
    response = owner.post(two.url("vetting:contractor_portal_invite", contractor=nameless.uuid))
    assert response.status_code == 400 and "Add the contractor&#x27;s email address first." in response.content.decode()
    colleague = ContractorFactory(workspace=ws, name="Our Owner", email=two.personas.owner.email)
    response = owner.post(two.url("vetting:contractor_portal_invite", contractor=colleague.uuid))
    assert response.status_code == 400 and "is a member as owner" in response.content.decode()
    response = owner.post(two.url("vetting:contractor_portal_invite", contractor=two.ana.uuid))
    assert response.status_code == 400 and "already has portal access" in response.content.decode()
    assert not mail.outbox
    assert (
        login_client(two.personas.viewer)
        .post(two.url("vetting:contractor_portal_invite", contractor=nameless.uuid))
        .status_code
        == 403
    )
    assert owner.get(two.url("vetting:contractor_portal_invite", contractor=nameless.uuid)).status_code == 405


def test_an_existing_contractor_member_is_linked_at_once(two: Two):
    ws = two.personas.workspace
    dee_user = UserFactory(email="dee@freelance.test")
    MembershipFactory(user=dee_user, workspace=ws, role=Role.CONTRACTOR)
    dee = ContractorFactory(workspace=ws, name="Dee", email="DEE@freelance.test")
    EngagementFactory(contractor=dee, title="Bookkeeping")
    response = login_client(two.personas.owner).post(two.url("vetting:contractor_portal_invite", contractor=dee.uuid))
    assert response.status_code == 302
    dee.refresh_from_db()
    assert dee.portal_user == dee_user and not mail.outbox
    assert "Bookkeeping" in login_client(dee_user).get(two.url("portal:home")).content.decode()
