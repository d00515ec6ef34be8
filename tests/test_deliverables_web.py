"""The deliverables pages: the milestone list, an engagement's milestones, one milestone with its review,
originality and delivery, the downloads, the customer timeline and the reference texts."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outsourcer.core.actor import Actor
from outsourcer.deliverables.charts import timeline_chart
from outsourcer.deliverables.models import Milestone, ReferenceText, Review, Submission, SubmissionFile
from outsourcer.deliverables.selectors import buffer_starts_on, commitment_timeline, working_days_before
from outsourcer.deliverables.services import originality_index_submission, submission_create
from outsourcer.engagements.services import brief_save, brief_send
from tests.conftest import Personas, login_client
from tests.factories import (
    BriefFactory,
    ContractorFactory,
    CustomerCommitmentFactory,
    EngagementFactory,
    MilestoneFactory,
    ReferenceTextFactory,
    ReviewFactory,
    SubmissionFactory,
)

TODAY = dt.date.today()
CRITERIA = ["Reads at grade 8 or below", "Uses our tone guide"]
COPY = (
    "Our studio helps neighbourhood bakeries tell their story with honest photographs, warm colours and "
    "menus that customers can read from across the room. Every project starts with a morning behind the counter."
)


OTHER_COPY = (
    "Quarterly bookkeeping for a small agency means reconciling three bank accounts, chasing two late "
    "receipts and explaining to the owner why the software thinks the coffee machine is a capital asset."
)


def url(name: str, personas: Personas, **kwargs: object) -> str:
    return reverse(f"deliverables:{name}", kwargs={"ws": personas.workspace.uuid, **kwargs})


def text(response) -> str:
    return html.unescape(response.content.decode())


def plain(response) -> str:
    """The page's words without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response)))


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def engagement(personas: Personas):
    contractor = ContractorFactory(workspace=personas.workspace, name="Rosa Díaz")
    found = EngagementFactory(contractor=contractor, title="Website copy", rate_currency="EUR")
    BriefFactory(engagement=found, acceptance_criteria=CRITERIA)
    return found


@pytest.fixture
def submitted(engagement) -> Milestone:
    milestone = MilestoneFactory(
        engagement=engagement, title="Home page", status="submitted", due_on=TODAY + dt.timedelta(days=3)
    )
    SubmissionFactory(milestone=milestone, submitted_on=TODAY, text="First line\n<script>alert(1)</script>")
    milestone.submitted_on = TODAY
    milestone.save()
    return milestone


# --- The list ------------------------------------------------------------------------------------------


def test_the_list_shows_every_milestone_with_its_facts_and_filters(personas: Personas, engagement, submitted):
    late = MilestoneFactory(
        engagement=engagement, title="Case studies", due_on=TODAY - dt.timedelta(days=4), amount=Decimal("750.00")
    )
    other = EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace, name="Ken Ito"), title="Books")
    MilestoneFactory(engagement=other, title="Ledger", due_on=TODAY + dt.timedelta(days=60), status="accepted")
    ReviewFactory(milestone=Milestone.objects.get(title="Ledger"), reviewed_on=TODAY)
    client = login_client(personas.viewer)

    page = client.get(url("list", personas))
    assert page.status_code == 200
    words = plain(page)
    assert "3 milestones" in words
    assert "Case studies" in words and "Website copy" in words and "Rosa Díaz" in words and "Ken Ito" in words
    assert "Overdue by 4 days" in words  # in words, not only in colour
    assert "750.00 EUR" in words
    assert "Waiting for our review" in words and "Accepted" in words and "Not reviewed" in words
    assert f"{TODAY:%-d %b %Y}" in words  # the latest submission's date
    assert re.search(r'href="[^"]*/deliverables/"\s+aria-current="page"', page.content.decode())

    overdue = plain(client.get(url("list", personas) + "?due=overdue"))
    assert "1 milestone match" in overdue and "Case studies" in overdue and "Ledger" not in overdue
    soon = plain(client.get(url("list", personas) + "?due=soon"))
    assert "Home page" in soon and "Ledger" not in soon and "Case studies" not in soon
    by_engagement = plain(client.get(url("list", personas) + f"?engagement={other.uuid}"))
    assert "Ledger" in by_engagement and "Home page" not in by_engagement
    by_status = plain(client.get(url("list", personas) + "?status=open"))
    assert "Case studies" in by_status and "Home page" not in by_status
    assert late.pk


def test_an_unknown_filter_is_reported_not_a_crash(personas: Personas, submitted):
    page = login_client(personas.owner).get(url("list", personas) + "?status=nonsense&due=never")
    assert page.status_code == 200
    assert "Some filters were not understood" in text(page) and "Home page" in text(page)


# --- An engagement's milestones -----------------------------------------------------------------------------


def test_milestones_are_added_edited_cancelled_and_deleted(personas: Personas, engagement):
    client = login_client(personas.manager)
    page = client.get(url("engagement_milestones", personas, engagement=engagement.uuid))
    assert page.status_code == 200
    assert "Website copy" in text(page) and "No milestones yet" in text(page)
    assert 'aria-current="page">Milestones</a>' in page.content.decode()

    bad = client.post(url("engagement_milestones", personas, engagement=engagement.uuid), {"new-title": "Draft"})
    assert bad.status_code == 400 and "This field is required" in text(bad)
    assert not Milestone.objects.exists()

    added = client.post(
        url("engagement_milestones", personas, engagement=engagement.uuid),
        {"new-title": "Draft copy", "new-due_on": "2027-01-15", "new-amount": "400"},
    )
    assert added.status_code == 302
    milestone = Milestone.objects.get()
    assert (milestone.title, milestone.due_on, milestone.amount) == ("Draft copy", dt.date(2027, 1, 15), 400)
    listed = plain(client.get(url("engagement_milestones", personas, engagement=engagement.uuid)))
    assert "Draft copy" in listed and "400.00 EUR" in listed and "15 Jan 2027" in listed

    edit = url("milestone_edit", personas, milestone=milestone.uuid)
    assert client.get(edit).status_code == 200
    saved = client.post(
        edit,
        {"action": "save", "title": "Final copy", "due_on": "2027-01-20", "amount": "450", "status": "in_progress"},
    )
    assert saved.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.title, milestone.status, milestone.amount) == ("Final copy", "in_progress", 450)

    SubmissionFactory(milestone=milestone)
    refused = client.post(edit, {"action": "delete"})
    assert refused.status_code == 400 and "cancel it instead of deleting" in text(refused)
    assert Milestone.objects.filter(pk=milestone.pk).exists()
    assert client.post(edit, {"action": "cancel"}).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).status == "cancelled"

    spare = MilestoneFactory(engagement=engagement, title="Spare")
    assert client.post(url("milestone_edit", personas, milestone=spare.uuid), {"action": "delete"}).status_code == 302
    assert not Milestone.objects.filter(pk=spare.pk).exists()


def test_a_viewer_reads_the_milestones_but_cannot_add(personas: Personas, engagement):
    client = login_client(personas.viewer)
    page = client.get(url("engagement_milestones", personas, engagement=engagement.uuid))
    assert "Only owners and managers can add milestones." in text(page)
    response = client.post(
        url("engagement_milestones", personas, engagement=engagement.uuid),
        {"new-title": "X", "new-due_on": "2027-01-15"},
    )
    assert response.status_code == 403 and not Milestone.objects.exists()


# --- One milestone: submissions ---------------------------------------------------------------------------


def test_the_milestone_page_shows_submissions_safely_latest_first(personas: Personas, submitted, media):
    [latest] = Submission.objects.filter(milestone=submitted)
    latest.delete()  # recorded again after the early draft: the latest is the last recorded
    SubmissionFactory(milestone=submitted, submitted_on=TODAY - dt.timedelta(days=9), text="An early draft")
    latest = SubmissionFactory(milestone=submitted, submitted_on=TODAY, text="First line\n<script>alert(1)</script>")
    latest.links = ["https://example.test/draft", "javascript:alert(2)"]
    latest.save()
    attachment = SubmissionFile(workspace=personas.workspace, submission=latest, name="draft.pdf", size=14)
    attachment.file.save("draft.pdf", SimpleUploadedFile("draft.pdf", b"%PDF-1.4 draft"), save=True)

    page = login_client(personas.viewer).get(url("milestone", personas, milestone=submitted.uuid))
    assert page.status_code == 200
    body = page.content.decode()
    assert "First line<br>&lt;script&gt;alert(1)&lt;/script&gt;" in body  # escaped, line breaks kept
    assert "<script>alert(1)" not in body
    assert body.index("First line") < body.index("An early draft")  # latest first
    assert 'href="https://example.test/draft"' in body
    assert 'href="javascript:' not in body and "javascript:alert(2)" in body  # shown, never linked
    assert url("submission_file", personas, submission_file=attachment.uuid) in body
    assert "draft.pdf" in body
    # A viewer gets no forms.
    assert "Record the review" not in body and "Record the delivery" not in body


def test_an_owner_records_a_submission_for_the_contractor(personas: Personas, engagement, media):
    milestone = MilestoneFactory(engagement=engagement, title="Case studies")
    client = login_client(personas.owner)
    upload = SimpleUploadedFile("cases.pdf", b"%PDF-1.4 cases", content_type="application/pdf")
    response = client.post(
        url("submission_new", personas, milestone=milestone.uuid),
        {
            "sub-submitted_on": TODAY.isoformat(),
            "sub-text": "Three case studies.",
            "sub-links": "https://example.test/a\nhttps://example.test/b",
            "sub-attachments": [upload],
            "sub-note": "Sent by email.",
        },
    )
    assert response.status_code == 302
    submission = Submission.objects.get(milestone=milestone)
    assert submission.links == ["https://example.test/a", "https://example.test/b"]
    assert submission.files.get().name == "cases.pdf" and submission.submitted_by == personas.owner
    milestone.refresh_from_db()
    assert milestone.status == "submitted"

    empty = client.post(url("submission_new", personas, milestone=milestone.uuid), {"sub-submitted_on": "2026-11-02"})
    assert empty.status_code == 400 and "Add some text, a link or a file." in text(empty)
    bad_link = client.post(
        url("submission_new", personas, milestone=milestone.uuid),
        {"sub-submitted_on": "2026-11-02", "sub-links": "ftp://example.test/x"},
    )
    assert bad_link.status_code == 400 and "Not a web address" in text(bad_link)
    assert Submission.objects.filter(milestone=milestone).count() == 1


# --- One milestone: the review ------------------------------------------------------------------------------


def _review(client, personas, milestone, **fields):
    data = {"reviewed_on": TODAY.isoformat(), "criterion_0": "met", "criterion_1": "met", "decision": "accepted"}
    data.update(fields)
    return client.post(url("review_new", personas, milestone=milestone.uuid), {k: v for k, v in data.items() if v})


def test_the_review_form_lists_each_criterion_with_met_and_not_met(personas: Personas, submitted):
    page = login_client(personas.manager).get(url("milestone", personas, milestone=submitted.uuid))
    body = text(page)
    for criterion in CRITERIA:
        assert criterion in body
    assert body.count('value="met"') == 2 and body.count('value="not_met"') == 2
    for decision in ("Accept", "Request a revision", "Reject"):
        assert decision in body
    assert "Share this feedback with the contractor" in body


def test_accepting_with_every_criterion_met_accepts_the_milestone(personas: Personas, submitted):
    client = login_client(personas.manager)
    response = _review(client, personas, submitted, feedback="Clear and on brief.", shared_with_contractor="on")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "accepted"
    review = Review.objects.get()
    assert review.criteria_met == [True, True] and review.criteria == CRITERIA and review.shared_with_contractor
    page = plain(client.get(response["Location"]))
    assert "Recorded your review of “Home page”: accepted and shared it with the contractor." in page
    assert "Met: Reads at grade 8 or below" in page and "Shared with the contractor" in page


def test_accepting_with_an_unmet_criterion_is_refused_and_stores_nothing(personas: Personas, submitted):
    response = _review(login_client(personas.owner), personas, submitted, criterion_1="not_met", feedback="Tone off")
    assert response.status_code == 400
    assert "Not every criterion is met (Uses our tone guide); request a revision instead." in text(response)
    assert not Review.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_revision_request_needs_feedback(personas: Personas, submitted):
    client = login_client(personas.owner)
    response = _review(client, personas, submitted, criterion_1="not_met", decision="revision_requested")
    assert response.status_code == 400
    assert "feedback is needed when you do not accept" in text(response)
    assert not Review.objects.exists()
    ok = _review(
        client, personas, submitted, criterion_1="not_met", decision="revision_requested", feedback="Use the guide."
    )
    assert ok.status_code == 302
    assert Milestone.objects.get(pk=submitted.pk).status == "revision_requested"


def test_every_criterion_needs_an_answer(personas: Personas, submitted):
    response = _review(login_client(personas.owner), personas, submitted, criterion_1="")
    assert response.status_code == 400 and "Say whether this criterion is met." in text(response)
    assert not Review.objects.exists()


def test_nothing_to_review_without_a_submission(personas: Personas, engagement):
    milestone = MilestoneFactory(engagement=engagement)
    response = _review(login_client(personas.owner), personas, milestone)
    assert response.status_code == 400 and "There is nothing to review" in text(response)
    assert not Review.objects.exists()


def test_a_review_is_shared_and_unshared(personas: Personas, submitted):
    review = ReviewFactory(milestone=submitted, shared_with_contractor=False, feedback="Needs a second pass.")
    client = login_client(personas.owner)
    share = url("review_share", personas, review=review.uuid)
    assert client.post(share, {"shared": "1"}).status_code == 302
    assert Review.objects.get(pk=review.pk).shared_with_contractor
    assert client.post(share, {"shared": "0"}).status_code == 302
    assert not Review.objects.get(pk=review.pk).shared_with_contractor
    assert client.post(share, {"shared": "maybe"}).status_code == 400
    assert login_client(personas.viewer).post(share, {"shared": "1"}).status_code == 403


# --- One milestone: delivery to the customer ------------------------------------------------------------


def test_delivery_without_an_accepted_review_asks_for_confirmation(personas: Personas, submitted):
    client = login_client(personas.owner)
    deliver = url("deliver", personas, milestone=submitted.uuid)
    first = client.post(deliver, {"on": TODAY.isoformat()})
    assert first.status_code == 400
    body = text(first)
    assert "No accepted review on or before this date" in body
    assert "Deliver without our own review" in body and 'type="checkbox" name="confirm_unreviewed"' in body
    assert Milestone.objects.get(pk=submitted.pk).delivered_to_customer_on is None

    confirmed = client.post(deliver, {"on": TODAY.isoformat(), "confirm_unreviewed": "on"})
    assert confirmed.status_code == 302
    assert Milestone.objects.get(pk=submitted.pk).delivered_to_customer_on == TODAY
    page = plain(client.get(confirmed["Location"]))
    assert "without our own review" in page and f"Delivered on {TODAY:%A %-d %b %Y}" in page


def test_delivery_after_an_accepted_review_goes_straight_through(personas: Personas, submitted):
    client = login_client(personas.owner)
    assert _review(client, personas, submitted).status_code == 302
    page = text(client.get(url("milestone", personas, milestone=submitted.uuid)))
    assert 'name="confirm_unreviewed"' in page and 'type="hidden" name="confirm_unreviewed"' in page
    response = client.post(url("deliver", personas, milestone=submitted.uuid), {"on": TODAY.isoformat()})
    assert response.status_code == 302
    assert Milestone.objects.get(pk=submitted.pk).delivered_to_customer_on == TODAY


# --- Downloads ---------------------------------------------------------------------------------------------------


def test_a_download_is_door_checked_and_sent_as_an_attachment(personas: Personas, submitted, media):
    latest = submitted.submissions.get()
    attachment = SubmissionFile(workspace=personas.workspace, submission=latest, name="notes.html", size=20)
    attachment.file.save("notes.html", SimpleUploadedFile("notes.html", b"<script>alert(1)</script>"), save=True)
    link = url("submission_file", personas, submission_file=attachment.uuid)

    response = login_client(personas.viewer).get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "notes.html" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/octet-stream"  # never served as a page
    assert b"".join(response.streaming_content) == b"<script>alert(1)</script>"

    assert login_client(personas.contractor).get(link).status_code == 403
    assert login_client(personas.outsider).get(link).status_code == 404
    # Another workspace's file, asked for through ours: it does not exist here.
    foreign_engagement = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    foreign_submission = SubmissionFactory(milestone=MilestoneFactory(engagement=foreign_engagement))
    foreign = SubmissionFile(workspace=personas.other_workspace, submission=foreign_submission, name="x.pdf", size=3)
    foreign.file.save("x.pdf", SimpleUploadedFile("x.pdf", b"pdf"), save=True)
    sneaky = url("submission_file", personas, submission_file=foreign.uuid)
    assert login_client(personas.owner).get(sneaky).status_code == 404


# --- Originality -------------------------------------------------------------------------------------------------


def test_the_originality_panel_shows_a_match_as_needing_review(personas: Personas, engagement):
    earlier_milestone = MilestoneFactory(engagement=engagement, title="Bakery About page", status="accepted")
    earlier = SubmissionFactory(milestone=earlier_milestone, text=COPY)
    originality_index_submission(submission=earlier)
    milestone = MilestoneFactory(engagement=engagement, title="Cafe About page", status="submitted")
    latest = SubmissionFactory(milestone=milestone, text=f"Written fresh for the cafe. {COPY}")
    client = login_client(personas.viewer)

    waiting = plain(client.get(url("milestone", personas, milestone=milestone.uuid)))
    assert "Being checked" in waiting

    originality_index_submission(submission=latest)
    page = client.get(url("milestone", personas, milestone=milestone.uuid))
    words = plain(page)
    assert "Needs review" in words
    assert re.search(r"\b\d{2,3}%", words)
    assert "Alike another submission: Bakery About page" in words
    assert COPY.rstrip(".") in text(page)  # the passage both texts share
    assert url("milestone", personas, milestone=earlier_milestone.uuid) in page.content.decode()
    assert "plagiar" not in text(page).lower()
    assert "not a finding against anyone" in words  # what the score means


def test_a_reference_text_match_names_the_reference(personas: Personas, engagement):
    reference = ReferenceTextFactory(workspace=personas.workspace, title="Our About page", text=COPY)
    from outsourcer.deliverables.services import originality_index_reference_text

    originality_index_reference_text(reference=reference)
    milestone = MilestoneFactory(engagement=engagement, status="submitted")
    latest = SubmissionFactory(milestone=milestone, text=COPY)
    originality_index_submission(submission=latest)
    words = plain(login_client(personas.owner).get(url("milestone", personas, milestone=milestone.uuid)))
    assert "Alike the reference text Our About page" in words and "100%" in words and "Needs review" in words


def test_a_match_under_the_workspace_threshold_is_not_flagged(personas: Personas, engagement):
    personas.workspace.policy = {"originality_threshold": 1.0}
    personas.workspace.save()
    earlier = SubmissionFactory(milestone=MilestoneFactory(engagement=engagement, status="accepted"), text=COPY)
    originality_index_submission(submission=earlier)
    milestone = MilestoneFactory(engagement=engagement, status="submitted")
    latest = SubmissionFactory(milestone=milestone, text=f"{COPY} And one more sentence of our own here.")
    originality_index_submission(submission=latest)
    words = plain(login_client(personas.owner).get(url("milestone", personas, milestone=milestone.uuid)))
    assert "Under your threshold" in words and "Needs review" not in words
    assert "from 100% up" in words


# --- The customer timeline ---------------------------------------------------------------------------------------


def test_working_days_skip_weekends():
    friday = dt.date(2027, 1, 29)
    assert working_days_before(friday, 3) == dt.date(2027, 1, 26)  # Tuesday
    assert working_days_before(dt.date(2027, 2, 1), 1) == friday  # Monday back to Friday
    assert working_days_before(friday, 0) == friday
    assert buffer_starts_on(CustomerCommitmentFactory.build(promised_on=friday, buffer_days=5)) == dt.date(2027, 1, 22)


def test_the_timeline_flags_a_milestone_inside_the_buffer(personas: Personas, engagement):
    promise = TODAY + dt.timedelta(days=60)
    commitment = CustomerCommitmentFactory(
        workspace=personas.workspace, customer="Harbour Bakery", title="New website", promised_on=promise, buffer_days=5
    )
    engagement.customer_commitment = commitment
    engagement.save()
    start = working_days_before(promise, 5)
    MilestoneFactory(engagement=engagement, title="Early draft", due_on=start - dt.timedelta(days=10))
    MilestoneFactory(engagement=engagement, title="Squeezed final", due_on=start + dt.timedelta(days=1))
    MilestoneFactory(engagement=engagement, title="Late extra", due_on=promise + dt.timedelta(days=2))
    MilestoneFactory(engagement=engagement, title="Forgotten", due_on=TODAY - dt.timedelta(days=1))
    CustomerCommitmentFactory(workspace=personas.workspace, title="Old promise", status="delivered")

    page = login_client(personas.viewer).get(url("timeline", personas))
    assert page.status_code == 200
    body = page.content.decode()
    words = plain(page)
    assert "New website for Harbour Bakery" in words
    assert body.index("New website") < body.index("Old promise")  # open commitments first
    assert "<svg" in body and 'role="img"' in body and "tl-buffer" in body
    rows = {m.group(1): m.group(2) for m in re.finditer(r">([^<>]+)</a></th>.*?Flag\">(.*?)</td>", body, re.S)}
    assert "Due inside the buffer" in rows["Squeezed final"]
    assert "Due after the promise" in rows["Late extra"]
    assert "Overdue" in rows["Forgotten"]
    assert "On track" in rows["Early draft"]
    assert "3 milestones at risk" in words
    assert "due inside the buffer" in body  # the flag is written beside the marker in the chart too


def test_the_timeline_explains_itself_when_there_is_nothing(personas: Personas):
    page = login_client(personas.owner).get(url("timeline", personas))
    assert page.status_code == 200 and "No customer commitments yet" in text(page)


# --- Reference texts ------------------------------------------------------------------------------------------------


def test_reference_texts_are_added_uploaded_and_deleted(personas: Personas):
    client = login_client(personas.manager)
    page = client.get(url("reference_texts", personas))
    assert page.status_code == 200 and "No reference texts yet" in text(page)

    added = client.post(
        url("reference_texts", personas), {"title": "Our About page", "source": "https://example.test", "text": COPY}
    )
    assert added.status_code == 302
    brochure_text = "Brochure text, with an é. " + OTHER_COPY
    upload = SimpleUploadedFile("brochure.txt", brochure_text.encode(), content_type="text/plain")
    uploaded = client.post(url("reference_texts", personas), {"title": "Brochure", "upload": upload})
    assert uploaded.status_code == 302
    assert ReferenceText.objects.get(title="Brochure").text == brochure_text
    listed = plain(client.get(url("reference_texts", personas)))
    assert "Our About page" in listed and "Brochure" in listed and "2 reference texts" in listed

    empty = client.post(url("reference_texts", personas), {"title": "Nothing"})
    assert empty.status_code == 400 and "Paste the text, or upload a .txt file." in text(empty)
    binary = SimpleUploadedFile("x.txt", b"\xff\xfe\x00bad", content_type="text/plain")
    refused = client.post(url("reference_texts", personas), {"title": "Bad", "upload": binary})
    assert refused.status_code == 400 and "not UTF-8 text" in text(refused)
    assert ReferenceText.objects.count() == 2

    brochure = ReferenceText.objects.get(title="Brochure")
    deleted = client.post(url("reference_text_delete", personas, reference_text=brochure.uuid))
    assert deleted.status_code == 302 and not ReferenceText.objects.filter(pk=brochure.pk).exists()
    assert (
        login_client(personas.viewer).post(url("reference_texts", personas), {"title": "X", "text": "Y"}).status_code
        == 403
    )


def test_a_submission_through_the_service_is_indexed_after_commit(
    personas: Personas, engagement, django_capture_on_commit_callbacks
):
    milestone = MilestoneFactory(engagement=engagement)
    with django_capture_on_commit_callbacks(execute=True):
        submission_create(actor=Actor.cli(), milestone=milestone, submitted_on=TODAY, text=COPY)
    page = plain(login_client(personas.owner).get(url("milestone", personas, milestone=milestone.uuid)))
    assert "No close match" in page


def test_a_timeline_over_years_keeps_its_axis_readable(personas: Personas, engagement):
    from outsourcer.deliverables.charts import timeline_chart
    from outsourcer.deliverables.selectors import commitment_timeline

    commitment = CustomerCommitmentFactory(
        workspace=personas.workspace, promised_on=dt.date(2031, 6, 30), buffer_days=0
    )
    engagement.customer_commitment = commitment
    engagement.save()
    MilestoneFactory(engagement=engagement, due_on=dt.date(2025, 1, 10), status="cancelled")
    [entry] = commitment_timeline(workspace=personas.workspace, today=dt.date(2026, 12, 1))
    chart = timeline_chart(entry, today=dt.date(2026, 12, 1))
    assert chart is not None and 3 <= len(chart.ticks) <= 12
    assert not entry.at_risk  # a cancelled milestone is never flagged
    assert [line.kind for line in chart.lines] == ["today", "promise"]  # no buffer, no buffer line
    assert chart.rows[0].paths[0][1] == "line"  # cancelled: a dash


def test_a_decided_milestone_offers_no_second_review_until_new_work_arrives(personas):
    from tests.conftest import login_client
    from tests.factories import (
        BriefFactory,
        ContractorFactory,
        EngagementFactory,
        MilestoneFactory,
        ReviewFactory,
        SubmissionFactory,
    )

    ws = personas.workspace
    engagement = EngagementFactory(contractor=ContractorFactory(workspace=ws))
    BriefFactory(engagement=engagement)
    milestone = MilestoneFactory(engagement=engagement, status="accepted")
    SubmissionFactory(milestone=milestone)
    ReviewFactory(milestone=milestone)
    client = login_client(personas.owner)
    page = client.get(f"/w/{ws.uuid}/milestones/{milestone.uuid}/").content.decode()
    assert "Record the review" not in page
    refused = client.post(
        f"/w/{ws.uuid}/milestones/{milestone.uuid}/reviews/new/",
        {"decision": "accepted", "reviewed_on": "2026-11-30", "criterion_0": "met", "criterion_1": "met"},
    )
    assert refused.status_code in (400, 409)
    assert milestone.reviews.count() == 1


# --- Fixes from review: stated dates, status by hand, sent criteria, short texts, far dates ---------------------


def test_a_recorded_submission_states_no_future_date(personas: Personas, engagement):
    milestone = MilestoneFactory(engagement=engagement, title="Case studies")
    client = login_client(personas.owner)
    page = client.get(url("milestone", personas, milestone=milestone.uuid)).content.decode()
    assert f'max="{TODAY.isoformat()}"' in page  # the date picker offers no later day
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    for day, message in ((tomorrow, "on or before today"), ("1900-01-01", "The engagement started on 1 Nov 2026")):
        refused = client.post(
            url("submission_new", personas, milestone=milestone.uuid), {"sub-submitted_on": day, "sub-text": "Work"}
        )
        assert refused.status_code == 400 and message in text(refused)
    far = client.post(
        url("submission_new", personas, milestone=milestone.uuid), {"sub-submitted_on": "0001-01-01", "sub-text": "X"}
    )
    assert far.status_code == 400 and "Give a date from 1900 on." in text(far)
    assert not Submission.objects.filter(milestone=milestone).exists()


def test_the_edit_page_cancels_only_what_is_not_decided_and_reopens_a_cancelled_one(personas: Personas, engagement):
    client = login_client(personas.manager)
    accepted = MilestoneFactory(engagement=engagement, status="accepted")
    edit = url("milestone_edit", personas, milestone=accepted.uuid)
    assert "Cancel the milestone" not in text(client.get(edit))
    refused = client.post(edit, {"action": "cancel"})
    assert refused.status_code == 400 and "This milestone is accepted; it can no longer be cancelled." in text(refused)
    assert Milestone.objects.get(pk=accepted.pk).status == "accepted"
    # A forged status on save is refused by the form (only planned and in progress are offered).
    planned = MilestoneFactory(engagement=engagement, status="planned")
    edit = url("milestone_edit", personas, milestone=planned.uuid)
    forged = client.post(edit, {"action": "save", "title": "X", "due_on": "2027-01-20", "status": "accepted"})
    assert forged.status_code == 400 and Milestone.objects.get(pk=planned.pk).status == "planned"
    assert client.post(edit, {"action": "cancel"}).status_code == 302
    page = text(client.get(edit))
    assert "Reopen the milestone" in page and "Cancel the milestone" not in page
    assert client.post(edit, {"action": "reopen"}).status_code == 302
    assert Milestone.objects.get(pk=planned.pk).status == "planned"
    assert client.post(edit, {"action": "reopen"}).status_code == 400  # planned already: nothing to reopen


def test_the_review_uses_the_sent_criteria_and_says_when_the_brief_changed(personas: Personas, submitted):
    engagement = submitted.engagement
    brief_send(actor=Actor.cli(), engagement=engagement)
    client = login_client(personas.manager)
    page = plain(client.get(url("milestone", personas, milestone=submitted.uuid)))
    assert "The brief changed since" not in page
    assert "Acceptance criteria from the brief, as sent in version 1" in page
    brief_save(actor=Actor.cli(), engagement=engagement, data={"acceptance_criteria": [*CRITERIA, "A new bar"]})
    body = text(client.get(url("milestone", personas, milestone=submitted.uuid)))
    assert "The brief changed since version 1 was sent" in body
    assert "Reviews use the version the contractor has" in body
    assert "A new bar" not in body and body.count('value="met"') == 2
    assert _review(client, personas, submitted).status_code == 302  # the two criteria sent
    assert Review.objects.get(milestone=submitted).criteria == CRITERIA


def test_a_text_too_short_to_compare_says_so(personas: Personas, submitted):
    page = plain(login_client(personas.viewer).get(url("milestone", personas, milestone=submitted.uuid)))
    assert "The latest text is too short to compare" in page and "Being checked" not in page


def test_milestone_dates_are_bounded_as_in_the_api(personas: Personas, engagement):
    client = login_client(personas.owner)
    far = client.post(
        url("engagement_milestones", personas, engagement=engagement.uuid),
        {"new-title": "Far", "new-due_on": "9999-12-31"},
    )
    assert far.status_code == 400 and "Give a date before 3000." in text(far)
    assert not Milestone.objects.exists()


def test_the_timeline_draws_dates_at_the_calendars_ends(personas: Personas, engagement):
    """Data stored or imported before the forms were bounded: the page still answers."""
    far = CustomerCommitmentFactory(workspace=personas.workspace, title="Far", promised_on=dt.date(9999, 12, 30))
    early = CustomerCommitmentFactory(
        workspace=personas.workspace, title="Early", promised_on=dt.date(1, 1, 3), buffer_days=365
    )
    engagement.customer_commitment = far
    engagement.save()
    MilestoneFactory(engagement=engagement, title="Last day", due_on=dt.date(9999, 12, 31))
    other = EngagementFactory(contractor=engagement.contractor, customer_commitment=early)
    MilestoneFactory(engagement=other, title="Now", due_on=dt.date(2026, 1, 1))
    page = login_client(personas.owner).get(url("timeline", personas))
    assert page.status_code == 200
    words = plain(page)
    assert "Last day" in words and "Now" in words and "31 Dec 9999" in words
    assert working_days_before(dt.date(1, 1, 3), 365) == dt.date.min
    [first, late] = sorted(
        commitment_timeline(workspace=personas.workspace, today=TODAY), key=lambda e: e.commitment.title
    )
    assert first.commitment.title == "Early" and late.commitment.title == "Far"
    for entry in (late, first):
        chart = timeline_chart(entry, today=TODAY)
        assert chart is not None and chart.ticks and len(chart.ticks) <= 12
