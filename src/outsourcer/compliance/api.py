"""An engagement's written agreement over REST: its terms with the laws that cover it and what they lack, the
PDF, and the signing with the signed copy. The same services and selectors as the pages.

No `from __future__ import annotations` here: ninja reads the form and file parameters' annotations.
"""

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router
from ninja.files import UploadedFile

from outsourcer.accounts.api_conflicts import refuse_nulls
from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.compliance import services
from outsourcer.compliance.agreements import agreement_filename, agreement_pdf, agreement_terms, terms_dict
from outsourcer.compliance.schemas import NULLABLE, AgreementIn, AgreementOut
from outsourcer.compliance.selectors import agreement_draft
from outsourcer.core.actor import Actor
from outsourcer.core.api_types import Day
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement

router = Router(tags=["agreements"])

PATH = "/workspaces/{ws}/engagements/{engagement}/agreement"
PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The agreement as a PDF (A4, or Letter for a US or Canadian workspace).",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _engagement(access: WorkspaceAccess, engagement: uuid.UUID) -> Engagement:
    rows = Engagement.objects.select_related("contractor", "brief")
    row = access.get(rows, engagement)
    row.workspace = access.workspace
    row.contractor.workspace = access.workspace
    return row


def _out(access: WorkspaceAccess, engagement: Engagement) -> dict[str, Any]:
    day = today_in(access.workspace.time_zone)
    return terms_dict(agreement_terms(engagement=engagement, agreement=agreement_draft(engagement=engagement), on=day))


@router.get(
    PATH,
    response=AgreementOut,
    summary="An engagement's written agreement",
    description=(
        "The terms (saved, or drafted from the workspace, the contractor and the engagement while `saved` is "
        "false), the numbered `sections` as printed, the freelancer-protection `laws` that cover the engagement "
        "with what each requires and whether the terms hold it, what is `missing`, the `signing` with the stored "
        "signed copy, and how long to keep it (`retention`)."
    ),
)
@requires("read")
def agreement_get(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return _out(access, _engagement(access, engagement))


@router.put(
    PATH,
    response=AgreementOut,
    summary="Save an engagement's agreement terms",
    description=(
        "Send the terms that change; the others keep their value. `total_value` and `payment_days` take null "
        "(then the engagement's budget cap and payment terms apply). Answers as `GET` does."
    ),
)
@requires("write")
def agreement_put(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: AgreementIn) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = _engagement(access, engagement)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data, NULLABLE)
    services.agreement_save(actor=Actor.api(request), engagement=row, data=data)
    return _out(access, row)


@router.get(
    f"{PATH}.pdf",
    summary="The agreement as a PDF",
    description="The same terms and sections as `GET .../agreement`, with signature lines and page numbers.",
    openapi_extra=PDF_RESPONSE,
)
@requires("read")
def agreement_pdf_get(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> HttpResponse:
    access = api_door(request, ws, "read")
    row = _engagement(access, engagement)
    terms = agreement_terms(
        engagement=row, agreement=agreement_draft(engagement=row), on=today_in(access.workspace.time_zone)
    )
    response = HttpResponse(agreement_pdf(terms), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, agreement_filename(terms))
    response["Cache-Control"] = "private, no-store"  # names and addresses: no shared cache keeps them
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    f"{PATH}/sign",
    response=AgreementOut,
    summary="Record the signing, with the signed copy",
    description=(
        "A multipart form: `signed_on` (the day the last party signed; not in the future) and, optionally, "
        "`file`, the signed copy (a PDF, PNG or JPEG, 10 MiB at most, recognised by its content). The copy is "
        "stored as the contractor's document of kind agreement and kept until the retention date the covering "
        "laws set; until then it cannot be deleted or replaced (400). Answers as `GET` does."
    ),
)
@requires("write")
def agreement_sign(
    request: HttpRequest,
    ws: uuid.UUID,
    engagement: uuid.UUID,
    signed_on: Form[Day],
    file: File[UploadedFile | None] = None,
) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = _engagement(access, engagement)
    day: dt.date = signed_on
    services.agreement_sign(actor=Actor.api(request), engagement=row, signed_on=day, upload=file)
    return _out(access, row)
