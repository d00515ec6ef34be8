"""US year-end tax forms: thresholds and deadlines by year, who is reportable, W-8BEN expiry, the
1099-NEC report checked by hand across 2025 and 2026, its CSV, the web page and the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from outsourcer.contractors.models import Contractor, Document
from outsourcer.core.actor import Actor
from outsourcer.payments import tax
from outsourcer.payments.models import Invoice
from outsourcer.payments.services import invoice_create, invoice_set_status
from tests.conftest import Personas, login_client, token_client
from tests.factories import ContractorFactory, DocumentFactory, EngagementFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()
AS_OF = dt.date(2026, 12, 10)


# --- The year's facts ---------------------------------------------------------------------------------


def test_the_threshold_by_payment_year_is_data_with_a_note_where_it_is_not_known():
    assert tax.threshold_for(2020).amount == Decimal(600)
    assert tax.threshold_for(2025).amount == Decimal(600)
    assert tax.threshold_for(2026).amount == Decimal(2000) and tax.threshold_for(2026).known
    later = tax.threshold_for(2031)
    assert later.amount == Decimal(2000) and not later.known
    assert "indexed for inflation" in later.note and "not published" in later.note
    with pytest.raises(ValueError, match="No 1099-NEC threshold is known for 2019"):
        tax.threshold_for(2019)
    assert tax.backup_withholding_rate(2026) == Decimal("0.24")
    assert tax.backup_withholding_rate(2017) == Decimal("0.28")


@pytest.mark.parametrize(
    ("year", "due"),
    [
        (2024, dt.date(2025, 1, 31)),  # a Friday
        (2025, dt.date(2026, 2, 2)),  # 31 January 2026 is a Saturday
        (2026, dt.date(2027, 2, 1)),  # 31 January 2027 is a Sunday
        (2027, dt.date(2028, 1, 31)),  # a Monday
        (2032, dt.date(2033, 1, 31)),  # a Monday
    ],
)
def test_the_deadline_is_31_january_moved_to_the_next_business_day(year, due):
    assert tax.filing_deadline(year) == due


def test_the_deadline_note_says_why_it_moved():
    assert tax.deadline_note(2026) == (
        "Monday 1 February 2027 (31 January 2027 is a Sunday, so the deadline moves to the next business day)."
    )
    assert tax.deadline_note(2024) == "Friday 31 January 2025 (31 January, a business day)."


def test_bad_years_are_refused_with_a_reason():
    today = dt.date(2026, 12, 10)
    assert tax.year_problem(2019, today) == "The 1099-NEC report starts with payments made in 2020; 2019 is earlier."
    assert tax.year_problem(2028, today) == "2028 is more than a year ahead; choose a year up to 2027."
    assert tax.year_problem(2027, today) is None and tax.year_problem(2020, today) is None


# --- Who is reportable ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "channel", "reason"),
    [
        ({"us_person": True, "entity_type": "individual"}, "ach", None),
        ({"us_person": True, "entity_type": "single_member_llc"}, "check", None),
        ({"us_person": True, "entity_type": "llc_partnership"}, "", None),  # no channel recorded: counts
        ({"us_person": True, "entity_type": "individual"}, "card", "processor_channel"),
        ({"us_person": True, "entity_type": "individual"}, "paypal", "processor_channel"),
        ({"us_person": True, "entity_type": "individual"}, "payment_app", "processor_channel"),
        ({"us_person": True, "entity_type": "individual"}, "platform", "processor_channel"),
        ({"us_person": True, "entity_type": "c_corporation"}, "ach", "corporation"),
        ({"us_person": True, "entity_type": "s_corporation"}, "ach", "corporation"),
        ({"us_person": True, "entity_type": "llc_c_corporation"}, "ach", "corporation"),
        ({"us_person": True, "entity_type": "llc_s_corporation"}, "wire", "corporation"),
        ({"us_person": True, "entity_type": "s_corporation", "legal_services": True}, "ach", None),
        ({"us_person": True, "entity_type": "s_corporation", "legal_services": True}, "card", "processor_channel"),
        ({"us_person": False, "entity_type": "individual"}, "ach", "not_us_person"),
        ({"us_person": None, "entity_type": "individual"}, "ach", "us_status_unknown"),
    ],
)
def test_what_counts_toward_a_1099_nec(profile, channel, reason):
    payee = ContractorFactory.build(**profile)
    found = tax.payment_exclusion(payee, channel)
    assert (str(found) if found else None) == reason


@pytest.mark.parametrize(
    ("signed_on", "expires_on", "state", "expiry", "days"),
    [
        (dt.date(2023, 5, 1), None, "expiring", dt.date(2026, 12, 31), 21),  # third year after signing
        (dt.date(2023, 5, 1), dt.date(2026, 1, 9), "expired", dt.date(2026, 1, 9), -335),  # a stated date wins
        (dt.date(2024, 2, 1), None, "current", dt.date(2027, 12, 31), 386),
        (dt.date(2022, 6, 1), None, "expired", dt.date(2025, 12, 31), -344),
        (None, dt.date(2027, 1, 9), "expiring", dt.date(2027, 1, 9), 30),  # exactly 30 days: flagged
        (None, dt.date(2027, 1, 10), "current", dt.date(2027, 1, 10), 31),
        (None, None, "undated", None, None),
    ],
)
def test_a_w8ben_runs_to_31_december_of_the_third_year_after_signing(signed_on, expires_on, state, expiry, days):
    document = DocumentFactory.build(kind="w8ben", signed_on=signed_on, expires_on=expires_on)
    standing = tax.w8_standing([document], AS_OF)
    assert (standing.state, standing.expires_on, standing.days_left) == (state, expiry, days)


def test_the_best_w8_on_file_counts_and_none_is_missing():
    old = DocumentFactory.build(kind="w8ben", signed_on=dt.date(2020, 3, 1))
    new = DocumentFactory.build(kind="w8ben_e", signed_on=dt.date(2025, 3, 1))
    w9 = DocumentFactory.build(kind="w9")
    standing = tax.w8_standing([old, new, w9], AS_OF)
    assert standing.state == "current" and standing.document is new
    assert standing.text == "W-8BEN-E valid through 31 December 2028 (three years after signing)."
    assert tax.w8_standing([w9], AS_OF).state == "missing"
    assert tax.w8_standing([w9], AS_OF).text == "No W-8BEN or W-8BEN-E on file."
    expired = tax.w8_standing([old], AS_OF)
    assert expired.text == "W-8BEN expired on 31 December 2023 (three years after signing): collect a new one."
    assert not expired.current and standing.current


# --- The hand-checked example: 2025 and 2026, mixed channels, currencies and payees ---------------------


def _payee(ws, name, *, w9=True, tin=True, **profile):
    contractor = ContractorFactory(workspace=ws, name=name, ref=name.split()[0].lower(), tin_verified=tin, **profile)
    if w9:
        DocumentFactory(contractor=contractor, kind="w9", signed_on=dt.date(2025, 1, 5))
    return EngagementFactory(contractor=contractor, rate_currency="USD")


def _paid(engagement, amount, paid_on, channel, *, currency="USD", withheld=None):
    """An invoice through its real path: received, approved, paid."""
    invoice = invoice_create(
        actor=ACTOR,
        engagement=engagement,
        data={"amount": Decimal(amount), "currency": currency, "issued_on": paid_on - dt.timedelta(days=10)},
    )
    invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    backup = Decimal(withheld) if withheld is not None else None
    return invoice_set_status(
        actor=ACTOR, invoice=invoice, status="paid", paid_on=paid_on, channel=channel, backup_withholding=backup
    )


@pytest.fixture
def example():
    """Eight payees; the expected figures are worked out by hand in the tests below."""
    ws = WorkspaceFactory(name="Harbor Books", country="US", region="NY", base_currency="USD", fx_rates={"EUR": "1.10"})
    # Ann: $700 in December 2025 (one form for 2025, at $600); $1,200 + $700 = $1,900 in 2026 (under $2,000).
    # An approved invoice not yet paid, and one paid in January 2027, do not count in 2026.
    ann = _payee(ws, "Ann Archer", us_person=True, entity_type="individual")
    _paid(ann, "700.00", dt.date(2025, 12, 15), "ach")
    _paid(ann, "1200.00", dt.date(2026, 3, 10), "ach")
    _paid(ann, "700.00", dt.date(2026, 9, 1), "check")
    waiting = invoice_create(actor=ACTOR, engagement=ann, data={"amount": Decimal(500), "issued_on": AS_OF})
    invoice_set_status(actor=ACTOR, invoice=waiting, status="approved")
    # Ben: $1,500 by ACH + $500 by wire = exactly $2,000 (the threshold is inclusive); $5,000 by PayPal is
    # the processor's 1099-K, never ours; $900 paid on 2 January 2027 belongs to 2027.
    ben = _payee(ws, "Ben Bauer", us_person=True, entity_type="sole_proprietor", region="NJ")
    _paid(ben, "1500.00", dt.date(2026, 4, 1), "ach")
    _paid(ben, "500.00", dt.date(2026, 6, 1), "wire")
    _paid(ben, "5000.00", dt.date(2026, 7, 1), "paypal")
    _paid(ben, "900.00", dt.date(2027, 1, 2), "ach")
    # Cora Corp: a C corporation, $8,000 by ACH: no form.
    cora = _payee(ws, "Cora Corp", us_person=True, entity_type="c_corporation", kind="agency")
    _paid(cora, "8000.00", dt.date(2026, 5, 5), "ach")
    # Lex Law LLC: an LLC taxed as a C corporation, but for legal services: $2,500 by ACH: a form.
    lex = _payee(ws, "Lex Law LLC", us_person=True, entity_type="llc_c_corporation", legal_services=True, kind="agency")
    _paid(lex, "2500.00", dt.date(2026, 8, 8), "ach")
    # Dev: no W-9, TIN never checked; $300 with $50 of backup withholding: a form whatever the amount.
    dev = _payee(ws, "Dev Dutta", w9=False, tin=None, us_person=True, entity_type="individual")
    _paid(dev, "300.00", dt.date(2026, 10, 1), "ach", withheld="50.00")
    # Eve: not a US person; EUR 3,000 at 1.10 = $3,300 left out; her W-8BEN signed in 2023 runs to
    # 31 December 2026, 21 days after AS_OF: flagged.
    eve = _payee(ws, "Eve Ebert", w9=False, us_person=False, country="DE")
    DocumentFactory(contractor=eve.contractor, kind="w8ben", signed_on=dt.date(2023, 5, 1))
    _paid(eve, "3000.00", dt.date(2026, 2, 2), "wire", currency="EUR")
    # Fay: EUR 1,900 by wire at 1.10 = $2,090.00: a form.
    fay = _payee(ws, "Fay Fischer", us_person=True, entity_type="individual")
    _paid(fay, "1900.00", dt.date(2026, 11, 30), "wire", currency="EUR")
    # Gus: GBP 1,000 and the workspace has no GBP rate: cannot tell, never guessed.
    gus = _payee(ws, "Gus Grant", us_person=True, entity_type="individual")
    _paid(gus, "1000.00", dt.date(2026, 6, 6), "ach", currency="GBP")
    return ws


def _lines(report):
    return {line.payee.ref: line for line in report.lines}


def test_2025_one_form_at_the_600_dollar_threshold(example):
    report = tax.tax_report(workspace=example, year=2025, as_of=AS_OF)
    assert report.threshold.amount == Decimal(600)
    assert report.deadline == dt.date(2026, 2, 2)
    # Only Ann was paid in 2025: $700 >= $600.
    assert [(line.payee.ref, line.tally.reportable, line.decision.needed) for line in report.lines] == [
        ("ann", Decimal("700.00"), True)
    ]
    assert report.lines[0].decision.why == "$700.00 reportable reaches the 2025 threshold of $600.00."
    assert report.compensation_total == Decimal("700.00")


def test_2026_by_hand(example):
    report = tax.tax_report(workspace=example, year=2026, as_of=AS_OF)
    assert report.threshold.amount == Decimal(2000) and report.deadline == dt.date(2027, 2, 1)
    lines = _lines(report)
    assert list(lines) == ["ann", "ben", "cora", "dev", "eve", "fay", "gus", "lex"]  # by name
    expected = {
        # ref: (reportable, withheld, needs a form)
        "ann": (Decimal("1900.00"), Decimal("0.00"), False),  # 1,200 + 700
        "ben": (Decimal("2000.00"), Decimal("0.00"), True),  # 1,500 + 500; PayPal's 5,000 left out
        "cora": (Decimal("0.00"), Decimal("0.00"), False),  # a corporation
        "dev": (Decimal("300.00"), Decimal("50.00"), True),  # backup withholding: any amount
        "eve": (Decimal("0.00"), Decimal("0.00"), False),  # not a US person
        "fay": (Decimal("2090.00"), Decimal("0.00"), True),  # EUR 1,900 x 1.10
        "gus": (Decimal("0.00"), Decimal("0.00"), None),  # GBP with no rate
        "lex": (Decimal("2500.00"), Decimal("0.00"), True),  # legal services
    }
    assert {ref: (ln.tally.reportable, ln.tally.withheld, ln.decision.needed) for ref, ln in lines.items()} == expected
    assert lines["ann"].decision.why == "$1,900.00 reportable is under the 2026 threshold of $2,000.00."
    assert lines["ben"].decision.why == "$2,000.00 reportable reaches the 2026 threshold of $2,000.00."
    assert lines["ben"].tally.excluded == {tax.Exclusion.PROCESSOR_CHANNEL: Decimal("5000.00")}
    assert lines["cora"].decision.why == "Nothing reportable: a corporation (not reported unless for legal services)."
    assert lines["cora"].tally.excluded == {tax.Exclusion.CORPORATION: Decimal("8000.00")}
    assert lines["dev"].decision.why == (
        "Backup withholding of $50.00 was withheld: a form is needed whatever the amount ($300.00 reportable)."
    )
    assert lines["eve"].tally.excluded == {tax.Exclusion.NOT_US_PERSON: Decimal("3300.00")}
    assert lines["gus"].decision.why == (
        "Cannot tell: 1,000.00 GBP paid has no exchange rate to USD ($0.00 reportable without it, the 2026 "
        "threshold is $2,000.00). Add the rate in the workspace settings."
    )
    # Forms: Ben 2,000 + Dev 300 + Fay 2,090 + Lex 2,500 = 6,890; box 4: Dev's 50.
    assert [line.payee.ref for line in report.forms] == ["ben", "dev", "fay", "lex"]
    assert report.compensation_total == Decimal("6890.00") and report.withheld_total == Decimal("50.00")
    assert report.excluded_totals == {
        tax.Exclusion.NOT_US_PERSON: Decimal("3300.00"),
        tax.Exclusion.CORPORATION: Decimal("8000.00"),
        tax.Exclusion.PROCESSOR_CHANNEL: Decimal("5000.00"),
    }
    # Papers: Dev has no W-9 and no TIN check; Eve's W-8BEN runs out on 31 December 2026.
    assert [(line.payee.ref, line.papers_missing) for line in report.missing_papers] == [
        ("dev", ["no W-9 on file", "TIN not checked"])
    ]
    assert [(line.payee.ref, line.w8.state, line.w8.days_left) for line in report.foreign] == [("eve", "expiring", 21)]
    assert [(i.payee_ref, i.amount, i.currency) for i in report.unconvertible_invoices] == [
        ("gus", Decimal("1000.00"), "GBP")
    ]
    assert report.unconvertible_count == 1


def test_2027_counts_the_january_payment_and_says_the_threshold_is_not_known(example):
    report = tax.tax_report(workspace=example, year=2027, as_of=AS_OF)
    assert [(line.payee.ref, line.tally.reportable, line.decision.needed) for line in report.lines] == [
        ("ben", Decimal("900.00"), False)
    ]
    assert not report.threshold.known
    assert tax.report_years(workspace=example, today=AS_OF) == [2027, 2026, 2025]
    assert tax.report_years(workspace=WorkspaceFactory(), today=AS_OF) == [2026, 2025]


def test_the_report_reads_a_fixed_number_of_queries(example):
    with CaptureQueriesContext(connection) as small:
        tax.tax_report(workspace=example, year=2026, as_of=AS_OF)
    more = _payee(example, "Zed Zimmer", us_person=True, entity_type="individual")
    for month in range(1, 11):
        _paid(more, "100.00", dt.date(2026, month, 3), ("ach", "card", "check")[month % 3], currency="GBP")
    with CaptureQueriesContext(connection) as large:
        tax.tax_report(workspace=example, year=2026, as_of=AS_OF)
    assert len(small.captured_queries) == len(large.captured_queries) == 4  # sums, payees, papers, GBP invoices


def test_the_csv_follows_the_iris_template_with_one_row_per_form(example):
    report = tax.tax_report(workspace=example, year=2026, as_of=AS_OF)
    rows = list(csv.DictReader(io.StringIO(tax.report_csv(report))))
    assert list(rows[0]) == tax.CSV_COLUMNS
    assert [r["Form Account Number"] for r in rows] == ["ben", "dev", "fay", "lex"]
    ben, dev, fay, lex = rows
    assert (ben["Form Type"], ben["Tax Year"], ben["Box 1 - Nonemployee Compensation"]) == (
        "1099-NEC",
        "2026",
        "2000.00",
    )
    assert (ben["Recipient Name Type"], ben["Recipient First Name"], ben["Recipient Last Name"]) == (
        "I",
        "Ben",
        "Bauer",
    )
    assert ben["Recipient State"] == "NJ" and ben["Box 4 - Federal Income Tax Withheld"] == ""
    assert (dev["Box 1 - Nonemployee Compensation"], dev["Box 4 - Federal Income Tax Withheld"]) == ("300.00", "50.00")
    assert fay["Box 1 - Nonemployee Compensation"] == "2090.00"
    assert (lex["Recipient Name Type"], lex["Recipient Business or Entity Name Line 1"]) == ("B", "Lex Law LLC")
    assert lex["Recipient TIN Type"] == "EIN"
    assert ben["Payer Business or Entity Name Line 1"] == "Harbor Books" and ben["Payer State"] == "NY"
    # What Outsourcer does not store is left for the user: TINs, street addresses.
    assert all(r["Recipient Taxpayer ID Number"] == r["Recipient Address Line 1"] == r["Payer Taxpayer ID Number"] == ""
               for r in rows)  # fmt: skip


def test_csv_cells_never_start_a_formula():
    ws = WorkspaceFactory(name="=HYPERLINK(1)", country="US")
    engagement = _payee(ws, "-2+3 Studio", us_person=True, entity_type="partnership", kind="agency")
    _paid(engagement, "2500.00", dt.date(2026, 3, 3), "ach")
    report = tax.tax_report(workspace=ws, year=2026, as_of=AS_OF)
    (row,) = list(csv.DictReader(io.StringIO(tax.report_csv(report))))
    assert row["Payer Business or Entity Name Line 1"] == "'=HYPERLINK(1)"
    assert row["Recipient Business or Entity Name Line 1"] == "'-2+3 Studio"
    assert tax.safe_cell("@SUM(A1)") == "'@SUM(A1)" and tax.safe_cell("Ann") == "Ann" and tax.safe_cell(None) == ""


def test_an_empty_year_is_an_empty_report():
    ws = WorkspaceFactory()
    with CaptureQueriesContext(connection) as ctx:
        report = tax.tax_report(workspace=ws, year=2026, as_of=AS_OF)
    assert report.lines == [] and report.compensation_total == 0 and len(ctx.captured_queries) == 1
    assert tax.report_csv(report).splitlines() == [",".join(f'"{c}"' if "," in c else c for c in tax.CSV_COLUMNS)]


def test_invoices_of_another_workspace_never_count(example):
    other = WorkspaceFactory()
    _paid(_payee(other, "Ann Archer", us_person=True, entity_type="individual"), "5000.00", dt.date(2026, 3, 3), "ach")
    report = tax.tax_report(workspace=example, year=2026, as_of=AS_OF)
    assert _lines(report)["ann"].tally.reportable == Decimal("1900.00")
    assert Invoice.objects.count() == 15


# --- The web page and the API ------------------------------------------------------------------------------


def _plant(personas: Personas):
    ws = personas.workspace
    ws.country, ws.fx_rates = "US", {"EUR": "1.10"}
    ws.save()
    ben = _payee(ws, "Ben Bauer", us_person=True, entity_type="sole_proprietor")
    _paid(ben, "2000.00", dt.date(2026, 4, 1), "ach")
    _paid(ben, "5000.00", dt.date(2026, 7, 1), "paypal")
    dev = _payee(ws, "Dev Dutta", w9=False, tin=None, us_person=True, entity_type="individual")
    _paid(dev, "300.00", dt.date(2026, 10, 1), "ach", withheld="50.00")
    eve = _payee(ws, "Eve Ebert", w9=False, us_person=False, country="DE")
    DocumentFactory(contractor=eve.contractor, kind="w8ben", signed_on=dt.date(2022, 5, 1))
    _paid(eve, "3000.00", dt.date(2026, 2, 2), "wire", currency="EUR")
    return ws


def test_the_year_end_page_shows_forms_deadline_papers_and_exclusions(personas: Personas):
    ws = _plant(personas)
    client = login_client(personas.viewer)
    response = client.get(reverse("payments:tax_report", kwargs={"ws": ws.uuid, "year": 2026}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Monday 1 February 2027" in page
    assert "$2,300.00" in page  # Ben 2,000 + Dev 300 on forms
    assert "Ben Bauer" in page and "Dev Dutta" in page
    assert "no W-9 on file" in page and "TIN not checked" in page
    assert "W-8BEN expired on 31 December 2025" in page
    assert "$5,000.00" in page and "1099-K" in page  # PayPal, left out and why
    assert reverse("payments:tax_report_csv", kwargs={"ws": ws.uuid, "year": 2026}) in page
    assert reverse("payments:tax_report", kwargs={"ws": ws.uuid, "year": 2025}) in page  # the year selector


def test_the_csv_download_is_an_attachment(personas: Personas):
    ws = _plant(personas)
    response = login_client(personas.viewer).get(
        reverse("payments:tax_report_csv", kwargs={"ws": ws.uuid, "year": 2026})
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="{ws.slug}-1099-nec-2026.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["Box 1 - Nonemployee Compensation"] for r in rows] == ["2000.00", "300.00"]


def test_a_bad_year_is_a_clear_404_not_a_500(personas: Personas):
    client = login_client(personas.owner)
    for year in (1999, 2999):
        response = client.get(reverse("payments:tax_report", kwargs={"ws": personas.workspace.uuid, "year": year}))
        assert response.status_code == 404
    response = client.get(reverse("payments:tax_report_csv", kwargs={"ws": personas.workspace.uuid, "year": 1999}))
    assert response.status_code == 404


def test_an_outsider_and_a_contractor_see_nothing(personas: Personas):
    _plant(personas)
    url = reverse("payments:tax_report", kwargs={"ws": personas.workspace.uuid, "year": 2026})
    assert login_client(personas.outsider).get(url).status_code == 404
    assert login_client(personas.contractor).get(url).status_code in (403, 404)


def test_the_api_gives_the_report(personas: Personas):
    ws = _plant(personas)
    client = token_client(personas.viewer, ws)
    response = client.get(f"/api/v1/workspaces/{ws.uuid}/tax/1099/2026")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["year"], body["form"], body["deadline"]) == (2026, "1099-NEC", "2027-02-01")
    assert body["threshold"]["amount"] == "2000.00"
    assert body["summary"]["forms"] == 2 and body["summary"]["nonemployee_compensation"] == "2300.00"
    by_ref = {p["contractor"]["ref"]: p for p in body["payees"]}
    assert by_ref["dev"]["papers_missing"] == ["no W-9 on file", "TIN not checked"]
    assert by_ref["dev"]["withheld"] == "50.00" and by_ref["dev"]["needs_form"] is True
    assert by_ref["eve"]["w8"]["state"] == "expired" and by_ref["eve"]["w8"]["expires_on"] == "2025-12-31"
    assert by_ref["ben"]["excluded"] == [
        {
            "reason": "processor_channel",
            "amount": "5000.00",
            "text": tax.EXCLUSION_TEXT[tax.Exclusion.PROCESSOR_CHANNEL],
        }
    ]
    bad = client.get(f"/api/v1/workspaces/{ws.uuid}/tax/1099/2019")
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"path": "$.year", "message": "The 1099-NEC report starts with payments made in 2020; 2019 is earlier."}
    ]


def test_documents_of_other_kinds_are_not_tax_papers(example):
    ann = Contractor.objects.get(workspace=example, ref="ann")
    Document.objects.filter(contractor=ann).update(kind="agreement")
    report = tax.tax_report(workspace=example, year=2026, as_of=AS_OF)
    assert _lines(report)["ann"].papers_missing == ["no W-9 on file"]
