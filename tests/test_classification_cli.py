"""`outsourcer classification --workspace W ENGAGEMENT_REF [--json]`: the latest assessment and what it says;
its --json is the API's answer for that assessment; an unknown engagement or workspace exits 2."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.cli import usage
from outsourcer.compliance.classification import DISCLAIMER
from tests.conftest import Personas, token_client
from tests.factories import ClassificationFactory, ContractorFactory, EngagementFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("classification", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("classification", *args, stdout=StringIO(), stderr=StringIO())
    assert exc.value.returncode == 2, str(exc.value)
    return str(exc.value)


@pytest.fixture
def engagement(personas: Personas):
    ws = personas.workspace
    ws.country, ws.region = "US", "CA"
    ws.save()
    contractor = ContractorFactory(workspace=ws, name="Tomás Ruiz")
    return EngagementFactory(contractor=contractor, ref="site-copy", title="Website copy", kind="project")


def test_the_latest_assessment_in_words(engagement):
    ClassificationFactory(engagement=engagement, assessed_on=dt.date(2024, 1, 5), provides_tools=True)
    ClassificationFactory(
        engagement=engagement, assessed_on=dt.date(2024, 6, 1), core_to_our_business=True,
        sets_hours_or_location=True, open_ended=None, reasonable_basis="",
    )  # fmt: skip
    out, _err = run("--workspace", engagement.workspace.name, "site-copy")
    assert "Worker status of Website copy (site-copy) with Tomás Ruiz" in out
    assert "Assessed on 1 June 2024 (1 earlier)." in out
    assert "HIGH: High risk: this looks like employment." in out
    assert "2 of 12 answers point toward employment; 1 not sure." in out
    assert "You set the hours or the place of work." in out
    assert "ABC test (California, Cal. Lab. Code § 2775)" in out
    assert "B. the work is outside the usual course of your business: your answers say this cannot be shown." in out
    assert "FLSA test in force on 1 June 2024: 2024 economic-reality rule" in out
    assert "none recorded" in out
    assert "Form SS-8" in out
    assert DISCLAIMER in " ".join(out.split())


def test_json_is_the_api_answer(personas: Personas, engagement):
    latest = ClassificationFactory(engagement=engagement, assessed_on=dt.date(2023, 5, 1), works_only_for_us=True)
    out, _err = run("--workspace", engagement.workspace.name, str(engagement.uuid), "--json")
    data = json.loads(out)
    api = token_client(personas.owner, engagement.workspace).get(
        f"/api/v1/workspaces/{engagement.workspace.uuid}/classifications/{latest.uuid}"
    )
    assert data == api.json()
    assert data["result"]["flsa"] is None  # before 11 March 2024: no FLSA test in the data
    assert data["result"]["abc"]["failed"] == ["C"]


def test_never_assessed_says_so(engagement):
    out, _err = run("--workspace", engagement.workspace.name, "site-copy")
    assert "Website copy (site-copy) has never been assessed." in out
    out, err = run("--workspace", engagement.workspace.name, "site-copy", "--json")
    assert json.loads(out) is None and "never been assessed" in err


def test_unknown_engagement_or_workspace_exits_2(personas: Personas, engagement):
    assert "No engagement 'nope'" in refused("--workspace", engagement.workspace.name, "nope")
    other = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace), ref="theirs")
    assert "No engagement" in refused("--workspace", engagement.workspace.name, str(other.uuid))
    assert "No engagement" in refused("--workspace", engagement.workspace.name, "theirs")
    refused("--workspace", "No such workspace", "site-copy")


def test_listed_in_the_cli_usage():
    assert "classification" in usage()
