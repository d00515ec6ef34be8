"""Invoices: their path and who took each step, due dates (terms, defaults, freelancer laws), budgets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from outsourcer.core.actor import Actor
from outsourcer.engagements.laws import Place, all_laws, laws_covering
from outsourcer.payments.dues import invoice_due
from outsourcer.payments.models import BilledTime, Invoice
from outsourcer.payments.selectors import budget_for, pay_this_week, payables, spend
from outsourcer.payments.services import invoice_create, invoice_delete, invoice_set_status, invoice_update
from tests.factories import (
    ContractorFactory,
    EngagementFactory,
    MilestoneFactory,
    ReviewFactory,
    TaskFactory,
    TimeEntryFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()


def _engagement(**kwargs):
    ws = kwargs.pop("workspace", None) or WorkspaceFactory(country="US", region="TX")
    contractor = ContractorFactory(workspace=ws, country="US", region=kwargs.pop("region", "TX"))
    return EngagementFactory(contractor=contractor, **kwargs)


def _invoice(engagement, **data):
    return invoice_create(actor=ACTOR, engagement=engagement, data={"amount": Decimal(500), **data})


# --- Due dates ------------------------------------------------------------------------------------


def test_a_stated_due_date_wins():
    invoice = _invoice(
        _engagement(payment_terms_days=14), received_on=dt.date(2026, 11, 2), due_on=dt.date(2026, 11, 30)
    )
    due = invoice_due(invoice)
    assert (due.on, due.basis) == (dt.date(2026, 11, 30), "stated on the invoice")


def test_the_engagement_terms_then_the_workspace_default_count_from_receipt():
    invoice = _invoice(
        _engagement(payment_terms_days=14), issued_on=dt.date(2026, 11, 1), received_on=dt.date(2026, 11, 3)
    )
    assert invoice_due(invoice).on == dt.date(2026, 11, 17)
    assert "the engagement's payment terms" in invoice_due(invoice).basis
    default = _invoice(_engagement(payment_terms_days=None), issued_on=dt.date(2026, 11, 1))
    assert invoice_due(default).on == dt.date(2026, 12, 1)  # the policy's 30 days
    assert invoice_due(default).basis == "issued 2026-11-01 + 30 days (the workspace's default payment terms)"
    assert invoice_due(_invoice(_engagement())) is None  # no date to count from


def test_a_new_york_freelancer_is_paid_within_30_days_of_accepted_work_whatever_the_terms():
    engagement = _engagement(region="NY-NYC", payment_terms_days=60, budget_cap=Decimal(1500))
    milestone = MilestoneFactory(engagement=engagement, status="accepted")
    ReviewFactory(milestone=milestone, reviewed_on=dt.date(2026, 10, 20))
    invoice = _invoice(engagement, received_on=dt.date(2026, 11, 1), milestone=milestone)
    due = invoice_due(invoice)
    assert due.on == dt.date(2026, 11, 19) and due.capped  # 30 days after 20 October, not 31 December
    assert {law.id for law in due.laws} == {"nyc-fifa", "nys-fifa"}
    assert "New York City Freelance Isn't Free Act" in due.basis and "2026-12-31" in due.basis


def test_no_law_for_an_agency_a_small_job_or_before_the_law_began():
    agency = _engagement(region="IL", payment_terms_days=60, budget_cap=Decimal(5000))
    agency.contractor.kind = "agency"
    agency.contractor.save()
    assert not invoice_due(_invoice(agency, received_on=dt.date(2026, 11, 1))).laws
    small = _engagement(region="IL", payment_terms_days=60, budget_cap=Decimal(300), rate_amount=Decimal(300))
    assert not invoice_due(_invoice(small, received_on=dt.date(2026, 11, 1), amount=Decimal(300))).laws
    place = Place(work_country="US", work_region="IL", business_country="US", business_region="TX")
    assert laws_covering(place=place, on=dt.date(2024, 6, 30), individual=True, value_usd=Decimal(900)) == []
    assert [law.id for law in laws_covering(place=place, on=dt.date(2024, 7, 1), individual=True, value_usd=None)] == [
        "il-fwpa"
    ]


def test_every_law_in_the_table_has_its_facts():
    for law in all_laws():
        assert law.payment_days_after_completion == 30 and law.min_amount_usd > 0 and law.regions


# --- The path of an invoice ----------------------------------------------------------------------


def test_an_invoice_moves_along_its_path_and_records_who_did_each_step():
    invoice = _invoice(_engagement(), received_on=dt.date(2026, 11, 2))
    invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    with pytest.raises(ValidationError, match="Say how it was paid"):
        invoice_set_status(actor=ACTOR, invoice=invoice, status="paid", paid_on=dt.date(2026, 11, 20))
    invoice = invoice_set_status(
        actor=ACTOR, invoice=invoice, status="paid", paid_on=dt.date(2026, 11, 20), channel="ach"
    )
    assert [(e.from_status, e.to_status, e.by_label) for e in invoice.events.all()] == [
        ("", "received", "command line"),
        ("received", "approved", "command line"),
        ("approved", "paid", "command line"),
    ]
    with pytest.raises(ValidationError, match="cannot become void; next: none"):
        invoice_set_status(actor=ACTOR, invoice=invoice, status="void")
    with pytest.raises(ValidationError, match="can no longer change"):
        invoice_update(actor=ACTOR, invoice=invoice, data={"amount": Decimal(1)})
    with pytest.raises(ValidationError, match="Void this invoice instead"):
        invoice_delete(actor=ACTOR, invoice=invoice)


def test_a_dispute_needs_its_reason_and_bad_invoices_are_refused():
    engagement = _engagement()
    invoice = _invoice(engagement)
    with pytest.raises(ValidationError, match="Say what is disputed"):
        invoice_set_status(actor=ACTOR, invoice=invoice, status="disputed")
    with pytest.raises(ValidationError, match="above zero"):
        _invoice(engagement, amount=Decimal(0))
    with pytest.raises(ValidationError, match="before it was issued"):
        _invoice(engagement, issued_on=dt.date(2026, 11, 5), received_on=dt.date(2026, 11, 1))
    with pytest.raises(ValidationError, match="another engagement"):
        _invoice(engagement, milestone=MilestoneFactory())
    with pytest.raises(ValidationError, match="draft engagement"):
        _invoice(_engagement(status="draft"))
    assert Invoice.objects.count() == 1


# --- Budgets and what to pay ---------------------------------------------------------------------


def test_committed_spend_is_approved_invoices_plus_approved_unbilled_hours():
    engagement = _engagement(rate_model="hourly", rate_amount=Decimal(60), budget_cap=Decimal(1000))
    approved = _invoice(engagement, amount=Decimal(300))
    invoice_set_status(actor=ACTOR, invoice=approved, status="approved")
    _invoice(engagement, amount=Decimal(999))  # received only: not committed
    billed = TimeEntryFactory(engagement=engagement, status="approved", hours=Decimal(2))
    BilledTime.objects.create(invoice=approved, time_entry=billed)
    TimeEntryFactory(engagement=engagement, status="approved", hours=Decimal("3.5"))
    TimeEntryFactory(engagement=engagement, status="submitted", hours=Decimal(9))
    budget = budget_for(engagement=engagement)
    assert (budget.invoiced, budget.unbilled_time, budget.committed) == (Decimal(300), Decimal(210), Decimal(510))
    assert (budget.percent, budget.remaining) == (51, Decimal(490))


def test_payables_come_soonest_due_first_and_this_week_means_by_sunday():
    engagement = _engagement(payment_terms_days=10)
    later = _invoice(engagement, received_on=dt.date(2026, 11, 25))  # due 5 December
    sooner = _invoice(engagement, received_on=dt.date(2026, 11, 10))  # due 20 November: overdue
    for invoice in (later, sooner):
        invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    today = dt.date(2026, 12, 1)  # a Tuesday: the week ends on Sunday 6 December
    rows = payables(workspace=engagement.workspace, today=today)
    assert [(p.invoice.ref, p.days_overdue) for p in rows] == [(sooner.ref, 11), (later.ref, 0)]
    assert [p.invoice.ref for p in pay_this_week(workspace=engagement.workspace, today=today)] == [
        sooner.ref,
        later.ref,
    ]
    assert pay_this_week(workspace=engagement.workspace, today=dt.date(2026, 11, 15)) == []


def test_spend_adds_up_the_same_by_contractor_month_and_category_in_the_base_currency():
    ws = WorkspaceFactory(country="US", region="TX", base_currency="USD", fx_rates={"EUR": "1.10"})
    design = _engagement(workspace=ws)
    design.tasks.add(TaskFactory(workspace=ws, category="design", name="Logos"))
    euro = _engagement(workspace=ws, rate_currency="EUR")
    for engagement, amount, currency, day in (
        (design, "100.00", "USD", dt.date(2026, 10, 3)),
        (design, "50.00", "USD", dt.date(2026, 11, 3)),
        (euro, "200.00", "EUR", dt.date(2026, 11, 9)),
    ):
        invoice = _invoice(engagement, amount=Decimal(amount), currency=currency)
        invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
        invoice_set_status(actor=ACTOR, invoice=invoice, status="paid", paid_on=day, channel="ach")
    found = spend(workspace=ws, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    assert found.total == Decimal("370.00")
    assert sum(found.by_contractor.values()) == sum(found.by_month.values()) == sum(found.by_category.values())
    assert found.by_category == {"Uncategorised": Decimal("220.00"), "design": Decimal("150.00")}
    assert found.by_month == {dt.date(2026, 10, 1): Decimal("100.00"), dt.date(2026, 11, 1): Decimal("270.00")}


def test_a_stated_due_date_is_still_capped_by_the_law_and_names_it():
    engagement = _engagement(region="NY", payment_terms_days=90, budget_cap=Decimal(5000))
    invoice = _invoice(engagement, amount=Decimal(5000), issued_on=dt.date(2026, 11, 2), due_on=dt.date(2027, 3, 1))
    due = invoice_due(invoice)
    assert (due.on, due.capped) == (dt.date(2026, 12, 2), True)  # 30 days after the invoiced work
    assert [law.id for law in due.laws] == ["nys-fifa"]
    assert "the invoice states 2027-03-01" in due.basis
    within = _invoice(engagement, amount=Decimal(5000), issued_on=dt.date(2026, 11, 2), due_on=dt.date(2026, 11, 20))
    assert (invoice_due(within).on, invoice_due(within).capped, invoice_due(within).basis) == (
        dt.date(2026, 11, 20),
        False,
        "stated on the invoice",
    )


def test_hours_stay_committed_until_an_approved_invoice_bills_them_and_a_void_one_releases_them():
    engagement = _engagement(rate_model="hourly", rate_amount=Decimal(60), budget_cap=Decimal(1000))
    entry = TimeEntryFactory(engagement=engagement, status="approved", hours=Decimal(10))
    assert budget_for(engagement=engagement).committed == Decimal(600)
    invoice = invoice_create(actor=ACTOR, engagement=engagement, data={"amount": Decimal(600)}, time_entries=[entry])
    assert budget_for(engagement=engagement).committed == Decimal(600)  # received: still counted as time
    invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    budget = budget_for(engagement=engagement)
    assert (budget.invoiced, budget.unbilled_time) == (Decimal(600), Decimal(0))  # counted once, as the invoice
    invoice_set_status(actor=ACTOR, invoice=invoice, status="void")
    assert budget_for(engagement=engagement).committed == Decimal(600)  # back to time
    again = invoice_create(actor=ACTOR, engagement=engagement, data={"amount": Decimal(600)}, time_entries=[entry])
    assert list(again.time_entries.all()) == [entry]
