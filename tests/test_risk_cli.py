"""`outsourcer risks ...`: the register from the command line, the same data as the API (`--json`), the heat
map as a text grid, adding and closing a risk, bad input exiting 2 with the reason."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.accounts.models import Workspace
from outsourcer.audit.models import AuditEntry
from outsourcer.cli import usage
from outsourcer.risk.models import Risk
from tests.conftest import login_client
from tests.factories import (
    ContractorFactory,
    EngagementFactory,
    MembershipFactory,
    RiskFactory,
    UserFactory,
    WorkspaceFactory,
)


def run(*args: str) -> str:
    out = StringIO()
    call_command("risks", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> tuple[str, str]:
    """Run `risks` so that it must fail with exit status 2; its message and what it wrote to stderr."""
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("risks", *args, stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 2, str(exc.value)
    return str(exc.value), err.getvalue()


@pytest.fixture
def ws(db: Any) -> Workspace:
    """Acme: Ann's website engagement with two open risks and a closed one, and a workspace-wide risk."""
    workspace = WorkspaceFactory(name="Acme Design", slug="acme")
    ann = ContractorFactory(workspace=workspace, ref="ann", name="Ann Lee")
    site = EngagementFactory(contractor=ann, ref="e-site", title="Website copy")
    RiskFactory(engagement=site, ref="r-late", title="The copy is late", likelihood=4, impact=4, mitigation="")
    RiskFactory(engagement=site, ref="r-money", title="Costs run over", category="financial", likelihood=2)
    RiskFactory(engagement=site, ref="r-gone", title="An old worry", status="closed", likelihood=5, impact=5)
    RiskFactory(engagement=None, workspace=workspace, ref="r-people", title="[bold]Our one designer", impact=5)
    return workspace


def test_the_command_is_listed():
    assert "risks" in usage()


def test_list_is_the_default_and_takes_workspace_before_or_after(ws):
    default = run("--workspace", "acme")
    explicit = run("list", "--workspace", "acme")
    assert default == explicit
    for ref in ("r-late", "r-money", "r-gone", "r-people"):
        assert ref in default
    assert "4 x 4 = 16" in default and "high" in default
    assert "[bold]Our one designer" in default  # names print as text, never as markup
    assert "whole workspace" in default
    assert "4 risks, 1 high (not closed)" in default
    # Open first, the highest score first; closed last.
    assert default.index("r-late") < default.index("r-money") < default.index("r-gone")


def test_list_filters_and_json_is_what_the_api_answers(ws, db):
    out = run("--workspace", "acme", "--status", "open", "--category", "financial")
    assert "r-money" in out and "r-late" not in out and "r-gone" not in out
    mine = run("list", "--workspace", "acme", "--engagement", "e-site")
    assert "r-people" not in mine and "r-late" in mine
    data = json.loads(run("list", "--workspace", "acme", "--json"))
    assert [r["ref"] for r in data][-1] == "r-gone"
    owner = UserFactory()
    MembershipFactory(user=owner, workspace=ws, role="owner")
    api = login_client(owner).get(f"/api/v1/workspaces/{ws.uuid}/risks").json()["items"]
    assert data == api
    assert run("--workspace", "acme", "--status", "accepted") == "Acme Design has no risks that match.\n"


def test_heat_map_is_a_text_grid_leaving_closed_risks_off(ws):
    out = run("heat-map", "--workspace", "acme")
    assert out == run("--workspace", "acme", "--heat-map")
    assert "3 on the map: 1 high, 1 medium, 1 low; closed risks left off" in out
    lines = out.splitlines()
    rows = [line for line in lines if line[:1].isdigit()]
    assert [r.split()[0] for r in rows] == ["5", "4", "3", "2", "1"]
    four = next(r for r in rows if r.startswith("4 likely"))
    assert "1 high" in four  # r-late: likelihood 4, impact 4
    five = next(r for r in rows if r.startswith("5 almost certain"))
    assert "1 " not in five.replace("5 almost certain", "")  # the closed 5 x 5 is not counted
    data = json.loads(run("heat-map", "--workspace", "acme", "--json"))
    assert data["total"] == 3 and data["rows"][1]["cells"][3] == {"impact": 4, "score": 16, "band": "high", "count": 1}


def test_add_records_a_risk_about_an_engagement(ws):
    out = run(
        "add", "--workspace", "acme", "--engagement", "e-site", "--category", "technology_security",
        "--title", "The CMS password leaks", "--likelihood", "3", "--impact", "5", "--owner", "Maya",
        "--review-on", "2027-03-01", "--mitigation", "Named accounts only.",
    )  # fmt: skip
    risk = Risk.objects.get(title="The CMS password leaks")
    assert f"Recorded risk {risk.ref}" in out and "score 15" in out
    assert risk.engagement.ref == "e-site" and risk.owner == "Maya" and str(risk.review_on) == "2027-03-01"
    assert AuditEntry.objects.filter(action="risk.create", object_uuid=risk.uuid, face="cli").exists()
    adding = ("add", "--workspace", "acme", "--contractor", "ann", "--category", "strategic", "--title", "Ann leaves",
              "--likelihood", "2", "--impact", "4", "--ref", "ann-leaves", "--json")  # fmt: skip
    data = json.loads(run(*adding))
    assert data["ref"] == "ann-leaves" and data["engagement"] is None and data["contractor_ref"] == "ann"


def test_close_keeps_the_risk_and_says_so_twice(ws):
    out = run("close", "r-late", "--workspace", "acme")
    assert "Closed risk r-late" in out
    assert Risk.objects.get(ref="r-late").status == "closed"
    assert "was closed already" in run("close", "r-late", "--workspace", "acme")
    data = json.loads(run("close", "r-money", "--workspace", "acme", "--json"))
    assert data["status"] == "closed" and data["ref"] == "r-money"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "open"), "--workspace: name the workspace"),
        (("--workspace", "nowhere"), "nowhere"),
        (("--workspace", "acme", "--status", "sleeping"), "--status: choose one of open, mitigated"),
        (("--workspace", "acme", "--category", "weather"), "--category: choose one of strategic"),
        (("--workspace", "acme", "--engagement", "e-nope"), "No engagement 'e-nope' in Acme Design"),
        (("close", "r-nope", "--workspace", "acme"), "No risk 'r-nope' in Acme Design"),
    ],
)
def test_bad_input_exits_2_with_the_reason(ws, args, message):
    text, _ = refused(*args)
    assert message in text


ADD = ("add", "--workspace", "acme", "--category", "financial", "--title", "T")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--likelihood", "9", "--impact", "3"), "--likelihood: give a whole number from 1 to 5, not '9'."),
        (("--likelihood", "2", "--impact", "x"), "--impact: give a whole number from 1 to 5, not 'x'."),
        (("--likelihood", "2", "--impact", "3", "--review-on", "1 March"), "--review-on: give a date as YYYY-MM-DD"),
        (("--likelihood", "2", "--impact", "3", "--engagement", "e-nope"), "No engagement 'e-nope'"),
        (("--likelihood", "2", "--impact", "3", "--contractor", "nobody"), "No contractor 'nobody'"),
    ],
)
def test_add_refuses_bad_input_and_records_nothing(ws, extra, message):
    before = Risk.objects.count()
    text, _ = refused(*ADD, *extra)
    assert message in text
    assert Risk.objects.count() == before


def test_a_service_refusal_is_shown_by_the_option_typed(ws):
    text, err = refused(*ADD, "--likelihood", "2", "--impact", "3", "--ref", "r-late")
    assert text == "The risk was not recorded."
    assert "--ref: Another risk already uses the ref 'r-late'." in err
    other = WorkspaceFactory(name="Other", slug="other")
    EngagementFactory(contractor=ContractorFactory(workspace=other), ref="e-theirs")
    text, _ = refused(*ADD, "--likelihood", "2", "--impact", "3", "--engagement", "e-theirs")
    assert "No engagement 'e-theirs' in Acme Design" in text
