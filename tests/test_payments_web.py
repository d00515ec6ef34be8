"""The money pages: invoices (list, entry, one invoice's path with who did each step, its file), what to
pay with this week's CSV and the on-time rate, budgets and forecasts, one engagement's burn."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.payments import charts
from outsourcer.payments.models import BilledTime, Invoice, InvoiceEvent
from outsourcer.payments.selectors import OnTimeMonth, budget_for, budgets_for, on_time_by_month
from outsourcer.payments.serialize import csv_cell
from outsourcer.payments.services import invoice_create, invoice_set_status
from tests.conftest import Personas, login_client
from tests.factories import (
    ContractorFactory,
    EngagementFactory,
    MilestoneFactory,
    ReviewFactory,
    TaskFactory,
    TimeEntryFactory,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
ACTOR = Actor.cli()


def url(name: str, personas: Personas, **kwargs: object) -> str:
    return reverse(f"payments:{name}", kwargs={"ws": personas.workspace.uuid, **kwargs})


def words(response) -> str:
    """The page's text without tags, spaces squeezed: what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


@pytest.fixture
def owner(personas: Personas) -> Client:
    return login_client(personas.owner)


@pytest.fixture
def today(personas: Personas) -> dt.date:
    return today_in(personas.workspace.time_zone)


@pytest.fixture
def contractor(personas: Personas):
    return ContractorFactory(workspace=personas.workspace, name="Rosa Díaz", stage="approved", region="TX")


@pytest.fixture
def engagement(contractor, today):
    return EngagementFactory(
        contractor=contractor, title="Bookkeeping", status="active", rate_model="hourly", rate_amount=Decimal(50),
        rate_currency="USD", budget_cap=Decimal(1000), payment_terms_days=14, start_on=today - dt.timedelta(days=90),
    )  # fmt: skip


def _invoice(engagement, **data):
    return invoice_create(actor=ACTOR, engagement=engagement, data={"amount": Decimal(300), **data})


def _pdf(name: str = "march.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- Entering an invoice ------------------------------------------------------------------------


def test_record_an_invoice_with_its_file_and_the_hours_it_bills(owner, personas, engagement, today):
    billable = TimeEntryFactory(engagement=engagement, status="approved", hours=Decimal(2), description="Ledger")
    TimeEntryFactory(engagement=engagement, status="submitted", description="Still waiting")
    elsewhere = EngagementFactory(contractor=engagement.contractor, status="active", rate_model="hourly")
    TimeEntryFactory(engagement=elsewhere, status="approved", description="Payroll run")
    everything = words(owner.get(url("invoice_new", personas)))
    assert "Ledger" in everything and "Payroll run" in everything  # grouped by engagement until one is chosen
    page = owner.get(url("invoice_new", personas) + f"?engagement={engagement.uuid}")
    assert page.status_code == 200
    text = words(page)
    assert "Ledger" in text and "Still waiting" not in text  # only approved, unbilled hours are offered...
    assert "Payroll run" not in text  # ...of the chosen engagement
    response = owner.post(
        url("invoice_new", personas),
        {
            "engagement": str(engagement.uuid), "number": "R-7", "received_on": today.isoformat(), "amount": "100.00",
            "currency": "", "time_entries": [str(billable.uuid)], "file": _pdf(),
        },
    )  # fmt: skip
    assert response.status_code == 302, words(response)
    invoice = Invoice.objects.get(number="R-7")
    assert (invoice.amount, invoice.currency, invoice.file_name) == (Decimal("100.00"), "USD", "march.pdf")
    assert BilledTime.objects.get(invoice=invoice).time_entry == billable
    shown = words(owner.get(response["Location"]))
    assert "Recorded invoice R-7 from Rosa Díaz: 100.00 USD." in shown
    assert f"received {today.isoformat()} + 14 days (the engagement's payment terms)" in shown


def test_bad_input_shows_a_message_and_stores_nothing(owner, personas, engagement, today):
    post = {"engagement": str(engagement.uuid), "received_on": today.isoformat(), "amount": "0"}
    response = owner.post(url("invoice_new", personas), post)
    assert response.status_code == 400
    assert "An invoice is for an amount above zero." in words(response)
    late = {**post, "amount": "10", "issued_on": (today + dt.timedelta(days=3)).isoformat()}
    assert "An invoice cannot arrive before it was issued." in words(owner.post(url("invoice_new", personas), late))
    fake = SimpleUploadedFile("invoice.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = owner.post(url("invoice_new", personas), {**post, "amount": "10", "file": fake})
    assert response.status_code == 400 and "Upload a PDF, PNG or JPEG file." in words(response)
    draft = EngagementFactory(contractor=engagement.contractor, status="draft")
    response = owner.post(url("invoice_new", personas), {**post, "engagement": str(draft.uuid), "amount": "10"})
    assert response.status_code == 400 and "Select a valid choice" in words(response)  # never offered
    assert Invoice.objects.count() == 0


def test_a_milestone_of_another_engagement_is_refused(owner, personas, engagement, contractor, today):
    other = MilestoneFactory(engagement=EngagementFactory(contractor=contractor, status="active"), title="Other")
    response = owner.post(
        url("invoice_new", personas),
        {"engagement": str(engagement.uuid), "milestone": str(other.uuid), "amount": "10"},
    )
    assert response.status_code == 400 and "Select a valid choice" in words(response)
    assert Invoice.objects.count() == 0


def test_only_a_received_or_disputed_invoice_can_be_corrected(owner, personas, engagement):
    invoice = _invoice(engagement, number="A-1")
    response = owner.post(url("invoice_edit", personas, invoice=invoice.uuid), {"number": "A-2", "amount": "320"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.number, invoice.amount) == ("A-2", Decimal(320))
    invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    page = owner.get(url("invoice_edit", personas, invoice=invoice.uuid))
    assert "its facts can no longer change" in words(page)
    response = owner.post(url("invoice_edit", personas, invoice=invoice.uuid), {"number": "A-3", "amount": "1"})
    assert response.status_code == 400 and "A approved invoice can no longer change." in words(response)
    invoice.refresh_from_db()
    assert (invoice.number, invoice.amount) == ("A-2", Decimal(320))


# --- One invoice: its due date, its path, its file ------------------------------------------------


def test_the_invoice_page_says_when_it_is_due_why_and_which_law_moved_it(owner, personas, today):
    contractor = ContractorFactory(workspace=personas.workspace, name="Noor Haddad", region="NY-NYC")
    engagement = EngagementFactory(
        contractor=contractor, status="active", payment_terms_days=60, budget_cap=Decimal(1500)
    )
    milestone = MilestoneFactory(engagement=engagement, status="accepted", title="Logo")
    ReviewFactory(milestone=milestone, reviewed_on=today - dt.timedelta(days=40))
    invoice = _invoice(engagement, received_on=today - dt.timedelta(days=5), milestone=milestone, number="N-1")
    text = words(owner.get(url("invoice", personas, invoice=invoice.uuid)))
    assert "Moved earlier by law" in text
    assert "New York City Freelance Isn't Free Act" in text and "NYC Admin. Code" in text
    assert "10 days overdue" in text  # 30 days after the accepted work, 40 days ago
    assert "Approve" in text and "Record the payment" not in text  # received: approve, dispute or void


def test_the_path_of_an_invoice_with_who_took_each_step(owner, personas, engagement, today):
    invoice = _invoice(engagement, received_on=today - dt.timedelta(days=3), number="P-1")
    status_url = url("invoice_status", personas, invoice=invoice.uuid)
    assert owner.post(status_url, {"status": "approved"}).status_code == 302
    assert owner.post(status_url, {"status": "scheduled"}).status_code == 302
    response = owner.post(status_url, {"status": "paid", "paid_on": today.isoformat(), "channel": "ach"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, invoice.paid_on, invoice.channel) == ("paid", today, "ach")
    events = list(InvoiceEvent.objects.filter(invoice=invoice).values_list("to_status", "by_label"))
    assert events == [
        ("received", "command line"),
        ("approved", "owner@acme.test"),
        ("scheduled", "owner@acme.test"),
        ("paid", "owner@acme.test"),
    ]
    text = words(owner.get(response["Location"]))
    assert "Invoice P-1 is now paid." in text
    assert "Scheduled → Paid by owner@acme.test" in text and "Received by command line" in text
    assert "Settled: no further step." in text and "paid on time" in text


def test_paying_needs_the_day_and_the_channel(owner, personas, engagement, today):
    invoice = _invoice(engagement, received_on=today)
    invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    status_url = url("invoice_status", personas, invoice=invoice.uuid)
    response = owner.post(status_url, {"status": "paid", "paid_on": today.isoformat()})
    assert response.status_code == 400
    assert "Say how it was paid (it decides what goes on a 1099-NEC)." in words(response)
    response = owner.post(status_url, {"status": "paid", "channel": "wire"})
    assert response.status_code == 400 and "Say on which day it was paid." in words(response)
    invoice.refresh_from_db()
    assert invoice.status == "approved" and invoice.paid_on is None
    page = words(owner.get(url("invoice", personas, invoice=invoice.uuid)))
    assert "reported by the processor on a 1099-K" in page


def test_a_dispute_needs_its_reason_and_a_settled_step_is_refused(owner, personas, engagement):
    invoice = _invoice(engagement)
    status_url = url("invoice_status", personas, invoice=invoice.uuid)
    response = owner.post(status_url, {"status": "disputed", "note": " "})
    assert response.status_code == 400 and "Say what is disputed; the contractor sees it." in words(response)
    assert owner.post(status_url, {"status": "disputed", "note": "Wrong rate"}).status_code == 302
    assert owner.post(status_url, {"status": "paid", "paid_on": "2026-11-01", "channel": "ach"}).status_code == 400
    assert owner.post(status_url, {}).status_code == 400
    invoice.refresh_from_db()
    assert invoice.status == "disputed"
    assert "“Wrong rate”" in words(owner.get(url("invoice", personas, invoice=invoice.uuid)))


def test_a_viewer_reads_but_cannot_post(personas, engagement):
    invoice = _invoice(engagement, number="V-1")
    viewer = login_client(personas.viewer)
    page = viewer.get(url("invoice", personas, invoice=invoice.uuid))
    assert page.status_code == 200 and "V-1" in words(page) and 'name="status"' not in page.content.decode()
    assert viewer.post(url("invoice_status", personas, invoice=invoice.uuid), {"status": "approved"}).status_code == 403
    assert viewer.post(url("invoice_new", personas), {"engagement": str(engagement.uuid)}).status_code == 403
    form = viewer.get(url("invoice_new", personas))
    assert "Only owners and managers can record or change invoices." in words(form)
    invoice.refresh_from_db()
    assert invoice.status == "received"


def test_the_file_downloads_to_members_only(owner, personas, engagement):
    invoice = invoice_create(actor=ACTOR, engagement=engagement, data={"amount": Decimal(5)}, upload=_pdf("inv.pdf"))
    response = owner.get(url("invoice_file", personas, invoice=invoice.uuid))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment") and "inv.pdf" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PDF
    other = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace), status="active")
    foreign = invoice_create(actor=ACTOR, engagement=other, data={"amount": Decimal(5)}, upload=_pdf())
    assert owner.get(url("invoice_file", personas, invoice=foreign.uuid)).status_code == 404
    assert owner.get(url("invoice", personas, invoice=foreign.uuid)).status_code == 404
    assert login_client(personas.outsider).get(url("invoice_file", personas, invoice=invoice.uuid)).status_code == 404
    bare = _invoice(engagement)
    assert owner.get(url("invoice_file", personas, invoice=bare.uuid)).status_code == 404


# --- Lists and what to pay -----------------------------------------------------------------------


def test_the_list_filters_and_says_where_each_invoice_stands(owner, personas, engagement, today):
    late = _invoice(engagement, number="L-1", received_on=today - dt.timedelta(days=20))
    invoice_set_status(actor=ACTOR, invoice=late, status="approved")
    paid = _invoice(engagement, number="L-2", received_on=today - dt.timedelta(days=30))
    invoice_set_status(actor=ACTOR, invoice=paid, status="approved")
    invoice_set_status(
        actor=ACTOR, invoice=paid, status="paid", paid_on=today - dt.timedelta(days=10), channel="paypal"
    )
    text = words(owner.get(url("invoices", personas)))
    assert "2 invoices" in text and "6 days overdue" in text and "paid 6 days late" in text and "PayPal" in text
    text = words(owner.get(url("invoices", personas) + "?status=open"))
    assert "1 invoice" in text and "L-1" in text and "L-2" not in text
    bad = owner.get(url("invoices", personas) + "?status=nonsense")
    assert bad.status_code == 400 and "could not be read" in words(bad)


def test_payables_overdue_first_with_the_on_time_rate_and_this_weeks_csv(owner, personas, engagement, today):
    soon = _invoice(engagement, number="S-1", received_on=today - dt.timedelta(days=13))
    overdue = _invoice(engagement, number="O-1", received_on=today - dt.timedelta(days=20))
    later = _invoice(engagement, number="F-1", received_on=today + dt.timedelta(days=20))
    for invoice in (soon, overdue, later):
        invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    done = _invoice(engagement, number="D-1", received_on=today - dt.timedelta(days=40))
    invoice_set_status(actor=ACTOR, invoice=done, status="approved")
    invoice_set_status(actor=ACTOR, invoice=done, status="paid", paid_on=today - dt.timedelta(days=30), channel="ach")
    page = owner.get(url("payables", personas))
    text = words(page)
    assert text.index("O-1") < text.index("S-1") < text.index("F-1")
    assert "6 days overdue" in text and "due tomorrow" in text and "1 overdue" in text
    assert "100% 1 of 1 invoice paid by their due date" in text
    assert '<svg class="bar-chart"' in page.content.decode() and "Paid on time, month by month" in text
    response = owner.get(url("payables_csv", personas))
    assert response["Content-Type"].startswith("text/csv") and "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "ref", "number", "contractor", "engagement", "amount", "currency", "due_on", "days_overdue", "status",
    ]  # fmt: skip
    by_number = {row[1]: row for row in rows[1:]}
    assert set(by_number) == {"O-1", "S-1"}  # F-1 is due later; D-1 is paid
    assert by_number["O-1"][2:] == [
        "Rosa Díaz", "Bookkeeping", "300.00", "USD", (today - dt.timedelta(days=6)).isoformat(), "6", "approved",
    ]  # fmt: skip


def test_the_csv_never_hands_a_spreadsheet_a_formula(owner, personas, today):
    contractor = ContractorFactory(workspace=personas.workspace, name='=HYPERLINK("http://x")')
    engagement = EngagementFactory(contractor=contractor, title="@SUM(A1)", status="active")
    invoice = _invoice(engagement, number="-2+3", received_on=today - dt.timedelta(days=40))
    invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    rows = list(csv.reader(io.StringIO(owner.get(url("payables_csv", personas)).content.decode())))
    assert rows[1][1:4] == ["'-2+3", '\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert [csv_cell(v) for v in ("+1", "\tx", "plain", 5, None)] == ["'+1", "'\tx", "plain", "5", ""]


# --- Budgets -------------------------------------------------------------------------------------


def test_budgets_spend_forecast_and_every_running_engagement_against_its_cap(owner, personas, engagement, today):
    ws = personas.workspace
    ws.fx_rates = {"EUR": "1.10"}
    ws.save()
    engagement.tasks.add(TaskFactory(workspace=ws, category="bookkeeping"))
    paid = _invoice(engagement, amount=Decimal(900), received_on=today - dt.timedelta(days=2))
    invoice_set_status(actor=ACTOR, invoice=paid, status="approved")
    invoice_set_status(actor=ACTOR, invoice=paid, status="paid", paid_on=today, channel="ach")
    yen = _invoice(engagement, amount=Decimal(5000), currency="JPY", received_on=today)
    invoice_set_status(actor=ACTOR, invoice=yen, status="approved")
    invoice_set_status(actor=ACTOR, invoice=yen, status="paid", paid_on=today, channel="wire")
    retainer = EngagementFactory(
        contractor=ContractorFactory(workspace=ws, name="Ana Lopes"), title="Newsletter", status="active",
        rate_model="retainer", rate_amount=Decimal(500), rate_currency="EUR", budget_cap=Decimal(1000),
    )  # fmt: skip
    near = _invoice(retainer, amount=Decimal(850), currency="EUR", received_on=today)
    invoice_set_status(actor=ACTOR, invoice=near, status="approved")
    page = owner.get(url("budgets", personas))
    assert page.status_code == 200
    text = words(page)
    assert f"Paid in {today.year} 900.00 USD" in text
    assert "bookkeeping 900.00 USD" in text and "Rosa Díaz 900.00 USD" in text
    assert "5,000.00 JPY paid" in text and "Add an FX rate in settings" in text
    assert "Retainer, a month 550.00 USD" in text  # 500 EUR at 1.10
    assert "Next 3 months: 1,650.00 USD" in text
    assert "90% used; 100.00 USD left. Past the 80% alert." in text  # the yen are not counted...
    assert "1 invoice in another currency not counted" in text  # ...and said so
    assert "85% used; 150.00 EUR left. Past the 80% alert." in text and "Near the cap" in text
    assert '<svg class="bar-chart"' in page.content.decode()
    bad = owner.get(url("budgets", personas) + "?year=1999")
    assert bad.status_code == 400 and "Choose a year from the list" in words(bad)


def test_an_engagement_budget_burns_against_its_cap(owner, personas, engagement, today):
    first = _invoice(engagement, amount=Decimal(600), received_on=today - dt.timedelta(days=40))
    invoice_set_status(actor=ACTOR, invoice=first, status="approved")
    second = _invoice(engagement, amount=Decimal(500), received_on=today)
    invoice_set_status(actor=ACTOR, invoice=second, status="approved")
    _invoice(engagement, amount=Decimal(999), received_on=today, number="WAIT")  # received: not committed
    TimeEntryFactory(engagement=engagement, status="approved", hours=Decimal(2))
    page = owner.get(reverse("payments:budget", kwargs={"ws": personas.workspace.uuid, "engagement": engagement.uuid}))
    assert page.status_code == 200
    text = words(page)
    assert "Over the cap by 200.00 USD (120% used)." in text and "Over budget" in text
    assert "Invoices 1,100.00 USD" in text and "Unbilled hours 100.00 USD 2 h approved, not invoiced" in text
    assert "999.00 USD received or disputed: not committed yet" in text
    assert '<svg class="burn-chart"' in page.content.decode() and "Cap 1,000 USD" in text
    assert "WAIT" in text and 'aria-current="page">Budget' in page.content.decode()
    overview = owner.get(
        reverse("engagements:detail", kwargs={"ws": personas.workspace.uuid, "engagement": engagement.uuid})
    )
    assert "Burn against the cap" in words(overview)


# --- Selectors and charts ------------------------------------------------------------------------


def test_budgets_in_one_batch_match_one_at_a_time(personas, engagement, contractor, django_assert_max_num_queries):
    others = [
        EngagementFactory(contractor=contractor, status="active", rate_currency=c, budget_cap=Decimal(800))
        for c in ("USD", "EUR")
    ]
    for e in (engagement, *others):
        invoice_set_status(actor=ACTOR, invoice=_invoice(e, currency="GBP"), status="approved")
        invoice_set_status(actor=ACTOR, invoice=_invoice(e), status="approved")
    TimeEntryFactory(engagement=engagement, status="approved", hours=Decimal(3))
    rows = [engagement, *others]
    with django_assert_max_num_queries(3):
        batch = budgets_for(engagements=rows)
    for e in rows:
        one = budget_for(engagement=e)
        assert (batch[e.pk].committed, batch[e.pk].percent, len(batch[e.pk].unconvertible)) == (
            one.committed,
            one.percent,
            len(one.unconvertible),
        )
    assert batch[engagement.pk].committed == Decimal(450)  # 300 + 3 h x 50; the GBP one has no rate
    assert len(batch[engagement.pk].unconvertible) == 1


def test_the_on_time_rate_covers_twelve_months(personas):
    months = on_time_by_month(workspace=personas.workspace, today=dt.date(2026, 12, 1))
    assert [m.month for m in (months[0], months[-1])] == [dt.date(2026, 1, 1), dt.date(2026, 12, 1)]
    assert len(on_time_by_month(workspace=personas.workspace, today=dt.date(2026, 3, 31))) == 12


def test_the_charts_say_what_they_show_in_words():
    months = [
        OnTimeMonth(month=dt.date(2026, 1, 1), paid=0, on_time=0),
        OnTimeMonth(month=dt.date(2026, 2, 1), paid=4, on_time=3),
        OnTimeMonth(month=dt.date(2026, 3, 1), paid=2, on_time=2),
    ]
    chart = charts.on_time(months)
    assert [(b.value, b.level, b.empty) for b in chart.bars] == [
        ("none", "", True),
        ("75%", "low", False),
        ("100%", "", False),
    ]
    assert chart.summary == "5 of 6 invoices paid on time over 3 months; under 90% in 1 month"
    spend = charts.money_by_month(
        {dt.date(2026, 2, 1): Decimal("1250.00")}, [dt.date(2026, 1, 1), dt.date(2026, 2, 1)], "USD"
    )
    assert [b.value for b in spend.bars] == ["none", "1.3k"] and spend.bars[1].words == "February 2026: 1,250.00 USD"
    burn = charts.burn(
        [(dt.date(2026, 10, 1), Decimal(600)), (dt.date(2026, 11, 1), Decimal(1100))],
        cap=Decimal(1000),
        committed=Decimal(1200),
        currency="USD",
        start=dt.date(2026, 10, 5),
        today=dt.date(2026, 11, 20),
    )
    assert burn is not None and [s.value for s in burn.steps] == ["600", "1.1k"] and burn.steps[1].over
    assert burn.committed == Decimal(1200) and burn.cap_y
    assert "1,100.00 USD invoiced" in burn.summary and "the cap is 1,000.00 USD (120% used)" in burn.summary
    assert (
        charts.burn([], cap=None, committed=Decimal(0), currency="USD", start=None, today=dt.date(2026, 1, 1)) is None
    )
    assert (charts.nice_top(Decimal(870)), charts.nice_top(Decimal(0))) == (
        (Decimal(1000), Decimal(250)),
        (Decimal(4), Decimal(1)),
    )


def test_a_budget_row_follows_the_health_checks_level_not_the_rounded_percent(engagement):
    from outsourcer.payments.selectors import Budget
    from outsourcer.payments.views_budgets import budget_row

    def row(invoiced: str, cap: str | None = "1000"):
        budget = Budget(
            engagement=engagement, currency="USD", cap=Decimal(cap) if cap else None,
            invoiced=Decimal(invoiced), unbilled_time=Decimal(0),
        )  # fmt: skip
        return budget_row(budget, 80)

    assert (row("796").level, row("796").words) == ("ok", "80% used; 204.00 USD left.")  # 79.6%: not yet
    assert row("800").level == "warning" and "Past the 80% alert." in row("800").words
    assert (row("1000.01").level, row("1000.01").words) == ("over", "Over the cap by 0.01 USD (100% used).")
    assert (row("5", None).level, row("5", None).words) == ("no-cap", "No cap set; 5.00 USD committed.")
