"""`outsourcer agreement`: show the terms and the laws, write the PDF, record the signing; --json as the API;
bad input exits 2 with the reason."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from outsourcer.cli import usage
from outsourcer.compliance.models import Agreement
from outsourcer.compliance.services import agreement_save
from outsourcer.contractors.models import Document
from outsourcer.core.actor import Actor
from tests.conftest import token_client
from tests.factories import MembershipFactory, UserFactory
from tests.test_agreements import NY_TERMS, PDF, ny_engagement


def run(*args: str) -> str:
    out = StringIO()
    call_command("agreement", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def refused(*args: str) -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("agreement", *args, stdout=StringIO(), stderr=err)
    assert exc.value.returncode == 2, str(exc.value)
    return str(exc.value), err.getvalue()


@pytest.mark.django_db
def test_show_names_the_laws_and_what_is_missing() -> None:
    engagement = ny_engagement()
    out = run("--workspace", engagement.workspace.name, "web-copy")
    assert out.startswith("Agreement for Website copy (web-copy) with Rosa Alvarez: a draft")
    assert "New York City Freelance Isn't Free Act" in out and "keep it 6 years" in out
    assert "MISSING  The mailing addresses of both parties: No mailing address for the business or the contractor." in (
        out
    )
    assert "held     The names of both parties" in out
    assert "never later than 30 days after the work is completed" in out
    assert "Not signed yet." in out and "not legal advice" in out
    assert run("--workspace", engagement.workspace.name, "web-copy", "show") == out


@pytest.mark.django_db
def test_show_json_is_what_the_api_answers() -> None:
    engagement = ny_engagement()
    agreement_save(actor=Actor.cli(), engagement=engagement, data=NY_TERMS)
    printed = json.loads(run("--workspace", engagement.workspace.name, "web-copy", "--json"))
    user = UserFactory()
    MembershipFactory(user=user, workspace=engagement.workspace, role="viewer")
    url = f"/api/v1/workspaces/{engagement.workspace.uuid}/engagements/{engagement.uuid}/agreement"
    assert printed == token_client(user, engagement.workspace).get(url).json()
    assert printed["missing"] == [] and printed["saved"] is True


@pytest.mark.django_db
def test_pdf_writes_the_file(tmp_path: Path) -> None:
    engagement = ny_engagement()
    target = tmp_path / "agreement.pdf"
    out = run("--workspace", engagement.workspace.name, "web-copy", "pdf", "--output", str(target), "--paper", "A4")
    assert out.startswith(f"Wrote the agreement for Website copy to {target}")
    assert "It lacks what the law asks for: the mailing addresses of both parties" in out
    page = PdfReader(io.BytesIO(target.read_bytes())).pages[0]
    assert round(float(page.mediabox.width)) == 595  # A4, as asked
    assert "Rosa Alvarez" in " ".join((page.extract_text() or "").split())
    data = json.loads(run("--workspace", engagement.workspace.name, "web-copy", "pdf", "--output", str(target),
                          "--json"))  # fmt: skip
    assert data == {"output": str(target), "size": target.stat().st_size, "missing": ["addresses", "services"]}


@pytest.mark.django_db
def test_sign_with_a_copy(tmp_path: Path) -> None:
    engagement = ny_engagement()
    copy = tmp_path / "signed copy.pdf"
    copy.write_bytes(PDF)
    out = run("--workspace", engagement.workspace.name, "web-copy", "sign", "--on", "2026-11-02", "--file", str(copy))
    assert out.splitlines() == [
        "Recorded the signing of the agreement for Website copy on 02 Nov 2026, with the signed copy signed copy.pdf.",
        "Keep it until 31 Jan 2033: it cannot be deleted before.",
    ]
    agreement = Agreement.objects.get(engagement=engagement)
    assert agreement.signed_on == dt.date(2026, 11, 2)
    document = Document.objects.get(pk=agreement.signed_document_id)
    assert document.retain_until == dt.date(2033, 1, 31) and document.file.read() == PDF


@pytest.mark.django_db
def test_sign_json_and_without_a_copy() -> None:
    engagement = ny_engagement(rate_amount=Decimal(500), budget_cap=Decimal(500))
    data = json.loads(run("--workspace", engagement.workspace.name, "web-copy", "sign", "--on", "2026-11-02", "--json"))
    assert data["signing"] == {"signed_on": "2026-11-02", "missing_clauses": [], "document": None}


@pytest.mark.django_db
def test_bad_input_exits_2(tmp_path: Path) -> None:
    engagement = ny_engagement()
    ws = engagement.workspace.name
    assert refused("--workspace", ws, "nope")[0] == f"No engagement 'nope' in {ws} (give a ref or an id)."
    assert "give --output FILE" in refused("--workspace", ws, "web-copy", "pdf")[0]
    assert "is a directory" in refused("--workspace", ws, "web-copy", "pdf", "--output", str(tmp_path))[0]
    assert "give --on" in refused("--workspace", ws, "web-copy", "sign")[0]
    assert "YYYY-MM-DD" in refused("--workspace", ws, "web-copy", "sign", "--on", "2 Nov")[0]
    assert "no file at" in refused("--workspace", ws, "web-copy", "sign", "--on", "2026-11-02", "--file",
                                   str(tmp_path / "missing.pdf"))[0]  # fmt: skip
    text = tmp_path / "signed.pdf"
    text.write_text("not really a PDF")
    message, err = refused("--workspace", ws, "web-copy", "sign", "--on", "2026-11-02", "--file", str(text))
    assert message == "The signing was not recorded." and err.strip() == "--file: Upload a PDF, PNG or JPEG file."
    message, err = refused("--workspace", ws, "web-copy", "sign", "--on", "2999-01-01")
    assert err.strip() == "--on: The signing date cannot be in the future."
    assert not Agreement.objects.filter(engagement=engagement, signed_on__isnull=False).exists()


def test_the_command_is_listed() -> None:
    assert "agreement" in usage()
