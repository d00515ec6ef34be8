"""Exit plans, the access register and offboarding over REST: every operation, its answers and its refusals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.payments.services import invoice_create
from outsourcer.risk.models import AccessGrant, ExitPlan, OffboardingStep
from tests.conftest import Personas, token_client
from tests.factories import AccessGrantFactory, ContractorFactory, EngagementFactory, RatingFactory

ACTOR = Actor.cli()
DAY = dt.date(2026, 11, 1)


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def errors(response: Any) -> dict[str, str]:
    return {e["path"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def owner(personas: Personas) -> Client:
    return token_client(personas.owner, personas.workspace)


@pytest.fixture
def base(personas: Personas) -> str:
    return f"/api/v1/workspaces/{personas.workspace.uuid}"


@pytest.fixture
def today(personas: Personas) -> dt.date:
    return today_in(personas.workspace.time_zone)


@pytest.fixture
def engagement(personas: Personas) -> Any:
    contractor = ContractorFactory(workspace=personas.workspace, name="Rosa Díaz", stage="approved")
    return EngagementFactory(contractor=contractor, ref="site", title="Website copy", status="active")


def test_the_exit_plan_is_empty_until_written_then_replaced_whole(personas, owner, base, engagement):
    path = f"{base}/engagements/{engagement.uuid}/exit-plan"
    empty = owner.get(path).json()
    assert empty["exists"] is False and empty["steps"] == "" and empty["handover_kind"] is None

    other = ContractorFactory(workspace=personas.workspace, name="Pia Preferred", stage="preferred")
    body = {
        "steps": "Export\nClose accounts",
        "handover_kind": "contractor",
        "handover_contractor": str(other.uuid),
        "data_return": True,
        "reviewed_on": "2026-11-20",
    }
    saved = send(owner, "put", path, body)
    assert saved.status_code == 200, saved.content
    data = saved.json()
    assert data["exists"] is True
    assert (data["handover_contractor"], data["handover_contractor_name"]) == (str(other.uuid), "Pia Preferred")
    assert owner.get(path).json() == data

    replaced = send(owner, "put", path, {"handover_kind": "in_house"}).json()
    assert replaced["steps"] == "" and replaced["handover_contractor"] is None and replaced["data_return"] is None
    assert ExitPlan.objects.filter(engagement=engagement).count() == 1
    assert AuditEntry.objects.filter(action="exit_plan.update", face="api").exists()


def test_the_exit_plan_refuses_who_cannot_take_over(personas, owner, base, engagement):
    path = f"{base}/engagements/{engagement.uuid}/exit-plan"
    vetting = ContractorFactory(workspace=personas.workspace, stage="vetting")
    foreign = ContractorFactory(workspace=personas.other_workspace, stage="approved")
    for who, words in (
        (vetting, "not approved yet"),
        (engagement.contractor, "someone other than"),
        (foreign, "No such contractor"),
    ):
        response = send(owner, "put", path, {"handover_kind": "contractor", "handover_contractor": str(who.uuid)})
        assert response.status_code == 400, response.content
        assert words in errors(response)["$.handover_contractor"]
    response = send(owner, "put", path, {"handover_kind": "person"})
    assert response.status_code == 400 and "$.handover_person" in errors(response)
    response = send(owner, "put", path, {"handover_kind": "friend"})
    assert response.status_code == 422
    assert send(owner, "put", path, {"steps": "x", "colour": "red"}).status_code == 422
    assert not ExitPlan.objects.exists()


def test_grants_are_recorded_corrected_revoked_and_deleted(personas, owner, base, engagement, today):
    created = send(
        owner, "post", f"{base}/engagements/{engagement.uuid}/access-grants",
        {"system": "Bank portal", "level": "read", "shared_credential": True},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    grant = created.json()
    assert grant["granted_on"] == today.isoformat() and grant["state"] == "open" and grant["left_open"] is False
    assert (grant["engagement_ref"], grant["contractor_name"]) == ("site", "Rosa Díaz")
    path = f"{base}/access-grants/{grant['id']}"

    assert send(owner, "patch", path, {"granted_on": "2026-11-01", "expires_on": "2026-10-01"}).status_code == 400
    assert send(owner, "patch", path, {"system": None}).status_code == 400  # only some values may be cleared
    patched = send(owner, "patch", path, {"level": None, "expires_on": today.isoformat()}).json()
    assert patched["level"] is None and patched["state"] == "expires_soon"

    assert send(owner, "post", f"{path}/revoke", {"on": "1999-01-01"}).status_code == 400
    revoked = send(owner, "post", f"{path}/revoke", {}).json()
    assert revoked["revoked_on"] == today.isoformat() and revoked["state"] == "revoked"
    again = send(owner, "post", f"{path}/revoke", {"on": "2030-01-01"}).json()
    assert again["revoked_on"] == today.isoformat()  # the first date stays

    assert owner.delete(path).status_code == 204
    assert owner.get(path).status_code == 404
    assert not AccessGrant.objects.exists()


def test_the_register_filters_open_left_open_and_one_engagement(personas, owner, base, engagement, today):
    ended = EngagementFactory(contractor=engagement.contractor, status="completed", title="Old site")
    left = AccessGrantFactory(engagement=ended, system="CMS", granted_on=DAY, expires_on=None)
    past = AccessGrantFactory(
        engagement=engagement, system="Payroll", granted_on=DAY, expires_on=today - dt.timedelta(days=1)
    )
    fine = AccessGrantFactory(engagement=engagement, system="Drive", granted_on=DAY, expires_on=None)
    gone = AccessGrantFactory(engagement=ended, system="Gone", granted_on=DAY, revoked_on=DAY)

    def ids(query: str = "") -> set[str]:
        response = owner.get(f"{base}/access-grants{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["items"]}

    assert ids() == {str(g.uuid) for g in (left, past, fine, gone)}
    assert ids("?open=true") == {str(g.uuid) for g in (left, past, fine)}
    assert ids("?left_open=true") == {str(left.uuid), str(past.uuid)}
    assert ids(f"?engagement={ended.uuid}") == {str(left.uuid), str(gone.uuid)}
    assert ids(f"?left_open=true&engagement={engagement.uuid}") == {str(past.uuid)}
    rows = {row["system"]: row for row in owner.get(f"{base}/access-grants").json()["items"]}
    assert (rows["Payroll"]["state"], rows["Payroll"]["left_open"]) == ("expired", True)
    assert (rows["CMS"]["state"], rows["CMS"]["left_open"]) == ("open", True)
    assert owner.get(f"{base}/access-grants?open=maybe").status_code == 422


def test_offboarding_over_the_api(personas, owner, base, engagement, today):
    AccessGrantFactory(engagement=engagement, system="CMS", granted_on=DAY)
    invoice_create(actor=ACTOR, engagement=engagement, data={"number": "F-9", "amount": Decimal("900")})
    path = f"{base}/engagements/{engagement.uuid}/offboarding"
    checklist = owner.get(path).json()
    assert (checklist["ended"], checklist["done"], checklist["total"]) == (False, 0, 6)
    assert [s["key"] for s in checklist["steps"]] == ["access", "data", "assets", "final_invoice", "handover", "rating"]
    assert [i["number"] for i in checklist["open_invoices"]] == ["F-9"]
    assert checklist["exit_plan"]["exists"] is False

    refused = send(owner, "post", f"{path}/data", {})
    assert refused.status_code == 409 and "completed or terminated" in refused.json()["message"]
    assert send(owner, "post", f"{path}/rating", {}).status_code == 422  # read from the data, never ticked

    engagement.status = "terminated"
    engagement.save()
    ticked = send(owner, "post", f"{path}/assets", {"note": "Laptop back", "on": "2026-11-30"})
    assert ticked.status_code == 200, ticked.content
    step = {s["key"]: s for s in ticked.json()["steps"]}["assets"]
    assert step["done"] and "Laptop back" in step["detail"] and "30 Nov 2026" in step["detail"]

    revoked = send(owner, "post", f"{path}/revoke-all", {})
    assert revoked.status_code == 200 and revoked.json() == {"revoked": 1}
    assert send(owner, "post", f"{path}/revoke-all", {"on": "2026-12-01"}).json() == {"revoked": 0}
    RatingFactory(engagement=engagement)
    assert owner.get(path).json()["done"] == 3

    unticked = owner.delete(f"{path}/assets")
    assert unticked.status_code == 200 and unticked.json()["done"] == 2
    assert owner.delete(f"{path}/assets").status_code == 200  # nothing to untick: still fine
    assert not OffboardingStep.objects.exists()


def test_a_read_only_token_reads_but_never_writes(personas, base, engagement):
    reader = token_client(personas.viewer, personas.workspace)
    grant = AccessGrantFactory(engagement=engagement)
    assert reader.get(f"{base}/access-grants/{grant.uuid}").status_code == 200
    assert reader.get(f"{base}/engagements/{engagement.uuid}/offboarding").status_code == 200
    assert send(reader, "post", f"{base}/access-grants/{grant.uuid}/revoke", {}).status_code == 403
    grant.refresh_from_db()
    assert grant.revoked_on is None


def test_another_workspace_s_grants_and_engagements_are_not_found(personas, owner, base):
    foreign = AccessGrantFactory(
        engagement=EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    )
    assert owner.get(f"{base}/access-grants/{foreign.uuid}").status_code == 404
    assert send(owner, "post", f"{base}/access-grants/{foreign.uuid}/revoke", {}).status_code == 404
    assert send(owner, "put", f"{base}/engagements/{foreign.engagement.uuid}/exit-plan", {}).status_code == 404
    assert owner.get(f"{base}/access-grants").json()["count"] == 0
