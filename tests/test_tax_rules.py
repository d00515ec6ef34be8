"""comply/missing-tax-form, comply/1099-due and comply/backup-withholding: each fires with its numbers,
near misses stay silent, and a whole check costs the same queries for few or many invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor
from outsourcer.payments.services import invoice_create, invoice_set_status
from tests.factories import ContractorFactory, DocumentFactory, EngagementFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)  # a Tuesday


def found(ws, rule: str, as_of: dt.date = TODAY) -> dict[str, str]:
    """The open findings of one rule: subject ref -> message."""
    result = check_run(actor=ACTOR, workspace=ws, as_of=as_of)
    return {f.subject_ref: f.message for f in result.open if f.rule == rule}


def payee(ws, ref: str, name: str, *, w9: bool = True, **profile):
    profile = {"us_person": True, "entity_type": "individual", "tin_verified": True, **profile}
    contractor = ContractorFactory(workspace=ws, ref=ref, name=name, **profile)
    if w9:
        DocumentFactory(contractor=contractor, kind="w9", signed_on=dt.date(2025, 1, 5))
    return EngagementFactory(contractor=contractor)


def invoice(engagement, amount: str, *, paid_on: dt.date | None = None, channel: str = "ach", status: str = "paid",
            currency: str = "USD", withheld: str | None = None):  # fmt: skip
    created = invoice_create(actor=ACTOR, engagement=engagement, data={"amount": Decimal(amount), "currency": currency})
    if status == "received":
        return created
    invoice_set_status(actor=ACTOR, invoice=created, status="approved")
    if status == "scheduled":
        return invoice_set_status(actor=ACTOR, invoice=created, status="scheduled")
    if status == "paid":
        return invoice_set_status(
            actor=ACTOR, invoice=created, status="paid", paid_on=paid_on or dt.date(2026, 6, 1), channel=channel,
            backup_withholding=Decimal(withheld) if withheld else None,
        )  # fmt: skip
    return created


# --- comply/missing-tax-form --------------------------------------------------------------------------------


def test_missing_tax_form_fires_for_a_us_person_paid_without_a_w9(db):
    ws = WorkspaceFactory()
    dev = payee(ws, "dev", "Dev Dutta", w9=False)
    invoice(dev, "300.00", paid_on=dt.date(2025, 11, 3))
    invoice(dev, "200.00", paid_on=dt.date(2026, 2, 3))
    invoice(dev, "150.00", status="approved")
    # Near misses: a W-9 on file; only a received invoice (not approved); paid only before last year.
    invoice(payee(ws, "ann", "Ann Archer"), "500.00")
    invoice(payee(ws, "new", "Nia New", w9=False), "500.00", status="received")
    invoice(payee(ws, "old", "Oli Old", w9=False), "500.00", paid_on=dt.date(2024, 12, 31))
    assert found(ws, "comply/missing-tax-form") == {
        "dev": "Dev Dutta (a US person) received 2 payments since 1 January 2025 and has 1 approved invoice waiting "
        "to be paid, but no W-9 is on file."
    }


def test_missing_tax_form_fires_for_a_foreign_contractor_without_a_current_w8ben(db):
    ws = WorkspaceFactory()
    eve = payee(ws, "eve", "Eve Ebert", w9=False, us_person=False, country="DE")
    DocumentFactory(contractor=eve.contractor, kind="w8ben", signed_on=dt.date(2022, 3, 1))  # ran to 31 Dec 2025
    invoice(eve, "900.00", status="scheduled")
    kai = payee(ws, "kai", "Kai Kato", w9=False, us_person=False, country="JP")
    invoice(kai, "900.00")
    # Near misses: a W-8BEN-E signed in 2023 runs to 31 December 2026; an undated W-8BEN is on file;
    # a W-9 does not stand in for a W-8BEN, but a US person with one is fine.
    lia = payee(ws, "lia", "Lia Lund", w9=False, us_person=False, country="SE")
    DocumentFactory(contractor=lia.contractor, kind="w8ben_e", signed_on=dt.date(2023, 1, 2))
    invoice(lia, "900.00")
    max_ = payee(ws, "max", "Max Moe", w9=False, us_person=False, country="NO")
    DocumentFactory(contractor=max_.contractor, kind="w8ben", signed_on=None)
    invoice(max_, "900.00")
    assert found(ws, "comply/missing-tax-form") == {
        "eve": "Eve Ebert (not a US person) has 1 approved invoice waiting to be paid, but the W-8BEN on file "
        "expired on 31 December 2025 (three years after it was signed).",
        "kai": "Kai Kato (not a US person) received 1 payment since 1 January 2025, but no W-8BEN or W-8BEN-E is "
        "on file.",
    }
    # A stated expiry wins over the three years.
    lia.contractor.document_set.update(expires_on=dt.date(2026, 11, 30))
    assert found(ws, "comply/missing-tax-form")["lia"] == (
        "Lia Lund (not a US person) received 1 payment since 1 January 2025, but the W-8BEN-E on file expired on "
        "30 November 2026."
    )


def test_missing_tax_form_fires_when_the_status_is_not_recorded_and_nothing_is_on_file(db):
    ws = WorkspaceFactory()
    invoice(payee(ws, "una", "Una Unknown", w9=False, us_person=None), "100.00")
    invoice(payee(ws, "vic", "Vic Known", us_person=None), "100.00")  # a W-9 says enough
    assert found(ws, "comply/missing-tax-form") == {
        "una": "Una Unknown (US status not recorded) received 1 payment since 1 January 2025, but whether they are "
        "a US person is not recorded, and neither a W-9 nor a current W-8BEN is on file."
    }


# --- comply/1099-due ------------------------------------------------------------------------------------------


def test_1099_due_fires_at_the_threshold_with_the_total_and_the_deadline(db):
    ws = WorkspaceFactory(fx_rates={"EUR": "1.10"})
    ben = payee(ws, "ben", "Ben Bauer")
    invoice(ben, "1500.00", paid_on=dt.date(2026, 4, 1))
    invoice(ben, "500.00", paid_on=dt.date(2026, 5, 1), channel="check")  # exactly $2,000: inclusive
    invoice(ben, "5000.00", paid_on=dt.date(2026, 5, 2), channel="paypal")  # never counts
    lex = payee(ws, "lex", "Lex Law LLC", entity_type="llc_s_corporation", legal_services=True, kind="agency")
    invoice(lex, "2500.00", paid_on=dt.date(2026, 7, 1))
    fay = payee(ws, "fay", "Fay Fischer")
    invoice(fay, "1900.00", paid_on=dt.date(2026, 8, 1), currency="EUR")  # $2,090.00
    # Near misses: $1,999.99; a corporation; card, PayPal, app and platform; not a US person; not yet paid;
    # over $600 but in 2025, whose forms were due on 2 February 2026.
    invoice(payee(ws, "ann", "Ann Archer"), "1999.99", paid_on=dt.date(2026, 3, 1))
    invoice(payee(ws, "cora", "Cora Corp", entity_type="c_corporation", kind="agency"), "9000.00")
    pam = payee(ws, "pam", "Pam Paid-Online")
    for channel in ("card", "paypal", "payment_app", "platform"):
        invoice(pam, "1000.00", channel=channel)
    invoice(payee(ws, "eve", "Eve Ebert", us_person=False, country="DE"), "9000.00")
    invoice(payee(ws, "sam", "Sam Soon"), "9000.00", status="scheduled")
    invoice(payee(ws, "old", "Oli Old"), "700.00", paid_on=dt.date(2025, 12, 20))
    assert found(ws, "comply/1099-due") == {
        "ben": "Ben Bauer was paid $2,000.00 in 2026 that counts toward a 1099-NEC, at or over the 2026 threshold "
        "of $2,000.00: file it and send the contractor their copy by Monday 1 February 2027 (31 January moved to "
        "the next business day).",
        "fay": "Fay Fischer was paid $2,090.00 in 2026 that counts toward a 1099-NEC, at or over the 2026 threshold "
        "of $2,000.00: file it and send the contractor their copy by Monday 1 February 2027 (31 January moved to "
        "the next business day).",
        "lex": "Lex Law LLC was paid $2,500.00 in 2026 that counts toward a 1099-NEC, at or over the 2026 "
        "threshold of $2,000.00: file it and send the contractor their copy by Monday 1 February 2027 (31 January "
        "moved to the next business day).",
    }


def test_1099_due_in_january_names_last_years_forms_at_the_600_dollar_threshold(db):
    ws = WorkspaceFactory()
    old = payee(ws, "old", "Oli Old")
    invoice(old, "600.00", paid_on=dt.date(2025, 12, 20))
    invoice(old, "2100.00", paid_on=dt.date(2026, 1, 5))
    invoice(payee(ws, "near", "Ned Near"), "599.99", paid_on=dt.date(2025, 12, 20))
    assert found(ws, "comply/1099-due", as_of=dt.date(2026, 1, 20)) == {
        "old": "Oli Old was paid $600.00 in 2025 that counts toward a 1099-NEC, at or over the 2025 threshold of "
        "$600.00: file it and send the contractor their copy by Monday 2 February 2026 (31 January moved to the "
        "next business day). Oli Old was paid $2,100.00 in 2026 that counts toward a 1099-NEC, at or over the "
        "2026 threshold of $2,000.00: file it and send the contractor their copy by Monday 1 February 2027 "
        "(31 January moved to the next business day)."
    }
    # Once 2025's forms are past due, only 2026 is named.
    message = found(ws, "comply/1099-due", as_of=dt.date(2026, 2, 3))["old"]
    assert "in 2025" not in message and "$2,100.00 in 2026" in message


# --- comply/backup-withholding ---------------------------------------------------------------------------------


def test_backup_withholding_fires_for_reportable_payments_without_a_w9_or_with_a_failed_tin(db):
    ws = WorkspaceFactory()
    dev = payee(ws, "dev", "Dev Dutta", w9=False, tin_verified=None)
    invoice(dev, "300.00", paid_on=dt.date(2026, 3, 1))
    invoice(dev, "200.00", paid_on=dt.date(2025, 3, 1), channel="wire")
    invoice(dev, "100.00", paid_on=dt.date(2026, 4, 1), withheld="24.00")  # withheld: fine
    invoice(dev, "400.00", paid_on=dt.date(2026, 4, 2), channel="card")  # the processor's
    tia = payee(ws, "tia", "Tia Tin", tin_verified=False)
    invoice(tia, "80.00", paid_on=dt.date(2026, 9, 1))
    # Near misses: a W-9 with the TIN never checked; a corporation; withheld every time; paid by PayPal only;
    # not a US person.
    invoice(payee(ws, "ann", "Ann Archer", tin_verified=None), "900.00")
    invoice(payee(ws, "cora", "Cora Corp", w9=False, entity_type="s_corporation", kind="agency"), "900.00")
    invoice(payee(ws, "wil", "Wil Withheld", w9=False), "900.00", withheld="216.00")
    invoice(payee(ws, "pam", "Pam PayPal", w9=False), "900.00", channel="paypal")
    invoice(payee(ws, "eve", "Eve Ebert", w9=False, us_person=False, country="DE"), "900.00")
    assert found(ws, "comply/backup-withholding") == {
        "dev": "Dev Dutta received 2 reportable payments ($500.00) since 1 January 2025 with no backup withholding "
        "recorded, though no W-9 is on file: withhold 24 % of each payment until a W-9 with a valid TIN is on file.",
        "tia": "Tia Tin received 1 reportable payment ($80.00) since 1 January 2025 with no backup withholding "
        "recorded, though the TIN check failed: withhold 24 % of each payment until a W-9 with a valid TIN is on "
        "file.",
    }


def test_backup_withholding_names_an_amount_it_cannot_convert_and_both_problems(db):
    ws = WorkspaceFactory()
    gus = payee(ws, "gus", "Gus Grant", w9=False, tin_verified=False)
    invoice(gus, "100.00", currency="GBP")
    invoice(gus, "50.00")
    assert found(ws, "comply/backup-withholding") == {
        "gus": "Gus Grant received 2 reportable payments ($50.00 and 100.00 GBP) since 1 January 2025 with no "
        "backup withholding recorded, though no W-9 is on file and the TIN check failed: withhold 24 % of each "
        "payment until a W-9 with a valid TIN is on file."
    }


# --- Cost -------------------------------------------------------------------------------------------------


def test_the_tax_rules_cost_the_same_queries_for_few_or_many_invoices(db):
    def queries(n: int) -> int:
        ws = WorkspaceFactory(fx_rates={"EUR": "1.1"})
        for i in range(n):
            engagement = payee(ws, f"c{i}", f"Contractor {i}", w9=bool(i % 2), us_person=(True, False, None)[i % 3])
            DocumentFactory(contractor=engagement.contractor, kind="w8ben", signed_on=dt.date(2020 + i % 6, 1, 1))
            invoice(engagement, "2500.00", channel=("ach", "card")[i % 2], currency=("USD", "EUR")[i % 2])
            invoice(engagement, "10.00", status="approved")
        check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
        with CaptureQueriesContext(connection) as ctx:
            check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
        return len(ctx.captured_queries)

    assert queries(3) == queries(24)
