"""Money over REST: invoices and their path (who took each step), what to pay and when, budgets, spend, the
forecast and the on-time rate; the contractor portal's invoices. Every operation and its refusals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.payments.models import Invoice, InvoiceEvent
from outsourcer.payments.services import invoice_create, invoice_set_status
from tests.conftest import Personas, login_client, token_client
from tests.factories import (
    ContractorFactory,
    EngagementFactory,
    MilestoneFactory,
    ReviewFactory,
    TaskFactory,
    TimeEntryFactory,
)

ACTOR = Actor.cli()


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def errors(response: Any) -> dict[str, str]:
    return {e["path"]: e["message"] for e in response.json()["errors"]}


@pytest.fixture
def owner(personas: Personas) -> Client:
    return token_client(personas.owner, personas.workspace)


@pytest.fixture
def base(personas: Personas) -> str:
    return f"/api/v1/workspaces/{personas.workspace.uuid}"


@pytest.fixture
def today(personas: Personas) -> dt.date:
    return today_in(personas.workspace.time_zone)


@pytest.fixture
def ann(personas: Personas) -> Any:
    return ContractorFactory(workspace=personas.workspace, ref="ann", name="Ann Lee")


@pytest.fixture
def site(ann: Any) -> Any:
    return EngagementFactory(contractor=ann, ref="e-site", title="Website copy", payment_terms_days=14)


def make(engagement: Any, *, status: str = "received", paid_on: dt.date | None = None, **data: Any) -> Invoice:
    """An invoice taken along its path to `status` (paid on `paid_on`, by default the day it was received)."""
    invoice = invoice_create(actor=ACTOR, engagement=engagement, data={"amount": Decimal(500), **data})
    path = {"approved": ["approved"], "scheduled": ["approved", "scheduled"], "paid": ["approved", "paid"]}
    for step in path.get(status, [status] if status != "received" else []):
        extra = {"paid_on": paid_on or data.get("received_on"), "channel": "ach"} if step == "paid" else {}
        if step == "disputed":
            extra = {"note": "The hours do not match."}
        invoice = invoice_set_status(actor=ACTOR, invoice=invoice, status=step, **extra)
    return invoice


# --- Invoices: the list ----------------------------------------------------------------------------


def test_the_list_filters_pages_and_gives_each_due_date_with_its_reason(
    personas: Personas, owner: Client, base: str, today: dt.date, ann: Any, site: Any
):
    bo = ContractorFactory(workspace=personas.workspace, name="Bo Berg")
    logo = EngagementFactory(contractor=bo, ref="e-logo", title="Logo", payment_terms_days=None)
    make(site, ref="late", number="A-7", received_on=today - dt.timedelta(days=20), status="approved")
    make(site, ref="fresh", received_on=today - dt.timedelta(days=2))
    make(logo, ref="paid", received_on=today - dt.timedelta(days=40), status="paid", paid_on=today)
    make(logo, ref="void", received_on=today - dt.timedelta(days=3), status="void")
    make(EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace)), ref="elsewhere")

    def refs(query: str = "") -> list[str]:
        response = owner.get(f"{base}/invoices?{query}")
        assert response.status_code == 200, response.content
        return sorted(i["ref"] for i in response.json()["items"])

    assert refs() == ["fresh", "late", "paid", "void"]
    assert refs("status=open") == ["fresh", "late"]
    assert refs("status=void") == ["void"]
    assert refs(f"engagement={logo.uuid}") == ["paid", "void"]
    assert refs(f"contractor={ann.uuid}") == ["fresh", "late"]
    assert refs("contractor=00000000-0000-4000-8000-000000000000") == []
    assert owner.get(f"{base}/invoices?status=unpaid").status_code == 422
    page = owner.get(f"{base}/invoices?limit=1&offset=1").json()
    assert page["count"] == 4 and len(page["items"]) == 1

    rows = {i["ref"]: i for i in owner.get(f"{base}/invoices").json()["items"]}
    late = rows["late"]
    assert late["amount"] == "500.00" and late["currency"] == "USD" and late["number"] == "A-7"
    assert late["due_on"] is None  # it states no date: computed from the engagement's 14 days
    assert late["due_on_effective"] == (today - dt.timedelta(days=6)).isoformat()
    assert late["due_basis"].endswith("+ 14 days (the engagement's payment terms)")
    assert late["days_overdue"] == 6 and late["laws"] == [] and late["due_capped"] is False
    assert late["contractor_name"] == "Ann Lee" and late["engagement_ref"] == "e-site"
    assert rows["fresh"]["days_overdue"] == 0
    assert rows["paid"]["days_overdue"] is None and rows["paid"]["paid_on_time"] is False
    assert rows["paid"]["channel"] == "ach" and "workspace's default payment terms" in rows["paid"]["due_basis"]
    assert rows["void"]["days_overdue"] is None and rows["void"]["paid_on_time"] is None


def test_a_law_caps_the_due_date_and_is_named(personas: Personas, owner: Client, base: str):
    ws = personas.workspace
    ws.country, ws.region = "US", "TX"
    ws.save()
    contractor = ContractorFactory(workspace=ws, country="US", region="NY-NYC", name="Nia Park")
    engagement = EngagementFactory(contractor=contractor, payment_terms_days=60, budget_cap=Decimal(1500))
    milestone = MilestoneFactory(engagement=engagement, status="accepted")
    ReviewFactory(milestone=milestone, reviewed_on=dt.date(2026, 10, 20))
    invoice = make(engagement, received_on=dt.date(2026, 11, 1), milestone=milestone)
    row = owner.get(f"{base}/invoices/{invoice.uuid}").json()
    assert row["due_on_effective"] == "2026-11-19" and row["due_capped"] is True
    assert {law["id"] for law in row["laws"]} == {"nyc-fifa", "nys-fifa"}
    assert all(law["payment_days_after_completion"] == 30 for law in row["laws"])
    assert "the terms would give 2026-12-31" in row["due_basis"]
    assert row["milestone"] == str(milestone.uuid) and row["milestone_ref"] == milestone.ref


# --- Invoices: recording and correcting ------------------------------------------------------------


def test_recording_an_invoice_with_its_milestone_and_hours(personas: Personas, owner: Client, base: str, site: Any):
    site.rate_model, site.rate_amount = "hourly", Decimal(60)
    site.save()
    milestone = MilestoneFactory(engagement=site)
    hours = [TimeEntryFactory(engagement=site, status="approved", hours=Decimal(h)) for h in ("2.5", "4")]
    body = {
        "engagement": str(site.uuid),
        "number": "INV-2026-11",
        "issued_on": "2026-11-20",
        "received_on": "2026-11-21",
        "amount": "390",
        "milestone": str(milestone.uuid),
        "time_entries": [str(t.uuid) for t in hours],
        "note": "Hours of November.",
    }
    response = send(owner, "post", f"{base}/invoices", body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["amount"] == "390.00" and made["currency"] == "USD" and made["status"] == "received"
    assert made["ref"].startswith("inv-") and made["from_portal"] is False and made["file_name"] is None
    assert made["due_on_effective"] == "2026-12-05"  # received + the engagement's 14 days
    assert sorted(t["hours"] for t in made["time_entries"]) == ["2.50", "4.00"]
    assert made["next_statuses"] == ["approved", "disputed", "void"]
    assert [(e["from_status"], e["to_status"], e["by"]) for e in made["events"]] == [
        (None, "received", "owner@acme.test")
    ]
    invoice = Invoice.objects.get(uuid=made["id"])
    assert invoice.amount == Decimal("390.00") and invoice.milestone == milestone
    # The same hours again: billed already.
    again = send(owner, "post", f"{base}/invoices", {**body, "number": "X"})
    assert again.status_code == 400
    assert "billed on another invoice" in errors(again)["$.time_entries"]


def test_recording_refuses_bad_input_clearly(personas: Personas, owner: Client, base: str, site: Any):
    url = f"{base}/invoices"
    ok = {"engagement": str(site.uuid), "amount": "100.00"}
    # No file goes through the API (a strict schema: unknown fields are refused).
    response = send(owner, "post", url, {**ok, "file": "JVBERi0xLjQK"})
    assert response.status_code == 422 and "$.file" in errors(response)
    assert send(owner, "post", url, {**ok, "status": "paid"}).status_code == 422
    assert send(owner, "post", url, {**ok, "amount": "10.005"}).status_code == 422
    assert send(owner, "post", url, {**ok, "amount": "NaN"}).status_code == 422
    assert send(owner, "post", url, {**ok, "currency": "usd"}).status_code == 422
    zero = send(owner, "post", url, {**ok, "amount": "0"})
    assert zero.status_code == 400 and errors(zero)["$.amount"] == "An invoice is for an amount above zero."
    early = send(owner, "post", url, {**ok, "issued_on": "2026-11-20", "due_on": "2026-11-01"})
    assert errors(early)["$.due_on"] == "The due date comes before the invoice's date."
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    absent = send(owner, "post", url, {**ok, "engagement": str(foreign.uuid)})
    assert absent.status_code == 400 and errors(absent)["$.engagement"] == "No such engagement in this workspace."
    other = MilestoneFactory(engagement=EngagementFactory(contractor=site.contractor))
    wrong = send(owner, "post", url, {**ok, "milestone": str(other.uuid)})
    assert errors(wrong)["$.milestone"] == "The milestone belongs to another engagement."
    draft = EngagementFactory(contractor=site.contractor, status="draft")
    conflict = send(owner, "post", url, {**ok, "engagement": str(draft.uuid)})
    assert conflict.status_code == 409 and "draft engagement has nothing to invoice" in conflict.json()["message"]
    make(site, ref="taken")
    clash = send(owner, "post", url, {**ok, "ref": "taken"})
    assert clash.status_code == 400 and "already uses the ref" in errors(clash)["$.ref"]
    assert Invoice.objects.filter(workspace=personas.workspace).count() == 1


def test_only_a_received_or_disputed_invoice_changes(personas: Personas, owner: Client, base: str, site: Any):
    invoice = make(site, number="A-1")
    url = f"{base}/invoices/{invoice.uuid}"
    changed = send(owner, "patch", url, {"amount": "525.5", "due_on": "2027-01-31"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["amount"] == "525.50" and changed.json()["due_on_effective"] == "2027-01-31"
    cleared = send(owner, "patch", url, {"due_on": None})
    assert cleared.json()["due_on"] is None
    assert errors(send(owner, "patch", url, {"currency": None}))["$.currency"] == "This field cannot be null."
    assert send(owner, "patch", url, {"status": "paid"}).status_code == 422
    invoice_set_status(actor=ACTOR, invoice=invoice, status="approved")
    refused = send(owner, "patch", url, {"amount": "1"})
    assert refused.status_code == 409
    assert refused.json()["message"] == "A approved invoice can no longer change."
    assert Invoice.objects.get(pk=invoice.pk).amount == Decimal("525.50")


def test_deleting_only_what_nobody_acted_on(personas: Personas, owner: Client, base: str, site: Any):
    fresh = make(site)
    assert owner.delete(f"{base}/invoices/{fresh.uuid}").status_code == 204
    assert not Invoice.objects.filter(pk=fresh.pk).exists()
    acted = make(site, status="approved")
    refused = owner.delete(f"{base}/invoices/{acted.uuid}")
    assert (
        refused.status_code == 409 and refused.json()["message"] == "Void this invoice instead: it has been acted on."
    )
    foreign = make(EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace)))
    assert owner.delete(f"{base}/invoices/{foreign.uuid}").status_code == 404


# --- Invoices: the path to payment -----------------------------------------------------------------


def test_the_path_to_payment_and_who_took_each_step(personas: Personas, base: str, site: Any):
    manager = token_client(personas.manager, personas.workspace)
    invoice = make(site, received_on=dt.date(2026, 11, 2))
    url = f"{base}/invoices/{invoice.uuid}/status"
    # Paying a received invoice skips approval: refused with the steps allowed.
    skip = send(manager, "post", url, {"status": "paid", "paid_on": "2026-11-12", "channel": "ach"})
    assert skip.status_code == 409
    assert skip.json()["message"] == "A received invoice cannot become paid; next: approved, disputed, void."
    assert send(manager, "post", url, {"status": "disputed"}).status_code == 400  # a dispute says why
    approved = send(manager, "post", url, {"status": "approved", "note": "Checked against the hours."})
    assert approved.status_code == 200 and approved.json()["next_statuses"] == ["disputed", "paid", "scheduled", "void"]
    missing_day = send(manager, "post", url, {"status": "paid", "channel": "ach"})
    assert missing_day.status_code == 400 and errors(missing_day)["$.paid_on"] == "Say on which day it was paid."
    missing_channel = send(manager, "post", url, {"status": "paid", "paid_on": "2026-11-12"})
    assert missing_channel.status_code == 400 and "$.channel" in errors(missing_channel)
    assert (
        send(manager, "post", url, {"status": "paid", "paid_on": "2026-11-12", "channel": "bitcoin"}).status_code == 422
    )
    stray = send(manager, "post", url, {"status": "scheduled", "paid_on": "2026-11-12"})
    assert stray.status_code == 400 and errors(stray)["$.paid_on"] == "Only for a payment (status `paid`)."
    too_much = {"status": "paid", "paid_on": "2026-11-12", "channel": "check", "backup_withholding": "501"}
    assert errors(send(manager, "post", url, too_much))["$.backup_withholding"] == (
        "Backup withholding cannot exceed the invoice."
    )
    paid = send(manager, "post", url, {**too_much, "backup_withholding": 120})
    assert paid.status_code == 200, paid.content
    row = paid.json()
    assert (row["status"], row["paid_on"], row["channel"], row["backup_withholding"]) == (
        "paid", "2026-11-12", "check", "120.00",
    )  # fmt: skip
    assert row["paid_on_time"] is True and row["next_statuses"] == []
    settled = send(manager, "post", url, {"status": "void"})
    assert settled.status_code == 409 and "none: it is settled" in settled.json()["message"]

    events = manager.get(f"{base}/invoices/{invoice.uuid}/events").json()
    assert [(e["from_status"], e["to_status"], e["by"], e["note"]) for e in events] == [
        (None, "received", "command line", ""),
        ("received", "approved", "manager@acme.test", "Checked against the hours."),
        ("approved", "paid", "manager@acme.test", ""),
    ]
    assert InvoiceEvent.objects.filter(invoice=invoice).count() == 3


# --- What to pay -----------------------------------------------------------------------------------


def test_payables_soonest_first_and_this_week(personas: Personas, owner: Client, base: str, today: dt.date, site: Any):
    sunday = today + dt.timedelta(days=6 - today.weekday())
    make(site, ref="later", status="approved", due_on=sunday + dt.timedelta(days=10), received_on=today)
    make(
        site,
        ref="overdue",
        status="scheduled",
        due_on=today - dt.timedelta(days=3),
        received_on=today - dt.timedelta(days=9),
    )
    make(site, ref="sunday", status="approved", due_on=sunday, received_on=today)
    make(site, ref="unchecked", due_on=today, received_on=today)  # received: to pay, not yet to pay this week
    make(site, ref="undated")  # no date to count from: last
    make(site, ref="done", status="paid", received_on=today)
    everything = owner.get(f"{base}/payables").json()
    assert [r["ref"] for r in everything] == ["overdue", "unchecked", "sunday", "later", "undated"]
    assert everything[0]["days_overdue"] == 3 and everything[-1]["due_on_effective"] is None
    week = owner.get(f"{base}/payables/this-week").json()
    assert [r["ref"] for r in week] == ["overdue", "sunday"]


# --- Budgets, spend, forecast, on-time -------------------------------------------------------------


def test_an_engagement_s_budget_and_burn(personas: Personas, owner: Client, base: str, site: Any):
    site.rate_model, site.rate_amount, site.budget_cap = "hourly", Decimal(50), Decimal(2000)
    site.save()
    make(site, amount=Decimal("600.00"), received_on=dt.date(2026, 10, 5), status="paid")
    make(site, amount=Decimal("400.00"), received_on=dt.date(2026, 11, 5), status="approved")
    make(site, amount=Decimal("999.00"), received_on=dt.date(2026, 11, 6))  # received: not committed yet
    make(site, amount=Decimal("100.00"), currency="GBP", received_on=dt.date(2026, 11, 7), status="approved")
    TimeEntryFactory(engagement=site, status="approved", hours=Decimal("10"))
    budget = owner.get(f"{base}/engagements/{site.uuid}/budget").json()
    assert budget["currency"] == "USD" and budget["cap"] == "2000.00"
    assert (budget["invoiced"], budget["unbilled_time"], budget["committed"]) == ("1000.00", "500.00", "1500.00")
    assert (budget["percent"], budget["remaining"], budget["level"], budget["alert_percent"]) == (
        75,
        "500.00",
        "ok",
        80,
    )
    assert budget["burn"] == [
        {"month": "2026-10-01", "committed": "600.00"},
        {"month": "2026-11-01", "committed": "1000.00"},
    ]
    assert budget["unconvertible"] == [
        {"ref": budget["unconvertible"][0]["ref"], "amount": "100.00", "currency": "GBP"}
    ]
    make(site, amount=Decimal("700.00"), received_on=dt.date(2026, 11, 9), status="approved")
    over = owner.get(f"{base}/engagements/{site.uuid}/budget").json()
    assert (over["level"], over["remaining"], over["percent"]) == ("over", "-200.00", 110)
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    assert owner.get(f"{base}/engagements/{foreign.uuid}/budget").status_code == 404


def test_spend_by_contractor_month_and_category_adds_up(personas: Personas, owner: Client, base: str, site: Any):
    ws = personas.workspace
    ws.fx_rates = {"EUR": "1.10"}
    ws.save()
    site.tasks.add(TaskFactory(workspace=ws, name="Copy", category="marketing"))
    bo = EngagementFactory(contractor=ContractorFactory(workspace=ws, name="Bo Berg"), title="Books")
    make(site, amount=Decimal("100.00"), received_on=dt.date(2026, 3, 2), status="paid")
    make(site, amount=Decimal("33.33"), currency="EUR", received_on=dt.date(2026, 4, 2), status="paid")
    make(bo, amount=Decimal("250.00"), received_on=dt.date(2026, 4, 9), status="paid")
    make(bo, amount=Decimal("80.00"), currency="JPY", received_on=dt.date(2026, 4, 9), status="paid")
    make(bo, amount=Decimal("999.00"), received_on=dt.date(2025, 12, 30), status="paid")  # before the start
    response = owner.get(f"{base}/spend?start=2026-01-01&end=2026-12-31")
    assert response.status_code == 200, response.content
    s = response.json()
    assert (s["currency"], s["total"]) == ("USD", "386.66")  # 100 + 33.33 x 1.10 = 36.663 -> 36.66, + 250
    assert s["by_contractor"] == [{"key": "Ann Lee", "amount": "136.66"}, {"key": "Bo Berg", "amount": "250.00"}]
    assert s["by_month"] == [{"month": "2026-03-01", "amount": "100.00"}, {"month": "2026-04-01", "amount": "286.66"}]
    assert s["by_category"] == [{"key": "Uncategorised", "amount": "250.00"}, {"key": "marketing", "amount": "136.66"}]
    assert s["unconvertible"] == [{"currency": "JPY", "amount": "80.00"}]
    for part in ("by_contractor", "by_month", "by_category"):
        assert sum(Decimal(r["amount"]) for r in s[part]) == Decimal(s["total"])
    backwards = owner.get(f"{base}/spend?start=2026-12-31&end=2026-01-01")
    assert backwards.status_code == 400 and errors(backwards)["$.start"] == "The start comes after the end."
    assert owner.get(f"{base}/spend?start=yesterday").status_code == 422
    default = owner.get(f"{base}/spend").json()
    assert default["start"] == default["end"][:4] + "-01-01"


def test_forecast_and_on_time_rate(personas: Personas, owner: Client, base: str, today: dt.date, ann: Any):
    retainer = EngagementFactory(
        contractor=ann, title="Support", kind="ongoing", rate_model="retainer", rate_amount=Decimal("1000"),
        start_on=today - dt.timedelta(days=100), end_on=None,
    )  # fmt: skip
    forecast = owner.get(f"{base}/forecast").json()
    assert (forecast["currency"], forecast["next_3_months"], forecast["next_12_months"]) == (
        "USD",
        "3000.00",
        "12000.00",
    )
    assert [(o["engagement_title"], o["monthly"], o["basis"]) for o in forecast["obligations"]] == [
        ("Support", "1000.00", "retainer, a month")
    ]
    late = {"due_on": today - dt.timedelta(days=5), "received_on": today - dt.timedelta(days=9)}
    make(retainer, **late, status="paid", paid_on=today - dt.timedelta(days=1))
    on_time = make(retainer, received_on=today - dt.timedelta(days=3), status="approved")
    invoice_set_status(actor=ACTOR, invoice=on_time, status="paid", paid_on=today, channel="wire")
    rate = owner.get(f"{base}/on-time").json()
    assert (rate["paid"], rate["on_time"], rate["percent"], rate["window_days"]) == (2, 1, 50, 90)
    assert len(rate["months"]) == 12 and rate["months"][-1]["month"] == today.replace(day=1).isoformat()
    assert sum(m["paid"] for m in rate["months"]) == 2


def test_readers_read_money_but_change_nothing(personas: Personas, base: str, site: Any):
    viewer = login_client(personas.viewer)
    invoice = make(site)
    assert viewer.get(f"{base}/invoices").status_code == 200
    assert viewer.get(f"{base}/payables").status_code == 200
    refused = send(viewer, "post", f"{base}/invoices/{invoice.uuid}/status", {"status": "approved"})
    assert refused.status_code == 403
    contractor = login_client(personas.contractor)
    assert contractor.get(f"{base}/invoices").status_code == 403  # the portal's invoices are theirs
    assert Invoice.objects.get(pk=invoice.pk).status == "received"
