"""The vetting pages: records, document files, the board and its approval gate, the paid trial."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck
from outsourcer.engagements.models import Engagement, Rating
from tests.conftest import Personas, login_client
from tests.factories import (
    ContractorFactory,
    DocumentFactory,
    EngagementFactory,
    InterviewFactory,
    RatingFactory,
    RedFlagFactory,
    ReferenceCheckFactory,
    TaskFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def url(name: str, personas: Personas, **kwargs: object) -> str:
    return reverse(f"vetting:{name}", kwargs={"ws": personas.workspace.uuid, **kwargs})


def text(response) -> str:
    return html.unescape(response.content.decode())


def contractor_url(personas: Personas, contractor: Contractor, anchor: str) -> str:
    return url("contractor", personas, contractor=contractor.uuid) + f"#{anchor}"


def message_after(client: Client, personas: Personas) -> str:
    """The flash message, as the next page shows it (the board is any page)."""
    return text(client.get(url("board", personas)))


@pytest.fixture
def contractor(personas: Personas) -> Contractor:
    return ContractorFactory(workspace=personas.workspace, name="Rosa Díaz", stage="vetting")


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Records: added, edited, deleted ----------------------------------------------------------------

REFERENCE = {
    "name": "Dana Whitfield",
    "relationship": "Client for two years",
    "contact": "dana@example.test",
    "checked_on": "2026-11-02",
    "outcome": "positive",
    "met_deadlines": "yes",
    "notes": "Would hire again.",
}
INTERVIEW = {
    "held_on": "2026-11-03",
    "medium": "video",
    "interviewer": "Sam",
    "score_skills": "4",
    "score_communication": "5",
    "score_values_fit": "",
    "score_reliability": "3",
    "identity_verified": "on",
    "notes": "",
}
DOCUMENT = {"kind": "nda", "title": "Mutual NDA", "signed_on": "2026-01-10", "expires_on": "2028-01-10"}
RED_FLAG = {"kind": "upfront_payment_request", "noted_on": "2026-11-04", "notes": "Asked for 50% before starting."}


def test_a_reference_is_added_edited_and_deleted(personas: Personas, contractor: Contractor):
    client = login_client(personas.owner)
    response = client.post(url("reference_new", personas, contractor=contractor.uuid), REFERENCE)
    assert response.status_code == 302
    assert response["Location"] == contractor_url(personas, contractor, "references")
    ref = ReferenceCheck.objects.get(contractor=contractor)
    assert (ref.name, ref.outcome, ref.met_deadlines, ref.checked_on) == (
        "Dana Whitfield", "positive", True, dt.date(2026, 11, 2)
    )  # fmt: skip
    assert "Added the reference from Dana Whitfield to Rosa Díaz." in message_after(client, personas)

    edit = url("reference_edit", personas, reference=ref.uuid)
    page = text(client.get(edit))
    assert 'value="Dana Whitfield"' in page and '<option value="yes" selected>' in page
    response = client.post(edit, {**REFERENCE, "outcome": "mixed", "met_deadlines": ""})
    assert response.status_code == 302
    ref.refresh_from_db()
    assert (ref.outcome, ref.met_deadlines) == ("mixed", None)
    assert "Saved the reference from Dana Whitfield of Rosa Díaz." in message_after(client, personas)

    response = client.post(edit, {"delete": "1"})
    assert response.status_code == 302
    assert not ReferenceCheck.objects.filter(pk=ref.pk).exists()
    assert "Deleted the reference from Dana Whitfield of Rosa Díaz." in message_after(client, personas)


def test_an_interview_is_added_with_scores_edited_and_deleted(personas: Personas, contractor: Contractor):
    client = login_client(personas.manager)
    response = client.post(url("interview_new", personas, contractor=contractor.uuid), INTERVIEW)
    assert response.status_code == 302
    interview = Interview.objects.get(contractor=contractor)
    assert interview.scores == {"skills": 4, "communication": 5, "reliability": 3}
    assert interview.identity_verified and interview.medium == "video"

    edit = url("interview_edit", personas, interview=interview.uuid)
    client.post(edit, {**INTERVIEW, "score_values_fit": "2", "identity_verified": ""})
    interview.refresh_from_db()
    assert interview.score_values_fit == 2 and not interview.identity_verified

    client.post(edit, {"delete": "1"})
    assert not Interview.objects.filter(contractor=contractor).exists()


def test_a_new_interview_starts_on_today(personas: Personas, contractor: Contractor):
    page = text(login_client(personas.owner).get(url("interview_new", personas, contractor=contractor.uuid)))
    assert "Record an interview" in page
    assert re.search(r'name="held_on" value="\d{4}-\d{2}-\d{2}"', page)


def test_a_document_is_added_edited_and_deleted(personas: Personas, contractor: Contractor, media: Path):
    client = login_client(personas.owner)
    response = client.post(url("document_new", personas, contractor=contractor.uuid), DOCUMENT)
    assert response.status_code == 302
    assert response["Location"] == contractor_url(personas, contractor, "documents")
    doc = Document.objects.get(contractor=contractor)
    assert (doc.kind, doc.title, doc.expires_on, doc.file.name) == ("nda", "Mutual NDA", dt.date(2028, 1, 10), "")

    edit = url("document_edit", personas, document=doc.uuid)
    client.post(edit, {**DOCUMENT, "title": "NDA 2026"})
    doc.refresh_from_db()
    assert doc.title == "NDA 2026"
    client.post(edit, {"delete": "1"})
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert "Deleted the NDA 2026 of Rosa Díaz." in message_after(client, personas)


def test_a_red_flag_is_noted_resolved_and_deleted(personas: Personas, contractor: Contractor):
    client = login_client(personas.owner)
    new = url("red_flag_new", personas, contractor=contractor.uuid)
    assert 'name="resolved"' not in text(client.get(new))  # a new red flag is open
    response = client.post(new, RED_FLAG)
    assert response.status_code == 302
    flag = RedFlag.objects.get(contractor=contractor)
    assert not flag.resolved and flag.notes == "Asked for 50% before starting."

    edit = url("red_flag_edit", personas, red_flag=flag.uuid)
    assert 'name="resolved"' in text(client.get(edit))
    client.post(edit, {**RED_FLAG, "resolved": "on"})
    flag.refresh_from_db()
    assert flag.resolved
    client.post(edit, {"delete": "1"})
    assert not RedFlag.objects.filter(contractor=contractor).exists()


@pytest.mark.parametrize(
    ("page", "data", "message"),
    [
        ("interview_new", {**INTERVIEW, "score_skills": "7"}, "Skills: Choose a score from 1 to 5."),
        ("interview_new", {**INTERVIEW, "held_on": ""}, "Held on: This field is required."),
        ("document_new", {**DOCUMENT, "expires_on": "2025-12-31"}, "A document cannot expire before it was signed."),
        ("document_new", {**DOCUMENT, "kind": "passport"}, "Select a valid choice. passport is not one of"),
        ("reference_new", {**REFERENCE, "name": ""}, "Who gave the reference: This field is required."),
        ("reference_new", {**REFERENCE, "checked_on": "2. Nov"}, "Checked on: Enter a valid date."),
        ("red_flag_new", {**RED_FLAG, "kind": "vibes"}, "Select a valid choice. vibes is not one of"),
    ],
)
def test_a_bad_new_record_is_refused_and_nothing_is_stored(personas: Personas, contractor, page, data, message):
    response = login_client(personas.owner).post(url(page, personas, contractor=contractor.uuid), data)
    assert response.status_code == 400
    assert message in text(response)
    assert not any(m.objects.exists() for m in (ReferenceCheck, Interview, Document, RedFlag))


def test_a_bad_edit_changes_nothing(personas: Personas, contractor: Contractor):
    client = login_client(personas.owner)
    interview = InterviewFactory(contractor=contractor, score_skills=4)
    response = client.post(
        url("interview_edit", personas, interview=interview.uuid), {**INTERVIEW, "score_skills": "7"}
    )
    assert response.status_code == 400 and "Choose a score from 1 to 5." in text(response)
    interview.refresh_from_db()
    assert interview.score_skills == 4

    doc = DocumentFactory(contractor=contractor, signed_on=dt.date(2026, 1, 10), expires_on=None)
    response = client.post(url("document_edit", personas, document=doc.uuid), {**DOCUMENT, "expires_on": "2025-01-01"})
    assert response.status_code == 400
    page = text(response)
    assert "A document cannot expire before it was signed." in page
    assert 'value="2025-01-01"' in page  # what was typed stays in the form, to be corrected
    doc.refresh_from_db()
    assert (doc.kind, doc.expires_on) == ("w9", None)


# --- Document files ----------------------------------------------------------------------------------


def test_an_uploaded_pdf_is_downloaded_with_the_same_bytes(personas: Personas, contractor: Contractor, media: Path):
    client = login_client(personas.owner)
    upload = SimpleUploadedFile("Signed NDA (Rosa).pdf", PDF, content_type="application/octet-stream")
    response = client.post(url("document_new", personas, contractor=contractor.uuid), {**DOCUMENT, "file": upload})
    assert response.status_code == 302
    doc = Document.objects.get(contractor=contractor)
    assert (doc.file_name, doc.content_type, doc.size) == ("Signed NDA (Rosa).pdf", "application/pdf", len(PDF))
    [path] = stored_files(media)
    assert path.read_bytes() == PDF and "Rosa" not in str(path)  # a random name under the data directory

    edit_page = text(client.get(url("document_edit", personas, document=doc.uuid)))
    download = url("document_file", personas, document=doc.uuid)
    assert f'href="{download}"' in edit_page and "Signed NDA (Rosa).pdf" in edit_page
    assert doc.file.name not in edit_page  # the stored path is never shown

    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Signed NDA (Rosa).pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    # Readers may download; nothing is served from the data directory by a public URL.
    assert login_client(personas.viewer).get(download).status_code == 200
    assert Client().get(download).status_code == 302
    assert login_client(personas.owner).get(f"/{doc.file.name}").status_code == 404
    assert login_client(personas.owner).get(f"/media/{doc.file.name}").status_code == 404


def test_a_file_name_outside_ascii_is_encoded_in_the_header(personas: Personas, contractor: Contractor, media: Path):
    client = login_client(personas.owner)
    doc = DocumentFactory(contractor=contractor)
    upload = SimpleUploadedFile('Vertrag "Müller".pdf', PDF)
    response = client.post(url("document_edit", personas, document=doc.uuid), {**DOCUMENT, "file": upload})
    assert response.status_code == 302
    disposition = client.get(url("document_file", personas, document=doc.uuid))["Content-Disposition"]
    assert disposition == "attachment; filename*=utf-8''Vertrag%20%22M%C3%BCller%22.pdf"


def test_a_text_file_named_pdf_is_refused_and_nothing_is_stored(personas, contractor: Contractor, media: Path):
    client = login_client(personas.owner)
    fake = SimpleUploadedFile("invoice.pdf", b"just some text, not a PDF\n", content_type="application/pdf")
    response = client.post(url("document_new", personas, contractor=contractor.uuid), {**DOCUMENT, "file": fake})
    assert response.status_code == 400
    assert "File: Upload a PDF, PNG or JPEG file." in text(response)
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_a_refused_file_leaves_an_existing_document_as_it_was(personas, contractor: Contractor, media: Path):
    client = login_client(personas.owner)
    doc = DocumentFactory(contractor=contractor, title="Old title")
    edit = url("document_edit", personas, document=doc.uuid)
    client.post(edit, {**DOCUMENT, "title": "Old title", "file": SimpleUploadedFile("a.pdf", PDF)})
    doc.refresh_from_db()
    first = doc.file.name
    fake = SimpleUploadedFile("b.pdf", b"MZ not a pdf")
    response = client.post(edit, {**DOCUMENT, "title": "New title", "file": fake})
    assert response.status_code == 400
    doc.refresh_from_db()
    assert (doc.title, doc.file.name, doc.file_name) == ("Old title", first, "a.pdf")
    assert [p.read_bytes() for p in stored_files(media)] == [PDF]


def test_a_document_without_a_file_has_nothing_to_download(personas: Personas, contractor: Contractor):
    doc = DocumentFactory(contractor=contractor)
    client = login_client(personas.viewer)
    response = client.get(url("document_file", personas, document=doc.uuid))
    assert response.status_code == 404
    assert url("document_file", personas, document=doc.uuid) not in text(
        client.get(url("document_edit", personas, document=doc.uuid))
    )


def test_a_stored_copy_missing_from_disk_is_not_found(personas, contractor: Contractor, media: Path):
    doc = DocumentFactory(contractor=contractor, file="documents/gone.pdf", file_name="gone.pdf")
    assert login_client(personas.owner).get(url("document_file", personas, document=doc.uuid)).status_code == 404


def test_a_document_of_another_workspace_is_not_found(personas: Personas, media: Path):
    foreign = DocumentFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    owner = login_client(personas.outsider)
    owner.post(
        reverse("vetting:document_edit", kwargs={"ws": personas.other_workspace.uuid, "document": foreign.uuid}),
        {**DOCUMENT, "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    foreign.refresh_from_db()
    assert foreign.file.name
    client = login_client(personas.owner)
    assert client.get(url("document_file", personas, document=foreign.uuid)).status_code == 404
    assert client.get(url("document_edit", personas, document=foreign.uuid)).status_code == 404
    assert client.post(url("document_edit", personas, document=foreign.uuid), {"delete": "1"}).status_code == 404
    assert Document.objects.filter(pk=foreign.pk).exists()


# --- The board and the approval gate -----------------------------------------------------------------


def test_the_board_lists_contractors_in_their_columns(personas: Personas):
    ws = personas.workspace
    ContractorFactory(workspace=ws, name="Ana Prospect", stage="prospect", skills_text="\nseo\ncopywriting\n")
    flagged = ContractorFactory(workspace=ws, name="Ben Flagged", stage="vetting")
    RedFlagFactory(contractor=flagged)
    ContractorFactory(workspace=ws, name="Cleo Approved", stage="approved")
    ContractorFactory(workspace=personas.other_workspace, name="Not Ours", stage="approved")
    page = text(login_client(personas.owner).get(url("board", personas)))

    columns = {m.group(1): m.group(0) for m in re.finditer(r'board__column--(\w+)".*?</section>', page, re.S)}
    assert "Ana Prospect" in columns["prospect"] and "seo" in columns["prospect"]
    assert "Ben Flagged" in columns["vetting"] and "1 open red flag" in columns["vetting"]
    assert "Cleo Approved" in columns["approved"] and "Ana Prospect" not in columns["approved"]
    assert 'aria-label="1 contractor"' in columns["approved"] and 'aria-label="0 contractors"' in columns["blocked"]
    assert "No one here." in columns["trial"]
    assert "Not Ours" not in page
    assert page.count('name="stage"') == 3  # a move form on each card


def test_moving_a_contractor_along_the_board(personas: Personas, contractor: Contractor):
    client = login_client(personas.owner)
    board = url("board", personas)
    response = client.post(
        url("contractor_stage", personas, contractor=contractor.uuid), {"stage": "inactive", "next": board}
    )
    assert response.status_code == 302 and response["Location"] == board
    contractor.refresh_from_db()
    assert contractor.stage == "inactive"
    assert "Rosa Díaz is now Inactive." in message_after(client, personas)


def test_an_unsafe_next_goes_to_the_contractor_page_instead(personas: Personas, contractor: Contractor):
    response = login_client(personas.owner).post(
        url("contractor_stage", personas, contractor=contractor.uuid),
        {"stage": "prospect", "next": "https://evil.example/steal"},
    )
    assert response["Location"] == url("contractor", personas, contractor=contractor.uuid)


def test_the_stage_page_is_post_only(personas: Personas, contractor: Contractor):
    assert (
        login_client(personas.owner).get(url("contractor_stage", personas, contractor=contractor.uuid)).status_code
        == 405
    )


def test_approving_with_steps_missing_shows_them_and_a_reason_lets_it_through(personas, contractor: Contractor):
    client = login_client(personas.owner)
    stage = url("contractor_stage", personas, contractor=contractor.uuid)
    InterviewFactory(contractor=contractor)
    response = client.post(stage, {"stage": "approved", "next": url("board", personas)})
    assert response.status_code == 400
    page = text(response)
    assert "Approve Rosa Díaz with vetting steps missing?" in page
    assert "A reference that was checked and came back positive or mixed" in page
    assert "A finished paid trial" in page and "An interview" not in page
    assert url("reference_new", personas, contractor=contractor.uuid) in page
    assert url("trial_new", personas, contractor=contractor.uuid) in page
    assert 'name="override_reason"' in page and 'name="stage" value="approved"' in page
    assert "Please check the form" not in page  # no reason asked for yet: nothing to correct
    contractor.refresh_from_db()
    assert contractor.stage == "vetting"

    reason = "Worked with us for years at her last agency."
    response = client.post(stage, {"stage": "approved", "override_reason": reason, "next": url("board", personas)})
    assert response.status_code == 302
    contractor.refresh_from_db()
    assert (contractor.stage, contractor.approval_override) == ("approved", reason)
    assert "Rosa Díaz is now Approved, with vetting steps missing; the reason is kept." in message_after(
        client, personas
    )


def test_the_gate_asks_again_when_the_reason_is_left_empty(personas: Personas, contractor: Contractor):
    response = login_client(personas.owner).post(
        url("contractor_stage", personas, contractor=contractor.uuid),
        {"stage": "approved", "override_reason": "  ", "confirm": "1"},
    )
    assert response.status_code == 400
    page = text(response)
    assert "None of the three vetting steps is done yet." in page
    assert "Why approve anyway: Say why you approve with these steps missing." in page
    contractor.refresh_from_db()
    assert contractor.stage == "vetting"


def test_an_unresolved_red_flag_stops_approval_even_with_a_reason(personas: Personas, contractor: Contractor):
    flag = RedFlagFactory(contractor=contractor, kind="off_platform_payment_request")
    response = login_client(personas.owner).post(
        url("contractor_stage", personas, contractor=contractor.uuid),
        {"stage": "approved", "override_reason": "They seem fine."},
    )
    assert response.status_code == 400
    page = text(response)
    assert "Rosa Díaz cannot be approved yet" in page
    assert "Resolve the red flag(s) first (asked to be paid off-platform)" in page
    assert url("red_flag_edit", personas, red_flag=flag.uuid) in page
    contractor.refresh_from_db()
    assert (contractor.stage, contractor.approval_override) == ("vetting", "")


def test_an_unknown_stage_is_refused(personas: Personas, contractor: Contractor):
    response = login_client(personas.owner).post(
        url("contractor_stage", personas, contractor=contractor.uuid), {"stage": "hired"}
    )
    assert response.status_code == 400
    assert "Select a valid choice. hired is not one of the available choices." in text(response)


# --- The paid trial ------------------------------------------------------------------------------------

TRIAL = {
    "title": "Paid trial: bookkeeping",
    "start_on": "2026-11-09",
    "end_on": "2026-11-16",
    "budget": "300",
    "currency": "usd",
}


def test_the_trial_form_is_prefilled(personas: Personas, contractor: Contractor):
    task = TaskFactory(workspace=personas.workspace, name="Monthly close")
    contractor.currency = "EUR"
    contractor.save()
    page = text(
        login_client(personas.owner).get(url("trial_new", personas, contractor=contractor.uuid) + f"?task={task.uuid}")
    )
    assert 'value="Paid trial: Monthly close"' in page
    assert f'<option value="{task.uuid}" selected>Monthly close</option>' in page
    assert 'name="currency" value="EUR"' in page
    assert "The scorecard says: avoid" not in page and "confirm_avoid" not in page


def test_a_trial_is_started_in_one_step(personas: Personas, contractor: Contractor):
    task = TaskFactory(workspace=personas.workspace, name="Monthly close")
    client = login_client(personas.owner)
    response = client.post(url("trial_new", personas, contractor=contractor.uuid), {**TRIAL, "task": str(task.uuid)})
    assert response.status_code == 302
    assert response["Location"] == contractor_url(personas, contractor, "engagements")
    trial = Engagement.objects.get(contractor=contractor)
    assert (trial.kind, trial.status, trial.rate_currency, trial.budget_cap) == ("trial", "active", "USD", Decimal(300))
    assert list(trial.tasks.all()) == [task]
    contractor.refresh_from_db()
    assert contractor.stage == "trial"
    assert "Started the paid trial “Paid trial: bookkeeping” with Rosa Díaz: 9 Nov to 16 Nov 2026, 300.00 USD." in (
        message_after(client, personas)
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end_on": "2026-11-01"}, "An engagement cannot end before it starts."),
        ({"budget": "0"}, "Ensure this value is greater than or equal to 0.01."),
        ({"currency": "US1"}, "Currency:"),
        ({"title": ""}, "Title: This field is required."),
    ],
)
def test_a_bad_trial_is_refused(personas: Personas, contractor: Contractor, change, message):
    response = login_client(personas.owner).post(
        url("trial_new", personas, contractor=contractor.uuid), {**TRIAL, **change}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not Engagement.objects.exists()


def test_a_contractor_to_avoid_needs_a_confirmation_before_a_trial(personas: Personas, contractor: Contractor):
    RedFlagFactory(contractor=contractor, kind="pressure_tactics")
    client = login_client(personas.owner)
    new = url("trial_new", personas, contractor=contractor.uuid)
    page = text(client.get(new))
    assert "The scorecard says: avoid" in page and "1 unresolved red flag(s)" in page
    assert 'name="confirm_avoid"' in page

    response = client.post(new, TRIAL)
    assert response.status_code == 400
    assert "Tick this box to start a trial with someone the scorecard says to avoid." in text(response)
    assert not Engagement.objects.exists()

    response = client.post(new, {**TRIAL, "confirm_avoid": "on"})
    assert response.status_code == 302
    assert Engagement.objects.filter(contractor=contractor, kind="trial").count() == 1


def test_a_blocked_contractor_gets_no_trial(personas: Personas):
    blocked = ContractorFactory(workspace=personas.workspace, stage="blocked")
    response = login_client(personas.owner).post(url("trial_new", personas, contractor=blocked.uuid), TRIAL)
    assert response.status_code == 400
    assert "This contractor is blocked; unblock them before a trial." in text(response)


def test_finishing_a_trial_completes_it_with_a_rating(personas: Personas, contractor: Contractor):
    trial = EngagementFactory(contractor=contractor, kind="trial", status="active", title="Trial week")
    client = login_client(personas.owner)
    finish = url("trial_finish", personas, engagement=trial.uuid)
    assert "How did the trial go?" in text(client.get(finish))
    response = client.post(finish, {"passed": "yes", "overall": "4", "on": "2026-11-16", "notes": "Clean books."})
    assert response.status_code == 302
    trial.refresh_from_db()
    assert trial.status == "completed"
    rating = Rating.objects.get(engagement=trial)
    assert (rating.overall, rating.would_rehire, rating.on, rating.text) == (
        4,
        True,
        dt.date(2026, 11, 16),
        "Clean books.",
    )
    assert "Recorded the trial “Trial week”: Rosa Díaz passed." in message_after(client, personas)


def test_a_failed_trial_is_recorded_as_not_passed(personas: Personas, contractor: Contractor):
    trial = EngagementFactory(contractor=contractor, kind="trial", status="active")
    client = login_client(personas.owner)
    client.post(
        url("trial_finish", personas, engagement=trial.uuid), {"passed": "no", "overall": "2", "on": "2026-11-16"}
    )
    assert Rating.objects.get(engagement=trial).would_rehire is False


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"overall": "7", "on": "2026-11-16", "passed": "yes"}, "Choose a score from 1 to 5."),
        ({"overall": "4", "on": "2026-11-16"}, "Say whether the trial passed."),
    ],
)
def test_a_bad_trial_outcome_is_refused(personas: Personas, contractor: Contractor, data, message):
    trial = EngagementFactory(contractor=contractor, kind="trial", status="active")
    response = login_client(personas.owner).post(url("trial_finish", personas, engagement=trial.uuid), data)
    assert response.status_code == 400 and message in text(response)
    trial.refresh_from_db()
    assert trial.status == "active" and not Rating.objects.exists()


def test_only_a_trial_has_an_outcome_page(personas: Personas, contractor: Contractor):
    project = EngagementFactory(contractor=contractor, kind="project")
    client = login_client(personas.owner)
    assert client.get(url("trial_finish", personas, engagement=project.uuid)).status_code == 404
    response = client.post(
        url("trial_finish", personas, engagement=project.uuid), {"passed": "yes", "overall": "4", "on": "2026-11-16"}
    )
    assert response.status_code == 404 and not Rating.objects.exists()


def test_an_earlier_outcome_is_shown(personas: Personas, contractor: Contractor):
    trial = EngagementFactory(contractor=contractor, kind="trial", status="completed")
    RatingFactory(engagement=trial, overall=3, would_rehire=False)
    page = text(login_client(personas.owner).get(url("trial_finish", personas, engagement=trial.uuid)))
    assert "Already recorded" in page and "Not passed" in page


# --- Readers ------------------------------------------------------------------------------------------


def test_a_viewer_sees_no_write_buttons(personas: Personas, contractor: Contractor):
    client = login_client(personas.viewer)
    board = text(client.get(url("board", personas)))
    assert "Rosa Díaz" in board and 'name="stage"' not in board and "Add a contractor" not in board

    ref = ReferenceCheckFactory(contractor=contractor)
    page = text(client.get(url("reference_edit", personas, reference=ref.uuid)))
    assert "Only owners and managers can change vetting records." in page
    assert ">Save<" not in page and ">Delete<" not in page and 'name="delete"' not in page
    assert "disabled" in page

    page = text(client.get(url("red_flag_new", personas, contractor=contractor.uuid)))
    assert "Add the red flag" not in page

    trial_page = text(client.get(url("trial_new", personas, contractor=contractor.uuid)))
    assert "Only owners and managers can start a trial." in trial_page and "Start the trial" not in trial_page

    assert client.post(url("reference_edit", personas, reference=ref.uuid), {"delete": "1"}).status_code == 403
    assert ReferenceCheck.objects.filter(pk=ref.pk).exists()
