"""The risk register over REST: recording, changing, closing and deleting risks, the paged and filtered
register, the heat map as counts, and an engagement's suggested risks; every refusal a 4xx with its reason."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from outsourcer.core.timezones import today_in
from outsourcer.risk.models import Risk
from outsourcer.risk.selectors import risk_suggestions
from tests.conftest import Personas, token_client
from tests.factories import AccessGrantFactory, ContractorFactory, EngagementFactory, RiskFactory


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def errors(response: Any) -> dict[str, str]:
    return {e["path"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def owner(personas: Personas) -> Client:
    return token_client(personas.owner, personas.workspace)


@pytest.fixture
def viewer(personas: Personas) -> Client:
    return token_client(personas.viewer, personas.workspace)


@pytest.fixture
def base(personas: Personas) -> str:
    return f"/api/v1/workspaces/{personas.workspace.uuid}"


@pytest.fixture
def ann(personas: Personas) -> Any:
    return ContractorFactory(workspace=personas.workspace, ref="ann", name="Ann Lee")


@pytest.fixture
def site(ann: Any) -> Any:
    return EngagementFactory(contractor=ann, ref="e-site", title="Website copy")


def body(**extra: Any) -> dict[str, Any]:
    return {"category": "operational", "title": "The copy misses the launch", "likelihood": 4, "impact": 4, **extra}


# --- Recording ------------------------------------------------------------------------------------


def test_create_a_risk_about_an_engagement(owner, base, site, ann):
    response = send(owner, "post", f"{base}/risks", body(engagement=str(site.uuid), review_on="2027-02-01"))
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["engagement"] == str(site.uuid) and made["engagement_ref"] == "e-site"
    # Its contractor is the engagement's.
    assert made["contractor"] == str(ann.uuid) and made["contractor_name"] == "Ann Lee"
    assert (made["score"], made["band"], made["status"]) == (16, "high", "open")
    assert made["review_on"] == "2027-02-01" and made["review_due"] is False
    row = Risk.objects.get(uuid=made["id"])
    assert row.engagement == site and row.contractor is None and row.ref == made["ref"]


def test_create_a_contractors_risk_and_a_workspace_risk(owner, base, ann):
    mine = send(owner, "post", f"{base}/risks", body(contractor=str(ann.uuid), ref="ann-busy"))
    assert mine.status_code == 201 and mine.json()["engagement"] is None
    assert mine.json()["contractor_ref"] == "ann" and mine.json()["ref"] == "ann-busy"
    whole = send(owner, "post", f"{base}/risks", body(category="strategic"))
    assert whole.status_code == 201
    assert whole.json()["engagement"] is None and whole.json()["contractor"] is None


def test_create_refuses_bad_values(owner, base, personas: Personas, site):
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    response = send(owner, "post", f"{base}/risks", body(engagement=str(foreign.uuid)))
    assert response.status_code == 400
    assert errors(response) == {"$.engagement": "No such engagement in this workspace."}
    bob = ContractorFactory(workspace=personas.workspace)
    response = send(owner, "post", f"{base}/risks", body(engagement=str(site.uuid), contractor=str(bob.uuid)))
    assert response.status_code == 400
    assert errors(response) == {"$.contractor": "This is not the engagement's contractor."}
    response = send(owner, "post", f"{base}/risks", body(likelihood=6, impact=0, category="weather", extra=1))
    assert response.status_code == 422
    assert {"$.likelihood", "$.impact", "$.category", "$.extra"} <= set(errors(response))
    assert send(owner, "post", f"{base}/risks", body(title="")).status_code == 422
    send(owner, "post", f"{base}/risks", body(ref="dup"))
    clash = send(owner, "post", f"{base}/risks", body(ref="dup"))
    assert clash.status_code == 400 and "$.ref" in errors(clash)
    assert Risk.objects.count() == 1


def test_a_viewer_token_reads_but_cannot_write(viewer, base, site):
    RiskFactory(engagement=site)
    assert viewer.get(f"{base}/risks").status_code == 200
    assert send(viewer, "post", f"{base}/risks", body()).status_code == 403
    assert Risk.objects.count() == 1


# --- Changing, closing, deleting ------------------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_closing_keeps_the_risk(owner, base, site):
    risk = RiskFactory(engagement=site, likelihood=2, impact=3, owner="Maya", mitigation="")
    url = f"{base}/risks/{risk.uuid}"
    response = send(owner, "patch", url, {"impact": 5, "likelihood": 4, "mitigation": "Two reviewers."})
    assert response.status_code == 200
    out = response.json()
    assert (out["score"], out["band"], out["owner"], out["mitigation"]) == (20, "high", "Maya", "Two reviewers.")
    closed = send(owner, "patch", url, {"status": "closed", "review_on": None})
    assert closed.status_code == 200 and closed.json()["status"] == "closed" and closed.json()["review_on"] is None
    assert owner.get(url).json()["status"] == "closed"


def test_patch_moves_a_risk_off_its_engagement_and_refuses_what_cannot_be(owner, base, personas, site, ann):
    risk = RiskFactory(engagement=site)
    url = f"{base}/risks/{risk.uuid}"
    moved = send(owner, "patch", url, {"engagement": None, "contractor": str(ann.uuid)})
    assert (
        moved.status_code == 200 and moved.json()["engagement"] is None and moved.json()["contractor"] == str(ann.uuid)
    )
    assert send(owner, "patch", url, {"title": None}).status_code == 400
    assert send(owner, "patch", url, {"likelihood": 9}).status_code == 422
    foreign = ContractorFactory(workspace=personas.other_workspace)
    refused = send(owner, "patch", url, {"contractor": str(foreign.uuid)})
    assert refused.status_code == 400 and "$.contractor" in errors(refused)
    risk.refresh_from_db()
    assert risk.contractor == ann


def test_delete_a_risk(owner, base, personas, site):
    risk = RiskFactory(engagement=site)
    assert owner.delete(f"{base}/risks/{risk.uuid}").status_code == 204
    assert not Risk.objects.exists()
    assert owner.get(f"{base}/risks/{risk.uuid}").status_code == 404
    foreign = RiskFactory(
        engagement=EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    )
    assert owner.delete(f"{base}/risks/{foreign.uuid}").status_code == 404
    assert Risk.objects.filter(pk=foreign.pk).exists()


# --- The register and the heat map ----------------------------------------------------------------


def test_the_register_is_paged_filtered_and_open_risks_come_first(owner, base, personas, site):
    other = EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace))
    RiskFactory(engagement=site, ref="a-closed", status="closed", likelihood=5, impact=5, category="financial")
    RiskFactory(engagement=site, ref="b-open", status="open", likelihood=2, impact=2, category="financial")
    RiskFactory(engagement=other, ref="c-open", status="open", likelihood=4, impact=4, category="strategic")
    everything = owner.get(f"{base}/risks").json()
    assert everything["count"] == 3
    assert [r["ref"] for r in everything["items"]] == ["c-open", "b-open", "a-closed"]
    assert [r["ref"] for r in owner.get(f"{base}/risks?limit=1&offset=1").json()["items"]] == ["b-open"]
    assert [r["ref"] for r in owner.get(f"{base}/risks?status=open").json()["items"]] == ["c-open", "b-open"]
    assert [r["ref"] for r in owner.get(f"{base}/risks?category=financial").json()["items"]] == ["b-open", "a-closed"]
    mine = owner.get(f"{base}/risks?engagement={site.uuid}").json()["items"]
    assert [r["ref"] for r in mine] == ["b-open", "a-closed"]
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    assert owner.get(f"{base}/risks?engagement={foreign.uuid}").json()["count"] == 0
    assert owner.get(f"{base}/risks?status=sleeping").status_code == 422
    assert owner.get(f"{base}/risks?engagement=nope").status_code == 422


def test_review_due_is_as_of_the_workspaces_today(owner, base, personas, site):
    today = today_in(personas.workspace.time_zone)
    RiskFactory(engagement=site, ref="due", review_on=today)
    RiskFactory(engagement=site, ref="later", review_on=today + dt.timedelta(days=1))
    RiskFactory(engagement=site, ref="closed", review_on=today, status="closed")
    due = {r["ref"]: r["review_due"] for r in owner.get(f"{base}/risks").json()["items"]}
    assert due == {"due": True, "later": False, "closed": False}


def test_the_heat_map_counts_each_cell_and_leaves_closed_risks_off(owner, base, site):
    for likelihood, impact in ((4, 5), (4, 5), (2, 2), (3, 3)):
        RiskFactory(engagement=site, likelihood=likelihood, impact=impact, category="operational")
    RiskFactory(engagement=site, likelihood=1, impact=1, status="closed")
    RiskFactory(engagement=site, likelihood=1, impact=2, category="financial")
    heat = owner.get(f"{base}/risks/heat-map").json()
    assert [row["likelihood"] for row in heat["rows"]] == [5, 4, 3, 2, 1]
    assert [c["impact"] for c in heat["rows"][0]["cells"]] == [1, 2, 3, 4, 5]
    counts = {(row["likelihood"], c["impact"]): c["count"] for row in heat["rows"] for c in row["cells"]}
    assert counts[(4, 5)] == 2 and counts[(2, 2)] == 1 and counts[(3, 3)] == 1 and counts[(1, 2)] == 1
    assert counts[(1, 1)] == 0  # closed
    assert (heat["total"], heat["high"], heat["medium"], heat["low"]) == (5, 2, 1, 2)
    band = {(row["likelihood"], c["impact"]): c["band"] for row in heat["rows"] for c in row["cells"]}
    assert band[(4, 5)] == "high" and band[(3, 3)] == "medium" and band[(2, 2)] == "low"
    money = owner.get(f"{base}/risks/heat-map?category=financial").json()
    assert money["total"] == 1
    assert owner.get(f"{base}/risks/heat-map?category=weather").status_code == 422


# --- Suggestions ----------------------------------------------------------------------------------


def test_suggestions_say_why_and_one_can_be_recorded(owner, base, site):
    AccessGrantFactory(engagement=site, system="Bank portal", level="admin")
    url = f"{base}/engagements/{site.uuid}/risk-suggestions"
    offered = owner.get(url).json()
    keys = [s["key"] for s in offered]
    assert keys == [s.key for s in risk_suggestions(engagement=site)]
    access = next(s for s in offered if s["key"] == "access")
    assert "Bank portal" in access["title"] and "admin rights" in access["why"]
    assert access["score"] == access["likelihood"] * access["impact"] and access["band"] == "medium"
    made = send(owner, "post", f"{url}/access", {})
    assert made.status_code == 201
    assert made.json()["title"] == access["title"] and made.json()["engagement"] == str(site.uuid)
    assert made.json()["mitigation"] == access["mitigation"]
    assert "access" not in [s["key"] for s in owner.get(url).json()]
    again = send(owner, "post", f"{url}/access", {})
    assert again.status_code == 409 and "$.key" in errors(again)
    assert send(owner, "post", f"{url}/weather", {}).status_code == 409
    assert Risk.objects.count() == 1


def test_suggestions_of_another_workspaces_engagement_are_not_found(owner, base, personas):
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    assert owner.get(f"{base}/engagements/{foreign.uuid}/risk-suggestions").status_code == 404
    assert send(owner, "post", f"{base}/engagements/{foreign.uuid}/risk-suggestions/budget", {}).status_code == 404
    assert not Risk.objects.exists()
