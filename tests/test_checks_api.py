"""The health check over the REST API: running it, reading and quieting findings, runs and rules."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any, get_args

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from outsourcer.audit.models import AuditEntry
from outsourcer.checks.models import CheckRun, Finding, Severity
from outsourcer.checks.registry import STAGES, rules
from outsourcer.checks.schemas import SeverityName, StageName
from outsourcer.checks.selectors import STATES, State
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.planning.services import task_update
from tests.conftest import Personas, login_client, token_client
from tests.factories import FindingFactory, TaskFactory

BRIEF_KEYS = {"rule", "severity", "subject", "message", "fix"}
FINDING_KEYS = {
    "id",
    "rule",
    "stage",
    "severity",
    "subject",
    "message",
    "fix",
    "facts",
    "first_seen",
    "last_seen",
    "resolved_at",
    "snoozed_until",
    "dismissed_at",
    "dismiss_reason",
    "state",
}


@pytest.fixture
def tasks(personas: Personas) -> dict[str, Any]:
    """One task for each plan rule, and one that fires none."""
    ws = personas.workspace
    return {
        "core": TaskFactory(workspace=ws, ref="brand", name="Brand strategy", business_value=5, status="outsourced"),
        "blind": TaskFactory(workspace=ws, ref="payroll", name="Payroll", knowledge="none", status="outsourced"),
        "chores": TaskFactory(
            workspace=ws, ref="books", name="Bookkeeping", effectiveness=2, business_value=3, hours_per_month=10
        ),
        "fine": TaskFactory(workspace=ws, ref="design", name="Design"),
    }


@pytest.fixture
def api(personas: Personas) -> Client:
    return token_client(personas.owner, personas.workspace)


def url(personas: Personas, path: str = "") -> str:
    return f"/api/v1/workspaces/{personas.workspace.uuid}{path}"


def post(client: Client, path: str, body: Any = None) -> Any:
    if body is None:  # no body at all, as `curl -X POST` sends (the test client's default is an empty form)
        return client.post(path, b"", content_type="application/json")
    return client.post(path, json.dumps(body), content_type="application/json")


def finding_of(personas: Personas, rule: str) -> Finding:
    return Finding.objects.get(workspace=personas.workspace, rule=rule)


def today(personas: Personas) -> dt.date:
    return today_in(personas.workspace.time_zone)


# --- Running the check --------------------------------------------------------------------------


def test_running_the_check_reports_the_open_findings_most_severe_first(personas, tasks, api):
    response = post(api, url(personas, "/checks"))
    assert response.status_code == 200, response.content
    report = response.json()
    assert set(report) == {"workspace", "as_of", "findings", "summary"}
    assert report["workspace"] == "Acme Design"
    assert report["as_of"] == today(personas).isoformat()
    assert [(f["rule"], f["subject"]["ref"]) for f in report["findings"]] == [
        ("plan/no-knowledge", "payroll"),
        ("plan/outsourcing-core", "brand"),
        ("plan/not-outsourcing-enough", "books"),
    ]
    core = report["findings"][1]
    assert set(core) == BRIEF_KEYS
    assert core == {
        "rule": "plan/outsourcing-core",
        "severity": "warning",
        "subject": {"kind": "task", "ref": "brand", "label": "Brand strategy"},
        "message": "Brand strategy is core to the business (business value 5 of 5) and is outsourced (10 h a month).",
        "fix": next(r.fix for r in rules() if r.id == "plan/outsourcing-core"),
    }
    assert report["summary"] == {
        "error": 0,
        "warning": 2,
        "info": 1,
        "total": 3,
        "quiet": 0,
        "new": 3,
        "resolved": 0,
    }
    run = CheckRun.objects.get(workspace=personas.workspace)
    assert (run.trigger, run.warnings, run.infos) == ("api", 2, 1)
    entry = AuditEntry.objects.get(workspace=personas.workspace, action="check.run")
    assert entry.face == "api" and entry.actor_label == "owner@acme.test"


def test_running_twice_finds_the_same_and_duplicates_nothing(personas, tasks, api):
    first = post(api, url(personas, "/checks"), {}).json()
    ids = set(Finding.objects.values_list("uuid", flat=True))
    second = post(api, url(personas, "/checks"), {}).json()
    assert second["findings"] == first["findings"]
    assert second["summary"] == {**first["summary"], "new": 0}
    assert set(Finding.objects.values_list("uuid", flat=True)) == ids and len(ids) == 3
    assert CheckRun.objects.filter(workspace=personas.workspace).count() == 2


def test_a_check_as_of_a_given_day(personas, tasks, api):
    response = post(api, url(personas, "/checks"), {"as_of": "2031-03-15"})
    assert response.status_code == 200
    assert response.json()["as_of"] == "2031-03-15"
    assert CheckRun.objects.get().as_of == dt.date(2031, 3, 15)


@pytest.mark.parametrize(
    ("body", "path", "text"),
    [
        ({"as_of": "2031-02-30"}, "$.as_of", "valid date"),
        ({"as_of": "1999-12-31"}, "$.as_of", "greater than or equal to 2000-01-01"),
        ({"as_of": "3000-01-01"}, "$.as_of", "less than or equal to 2999-12-31"),
        ({"when": "2031-01-01"}, "$.when", "Extra inputs are not permitted"),
    ],
)
def test_a_bad_run_request_is_refused_and_runs_nothing(personas, tasks, api, body, path, text):
    response = post(api, url(personas, "/checks"), body)
    assert response.status_code == 422
    payload = response.json()
    assert payload["message"] == "The request is not valid."
    assert payload["errors"][0]["path"] == path and text in payload["errors"][0]["message"]
    assert not CheckRun.objects.exists() and not Finding.objects.exists()


def test_a_viewer_cannot_run_the_check(personas, tasks):
    response = post(login_client(personas.viewer), url(personas, "/checks"))
    assert response.status_code == 403
    assert response.json()["message"] == "Your role (viewer) does not allow this."
    assert not CheckRun.objects.exists() and not Finding.objects.exists()


# --- Reading findings ---------------------------------------------------------------------------


@pytest.fixture
def checked(personas, tasks, api) -> dict[str, Any]:
    assert post(api, url(personas, "/checks")).status_code == 200
    return tasks


def listed(api: Client, personas: Personas, query: str = "") -> list[dict[str, Any]]:
    response = api.get(url(personas, f"/findings{query}"))
    assert response.status_code == 200, response.content
    return response.json()["items"]


def test_a_finding_carries_everything_about_it(personas, checked, api):
    items = listed(api, personas, "?rule=plan/not-outsourcing-enough")
    assert len(items) == 1
    item = items[0]
    assert set(item) == FINDING_KEYS
    stored = finding_of(personas, "plan/not-outsourcing-enough")
    assert item["id"] == str(stored.uuid)
    assert item["subject"] == {
        "kind": "task",
        "ref": "books",
        "id": str(checked["chores"].uuid),
        "label": "Bookkeeping",
    }
    assert (item["stage"], item["severity"], item["state"]) == ("plan", "info", "open")
    assert item["facts"] == {"status": "in_house", "effectiveness": 2, "business_value": 3, "hours_per_month": "10.00"}
    assert item["resolved_at"] is item["snoozed_until"] is item["dismissed_at"] is None
    assert item["dismiss_reason"] == ""
    assert api.get(url(personas, f"/findings/{stored.uuid}")).json() == item


@pytest.mark.parametrize(
    ("query", "rules_listed"),
    [
        ("", ["plan/no-knowledge", "plan/outsourcing-core", "plan/not-outsourcing-enough"]),
        ("?severity=warning", ["plan/no-knowledge", "plan/outsourcing-core"]),
        ("?severity=info", ["plan/not-outsourcing-enough"]),
        ("?min_severity=warning", ["plan/no-knowledge", "plan/outsourcing-core"]),
        ("?min_severity=error", []),
        ("?stage=plan&severity=info", ["plan/not-outsourcing-enough"]),
        ("?stage=vet", []),
        ("?rule=plan/no-knowledge", ["plan/no-knowledge"]),
        ("?rule=plan/unknown", []),
        ("?state=resolved", []),
        ("?state=quiet", []),
    ],
)
def test_findings_filter(personas, checked, api, query, rules_listed):
    assert sorted(f["rule"] for f in listed(api, personas, query)) == sorted(rules_listed)


def test_findings_list_most_severe_first_and_paginates(personas, checked, api):
    response = api.get(url(personas, "/findings?limit=2&offset=0"))
    page = response.json()
    assert page["count"] == 3
    assert [f["severity"] for f in page["items"]] == ["warning", "warning"]
    rest = api.get(url(personas, "/findings?limit=2&offset=2")).json()["items"]
    assert [f["rule"] for f in rest] == ["plan/not-outsourcing-enough"]


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("state=bogus", "$.state"),
        ("severity=loud", "$.severity"),
        ("min_severity=critical", "$.min_severity"),
        ("stage=launch", "$.stage"),
        ("limit=0", "$.limit"),
        ("limit=501", "$.limit"),
        ("offset=-1", "$.offset"),
    ],
)
def test_a_bad_filter_is_a_422_that_names_it(personas, checked, api, query, path):
    response = api.get(url(personas, f"/findings?{query}"))
    assert response.status_code == 422
    body = response.json()
    assert body["message"] == "The request is not valid." and body["errors"][0]["path"] == path


def test_a_finding_of_another_workspace_is_absent(personas, checked, api):
    foreign = FindingFactory(workspace=personas.other_workspace)
    for response in (
        api.get(url(personas, f"/findings/{foreign.uuid}")),
        post(api, url(personas, f"/findings/{foreign.uuid}/dismiss"), {"reason": "Not ours."}),
    ):
        assert response.status_code == 404
        assert response.json()["message"] == "No such finding."
    foreign.refresh_from_db()
    assert foreign.dismissed_at is None
    assert api.get(url(personas, "/findings/not-a-uuid")).status_code == 422


# --- Snooze, dismiss, reopen --------------------------------------------------------------------


def test_a_snoozed_finding_is_quiet_until_its_day(personas, checked, api):
    finding = finding_of(personas, "plan/outsourcing-core")
    until = today(personas) + dt.timedelta(days=7)
    response = post(api, url(personas, f"/findings/{finding.uuid}/snooze"), {"until": until.isoformat()})
    assert response.status_code == 200, response.content
    assert (response.json()["state"], response.json()["snoozed_until"]) == ("snoozed", until.isoformat())
    assert "plan/outsourcing-core" not in {f["rule"] for f in listed(api, personas)}
    assert [f["rule"] for f in listed(api, personas, "?state=snoozed")] == ["plan/outsourcing-core"]
    # The next check leaves it quiet: the data behind it has not changed.
    report = post(api, url(personas, "/checks")).json()
    assert "plan/outsourcing-core" not in {f["rule"] for f in report["findings"]}
    assert (report["summary"]["total"], report["summary"]["quiet"]) == (2, 1)
    # Checked as of a day after the snooze, it is open again.
    later = post(api, url(personas, "/checks"), {"as_of": (until + dt.timedelta(days=1)).isoformat()}).json()
    assert "plan/outsourcing-core" in {f["rule"] for f in later["findings"]}
    entry = AuditEntry.objects.get(action="finding.snooze")
    assert entry.face == "api" and entry.changes["until"] == until.isoformat()


@pytest.mark.parametrize(
    ("days", "message"),
    [
        (0, "Snooze until a date after today."),
        (-3, "Snooze until a date after today."),
        (400, "Snooze for a year at most; dismiss it if it does not apply."),
    ],
)
def test_a_snooze_the_rules_refuse_is_a_400_and_changes_nothing(personas, checked, api, days, message):
    finding = finding_of(personas, "plan/outsourcing-core")
    until = today(personas) + dt.timedelta(days=days)
    response = post(api, url(personas, f"/findings/{finding.uuid}/snooze"), {"until": until.isoformat()})
    assert response.status_code == 400
    assert response.json() == {
        "message": "Some values are not valid.",
        "errors": [{"path": "$.until", "message": message}],
    }
    finding.refresh_from_db()
    assert finding.snoozed_until is None and finding.quiet_fingerprint == ""
    assert not AuditEntry.objects.filter(action="finding.snooze").exists()


@pytest.mark.parametrize(
    ("action", "body", "path"),
    [
        ("snooze", {}, "$.until"),
        ("snooze", {"until": "soon"}, "$.until"),
        ("snooze", {"until": "2031-01-01", "reason": "x"}, "$.reason"),
        ("dismiss", {}, "$.reason"),
        ("dismiss", {"reason": 5}, "$.reason"),
        ("reopen", {"now": True}, "$.now"),
    ],
)
def test_a_malformed_body_is_a_422(personas, checked, api, action, body, path):
    finding = finding_of(personas, "plan/outsourcing-core")
    response = post(api, url(personas, f"/findings/{finding.uuid}/{action}"), body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == path


def test_a_dismissed_finding_speaks_again_when_its_data_changes(personas, checked, api):
    finding = finding_of(personas, "plan/not-outsourcing-enough")
    blank = post(api, url(personas, f"/findings/{finding.uuid}/dismiss"), {"reason": "   "})
    assert blank.status_code == 400
    assert blank.json()["errors"] == [
        {"path": "$.reason", "message": "Say why it does not apply, so the next person knows."}
    ]
    response = post(api, url(personas, f"/findings/{finding.uuid}/dismiss"), {"reason": "  Our accountant left.  "})
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["dismiss_reason"]) == ("dismissed", "Our accountant left.")
    assert body["dismissed_at"] is not None
    assert "plan/not-outsourcing-enough" not in {f["rule"] for f in listed(api, personas)}
    # Checked again on the same data it stays quiet...
    post(api, url(personas, "/checks"))
    assert [f["rule"] for f in listed(api, personas, "?state=dismissed")] == ["plan/not-outsourcing-enough"]
    # ...but the task's hours change, so the next check opens it again.
    task_update(actor=Actor.cli(), task=checked["chores"], data={"hours_per_month": Decimal("14")})
    report = post(api, url(personas, "/checks")).json()
    reopened = [f for f in report["findings"] if f["rule"] == "plan/not-outsourcing-enough"]
    assert reopened and "takes 14 h a month" in reopened[0]["message"]
    again = api.get(url(personas, f"/findings/{finding.uuid}")).json()
    assert (again["state"], again["dismiss_reason"], again["dismissed_at"]) == ("open", "", None)


@pytest.mark.parametrize("body", [None, {}])
def test_reopen_undoes_a_dismissal(personas, checked, api, body):
    finding = finding_of(personas, "plan/no-knowledge")
    post(api, url(personas, f"/findings/{finding.uuid}/dismiss"), {"reason": "An adviser reviews it."})
    response = post(api, url(personas, f"/findings/{finding.uuid}/reopen"), body)
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["dismiss_reason"]) == ("open", "")
    assert "plan/no-knowledge" in {f["rule"] for f in listed(api, personas)}
    assert AuditEntry.objects.filter(action="finding.reopen", face="api").count() == 1


def test_a_resolved_finding_cannot_be_quieted(personas, checked, api):
    task_update(actor=Actor.cli(), task=checked["core"], data={"status": "in_house"})
    report = post(api, url(personas, "/checks")).json()
    assert report["summary"]["resolved"] == 1
    [resolved] = listed(api, personas, "?state=resolved")
    assert (resolved["rule"], resolved["state"]) == ("plan/outsourcing-core", "resolved")
    assert resolved["resolved_at"] is not None
    response = post(api, url(personas, f"/findings/{resolved['id']}/dismiss"), {"reason": "Done."})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "$.finding", "message": "This finding is already resolved."}]
    assert Finding.objects.get(uuid=resolved["id"]).dismissed_at is None


def test_a_viewer_reads_findings_but_cannot_dismiss_them(personas, checked):
    viewer = login_client(personas.viewer)
    assert len(listed(viewer, personas)) == 3
    finding = finding_of(personas, "plan/no-knowledge")
    response = post(viewer, url(personas, f"/findings/{finding.uuid}/dismiss"), {"reason": "No."})
    assert response.status_code == 403
    finding.refresh_from_db()
    assert finding.dismissed_at is None


# --- Runs and rules -----------------------------------------------------------------------------


def test_the_runs_are_the_trend_as_data(personas, tasks, api):
    post(api, url(personas, "/checks"))
    task_update(actor=Actor.cli(), task=tasks["blind"], data={"knowledge": "basic"})
    post(api, url(personas, "/checks"))
    page = api.get(url(personas, "/checks")).json()
    assert page["count"] == 2
    newest, oldest = page["items"]
    assert set(newest) == {"as_of", "trigger", "counts", "new", "resolved", "duration_ms", "created_at"}
    assert newest["counts"] == {"error": 0, "warning": 1, "info": 1, "total": 2}
    assert (newest["new"], newest["resolved"], newest["trigger"]) == (0, 1, "api")
    assert oldest["counts"]["total"] == 3 and oldest["new"] == 3
    assert api.get(url(personas, "/checks?limit=1")).json()["items"] == [newest]


def test_the_rule_catalogue_is_open_to_anyone_signed_in(personas):
    for client in (token_client(personas.outsider, personas.other_workspace), login_client(personas.contractor)):
        response = client.get("/api/v1/rules")
        assert response.status_code == 200
        body = response.json()
        assert [r["id"] for r in body] == [r.id for r in rules()]
        core = next(r for r in body if r["id"] == "plan/outsourcing-core")
        assert core["stage"] == "plan" and core["severity"] == "warning" and core["levels"] == ["warning"]
        assert core["title"] == "Core work handed out" and core["source"] == "seeds 004 #2, 001 #4"
    anonymous = Client().get("/api/v1/rules")
    assert anonymous.status_code == 401


def test_the_schema_names_match_the_catalogue():
    """The API's enums are spelled out for the OpenAPI document; they must follow the code they mirror."""
    assert set(get_args(StageName)) == set(STAGES)
    assert set(get_args(SeverityName)) == set(Severity.values)
    assert set(get_args(State)) == set(STATES)


def test_listing_findings_costs_the_same_queries_for_more_rows(personas, api):
    def queries(n: int) -> int:
        FindingFactory.create_batch(n, workspace=personas.workspace)
        with CaptureQueriesContext(connection) as captured:
            assert api.get(url(personas, "/findings?limit=500")).status_code == 200
        return len(captured)

    api.get(url(personas, "/findings"))  # the token's first use of the minute writes last_used_at
    assert queries(3) == queries(30)
