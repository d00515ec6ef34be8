"""`outsourcer access`: the access register from the command line (the same rows as the API with `--json`), and
revoking an engagement's access; bad input exits 2 with the reason."""

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
from outsourcer.core.timezones import today_in
from outsourcer.risk.models import AccessGrant
from tests.conftest import token_client
from tests.factories import (
    AccessGrantFactory,
    ContractorFactory,
    EngagementFactory,
    MembershipFactory,
    UserFactory,
    WorkspaceFactory,
)

DAY = dt.date(2026, 11, 1)


def run(*args: str) -> str:
    out = StringIO()
    call_command("access", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("access", *args, stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 2, str(exc.value)
    return str(exc.value), err.getvalue()


@pytest.fixture
def ws(db: Any) -> Workspace:
    """Acme: a running site job with a grant ending soon, a finished shop job with two grants left open (one a
    shared login), and one grant revoked long ago."""
    workspace = WorkspaceFactory(name="Acme Design", slug="acme", time_zone="America/New_York")
    today = today_in(workspace.time_zone)
    ann = ContractorFactory(workspace=workspace, ref="ann", name="[bold]Ann[/bold] Lee")
    site = EngagementFactory(contractor=ann, ref="e-site", title="Website copy", status="active")
    shop = EngagementFactory(contractor=ann, ref="e-shop", title="Shop photos", status="completed")
    AccessGrantFactory(engagement=site, system="Webflow", granted_on=DAY, expires_on=today + dt.timedelta(days=2))
    AccessGrantFactory(engagement=shop, system="Shopify", level="admin", shared_credential=True, granted_on=DAY)
    AccessGrantFactory(engagement=shop, system="Dropbox", granted_on=DAY, expires_on=None)
    AccessGrantFactory(engagement=shop, system="Figma", granted_on=DAY, revoked_on=DAY)
    return workspace


def test_the_command_is_listed():
    assert "\n  access " in usage()


def test_the_register_as_a_table_with_its_filters(ws):
    text = run("--workspace", "acme")
    for name in ("Webflow", "Shopify", "Dropbox", "Figma", "[bold]Ann[/bold] Lee", "Expires soon", "left open"):
        assert name in text
    assert "4 grants, 3 open, 2 left open: revoke them." in text
    assert text == run("list", "--workspace", "acme")
    only_open = run("--workspace", "acme", "--open")
    assert "Figma" not in only_open and "3 grants, 3 open" in only_open
    left = run("--workspace", "acme", "--left-open")
    assert "Webflow" not in left and "Shopify" in left and "Dropbox" in left
    assert "Webflow" in run("--workspace", "acme", "--engagement", "e-site") and "Shopify" not in run(
        "--workspace", "acme", "--engagement", "e-site"
    )


def test_json_is_what_the_api_answers(ws):
    owner = UserFactory()
    MembershipFactory(user=owner, workspace=ws, role=Role.OWNER)
    api = token_client(owner, ws).get(f"/api/v1/workspaces/{ws.uuid}/access-grants?left_open=true")
    assert json.loads(run("--workspace", "acme", "--left-open", "--json")) == api.json()["items"]


def test_revoking_one_system_or_everything_of_an_engagement(ws):
    out = run("revoke", "--workspace", "acme", "--engagement", "e-shop", "--system", "shopify", "--on", "2026-11-20")
    assert "Revoked 1 grant of Shop photos on 20 Nov 2026: Shopify." in out
    assert AccessGrant.objects.get(system="Shopify").revoked_on == dt.date(2026, 11, 20)
    assert AccessGrant.objects.get(system="Dropbox").revoked_on is None
    assert "was open" in run("revoke", "--workspace", "acme", "--engagement", "e-shop", "--system", "Shopify")

    rows = json.loads(run("revoke", "--workspace", "acme", "--engagement", "e-shop", "--all", "--json"))
    assert [r["system"] for r in rows] == ["Dropbox"] and rows[0]["state"] == "revoked"
    today = today_in(ws.time_zone)
    assert AccessGrant.objects.get(system="Dropbox").revoked_on == today
    assert AccessGrant.objects.get(system="Webflow").revoked_on is None
    assert AuditEntry.objects.filter(action="access.update", face="cli").count() == 2
    assert "nothing to revoke" in run("revoke", "--workspace", "acme", "--engagement", "e-shop", "--all")
    assert "No left-open access recorded in Acme Design." in run("--workspace", "acme", "--left-open")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--workspace", "nowhere"), "nowhere"),
        (("revoke", "--workspace", "acme", "--all"), "--engagement"),
        (("revoke", "--workspace", "acme", "--engagement", "e-shop"), "--system NAME, or --all"),
        (("revoke", "--workspace", "acme", "--engagement", "e-none", "--all"), "No engagement 'e-none'"),
        (("revoke", "--workspace", "acme", "--engagement", "e-shop", "--system", "Slack"), "It has: Dropbox, Figma"),
        (("revoke", "--workspace", "acme", "--engagement", "e-shop", "--all", "--on", "31/12/2026"), "YYYY-MM-DD"),
        (("revoke", "--workspace", "acme", "--engagement", "e-shop", "--all", "--open"), "--open"),
        (("list", "--workspace", "acme", "--all"), "--all"),
    ],
)
def test_bad_input_exits_2(ws, args, message):
    text, _err = refused(*args)
    assert message in text
    assert not AccessGrant.objects.filter(system__in=["Shopify", "Dropbox"], revoked_on__isnull=False).exists()


def test_a_revoke_before_the_grant_is_refused_and_changes_nothing(ws):
    text, err = refused(
        "revoke", "--workspace", "acme", "--engagement", "e-site", "--system", "Webflow", "--on", "2020-01-01"
    )
    assert "Nothing was revoked" in text and "--on: The access cannot be revoked before it was granted." in err
    assert AccessGrant.objects.get(system="Webflow").revoked_on is None
