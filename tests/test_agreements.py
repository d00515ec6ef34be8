"""Written agreements: the terms, the freelancer-law fields they must hold, the PDF, signing with the signed copy
kept as long as the law says, and the web pages.

The required case: a New York business engages an individual in New York City for more than $800; the
generated PDF, read back as text, holds every element the New York City and New York State laws ask of a
written contract, with the actual values.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from outsourcer.accounts.models import Role
from outsourcer.audit.models import AuditEntry
from outsourcer.compliance.agreements import FIELD_LABELS, agreement_filename, agreement_pdf, agreement_terms
from outsourcer.compliance.models import Agreement
from outsourcer.compliance.selectors import agreement_of
from outsourcer.compliance.services import agreement_save, agreement_sign
from outsourcer.contractors.models import Document
from outsourcer.contractors.services import record_delete
from outsourcer.core.actor import Actor
from outsourcer.engagements.laws import all_laws
from tests.conftest import login_client
from tests.factories import (
    BriefFactory,
    ContractorFactory,
    EngagementFactory,
    MembershipFactory,
    MilestoneFactory,
    UserFactory,
    WorkspaceFactory,
)

ACTOR = Actor.cli()
DAY = dt.date(2026, 11, 2)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% a signed copy\n%%EOF\n"
ROOT = Path(__file__).resolve().parent.parent


def pdf_text(data: bytes) -> str:
    """The PDF's text, with runs of white space made one space (lines wrap where the page ends)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def ny_engagement(**overrides: Any) -> Any:
    """Acme (New York, US) hires Rosa, an individual in New York City, for $2,400 of copywriting."""
    workspace = WorkspaceFactory(name="Acme Design LLC", country="US", region="NY", time_zone="America/New_York")
    contractor = ContractorFactory(
        workspace=workspace, name="Rosa Alvarez", email="rosa@example.test", region="NY-NYC", kind="individual"
    )
    fields = {
        "title": "Website copy",
        "ref": "web-copy",
        "rate_model": "fixed",
        "rate_amount": Decimal("2400.00"),
        "budget_cap": Decimal("2400.00"),
        "payment_terms_days": 15,
        "start_on": dt.date(2026, 11, 1),
        "end_on": dt.date(2027, 1, 31),
        **overrides,
    }
    return EngagementFactory(contractor=contractor, **fields)


NY_TERMS = {
    "business_address": "12 Atlantic Avenue\nBrooklyn, NY 11201",
    "business_email": "hello@acme.test",
    "business_phone": "+1 718 555 0100",
    "contractor_address": "340 West 23rd Street, Apt 5B\nNew York, NY 10011",
    "contractor_phone": "+1 212 555 0199",
    "services": "Home page copy\nAbout page copy\nThree case studies",
    "invoice_deadline_days": 7,
    "termination_notice_days": 10,
}


# --- The required case: New York ---------------------------------------------------------------------


@pytest.mark.django_db
def test_new_york_agreement_pdf_holds_every_field_the_nyc_and_nys_laws_require() -> None:
    engagement = ny_engagement()
    agreement = agreement_save(actor=ACTOR, engagement=engagement, data=NY_TERMS)
    terms = agreement_terms(engagement=engagement, agreement=agreement, on=DAY)

    covering = {law.id for law in terms.laws}
    assert covering == {"nyc-fifa", "nys-fifa"}
    required = {f for law in terms.laws for f in law.contract_fields}
    assert {"parties", "addresses", "services", "value", "rate_and_method", "payment_date", "invoice_deadline"} <= (
        required
    )
    assert terms.missing == []
    assert all(lc.complete for lc in terms.law_checks)

    text = pdf_text(agreement_pdf(terms))
    # Both parties' names and mailing addresses.
    assert "Acme Design LLC" in text and "Rosa Alvarez" in text
    assert "12 Atlantic Avenue, Brooklyn, NY 11201" in text
    assert "340 West 23rd Street, Apt 5B, New York, NY 10011" in text
    assert "hello@acme.test" in text and "+1 718 555 0100" in text and "rosa@example.test" in text
    # Each itemised service.
    for service in ("Home page copy", "About page copy", "Three case studies"):
        assert re.search(rf"\d\. {service}", text), service
    # The value, and the rate and method.
    assert "2,400.00 USD" in text
    assert "A fixed price of 2,400.00 USD for all the services listed" in text
    # The payment date: the terms' 15 days after receipt, capped at the laws' days after completion.
    cap = min(law.payment_days_after_completion for law in all_laws() if law.id in covering)
    assert "within 15 days after receiving it" in text
    assert f"never later than {cap} days after the work the invoice covers is completed" in text
    # The invoice deadline.
    assert "no later than 7 days after completing them" in text
    # The clauses.
    assert "Independent contractor" in text and "not as an employee" in text
    assert "Ownership of the work" in text and "transfers to the Business all rights" in text
    assert "Confidentiality" in text and "non-public information" in text
    assert "Ending the agreement" in text and "by giving 10 days' notice in writing" in text
    # Retention: the longest of the covering laws, New York State's 6 years.
    nys = next(law for law in all_laws() if law.id == "nys-fifa")
    assert nys.retention_years == 6
    assert f"for at least {nys.retention_years} years" in text and nys.name in text
    assert terms.retention_years == 6
    # Signature lines, page numbers and the note that this is not legal advice.
    assert "For the Business" in text and "The Contractor" in text and "Signature" in text
    assert "Page 1 of" in text
    assert "not legal advice" in text


@pytest.mark.django_db
def test_the_pdf_is_deterministic_and_letter_sized_for_a_us_business() -> None:
    engagement = ny_engagement()
    terms = agreement_terms(engagement=engagement, agreement=agreement_save(actor=ACTOR, engagement=engagement,
                                                                            data=NY_TERMS), on=DAY)  # fmt: skip
    first, second = agreement_pdf(terms), agreement_pdf(terms)
    assert first.startswith(b"%PDF-") and first == second
    page = PdfReader(io.BytesIO(first)).pages[0]
    assert round(float(page.mediabox.width)) == 612  # 8.5 inches
    a4 = PdfReader(io.BytesIO(agreement_pdf(terms, paper="A4"))).pages[0]
    assert round(float(a4.mediabox.width)) == 595
    assert agreement_filename(terms) == "agreement-web-copy.pdf"


# --- Near misses: no law covers -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "amount"),
    [("agency", Decimal("2400.00")), ("individual", Decimal("500.00"))],
    ids=["an agency", "a $500 job"],
)
def test_an_agency_or_a_small_job_in_new_york_is_not_covered(kind: str, amount: Decimal) -> None:
    engagement = ny_engagement(rate_amount=amount, budget_cap=amount)
    engagement.contractor.kind = kind
    engagement.contractor.save()
    terms = agreement_terms(engagement=engagement, on=DAY)
    assert terms.laws == () and terms.law_checks == () and terms.missing == []
    assert terms.completion_cap_days is None and terms.retention_years is None
    text = pdf_text(agreement_pdf(terms))
    assert "never later than" not in text and "Keeping this agreement" not in text
    assert "within 15 days after receiving it" in text


@pytest.mark.django_db
def test_the_page_shows_no_law_block_when_no_law_covers(client: Client) -> None:
    engagement = ny_engagement(rate_amount=Decimal(500), budget_cap=Decimal(500))
    body = _page(client, engagement).content.decode()
    assert "No freelancer-protection law" in body
    assert "New York State Freelance" not in body


# --- What is missing --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_missing_mailing_address_is_missing() -> None:
    engagement = ny_engagement()
    terms = agreement_terms(engagement=engagement, on=DAY)  # the draft: no addresses are known yet
    missing = {c.field: c for c in terms.missing}
    assert "addresses" in missing
    assert missing["addresses"].detail == "No mailing address for the business or the contractor."
    assert set(missing["addresses"].required_by) == {"nyc-fifa", "nys-fifa"}
    assert "Mailing address: [to be added]" in pdf_text(agreement_pdf(terms))

    agreement_save(actor=ACTOR, engagement=engagement, data={"business_address": "12 Atlantic Avenue"})
    terms = agreement_terms(engagement=engagement, on=DAY)
    detail = next(c.detail for c in terms.missing if c.field == "addresses")
    assert detail == "No mailing address for the contractor."


@pytest.mark.django_db
def test_each_law_lists_its_fields_and_los_angeles_asks_for_phone_and_email() -> None:
    workspace = WorkspaceFactory(country="US", region="CA-LOS_ANGELES")
    engagement = EngagementFactory(contractor=ContractorFactory(workspace=workspace, region="CA-LOS_ANGELES"),
                                   start_on=dt.date(2026, 3, 1))  # fmt: skip
    agreement_save(actor=ACTOR, engagement=engagement, data={**NY_TERMS, "contractor_phone": ""})
    terms = agreement_terms(engagement=engagement, on=DAY)
    by_law = {lc.law.id: [c.field for c in lc.fields] for lc in terms.law_checks}
    assert "contact" in by_law["la-fwpo"] and "contact" not in by_law["ca-fwpa"]
    assert [c.detail for c in terms.missing] == ["No phone number for the contractor."]
    # California asks for the invoice deadline and keeps 4 years, like Los Angeles.
    assert "invoice_deadline" in by_law["ca-fwpa"] and terms.retention_years == 4


@pytest.mark.django_db
def test_services_fall_back_to_the_brief_then_the_title() -> None:
    engagement = ny_engagement()
    terms = agreement_terms(engagement=engagement, on=DAY)
    assert [i.text for i in terms.services] == ["Website copy"] and terms.services_source == "title"
    assert "services" in {c.field for c in terms.missing}
    BriefFactory(engagement=engagement, deliverables=["Home page copy", "  ", "Case studies"])
    engagement.refresh_from_db()
    terms = agreement_terms(engagement=engagement, on=DAY)
    assert [i.text for i in terms.services] == ["Home page copy", "Case studies"]
    assert terms.services_source == "brief" and "services" not in {c.field for c in terms.missing}


@pytest.mark.django_db
def test_payment_days_come_from_the_agreement_the_engagement_then_the_workspace() -> None:
    engagement = ny_engagement(payment_terms_days=None)
    engagement.workspace.policy = {"default_payment_terms_days": 21}
    engagement.workspace.save()
    terms = agreement_terms(engagement=engagement, on=DAY)
    assert (terms.payment_days, terms.payment_days_source) == (21, "workspace")
    engagement.payment_terms_days = 12
    engagement.save()
    assert agreement_terms(engagement=engagement, on=DAY).payment_days == 12
    agreement_save(actor=ACTOR, engagement=engagement, data={"payment_days": 9})
    terms = agreement_terms(engagement=engagement, on=DAY)
    assert (terms.payment_days, terms.payment_days_source) == (9, "agreement")
    assert "within 9 days after receiving it" in pdf_text(agreement_pdf(terms))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "fields", "expected"),
    [
        ("hourly", {"rate_amount": Decimal("60"), "weekly_hour_cap": Decimal("15")},
         ["60.00 USD for each hour worked", "no more than 15 hours a week"]),
        ("retainer", {"rate_amount": Decimal("900"), "retainer_included_hours": Decimal("12.5")},
         ["A monthly retainer of 900.00 USD", "up to 12.5 hours of work in the month"]),
        ("commission", {"commission_percent": Decimal("7.5"), "commission_base": "closed sales"},
         ["A commission of 7.5% of closed sales"]),
    ],
)  # fmt: skip
def test_the_rate_and_method_follow_the_rate_model(model: str, fields: dict[str, Any], expected: list[str]) -> None:
    engagement = ny_engagement(rate_model=model, **fields)
    text = pdf_text(agreement_pdf(agreement_terms(engagement=engagement, on=DAY)))
    for words in expected:
        assert words in text


@pytest.mark.django_db
def test_by_milestone_lists_each_milestone_with_its_amount_and_date() -> None:
    engagement = ny_engagement(rate_model="milestone", rate_amount=None, budget_cap=None)
    MilestoneFactory(engagement=engagement, title="Draft", amount=Decimal("800"), due_on=dt.date(2026, 12, 1))
    MilestoneFactory(engagement=engagement, title="Final", amount=Decimal("1200"), due_on=dt.date(2027, 1, 15))
    MilestoneFactory(engagement=engagement, title="Dropped", amount=Decimal("99"), status="cancelled")
    terms = agreement_terms(engagement=engagement, on=DAY)
    assert (terms.value, terms.value_source) == (Decimal("2000"), "milestones")
    text = pdf_text(agreement_pdf(terms))
    assert "Draft: 800.00 USD, due 1 December 2026" in text
    assert "Final: 1,200.00 USD, due 15 January 2027" in text
    assert "Dropped" not in text and "The total value of the services is 2,000.00 USD" in text


@pytest.mark.django_db
def test_no_rate_and_no_value_are_missing() -> None:
    engagement = ny_engagement(rate_model="hourly", rate_amount=None, budget_cap=None)
    missing = {c.field for c in agreement_terms(engagement=engagement, on=DAY).missing}
    assert {"rate_and_method", "value"} <= missing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("flag", "heading", "words"),
    [
        ("independent_contractor_clause", "Independent contractor", "not as an employee"),
        ("ip_assignment", "Ownership of the work", "transfers to the Business all rights"),
        ("confidentiality", "Confidentiality", "non-public information"),
        ("termination_clause", "Ending the agreement", "notice in writing"),
        ("payment_date_stated", "Payment date", "after receiving it"),
    ],
)
def test_a_clause_whose_flag_is_off_is_not_printed(flag: str, heading: str, words: str) -> None:
    engagement = ny_engagement()
    agreement = agreement_save(actor=ACTOR, engagement=engagement, data=NY_TERMS)
    assert words in pdf_text(agreement_pdf(agreement_terms(engagement=engagement, agreement=agreement, on=DAY)))
    agreement = agreement_save(actor=ACTOR, engagement=engagement, data={flag: False})
    terms = agreement_terms(engagement=engagement, agreement=agreement, on=DAY)
    assert heading not in [s.heading for s in terms.sections]
    assert words not in pdf_text(agreement_pdf(terms))
    numbers = [s.number for s in terms.sections]
    assert numbers == list(range(1, len(numbers) + 1))
    if flag == "payment_date_stated":
        assert [c.field for c in terms.missing] == ["payment_date"]


@pytest.mark.django_db
def test_odd_text_prints_and_long_words_wrap() -> None:
    engagement = ny_engagement(title="Ünïcødé — “quotes” ₹ €")
    data = {**NY_TERMS, "services": "A\tB\x07C\n" + "x" * 300, "extra_terms": "First.\n\nSecond paragraph."}
    agreement = agreement_save(actor=ACTOR, engagement=engagement, data=data)
    text = pdf_text(agreement_pdf(agreement_terms(engagement=engagement, agreement=agreement, on=DAY)))
    assert "A BC" in text and "Ünïcødé — “quotes” ₹ €" in text
    assert "Other terms" in text and "Second paragraph." in text


# --- Signing and the signed copy -------------------------------------------------------------------------


@pytest.mark.django_db
def test_signing_with_an_upload_keeps_the_copy_six_years_after_the_end() -> None:
    engagement = ny_engagement()
    agreement_save(actor=ACTOR, engagement=engagement, data=NY_TERMS)
    upload = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
    agreement = agreement_sign(actor=ACTOR, engagement=engagement, signed_on=DAY, upload=upload)
    document = Document.objects.get(pk=agreement.signed_document_id)
    assert document.kind == Document.Kind.AGREEMENT and document.contractor == engagement.contractor
    assert document.file_name == "signed.pdf" and document.signed_on == DAY
    # The engagement ends after the signing: six years from its end.
    assert document.retain_until == dt.date(2033, 1, 31)
    terms = agreement_terms(engagement=engagement, on=DAY)
    assert terms.retention_until == dt.date(2033, 1, 31) and terms.signed_on == DAY
    with pytest.raises(ValidationError) as refused:
        record_delete(actor=ACTOR, record=document)
    assert "keep this document until 31 January 2033" in str(refused.value)
    assert Document.objects.filter(pk=document.pk).exists()
    # Nor can the copy be replaced before then.
    with pytest.raises(ValidationError):
        agreement_sign(actor=ACTOR, engagement=engagement, signed_on=DAY,
                       upload=SimpleUploadedFile("other.png", PNG))  # fmt: skip


@pytest.mark.django_db
def test_signing_after_the_end_counts_from_the_signing() -> None:
    engagement = ny_engagement(end_on=dt.date(2026, 11, 1))
    agreement = agreement_sign(actor=ACTOR, engagement=engagement, signed_on=DAY,
                               upload=SimpleUploadedFile("s.png", PNG))  # fmt: skip
    assert agreement.signed_document.retain_until == dt.date(2032, 11, 2)


@pytest.mark.django_db
def test_a_non_pdf_upload_is_refused_and_nothing_is_signed() -> None:
    engagement = ny_engagement()
    with pytest.raises(ValidationError) as refused:
        agreement_sign(actor=ACTOR, engagement=engagement, signed_on=DAY,
                       upload=SimpleUploadedFile("signed.pdf", b"<html>not a pdf</html>"))  # fmt: skip
    assert refused.value.message_dict == {"file": ["Upload a PDF, PNG or JPEG file."]}
    assert agreement_of(engagement=engagement) is None
    assert not Document.objects.filter(contractor=engagement.contractor).exists()


@pytest.mark.django_db
def test_an_uncovered_engagement_keeps_no_retention_date() -> None:
    engagement = ny_engagement(rate_amount=Decimal(500), budget_cap=Decimal(500))
    agreement = agreement_sign(actor=ACTOR, engagement=engagement, signed_on=DAY,
                               upload=SimpleUploadedFile("s.pdf", PDF))  # fmt: skip
    assert agreement.signed_document.retain_until is None
    record_delete(actor=ACTOR, record=agreement.signed_document)
    assert not Document.objects.filter(contractor=engagement.contractor).exists()


# --- The pages --------------------------------------------------------------------------------------------


def _member(engagement: Any, role: str = Role.MANAGER) -> Client:
    user = UserFactory()
    MembershipFactory(user=user, workspace=engagement.workspace, role=role)
    return login_client(user)


def _url(engagement: Any, name: str) -> str:
    return reverse(f"compliance:{name}", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid})


def _page(client: Client, engagement: Any) -> Any:
    response = _member(engagement).get(_url(engagement, "agreement"))
    assert response.status_code == 200
    return response


def _form(**changes: Any) -> dict[str, Any]:
    """The terms form as a person sends it; a change to None leaves the field out (an unticked box)."""
    data: dict[str, Any] = {
        "business_name": "Acme Design LLC",
        "contractor_name": "Rosa Alvarez",
        "contractor_email": "rosa@example.test",
        "invoice_deadline_days": "10",
        "termination_notice_days": "14",
        "governing_law": "New York, US",
        "independent_contractor_clause": "on",
        "ip_assignment": "on",
        "confidentiality": "on",
        "payment_date_stated": "on",
        "termination_clause": "on",
        **NY_TERMS,
    }
    for name, value in changes.items():
        if value is None:
            data.pop(name)
        else:
            data[name] = value
    return data


@pytest.mark.django_db
def test_the_page_shows_the_draft_the_laws_and_what_is_missing(client: Client) -> None:
    engagement = ny_engagement()
    body = _page(client, engagement).content.decode()
    assert 'value="Acme Design LLC"' in body and 'value="Rosa Alvarez"' in body
    assert "New York City Freelance Isn" in body and "New York State Freelance Isn" in body
    assert FIELD_LABELS["addresses"] in body
    assert "No mailing address for the business or the contractor." in body
    assert "Not signed yet" in body
    assert "not legal advice" in body


@pytest.mark.django_db
def test_saving_the_terms_from_the_page() -> None:
    engagement = ny_engagement()
    client = _member(engagement)
    response = client.post(_url(engagement, "agreement"), _form(confidentiality=None))
    assert response.status_code == 302
    agreement = Agreement.objects.get(engagement=engagement)
    assert agreement.contractor_address == NY_TERMS["contractor_address"]
    assert agreement.confidentiality is False and agreement.ip_assignment is True
    assert AuditEntry.objects.filter(action="agreement.create").exists()
    body = client.get(_url(engagement, "agreement")).content.decode()
    assert "No mailing address" not in body


@pytest.mark.django_db
def test_bad_terms_answer_400_with_the_reason() -> None:
    engagement = ny_engagement()
    response = _member(engagement).post(
        _url(engagement, "agreement"), _form(business_email="not an email", invoice_deadline_days="0")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert not Agreement.objects.filter(engagement=engagement).exists()


@pytest.mark.django_db
def test_a_viewer_reads_the_page_but_cannot_save() -> None:
    engagement = ny_engagement()
    viewer = _member(engagement, Role.VIEWER)
    body = viewer.get(_url(engagement, "agreement")).content.decode()
    assert "Save the terms" not in body and "disabled" in body
    assert viewer.post(_url(engagement, "agreement"), _form()).status_code == 403
    assert viewer.post(_url(engagement, "agreement_sign"), {"signed_on": "2026-11-02"}).status_code == 403


@pytest.mark.django_db
def test_the_printable_page_has_the_sections_and_no_navigation() -> None:
    engagement = ny_engagement()
    agreement_save(actor=ACTOR, engagement=engagement, data=NY_TERMS)
    response = _member(engagement).get(_url(engagement, "agreement_print"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Independent Contractor Agreement" in body and "Three case studies" in body
    assert "340 West 23rd Street, Apt 5B" in body and "for at least 6 years" in body
    assert 'class="sidebar"' not in body and "Workspace navigation" not in body
    assert "Signature" in body


@pytest.mark.django_db
def test_the_pdf_download() -> None:
    engagement = ny_engagement()
    response = _member(engagement, Role.VIEWER).get(_url(engagement, "agreement_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="agreement-web-copy.pdf"'
    assert "Rosa Alvarez" in pdf_text(
        b"".join(response.streaming_content if response.streaming else [response.content])
    )


@pytest.mark.django_db
def test_signing_on_the_page_with_a_copy_links_the_stored_copy() -> None:
    engagement = ny_engagement()
    client = _member(engagement)
    response = client.post(
        _url(engagement, "agreement_sign"),
        {"signed_on": "2026-11-02", "file": SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    agreement = Agreement.objects.get(engagement=engagement)
    assert agreement.signed_on == DAY and agreement.signed_document is not None
    body = client.get(_url(engagement, "agreement")).content.decode()
    link = reverse("vetting:document_file", kwargs={"ws": engagement.workspace.uuid,
                                                    "document": agreement.signed_document.uuid})  # fmt: skip
    assert link in body and "signed.pdf" in body
    assert "31 January 2033" in body  # kept until six years after the engagement ends
    assert client.get(link).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"signed_on": "2026-11-02", "file": ("signed.pdf", b"MZ not a pdf")}, "Upload a PDF, PNG or JPEG file."),
        ({"signed_on": ""}, "This field is required."),
        ({"signed_on": "2999-01-01"}, "The signing date cannot be in the future."),
    ],
    ids=["not a pdf", "no date", "future"],
)
def test_bad_signing_is_a_form_error(data: dict[str, Any], error: str) -> None:
    engagement = ny_engagement()
    if "file" in data:
        name, content = data["file"]
        data = {**data, "file": SimpleUploadedFile(name, content)}
    response = _member(engagement).post(_url(engagement, "agreement_sign"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    agreement = agreement_of(engagement=engagement)
    assert agreement is None or agreement.signed_on is None


@pytest.mark.django_db
def test_pages_of_another_workspace_are_absent() -> None:
    engagement = ny_engagement()
    stranger = _member(EngagementFactory())
    for name in ("agreement", "agreement_print", "agreement_pdf"):
        assert stranger.get(_url(engagement, name)).status_code == 404


# --- The docs ---------------------------------------------------------------------------------------------


def test_the_docs_table_matches_the_laws_data() -> None:
    """docs/agreements.md lists what each law asks for and how long to keep the copy, as the data says."""
    doc = (ROOT / "docs" / "agreements.md").read_text()
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]] for line in doc.splitlines()
            if line.startswith("| ") and line.count("|") == 12}  # fmt: skip
    header = rows.pop("law")
    assert header[1:9] == [f"`{field}`" for field in FIELD_LABELS]
    for law in all_laws():
        cells = rows.pop(law.name)
        assert cells[1:9] == ["yes" if field in law.contract_fields else "—" for field in FIELD_LABELS], law.name
        assert cells[9] == (f"{law.retention_years} years" if law.retention_years else "not stated"), law.name
    assert rows == {}, "the table names a law the data does not have"
