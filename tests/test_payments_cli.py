"""`outsourcer invoices|payables ...`: invoices and what to pay from the command line, the same data as the
API (`--json`) and the web page's CSV (`--csv`), names printed as plain text, bad input exiting 2."""

from __future__ import annotations

import csv
import datetime as dt
import io
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
from outsourcer.payments.models import Invoice, InvoiceEvent
from outsourcer.payments.services import invoice_create, invoice_set_status
from tests.conftest import login_client, token_client
from tests.factories import ContractorFactory, EngagementFactory, MembershipFactory, UserFactory, WorkspaceFactory

ACTOR = Actor.cli()


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


def invoice(engagement: Any, ref: str, status: str = "received", **data: Any) -> Invoice:
    made = invoice_create(actor=ACTOR, engagement=engagement, data={"ref": ref, "amount": Decimal(500), **data})
    for step in {"approved": ["approved"], "scheduled": ["approved", "scheduled"]}.get(status, []):
        made = invoice_set_status(actor=ACTOR, invoice=made, status=step)
    return made


@pytest.fixture
def ws(db: Any) -> Workspace:
    """Acme, whose today is `today`: an overdue approved invoice of Ann's, one due this week, a fresh one of a
    contractor whose name looks like markup, and one starting like a spreadsheet formula."""
    workspace = WorkspaceFactory(name="Acme Design", slug="acme", time_zone="America/New_York")
    today = today_in(workspace.time_zone)
    ann = ContractorFactory(workspace=workspace, ref="ann", name="Ann Lee")
    site = EngagementFactory(contractor=ann, ref="e-site", title="Website copy", payment_terms_days=14)
    bo = ContractorFactory(workspace=workspace, ref="bo", name="[bold]Bo[/bold] Berg")
    logo = EngagementFactory(contractor=bo, ref="e-logo", title='=HYPERLINK("x")')
    invoice(site, "late", "approved", number="A-7", received_on=today - dt.timedelta(days=20))
    invoice(site, "week", "scheduled", due_on=today, received_on=today, amount=Decimal("1234.5"))
    invoice(logo, "fresh", received_on=today)
    return workspace


def api(ws: Workspace, path: str) -> Any:
    owner = UserFactory()
    MembershipFactory(user=owner, workspace=ws, role=Role.OWNER)
    response = token_client(owner, ws).get(f"/api/v1/workspaces/{ws.uuid}{path}")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_commands_are_listed():
    text = usage()
    for name in ("invoices", "payables"):
        assert f"\n  {name} " in text


def test_list_prints_names_as_text_with_where_each_stands(ws: Workspace):
    out = run("invoices", "list", "--workspace", "acme")
    assert "Invoices: Acme Design" in out
    late = next(line for line in out.splitlines() if "late " in line)
    for cell in ("A-7", "Ann Lee", "Website copy (e-site)", "500.00 USD", "Approved", "6 days overdue"):
        assert cell in late, cell
    assert "[bold]Bo[/bold] Berg" in out  # a name is printed as it is, never read as markup
    assert out.rstrip().endswith("3 invoices, 1 overdue.")
    only = run("invoices", "list", "--workspace", "acme", "--contractor", "bo")
    assert "fresh" in only and "late" not in only
    assert run("invoices", "list", "--workspace", "acme", "--status", "void").strip() == (
        "Acme Design has no invoices that match."
    )


def test_list_and_show_json_are_the_api_shape(ws: Workspace):
    rows = json.loads(run("invoices", "list", "--workspace", "acme", "--status", "open", "--json"))
    assert rows == api(ws, "/invoices?status=open")["items"]
    late = Invoice.objects.get(ref="late")
    data = json.loads(run("invoices", "show", "late", "--workspace", "acme", "--json"))
    assert data == api(ws, f"/invoices/{late.uuid}")
    assert data["amount"] == "500.00" and data["days_overdue"] == 6


def test_show_tells_the_due_date_its_basis_and_the_history(ws: Workspace):
    out = run("invoices", "show", "late", "--workspace", "acme")
    assert "Invoice A-7 (late): 500.00 USD, approved" in out
    assert "    Why: received " in out and "+ 14 days (the engagement's payment terms)" in out
    assert "Stands: 6 days overdue" in out and "Next: disputed, paid, scheduled, void" in out
    assert "received -> approved by command line" in out


def test_approve_then_pay_with_backup_withholding(ws: Workspace):
    out = run("invoices", "approve", "fresh", "--workspace", "acme", "--note", "Checked.")
    assert "Approved invoice fresh of [bold]Bo[/bold] Berg: 500.00 USD, now committed spend." in out
    today = today_in(ws.time_zone)
    out = run(
        "invoices", "pay", "fresh", "--workspace", "acme", "--on", today.isoformat(), "--channel", "ach",
        "--backup-withholding", "120",
    )  # fmt: skip
    assert "as paid on" in out and "ACH / bank transfer: 500.00 USD, 120.00 USD withheld." in out
    paid = Invoice.objects.get(ref="fresh")
    assert (paid.status, paid.paid_on, paid.channel, paid.backup_withholding) == ("paid", today, "ach", Decimal(120))
    assert [e.to_status for e in InvoiceEvent.objects.filter(invoice=paid)] == ["received", "approved", "paid"]
    assert AuditEntry.objects.filter(action="invoice.paid", face="cli").exists()
    data = json.loads(run("invoices", "show", "fresh", "--workspace", "acme", "--json"))
    assert data["backup_withholding"] == "120.00" and data["channel"] == "ach"


@pytest.mark.parametrize(
    ("args", "message", "stderr"),
    [
        (["show", "nope", "--workspace", "acme"], "No invoice 'nope' in Acme Design (give a ref or an id).", ""),
        (["list", "--workspace", "nowhere"], "No workspace named 'nowhere'.", ""),
        (["list", "--workspace", "acme", "--engagement", "e-nope"], "No engagement 'e-nope'", ""),
        (["pay", "fresh", "--workspace", "acme", "--on", "2026-11-31", "--channel", "ach"], "--on: give a date", ""),
        (
            [
                "pay",
                "late",
                "--workspace",
                "acme",
                "--on",
                "2026-11-20",
                "--channel",
                "ach",
                "--backup-withholding",
                "x",
            ],
            "--backup-withholding: give an amount",
            "",
        ),
        (
            ["pay", "fresh", "--workspace", "acme", "--on", "2026-11-20", "--channel", "ach"],
            "Invoice fresh was not recorded as paid.",
            "error: A received invoice cannot become paid; next: approved, disputed, void.",
        ),
        (
            [
                "pay",
                "late",
                "--workspace",
                "acme",
                "--on",
                "2026-11-20",
                "--channel",
                "check",
                "--backup-withholding",
                "600",
            ],
            "Invoice late was not recorded as paid.",
            "--backup-withholding: Backup withholding cannot exceed the invoice.",
        ),
        (["approve", "late", "--workspace", "acme"], "Invoice late was not approved.", "cannot become approved"),
    ],
)
def test_bad_input_exits_2(ws: Workspace, args: list[str], message: str, stderr: str):
    text, err = refused("invoices", *args)
    assert text.startswith(message), text
    assert stderr in err
    assert Invoice.objects.get(ref="fresh").status == "received"


def test_another_workspaces_invoice_is_not_found(ws: Workspace):
    theirs = invoice(EngagementFactory(contractor=ContractorFactory(workspace=WorkspaceFactory())), "theirs")
    assert refused("invoices", "show", str(theirs.uuid), "--workspace", "acme")[0].startswith("No invoice")
    assert refused("invoices", "show", "theirs", "--workspace", "acme")[0].startswith("No invoice")


# --- payables --------------------------------------------------------------------------------------


def test_payables_soonest_first_as_a_table_and_json(ws: Workspace):
    out = run("payables", "--workspace", "acme")
    lines = [line for line in out.splitlines() if "USD" in line and "invoices" not in line]
    assert [next(ref for ref in ("late", "week", "fresh") if ref in line) for line in lines] == [
        "late",
        "week",
        "fresh",
    ]
    assert out.rstrip().endswith("3 invoices: 2234.50 USD; 1 overdue.")
    rows = json.loads(run("payables", "--workspace", "acme", "--json"))
    assert rows == api(ws, "/payables")
    week = json.loads(run("payables", "--workspace", "acme", "--this-week", "--json"))
    assert [r["ref"] for r in week] == ["late", "week"] and week == api(ws, "/payables/this-week")


def test_payables_csv_is_the_web_page_s_and_formula_safe(ws: Workspace):
    text = run("payables", "--workspace", "acme", "--this-week", "--csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "ref",
        "number",
        "contractor",
        "engagement",
        "amount",
        "currency",
        "due_on",
        "days_overdue",
        "status",
    ]
    assert [r[0] for r in rows[1:]] == ["late", "week"]
    assert rows[1][4:] == [
        "500.00",
        "USD",
        (today_in(ws.time_zone) - dt.timedelta(days=6)).isoformat(),
        "6",
        "approved",
    ]
    owner = UserFactory()
    MembershipFactory(user=owner, workspace=ws, role=Role.OWNER)
    web = login_client(owner).get(f"/w/{ws.uuid}/payables/this-week.csv")
    assert web.status_code == 200 and web.content.decode() == text
    everything = list(csv.reader(io.StringIO(run("payables", "--workspace", "acme", "--csv"))))
    fresh = next(r for r in everything if r[0] == "fresh")
    assert fresh[3] == '\'=HYPERLINK("x")'  # a spreadsheet shows it as text, never runs it
    assert refused("payables", "--workspace", "nowhere")[0] == "No workspace named 'nowhere'."
