"""Invoices in the contractor portal: a contractor sees and sends only their own (anything else is a 404),
with a PDF or image that they and the business can download and nobody else; a bad file is refused; a
viewer's preview reads but shows no form. The same over the portal's API."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement
from outsourcer.payments.models import Invoice, InvoiceEvent
from outsourcer.payments.services import invoice_create, invoice_set_status
from tests.conftest import Personas, login_client
from tests.factories import ContractorFactory, EngagementFactory, MembershipFactory, MilestoneFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class Two:
    personas: Personas
    ana: Contractor
    ben: Contractor
    ana_work: Engagement
    ben_work: Engagement
    ana_invoice: Invoice
    ben_invoice: Invoice

    def url(self, name: str, **kwargs: Any) -> str:
        return reverse(name, kwargs={"ws": self.personas.workspace.uuid, **kwargs})


@pytest.fixture
def two(personas: Personas) -> Two:
    """Ana (the contractor persona) and Ben (another login), each with an engagement and an invoice."""
    ws = personas.workspace
    ben_user = UserFactory(email="ben@example.test")
    MembershipFactory(workspace=ws, user=ben_user, role="contractor")
    ana = ContractorFactory(workspace=ws, name="Ana Ortiz", portal_user=personas.contractor)
    ben = ContractorFactory(workspace=ws, name="Ben Kale", portal_user=ben_user)
    ana_work = EngagementFactory(contractor=ana, title="Brand refresh", payment_terms_days=15)
    ben_work = EngagementFactory(contractor=ben, title="Bookkeeping")
    actor = Actor.cli()
    ana_invoice = invoice_create(
        actor=actor, engagement=ana_work,
        data={"number": "ANA-1", "amount": Decimal("800.00"), "received_on": dt.date(2026, 11, 2)},
    )  # fmt: skip
    ben_invoice = invoice_create(
        actor=actor, engagement=ben_work, data={"number": "BEN-9", "amount": Decimal("90.00")},
        upload=SimpleUploadedFile("ben.pdf", PDF),
    )  # fmt: skip
    return Two(personas, ana, ben, ana_work, ben_work, ana_invoice, ben_invoice)


def test_a_contractor_sees_only_their_own_invoices(two: Two):
    invoice_set_status(actor=Actor.cli(), invoice=two.ana_invoice, status="disputed", note="Hours do not match.")
    client = login_client(two.personas.contractor)
    page = client.get(two.url("portal:invoices"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "No. ANA-1" in text and "800.00 USD" in text and "Brand refresh" in text
    assert "BEN-9" not in text and "Bookkeeping" not in text
    assert "Why: Hours do not match." in text  # the dispute's reason reaches the contractor
    assert "received 2026-11-02 + 15 days (the engagement&#x27;s payment terms)" in text  # the due date's basis
    # Ben's engagement, invoice and file are not there for Ana: 404, not 403.
    assert client.get(two.url("portal:invoice_new", engagement=two.ben_work.uuid)).status_code == 404
    assert client.get(two.url("portal:invoice_file", invoice=two.ben_invoice.uuid)).status_code == 404
    engagement = client.get(two.url("portal:engagement", engagement=two.ana_work.uuid)).content.decode()
    assert 'id="invoices"' in engagement and "No. ANA-1" in engagement and "Send an invoice" in engagement


def test_a_contractor_sends_an_invoice_with_its_pdf(two: Two, tmp_path: Any):
    client = login_client(two.personas.contractor)
    milestone = MilestoneFactory(engagement=two.ana_work, title="Logo set")
    url = two.url("portal:invoice_new", engagement=two.ana_work.uuid)
    form = client.get(url).content.decode()
    assert 'enctype="multipart/form-data"' in form and "Logo set" in form
    response = client.post(
        url,
        {
            "file": SimpleUploadedFile("ana-nov.pdf", PDF, content_type="application/pdf"),
            "number": "ANA-2",
            "issued_on": "2026-11-20",
            "amount": "1200.50",
            "milestone": str(milestone.uuid),
            "note": "Final logo files.",
        },
    )
    assert response.status_code == 302 and response["Location"] == two.url("portal:invoices")
    invoice = Invoice.objects.get(number="ANA-2")
    today = today_in(two.personas.workspace.time_zone)
    assert (invoice.amount, invoice.currency, invoice.status) == (Decimal("1200.50"), "USD", "received")
    assert invoice.from_portal and invoice.received_on == today and invoice.milestone == milestone
    assert invoice.file_name == "ana-nov.pdf" and invoice.file.read() == PDF
    event = InvoiceEvent.objects.get(invoice=invoice)
    assert (event.to_status, event.by, event.note) == ("received", two.personas.contractor, "submitted in the portal")
    listing = client.get(two.url("portal:invoices")).content.decode()
    assert "was sent to Acme Design" in listing and "Download ana-nov.pdf" in listing

    # The contractor downloads their copy: an attachment, never rendered in the page, never cached.
    own = client.get(two.url("portal:invoice_file", invoice=invoice.uuid))
    assert own.status_code == 200 and b"".join(own.streaming_content) == PDF
    assert own["Content-Disposition"].startswith("attachment;") and "ana-nov.pdf" in own["Content-Disposition"]
    assert own["X-Content-Type-Options"] == "nosniff" and "no-store" in own["Cache-Control"]
    # The business downloads it from the invoice's own page; Ben (another contractor) cannot.
    staff = login_client(two.personas.owner).get(reverse(
        "payments:invoice_file", kwargs={"ws": two.personas.workspace.uuid, "invoice": invoice.uuid}
    ))  # fmt: skip
    assert staff.status_code == 200 and b"".join(staff.streaming_content) == PDF
    ben = login_client(two.ben.portal_user)
    assert ben.get(two.url("portal:invoice_file", invoice=invoice.uuid)).status_code == 404
    assert "ANA-2" not in ben.get(two.url("portal:invoices")).content.decode()


def test_a_file_that_is_not_a_pdf_or_image_is_refused(two: Two):
    client = login_client(two.personas.contractor)
    url = two.url("portal:invoice_new", engagement=two.ana_work.uuid)
    fake = SimpleUploadedFile("invoice.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    response = client.post(url, {"file": fake, "amount": "100"})
    assert response.status_code == 400
    assert "Upload a PDF, PNG or JPEG file." in response.content.decode()
    missing = client.post(url, {"amount": "100"})
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    zero = client.post(url, {"file": SimpleUploadedFile("a.png", PNG), "amount": "0"})
    assert "An invoice is for an amount above zero." in zero.content.decode()
    assert not Invoice.objects.filter(engagement=two.ana_work, from_portal=True).exists()


def test_no_invoice_for_an_engagement_not_started(two: Two):
    from outsourcer.engagements.services import brief_save, brief_send

    draft = EngagementFactory(contractor=two.ana, title="Next job", status="draft")
    brief_save(actor=Actor.cli(), engagement=draft, data={"goals": "A clear brand for the spring campaign."})
    brief_send(actor=Actor.cli(), engagement=draft)  # sent: the portal shows it, but it has not started
    client = login_client(two.personas.contractor)
    url = two.url("portal:invoice_new", engagement=draft.uuid)
    assert "This engagement has not started yet" in client.get(url).content.decode()
    refused = client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF), "amount": "10"})
    assert refused.status_code == 400 and "A draft engagement has nothing to invoice yet." in refused.content.decode()
    assert not Invoice.objects.filter(engagement=draft).exists()


def test_a_viewer_previews_without_a_form_and_cannot_send(two: Two):
    viewer = login_client(two.personas.viewer)
    page = viewer.get(two.url("portal:invoices") + f"?contractor={two.ben.uuid}")
    text = page.content.decode()
    assert page.status_code == 200 and "Preview of the contractor portal" in text
    assert "BEN-9" in text and "ANA-1" not in text  # one contractor's portal at a time
    assert "Send an invoice" not in text
    new = viewer.get(two.url("portal:invoice_new", engagement=two.ben_work.uuid)).content.decode()
    assert 'enctype="multipart/form-data"' not in new and "the form is hidden" in new
    assert viewer.post(two.url("portal:invoice_new", engagement=two.ben_work.uuid), {"amount": "5"}).status_code == 403
    # A manager may send one on the contractor's behalf: it is recorded as theirs.
    manager = login_client(two.personas.manager)
    sent = manager.post(
        two.url("portal:invoice_new", engagement=two.ben_work.uuid),
        {"file": SimpleUploadedFile("b.png", PNG), "amount": "45", "number": "BEN-10"},
    )
    assert sent.status_code == 302 and sent["Location"].endswith(f"?contractor={two.ben.uuid}")
    assert InvoiceEvent.objects.get(invoice__number="BEN-10").by == two.personas.manager


# --- The portal's API ------------------------------------------------------------------------------


def send(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_the_portal_api_lists_and_takes_a_contractor_s_own_invoices(two: Two):
    client = login_client(two.personas.contractor)  # contractors hold read-only tokens: the browser session writes
    base = f"/api/v1/workspaces/{two.personas.workspace.uuid}/portal"
    listed = client.get(f"{base}/invoices").json()
    assert [i["number"] for i in listed["items"]] == ["ANA-1"]
    row = listed["items"][0]
    assert row["amount"] == "800.00" and row["due_on_effective"] == "2026-11-17" and row["status"] == "received"
    assert "15 days (the engagement's payment terms)" in row["due_basis"] and row["from_portal"] is False
    assert "note" not in row and "events" not in row  # the business's notes and history stay with it

    made = send(client, f"{base}/engagements/{two.ana_work.uuid}/invoices", {"number": "ANA-3", "amount": "75.5"})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["number"], body["amount"], body["from_portal"], body["file_name"]) == ("ANA-3", "75.50", True, None)
    assert body["received_on"] == today_in(two.personas.workspace.time_zone).isoformat()
    assert Invoice.objects.get(uuid=body["id"]).from_portal

    # No file through the API, no date received, no status: a strict schema refuses them.
    for extra in ({"file": "JVBERi0="}, {"received_on": "2026-01-01"}, {"status": "paid"}, {"ref": "mine"}):
        refused = send(client, f"{base}/engagements/{two.ana_work.uuid}/invoices", {"amount": "5", **extra})
        assert refused.status_code == 422, extra
    # Ben's engagement is not hers: 404. A milestone of another engagement: 400.
    assert send(client, f"{base}/engagements/{two.ben_work.uuid}/invoices", {"amount": "5"}).status_code == 404
    other = MilestoneFactory(engagement=two.ben_work)
    wrong = send(
        client, f"{base}/engagements/{two.ana_work.uuid}/invoices", {"amount": "5", "milestone": str(other.uuid)}
    )
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["message"] == "No such milestone on this engagement."
    assert (
        login_client(two.personas.viewer)
        .post(
            f"{base}/engagements/{two.ana_work.uuid}/invoices",
            json.dumps({"amount": "5"}),
            content_type="application/json",
        )
        .status_code
        == 403
    )
    assert sorted(i["number"] for i in client.get(f"{base}/invoices?status=open").json()["items"]) == ["ANA-1", "ANA-3"]
