from __future__ import annotations

import json
import os
from pathlib import Path

from django.test import Client

from outsourcer.api.api import api
from outsourcer.audit.models import AuditEntry
from tests.conftest import Personas, login_client, token_client

SNAPSHOT = Path(__file__).parent / "snapshots" / "openapi.json"


def test_openapi_is_served_and_matches_the_snapshot(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") or not SNAPSHOT.exists():
        SNAPSHOT.write_text(text)
    assert text == SNAPSHOT.read_text(), (
        "The API changed. If intended, run `UPDATE_SNAPSHOTS=1 ./run test tests/test_api.py` and commit the snapshot."
    )


def test_docs_page_uses_only_our_own_assets(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html.lower() and "https://" not in html.replace("https://swagger.io", "")


def test_errors_are_json_with_a_message(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    ws = personas.workspace.uuid
    response = client.patch(
        f"/api/v1/workspaces/{ws}",
        json.dumps({"working_hours": {"timezone": "Atlantis/Lost", "start": "09:00", "end": "17:00"}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "Some values are not valid."
    assert body["errors"][0]["path"] == "$.working_hours.timezone"
    response = client.patch(f"/api/v1/workspaces/{ws}", "{not json", content_type="application/json")
    assert response.status_code in {400, 422} and "message" in response.json()
    response = client.get(f"/api/v1/workspaces/{ws}/members/not-a-uuid")
    assert response.status_code in {404, 405, 422}
    response = client.get("/api/v1/workspaces/not-a-uuid")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "$.ws"


def test_patch_changes_settings_and_is_audited_as_api(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    response = client.patch(
        f"/api/v1/workspaces/{personas.workspace.uuid}",
        json.dumps({"owner_hourly_value": "150.00", "policy": {"silence_days": 7}}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["owner_hourly_value"] == "150.00"
    assert body["policy"]["silence_days"] == 7 and body["policy"]["min_overlap_hours"] == 2
    entry = AuditEntry.objects.filter(action="workspace.update").latest("id")
    assert entry.face == "api" and entry.actor == personas.owner
    assert entry.changes["owner_hourly_value"] == [None, "150.00"]


def test_unknown_policy_keys_are_refused(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    response = client.patch(
        f"/api/v1/workspaces/{personas.workspace.uuid}",
        json.dumps({"policy": {"be_nice": True}}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["path"] == "$.policy"


def test_activity_is_for_owners(personas: Personas):
    ws = personas.workspace.uuid
    token_client(personas.owner, personas.workspace).patch(
        f"/api/v1/workspaces/{ws}", json.dumps({"region": "WA"}), content_type="application/json"
    )
    response = token_client(personas.owner, personas.workspace).get(f"/api/v1/workspaces/{ws}/activity?face=api")
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["action"] == "workspace.update" and items[0]["changes"] == {"region": ["", "WA"]}
    assert items[0]["actor"] == personas.owner.email
    assert (
        token_client(personas.manager, personas.workspace).get(f"/api/v1/workspaces/{ws}/activity").status_code == 403
    )


def test_me_with_a_token_shows_only_its_workspace(personas: Personas):
    from tests.factories import MembershipFactory

    MembershipFactory(user=personas.owner, workspace=personas.other_workspace, role="viewer")
    body = token_client(personas.owner, personas.workspace).get("/api/v1/me").json()
    assert [m["workspace_name"] for m in body["memberships"]] == ["Acme Design"]
    body = login_client(personas.owner).get("/api/v1/me").json()
    assert sorted(m["workspace_name"] for m in body["memberships"]) == ["Acme Design", "Other Co"]


def test_session_writes_need_csrf(personas: Personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.owner)
    response = client.patch(
        f"/api/v1/workspaces/{personas.workspace.uuid}", json.dumps({"region": "X"}), content_type="application/json"
    )
    assert response.status_code == 403
    personas.workspace.refresh_from_db()
    assert personas.workspace.region == ""


def test_invite_through_the_api(personas: Personas, django_capture_on_commit_callbacks):
    from django.core import mail

    client = token_client(personas.owner, personas.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/workspaces/{personas.workspace.uuid}/invitations",
            json.dumps({"email": "api.person@example.test", "role": "viewer"}),
            content_type="application/json",
        )
    assert response.status_code == 201 and response.json()["email"] == "api.person@example.test"
    assert mail.outbox[-1].to == ["api.person@example.test"]
    response = client.post(
        f"/api/v1/workspaces/{personas.workspace.uuid}/invitations",
        json.dumps({"email": personas.viewer.email, "role": "viewer"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and "already a member" in response.json()["message"]


def test_every_operation_has_a_summary():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            assert op.get("summary"), f"{method} {path}"


def test_unknown_fields_are_refused_with_their_path(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    response = client.patch(
        f"/api/v1/workspaces/{personas.workspace.uuid}", json.dumps({"colour": "teal"}), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [{"path": "$.colour", "message": "Extra inputs are not permitted"}]


def test_unknown_api_paths_and_methods_answer_json(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json() == {"message": "No such API operation."}
    response = client.post("/api/v1/me")
    assert response.status_code == 405 and response.json()["message"] == "POST is not allowed here."


def test_the_500_page_needs_no_database(rf):
    from outsourcer.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()


def test_nul_characters_are_refused_before_they_reach_the_database(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    ws = personas.workspace.uuid
    response = client.get(f"/api/v1/workspaces/{ws}/activity?action=a%00b")
    assert response.status_code == 400 and "NUL" in response.json()["message"]
    response = client.post(
        f"/api/v1/workspaces/{ws}/invitations", '{"email": "a\\u0000@b.test"}', content_type="application/json"
    )
    assert response.status_code == 400 and "NUL" in response.json()["message"]


def test_hostile_json_is_a_clear_4xx(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    url = f"/api/v1/workspaces/{personas.workspace.uuid}"
    cases = [
        ('{"policy": {"originality_threshold": NaN}}', "application/json"),
        ('{"policy": {"silence_days": 1' + "0" * 400 + "}}", "application/json"),
        ('{"working_hours": {"timezone": "America", "start": "09:00", "end": "17:00"}}', "application/json"),
        ('{"name": "A\\u0000B"}', "text/plain"),
    ]
    for body, content_type in cases:
        response = client.patch(url, body, content_type=content_type)
        assert 400 <= response.status_code < 500, (body[:60], response.status_code)
        assert "message" in response.json()
    personas.workspace.refresh_from_db()
    assert personas.workspace.name == "Acme Design" and personas.workspace.policy == {}


def test_a_contractor_reads_no_workspace_settings_through_the_api(personas: Personas):
    client = token_client(personas.contractor, personas.workspace)
    response = client.get(f"/api/v1/workspaces/{personas.workspace.uuid}")
    assert response.status_code == 403 and "owner_hourly_value" not in response.content.decode()
    assert client.get("/api/v1/me").json()["memberships"][0]["role"] == "contractor"


def test_a_read_only_token_cannot_revoke_tokens(personas: Personas):
    from outsourcer.accounts.services import api_token_create
    from outsourcer.core.actor import Actor

    keeper, _ = api_token_create(
        actor=Actor.cli(), workspace=personas.workspace, user=personas.owner, name="integration", read_only=False
    )
    client = token_client(personas.owner, personas.workspace, read_only=True)
    response = client.delete(f"/api/v1/workspaces/{personas.workspace.uuid}/tokens/{keeper.uuid}")
    assert response.status_code == 403
    keeper.refresh_from_db()
    assert keeper.revoked_at is None


def test_the_workspace_list_shows_settings_to_reading_roles_only(personas: Personas):
    body = login_client(personas.contractor).get("/api/v1/workspaces").json()
    assert body == []
    assert [w["name"] for w in login_client(personas.viewer).get("/api/v1/workspaces").json()] == ["Acme Design"]


def test_fx_rates_are_stored_in_one_plain_form_whatever_the_face(personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    response = client.patch(
        f"/api/v1/workspaces/{personas.workspace.uuid}",
        json.dumps({"fx_rates": {"GBP": "1.270", "EUR": "100.0"}}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["fx_rates"] == {"EUR": "100", "GBP": "1.27"}
