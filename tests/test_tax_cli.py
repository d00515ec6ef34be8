"""`outsourcer report 1099 --workspace W --year Y [--json|--csv]`: the same report as the web page and
the API (its --json is the API's answer), and bad input exits with status 2."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from outsourcer.cli import main, usage
from outsourcer.core.actor import Actor
from outsourcer.payments import tax
from outsourcer.payments.services import invoice_create, invoice_set_status
from tests.conftest import Personas, token_client
from tests.factories import ContractorFactory, DocumentFactory, EngagementFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()


def run(*args: str) -> str:
    out = StringIO()
    call_command("report", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as exc:
        call_command("report", *args, stdout=StringIO(), stderr=StringIO())
    assert exc.value.returncode == 2, str(exc.value)
    return str(exc.value)


def _paid(engagement, amount: str, paid_on: dt.date, channel: str, withheld: str | None = None) -> None:
    invoice = invoice_create(actor=ACTOR, engagement=engagement, data={"amount": Decimal(amount)})
    invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    invoice_set_status(
        actor=ACTOR, invoice=invoice, status="paid", paid_on=paid_on, channel=channel,
        backup_withholding=Decimal(withheld) if withheld else None,
    )  # fmt: skip


@pytest.fixture
def ws(personas: Personas):
    workspace = personas.workspace
    workspace.country, workspace.region = "US", "TX"
    workspace.save()
    ben = ContractorFactory(
        workspace=workspace, ref="ben", name="Ben Bauer", us_person=True, entity_type="individual", tin_verified=True
    )
    DocumentFactory(contractor=ben, kind="w9")
    _paid(EngagementFactory(contractor=ben), "2000.00", dt.date(2026, 3, 2), "ach")
    _paid(EngagementFactory(contractor=ben), "450.00", dt.date(2026, 5, 2), "card")
    dev = ContractorFactory(workspace=workspace, ref="dev", name="Dev Dutta", us_person=True, entity_type="individual")
    _paid(EngagementFactory(contractor=dev), "300.00", dt.date(2026, 6, 2), "check", withheld="72.00")
    corp = ContractorFactory(
        workspace=workspace, ref="corp", name="Corp Inc", us_person=True, entity_type="s_corporation"
    )
    _paid(EngagementFactory(contractor=corp), "9000.00", dt.date(2026, 6, 2), "ach")
    return workspace


def test_the_table_names_each_payee_the_deadline_and_what_was_left_out(ws):
    out = run("1099", "--workspace", ws.slug, "--year", "2026")
    assert out.startswith(f"1099-NEC report of {ws.name}: payments made in 2026, in US dollars.")
    assert "Threshold: $2,000.00 or more." in out
    assert "Deadline: Monday 1 February 2027 (31 January 2027 is a Sunday, so the deadline moves" in out
    assert "Ben Bauer" in out and "2,000.00" in out and "Dev Dutta" in out and "72.00" in out
    assert "no W-9 on file; TIN not checked" in out
    assert "2 form(s) to file: box 1 $2,300.00, box 4 $72.00." in out
    assert "Left out: $9,000.00, a corporation (not reported unless for legal services)." in out
    assert "Left out: $450.00, paid by card, PayPal, a payment app or a platform" in out


def test_json_is_exactly_what_the_api_answers(ws, personas: Personas):
    printed = json.loads(run("1099", "--workspace", ws.slug, "--year", "2026", "--json"))
    answered = token_client(personas.viewer, ws).get(f"/api/v1/workspaces/{ws.uuid}/tax/1099/2026").json()
    assert printed == answered
    assert printed["summary"]["forms"] == 2 and printed["summary"]["federal_income_tax_withheld"] == "72.00"
    assert [p["contractor"]["ref"] for p in printed["payees"]] == ["ben", "corp", "dev"]


def test_csv_is_the_upload_file(ws):
    out = run("1099", "--workspace", ws.slug, "--year", "2026", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == tax.CSV_COLUMNS
    assert [(r["Form Account Number"], r["Box 1 - Nonemployee Compensation"], r["Box 4 - Federal Income Tax Withheld"])
            for r in rows] == [("ben", "2000.00", ""), ("dev", "300.00", "72.00")]  # fmt: skip
    assert out.endswith("\r\n") and not out.endswith("\r\n\n")


def test_an_empty_year_says_so(ws):
    out = run("1099", "--workspace", ws.slug, "--year", "2021")
    assert "Nobody was paid in 2021." in out and "0 form(s) to file: box 1 $0.00, box 4 $0.00." in out
    assert "Threshold: $600.00 or more." in out


def test_bad_input_exits_2_with_the_reason(ws):
    assert refused("1099", "--workspace", ws.slug, "--year", "2019") == (
        "--year: The 1099-NEC report starts with payments made in 2020; 2019 is earlier."
    )
    assert "is more than a year ahead" in refused("1099", "--workspace", ws.slug, "--year", "3000")
    assert "nope" in refused("1099", "--workspace", "nope", "--year", "2026")


def test_a_year_that_is_not_a_number_exits_2_from_the_command_line(ws, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["report", "1099", "--workspace", ws.slug, "--year", "last"])
    assert exc.value.code == 2
    assert "argument --year: invalid int value: 'last'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["report", "1099", "--workspace", ws.slug, "--year", "2026", "--json", "--csv"])
    assert exc.value.code == 2


def test_the_command_is_listed():
    assert "  report      year-end reports: 1099" in usage()
