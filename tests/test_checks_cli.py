"""`outsourcer check`: the health check from the command line, its JSON, and its exit statuses."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.audit.models import AuditEntry
from outsourcer.checks.management.commands.check import Command
from outsourcer.checks.models import CheckRun, Finding
from outsourcer.checks.registry import rule_get
from outsourcer.checks.services import finding_dismiss, finding_snooze
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from tests.factories import TaskFactory, WorkspaceFactory


@pytest.fixture
def workspace(db: Any) -> Any:
    ws = WorkspaceFactory(name="Harbour Lights", slug="harbour-lights", time_zone="Pacific/Auckland")
    TaskFactory(workspace=ws, ref="brand", name="Brand strategy", business_value=5, status="outsourced")
    TaskFactory(workspace=ws, ref="payroll", name="Payroll", knowledge="none", status="outsourced")
    TaskFactory(workspace=ws, ref="books", name="Bookkeeping", effectiveness=2, business_value=3, hours_per_month=12)
    TaskFactory(workspace=ws, ref="design", name="Design")
    return ws


def check(*args: str) -> str:
    out = io.StringIO()
    call_command("check", *args, stdout=out)
    return out.getvalue()


def check_json(*args: str) -> dict[str, Any]:
    return json.loads(check("--workspace", "harbour-lights", "--json", *args))


def failing(*args: str) -> tuple[CommandError, str]:
    """Run a check expected to end with a non-zero status: the error, and what it printed."""
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("check", *args, stdout=out)
    return caught.value, out.getvalue()


def test_json_has_exactly_the_documented_shape(workspace):
    report = check_json()
    assert set(report) == {"workspace", "as_of", "findings", "summary"}
    assert report["workspace"] == "Harbour Lights"
    assert report["as_of"] == today_in("Pacific/Auckland").isoformat()
    assert report["summary"] == {"error": 0, "warning": 2, "info": 1, "total": 3, "quiet": 0, "new": 3, "resolved": 0}
    assert report["findings"][2] == {
        "rule": "plan/not-outsourcing-enough",
        "severity": "info",
        "subject": {"kind": "task", "ref": "books", "label": "Bookkeeping"},
        "message": (
            "Bookkeeping takes 12 h a month in-house, though you rate your effectiveness at it 2 of 5 "
            "and its business value 3 of 5."
        ),
        "fix": rule_get("plan/not-outsourcing-enough").fix,  # type: ignore[union-attr]
    }
    # Most severe first; within a severity, by rule.
    assert [(f["severity"], f["rule"]) for f in report["findings"]] == [
        ("warning", "plan/no-knowledge"),
        ("warning", "plan/outsourcing-core"),
        ("info", "plan/not-outsourcing-enough"),
    ]
    assert all(set(f) == {"rule", "severity", "subject", "message", "fix"} for f in report["findings"])
    run = CheckRun.objects.get(workspace=workspace)
    assert run.trigger == "cli"
    assert AuditEntry.objects.get(action="check.run").face == "cli"


def test_running_again_stores_nothing_twice(workspace):
    first = check_json()
    second = check_json()
    assert second["findings"] == first["findings"]
    assert second["summary"]["new"] == 0 and second["summary"]["total"] == 3
    assert Finding.objects.filter(workspace=workspace).count() == 3


@pytest.mark.parametrize(
    ("floor", "listed"),
    [
        ("info", ["plan/no-knowledge", "plan/outsourcing-core", "plan/not-outsourcing-enough"]),
        ("warning", ["plan/no-knowledge", "plan/outsourcing-core"]),
        ("error", []),
    ],
)
def test_min_severity_narrows_the_list_not_the_summary(workspace, floor, listed):
    report = check_json("--min-severity", floor)
    assert [f["rule"] for f in report["findings"]] == listed
    assert report["summary"]["total"] == 3


@pytest.mark.parametrize(
    ("args", "status"),
    [
        ((), 0),  # the default, error: nothing that severe here
        (("--fail-on", "error"), 0),
        (("--fail-on", "none"), 0),
        (("--fail-on", "warning"), 1),
        (("--fail-on", "info"), 1),
        (("--fail-on", "warning", "--min-severity", "error"), 0),  # only listed findings count
    ],
)
def test_fail_on_sets_the_exit_status(workspace, args, status):
    argv = ("--workspace", "harbour-lights", "--json", *args)
    if status == 0:
        assert json.loads(check(*argv))["summary"]["total"] == 3
        return
    error, out = failing(*argv)
    assert error.returncode == 1
    floor = args[1]
    count = 2 if floor == "warning" else 3
    assert str(error) == f"{count} open finding(s) at or above {floor} (--fail-on {floor})."
    assert len(json.loads(out)["findings"]) == 3  # the report is printed all the same


def test_quiet_findings_are_counted_not_listed_and_as_of_decides_when_a_snooze_ends(workspace):
    check_json()
    today = today_in("Pacific/Auckland")
    core = Finding.objects.get(rule="plan/outsourcing-core")
    finding_snooze(actor=Actor.cli(), finding=core, until=today + dt.timedelta(days=10))
    finding_dismiss(actor=Actor.cli(), finding=Finding.objects.get(rule="plan/no-knowledge"), reason="Adviser.")
    report = check_json()
    assert [f["rule"] for f in report["findings"]] == ["plan/not-outsourcing-enough"]
    assert report["summary"] == {"error": 0, "warning": 0, "info": 1, "total": 1, "quiet": 2, "new": 0, "resolved": 0}
    later = (today + dt.timedelta(days=11)).isoformat()
    report = check_json("--as-of", later)
    assert report["as_of"] == later
    assert [f["rule"] for f in report["findings"]] == ["plan/outsourcing-core", "plan/not-outsourcing-enough"]
    assert report["summary"]["quiet"] == 1  # the dismissal holds whatever the day
    assert CheckRun.objects.order_by("-created_at").first().as_of.isoformat() == later  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--workspace", "nowhere"), "No workspace named 'nowhere'."),
        (("--workspace", "harbour-lights", "--as-of", "2031-02-30"), "--as-of must be a date as YYYY-MM-DD"),
        (("--workspace", "harbour-lights", "--as-of", "tomorrow"), "not 'tomorrow'"),
        (("--workspace", "harbour-lights", "--as-of", "1999-12-31"), "between 2000-01-01 and 2999-12-31"),
        (("--json",), "--json need --workspace"),
        (("--workspace", "harbour-lights", "--deploy"), "run them without --workspace"),
    ],
)
def test_bad_input_exits_2_and_checks_nothing(workspace, args, message):
    error, _out = failing(*args)
    assert error.returncode == 2
    assert message in str(error)
    assert not CheckRun.objects.exists() and not Finding.objects.exists()


@pytest.mark.parametrize("args", [["--min-severity", "loud"], ["--fail-on", "critical"]])
def test_an_unknown_severity_exits_2(args):
    command = Command()
    command._called_from_command_line = True  # as `outsourcer check` runs it: argparse exits 2
    parser = command.create_parser("outsourcer", "check")
    with pytest.raises(SystemExit) as caught:
        parser.parse_args(["--workspace", "x", *args])
    assert caught.value.code == 2


def test_the_table_groups_by_severity_and_ends_with_a_summary(workspace):
    out = check("--workspace", "Harbour Lights")
    assert "Health check of Harbour Lights as of" in out
    order = ("plan/no-knowledge", "plan/outsourcing-core", "plan/not-outsourcing-enough")
    positions = [out.index(rule) for rule in order]
    assert positions == sorted(positions)
    assert "Brand strategy (task brand)" in out
    assert out.rstrip().endswith(
        "3 open findings: 0 errors, 2 warnings, 1 info; 0 snoozed or dismissed; 3 new and 0 resolved by this check."
    )


def test_a_workspace_with_nothing_to_report(db):
    WorkspaceFactory(name="Quiet Co", slug="quiet-co")
    out = check("--workspace", "quiet-co", "--fail-on", "info")
    assert "Health check of Quiet Co as of" in out and "nothing to list" in out
    assert out.rstrip().endswith("No open findings; 0 snoozed or dismissed; 0 new and 0 resolved by this check.")


def test_without_workspace_it_is_djangos_system_check(db):
    assert "System check identified" in check()
