"""The directory's and vetting's rules: duplicates, records, the approval gate, trials and the scorecard."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from outsourcer.contractors.models import Contractor, Document, RedFlag, ReferenceCheck
from outsourcer.contractors.services import (
    PossibleDuplicates,
    contractor_create,
    contractor_delete,
    contractor_update,
    document_attach_file,
    record_add,
)
from outsourcer.core.actor import Actor
from outsourcer.engagements.models import Engagement
from outsourcer.engagements.services import engagement_set_status, trial_finish, trial_start
from outsourcer.vetting.selectors import scorecard, vetting_gaps
from outsourcer.vetting.services import VettingIncomplete, contractor_set_stage, scorecard_weights_set
from tests.factories import (
    ContractorFactory,
    EngagementFactory,
    InterviewFactory,
    RatingFactory,
    RedFlagFactory,
    ReferenceCheckFactory,
    WorkspaceFactory,
)

ACTOR = Actor.cli()
DAY = dt.date(2026, 11, 2)


def add(ws, **data):
    return contractor_create(actor=ACTOR, workspace=ws, data={"name": "Ann Lee", **data})


# --- The directory --------------------------------------------------------------------------------


def test_a_contractor_gets_a_ref_normal_skills_and_checked_hours(db):
    ws = WorkspaceFactory()
    c = add(ws, skills=["  Web  Design", "seo", "web design"], time_zone="Europe/Warsaw",
            work_start=dt.time(8), work_end=dt.time(16), work_days=[5, 1, 2])  # fmt: skip
    assert c.ref.startswith("c-") and c.skills == ["web design", "seo"] and c.work_days == [1, 2, 5]
    with pytest.raises(ValidationError) as exc:
        add(ws, name="Bo", time_zone="Mars/Olympus", work_start=dt.time(8), work_end=dt.time(16))
    assert "not a known IANA time zone" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        add(ws, name="Cy", time_zone="Europe/Warsaw")  # a zone without a start and an end
    assert "need a time zone, a start and an end" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        add(ws, name="Di", hourly_rate=Decimal(40))
    assert "currency" in exc.value.message_dict


def test_possible_duplicates_are_pointed_out_unless_allowed(db):
    ws = WorkspaceFactory()
    first = add(ws, email="ann@studio.test")
    with pytest.raises(PossibleDuplicates) as exc:
        add(ws, name="Someone Else", email="ANN@studio.test")
    assert exc.value.matches[0].contractor == first and "same email address" in exc.value.matches[0].reason
    with pytest.raises(PossibleDuplicates) as exc:
        add(ws, name="Lee, Ann")
    assert "alike" in exc.value.matches[0].reason
    with pytest.raises(PossibleDuplicates):
        add(ws, name="Anna Li", email="ann@studio.tst")  # an address one letter off
    assert add(ws, name="Bob Stone", email="bob@other.test").pk  # nothing alike
    assert contractor_create(actor=ACTOR, workspace=ws, data={"name": "Ann Lee"}, allow_duplicates=True).pk
    assert Contractor.objects.filter(workspace=ws).count() == 3


def test_a_contractor_with_engagements_is_kept(db):
    engagement = EngagementFactory()
    with pytest.raises(ValidationError):
        contractor_delete(actor=ACTOR, contractor=engagement.contractor)
    lonely = ContractorFactory()
    contractor_delete(actor=ACTOR, contractor=lonely)
    assert not Contractor.objects.filter(pk=lonely.pk).exists()


def test_records_are_validated(db):
    c = ContractorFactory()
    with pytest.raises(ValidationError) as exc:
        record_add(actor=ACTOR, contractor=c, model=Document,
                   data={"kind": "insurance", "signed_on": DAY, "expires_on": DAY - dt.timedelta(days=1)})  # fmt: skip
    assert "expire before it was signed" in str(exc.value)
    with pytest.raises(ValidationError):
        record_add(actor=ACTOR, contractor=c, model=ReferenceCheck, data={"name": "X", "outcome": "glowing"})
    with pytest.raises(ValidationError):
        record_add(actor=ACTOR, contractor=c, model=RedFlag, data={"kind": "upfront_payment_request", "colour": 1})


def test_a_document_file_is_checked_by_its_content(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = record_add(actor=ACTOR, contractor=ContractorFactory(), model=Document, data={"kind": "w9"})
    fake = SimpleUploadedFile("w9.pdf", b"just text, not a PDF", content_type="application/pdf")
    with pytest.raises(ValidationError) as exc:
        document_attach_file(actor=ACTOR, document=document, upload=fake)
    assert "PDF, PNG or JPEG" in str(exc.value)
    real = SimpleUploadedFile("../../etc/w9 form.pdf", b"%PDF-1.7\n...", content_type="text/plain")
    document_attach_file(actor=ACTOR, document=document, upload=real)
    document.refresh_from_db()
    assert (document.content_type, document.file_name, document.size) == ("application/pdf", "w9 form.pdf", 12)
    assert str(document.workspace.uuid) in document.file.name and document.file.read() == b"%PDF-1.7\n..."


# --- The approval gate ----------------------------------------------------------------------------


def test_approval_names_the_missing_steps_and_takes_a_reason(db):
    c = ContractorFactory(stage="vetting")
    with pytest.raises(VettingIncomplete) as exc:
        contractor_set_stage(actor=ACTOR, contractor=c, stage="approved")
    assert exc.value.gaps == ["references", "interview", "trial"]
    assert "a reference that was checked" in str(exc.value)
    c.refresh_from_db()
    assert c.stage == "vetting"
    contractor_set_stage(actor=ACTOR, contractor=c, stage="approved", override_reason="Worked with her for years.")
    c.refresh_from_db()
    assert (c.stage, c.approval_override) == ("approved", "Worked with her for years.")


def test_a_fully_vetted_contractor_is_approved_without_a_reason(db):
    c = ContractorFactory(stage="trial")
    ReferenceCheckFactory(contractor=c)
    InterviewFactory(contractor=c)
    EngagementFactory(contractor=c, kind="trial", status="completed")
    assert vetting_gaps(contractor=c) == []
    contractor_set_stage(actor=ACTOR, contractor=c, stage="preferred")
    c.refresh_from_db()
    assert c.stage == "preferred" and c.approval_override == ""


def test_an_unchecked_or_negative_reference_does_not_count(db):
    c = ContractorFactory()
    ReferenceCheckFactory(contractor=c, checked_on=None)
    ReferenceCheckFactory(contractor=c, outcome="negative")
    assert "references" in vetting_gaps(contractor=c)


def test_an_unresolved_red_flag_blocks_approval_even_with_a_reason(db):
    c = ContractorFactory()
    flag = RedFlagFactory(contractor=c)
    with pytest.raises(ValidationError) as exc:
        contractor_set_stage(actor=ACTOR, contractor=c, stage="approved", override_reason="Trust me")
    assert "asked for payment up front" in str(exc.value)
    flag.resolved = True
    flag.save()
    contractor_set_stage(actor=ACTOR, contractor=c, stage="approved", override_reason="Trust me")
    RedFlagFactory(contractor=c, kind="copied_work")
    with pytest.raises(ValidationError):  # nor raised from approved to preferred
        contractor_set_stage(actor=ACTOR, contractor=c, stage="preferred")


# --- Trials and the scorecard ---------------------------------------------------------------------


def test_a_trial_in_one_step_and_its_outcome(db):
    c = ContractorFactory(stage="vetting", currency="EUR")
    trial = trial_start(actor=ACTOR, contractor=c, title="Paid trial: logo", start_on=DAY,
                        end_on=DAY + dt.timedelta(days=7), budget=Decimal(300))  # fmt: skip
    c.refresh_from_db()
    assert (trial.kind, trial.status, trial.rate_currency, trial.budget_cap) == ("trial", "active", "EUR", 300)
    assert c.stage == "trial" and "trial" in vetting_gaps(contractor=c)
    rating = trial_finish(actor=ACTOR, trial=trial, passed=True, overall=5, on=DAY + dt.timedelta(days=8))
    trial.refresh_from_db()
    assert trial.status == "completed" and rating.would_rehire is True
    assert "trial" not in vetting_gaps(contractor=c)
    with pytest.raises(ValidationError):
        engagement_set_status(actor=ACTOR, engagement=trial, status="active")  # completed is final


def test_a_blocked_contractor_gets_no_trial(db):
    with pytest.raises(ValidationError):
        trial_start(actor=ACTOR, contractor=ContractorFactory(stage="blocked"), title="T", start_on=DAY,
                    end_on=DAY, budget=Decimal(100))  # fmt: skip
    assert not Engagement.objects.exists()


def test_the_scorecard_weighs_what_is_known(db):
    c = ContractorFactory()
    assert scorecard(contractor=c).standing == "unrated"
    ReferenceCheckFactory(contractor=c, outcome="positive")
    ReferenceCheckFactory(contractor=c, outcome="mixed")  # references: 0.75
    InterviewFactory(contractor=c, score_skills=5, score_communication=3)  # average 4 -> 0.75
    trial = EngagementFactory(contractor=c, kind="trial", status="completed")
    RatingFactory(engagement=trial, overall=3, would_rehire=True)  # trial passed -> 1
    card = scorecard(contractor=c)
    # (2 x 0.75 + 2 x 0.75 + 3 x 1) / 7 = 0.857: preferred; ratings of real work: none yet.
    assert card.percent == 86 and card.standing == "preferred"
    assert [p.value for p in card.parts][-1] is None
    scorecard_weights_set(actor=ACTOR, workspace=c.workspace, data={"trial": 0})
    assert scorecard(contractor=c).percent == 75  # only references and interviews now: good
    RedFlagFactory(contractor=c)
    flagged = scorecard(contractor=c)
    assert flagged.standing == "avoid" and flagged.reasons == ["1 unresolved red flag(s)"]
    with pytest.raises(ValidationError):
        scorecard_weights_set(actor=ACTOR, workspace=c.workspace,
                              data={"references": 0, "interviews": 0, "trial": 0, "ratings": 0})  # fmt: skip


def test_updating_a_contractor_records_only_changes(db):
    c = ContractorFactory(name="Ann")
    contractor_update(actor=ACTOR, contractor=c, data={"name": "Ann", "skills": ["Design"]})
    c.refresh_from_db()
    assert c.skills == ["design"]


def test_deleting_a_contractor_removes_their_stored_files(db, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    contractor = ContractorFactory()
    document = record_add(actor=ACTOR, contractor=contractor, model=Document, data={"kind": "w9"})
    upload = SimpleUploadedFile("w9.pdf", b"%PDF-1.7\n...", content_type="application/pdf")
    document_attach_file(actor=ACTOR, document=document, upload=upload)
    document.refresh_from_db()
    stored = document.file.name
    assert document.file.storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        contractor_delete(actor=ACTOR, contractor=contractor)
    assert not document.file.storage.exists(stored)
