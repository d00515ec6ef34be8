"""`outsourcer engagements|time|milestones|commitments ...`: the middle of the cycle from the command line."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.accounts.models import Role, Workspace
from outsourcer.audit.models import AuditEntry
from outsourcer.cli import usage
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement, TimeEntry
from outsourcer.engagements.services import brief_send, iso_week_start
from tests.conftest import token_client
from tests.factories import (
    BriefFactory,
    CommunicationPlanFactory,
    ContractorFactory,
    CustomerCommitmentFactory,
    EngagementFactory,
    MembershipFactory,
    MilestoneFactory,
    TimeEntryFactory,
    UserFactory,
    WorkspaceFactory,
)


def run(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(command: str, *args: str) -> tuple[str, str]:
    """Run a command that must fail with exit status 2; its message and what it wrote to stderr."""
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command(command, *args, stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 2, str(exc.value)
    return str(exc.value), err.getvalue()


@pytest.fixture
def ws(db: Any) -> Workspace:
    workspace = WorkspaceFactory(name="Acme Design", slug="acme", time_zone="America/New_York")
    ann = ContractorFactory(workspace=workspace, ref="ann", name="Ann Lee", currency="EUR")
    promise = CustomerCommitmentFactory(
        workspace=workspace, ref="cc-launch", customer="Bakery Co", title="New website", buffer_days=3
    )
    site = EngagementFactory(
        contractor=ann,
        ref="e-site",
        title="Website copy",
        rate_model="hourly",
        rate_amount=Decimal("40"),
        rate_currency="EUR",
        weekly_hour_cap=Decimal("10"),
        start_on=dt.date(2026, 1, 5),
        customer_commitment=promise,
    )
    BriefFactory(engagement=site, goals="Sell bread", context="", constraints="")
    CommunicationPlanFactory(engagement=site, needs_overlap_hours=Decimal("2"))
    EngagementFactory(
        contractor=ContractorFactory(workspace=workspace, ref="bo", name="[bold]Bo[/bold] Berg"),
        ref="e-logo",
        title="Logo [draft]",
        kind="trial",
        status="draft",
    )
    CustomerCommitmentFactory(workspace=workspace, ref="cc-later", customer="Florist", promised_on=dt.date(2027, 6, 1))
    return workspace


def api(ws: Workspace, path: str) -> Any:
    owner = UserFactory()
    MembershipFactory(user=owner, workspace=ws, role=Role.OWNER)
    response = token_client(owner, ws).get(f"/api/v1/workspaces/{ws.uuid}{path}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_commands_are_listed():
    text = usage()
    for name in ("engagements", "time", "milestones", "commitments"):
        assert f"\n  {name} " in text


# --- engagements -----------------------------------------------------------------------------------


def test_list_prints_names_as_text_and_filters(ws: Workspace):
    out = run("engagements", "list", "--workspace", "acme")
    assert "Engagements: Acme Design" in out
    site = next(line for line in out.splitlines() if "e-site" in line)
    for cell in (
        "Website copy",
        "Ann Lee",
        "Project",
        "Active",
        "05 Jan 2026 to -",
        "40.00 EUR / h, at most 10 h a week",
    ):
        assert cell in site, cell
    logo = next(line for line in out.splitlines() if "e-logo" in line)
    assert "Logo [draft]" in logo and "[bold]Bo[/bold] Berg" in logo and "Paid trial" in logo
    out = run("engagements", "list", "--workspace", "acme", "--status", "running")
    assert "e-site" in out and "e-logo" not in out
    out = run("engagements", "list", "--workspace", "acme", "--kind", "ongoing")
    assert out.strip() == "Acme Design has no engagements that match."


def test_list_and_show_json_are_the_api_shape(ws: Workspace):
    rows = json.loads(run("engagements", "list", "--workspace", "acme", "--json"))
    assert rows == api(ws, "/engagements")["items"]
    site = Engagement.objects.get(ref="e-site")
    data = json.loads(run("engagements", "show", "e-site", "--workspace", "acme", "--json"))
    assert data == api(ws, f"/engagements/{site.uuid}")
    assert data["customer_commitment_ref"] == "cc-launch" and data["brief"]["score"] == 62


def test_show_tells_the_terms_the_brief_and_the_plan(ws: Workspace):
    out = run("engagements", "show", str(Engagement.objects.get(ref="e-site").uuid), "--workspace", "acme")
    assert out.startswith("Website copy (e-site), project, status: Active")
    assert "Contractor: Ann Lee (ann)" in out and "Rate: 40.00 EUR / h, at most 10 h a week" in out
    assert "Customer commitment: cc-launch" in out
    assert "Brief: 62/100 (not sent yet)" in out
    assert "Missing: Context" in out and "Missing: Constraints" in out and "Too thin: Goals" in out
    assert "Communication: Maya Chen, email, video, weekly, 2 h overlap needed" in out


def test_status_moves_an_engagement_or_exits_2(ws: Workspace):
    out = run("engagements", "status", "e-site", "paused", "--workspace", "acme")
    assert out.strip() == "Website copy (e-site) is now paused."
    assert Engagement.objects.get(ref="e-site").status == "paused"
    assert AuditEntry.objects.filter(action="engagement.status").latest("id").face == "cli"
    message, err = refused("engagements", "status", "e-logo", "completed", "--workspace", "acme")
    assert message == "Logo [draft] was not moved."
    assert err.strip() == "STATUS: A draft engagement cannot become completed; next: active, terminated."
    data = json.loads(
        run("engagements", "status", "e-site", "terminated", "--reason", "Budget cut", "--workspace", "acme", "--json")
    )
    assert data["status"] == "terminated" and data["ended_reason"] == "Budget cut"


def test_brief_shows_the_score_and_what_is_missing(ws: Workspace):
    out = run("engagements", "brief", "e-site", "--workspace", "acme")
    lines = out.splitlines()
    assert lines[0] == "Brief for Website copy (e-site): 62/100"
    assert "  - Context: Give the company goals and strategy the contractor needs to see the big picture." in lines
    assert "Too thin:" in lines and "Not sent to the contractor yet." in lines
    site = Engagement.objects.get(ref="e-site")
    brief_send(actor=Actor.cli(), engagement=site)
    assert "Version 1 sent on" in run("engagements", "brief", "e-site", "--workspace", "acme")
    data = json.loads(run("engagements", "brief", "e-site", "--workspace", "acme", "--json"))
    assert data == api(ws, f"/engagements/{site.uuid}/brief")
    assert data["score"] == 62 and data["latest_version"]["number"] == 1


def test_hours_show_the_weekly_cap_filling(ws: Workspace):
    site = Engagement.objects.get(ref="e-site")
    monday = iso_week_start(today_in(ws.time_zone))
    TimeEntryFactory(engagement=site, worked_on=monday, hours=Decimal("8"), status="approved")
    TimeEntryFactory(engagement=site, worked_on=monday, hours=Decimal("3.5"), status="submitted")
    out = run("engagements", "hours", "e-site", "--workspace", "acme")
    assert out.startswith("Hours on Website copy (e-site), a cap of 10 h a week:")
    this_week = next(line for line in out.splitlines() if f"{monday:%d %b %Y}" in line)
    assert this_week.split("│")[1:6] == [f" {monday:%d %b %Y} ", "        8 ", "     3.5 ", " -1.5 ", " 115% OVER "]
    data = json.loads(run("engagements", "hours", "e-site", "--workspace", "acme", "--json"))
    assert data == api(ws, f"/engagements/{site.uuid}/hours") and len(data["weeks"]) == 8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "e-nope", "--workspace", "acme"], "No engagement 'e-nope' in Acme Design (give a ref or an id)."),
        (["show", "e-site", "--workspace", "nowhere"], "No workspace named 'nowhere'."),
        (["hours", "00000000-0000-4000-8000-000000000000", "--workspace", "acme"], "No engagement"),
    ],
)
def test_bad_input_exits_2(ws: Workspace, args: list[str], message: str):
    assert refused("engagements", *args)[0].startswith(message)


def test_another_workspaces_engagement_is_not_found(ws: Workspace):
    theirs = EngagementFactory(contractor=ContractorFactory(workspace=WorkspaceFactory()))
    assert refused("engagements", "show", str(theirs.uuid), "--workspace", "acme")[0].startswith("No engagement")


# --- time ------------------------------------------------------------------------------------------


def test_time_list_shows_what_waits(ws: Workspace):
    site = Engagement.objects.get(ref="e-site")
    waiting = TimeEntryFactory(engagement=site, worked_on=dt.date(2026, 11, 17), hours=Decimal("3.5"))
    TimeEntryFactory(engagement=site, worked_on=dt.date(2026, 11, 16), status="approved")
    out = run("time", "list", "--workspace", "acme", "--status", "submitted")
    row = next(line for line in out.splitlines() if str(waiting.uuid) in line)
    for cell in ("Website copy (e-site)", "Ann Lee", "17 Nov 2026", "3.5", "Waiting for approval"):
        assert cell in row, cell
    assert out.strip().endswith("1 entry, 3.5 h.")
    rows = json.loads(run("time", "list", "--workspace", "acme", "--json"))
    assert rows == api(ws, "/time-entries")["items"] and len(rows) == 2
    assert run("time", "list", "--workspace", "acme", "--status", "rejected").strip() == (
        "Acme Design has no time entries that match."
    )


def test_time_approve_one_or_all_submitted(ws: Workspace):
    site = Engagement.objects.get(ref="e-site")
    one = TimeEntryFactory(engagement=site, worked_on=dt.date(2026, 11, 17), hours=Decimal("2"))
    out = run("time", "approve", str(one.uuid), "--workspace", "acme")
    assert out.strip() == "Approved 2 h of 17 Nov 2026 on Website copy."
    one.refresh_from_db()
    assert one.status == "approved" and one.is_locked
    message, err = refused("time", "approve", str(one.uuid), "--workspace", "acme")
    assert message == "The 2 h of 17 Nov 2026 on Website copy were not approved."
    assert err.strip() == "error: Only hours waiting for approval can be approved or rejected."

    TimeEntryFactory(engagement=site, worked_on=dt.date(2026, 11, 18), hours=Decimal("1.5"))
    TimeEntryFactory(engagement=site, worked_on=dt.date(2026, 11, 19), hours=Decimal("3"))
    TimeEntryFactory(engagement=site, status="draft")
    out = run("time", "approve", "--all-submitted", "--engagement", "e-site", "--workspace", "acme")
    assert "Approved 1.5 h of 18 Nov 2026 on Website copy." in out and "2 entries, 4.5 h, approved and locked." in out
    assert TimeEntry.objects.filter(status="submitted").count() == 0
    assert TimeEntry.objects.filter(status="draft").count() == 1
    out = run("time", "approve", "--all-submitted", "--engagement", "e-site", "--workspace", "acme")
    assert out.strip() == "Nothing on Website copy (e-site) waits for approval."


def test_time_reject_needs_a_reason_and_json_is_the_api_shape(ws: Workspace):
    entry = TimeEntryFactory(engagement=Engagement.objects.get(ref="e-site"))
    data = json.loads(
        run("time", "reject", str(entry.uuid), "--reason", "Not on this task", "--workspace", "acme", "--json")
    )
    assert data["status"] == "rejected" and data["rejection_reason"] == "Not on this task"
    assert data == api(ws, "/time-entries?status=rejected")["items"][0]
    message, err = refused("time", "reject", str(entry.uuid), "--reason", "Again", "--workspace", "acme")
    assert "were not rejected" in message and "Only hours waiting for approval" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["approve", "--workspace", "acme"], "Give the ID of the time entry to approve"),
        (["approve", "--all-submitted", "--workspace", "acme"], "--all-submitted needs --engagement REF"),
        (["approve", "not-an-id", "--all-submitted", "--engagement", "e-site", "--workspace", "acme"], "Give either"),
        (["approve", "not-an-id", "--workspace", "acme"], "No time entry 'not-an-id' in Acme Design"),
        (["reject", "00000000-0000-4000-8000-000000000000", "--reason", "x", "--workspace", "acme"], "No time entry"),
        (["list", "--engagement", "e-nope", "--workspace", "acme"], "No engagement 'e-nope'"),
    ],
)
def test_time_bad_input_exits_2(ws: Workspace, args: list[str], message: str):
    assert refused("time", *args)[0].startswith(message)


def test_time_reject_blank_reason_exits_2(ws: Workspace):
    entry = TimeEntryFactory(engagement=Engagement.objects.get(ref="e-site"))
    message, err = refused("time", "reject", str(entry.uuid), "--reason", "  ", "--workspace", "acme")
    assert message == "The 3.5 h of 17 Nov 2026 on Website copy were not rejected."
    assert err.strip() == "--reason: Say why the hours are rejected; the contractor sees it."
    entry.refresh_from_db()
    assert entry.status == "submitted"


# --- milestones and commitments --------------------------------------------------------------------


def test_milestones_list_overdue_and_json(ws: Workspace):
    site = Engagement.objects.get(ref="e-site")
    today = today_in(ws.time_zone)
    MilestoneFactory(engagement=site, ref="m-late", title="Late [one]", due_on=today - dt.timedelta(days=3))
    MilestoneFactory(engagement=site, ref="m-next", title="Next", due_on=today + dt.timedelta(days=20))
    MilestoneFactory(engagement=site, ref="m-done", status="accepted", due_on=today - dt.timedelta(days=9))
    out = run("milestones", "list", "--workspace", "acme")
    late = next(line for line in out.splitlines() if "m-late" in line)
    assert "Late [one]" in late and "OVERDUE" in late and "Website copy (e-site)" in late and "500.00 EUR" in late
    assert "OVERDUE" not in next(line for line in out.splitlines() if "m-done" in line)
    assert out.strip().endswith("1 overdue.")
    out = run("milestones", "list", "--workspace", "acme", "--overdue")
    assert "m-late" in out and "m-next" not in out and "m-done" not in out
    rows = json.loads(run("milestones", "list", "--workspace", "acme", "--json"))
    assert rows == api(ws, "/milestones")["items"]
    assert [r["ref"] for r in rows] == ["m-done", "m-late", "m-next"]
    assert refused("milestones", "list", "--workspace", "acme", "--engagement", "nope")[0].startswith("No engagement")
    empty = WorkspaceFactory(slug="empty")
    assert run("milestones", "list", "--workspace", empty.slug).strip() == f"{empty.name} has no milestones."


def test_commitments_list_and_json(ws: Workspace):
    out = run("commitments", "list", "--workspace", "acme")
    launch = next(line for line in out.splitlines() if "cc-launch" in line)
    for cell in ("Bakery Co", "New website", "29 Jan 2027", "3 working days", "Open", "e-site"):
        assert cell in launch, cell
    assert "none yet" in next(line for line in out.splitlines() if "cc-later" in line)
    rows = json.loads(run("commitments", "list", "--workspace", "acme", "--json"))
    assert rows == api(ws, "/commitments")["items"]
    assert run("commitments", "list", "--workspace", "acme", "--status", "late").strip() == (
        "Acme Design has no customer commitments that match."
    )
    assert refused("commitments", "list", "--workspace", "nowhere")[0] == "No workspace named 'nowhere'."
