"""The time audit and the plan over REST: every operation, its refusals, and nothing changed by one."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from outsourcer.audit.models import AuditEntry
from outsourcer.planning.models import Task
from outsourcer.planning.selectors import plan_for_workspace, tasks_csv
from tests.conftest import Personas, login_client, token_client
from tests.factories import TaskFactory

HEADER = "name,category,hours_per_month,effectiveness,business_value,knowledge,inhouse_cost_per_hour,market_rate_per_hour,recurring,ref,status\n"  # noqa: E501


def send(client: Client, method: str, url: str, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return getattr(client, method)(url, data, content_type="application/json")


@pytest.fixture
def owner(personas: Personas) -> Client:
    return token_client(personas.owner, personas.workspace)


@pytest.fixture
def base(personas: Personas) -> str:
    return f"/api/v1/workspaces/{personas.workspace.uuid}"


def snapshot(workspace: Any) -> list[tuple[Any, ...]]:
    return list(Task.objects.filter(workspace=workspace).order_by("ref").values_list())


# --- list -----------------------------------------------------------------------------------------


def test_the_list_filters_by_status_and_search_and_pages(personas: Personas, owner: Client, base: str):
    ws = personas.workspace
    TaskFactory(workspace=ws, name="Bookkeeping", ref="books")
    TaskFactory(workspace=ws, name="Inbox triage", category="email", ref="inbox")
    TaskFactory(workspace=ws, name="Social posts", category="social_media", status="candidate", ref="social")
    TaskFactory(workspace=personas.other_workspace, name="Bookkeeping elsewhere")

    everything = owner.get(f"{base}/tasks").json()
    assert everything["count"] == 3
    assert [t["name"] for t in everything["items"]] == ["Bookkeeping", "Inbox triage", "Social posts"]
    first = everything["items"][0]
    assert set(first) == {
        "id",
        "ref",
        "name",
        "category",
        "hours_per_month",
        "effectiveness",
        "business_value",
        "knowledge",
        "inhouse_cost_per_hour",
        "market_rate_per_hour",
        "recurring",
        "status",
        "created_at",
        "updated_at",
    }
    assert first["hours_per_month"] == "10.00" and first["market_rate_per_hour"] == "45.00"
    assert first["inhouse_cost_per_hour"] is None and first["knowledge"] == "working"

    candidates = owner.get(f"{base}/tasks?status=candidate").json()
    assert [t["ref"] for t in candidates["items"]] == ["social"]
    by_category = owner.get(f"{base}/tasks?search=EMAIL").json()
    assert [t["ref"] for t in by_category["items"]] == ["inbox"]
    page = owner.get(f"{base}/tasks?limit=2&offset=2").json()
    assert page["count"] == 3 and [t["name"] for t in page["items"]] == ["Social posts"]


def test_the_list_refuses_an_unknown_status_and_a_silly_limit(owner: Client, base: str):
    response = owner.get(f"{base}/tasks?status=someday")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "$.status"
    response = owner.get(f"{base}/tasks?limit=0")
    assert response.status_code == 422 and response.json()["message"] == "The request is not valid."


# --- create ---------------------------------------------------------------------------------------


def test_create_takes_money_as_strings_or_numbers(personas: Personas, owner: Client, base: str):
    response = send(
        owner,
        "post",
        f"{base}/tasks",
        {
            "name": "  Bookkeeping  ",
            "category": "bookkeeping",
            "hours_per_month": 6.5,
            "effectiveness": 2,
            "business_value": 2,
            "knowledge": "basic",
            "inhouse_cost_per_hour": 38.5,
            "market_rate_per_hour": "45.00",
            "recurring": False,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Bookkeeping"
    assert body["hours_per_month"] == "6.50"
    assert body["inhouse_cost_per_hour"] == "38.50" and body["market_rate_per_hour"] == "45.00"
    assert body["recurring"] is False and body["status"] == "in_house" and body["knowledge"] == "basic"
    assert body["ref"].startswith("task-")
    task = Task.objects.get(uuid=body["id"])
    assert task.workspace == personas.workspace and task.market_rate_per_hour == Decimal("45.00")
    entry = AuditEntry.objects.get(action="task.create")
    assert entry.face == "api" and entry.actor == personas.owner


def test_create_keeps_a_given_ref_and_leaves_unknowns_empty(owner: Client, base: str):
    body = {"ref": "books", "name": "Books", "hours_per_month": "4", "effectiveness": 3, "business_value": 2}
    created = send(owner, "post", f"{base}/tasks", body).json()
    assert created["ref"] == "books" and created["knowledge"] is None and created["category"] == ""
    assert created["market_rate_per_hour"] is None and created["recurring"] is True


GOOD = {"name": "Books", "hours_per_month": "4", "effectiveness": 3, "business_value": 2}


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"effectiveness": 0}, "$.effectiveness"),
        ({"business_value": 6}, "$.business_value"),
        ({"hours_per_month": 745}, "$.hours_per_month"),
        ({"hours_per_month": "1.234"}, "$.hours_per_month"),
        ({"market_rate_per_hour": "-1"}, "$.market_rate_per_hour"),
        ({"market_rate_per_hour": "NaN"}, "$.market_rate_per_hour"),
        ({"inhouse_cost_per_hour": "Infinity"}, "$.inhouse_cost_per_hour"),
        ({"inhouse_cost_per_hour": "ten"}, "$.inhouse_cost_per_hour"),
        ({"name": "   "}, "$.name"),
        ({"ref": "has space"}, "$.ref"),
        ({"knowledge": "some"}, "$.knowledge"),
        ({"status": "done"}, "$.status"),
        ({"colour": "red"}, "$.colour"),
    ],
)
def test_create_refuses_bad_values_and_stores_nothing(personas: Personas, owner: Client, base: str, change, path):
    response = send(owner, "post", f"{base}/tasks", {**GOOD, **change})
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["message"] == "The request is not valid."
    assert path in [e["path"] for e in body["errors"]]
    assert not Task.objects.exists()


def test_create_refuses_a_missing_name_nan_and_a_taken_ref(personas: Personas, owner: Client, base: str):
    response = send(owner, "post", f"{base}/tasks", {k: v for k, v in GOOD.items() if k != "name"})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "$.name"
    raw = '{"name": "Books", "hours_per_month": NaN, "effectiveness": 3, "business_value": 2}'
    response = send(owner, "post", f"{base}/tasks", raw)
    assert response.status_code == 400 and response.json()["message"].startswith("Cannot parse request body")
    TaskFactory(workspace=personas.workspace, ref="books", name="First")
    response = send(owner, "post", f"{base}/tasks", {**GOOD, "ref": "books"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "$.ref", "message": "Another task already uses the ref 'books'."}]
    assert list(Task.objects.values_list("name", flat=True)) == ["First"]


def test_a_viewer_reads_the_audit_but_cannot_add_to_it(personas: Personas, base: str):
    TaskFactory(workspace=personas.workspace)
    viewer = login_client(personas.viewer)
    assert viewer.get(f"{base}/tasks").json()["count"] == 1
    response = send(viewer, "post", f"{base}/tasks", GOOD)
    assert response.status_code == 403 and response.json()["message"] == "Your role (viewer) does not allow this."
    assert Task.objects.count() == 1


# --- one task ---------------------------------------------------------------------------------------


def test_get_patch_and_delete_a_task(personas: Personas, owner: Client, base: str):
    task = TaskFactory(workspace=personas.workspace, name="Inbox", knowledge="basic")
    url = f"{base}/tasks/{task.uuid}"
    assert owner.get(url).json()["name"] == "Inbox"

    response = send(
        owner,
        "patch",
        url,
        {"status": "candidate", "knowledge": None, "market_rate_per_hour": None, "hours_per_month": 8},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "candidate" and body["knowledge"] is None and body["market_rate_per_hour"] is None
    assert body["hours_per_month"] == "8.00" and body["name"] == "Inbox"
    task.refresh_from_db()
    assert task.status == "candidate" and task.knowledge == "" and task.market_rate_per_hour is None
    entry = AuditEntry.objects.get(action="task.update")
    assert entry.face == "api" and set(entry.changes) == {
        "status",
        "knowledge",
        "market_rate_per_hour",
        "hours_per_month",
    }

    response = owner.delete(url)
    assert response.status_code == 204 and not Task.objects.filter(pk=task.pk).exists()
    assert AuditEntry.objects.filter(action="task.delete").count() == 1
    response = owner.get(url)
    assert response.status_code == 404 and response.json()["message"] == "No such task."


@pytest.mark.parametrize(
    ("body", "status", "path", "message"),
    [
        ({"name": None}, 400, "$.name", "This field cannot be null."),
        ({"ref": None}, 400, "$.ref", "This field cannot be null."),
        ({"effectiveness": 9}, 422, "$.effectiveness", None),
        ({"hours_per_month": -1}, 422, "$.hours_per_month", None),
        ({"id": str(uuid.uuid4())}, 422, "$.id", "Extra inputs are not permitted"),
    ],
)
def test_patch_refuses_bad_values_and_changes_nothing(
    personas: Personas, owner: Client, base: str, body, status, path, message
):
    task = TaskFactory(workspace=personas.workspace)
    before = snapshot(personas.workspace)
    response = send(owner, "patch", f"{base}/tasks/{task.uuid}", body)
    assert response.status_code == status, response.content
    error = response.json()["errors"][0]
    assert error["path"] == path and (message is None or error["message"] == message)
    assert snapshot(personas.workspace) == before


def test_patch_to_a_taken_ref_is_refused(personas: Personas, owner: Client, base: str):
    TaskFactory(workspace=personas.workspace, ref="books")
    task = TaskFactory(workspace=personas.workspace, ref="inbox")
    response = send(owner, "patch", f"{base}/tasks/{task.uuid}", {"ref": "books", "name": "Renamed"})
    assert response.status_code == 400 and response.json()["errors"][0]["path"] == "$.ref"
    task.refresh_from_db()
    assert task.ref == "inbox" and task.name != "Renamed"


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_task_of_another_workspace_is_absent(personas: Personas, owner: Client, base: str, method):
    foreign = TaskFactory(workspace=personas.other_workspace, name="Theirs")
    url = f"{base}/tasks/{foreign.uuid}"
    response = send(owner, "patch", url, {"name": "Mine now"}) if method == "patch" else getattr(owner, method)(url)
    assert response.status_code == 404 and response.json()["message"] == "No such task."
    foreign.refresh_from_db()
    assert foreign.name == "Theirs"


def test_a_task_id_that_is_no_uuid_is_422(owner: Client, base: str):
    response = owner.get(f"{base}/tasks/not-a-uuid")
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "$.task"


# --- import and export ----------------------------------------------------------------------------


def test_import_adds_updates_and_with_replace_removes(personas: Personas, owner: Client, base: str):
    ws = personas.workspace
    TaskFactory(workspace=ws, ref="books", name="Books", hours_per_month=Decimal(10))
    TaskFactory(workspace=ws, ref="old", name="Old work")
    csv = HEADER + "Books,bookkeeping,12,2,2,basic,,45.00,yes,books,in_house\nInbox,email,6,3,1,,,,no,,candidate\n"
    response = send(owner, "post", f"{base}/tasks/import", {"csv": csv})
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 1, "removed": 0}
    assert Task.objects.get(workspace=ws, ref="books").hours_per_month == Decimal("12.00")
    inbox = Task.objects.get(workspace=ws, name="Inbox")
    assert inbox.status == "candidate" and inbox.recurring is False
    assert AuditEntry.objects.get(action="task.import").face == "api"

    response = send(
        owner,
        "post",
        f"{base}/tasks/import",
        {"csv": csv.replace(",,candidate", f",{inbox.ref},candidate"), "replace": True},
    )
    assert response.json() == {"created": 0, "updated": 0, "removed": 1}
    assert sorted(Task.objects.filter(workspace=ws).values_list("name", flat=True)) == ["Books", "Inbox"]


def test_a_bad_file_is_refused_by_row_and_column_and_nothing_is_stored(personas: Personas, owner: Client, base: str):
    TaskFactory(workspace=personas.workspace, ref="books", name="Books")
    before = snapshot(personas.workspace)
    csv = HEADER + "Books,,12,2,2,,,,yes,books,in_house\nInbox,,6,7,1,,,-3,maybe,,\n,,1,1,1,,,,,,\n"
    response = send(owner, "post", f"{base}/tasks/import", {"csv": csv, "replace": True})
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "The time audit has 4 problem(s); nothing was imported."
    assert body["errors"] == [
        {"row": 3, "column": "effectiveness", "message": "'7' must be a whole number from 1 to 5"},
        {"row": 3, "column": "recurring", "message": "'maybe' is not yes or no"},
        {"row": 3, "column": "market_rate_per_hour", "message": "'-3' must be zero or more"},
        {"row": 4, "column": "name", "message": "a task needs a name"},
    ]
    assert snapshot(personas.workspace) == before
    assert not AuditEntry.objects.filter(action="task.import").exists()


@pytest.mark.parametrize(
    ("csv", "expected"),
    [
        ("", {"row": 1, "column": "", "message": "the file is empty; the first row must name the columns"}),
        (
            "name,hours_per_month,effectiveness\n",
            {"row": 1, "column": "business_value", "message": "required column is missing"},
        ),
        (
            "name,hours_per_month,effectiveness,business_value\nx,1,2," + "a" * 140_000 + "\n",
            {"row": 2, "column": "", "message": "cannot be read as CSV (field larger than field limit (131072))"},
        ),
    ],
)
def test_files_that_are_no_time_audit_are_400(owner: Client, base: str, csv, expected):
    response = send(owner, "post", f"{base}/tasks/import", {"csv": csv})
    assert response.status_code == 400 and response.json()["errors"] == [expected]
    assert not Task.objects.exists()


def test_import_takes_only_csv_and_replace(owner: Client, base: str):
    response = send(owner, "post", f"{base}/tasks/import", {"file": "x.csv"})
    assert response.status_code == 422
    assert {e["path"] for e in response.json()["errors"]} == {"$.csv", "$.file"}


def test_export_is_the_csv_and_imports_back_unchanged(personas: Personas, owner: Client, base: str):
    ws = personas.workspace
    TaskFactory(workspace=ws, ref="books", name="Books, receipts", inhouse_cost_per_hour=Decimal("38.50"))
    TaskFactory(workspace=ws, ref="site", name="Website", knowledge="", recurring=False, status="outsourced")
    response = owner.get(f"{base}/tasks/export")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{ws.slug}-tasks.csv"'
    text = response.content.decode()
    assert text == tasks_csv(workspace=ws)
    assert text.splitlines()[1] == '"Books, receipts",bookkeeping,10,3,3,working,38.50,45.00,yes,books,in_house'
    before = snapshot(ws)
    again = send(owner, "post", f"{base}/tasks/import", {"csv": text, "replace": True})
    assert again.json() == {"created": 0, "updated": 0, "removed": 0}
    assert snapshot(ws) == before


# --- plan -----------------------------------------------------------------------------------------


def test_the_plan_is_the_cli_shape_with_ids_and_statuses(personas: Personas, owner: Client, base: str):
    ws = personas.workspace
    ws.base_currency, ws.owner_hourly_value = "EUR", Decimal("120.00")
    ws.save()
    books = TaskFactory(
        workspace=ws,
        name="Bookkeeping",
        hours_per_month=Decimal(12),
        effectiveness=2,
        business_value=2,
        knowledge="basic",
    )
    strategy = TaskFactory(
        workspace=ws, name="Strategy", hours_per_month=Decimal(8), effectiveness=4, business_value=5, status="candidate"
    )
    TaskFactory(workspace=ws, name="Catalogue", status="retired")
    response = owner.get(f"{base}/plan")
    assert response.status_code == 200
    body = response.json()
    expected = plan_for_workspace(workspace=ws).plan.as_dict()
    assert body["currency"] == "EUR" and body["roles"] == expected["roles"] and body["totals"] == expected["totals"]
    assert [t["name"] for t in body["tasks"]] == ["Bookkeeping", "Strategy"]  # the retired task is left out
    assert [(t["id"], t["status"]) for t in body["tasks"]] == [
        (str(books.uuid), "in_house"),
        (str(strategy.uuid), "candidate"),
    ]
    for got, want in zip(body["tasks"], expected["tasks"], strict=True):
        assert {k: v for k, v in got.items() if k not in {"id", "status"}} == want
    assert body["tasks"][0]["recommendation"] == "outsource_first"
    assert body["tasks"][0]["monthly_saving"] == "900.00"  # 12 h x 120 in-house - 12 h x 45 outside
    assert body["totals"] == {"hours_freed_per_month": "12.0", "monthly_saving": "900.00"}


def test_the_plan_takes_another_owner_hourly_value(personas: Personas, owner: Client, base: str):
    TaskFactory(workspace=personas.workspace, hours_per_month=Decimal(12), effectiveness=2, business_value=2)
    without = owner.get(f"{base}/plan").json()
    assert without["tasks"][0]["monthly_saving"] is None  # no in-house cost and no owner value: nothing to compare
    body = owner.get(f"{base}/plan?owner_hourly_value=100").json()
    assert body["tasks"][0]["monthly_saving"] == "660.00"
    for bad in ("-1", "NaN", "Infinity", "lots", "1.001"):
        response = owner.get(f"{base}/plan?owner_hourly_value={bad}")
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["path"] == "$.owner_hourly_value"


def test_an_empty_audit_plans_nothing(owner: Client, base: str, personas: Personas):
    body = owner.get(f"{base}/plan").json()
    assert body == {
        "currency": personas.workspace.base_currency,
        "tasks": [],
        "roles": [],
        "totals": {"hours_freed_per_month": "0", "monthly_saving": "0.00"},
    }
