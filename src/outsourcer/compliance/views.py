"""The web face of an engagement's written agreement: the terms form with the laws that cover the engagement
and what they ask for, the signing with the signed copy, a printable page and the PDF download."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import content_disposition_header

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.compliance import services
from outsourcer.compliance.agreements import DISCLAIMER, Terms, agreement_filename, agreement_terms
from outsourcer.compliance.agreements import agreement_pdf as pdf_bytes
from outsourcer.compliance.forms import AgreementForm, SignForm
from outsourcer.compliance.selectors import agreement_draft
from outsourcer.core.actor import Actor
from outsourcer.engagements.models import Engagement
from outsourcer.engagements.views_common import add_errors, disable, get_engagement, render_page, today

SERVICE_SOURCES = {
    "agreement": "as listed here",
    "brief": "the brief's deliverables",
    "title": "only the engagement's title",
}
VALUE_SOURCES = {
    "agreement": "the total value given here",
    "budget_cap": "the engagement's budget cap",
    "fixed_price": "the engagement's price",
    "milestones": "the milestones' amounts added up",
}
PAYMENT_SOURCES = {
    "agreement": "as given here",
    "engagement": "the engagement's payment terms",
    "workspace": "your workspace's default payment terms",
}


def _url(engagement: Engagement, name: str = "agreement") -> str:
    return reverse(f"compliance:{name}", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid})


def _terms(access: WorkspaceAccess, engagement: Engagement) -> Terms:
    return agreement_terms(engagement=engagement, agreement=agreement_draft(engagement=engagement), on=today(access))


def _render(
    request: HttpRequest,
    access: WorkspaceAccess,
    engagement: Engagement,
    *,
    form: AgreementForm | None = None,
    sign_form: SignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    terms = _terms(access, engagement)
    if form is None:
        form = AgreementForm(initial=AgreementForm.initial_for(terms.agreement))
    if sign_form is None:
        sign_form = SignForm(initial={"signed_on": terms.signed_on or today(access)})
    if terms.services_source != "agreement":
        form.fields["services"].widget.attrs["placeholder"] = "\n".join(item.text for item in terms.services)
    if not access.can("write"):
        disable(form)
    context = {
        "engagement": engagement,
        "tab": "agreement",
        "terms": terms,
        "form": form,
        "sign_form": sign_form,
        "disclaimer": DISCLAIMER,
        "services_source": SERVICE_SOURCES[terms.services_source],
        "value_source": VALUE_SOURCES.get(terms.value_source, ""),
        "payment_source": PAYMENT_SOURCES[terms.payment_days_source],
        "retention_law": terms.retention_law,
    }
    return render_page(request, access, "compliance/agreement.html", context, status)


@workspace_view(get="read", post="write")
def agreement(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    if request.method != "POST":
        return _render(request, access, obj)
    form = AgreementForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_save(actor=Actor.web(request), engagement=obj, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved the agreement's terms.")
            return redirect(_url(obj))
    return _render(request, access, obj, form=form, status=400)


@workspace_view(get=None, post="write")
def agreement_sign(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    form = SignForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"] or None
        try:
            services.agreement_sign(actor=Actor.web(request), engagement=obj, signed_on=form.cleaned_data["signed_on"],
                           upload=upload)  # fmt: skip
        except ValidationError as exc:
            add_errors(form, exc, {"document": "file"})
        else:
            stored = " and stored the signed copy" if upload is not None else ""
            messages.success(request, f"Recorded the signing{stored}.")
            return redirect(f"{_url(obj)}#signing")
    return _render(request, access, obj, sign_form=form, status=400)


@workspace_view(get="read")
def agreement_print(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    context = {"engagement": obj, "terms": _terms(access, obj), "disclaimer": DISCLAIMER}
    return render_access(request, access, "compliance/agreement_print.html", context)


@workspace_view(get="read")
def agreement_pdf(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    terms = _terms(access, obj)
    response = HttpResponse(pdf_bytes(terms), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, agreement_filename(terms))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
