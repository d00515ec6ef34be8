"""`outsourcer contractors ...`: the directory, the pipeline and trials from the command line."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.accounts.models import Role, Workspace
from outsourcer.audit.models import AuditEntry
from outsourcer.cli import usage
from outsourcer.contractors.models import Contractor
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement
from tests.conftest import token_client
from tests.factories import (
    ContractorFactory,
    InterviewFactory,
    MembershipFactory,
    RedFlagFactory,
    ReferenceCheckFactory,
    TaskFactory,
    UserFactory,
    WorkspaceFactory,
)


def cli(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("contractors", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> tuple[str, str]:
    """Run a command that must fail with exit status 2; its message and what it wrote to stderr."""
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("contractors", *args, stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 2, str(exc.value)
    return str(exc.value), err.getvalue()


@pytest.fixture
def ws(db: Any) -> Workspace:
    workspace = WorkspaceFactory(name="Acme Design", slug="acme", time_zone="America/New_York")
    ann = ContractorFactory(
        workspace=workspace,
        ref="ann",
        name="Ann Lee",
        email="ann@example.test",
        skills_text="\nbookkeeping\npayroll\n",
        time_zone="Europe/Berlin",
        stage="approved",
    )
    ReferenceCheckFactory(contractor=ann)
    InterviewFactory(contractor=ann)
    ContractorFactory(
        workspace=workspace,
        ref="bo",
        name="Bo Berg",
        skills_text="\ndesign\n",
        stage="prospect",
        hourly_rate=None,
        currency="",
        time_zone="",
        work_start=None,
        work_end=None,
    )
    RedFlagFactory(contractor=ContractorFactory(workspace=workspace, ref="cy", name="Cy Diaz"))
    return workspace


def api_client(ws: Workspace) -> Any:
    owner = UserFactory()
    MembershipFactory(user=owner, workspace=ws, role=Role.OWNER)
    return token_client(owner, ws)


def test_the_commands_are_listed():
    assert "contractors the contractor directory: list, show, add, stage, trial" in usage()


def test_list_as_a_table_and_filtered(ws: Workspace):
    out, _ = cli("list", "--workspace", "acme")
    assert "Contractors: Acme Design" in out
    ann_row = next(line for line in out.splitlines() if "Ann Lee" in line)
    for cell in ("ann", "Approved", "bookkeeping, payroll", "45.00 USD", "Preferred"):
        assert cell in ann_row
    assert "Avoid (1 red flag)" in next(line for line in out.splitlines() if "Cy Diaz" in line)
    out, _ = cli("list", "--workspace", "acme", "--stage", "prospect")
    assert "Bo Berg" in out and "Ann Lee" not in out
    out, _ = cli("list", "--workspace", "acme", "--skill", "Design")
    assert "Bo Berg" in out and "Ann Lee" not in out
    out, _ = cli("list", "--workspace", "acme", "--search", "nobody")
    assert out.strip() == "Acme Design has no contractors that match."


def test_list_json_is_the_api_shape(ws: Workspace):
    out, _ = cli("list", "--workspace", "acme", "--json")
    rows = json.loads(out)
    api = api_client(ws).get(f"/api/v1/workspaces/{ws.uuid}/contractors").json()["items"]
    assert rows == api
    assert [r["ref"] for r in rows] == ["ann", "bo", "cy"]
    assert rows[0]["hourly_rate"] == "45.00" and rows[2]["standing"] == "avoid"


def test_show_by_ref_or_id_and_as_the_api_does(ws: Workspace):
    ann = Contractor.objects.get(ref="ann")
    out, _ = cli("show", "ann", "--workspace", "acme")
    assert out.startswith("Ann Lee (ann), individual, stage: Approved")
    assert "Working hours: 09:00-17:00 Europe/Berlin (Mon, Tue, Wed, Thu, Fri)" in out
    assert "Standing: Preferred (88%)" in out
    assert "references   1.00  weight 2   1 checked" in out and "trial           -  weight 3   no finished trial" in out
    assert "Vetting still missing: a finished paid trial" in out
    assert "Worst working day of the next 30:" in out and "h 00 min shared" in out
    assert "References (1)" in out and "Dana Reference: positive, checked 2026-11-02" in out

    out, _ = cli("show", str(ann.uuid), "--workspace", "acme", "--json")
    data = json.loads(out)
    api = api_client(ws).get(f"/api/v1/workspaces/{ws.uuid}/contractors/{ann.uuid}").json()
    assert data == api
    assert data["vetting_gaps"] == ["trial"] and len(data["interviews"]) == 1

    out, _ = cli("show", "bo", "--workspace", "acme")
    assert "Working hours: not known" in out and "Overlap with your working hours: not known" in out


def test_show_an_unknown_contractor_or_workspace_exits_2(ws: Workspace):
    message, _ = refused("show", "zed", "--workspace", "acme")
    assert message == "No contractor 'zed' in Acme Design (give a ref or an id)."
    theirs = ContractorFactory(workspace=WorkspaceFactory())
    message, _ = refused("show", str(theirs.uuid), "--workspace", "acme")
    assert message.startswith("No contractor")
    message, _ = refused("list", "--workspace", "nowhere")
    assert "nowhere" in message


def test_add_with_hours_skills_and_rate(ws: Workspace):
    out, _ = cli(
        "add",
        "--workspace",
        "acme",
        "--name",
        "Marta Nowak",
        "--email",
        "marta@example.test",
        "--country",
        "pl",
        "--timezone",
        "Europe/Warsaw",
        "--start",
        "08:00",
        "--end",
        "16:00",
        "--days",
        "1,2,3,4",
        "--skills",
        "Web Design, seo",
        "--rate",
        "45",
        "--currency",
        "eur",
        "--source",
        "referral",
        "--ref",
        "marta",
        "--json",
    )
    data = json.loads(out)
    assert data["ref"] == "marta" and data["country"] == "PL" and data["currency"] == "EUR"
    assert data["working_hours"] == {
        "timezone": "Europe/Warsaw",
        "start": "08:00",
        "end": "16:00",
        "days": [1, 2, 3, 4],
    }
    assert data["skills"] == ["web design", "seo"] and data["hourly_rate"] == "45.00" and data["stage"] == "prospect"
    assert AuditEntry.objects.get(action="contractor.create").face == "cli"

    out, _ = cli("add", "--workspace", "acme", "--name", "Quinn Park")
    assert out.startswith("Added Quinn Park (c-") and "to Acme Design as a prospect." in out


@pytest.mark.parametrize(
    ("args", "option", "text"),
    [
        (["--timezone", "Mars/Olympus", "--start", "09:00", "--end", "17:00"], "--timezone", "not a known IANA"),
        (["--timezone", "UTC"], "--timezone", "need a time zone, a start and an end"),
        (["--timezone", "UTC", "--start", "9am", "--end", "17:00"], "--start", "HH:MM"),
        (["--timezone", "UTC", "--start", "09:00", "--end", "17:00", "--days", "1,8"], "--days", "1 (Monday)"),
        (["--rate", "40"], "--currency", "Say which currency"),
        (["--rate", "abc", "--currency", "USD"], "--rate", "a number"),
        (["--email", "nope"], "--email", "valid email"),
        (["--ref", "has space"], "--ref", ""),
    ],
)
def test_add_refuses_bad_input_naming_the_option(ws: Workspace, args: list[str], option: str, text: str):
    before = Contractor.objects.count()
    message, err = refused("add", "--workspace", "acme", "--name", "Marta Nowak", *args)
    shown = err + message
    assert f"{option}:" in shown and text in shown
    assert Contractor.objects.count() == before


def test_a_possible_duplicate_is_refused_unless_allowed(ws: Workspace):
    message, err = refused("add", "--workspace", "acme", "--name", "Anne Lee")
    assert "This may be someone already in the directory:" in err
    assert "ann  Ann Lee: a name" in err
    assert message == "The contractor was not added; run again with --allow-duplicate to add them anyway."
    assert not Contractor.objects.filter(name="Anne Lee").exists()
    out, _ = cli("add", "--workspace", "acme", "--name", "Anne Lee", "--allow-duplicate", "--json")
    assert json.loads(out)["name"] == "Anne Lee"


def test_stage_lists_what_is_missing_and_takes_a_reason(ws: Workspace):
    bo = Contractor.objects.get(ref="bo")
    message, err = refused("stage", "bo", "--workspace", "acme", "--to", "approved")
    assert "Still missing:" in err
    assert "  - a reference that was checked and came back positive or mixed" in err
    assert "  - an interview" in err and "  - a finished paid trial" in err
    assert message == "Bo Berg was not moved; give --reason to move them to approved anyway."
    bo.refresh_from_db()
    assert bo.stage == "prospect"

    out, _ = cli("stage", "bo", "--workspace", "acme", "--to", "approved", "--reason", "Known for years")
    assert "Bo Berg (bo) is now at the Approved stage." in out
    assert "the reason is kept: Known for years" in out
    out, _ = cli("stage", "bo", "--workspace", "acme", "--to", "inactive", "--json")
    assert json.loads(out)["stage"] == "inactive"


def test_stage_refuses_a_red_flag_and_an_unknown_stage(ws: Workspace):
    message, err = refused("stage", "cy", "--workspace", "acme", "--to", "approved", "--reason", "Trust me")
    assert err.startswith("--to: Resolve the red flag(s) first (asked for payment up front)")
    assert message == "Cy Diaz was not moved."
    assert Contractor.objects.get(ref="cy").stage == "vetting"
    with pytest.raises(CommandError):
        call_command("contractors", "stage", "cy", "--workspace", "acme", "--to", "hired", stderr=StringIO())


def test_trial_with_defaults_and_a_task(ws: Workspace):
    TaskFactory(workspace=ws, ref="books")
    out, _ = cli(
        "trial",
        "bo",
        "--workspace",
        "acme",
        "--title",
        "Reconcile March",
        "--budget",
        "300",
        "--currency",
        "eur",
        "--task",
        "books",
        "--json",
    )
    data = json.loads(out)
    today = today_in(ws.time_zone)
    assert data["kind"] == "trial" and data["status"] == "active" and data["budget_cap"] == "300.00"
    assert data["start_on"] == today.isoformat()
    assert data["end_on"] == (today + dt.timedelta(days=6)).isoformat()  # a week, both ends included
    assert data["rate"] == {"model": "fixed", "currency": "EUR", "amount": "300.00"}
    trial = Engagement.objects.get(uuid=data["id"])
    assert [t.ref for t in trial.tasks.all()] == ["books"]
    assert Contractor.objects.get(ref="bo").stage == "trial"

    out, _ = cli(
        "trial",
        "ann",
        "--workspace",
        "acme",
        "--title",
        "Payroll run",
        "--budget",
        "150.5",
        "--start",
        "2026-12-01",
        "--end",
        "2026-12-05",
    )
    assert "Started the trial Payroll run (e-" in out and "2026-12-01 to 2026-12-05, 150.50 USD fixed." in out


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["--budget", "0"], "--budget: A paid trial has a budget above zero."),
        (["--budget", "lots"], "--budget: a number"),
        (["--budget", "300", "--start", "2026-12-05", "--end", "2026-12-01"], "--end: An engagement cannot end"),
        (["--budget", "300", "--start", "05/12/2026"], "--start: give a date as YYYY-MM-DD"),
        (["--budget", "300", "--task", "nothing"], "--task: no task 'nothing' in Acme Design."),
    ],
)
def test_a_refused_trial_starts_nothing(ws: Workspace, args: list[str], text: str):
    message, err = refused("trial", "bo", "--workspace", "acme", "--title", "Try", *args)
    assert text in err + message
    assert not Engagement.objects.exists()
    assert Contractor.objects.get(ref="bo").stage == "prospect"


def test_a_blocked_contractor_gets_no_trial(ws: Workspace):
    blocked = ContractorFactory(workspace=ws, ref="zed", name="Zed", stage="blocked")
    message, err = refused("trial", "zed", "--workspace", "acme", "--title", "Try", "--budget", "100")
    assert "REF: This contractor is blocked" in err and message == "The trial was not started."
    assert not blocked.engagements.exists()
