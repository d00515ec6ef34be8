"""`outsourcer plan --workspace` and `outsourcer tasks ...`: the time audit from the command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.accounts.models import Workspace
from outsourcer.audit.models import AuditEntry
from outsourcer.planning.models import Task
from outsourcer.planning.selectors import plan_for_workspace, tasks_csv
from tests.factories import TaskFactory, WorkspaceFactory

BIN = Path(sys.executable).parent / "outsourcer"
HEADER = "name,hours_per_month,effectiveness,business_value,ref\n"


def cli(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[str, str]:
    """Run a command that must fail with exit status 2; its message and what it wrote to stderr."""
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(*args, stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 2, str(exc.value)
    return str(exc.value), err.getvalue()


@pytest.fixture
def ws(db: Any) -> Workspace:
    """A varied audit: ties, retired and outsourced work, unknown work, staff cost, one-off work."""
    workspace = WorkspaceFactory(name="Acme Design", slug="acme", base_currency="EUR", owner_hourly_value=Decimal(95))
    rows = [
        ("books", "Bookkeeping", "bookkeeping", "12", 2, 2, "basic", None, "45.00", True, "in_house"),
        ("payroll", "Payroll", "bookkeeping", "3", 2, 2, "basic", "30.00", "40.00", True, "in_house"),
        ("inbox", "Inbox triage", "email", "12", 3, 1, "working", None, "25.00", True, "candidate"),
        ("site", "Website rebuild", "web_development", "40", 1, 3, "none", None, "70.00", False, "outsourced"),
        ("design", "Client design", "design", "80", 4, 5, "expert", "65.00", None, True, "in_house"),
        ("pitches", "Pitches", "sales", "15", 3, 5, "", None, None, True, "in_house"),
        ("copy-a", "Case studies", "copywriting", "8", 3, 4, "working", None, "60.00", True, "in_house"),
        ("copy-b", "Case studies", "copywriting", "8", 3, 4, "working", None, "60.00", True, "in_house"),
        ("catalogue", "Catalogue layout", "design", "6", 3, 2, "working", None, "50.00", False, "retired"),
    ]
    for ref, name, category, hours, eff, value, knowledge, inhouse, market, recurring, status in rows:
        TaskFactory(
            workspace=workspace,
            ref=ref,
            name=name,
            category=category,
            hours_per_month=Decimal(hours),
            effectiveness=eff,
            business_value=value,
            knowledge=knowledge,
            inhouse_cost_per_hour=None if inhouse is None else Decimal(inhouse),
            market_rate_per_hour=None if market is None else Decimal(market),
            recurring=recurring,
            status=status,
        )
    return workspace


# --- plan --workspace -------------------------------------------------------------------------------


def test_plan_for_a_workspace_prints_its_plan_as_json(ws: Workspace):
    out, _ = cli("plan", "--workspace", "Acme Design", "--json")
    plan = json.loads(out)
    assert plan == plan_for_workspace(workspace=ws).plan.as_dict()
    assert plan["currency"] == "EUR"
    assert "Catalogue layout" not in [t["name"] for t in plan["tasks"]]  # retired work is no longer done
    assert plan["tasks"][0]["name"] == "Website rebuild" and plan["tasks"][0]["rank"] == 1
    books = next(t for t in plan["tasks"] if t["name"] == "Bookkeeping")
    assert books["recommendation"] == "outsource_first" and books["monthly_saving"] == "600.00"  # 12 x 95 - 12 x 45


def test_plan_for_a_workspace_prints_a_table_and_takes_an_owner_value(ws: Workspace):
    out, _ = cli("plan", "--workspace", "acme", "--top", "2", "--owner-hourly-value", "120")
    assert "Outsourcing plan" in out and "Saving / mo (EUR)" in out
    assert "Website rebuild" in out and "... and 6 more tasks" in out
    expected = plan_for_workspace(workspace=ws, owner_hourly_value=Decimal(120)).plan.totals
    assert out.rstrip().endswith(f"Monthly saving: EUR {Decimal(expected['monthly_saving']):,}")
    assert (
        json.loads(cli("plan", "--workspace", str(ws.uuid), "--json", "--owner-hourly-value", "120")[0])["totals"]
        == expected
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Give a time audit FILE or --workspace NAME (one of the two, not both)."),
        (
            ("audit.csv", "--workspace", "acme"),
            "Give a time audit FILE or --workspace NAME (one of the two, not both).",
        ),
        (("--workspace", "Nobody Ltd"), "No workspace named 'Nobody Ltd'."),
        (
            ("--workspace", "acme", "--currency", "USD"),
            "--currency is for files: Acme Design plans in its base currency, EUR.",
        ),
        (
            ("--workspace", "acme", "--owner-hourly-value", "-5"),
            "--owner-hourly-value must be a number, zero or more (and below 10^12).",
        ),
        (
            ("--workspace", "acme", "--owner-hourly-value", "1e20"),
            "--owner-hourly-value must be a number, zero or more (and below 10^12).",
        ),
    ],
)
def test_plan_refuses_what_it_cannot_plan(ws: Workspace, args, message):
    assert refused("plan", *args)[0] == message


def test_plan_of_a_workspace_and_of_its_exported_csv_agree(ws: Workspace, tmp_path: Path):
    audit = tmp_path / "audit.csv"
    _, err = cli("tasks", "export", "--workspace", "acme", "--output", str(audit))
    assert err.strip() == f"Wrote {audit}."
    owner_value = str(ws.owner_hourly_value)
    from_file = json.loads(
        cli("plan", str(audit), "--json", "--owner-hourly-value", owner_value, "--currency", "EUR")[0]
    )
    from_workspace = json.loads(cli("plan", "--workspace", "acme", "--json")[0])

    def ranking(plan: dict[str, Any]) -> list[tuple[Any, ...]]:
        return [
            (t["name"], t["ref"], t["rank"], t["recommendation"], t["hours_freed_per_month"], t["monthly_saving"])
            for t in plan["tasks"]
        ]

    assert ranking(from_file) == ranking(from_workspace)
    assert len(ranking(from_file)) == 8
    assert from_file == from_workspace  # roles and totals too


# --- tasks list -------------------------------------------------------------------------------------


def test_tasks_list_shows_a_table_json_and_filters(ws: Workspace):
    out, _ = cli("tasks", "list", "--workspace", "acme")
    assert "Time audit: Acme Design" in out
    assert out.index("Bookkeeping") < out.index("Website rebuild")  # by name
    assert "Candidate for vetting" in out and "Retired" in out
    listed = json.loads(cli("tasks", "list", "--workspace", "acme", "--json")[0])
    assert [t["ref"] for t in listed][:3] == ["books", "copy-a", "copy-b"]
    books = listed[0]
    assert books["hours_per_month"] == "12.00" and books["market_rate_per_hour"] == "45.00"
    assert books["inhouse_cost_per_hour"] is None and books["id"] == str(Task.objects.get(ref="books").uuid)
    candidates = json.loads(cli("tasks", "list", "--workspace", "acme", "--status", "candidate", "--json")[0])
    assert [t["ref"] for t in candidates] == ["inbox"]
    empty, _ = cli("tasks", "list", "--workspace", WorkspaceFactory(name="Empty Co").slug)
    assert empty.strip() == "Empty Co has no tasks."


def test_tasks_list_refuses_an_unknown_workspace_or_status(ws: Workspace):
    assert refused("tasks", "list", "--workspace", "nope")[0] == "No workspace named 'nope'."
    with pytest.raises(CommandError, match="invalid choice: 'someday'"):
        cli("tasks", "list", "--workspace", "acme", "--status", "someday")


# --- tasks add --------------------------------------------------------------------------------------


def test_tasks_add_stores_a_task_and_audits_it_as_the_command_line(db: Any):
    ws = WorkspaceFactory(slug="acme")
    out, _ = cli(
        "tasks", "add", "--workspace", "acme", "--name", " Inbox triage ", "--hours", "7.5", "--effectiveness", "3",
        "--business-value", "1", "--category", "email", "--knowledge", "working", "--market-rate", "25",
        "--one-off", "--status", "candidate", "--json",
    )  # fmt: skip
    added = json.loads(out)
    assert added["name"] == "Inbox triage" and added["hours_per_month"] == "7.50"
    assert added["market_rate_per_hour"] == "25.00" and added["recurring"] is False
    assert added["status"] == "candidate" and added["knowledge"] == "working" and added["ref"].startswith("task-")
    task = Task.objects.get(workspace=ws)
    assert task.category == "email" and task.inhouse_cost_per_hour is None
    entry = AuditEntry.objects.get(action="task.create")
    assert entry.face == "cli" and entry.actor is None and entry.workspace == ws
    out, _ = cli(
        "tasks", "add", "--workspace", "acme", "--name", "Books", "--hours", "4", "--effectiveness", "2",
        "--business-value", "2", "--ref", "books",
    )  # fmt: skip
    assert out.strip() == f"Added Books (books) to {ws.name}."


@pytest.mark.parametrize(
    ("extra", "stderr"),
    [
        (
            ["--hours", "800", "--effectiveness", "7"],
            [
                "--hours: Ensure this value is less than or equal to 744.",
                "--effectiveness: Ensure this value is less than or equal to 5.",
            ],
        ),
        (["--ref", "has space"], ["--ref: Use letters, digits and _ . : - only (at most 64)."]),
        (["--ref", "books"], ["--ref: Another task already uses the ref 'books'."]),
        (["--name", "  "], ["--name: This field cannot be blank."]),
    ],
)  # fmt: skip
def test_tasks_add_refuses_bad_values_and_stores_nothing(db: Any, extra, stderr):
    ws = WorkspaceFactory(slug="acme")
    TaskFactory(workspace=ws, ref="books")
    base = {"--name": "Inbox", "--hours": "5", "--effectiveness": "3", "--business-value": "2"}
    for i in range(0, len(extra), 2):
        base[extra[i]] = extra[i + 1]
    args = [a for pair in base.items() for a in pair]
    message, err = refused("tasks", "add", "--workspace", "acme", *args)
    assert message == "The task was not added." and err.splitlines() == stderr
    assert Task.objects.count() == 1


@pytest.mark.parametrize(("option", "value"), [("--hours", "ten"), ("--market-rate", "-4"), ("--inhouse-cost", "NaN")])
def test_tasks_add_refuses_numbers_that_are_not(db: Any, option, value):
    WorkspaceFactory(slug="acme")
    base = {"--name": "Inbox", "--hours": "5", "--effectiveness": "3", "--business-value": "2", option: value}
    message, _ = refused("tasks", "add", "--workspace", "acme", *[a for pair in base.items() for a in pair])
    assert message == f"{option} must be a number, zero or more (not {value!r})."
    assert not Task.objects.exists()


# --- tasks import and export ------------------------------------------------------------------------


def test_tasks_import_adds_and_updates_and_replace_removes(ws: Workspace, tmp_path: Path):
    audit = tmp_path / "audit.csv"
    audit.write_text(HEADER + "Bookkeeping,20,2,2,books\nNew work,5,2,3,\n")
    out, _ = cli("tasks", "import", str(audit), "--workspace", "acme")
    assert out.strip() == f"Imported {audit} into Acme Design: 1 added, 1 updated, 0 removed."
    assert Task.objects.get(ref="books").hours_per_month == Decimal("20.00")
    assert Task.objects.filter(workspace=ws).count() == 10
    out, _ = cli("tasks", "import", str(audit), "--workspace", "acme", "--replace", "--json")
    assert json.loads(out) == {"created": 1, "updated": 0, "removed": 9}  # "New work" has no ref: a new task again
    assert AuditEntry.objects.filter(action="task.import", face="cli").count() == 2


def test_tasks_import_names_every_problem_and_stores_nothing(ws: Workspace, tmp_path: Path):
    before = tasks_csv(workspace=ws)
    audit = tmp_path / "bad.csv"
    audit.write_text(HEADER + "Bookkeeping,20,2,2,books\nBroken,,9,2,\n,1,1,1,books\n")
    message, err = refused("tasks", "import", str(audit), "--workspace", "acme", "--replace")
    assert message == f"4 problem(s) in {audit}; nothing was imported."
    assert err.splitlines() == [
        "row 3, column hours_per_month: required",
        "row 3, column effectiveness: '9' must be a whole number from 1 to 5",
        "row 4, column name: a task needs a name",
        "row 4, column ref: 'books' is already used on row 2",
    ]
    assert tasks_csv(workspace=ws) == before
    missing = tmp_path / "missing.csv"
    assert refused("tasks", "import", str(missing), "--workspace", "acme")[0].startswith(f"Cannot read {missing}")


def test_tasks_export_writes_csv_to_stdout_that_imports_back_unchanged(ws: Workspace, tmp_path: Path):
    out, _ = cli("tasks", "export", "--workspace", "acme")
    assert out == tasks_csv(workspace=ws)
    assert out.splitlines()[0].startswith("name,category,hours_per_month,effectiveness,business_value")
    audit = tmp_path / "audit.csv"
    audit.write_text(out)
    counts = json.loads(cli("tasks", "import", str(audit), "--workspace", "acme", "--replace", "--json")[0])
    assert counts == {"created": 0, "updated": 0, "removed": 0}
    assert refused("tasks", "export", "--workspace", "nope")[0] == "No workspace named 'nope'."


# --- the real binary ----------------------------------------------------------------------------------


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTSOURCER_", "DATABASE_URL", "DJANGO_"))}
    env.update(OUTSOURCER_DATA_DIR=str(tmp_path / "data"), OUTSOURCER_SECRET_KEY="t" * 50, OUTSOURCER_HTTPS="0")
    return env


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True, timeout=120)
    if check:
        assert result.returncode == 0, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


def test_the_demo_plans_the_same_from_the_workspace_and_from_its_csv(cli_env: dict[str, str], tmp_path: Path):
    run(cli_env, "demo")
    audit = tmp_path / "demo.csv"
    run(cli_env, "tasks", "export", "--workspace", "Brightline Studio", "-o", str(audit))
    owner_value = json.loads(run(cli_env, "export", "--workspace", "Brightline Studio").stdout)["workspace"][
        "owner_hourly_value"
    ]
    from_file = json.loads(run(cli_env, "plan", str(audit), "--owner-hourly-value", owner_value, "--json").stdout)
    from_workspace = json.loads(run(cli_env, "plan", "--workspace", "Brightline Studio", "--json").stdout)
    assert from_file["tasks"] and from_file == from_workspace
    neither = run(cli_env, "plan", check=False)
    assert neither.returncode == 2 and "Give a time audit FILE or --workspace NAME" in neither.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Books,ten,2,2,\n")
    result = run(cli_env, "tasks", "import", str(bad), "--workspace", "Brightline Studio", check=False)
    assert result.returncode == 2 and "row 2, column hours_per_month: 'ten' is not a number" in result.stderr
    listed = json.loads(run(cli_env, "tasks", "list", "--workspace", "Brightline Studio", "--json").stdout)
    assert len(listed) == len(audit.read_text().splitlines()) - 1  # the refused file added nothing


def test_names_with_brackets_print_as_they_are(personas, capsys):
    from django.core.management import call_command as _call

    from tests.factories import TaskFactory as _Task

    _Task(workspace=personas.workspace, name="Fix [/] the site", effectiveness=1, business_value=2, status="in_house")
    _Task(workspace=personas.workspace, name="[bold]Payroll[/bold]")
    _call("tasks", "list", "--workspace", personas.workspace.slug)
    out = capsys.readouterr().out
    assert "Fix [/] the site" in out and "[bold]Payroll[/bold]" in out
    _call("check", "--workspace", personas.workspace.slug, "--fail-on", "none")
    assert "Fix [/] the site" in capsys.readouterr().out
