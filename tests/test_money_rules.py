"""The money rules: each fires with its message and numbers, a near miss stays silent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor
from outsourcer.payments.models import Invoice
from outsourcer.payments.selectors import budget_for
from outsourcer.payments.services import invoice_create, invoice_set_status
from tests.factories import (
    AgreementFactory,
    ContractorFactory,
    EngagementFactory,
    MilestoneFactory,
    RatingFactory,
    ReviewFactory,
    TimeEntryFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)  # a Tuesday


def found(ws, rule: str, as_of: dt.date = TODAY) -> dict[str, str]:
    """The open findings of one rule: subject ref -> message."""
    result = check_run(actor=ACTOR, workspace=ws, as_of=as_of)
    return {f.subject_ref: f.message for f in result.open if f.rule == rule}


def severities(ws, rule: str) -> dict[str, str]:
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    return {f.subject_ref: f.severity for f in result.open if f.rule == rule}


def engagement(ws, ref: str, title: str = "Website copy", name: str = "Ann Lee", **fields):
    contractor = fields.pop("contractor", None) or ContractorFactory(workspace=ws, ref=f"c-{ref}", name=name)
    return EngagementFactory(contractor=contractor, ref=ref, title=title, **fields)


def invoice(work, ref: str, amount: str = "500.00", *, status: str = "approved", paid_on: dt.date | None = None,
            time_entries=None, **data) -> Invoice:  # fmt: skip
    """An invoice moved along its path as the payments app does it."""
    created = invoice_create(
        actor=ACTOR, engagement=work, data={"ref": ref, "amount": Decimal(amount), **data}, time_entries=time_entries
    )
    if status == "received":
        return created
    if status in ("disputed", "void"):
        return invoice_set_status(actor=ACTOR, invoice=created, status=status, note="Wrong hours")
    invoice_set_status(actor=ACTOR, invoice=created, status="approved")
    if status == "scheduled":
        return invoice_set_status(actor=ACTOR, invoice=created, status="scheduled")
    if status == "paid":
        return invoice_set_status(actor=ACTOR, invoice=created, status="paid", paid_on=paid_on, channel="ach")
    return created


def day(month: int, d: int) -> dt.date:
    return dt.date(2026, month, d)


# --- money/late-payment ------------------------------------------------------------------------------------


def test_late_payment_fires_on_an_open_invoice_past_its_due_date(db):
    ws = WorkspaceFactory()
    work = engagement(ws, "copy", payment_terms_days=14)
    invoice(work, "late", "1250.00", received_on=day(11, 2), number="AL-7")  # due 16 November
    invoice(work, "queued", status="scheduled", received_on=day(11, 10))  # due 24 November
    invoice(work, "new", status="received", due_on=day(11, 30), received_on=day(11, 20))  # its own date
    # Near misses: due today is not late yet; paid, disputed or void invoices are not waiting.
    invoice(work, "today", received_on=day(11, 17))
    invoice(work, "paid", status="paid", received_on=day(10, 1), paid_on=day(11, 20))
    invoice(work, "disputed", status="disputed", received_on=day(10, 1))
    invoice(work, "void", status="void", received_on=day(10, 1))
    assert found(ws, "money/late-payment") == {
        "late": "Ann Lee's invoice AL-7 for 1,250.00 USD (Website copy) was due on 16 November 2026 and is 15 days "
        "overdue: it is approved but not paid. Due date: received 2026-11-02 + 14 days (the engagement's payment "
        "terms).",
        "queued": "Ann Lee's invoice queued for 500.00 USD (Website copy) was due on 24 November 2026 and is 7 days "
        "overdue: it is scheduled but not paid. Due date: received 2026-11-10 + 14 days (the engagement's payment "
        "terms).",
        "new": "Ann Lee's invoice new for 500.00 USD (Website copy) was due on 30 November 2026 and is 1 day overdue: "
        "it is received but not yet approved. Due date: stated on the invoice.",
    }
    assert set(severities(ws, "money/late-payment").values()) == {"error"}


def test_late_payment_counts_from_the_workspace_default_without_terms(db):
    ws = WorkspaceFactory(policy={"default_payment_terms_days": 20})
    work = engagement(ws, "copy", payment_terms_days=None)
    invoice(work, "late", issued_on=day(11, 10))  # due 30 November
    invoice(work, "fine", issued_on=day(11, 11))  # due 1 December: today
    assert found(ws, "money/late-payment") == {
        "late": "Ann Lee's invoice late for 500.00 USD (Website copy) was due on 30 November 2026 and is 1 day "
        "overdue: it is approved but not paid. Due date: issued 2026-11-10 + 20 days (the workspace's default "
        "payment terms)."
    }


def test_a_new_york_freelancer_is_late_on_day_31_whatever_the_terms_say(db):
    """The terms say 60 days, but New York's Freelance Isn't Free Act allows 30 after the work was done."""
    ws = WorkspaceFactory(country="US", region="NY")
    freelancer = ContractorFactory(workspace=ws, ref="c-nia", name="Nia Park", kind="individual", region="NY")
    work = engagement(ws, "shoot", title="Product shoot", contractor=freelancer, payment_terms_days=60)
    shoot = MilestoneFactory(engagement=work, ref="m-shoot", status="accepted")
    ReviewFactory(milestone=shoot, decision="accepted", reviewed_on=day(10, 31))
    invoice(work, "nia-1", "1800.00", received_on=day(11, 2), milestone=shoot)
    law = (
        "30 days after 2026-10-31, when the milestone's work was accepted: the latest date the New York State "
        "Freelance Isn't Free Act allows (the terms would give 2027-01-01)"
    )
    assert found(ws, "money/late-payment", as_of=day(11, 30)) == {}  # day 30: still on time
    assert found(ws, "money/late-payment", as_of=TODAY) == {
        "nia-1": "Nia Park's invoice nia-1 for 1,800.00 USD (Product shoot) was due on 30 November 2026 and is 1 day "
        f"overdue: it is approved but not paid. Due date: {law}."
    }
    # An agency is not covered by the law: its terms stand.
    agency = ContractorFactory(workspace=ws, ref="c-studio", name="Studio Co", kind="agency", region="NY")
    invoice(engagement(ws, "agency", contractor=agency, payment_terms_days=60), "studio-1", received_on=day(11, 2))
    assert "studio-1" not in found(ws, "money/late-payment")


# --- money/paid-late -------------------------------------------------------------------------------------


def test_paid_late_fires_for_the_last_90_days_with_the_on_time_rate(db):
    ws = WorkspaceFactory()
    work = engagement(ws, "copy", name="Bo Chen", payment_terms_days=14)
    invoice(work, "slow", "300.00", status="paid", received_on=day(10, 1), paid_on=day(10, 20), number="BC-2")
    # Near misses: paid on the due date is on time; paid late more than 90 days ago is out of the window.
    invoice(work, "exact", status="paid", received_on=day(11, 1), paid_on=day(11, 15))
    invoice(work, "early", status="paid", received_on=day(11, 1), paid_on=day(11, 3))
    invoice(work, "old", status="paid", received_on=dt.date(2026, 8, 1), paid_on=dt.date(2026, 9, 2))
    assert found(ws, "money/paid-late") == {
        "slow": "Bo Chen's invoice BC-2 for 300.00 USD (Website copy) was paid on 20 October 2026, 5 days after it "
        "was due on 15 October 2026. In the last 90 days you paid 2 of 3 invoices on time (67%)."
    }
    # On the 91st day the old one is out of the window; the day before, it counts.
    assert "old" in found(ws, "money/paid-late", as_of=dt.date(2026, 11, 30))
    assert severities(ws, "money/paid-late") == {"slow": "warning"}


def test_paid_late_is_quiet_when_everything_was_paid_on_time(db):
    ws = WorkspaceFactory()
    work = engagement(ws, "copy", payment_terms_days=30)
    invoice(work, "a", status="paid", received_on=day(10, 1), paid_on=day(10, 31))
    assert found(ws, "money/paid-late") == {}


# --- money/good-worker-waiting ---------------------------------------------------------------------------


def test_good_worker_waiting_fires_for_a_preferred_or_well_rated_contractor(db):
    ws = WorkspaceFactory()
    star = ContractorFactory(workspace=ws, ref="star", name="Sol Reyes", stage="preferred")
    work = engagement(ws, "design", title="Design", contractor=star, payment_terms_days=14)
    invoice(work, "s-1", "2400.00", received_on=day(11, 2), currency="EUR", number="SR-31")
    invoice(work, "s-2", "100.00", received_on=day(11, 10))
    rated = ContractorFactory(workspace=ws, ref="rated", name="Ivo Lind", stage="approved")
    done = engagement(ws, "older", contractor=rated, status="completed")
    RatingFactory(engagement=done, overall=5)
    RatingFactory(engagement=done, overall=4)  # 4.5 on average: good enough
    invoice(engagement(ws, "now", contractor=rated, payment_terms_days=7), "i-1", received_on=day(11, 20))
    # Near misses: 4.4 on average; a preferred contractor whose invoice is due today.
    fair = ContractorFactory(workspace=ws, ref="fair", name="Fay Ode", stage="approved")
    old = engagement(ws, "fair-old", contractor=fair, status="completed")
    for score in (5, 4, 4, 5, 4):
        RatingFactory(engagement=old, overall=score)
    invoice(engagement(ws, "fair-now", contractor=fair, payment_terms_days=7), "f-1", received_on=day(11, 20))
    pref = ContractorFactory(workspace=ws, ref="pref", name="Pia Moe", stage="preferred")
    invoice(engagement(ws, "pref-now", contractor=pref, payment_terms_days=14), "p-1", received_on=day(11, 17))
    assert found(ws, "money/good-worker-waiting") == {
        "star": "Sol Reyes (a preferred contractor) is waiting for 2 overdue invoices: SR-31 for 2,400.00 EUR, due "
        "16 November 2026 (15 days ago) and s-2 for 100.00 USD, due 24 November 2026 (7 days ago).",
        "rated": "Ivo Lind (rated 4.5 of 5 on average) is waiting for 1 overdue invoice: i-1 for 500.00 USD, due "
        "27 November 2026 (4 days ago).",
    }
    assert set(found(ws, "money/late-payment")) == {"s-1", "s-2", "i-1", "f-1"}  # late, but not all good workers


# --- money/no-payment-terms ------------------------------------------------------------------------------


def test_no_payment_terms_fires_on_running_work_without_terms(db):
    ws = WorkspaceFactory(policy={"default_payment_terms_days": 21})
    engagement(ws, "open", payment_terms_days=None)
    engagement(ws, "paused", title="Books", status="paused", payment_terms_days=None)
    # Near misses: payment on receipt (0 days) is a term; finished or draft work is not judged.
    engagement(ws, "zero", payment_terms_days=0)
    engagement(ws, "done", status="completed", payment_terms_days=None)
    engagement(ws, "draft", status="draft", payment_terms_days=None)
    # A signed agreement that states the payment date is the term in writing; an unsigned draft, or a signed
    # one that does not state it, is not.
    AgreementFactory(engagement=engagement(ws, "signed", payment_terms_days=None), payment_date_stated=True)
    AgreementFactory(engagement=engagement(ws, "unsigned", payment_terms_days=None), signed_on=None)
    AgreementFactory(engagement=engagement(ws, "silent", payment_terms_days=None), payment_date_stated=False)
    assert set(found(ws, "money/no-payment-terms")) == {"open", "paused", "unsigned", "silent"}
    assert {ref: text for ref, text in found(ws, "money/no-payment-terms").items() if ref in ("open", "paused")} == {
        "open": "Website copy with Ann Lee has no payment terms: its invoices fall due by the workspace's default "
        "of 21 days, and nothing in writing tells the contractor when they will be paid.",
        "paused": "Books with Ann Lee has no payment terms: its invoices fall due by the workspace's default of 21 "
        "days, and nothing in writing tells the contractor when they will be paid.",
    }


# --- money/no-budget -------------------------------------------------------------------------------------


def test_no_budget_fires_without_a_cap_and_for_hourly_work_without_an_hour_cap_either(db):
    ws = WorkspaceFactory()
    engagement(ws, "retainer", title="Social posts", rate_model="retainer", budget_cap=None)
    engagement(ws, "hourly", title="Books", rate_model="hourly", budget_cap=None, weekly_hour_cap=None)
    # Near misses: hourly work with a weekly cap; a budget cap; finished work.
    engagement(ws, "capped-hours", rate_model="hourly", budget_cap=None, weekly_hour_cap=Decimal(5))
    engagement(ws, "capped", rate_model="fixed", budget_cap=Decimal(100))
    engagement(ws, "done", status="completed", rate_model="fixed", budget_cap=None)
    assert found(ws, "money/no-budget") == {
        "retainer": "Social posts with Ann Lee has no budget cap (retainer): nothing tells you when its cost passes "
        "what you meant to spend.",
        "hourly": "Books with Ann Lee is paid by the hour with neither a budget cap nor a weekly hour cap: nothing "
        "tells you when its cost passes what you meant to spend.",
    }
    assert set(severities(ws, "money/no-budget").values()) == {"info"}


# --- money/over-budget -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "level"),
    [("790.00", None), ("799.99", None), ("800.00", "warning"), ("1000.00", "warning"), ("1000.01", "error")],
)
def test_over_budget_warns_at_the_alert_and_errs_past_the_cap(db, amount, level):
    ws = WorkspaceFactory()  # the default alert: 80 %
    work = engagement(ws, "site", title="Website", budget_cap=Decimal(1000))
    invoice(work, "a", amount, status="paid", received_on=day(11, 1), paid_on=day(11, 2))
    invoice(work, "waiting", "400.00", status="received", received_on=day(11, 20))  # not committed yet
    assert severities(ws, "money/over-budget") == ({"site": level} if level else {})
    assert budget_for(engagement=work).committed == Decimal(amount)


def test_over_budget_messages_count_invoices_and_unbilled_hours_as_the_budget_page_does(db):
    ws = WorkspaceFactory(policy={"budget_alert_percent": 75}, fx_rates={"EUR": "1.10"})
    work = engagement(
        ws, "books", title="Books", rate_model="hourly", rate_amount=Decimal(50), budget_cap=Decimal(1000),
        weekly_hour_cap=Decimal(10),
    )  # fmt: skip
    billed = TimeEntryFactory(engagement=work, hours=Decimal(4), status="approved")
    TimeEntryFactory(engagement=work, hours=Decimal(6), status="approved", worked_on=day(11, 18))  # 300 USD unbilled
    TimeEntryFactory(engagement=work, hours=Decimal(9), status="submitted")  # not approved: not committed
    invoice(work, "hours", "200.00", time_entries=[billed], received_on=day(11, 20))
    invoice(work, "euro", "250.00", currency="EUR", received_on=day(11, 21))  # 275.00 USD
    over = engagement(ws, "site", title="Website", name="Bo Chen", budget_cap=Decimal(500))
    invoice(over, "s-1", "520.00", status="scheduled", received_on=day(11, 2))
    invoice(over, "s-2", "90.00", currency="CHF", received_on=day(11, 3))  # no rate: shown, not guessed
    assert found(ws, "money/over-budget") == {
        "books": "Books with Ann Lee has committed 775.00 USD of its 1,000.00 USD budget cap (78%), past the 75% "
        "alert; 225.00 USD is left (475.00 USD in approved, scheduled or paid invoices and 300.00 USD in approved "
        "hours not yet invoiced).",
        "site": "Website with Bo Chen has committed 520.00 USD against a budget cap of 500.00 USD (104%), 20.00 USD "
        "over it (520.00 USD in approved, scheduled or paid invoices). 1 invoice in CHF could not be counted: the "
        "workspace has no exchange rate for it.",
    }
    assert budget_for(engagement=work).committed == Decimal("775.00")
    # Approving the hours the cap allows no more of: the same numbers the budget page shows.
    assert severities(ws, "money/over-budget") == {"books": "warning", "site": "error"}


def test_over_budget_reads_only_running_engagements_with_a_cap(db):
    ws = WorkspaceFactory()
    done = engagement(ws, "done", status="completed", budget_cap=Decimal(100))
    invoice(done, "d-1", "500.00", status="paid", received_on=day(10, 1), paid_on=day(10, 2))
    open_ended = engagement(ws, "open", budget_cap=None)
    invoice(open_ended, "o-1", "500.00", received_on=day(11, 25))
    assert found(ws, "money/over-budget") == {}


def test_a_finding_about_an_invoice_links_to_the_invoice(db):
    from django.urls import reverse

    from outsourcer.checks.templatetags.checks_tags import subject_url

    ws = WorkspaceFactory()
    late = invoice(engagement(ws, "copy", payment_terms_days=14), "late", received_on=day(11, 2), number="AL-7")
    (finding,) = [f for f in check_run(actor=ACTOR, workspace=ws, as_of=TODAY).open if f.rule == "money/late-payment"]
    assert (finding.subject_kind, finding.subject_label) == ("invoice", "Invoice AL-7 from Ann Lee (Website copy)")
    assert subject_url(finding, ws) == reverse("payments:invoice", kwargs={"ws": ws.uuid, "invoice": late.uuid})
