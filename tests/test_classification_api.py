"""Worker status over REST: an engagement's assessments (history and a new one), one assessment, the
questionnaire as data; the compliance overview's rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from outsourcer.compliance import classification as rules
from outsourcer.compliance.models import ANSWER_FIELDS, ClassificationAssessment
from outsourcer.core.timezones import today_in
from tests.conftest import Personas, token_client
from tests.factories import AgreementFactory, ClassificationFactory, ContractorFactory, EngagementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ws(personas: Personas):
    workspace = personas.workspace
    workspace.country, workspace.region = "US", "NJ"
    workspace.save()
    return workspace


@pytest.fixture
def engagement(ws):
    return EngagementFactory(contractor=ContractorFactory(workspace=ws, name="Ines"), ref="books", kind="ongoing")


def base(ws) -> str:
    return f"/api/v1/workspaces/{ws.uuid}"


def post(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_recording_answers_returns_the_result(personas: Personas, ws, engagement):
    client = token_client(personas.manager, ws)
    url = f"{base(ws)}/engagements/{engagement.uuid}/classifications"
    body = {
        "answers": {
            "core_to_our_business": True,
            "provides_tools": True,
            "open_ended": None,
            "provides_benefits": False,
        },
        "assessed_on": "2025-06-01",
        "reasonable_basis": "Advice of counsel, May 2025.",
    }
    response = post(client, url, body)
    assert response.status_code == 201, response.content
    data = response.json()
    saved = ClassificationAssessment.objects.get(engagement=engagement)
    assert data["uuid"] == str(saved.uuid)
    assert data["assessed_by"] == personas.manager.email
    assert data["answers"]["core_to_our_business"] is True and data["answers"]["open_ended"] is None
    assert data["answers"]["sets_hours_or_location"] is None  # left out: not sure
    result = data["result"]
    assert (result["level"], result["severity"], result["toward_employment"]) == ("high", "error", 2)
    assert result["toward"] == ["provides_tools", "core_to_our_business"]
    assert len(result["unsure"]) == 12 - 3
    assert result["abc"]["region"] == "NJ" and result["abc"]["failed"] == ["B"]
    prong_b = next(p for p in result["abc"]["prongs"] if p["prong"] == "B")
    assert prong_b["state"] == "cannot_show" and "outside all of your places of business" in prong_b["note"]
    assert result["flsa"]["id"] == "flsa-2025-enforcement"
    assert [f["count"] for f in result["factors"]] == [0, 1, 1]
    assert result["ss8_suggested"] is True
    assert result["reassess_by"] == "2026-06-01"
    assert result["disclaimer"] == rules.DISCLAIMER


def test_the_date_defaults_to_today_in_the_workspace(personas: Personas, ws, engagement):
    client = token_client(personas.owner, ws)
    response = post(client, f"{base(ws)}/engagements/{engagement.uuid}/classifications", {"answers": {}})
    assert response.status_code == 201
    assert response.json()["assessed_on"] == today_in(ws.time_zone).isoformat()
    assert response.json()["result"]["level"] == "low"


@pytest.mark.parametrize(
    "body",
    [
        {"answers": {"provides_tools": "maybe"}},
        {"answers": {"no_such_question": True}},
        {"answers": {}, "assessed_on": "2026-02-30"},
        {"answers": {}, "assessed_on": "0999-01-01"},
        {"answers": {}, "reasonable_basis": "x" * 2001},
        {"answers": {}, "assessed_by": "someone"},
        {},
    ],
)
def test_bad_bodies_are_refused(personas: Personas, ws, engagement, body):
    client = token_client(personas.owner, ws)
    response = post(client, f"{base(ws)}/engagements/{engagement.uuid}/classifications", body)
    assert response.status_code == 422, (body, response.content)
    assert not ClassificationAssessment.objects.exists()


def test_history_is_latest_first_with_each_result(personas: Personas, ws, engagement):
    old = ClassificationFactory(engagement=engagement, assessed_on=dt.date(2024, 6, 1), provides_tools=True)
    new = ClassificationFactory(
        engagement=engagement, assessed_on=dt.date(2026, 11, 1), **dict.fromkeys(ANSWER_FIELDS[:5], True)
    )
    client = token_client(personas.viewer, ws)
    response = client.get(f"{base(ws)}/engagements/{engagement.uuid}/classifications")
    assert response.status_code == 200
    rows = response.json()
    assert [r["uuid"] for r in rows] == [str(new.uuid), str(old.uuid)]
    assert [r["result"]["level"] for r in rows] == ["high", "low"]
    assert rows[1]["result"]["flsa"]["id"] == "flsa-2024"
    one = client.get(f"{base(ws)}/classifications/{old.uuid}")
    assert one.status_code == 200 and one.json() == rows[1]
    assert one.json()["engagement"] == {"uuid": str(engagement.uuid), "ref": "books", "title": engagement.title}


def test_the_questionnaire_is_data(personas: Personas, ws):
    response = token_client(personas.viewer, ws).get(f"{base(ws)}/classification-questions")
    assert response.status_code == 200
    data = response.json()
    assert [q["id"] for q in data["questions"]] == list(ANSWER_FIELDS)
    assert {s["region"] for s in data["abc_states"]} == {"CA", "MA", "NJ"}
    assert [s["prong_b_by_location"] for s in data["abc_states"] if s["region"] == "NJ"] == [True]
    assert [v["starts"] for v in data["flsa_versions"]] == ["2024-03-11", "2025-05-01"]
    assert data["thresholds"] == {"warning_at": 3, "error_at": 5}
    assert data["reassess"] == {"every_months": 12, "long_running_days": 90}
    assert len(data["reasonable_basis_grounds"]) == 4


def test_the_overview_rows(personas: Personas, ws, engagement):
    AgreementFactory(engagement=engagement, signed_on=dt.date(2026, 10, 30), ip_assignment=False)
    ClassificationFactory(engagement=engagement, assessed_on=today_in(ws.time_zone) - dt.timedelta(days=400))
    draft = EngagementFactory(contractor=engagement.contractor, status="draft", title="Draft work")
    response = token_client(personas.viewer, ws).get(f"{base(ws)}/compliance")
    assert response.status_code == 200
    data = response.json()
    rows = {r["engagement"]["uuid"]: r for r in data["engagements"]}
    ours = rows[str(engagement.uuid)]
    assert ours["agreement"]["state"] == "signed" and ours["agreement"]["signed_on"] == "2026-10-30"
    assert ours["agreement"]["missing_clauses"] == ["the IP assignment"]
    assert ours["classification"]["state"] == "due" and ours["classification"]["level"] == "low"
    other = rows[str(draft.uuid)]
    assert other["agreement"]["state"] == "none" and other["classification"]["state"] == "never"
    assert data["counts"]["due"] == 1
    assert data["retained"][0]["engagement"]["uuid"] == str(engagement.uuid)


def test_other_workspaces_and_read_only_tokens(personas: Personas, ws, engagement):
    assessment = ClassificationFactory(engagement=engagement)
    outsider = token_client(personas.outsider, personas.other_workspace)
    assert outsider.get(f"{base(ws)}/classifications/{assessment.uuid}").status_code == 404
    theirs = f"/api/v1/workspaces/{personas.other_workspace.uuid}"
    assert outsider.get(f"{theirs}/classifications/{assessment.uuid}").status_code == 404
    assert outsider.get(f"{theirs}/engagements/{engagement.uuid}/classifications").status_code == 404
    assert post(outsider, f"{theirs}/engagements/{engagement.uuid}/classifications", {"answers": {}}).status_code == 404
    viewer = token_client(personas.viewer, ws)
    assert post(viewer, f"{base(ws)}/engagements/{engagement.uuid}/classifications", {"answers": {}}).status_code == 403
    assert ClassificationAssessment.objects.count() == 1
