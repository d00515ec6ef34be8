"""The agreements API: GET/PUT the terms with the laws and what is missing, the PDF, signing with a copy."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from outsourcer.accounts.models import Role
from outsourcer.compliance.models import Agreement
from outsourcer.contractors.models import Document
from tests.conftest import token_client
from tests.factories import ContractorFactory, EngagementFactory, MembershipFactory, UserFactory, WorkspaceFactory
from tests.test_agreements import NY_TERMS, PDF, ny_engagement


def _client(engagement: Any, role: str = Role.MANAGER, read_only: bool = False) -> Client:
    user = UserFactory()
    MembershipFactory(user=user, workspace=engagement.workspace, role=role)
    return token_client(user, engagement.workspace, read_only=read_only)


def _path(engagement: Any, tail: str = "") -> str:
    return f"/api/v1/workspaces/{engagement.workspace.uuid}/engagements/{engagement.uuid}/agreement{tail}"


def _put(client: Client, engagement: Any, body: dict[str, Any]) -> Any:
    return client.put(_path(engagement), data=json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_get_answers_the_draft_with_the_laws_and_what_is_missing() -> None:
    engagement = ny_engagement()
    response = _client(engagement, Role.VIEWER).get(_path(engagement))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["saved"] is False
    assert data["engagement"] == {"id": str(engagement.uuid), "ref": "web-copy", "title": "Website copy"}
    assert data["terms"]["business"]["name"] == "Acme Design LLC"
    assert data["terms"]["contractor"] == {"name": "Rosa Alvarez", "address": "", "email": "rosa@example.test",
                                           "phone": ""}  # fmt: skip
    assert data["terms"]["value"] == "2400.00" and data["terms"]["value_source"] == "budget_cap"
    assert data["terms"]["payment_days"] == 15 and data["terms"]["paid_within_days_of_completion"] == 30
    assert [law["id"] for law in data["laws"]] == ["nyc-fifa", "nys-fifa"]
    nys = data["laws"][1]
    assert nys["retention_years"] == 6
    assert "invoice_deadline" in [r["field"] for r in nys["requires"]]
    missing = {m["field"]: m for m in data["missing"]}
    assert set(missing) == {"addresses", "services"}
    assert missing["addresses"]["detail"] == "No mailing address for the business or the contractor."
    assert data["signing"] == {"signed_on": None, "missing_clauses": [], "document": None}
    assert data["retention"] == {"years": 6, "until": None}
    assert [s["key"] for s in data["sections"]][:4] == ["parties", "services", "value", "rate"]
    assert not Agreement.objects.filter(engagement=engagement).exists()  # reading saves nothing


@pytest.mark.django_db
def test_put_saves_only_what_is_sent_and_answers_as_get() -> None:
    engagement = ny_engagement()
    client = _client(engagement)
    response = _put(client, engagement, {**NY_TERMS, "confidentiality": False, "total_value": "2000"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["saved"] is True and data["missing"] == []
    assert data["terms"]["value"] == "2000.00" and data["terms"]["value_source"] == "agreement"
    assert data["terms"]["confidentiality"] is False
    assert "confidentiality" not in [s["key"] for s in data["sections"]]
    assert [s["text"] for s in data["terms"]["services"]] == ["Home page copy", "About page copy", "Three case studies"]

    response = _put(client, engagement, {"total_value": None, "governing_law": "New York, US"})
    data = response.json()
    agreement = Agreement.objects.get(engagement=engagement)
    assert agreement.total_value is None and agreement.governing_law == "New York, US"
    assert agreement.contractor_address == NY_TERMS["contractor_address"]  # kept: not sent
    assert data["terms"]["value_source"] == "budget_cap"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "status", "path"),
    [
        ({"ip_assignment": None}, 400, "$.ip_assignment"),
        ({"business_email": "not an email"}, 400, "$.business_email"),
        ({"invoice_deadline_days": 0}, 422, "$.invoice_deadline_days"),
        ({"signed_on": "2026-11-02"}, 422, "$.signed_on"),
        ({"payment_days": 121}, 422, "$.payment_days"),
    ],
)
def test_put_refuses_bad_terms(body: dict[str, Any], status: int, path: str) -> None:
    engagement = ny_engagement()
    response = _put(_client(engagement), engagement, body)
    assert response.status_code == status, response.content
    assert path in [e["path"] for e in response.json()["errors"]]
    assert not Agreement.objects.filter(engagement=engagement).exists()


@pytest.mark.django_db
def test_the_pdf() -> None:
    engagement = ny_engagement()
    response = _client(engagement, Role.VIEWER).get(_path(engagement, ".pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="agreement-web-copy.pdf"'
    text = " ".join((PdfReader(io.BytesIO(response.content)).pages[0].extract_text() or "").split())
    assert "Rosa Alvarez" in text and "Independent Contractor Agreement" in text


@pytest.mark.django_db
def test_signing_with_a_copy_over_the_api() -> None:
    engagement = ny_engagement()
    client = _client(engagement)
    upload = SimpleUploadedFile("signed.pdf", PDF, content_type="application/pdf")
    response = client.post(_path(engagement, "/sign"), data={"signed_on": "2026-11-02", "file": upload})
    assert response.status_code == 200, response.content
    signing = response.json()["signing"]
    assert signing["signed_on"] == "2026-11-02"
    assert signing["document"]["file_name"] == "signed.pdf"
    assert signing["document"]["retain_until"] == "2033-01-31"
    assert response.json()["retention"] == {"years": 6, "until": "2033-01-31"}
    document = Document.objects.get(uuid=signing["document"]["id"])
    assert document.kind == "agreement" and document.retain_until == dt.date(2033, 1, 31)
    # The stored copy cannot be deleted through the documents API either, until then.
    deleted = client.delete(f"/api/v1/workspaces/{engagement.workspace.uuid}/documents/{document.uuid}")
    assert deleted.status_code == 400 and "keep this document until" in deleted.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_signing_without_a_copy_and_refusals() -> None:
    engagement = ny_engagement()
    client = _client(engagement)
    response = client.post(_path(engagement, "/sign"), data={"signed_on": "2026-11-02"})
    assert response.status_code == 200 and response.json()["signing"]["document"] is None

    bad = SimpleUploadedFile("signed.pdf", b"GIF89a not a pdf")
    response = client.post(_path(engagement, "/sign"), data={"signed_on": "2026-11-03", "file": bad})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"path": "$.file", "message": "Upload a PDF, PNG or JPEG file."}]
    assert Agreement.objects.get(engagement=engagement).signed_on == dt.date(2026, 11, 2)  # unchanged

    response = client.post(_path(engagement, "/sign"), data={})
    assert response.status_code == 422
    response = client.post(_path(engagement, "/sign"), data={"signed_on": "2999-01-01"})
    assert response.status_code == 400 and "future" in response.json()["errors"][0]["message"]


@pytest.mark.django_db
def test_read_only_tokens_and_other_workspaces() -> None:
    engagement = ny_engagement()
    read_only = _client(engagement, Role.OWNER, read_only=True)
    assert read_only.get(_path(engagement)).status_code == 200
    assert _put(read_only, engagement, {"governing_law": "X"}).status_code == 403
    assert read_only.post(_path(engagement, "/sign"), data={"signed_on": "2026-11-02"}).status_code == 403
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=WorkspaceFactory()))
    url = f"/api/v1/workspaces/{engagement.workspace.uuid}/engagements/{foreign.uuid}/agreement"
    assert _client(engagement).get(url).status_code == 404
    assert not Agreement.objects.exists()


@pytest.mark.django_db
def test_an_uncovered_engagement_has_no_laws() -> None:
    engagement = ny_engagement(rate_amount=Decimal(500), budget_cap=Decimal(500))
    data = _client(engagement).get(_path(engagement)).json()
    assert data["laws"] == [] and data["missing"] == []
    assert data["retention"] == {"years": None, "until": None}
    assert data["terms"]["paid_within_days_of_completion"] is None
