"""The contractor portal's invoices: the contractor's own invoices (status, when each is due and why, when it
was paid), sending a new one with its PDF or image, and downloading their copy.

Rows come only through `portal_engagements(access)` (`portal_invoices`), so another contractor's invoice
is a 404. Members of the business open the same pages as a preview; owners and managers may send an
invoice on the contractor's behalf, viewers only read (no form is shown).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.models import Role
from outsourcer.accounts.web import workspace_view
from outsourcer.core.actor import Actor
from outsourcer.engagements.models import Engagement
from outsourcer.engagements.models import Status as EngagementStatus
from outsourcer.engagements.selectors import portal_engagements
from outsourcer.payments.models import OPEN
from outsourcer.payments.services import invoice_create
from outsourcer.portal.forms import PortalInvoiceForm
from outsourcer.portal.selectors import portal_invoices, portal_viewpoint
from outsourcer.portal.views import _add_errors, _render, portal_invoice_rows

FILE_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def invoice_closed_reason(engagement: Engagement) -> str:
    """Why an engagement takes no invoice yet (empty when it does): the service refuses drafts too."""
    if engagement.status == EngagementStatus.DRAFT:
        return "This engagement has not started yet: there is nothing to invoice."
    return ""


@workspace_view(get="portal")
def invoices(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    view = portal_viewpoint(access=access, chosen=request.GET.get("contractor", "").strip())
    rows = list(
        portal_invoices(access=access)
        .filter(engagement__contractor__in=view.contractors)
        .order_by("-received_on", "-issued_on", "-pk")
    )
    invoiceable = list(
        portal_engagements(access=access)
        .filter(contractor__in=view.contractors)
        .exclude(status=EngagementStatus.DRAFT)
        .order_by("-start_on", "title", "pk")
    )
    context = {
        "view": view,
        "contractor": view.chosen if view.preview else None,
        "rows": portal_invoice_rows(access, rows),
        "invoiceable": invoiceable,
        "open_count": sum(1 for i in rows if i.status in OPEN),
    }
    return _render(request, access, "portal/invoices.html", context)


@workspace_view(get="portal", post="contribute")
def invoice_new(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = access.get(portal_engagements(access=access).select_related("workspace"), engagement)
    milestones = [(str(m.uuid), m.title) for m in obj.milestones.exclude(status="cancelled").order_by("due_on", "ref")]
    posted = request.method == "POST"
    form = PortalInvoiceForm(request.POST if posted else None, request.FILES if posted else None, milestones=milestones)
    closed_reason = invoice_closed_reason(obj)
    if posted and form.is_valid():
        data = form.service_data()
        chosen = form.cleaned_data.get("milestone")
        if chosen:
            data["milestone"] = obj.milestones.get(uuid=chosen)  # one of the choices: the form checked it
        try:
            invoice = invoice_create(
                actor=Actor.web(request),
                engagement=obj,
                data=data,
                upload=form.cleaned_data["file"],
                from_portal=True,
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            name = f"Invoice {invoice.number}" if invoice.number else "Your invoice"
            messages.success(
                request, f"{name} was sent to {access.workspace.name}. It shows below, with when it is due."
            )
            url = reverse("portal:invoices", kwargs={"ws": access.workspace.uuid})
            preview = access.role != Role.CONTRACTOR
            return redirect(f"{url}?contractor={obj.contractor.uuid}" if preview else url)
    context = {
        "engagement": obj,
        "contractor": obj.contractor,
        "form": form,
        "closed_reason": closed_reason,
        "terms": obj.payment_terms_days
        if obj.payment_terms_days is not None
        else access.workspace.effective_policy["default_payment_terms_days"],
        "rows": portal_invoice_rows(
            access, list(portal_invoices(access=access).filter(engagement=obj).order_by("-received_on", "-pk"))
        ),
    }
    return _render(request, access, "portal/invoice_new.html", context, 400 if posted else 200)


@workspace_view(get="portal")
def invoice_file(request: HttpRequest, access: WorkspaceAccess, invoice: Any) -> HttpResponseBase:
    """The copy of an invoice, to the contractor it is from (and the business); files have no public URL."""
    obj = access.get(portal_invoices(access=access), invoice)
    if not obj.file:
        raise Http404("No copy of this invoice was uploaded.")
    try:
        handle = obj.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The stored copy of this invoice is missing from the data directory.") from exc
    suffix = Path(obj.file.name or "").suffix.lower()
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=obj.file_name or f"invoice{suffix}",
        content_type=FILE_TYPES.get(suffix, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
