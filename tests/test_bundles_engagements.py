"""The bundle's engagements in full (brief, communication, milestones with their submission and reviews,
time, check-ins, ratings, the customer commitment) and its `customer_commitments` section."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsourcer.bundles.selectors import bundle_dumps, bundle_export
from outsourcer.bundles.services import bundle_import_into, bundle_import_new
from outsourcer.bundles.validation import BundleInvalid, bundle_validate
from outsourcer.checks.models import Finding
from outsourcer.core.actor import Actor
from outsourcer.deliverables.models import Milestone, OriginalityDoc, OriginalityMatch, Review, Submission
from outsourcer.engagements.models import (
    Brief,
    BriefVersion,
    CheckIn,
    CommunicationPlan,
    CustomerCommitment,
    TimeEntry,
)
from outsourcer.engagements.services import brief_content
from tests.conftest import login_client
from tests.test_bundles import full_contractor, full_engagement, with_people

ACTOR = Actor.cli()

PARAGRAPH = (
    "Harbor Dental has cared for families on the waterfront since 1998. Our team of four dentists and six "
    "hygienists offers check-ups, cleaning, whitening and emergency care, six days a week, with evening "
    "appointments for people who work office hours. New patients are seen within a week, and we explain every "
    "treatment and its price before we start, so there are never surprises on the bill."
)


def full_commitment() -> dict:
    return {"ref": "harbor-site", "customer": "Harbor Dental", "title": "New website live",
            "promised_on": "2026-12-18", "buffer_days": 3, "status": "open"}  # fmt: skip


def full_work() -> dict:
    """An engagement with every field the format has, written the way the export writes it."""
    return full_engagement() | {
        "customer_commitment_ref": "harbor-site",
        "brief": {
            "goals": "Win more local patients for Harbor Dental through a clearer website.",
            "context": "A family practice; most patients find it through neighbours and the map listing.",
            "deliverables": ["Home page copy", "About page copy"],
            "acceptance_criteria": ["Reads at grade 8 or below", "Uses the practice's tone guide"],
            "out_of_scope": "Photography and visual design.",
            "constraints": "US English; no medical claims.",
        },
        "communication": {
            "point_person": "Maya Chen", "escalation_contact": "Alex Morgan", "channels": ["email", "video"],
            "important_topics_channel": "video", "cadence": "weekly", "needs_overlap_hours": 2.5,
        },
        "milestones": [
            {"ref": "m-home", "title": "Home page copy", "due_on": "2026-11-20", "amount": "400.00",
             "status": "accepted", "submitted_on": "2026-11-18", "submission_text": PARAGRAPH,
             "reviews": [
                 {"reviewed_on": "2026-11-19", "reviewer": "Maya Chen", "decision": "revision_requested",
                  "criteria_met": [True, False], "feedback": "Warmer, please.", "shared_with_contractor": True},
                 {"reviewed_on": "2026-11-20", "decision": "accepted", "criteria_met": [True, True],
                  "shared_with_contractor": False},
             ],
             "delivered_to_customer_on": "2026-11-23"},
            {"ref": "m-about", "title": "About page copy", "due_on": "2026-12-04", "status": "planned"},
        ],
        "time_entries": [
            {"worked_on": "2026-11-16", "hours": 2.5, "description": "First draft", "status": "approved"},
            {"worked_on": "2026-11-17", "hours": 1, "status": "submitted"},
            {"worked_on": "2026-11-17", "hours": 0.75, "description": "Call notes", "status": "rejected"},
            {"worked_on": "2026-11-18", "hours": 3, "status": "draft"},
        ],
        "check_ins": [
            {"on": "2026-11-10", "kind": "meeting", "initiated_by": "us", "notes": "Kick-off call."},
            {"on": "2026-11-17", "kind": "status_update", "initiated_by": "contractor"},
        ],
    }  # fmt: skip


def work_bundle(engagements: list[dict] | None = None) -> dict:
    doc = with_people([full_contractor()], engagements if engagements is not None else [full_work()])
    doc["customer_commitments"] = [full_commitment()]
    return doc


def paths(document) -> list[tuple[str, str]]:
    return [(e.path, e.message) for e in bundle_validate(document)]


# --- Round trip -----------------------------------------------------------------------------------


def test_every_engagement_field_comes_back_byte_for_byte(db):
    doc = work_bundle()
    assert paths(doc) == []
    ws = bundle_import_new(actor=ACTOR, document=doc, name="Tiny", owner=None).workspace
    exported = bundle_export(workspace=ws)
    assert exported["customer_commitments"] == doc["customer_commitments"]
    assert exported["engagements"] == doc["engagements"]
    again = bundle_import_new(actor=ACTOR, document=json.loads(bundle_dumps(exported)), name="Tiny", owner=None)
    assert bundle_dumps(bundle_export(workspace=again.workspace)) == bundle_dumps(exported)
    # What was stored, as the rest of Outsourcer reads it.
    milestone = Milestone.objects.get(workspace=ws, ref="m-home")
    assert milestone.engagement.customer_commitment.customer == "Harbor Dental"
    (submission,) = milestone.submissions.all()
    assert (submission.submitted_on, submission.text) == (dt.date(2026, 11, 18), PARAGRAPH)
    first, second = Review.objects.filter(milestone=milestone).order_by("reviewed_on")
    assert first.submission == submission and first.criteria == doc["engagements"][0]["brief"]["acceptance_criteria"]
    assert second.criteria_met == [True, True] and second.feedback == ""
    assert TimeEntry.objects.filter(workspace=ws, status="submitted").get().submitted_at is not None
    assert TimeEntry.objects.filter(workspace=ws, status="draft").get().submitted_at is None
    assert str(CommunicationPlan.objects.get(workspace=ws).needs_overlap_hours) == "2.50"
    assert Brief.objects.get(workspace=ws).deliverables == ["Home page copy", "About page copy"]


def test_the_brief_of_work_under_way_is_recorded_as_sent_and_a_drafts_is_not(db, personas):
    draft = full_work() | {"ref": "e2", "status": "draft", "milestones": [], "customer_commitment_ref": "harbor-site"}
    doc = work_bundle([full_work(), draft])
    before = dt.datetime.now(dt.UTC)
    bundle_import_into(actor=ACTOR, workspace=personas.workspace, document=doc, replace=True)
    ws = personas.workspace
    (version,) = BriefVersion.objects.filter(workspace=ws)
    brief = Brief.objects.get(workspace=ws, engagement__ref="e1")  # paused: the work was under way
    assert (version.brief, version.number, version.note, version.sent_by) == (brief, 1, "Recorded at import", None)
    assert version.content == brief_content(brief) and version.sent_at >= before
    assert not BriefVersion.objects.filter(brief__engagement__ref="e2").exists()  # a draft's waits to be sent
    # The contractor reads the brief the work was reviewed against, not "no brief has been sent yet".
    engagement = brief.engagement
    engagement.contractor.portal_user = personas.contractor
    engagement.contractor.save()
    page = login_client(personas.contractor).get(f"/w/{ws.uuid}/portal/engagements/{engagement.uuid}/")
    assert page.status_code == 200 and "Win more local patients" in page.content.decode()
    # The sent copies are not part of the format: the export is as before, and a new import records them anew.
    exported = bundle_dumps(bundle_export(workspace=ws))
    again = bundle_import_new(actor=ACTOR, document=json.loads(exported), name=ws.name, owner=None).workspace
    assert bundle_dumps(bundle_export(workspace=again)) == exported
    assert BriefVersion.objects.filter(workspace=again).count() == 1


def test_dates_outside_the_range_every_face_takes_are_refused_with_their_paths():
    work = full_work() | {"start_on": "1899-12-31"}
    work["milestones"][0]["due_on"] = "9999-12-31"
    work["milestones"][0]["reviews"][0]["reviewed_on"] = "3000-01-01"
    work["time_entries"][0]["worked_on"] = "0001-01-03"
    work["check_ins"][0]["on"] = "2999-12-31"  # the last day taken
    doc = work_bundle([work])
    doc["customer_commitments"][0]["promised_on"] = "0001-01-03"
    doc["contractors"][0]["documents"] = [{"kind": "nda", "signed_on": "1900-01-01", "expires_on": "4000-01-01"}]
    rule = "is out of range: give a date from 1900-01-01 to 2999-12-31"
    assert paths(doc) == [
        ("$.contractors[0].documents[0].expires_on", f'"4000-01-01" {rule}'),
        ("$.customer_commitments[0].promised_on", f'"0001-01-03" {rule}'),
        ("$.engagements[0].milestones[0].due_on", f'"9999-12-31" {rule}'),
        ("$.engagements[0].milestones[0].reviews[0].reviewed_on", f'"3000-01-01" {rule}'),
        ("$.engagements[0].start_on", f'"1899-12-31" {rule}'),
        ("$.engagements[0].time_entries[0].worked_on", f'"0001-01-03" {rule}'),
    ]


def test_empty_parts_are_not_stored_and_not_exported(db):
    engagement = full_engagement() | {
        "brief": {"goals": "  ", "deliverables": [" "]},
        "communication": {"channels": []},
        "milestones": [{"ref": "m1", "title": "Draft", "due_on": "2026-03-01"}],
        "check_ins": [],
    }
    ws = bundle_import_new(actor=ACTOR, document=work_bundle([engagement]), name="L", owner=None).workspace
    assert not Brief.objects.filter(workspace=ws).exists()
    assert not CommunicationPlan.objects.filter(workspace=ws).exists()
    exported = bundle_export(workspace=ws)["engagements"][0]
    assert "brief" not in exported and "communication" not in exported and "check_ins" not in exported
    assert exported["milestones"] == [{"ref": "m1", "title": "Draft", "due_on": "2026-03-01", "status": "planned"}]
    assert not Submission.objects.filter(workspace=ws).exists()


def test_the_export_writes_the_latest_submission_and_answers_that_still_fit_the_brief(db):
    ws = bundle_import_new(actor=ACTOR, document=work_bundle(), name="L", owner=None).workspace
    milestone = Milestone.objects.get(workspace=ws, ref="m-home")
    # The latest is the last recorded (a contractor cannot pick a date that hides their newest work).
    Submission.objects.create(workspace=ws, milestone=milestone, submitted_on=dt.date(2026, 11, 17), text="Older.")
    Submission.objects.create(workspace=ws, milestone=milestone, submitted_on=dt.date(2026, 11, 19), text="Revised.")
    brief = Brief.objects.get(workspace=ws)
    brief.acceptance_criteria = [*brief.acceptance_criteria, "Names the opening hours"]  # changed after the reviews
    brief.save()
    exported = bundle_export(workspace=ws)
    home = exported["engagements"][0]["milestones"][0]
    assert home["submission_text"] == "Revised."
    assert [sorted(r) for r in home["reviews"]] == [
        ["decision", "feedback", "reviewed_on", "reviewer", "shared_with_contractor"],
        ["decision", "reviewed_on", "shared_with_contractor"],
    ]
    assert bundle_validate(exported) == []  # what is exported can always be imported again


def test_export_is_sorted_and_deterministic(db):
    work = full_work()
    work["milestones"].reverse()
    work["time_entries"].reverse()
    work["check_ins"].reverse()
    second = copy.deepcopy(full_work()) | {"ref": "a-first", "customer_commitment_ref": "b-promise"}
    for milestone in second["milestones"]:
        milestone["ref"] += "-2"
    doc = work_bundle([work, second])
    doc["customer_commitments"].append(full_commitment() | {"ref": "b-promise"})
    ws = bundle_import_new(actor=ACTOR, document=doc, name="S", owner=None).workspace
    exported = bundle_export(workspace=ws)
    assert [e["ref"] for e in exported["engagements"]] == ["a-first", "e1"]
    assert [c["ref"] for c in exported["customer_commitments"]] == ["b-promise", "harbor-site"]
    e1 = exported["engagements"][1]
    assert [m["due_on"] for m in e1["milestones"]] == ["2026-11-20", "2026-12-04"]
    assert [t["worked_on"] for t in e1["time_entries"]] == ["2026-11-16", "2026-11-17", "2026-11-17", "2026-11-18"]
    assert [c["on"] for c in e1["check_ins"]] == ["2026-11-10", "2026-11-17"]
    assert bundle_dumps(exported) == bundle_dumps(bundle_export(workspace=ws))


def test_replacing_a_workspace_replaces_its_work_and_commitments(db, django_capture_on_commit_callbacks):
    ws = bundle_import_new(actor=ACTOR, document=work_bundle(), name="R", owner=None).workspace
    doc = work_bundle()
    doc["customer_commitments"][0]["title"] = "Site live, phase one"
    doc["engagements"][0]["milestones"].pop()
    with django_capture_on_commit_callbacks(execute=True):
        bundle_import_into(actor=ACTOR, document=doc, workspace=ws, replace=True)
    assert list(CustomerCommitment.objects.filter(workspace=ws).values_list("title", flat=True)) == [
        "Site live, phase one"
    ]
    assert list(Milestone.objects.filter(workspace=ws).values_list("ref", flat=True)) == ["m-home"]
    assert CheckIn.objects.filter(workspace=ws).count() == 2 and Review.objects.filter(workspace=ws).count() == 2


def test_a_workspace_with_only_commitments_holds_data(db):
    from outsourcer.bundles.services import BundleConflict
    from tests.factories import CustomerCommitmentFactory, WorkspaceFactory

    ws = WorkspaceFactory()
    CustomerCommitmentFactory(workspace=ws)
    with pytest.raises(BundleConflict):
        bundle_import_into(actor=ACTOR, document=work_bundle(), workspace=ws, replace=False)


# --- Validation -----------------------------------------------------------------------------------


def test_refs_dates_and_reviews_are_checked_with_their_paths():
    work = full_work() | {"customer_commitment_ref": "nowhere", "end_on": "2026-01-31"}
    work["milestones"][1]["ref"] = "m-home"  # taken by the first milestone
    work["milestones"][1]["submission_text"] = "Here it is."  # without its date
    work["milestones"][0]["reviews"][0]["criteria_met"] = [True]  # the brief has two criteria
    work["milestones"][0]["reviews"][1]["criteria_met"] = [True, False]  # accepted with one unmet
    work["time_entries"][0]["hours"] = 2.555
    work["communication"]["needs_overlap_hours"] = 1.125
    work["brief"]["deliverables"] = [f"Page {n}" for n in range(101)]
    other = full_work() | {"ref": "e2", "customer_commitment_ref": "harbor-site"}
    other["milestones"] = [{"ref": "m-home", "title": "Again", "due_on": "2026-12-01"}]  # taken in e1
    doc = work_bundle([work, other])
    doc["customer_commitments"].append(full_commitment() | {"buffer_days": 400})
    assert paths(doc) == [
        ("$.customer_commitments[1].buffer_days", "must be at most 365"),
        ("$.customer_commitments[1].ref", "ref 'harbor-site' is already used by $.customer_commitments[0]"),
        ("$.engagements[0].brief.deliverables", "at most 100 items"),
        ("$.engagements[0].communication.needs_overlap_hours", "use at most two decimals"),
        ("$.engagements[0].customer_commitment_ref", "no customer commitment in the bundle has the ref 'nowhere'"),
        ("$.engagements[0].end_on", "ends before it starts (2026-02-01)"),
        (
            "$.engagements[0].milestones[0].reviews[0].criteria_met",
            "1 answer for the brief's 2 acceptance criteria: give one true or false per criterion, in the brief's "
            "order",
        ),
        (
            "$.engagements[0].milestones[0].reviews[1].criteria_met[1]",
            "an accepted review cannot leave a criterion unmet; request a revision instead",
        ),
        ("$.engagements[0].milestones[1].ref", "ref 'm-home' is already used by $.engagements[0].milestones[0]"),
        ("$.engagements[0].milestones[1].submitted_on", "submitted text needs the date it was submitted"),
        ("$.engagements[0].time_entries[0].hours", "use at most two decimals"),
        ("$.engagements[1].milestones[0].ref", "ref 'm-home' is already used by $.engagements[0].milestones[0]"),
    ]


def test_review_answers_without_criteria_in_the_brief_are_refused_and_no_answers_are_fine():
    work = full_work()
    work["brief"].pop("acceptance_criteria")
    assert ("$.engagements[0].milestones[0].reviews[0].criteria_met", (
        "2 answers for the brief's 0 acceptance criteria: give one true or false per criterion, in the brief's order"
    )) in paths(work_bundle([work]))  # fmt: skip
    for review in work["milestones"][0]["reviews"]:
        del review["criteria_met"]
    assert paths(work_bundle([work])) == []


def test_a_refused_bundle_writes_nothing(personas):
    ws = personas.workspace
    before = bundle_dumps(bundle_export(workspace=ws))
    doc = work_bundle()
    doc["engagements"][0]["milestones"][0]["reviews"][0]["criteria_met"] = []
    with pytest.raises(BundleInvalid) as exc:
        bundle_import_into(actor=ACTOR, document=doc, workspace=ws, replace=True)
    assert [e.path for e in exc.value.errors] == ["$.engagements[0].milestones[0].reviews[0].criteria_met"]
    assert bundle_dumps(bundle_export(workspace=ws)) == before
    assert not Milestone.objects.exists() and not CustomerCommitment.objects.exists()


# --- Originality and size -------------------------------------------------------------------------


def test_submitted_text_is_indexed_after_the_import_oldest_first(db, django_capture_on_commit_callbacks):
    work = full_work()
    copied = work["milestones"][1] | {
        "status": "submitted",
        "submitted_on": "2026-11-30",
        "submission_text": PARAGRAPH + " Book online or call the front desk.",
    }
    work["milestones"][1] = copied
    with django_capture_on_commit_callbacks(execute=True):
        ws = bundle_import_new(actor=ACTOR, document=work_bundle([work]), name="O", owner=None).workspace
    assert OriginalityDoc.objects.filter(workspace=ws).count() == 2
    (match,) = OriginalityMatch.objects.filter(workspace=ws)
    assert match.submission.milestone.ref == "m-about"  # the later text is the one compared with the earlier
    assert match.other.submission.milestone.ref == "m-home"
    # The import's own check ran after the index, so the finding is there.
    finding = Finding.objects.get(workspace=ws, rule="deliver/originality")
    assert finding.subject_ref == "m-about" and "needs review" in finding.message


def test_ten_thousand_time_entries_import_in_bulk(db):
    entries = [
        {"worked_on": (dt.date(2025, 1, 1) + dt.timedelta(days=i // 4)).isoformat(), "hours": 1.5,
         "description": f"Entry {i}", "status": ("approved", "submitted", "draft", "rejected")[i % 4]}
        for i in range(10_000)
    ]  # fmt: skip
    work = full_engagement() | {"time_entries": entries}
    started = time.monotonic()
    with CaptureQueriesContext(connection) as ctx:
        ws = bundle_import_new(actor=ACTOR, document=work_bundle([work]), name="Big", owner=None).workspace
    assert TimeEntry.objects.filter(workspace=ws).count() == 10_000
    # Batches, not a statement per entry (SQLite caps the values of one statement: about 70 entries each).
    assert len(ctx.captured_queries) < 300
    assert time.monotonic() - started < 30
    exported = bundle_export(workspace=ws)
    assert len(exported["engagements"][0]["time_entries"]) == 10_000


def test_the_export_costs_the_same_queries_for_one_or_many_engagements(db):
    def queries(n: int) -> int:
        engagements = []
        for i in range(n):
            work = copy.deepcopy(full_work()) | {"ref": f"e{i}"}
            for milestone in work["milestones"]:
                milestone["ref"] += f"-{i}"
            engagements.append(work)
        ws = bundle_import_new(actor=ACTOR, document=work_bundle(engagements), name=f"Q{n}", owner=None).workspace
        with CaptureQueriesContext(connection) as ctx:
            bundle_export(workspace=ws)
        return len(ctx.captured_queries)

    assert queries(1) == queries(6)
