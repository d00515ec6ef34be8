"""The contractor directory, vetting records, trials and scorecards over REST: every operation and its refusals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from outsourcer.audit.models import AuditEntry
from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck
from outsourcer.engagements.models import Engagement, Rating
from outsourcer.vetting.models import ScorecardWeights
from tests.conftest import Personas, token_client
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


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def owner(personas: Personas) -> Client:
    return token_client(personas.owner, personas.workspace)


@pytest.fixture
def base(personas: Personas) -> str:
    return f"/api/v1/workspaces/{personas.workspace.uuid}"


def snapshot(model: Any, workspace: Any) -> list[tuple[Any, ...]]:
    return list(model.objects.filter(workspace=workspace).order_by("pk").values_list())


def vetted(contractor: Contractor) -> Contractor:
    """Every vetting step done: a positive reference, an interview and a finished trial."""
    ReferenceCheckFactory(contractor=contractor)
    InterviewFactory(contractor=contractor)
    EngagementFactory(contractor=contractor, kind="trial", status="completed")
    return contractor


# --- The directory ---------------------------------------------------------------------------------


def test_the_list_filters_and_gives_each_row_its_standing(personas: Personas, owner: Client, base: str):
    ws = personas.workspace
    ann = ContractorFactory(
        workspace=ws,
        name="Ann Lee",
        ref="ann",
        skills_text="\nbookkeeping\npayroll\n",
        hourly_rate=Decimal("40.00"),
        stage="approved",
        time_zone="America/Chicago",
    )
    bo = ContractorFactory(
        workspace=ws,
        name="Bo Berg",
        ref="bo",
        skills_text="\ndesign\n",
        hourly_rate=Decimal("70"),
        time_zone="Asia/Tokyo",
        currency="EUR",
        source="referral",
    )
    ContractorFactory(
        workspace=ws,
        name="Cy Diaz",
        ref="cy",
        stage="prospect",
        time_zone="",
        work_start=None,
        work_end=None,
        hourly_rate=None,
        currency="",
    )
    RedFlagFactory(contractor=bo)
    RatingFactory(engagement=EngagementFactory(contractor=ann), overall=5)
    ContractorFactory(workspace=personas.other_workspace, name="Ann Elsewhere")

    page = owner.get(f"{base}/contractors").json()
    assert page["count"] == 3 and [c["name"] for c in page["items"]] == ["Ann Lee", "Bo Berg", "Cy Diaz"]
    first = page["items"][0]
    assert first["standing"] == "preferred" and first["open_red_flags"] == 0
    assert first["hourly_rate"] == "40.00" and first["skills"] == ["bookkeeping", "payroll"]
    assert first["working_hours"] == {
        "timezone": "America/Chicago",
        "start": "09:00",
        "end": "17:00",
        "days": [1, 2, 3, 4, 5],
    }
    assert first["tax"] == dict.fromkeys(["us_person", "entity_type", "legal_services", "tin_verified", "works_in_us"])
    assert page["items"][1]["standing"] == "avoid" and page["items"][1]["open_red_flags"] == 1
    assert page["items"][2]["standing"] == "unrated" and page["items"][2]["working_hours"] is None

    def refs(query: str) -> list[str]:
        response = owner.get(f"{base}/contractors?{query}")
        assert response.status_code == 200, response.content
        return [c["ref"] for c in response.json()["items"]]

    assert refs("search=REFERRAL") == ["bo"]
    assert refs("skill=Payroll") == ["ann"]
    assert refs("skill=pay") == []  # a whole skill, not part of one
    assert refs("stage=prospect") == ["cy"]
    assert refs("rate_min=50") == ["bo"] and refs("rate_max=50") == ["ann"]
    assert refs("standing=avoid") == ["bo"] and refs("standing=unrated") == ["cy"]
    # New York and Chicago share 7 hours a day, Tokyo none; a contractor without hours never matches.
    assert refs("min_overlap_hours=6.5") == ["ann"] and refs("min_overlap_hours=0") == ["ann", "bo"]
    assert refs("limit=1&offset=1") == ["bo"]


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("stage=hired", "$.stage"),
        ("standing=great", "$.standing"),
        ("rate_min=-1", "$.rate_min"),
        ("rate_max=NaN", "$.rate_max"),
        ("min_overlap_hours=25", "$.min_overlap_hours"),
        ("limit=0", "$.limit"),
    ],
)
def test_the_list_refuses_bad_filters_by_name(owner: Client, base: str, query: str, path: str):
    response = owner.get(f"{base}/contractors?{query}")
    assert response.status_code == 422
    assert response.json()["message"] == "The request is not valid."
    assert [e["path"] for e in response.json()["errors"]] == [path]


def test_add_a_contractor_as_the_bundle_has_one(personas: Personas, owner: Client, base: str):
    body = {
        "name": "Marta Nowak",
        "kind": "agency",
        "email": "Marta@Example.test",
        "country": "PL",
        "region": "MZ",
        "working_hours": {"timezone": "Europe/Warsaw", "start": "08:00", "end": "16:00", "days": [5, 1, 2, 3, 4]},
        "skills": ["Web  Design", "seo"],
        "hourly_rate": 45,
        "currency": "EUR",
        "source": "referral",
        "notes": "Met at a meetup.",
        "tax": {"us_person": False, "entity_type": "c_corporation", "works_in_us": False},
    }
    response = send(owner, "post", f"{base}/contractors", body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["ref"].startswith("c-") and made["stage"] == "prospect" and made["standing"] == "unrated"
    assert made["email"] == "marta@example.test" and made["skills"] == ["web design", "seo"]
    assert made["hourly_rate"] == "45.00" and made["currency"] == "EUR"
    assert made["working_hours"]["days"] == [1, 2, 3, 4, 5]
    assert made["tax"] == {
        "us_person": False,
        "entity_type": "c_corporation",
        "legal_services": None,
        "tin_verified": None,
        "works_in_us": False,
    }
    stored = Contractor.objects.get(uuid=made["id"])
    assert stored.time_zone == "Europe/Warsaw" and stored.work_start == dt.time(8) and stored.kind == "agency"
    entry = AuditEntry.objects.get(action="contractor.create")
    assert entry.face == "api" and entry.workspace == personas.workspace


@pytest.mark.parametrize(
    ("change", "status", "path", "message"),
    [
        (
            {"working_hours": {"timezone": "Mars/Olympus", "start": "09:00", "end": "17:00"}},
            400,
            "$.working_hours.timezone",
            "not a known IANA time zone",
        ),
        (
            {"working_hours": {"timezone": "UTC", "start": "09:00", "end": "09:00"}},
            400,
            "$.working_hours.end",
            "must end at another time",
        ),
        ({"working_hours": {"timezone": "UTC", "start": "9am", "end": "17:00"}}, 422, "$.working_hours.start", ""),
        (
            {"working_hours": {"timezone": "UTC", "start": "09:00", "end": "17:00", "days": [1, 1]}},
            400,
            "$.working_hours.days",
            "listed twice",
        ),
        ({"hourly_rate": "40"}, 400, "$.currency", "Say which currency"),
        ({"hourly_rate": "4.005", "currency": "USD"}, 422, "$.hourly_rate", ""),
        ({"email": "not-an-email"}, 400, "$.email", "valid email"),
        ({"country": "Poland"}, 422, "$.country", ""),
        ({"skills": ["a" * 65]}, 422, "$.skills[0]", ""),
        ({"tax": {"entity_type": "llc"}}, 422, "$.tax.entity_type", ""),
        ({"colour": "blue"}, 422, "$.colour", "Extra inputs are not permitted"),
        ({"name": ""}, 422, "$.name", ""),
    ],
)
def test_add_refuses_bad_values_and_stores_nothing(
    personas: Personas, owner: Client, base: str, change: dict, status: int, path: str, message: str
):
    response = send(owner, "post", f"{base}/contractors", {"name": "Ann Lee", **change})
    assert response.status_code == status, response.content
    errors = response.json()["errors"]
    assert [e["path"] for e in errors] == [path]
    assert message in errors[0]["message"]
    assert not Contractor.objects.exists()


def test_a_taken_ref_is_refused(personas: Personas, owner: Client, base: str):
    ContractorFactory(workspace=personas.workspace, ref="ann", name="Somebody Else")
    response = send(owner, "post", f"{base}/contractors", {"name": "Ann Lee", "ref": "ann"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "$.ref", "message": "Another contractor already uses the ref 'ann'."}]


def test_a_possible_duplicate_is_409_until_allowed(personas: Personas, owner: Client, base: str):
    ann = ContractorFactory(workspace=personas.workspace, name="Ann Lee", email="ann@example.test", ref="ann")
    body = {"name": "Anne Lee", "email": "ANN@example.test"}
    response = send(owner, "post", f"{base}/contractors", body)
    assert response.status_code == 409
    data = response.json()
    assert data["message"].startswith("This may be someone already in the directory: Ann Lee")
    assert data["matches"] == [
        {"id": str(ann.uuid), "ref": "ann", "name": "Ann Lee", "reason": "the same email address (ann@example.test)"}
    ]
    assert Contractor.objects.count() == 1

    response = send(owner, "post", f"{base}/contractors", {**body, "allow_duplicate": True})
    assert response.status_code == 201 and response.json()["name"] == "Anne Lee"
    assert Contractor.objects.count() == 2


def test_the_detail_holds_records_engagements_scorecard_gaps_and_overlap(personas: Personas, owner: Client, base: str):
    ws = personas.workspace
    ann = ContractorFactory(workspace=ws, name="Ann Lee", time_zone="Europe/Berlin")
    ReferenceCheckFactory(contractor=ann, outcome="mixed", met_deadlines=True)
    RedFlagFactory(contractor=ann, resolved=True)
    DocumentFactory(
        contractor=ann,
        kind="nda",
        title="Mutual NDA",
        file_name="nda.pdf",
        size=2048,
        file="documents/x/nda.pdf",
        content_type="application/pdf",
    )
    project = EngagementFactory(contractor=ann, title="Books", end_on=dt.date(2026, 12, 31))

    data = owner.get(f"{base}/contractors/{ann.uuid}").json()
    assert data["name"] == "Ann Lee" and data["standing"] == "watch"
    assert [r["outcome"] for r in data["references"]] == ["mixed"] and data["references"][0]["counts"] is True
    assert data["interviews"] == []
    assert data["documents"] == [
        {
            "id": str(ann.document_set.get().uuid),
            "contractor": str(ann.uuid),
            "kind": "nda",
            "title": "Mutual NDA",
            "signed_on": "2026-01-10",
            "expires_on": None,
            "has_file": True,
            "file_name": "nda.pdf",
            "content_type": "application/pdf",
            "size": 2048,
        }
    ]
    assert data["red_flags"][0]["resolved"] is True
    assert data["engagements"] == [
        {
            "id": str(project.uuid),
            "contractor": str(ann.uuid),
            "ref": project.ref,
            "title": "Books",
            "kind": "project",
            "status": "active",
            "start_on": "2026-11-01",
            "end_on": "2026-12-31",
            "budget_cap": "1500.00",
            "rate": {"model": "fixed", "currency": "USD", "amount": "1500.00"},
        }
    ]
    card = data["scorecard"]
    assert [(p["name"], p["value"], p["weight"]) for p in card["parts"]] == [
        ("references", 0.5, 2),
        ("interviews", None, 2),
        ("trial", None, 3),
        ("ratings", None, 3),
    ]
    assert card["score"] == 0.5 and card["percent"] == 50 and card["standing_label"] == "Watch"
    assert data["vetting_gaps"] == ["interview", "trial"]
    worst = data["worst_overlap_day"]
    overlap = owner.get(f"{base}/contractors/{ann.uuid}/overlap").json()
    assert worst == overlap["worst"] and worst["minutes"] == min(d["minutes"] for d in overlap["days"])


def test_change_a_contractor(personas: Personas, owner: Client, base: str):
    ann = ContractorFactory(workspace=personas.workspace, name="Ann Lee", us_person=True, entity_type="individual")
    response = send(
        owner,
        "patch",
        f"{base}/contractors/{ann.uuid}",
        {"skills": ["Payroll"], "hourly_rate": "50", "working_hours": None, "tax": {"tin_verified": True}},
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["skills"] == ["payroll"] and data["hourly_rate"] == "50.00" and data["working_hours"] is None
    assert data["tax"]["us_person"] is True and data["tax"]["entity_type"] == "individual"
    assert data["tax"]["tin_verified"] is True
    ann.refresh_from_db()
    assert ann.time_zone == "" and ann.work_start is None and ann.tin_verified is True
    assert AuditEntry.objects.filter(action="contractor.update").exists()

    cleared = send(owner, "patch", f"{base}/contractors/{ann.uuid}", {"tax": None}).json()
    assert set(cleared["tax"].values()) == {None}


@pytest.mark.parametrize(
    ("body", "status", "path"),
    [
        ({"name": None}, 400, "$.name"),
        ({"ref": "taken"}, 400, "$.ref"),
        ({"stage": "approved"}, 422, "$.stage"),
        ({"working_hours": {"timezone": "Europe", "start": "09:00", "end": "17:00"}}, 400, "$.working_hours.timezone"),
    ],
)
def test_patch_refuses_bad_values_and_changes_nothing(
    personas: Personas, owner: Client, base: str, body: dict, status: int, path: str
):
    ContractorFactory(workspace=personas.workspace, ref="taken")
    ann = ContractorFactory(workspace=personas.workspace, name="Ann Lee")
    before = snapshot(Contractor, personas.workspace)
    response = send(owner, "patch", f"{base}/contractors/{ann.uuid}", body)
    assert response.status_code == status
    assert [e["path"] for e in response.json()["errors"]] == [path]
    assert snapshot(Contractor, personas.workspace) == before


def test_delete_a_contractor_but_not_one_with_engagements(personas: Personas, owner: Client, base: str):
    ann = ContractorFactory(workspace=personas.workspace)
    ReferenceCheckFactory(contractor=ann)
    assert owner.delete(f"{base}/contractors/{ann.uuid}").status_code == 204
    assert not Contractor.objects.filter(pk=ann.pk).exists() and not ReferenceCheck.objects.exists()

    bo = EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace)).contractor
    response = owner.delete(f"{base}/contractors/{bo.uuid}")
    assert response.status_code == 400
    assert "has engagements; set the stage to inactive" in response.json()["errors"][0]["message"]
    assert Contractor.objects.filter(pk=bo.pk).exists()


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_contractor_of_another_workspace_is_absent(personas: Personas, owner: Client, base: str, method: str):
    theirs = ContractorFactory(workspace=personas.other_workspace)
    url = f"{base}/contractors/{theirs.uuid}"
    response = send(owner, method, url, {"name": "Mine now"}) if method == "patch" else getattr(owner, method)(url)
    assert response.status_code == 404 and response.json()["message"] == "No such contractor."
    theirs.refresh_from_db()
    assert theirs.name != "Mine now"


# --- The pipeline ----------------------------------------------------------------------------------


def test_approval_asks_for_the_missing_steps_then_takes_a_reason(personas: Personas, owner: Client, base: str):
    ann = ContractorFactory(workspace=personas.workspace, stage="vetting")
    ReferenceCheckFactory(contractor=ann)
    url = f"{base}/contractors/{ann.uuid}/stage"

    response = send(owner, "post", url, {"stage": "approved"})
    assert response.status_code == 409
    assert response.json() == {
        "message": "Still missing: an interview; a finished paid trial. Give a reason to approve anyway.",
        "missing": ["interview", "trial"],
    }
    ann.refresh_from_db()
    assert ann.stage == "vetting"

    response = send(owner, "post", url, {"stage": "approved", "override_reason": "Worked with her for years."})
    assert response.status_code == 200
    assert response.json()["stage"] == "approved"
    assert response.json()["approval_override"] == "Worked with her for years."
    entry = AuditEntry.objects.get(action="contractor.stage")
    assert entry.changes["skipped"] == ["interview", "trial"]


def test_a_vetted_contractor_is_approved_without_a_reason(personas: Personas, owner: Client, base: str):
    ann = vetted(ContractorFactory(workspace=personas.workspace))
    response = send(owner, "post", f"{base}/contractors/{ann.uuid}/stage", {"stage": "approved"})
    assert response.status_code == 200 and response.json()["approval_override"] == ""


def test_a_red_flag_blocks_approval_even_with_a_reason(personas: Personas, owner: Client, base: str):
    ann = vetted(ContractorFactory(workspace=personas.workspace))
    RedFlagFactory(contractor=ann, kind="off_platform_payment_request")
    response = send(
        owner, "post", f"{base}/contractors/{ann.uuid}/stage", {"stage": "approved", "override_reason": "Trust me"}
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "$.stage",
            "message": "Resolve the red flag(s) first (asked to be paid off-platform): "
            "a flagged contractor cannot be approved.",
        }
    ]
    ann.refresh_from_db()
    assert ann.stage == "vetting" and ann.approval_override == ""


def test_an_unknown_stage_is_422(personas: Personas, owner: Client, base: str):
    ann = ContractorFactory(workspace=personas.workspace)
    response = send(owner, "post", f"{base}/contractors/{ann.uuid}/stage", {"stage": "hired"})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "$.stage"


# --- Overlap and scorecard -------------------------------------------------------------------------


def test_overlap_follows_summer_time_on_each_side(personas: Personas, owner: Client, base: str):
    """New York moves its clocks on 8 March 2026, Berlin on 29 March: for three weeks they share an hour more."""
    berlin = ContractorFactory(workspace=personas.workspace, time_zone="Europe/Berlin")
    data = owner.get(f"{base}/contractors/{berlin.uuid}/overlap?start=2026-03-06&days=4").json()
    assert data["start"] == "2026-03-06"
    assert data["workspace_hours"]["timezone"] == "America/New_York"
    assert data["contractor_hours"]["timezone"] == "Europe/Berlin"
    assert data["days"] == [
        {
            "day": "2026-03-06",
            "minutes": 120,
            "shared": [{"start": "2026-03-06T14:00:00Z", "end": "2026-03-06T16:00:00Z"}],
        },
        {
            "day": "2026-03-09",
            "minutes": 180,
            "shared": [{"start": "2026-03-09T13:00:00Z", "end": "2026-03-09T16:00:00Z"}],
        },
    ]
    assert data["worst"]["day"] == "2026-03-06"


def test_overlap_without_hours_and_its_bounds(personas: Personas, owner: Client, base: str):
    unknown = ContractorFactory(workspace=personas.workspace, time_zone="", work_start=None, work_end=None)
    data = owner.get(f"{base}/contractors/{unknown.uuid}/overlap").json()
    assert data["contractor_hours"] is None and data["days"] == [] and data["worst"] is None
    for query, path in (("days=0", "$.days"), ("days=91", "$.days"), ("start=9999-12-31", "$.start")):
        response = owner.get(f"{base}/contractors/{unknown.uuid}/overlap?{query}")
        assert response.status_code == 422 and response.json()["errors"][0]["path"] == path


def test_the_scorecard_and_its_weights(personas: Personas, owner: Client, base: str):
    ann = ContractorFactory(workspace=personas.workspace)
    ReferenceCheckFactory(contractor=ann, outcome="positive")
    InterviewFactory(contractor=ann, score_skills=1, score_communication=1)
    assert owner.get(f"{base}/scorecard-weights").json() == {"references": 2, "interviews": 2, "trial": 3, "ratings": 3}
    card = owner.get(f"{base}/contractors/{ann.uuid}/scorecard").json()
    assert card["score"] == 0.5 and card["standing"] == "watch"

    response = send(
        owner, "put", f"{base}/scorecard-weights", {"references": 3, "interviews": 1, "trial": 3, "ratings": 3}
    )
    assert response.status_code == 200 and response.json()["references"] == 3
    card = owner.get(f"{base}/contractors/{ann.uuid}/scorecard").json()
    assert card["score"] == 0.75 and card["standing"] == "good"
    assert [p["weight"] for p in card["parts"]] == [3, 1, 3, 3]


def test_weights_refused_change_nothing(personas: Personas, owner: Client, base: str):
    zero = send(owner, "put", f"{base}/scorecard-weights", {"references": 0, "interviews": 0, "trial": 0, "ratings": 0})
    assert zero.status_code == 400
    assert zero.json()["errors"][0]["message"] == "At least one part must weigh more than zero."
    too_much = send(
        owner, "put", f"{base}/scorecard-weights", {"references": 11, "interviews": 0, "trial": 0, "ratings": 0}
    )
    assert too_much.status_code == 422 and too_much.json()["errors"][0]["path"] == "$.references"
    partial = send(owner, "put", f"{base}/scorecard-weights", {"references": 1})
    assert partial.status_code == 422
    assert not ScorecardWeights.objects.exists()


# --- Records ---------------------------------------------------------------------------------------

RECORDS = [
    (
        "references",
        "references",
        ReferenceCheck,
        {"name": "Dana", "relationship": "former client", "checked_on": "2026-11-02", "outcome": "positive"},
        {"outcome": None, "met_deadlines": False},
        {"outcome": None, "met_deadlines": False},
    ),
    (
        "interviews",
        "interviews",
        Interview,
        {
            "held_on": "2026-11-03",
            "medium": "video",
            "scores": {"skills": 5, "communication": 3, "values_fit": None, "reliability": None},
        },
        {"scores": {"skills": None, "reliability": 4}},
        {"scores": {"skills": None, "communication": 3, "values_fit": None, "reliability": 4}, "average": 3.5},
    ),
    (
        "documents",
        "documents",
        Document,
        {"kind": "w8ben", "title": "W-8BEN 2026", "signed_on": "2026-01-05"},
        {"expires_on": "2028-12-31"},
        {"expires_on": "2028-12-31", "has_file": False},
    ),
    (
        "red-flags",
        "red-flags",
        RedFlag,
        {"kind": "pressure_tactics", "noted_on": "2026-11-04"},
        {"resolved": True},
        {"resolved": True},
    ),
]


@pytest.mark.parametrize(("add_path", "path", "model", "body", "patch", "expected"), RECORDS)
def test_each_record_is_added_read_changed_and_removed(
    personas: Personas, owner: Client, base: str, add_path, path, model, body, patch, expected
):
    ann = ContractorFactory(workspace=personas.workspace)
    response = send(owner, "post", f"{base}/contractors/{ann.uuid}/{add_path}", body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["contractor"] == str(ann.uuid)
    assert {k: made[k] for k in body} == body
    url = f"{base}/{path}/{made['id']}"
    assert owner.get(url).json() == made

    changed = send(owner, "patch", url, patch)
    assert changed.status_code == 200, changed.content
    assert {k: changed.json()[k] for k in expected} == expected
    assert AuditEntry.objects.filter(action=f"{model._meta.model_name}.update").exists()

    assert owner.delete(url).status_code == 204
    assert not model.objects.exists()
    assert owner.get(url).status_code == 404


@pytest.mark.parametrize(
    ("add_path", "body", "status", "path", "message"),
    [
        ("references", {"name": "Dana", "outcome": "great"}, 422, "$.outcome", ""),
        ("references", {"relationship": "boss"}, 422, "$.name", ""),
        ("interviews", {"held_on": "2026-11-03", "scores": {"skills": 6}}, 422, "$.scores.skills", ""),
        ("interviews", {"held_on": "2026-11-03", "scores": {"charm": 5}}, 422, "$.scores.charm", ""),
        (
            "documents",
            {"kind": "nda", "signed_on": "2026-05-01", "expires_on": "2026-04-01"},
            400,
            "$.expires_on",
            "cannot expire before it was signed",
        ),
        ("documents", {"kind": "nda", "file": "SGVsbG8="}, 422, "$.file", "Extra inputs are not permitted"),
        ("red-flags", {"kind": "rude", "noted_on": "2026-11-04"}, 422, "$.kind", ""),
        ("red-flags", {"kind": "other", "noted_on": "0001-01-01"}, 422, "$.noted_on", ""),
    ],
)
def test_records_refuse_bad_values_and_store_nothing(
    personas: Personas, owner: Client, base: str, add_path, body, status, path, message
):
    ann = ContractorFactory(workspace=personas.workspace)
    response = send(owner, "post", f"{base}/contractors/{ann.uuid}/{add_path}", body)
    assert response.status_code == status, response.content
    assert [e["path"] for e in response.json()["errors"]] == [path]
    assert message in response.json()["errors"][0]["message"]
    assert not any(m.objects.exists() for m in (ReferenceCheck, Interview, Document, RedFlag))


def test_a_record_patch_refuses_null_where_it_cannot_be_cleared(personas: Personas, owner: Client, base: str):
    flag = RedFlagFactory(contractor=ContractorFactory(workspace=personas.workspace))
    response = send(owner, "patch", f"{base}/red-flags/{flag.uuid}", {"noted_on": None})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "$.noted_on", "message": "This field cannot be null."}]
    flag.refresh_from_db()
    assert flag.noted_on == dt.date(2026, 11, 4)


@pytest.mark.parametrize(
    ("path", "factory"),
    [
        ("references", ReferenceCheckFactory),
        ("interviews", InterviewFactory),
        ("documents", DocumentFactory),
        ("red-flags", RedFlagFactory),
    ],
)
def test_records_of_another_workspace_are_absent(personas: Personas, owner: Client, base: str, path, factory):
    theirs = factory(contractor=ContractorFactory(workspace=personas.other_workspace))
    assert owner.get(f"{base}/{path}/{theirs.uuid}").status_code == 404
    assert owner.delete(f"{base}/{path}/{theirs.uuid}").status_code == 404
    assert type(theirs).objects.filter(pk=theirs.pk).exists()


# --- Trials ----------------------------------------------------------------------------------------

TRIAL = {"title": "Reconcile March", "start_on": "2026-12-01", "end_on": "2026-12-14", "budget": "300"}


def test_start_a_trial_then_record_that_it_passed(personas: Personas, owner: Client, base: str):
    ann = ContractorFactory(workspace=personas.workspace, stage="vetting", currency="EUR")
    task = TaskFactory(workspace=personas.workspace)
    response = send(owner, "post", f"{base}/contractors/{ann.uuid}/trials", {**TRIAL, "task": str(task.uuid)})
    assert response.status_code == 201, response.content
    trial = response.json()
    assert trial["kind"] == "trial" and trial["status"] == "active" and trial["contractor"] == str(ann.uuid)
    assert trial["budget_cap"] == "300.00" and trial["rate"] == {
        "model": "fixed",
        "currency": "EUR",
        "amount": "300.00",
    }
    assert list(Engagement.objects.get(uuid=trial["id"]).tasks.all()) == [task]
    ann.refresh_from_db()
    assert ann.stage == "trial"

    finished = send(
        owner,
        "post",
        f"{base}/trials/{trial['id']}/finish",
        {"passed": True, "overall": 5, "on": "2026-12-15", "notes": "Clean books."},
    )
    assert finished.status_code == 201, finished.content
    rating = finished.json()
    assert rating["engagement"] == trial["id"] and rating["would_rehire"] is True and rating["text"] == "Clean books."
    assert Engagement.objects.get(uuid=trial["id"]).status == "completed"
    detail = owner.get(f"{base}/contractors/{ann.uuid}").json()
    assert "trial" not in detail["vetting_gaps"]
    assert detail["scorecard"]["parts"][2] == {"name": "trial", "value": 1.0, "detail": "passed", "weight": 3}


@pytest.mark.parametrize(
    ("setup", "change", "status", "path", "message"),
    [
        ({"stage": "blocked"}, {}, 400, "$.contractor", "This contractor is blocked"),
        ({}, {"budget": "0"}, 400, "$.budget", "budget above zero"),
        ({}, {"end_on": "2026-11-30"}, 400, "$.end_on", "cannot end before it starts"),
        ({}, {"currency": "euro"}, 422, "$.currency", ""),
        ({}, {"task": "00000000-0000-0000-0000-000000000000"}, 400, "$.task", "No such task in this workspace."),
    ],
)
def test_a_trial_refused_starts_nothing(
    personas: Personas, owner: Client, base: str, setup, change, status, path, message
):
    ann = ContractorFactory(workspace=personas.workspace, **setup)
    response = send(owner, "post", f"{base}/contractors/{ann.uuid}/trials", {**TRIAL, **change})
    assert response.status_code == status, response.content
    assert [e["path"] for e in response.json()["errors"]] == [path]
    assert message in response.json()["errors"][0]["message"]
    assert not Engagement.objects.exists()
    assert Contractor.objects.get(pk=ann.pk).stage == ann.stage


def test_a_task_of_another_workspace_cannot_be_tried_out(personas: Personas, owner: Client, base: str):
    ann = ContractorFactory(workspace=personas.workspace)
    theirs = TaskFactory(workspace=personas.other_workspace)
    response = send(owner, "post", f"{base}/contractors/{ann.uuid}/trials", {**TRIAL, "task": str(theirs.uuid)})
    assert response.status_code == 400 and response.json()["errors"][0]["path"] == "$.task"
    assert not Engagement.objects.exists()


def test_only_a_trial_has_an_outcome(personas: Personas, owner: Client, base: str):
    project = EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace), kind="project")
    response = send(
        owner, "post", f"{base}/trials/{project.uuid}/finish", {"passed": True, "overall": 4, "on": "2026-12-15"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"].startswith("Only a trial has an outcome")
    project.refresh_from_db()
    assert project.status == "active" and not Rating.objects.exists()
    bad = send(
        owner, "post", f"{base}/trials/{project.uuid}/finish", {"passed": True, "overall": 0, "on": "2026-12-15"}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "$.overall"


def test_a_viewer_reads_the_directory_but_changes_nothing(personas: Personas, base: str):
    ann = ContractorFactory(workspace=personas.workspace)
    viewer = token_client(personas.viewer, personas.workspace)
    assert viewer.get(f"{base}/contractors/{ann.uuid}").status_code == 200
    response = send(viewer, "post", f"{base}/contractors/{ann.uuid}/stage", {"stage": "blocked"})
    assert response.status_code == 403 and response.json()["message"] == "This API token is read-only."
    ann.refresh_from_db()
    assert ann.stage == "vetting"
