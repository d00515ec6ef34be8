"""The bundle's `risks` section and an engagement's `agreement`, `classification`, `exit_plan` and
`access_grants`: stored as written, exported byte for byte, checked in full before anything is written."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.accounts.models import Workspace
from outsourcer.bundles.selectors import bundle_dumps, bundle_export, workspace_holds_data
from outsourcer.bundles.services import BundleConflict, bundle_import_into, bundle_import_new
from outsourcer.bundles.validation import BundleInvalid, bundle_validate
from outsourcer.compliance.models import Agreement, ClassificationAssessment
from outsourcer.compliance.services import classification_record
from outsourcer.core.actor import Actor
from outsourcer.engagements.models import Engagement
from outsourcer.risk.models import AccessGrant, ExitPlan, OffboardingStep, Risk
from outsourcer.risk.services import offboarding_tick
from tests.conftest import Personas
from tests.test_bundles import full_contractor, minimal
from tests.test_bundles_engagements import full_work, work_bundle
from tests.test_bundles_money import logo_work

ACTOR = Actor.cli()


def bo() -> dict:
    return {"ref": "bo", "kind": "individual", "name": "Bo Chan", "email": "bo@chan.example", "stage": "approved"}


def full_safeguards() -> dict:
    """Every field of the four engagement parts, written the way the export writes them."""
    return {
        "agreement": {
            "signed_on": "2026-01-28", "independent_contractor_clause": True, "ip_assignment": True,
            "confidentiality": False, "payment_date_stated": True, "termination_clause": False,
        },
        "classification": {
            "assessed_on": "2026-02-03", "sets_hours_or_location": False, "trains_in_our_methods": True,
            "directs_how_work_is_done": False, "paid_by_time_not_result": True, "reimburses_expenses": False,
            "provides_tools": False, "no_chance_of_profit_or_loss": False, "works_only_for_us": True,
            "provides_benefits": False, "open_ended": True, "core_to_our_business": False,
            "similar_workers_are_employees": False,
            "reasonable_basis": "Ann runs her own studio with other clients and her own tools.",
        },
        "exit_plan": {
            "steps": "1. Export the drafts from the shared drive.\n2. Brief Bo on the tone guide.",
            "handover_to": "bo", "data_return": True, "reviewed_on": "2026-11-02",
        },
        "access_grants": [
            {"system": "Shared drive", "level": "write", "shared_credential": False, "granted_on": "2026-02-01",
             "expires_on": "2026-12-31"},
            {"system": "Website CMS", "level": "admin", "shared_credential": True, "granted_on": "2026-02-01",
             "revoked_on": "2026-06-30"},
            {"system": "Analytics", "shared_credential": False, "granted_on": "2026-03-15"},
        ],
    }  # fmt: skip


def full_risks() -> list[dict]:
    """Risks of an engagement, of a contractor, of both and of the workspace, sorted as the export sorts them."""
    return [
        {"ref": "r-books", "category": "financial", "title": "Cash runs short in January", "likelihood": 2,
         "impact": 3, "status": "accepted"},
        {"ref": "r-copy", "engagement_ref": "e1", "category": "strategic", "title": "Copy drifts from the brand",
         "likelihood": 3, "impact": 5, "mitigation": "Tone guide and a review of every page.",
         "owner": "Maya Chen", "status": "mitigated", "review_on": "2027-01-15"},
        {"ref": "r-logo", "engagement_ref": "e2", "contractor_ref": "ann", "category": "compliance",
         "title": "Font licence unclear", "likelihood": 1, "impact": 2, "status": "closed"},
        {"ref": "r-solo", "contractor_ref": "ann", "category": "operational", "title": "Ann is a single point",
         "likelihood": 4, "impact": 4, "mitigation": "Bo knows the work.", "owner": "Alex Morgan",
         "status": "open", "review_on": "2026-12-15"},
    ]  # fmt: skip


def risk_bundle() -> dict:
    doc = work_bundle([full_work() | full_safeguards(), logo_work() | {"exit_plan": {"handover_to": "in-house"}}])
    doc["contractors"].append(bo())
    doc["risks"] = full_risks()
    return doc


def paths(document) -> list[tuple[str, str]]:
    return [(e.path, e.message) for e in bundle_validate(document)]


# --- Round trip -----------------------------------------------------------------------------------


def test_every_risk_and_safeguard_field_comes_back_byte_for_byte(db):
    doc = risk_bundle()
    assert paths(doc) == []
    ws = bundle_import_new(actor=ACTOR, document=doc, name="Tiny", owner=None).workspace
    exported = bundle_export(workspace=ws)
    assert exported["risks"] == doc["risks"]
    assert exported["engagements"] == doc["engagements"]
    text = bundle_dumps(exported)
    again = bundle_import_new(actor=ACTOR, document=json.loads(text), name="Tiny", owner=None).workspace
    assert bundle_dumps(bundle_export(workspace=again)) == text
    # What was stored, as the risk and compliance pages read it.
    e1 = Engagement.objects.get(workspace=ws, ref="e1")
    plan = ExitPlan.objects.get(engagement=e1)
    assert (plan.handover_kind, plan.handover_contractor.ref, plan.handover_person) == ("contractor", "bo", "")
    assert ExitPlan.objects.get(workspace=ws, engagement__ref="e2").handover_kind == ExitPlan.Handover.IN_HOUSE
    agreement = Agreement.objects.get(engagement=e1)
    assert (agreement.business_name, agreement.contractor_name, agreement.contractor_email) == (
        "Tiny",
        "Ann Lee Studio",
        "ann@lee.example",
    )
    assert agreement.missing_clauses == ["confidentiality"] and agreement.signed_on == dt.date(2026, 1, 28)
    assert (agreement.invoice_deadline_days, agreement.business_address, agreement.signed_document) == (10, "", None)
    (assessment,) = ClassificationAssessment.objects.filter(engagement=e1)
    assert assessment.toward_employment == [
        "trains_in_our_methods", "paid_by_time_not_result", "works_only_for_us", "open_ended",
    ]  # fmt: skip
    assert assessment.assessed_by is None
    grants = AccessGrant.objects.filter(engagement=e1)
    assert [(g.system, g.is_open, g.shared_credential) for g in grants] == [
        ("Shared drive", True, False), ("Website CMS", False, True), ("Analytics", True, False),
    ]  # fmt: skip
    risks = {r.ref: r for r in Risk.objects.filter(workspace=ws).select_related("engagement", "contractor")}
    assert (risks["r-books"].engagement, risks["r-books"].contractor) == (None, None)
    assert (risks["r-logo"].engagement.ref, risks["r-logo"].contractor.ref) == ("e2", "ann")
    assert risks["r-solo"].is_high and risks["r-solo"].review_on == dt.date(2026, 12, 15)


def test_the_export_is_sorted_whatever_the_order_of_the_file(db):
    doc = risk_bundle()
    shuffled = copy.deepcopy(doc)
    shuffled["risks"].reverse()
    shuffled["engagements"][0]["access_grants"].reverse()
    ws = bundle_import_new(actor=ACTOR, document=shuffled, name="S", owner=None).workspace
    exported = bundle_export(workspace=ws)
    assert [r["ref"] for r in exported["risks"]] == [r["ref"] for r in doc["risks"]]
    assert exported["engagements"][0]["access_grants"] == doc["engagements"][0]["access_grants"]
    assert bundle_dumps(exported) == bundle_dumps(bundle_export(workspace=ws))


def test_handover_to_names_in_house_a_contractor_of_the_bundle_or_a_person(db):
    def handover(text: str) -> tuple[str, str, str | None, str | None]:
        work = full_work() | {"exit_plan": {"handover_to": text}}
        doc = work_bundle([work])
        doc["contractors"].append(bo())
        ws = bundle_import_new(actor=ACTOR, document=doc, name="H", owner=None).workspace
        plan = ExitPlan.objects.select_related("handover_contractor").get(workspace=ws)
        written = bundle_export(workspace=ws)["engagements"][0].get("exit_plan", {}).get("handover_to")
        other = plan.handover_contractor.ref if plan.handover_contractor else None
        return plan.handover_kind, plan.handover_person, other, written

    assert handover("in_house") == ("in_house", "", None, "in-house")
    assert handover("In-House") == ("in_house", "", None, "in-house")
    assert handover("bo") == ("contractor", "", "bo", "bo")
    assert handover("  Maya Chen ") == ("person", "Maya Chen", None, "Maya Chen")
    assert handover("cy") == ("person", "cy", None, "cy")  # not a contractor of the bundle: someone by that name
    assert handover("Bo") == ("person", "Bo", None, "Bo")  # refs are matched exactly


def test_parts_written_loosely_are_read_the_protective_way_and_empty_ones_are_not_stored(db):
    work = full_work() | {
        "agreement": {"signed_on": "2026-02-01"},  # the clauses it holds are not said
        "classification": {"assessed_on": "2026-02-03", "open_ended": True},
        "exit_plan": {"handover_to": "   "},
        "access_grants": [{"system": "Chat", "granted_on": "2026-02-01"}],
    }
    empty = logo_work() | {"agreement": {}, "classification": {}, "exit_plan": {}, "access_grants": []}
    ws = bundle_import_new(actor=ACTOR, document=work_bundle([work, empty]), name="L", owner=None).workspace
    agreement = Agreement.objects.get(workspace=ws)
    assert agreement.engagement.ref == "e1" and len(agreement.missing_clauses) == 4 and not agreement.termination_clause
    (assessment,) = ClassificationAssessment.objects.filter(workspace=ws)
    assert assessment.answers == {name: (True if name == "open_ended" else None) for name in assessment.answers}
    assert not ExitPlan.objects.filter(workspace=ws).exists()
    (grant,) = AccessGrant.objects.filter(workspace=ws)
    assert (grant.level, grant.shared_credential, grant.expires_on, grant.revoked_on) == ("", False, None, None)
    exported = {e["ref"]: e for e in bundle_export(workspace=ws)["engagements"]}
    assert exported["e1"]["agreement"] == {
        "signed_on": "2026-02-01", "independent_contractor_clause": False, "ip_assignment": False,
        "confidentiality": False, "payment_date_stated": False, "termination_clause": False,
    }  # fmt: skip
    assert exported["e1"]["classification"] == {"assessed_on": "2026-02-03", "open_ended": True}
    assert exported["e1"]["access_grants"] == [
        {"system": "Chat", "shared_credential": False, "granted_on": "2026-02-01"}
    ]
    assert not {"agreement", "classification", "exit_plan", "access_grants"} & set(exported["e2"])
    assert "exit_plan" not in exported["e1"]


def test_the_export_writes_the_latest_assessment_only(db):
    ws = bundle_import_new(actor=ACTOR, document=risk_bundle(), name="A", owner=None).workspace
    e1 = Engagement.objects.get(workspace=ws, ref="e1")
    later = {"assessed_on": dt.date(2026, 10, 1), "open_ended": False, "reasonable_basis": "Reassessed."}
    classification_record(actor=ACTOR, engagement=e1, data=later)
    classification_record(actor=ACTOR, engagement=e1, data={"assessed_on": dt.date(2026, 5, 1)})  # older
    exported = bundle_export(workspace=ws)["engagements"][0]["classification"]
    assert exported == {"assessed_on": "2026-10-01", "open_ended": False, "reasonable_basis": "Reassessed."}
    assert ClassificationAssessment.objects.filter(engagement=e1).count() == 3


def test_the_export_costs_the_same_queries_for_one_or_many_engagements(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(n: int) -> int:
        engagements, risks = [], []
        for i in range(n):
            work = copy.deepcopy(full_work()) | full_safeguards() | {"ref": f"e{i}"}
            for milestone in work["milestones"]:
                milestone["ref"] += f"-{i}"
            engagements.append(work)
            risks.append({"ref": f"r{i}", "engagement_ref": f"e{i}", "contractor_ref": "ann",
                          "category": "operational", "title": "Late", "likelihood": 2, "impact": 2})  # fmt: skip
        doc = work_bundle(engagements)
        doc["contractors"].append(bo())
        doc["risks"] = risks
        ws = bundle_import_new(actor=ACTOR, document=doc, name=f"Q{n}", owner=None).workspace
        with CaptureQueriesContext(connection) as ctx:
            exported = bundle_export(workspace=ws)
        assert len(exported["risks"]) == n and all("exit_plan" in e for e in exported["engagements"])
        return len(ctx.captured_queries)

    assert queries(1) == queries(6)


# --- Replacing ------------------------------------------------------------------------------------


def test_replacing_a_workspace_clears_its_risks_plans_grants_agreements_and_assessments(db, personas: Personas):
    ws = personas.workspace
    bundle_import_into(actor=ACTOR, document=risk_bundle(), workspace=ws, replace=True)
    offboarding_tick(actor=ACTOR, engagement=Engagement.objects.get(workspace=ws, ref="e2"), step="data")
    models = (Risk, ExitPlan, AccessGrant, Agreement, ClassificationAssessment, OffboardingStep)
    assert all(model.objects.filter(workspace=ws).exists() for model in models)
    bundle_import_into(actor=ACTOR, document=work_bundle(), workspace=ws, replace=True)
    assert [model.__name__ for model in models if model.objects.filter(workspace=ws).exists()] == []
    # A workspace whose only data is a risk of its own still holds data: it is replaced only when asked.
    doc = minimal()
    doc["risks"] = [full_risks()[0]]
    bundle_import_into(actor=ACTOR, document=doc, workspace=ws, replace=True)
    assert workspace_holds_data(workspace=ws)
    with pytest.raises(BundleConflict):
        bundle_import_into(actor=ACTOR, document=minimal(), workspace=ws, replace=False)
    assert Risk.objects.filter(workspace=ws).count() == 1


def test_a_refused_bundle_writes_nothing(db, personas: Personas):
    ws = personas.workspace
    bundle_import_into(actor=ACTOR, document=risk_bundle(), workspace=ws, replace=True)
    before = bundle_dumps(bundle_export(workspace=ws))
    bad = risk_bundle()
    bad["risks"][0]["title"] = "Renamed"
    bad["engagements"][0]["access_grants"][0]["revoked_on"] = "2026-01-01"
    with pytest.raises(BundleInvalid) as exc:
        bundle_import_into(actor=ACTOR, document=bad, workspace=ws, replace=True)
    assert [e.path for e in exc.value.errors] == ["$.engagements[0].access_grants[0].revoked_on"]
    assert bundle_dumps(bundle_export(workspace=ws)) == before


# --- Validation ------------------------------------------------------------------------------------


def test_risks_that_point_nowhere_or_at_someone_else_are_reported_with_their_paths():
    doc = risk_bundle()
    risks = doc["risks"]
    risks[0]["engagement_ref"] = "nowhere"
    risks[1]["contractor_ref"] = "bo"  # e1 is Ann's
    risks[2]["contractor_ref"] = "nobody"
    risks[3]["title"] = "  "
    risks.append(copy.deepcopy(risks[1]) | {"contractor_ref": "ann"})  # the same ref twice
    assert paths(doc) == [
        ("$.risks[0].engagement_ref", "no engagement in the bundle has the ref 'nowhere'"),
        (
            "$.risks[1].contractor_ref",
            "engagement 'e1' is with 'ann', not 'bo': give the engagement's contractor, or only one of the two",
        ),
        ("$.risks[2].contractor_ref", "no contractor in the bundle has the ref 'nobody'"),
        ("$.risks[3].title", "a risk needs a title"),
        ("$.risks[4].ref", "ref 'r-copy' is already used by $.risks[1]"),
    ]


def test_the_schema_checks_each_risk_field():
    doc = risk_bundle()
    doc["risks"][0] |= {"likelihood": 6, "impact": 0, "category": "legal", "status": "done", "colour": "red"}
    del doc["risks"][1]["title"]
    doc["risks"][2]["review_on"] = "next week"
    assert [path for path, _ in paths(doc)] == [
        "$.risks[0].category",
        "$.risks[0].colour",
        "$.risks[0].impact",
        "$.risks[0].likelihood",
        "$.risks[0].status",
        "$.risks[1]",
        "$.risks[2].review_on",
    ]


def test_grants_out_of_order_a_self_handover_and_an_undated_assessment_are_reported():
    doc = risk_bundle()
    work = doc["engagements"][0]
    work["access_grants"][0] |= {"expires_on": "2026-01-31", "revoked_on": "2026-01-15"}  # granted 2026-02-01
    work["access_grants"][1]["system"] = " "
    work["exit_plan"]["handover_to"] = "ann"  # e1's own contractor
    del work["classification"]["assessed_on"]
    work["agreement"]["signed_by"] = "Ann"
    assert paths(doc) == [
        ("$.engagements[0].access_grants[0].expires_on", "expires before it was granted (2026-02-01)"),
        ("$.engagements[0].access_grants[0].revoked_on", "is revoked before it was granted (2026-02-01)"),
        ("$.engagements[0].access_grants[1].system", "name the system the access is to"),
        ("$.engagements[0].agreement.signed_by", "unknown key (not part of the bundle format)"),
        ("$.engagements[0].classification.assessed_on", "an assessment needs the day it was made"),
        (
            "$.engagements[0].exit_plan.handover_to",
            "'ann' is this engagement's own contractor: name who would take the work over instead",
        ),
    ]
    # On the same day is fine.
    work["access_grants"][0] |= {"expires_on": "2026-02-01", "revoked_on": "2026-02-01"}
    assert ("$.engagements[0].access_grants[0].expires_on") not in dict(paths(doc))


def test_the_command_line_refuses_a_bad_file_with_exit_status_2_and_stores_nothing(db, tmp_path, capsys):
    doc = risk_bundle()
    doc["risks"][1]["engagement_ref"] = "e9"
    doc["engagements"][1]["access_grants"] = [{"system": "FTP", "granted_on": "2026-10-05", "revoked_on": "2026-10-01"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError) as exc:
        call_command("import_bundle", str(path), "--workspace", "Refused")
    assert exc.value.returncode == 2
    assert capsys.readouterr().err.splitlines() == [
        "$.engagements[1].access_grants[0].revoked_on: is revoked before it was granted (2026-10-05)",
        "$.risks[1].engagement_ref: no engagement in the bundle has the ref 'e9'",
    ]
    assert not Workspace.objects.filter(name="Refused").exists()
    assert not Risk.objects.exists() and not AccessGrant.objects.exists()
    # Fixed, the same file imports, and exports what it holds.
    doc["risks"][1]["engagement_ref"] = "e1"
    doc["engagements"][1]["access_grants"][0]["revoked_on"] = "2026-10-31"
    path.write_text(json.dumps(doc))
    call_command("import_bundle", str(path), "--workspace", "Refused")
    out = tmp_path / "out.json"
    call_command("export_bundle", "--workspace", "Refused", "--output", str(out))
    assert json.loads(out.read_text())["risks"] == doc["risks"]


def test_the_contractor_of_a_risk_alone_need_not_have_an_engagement():
    doc = work_bundle()
    doc["contractors"] = [full_contractor(), bo()]
    doc["risks"] = [{"ref": "r1", "contractor_ref": "bo", "category": "financial", "title": "Rate rise",
                     "likelihood": 2, "impact": 2}]  # fmt: skip
    assert paths(doc) == []


def test_a_section_or_part_this_version_could_not_store_would_be_refused_not_dropped(monkeypatch):
    """Every section and part of the schema is stored now; the guard stays for the next one the schema gains."""
    from outsourcer.bundles import validation

    doc = risk_bundle()
    monkeypatch.setattr(validation, "SUPPORTED_SECTIONS", validation.SUPPORTED_SECTIONS - {"risks"})
    monkeypatch.setattr(validation, "ENGAGEMENT_UNSTORED", ("exit_plan",))
    assert paths(doc) == [
        (
            "$.engagements[0].exit_plan",
            "this version of Outsourcer cannot store an engagement's 'exit_plan' yet; nothing was imported. "
            "Remove it or use a version that supports it.",
        ),
        (
            "$.engagements[1].exit_plan",
            "this version of Outsourcer cannot store an engagement's 'exit_plan' yet; nothing was imported. "
            "Remove it or use a version that supports it.",
        ),
        (
            "$.risks",
            "this version of Outsourcer cannot store 'risks' yet; nothing was imported. "
            "Remove the section or use a version that supports it.",
        ),
    ]
    doc["risks"] = []
    doc["engagements"][0]["exit_plan"] = doc["engagements"][1]["exit_plan"] = {}
    assert paths(doc) == []  # an empty one loses nothing
