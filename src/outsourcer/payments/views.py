"""The web face of invoices: the list with its filters, entering and correcting an invoice, one invoice's
page (its due date and why, its history, its file, the next steps of its path) and the file download.
What to pay, budgets and forecasts are in views_budgets."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import workspace_view
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.deliverables.models import Milestone
from outsourcer.engagements.models import Engagement, RateModel, TimeEntry
from outsourcer.engagements.models import Status as EngagementStatus
from outsourcer.engagements.views_common import add_errors, disable, error_text, render_page, today
from outsourcer.payments.dues import DueDate, due_dates, invoice_due
from outsourcer.payments.forms import PROCESSOR_HINT, InvoiceFilterForm, InvoiceForm, InvoiceStatusForm
from outsourcer.payments.models import OPEN, PROCESSOR_CHANNELS, TRANSITIONS, Invoice, Status
from outsourcer.payments.selectors import invoice_list
from outsourcer.payments.services import EDITABLE_STATUSES, invoice_create, invoice_set_status, invoice_update

PAGE_SIZE = 50
INVOICE_ROWS = ("engagement__contractor", "engagement__workspace", "milestone")
# An invoice bills work that is going on or done: never a draft engagement's.
INVOICEABLE = (EngagementStatus.ACTIVE, EngagementStatus.PAUSED, EngagementStatus.COMPLETED)
FILE_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
STATUS_HINTS = {
    Status.RECEIVED: "Received, not checked yet. Approve it when the work and the amount are right.",
    Status.APPROVED: "Approved: it counts as committed spend. Schedule the payment or record it once paid.",
    Status.SCHEDULED: "The payment is scheduled. Record it once the money has gone out.",
    Status.PAID: "Paid. Nothing more to do.",
    Status.DISPUTED: "On hold while the dispute is settled; the contractor sees the reason.",
    Status.VOID: "Void: it will not be paid and counts nowhere.",
}


def days_text(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


@dataclass(frozen=True)
class Timing:
    """Where an invoice stands against its due date, in words; `level` only repeats it for styling."""

    words: str
    level: str = ""  # overdue, today, soon, late, on-time


def timing(invoice: Invoice, due: DueDate | None, on: dt.date) -> Timing:
    if invoice.status == Status.VOID:
        return Timing("void: not to be paid")
    if due is None:
        return Timing("no date to count from" if invoice.status != Status.PAID else "paid")
    if invoice.status == Status.PAID:
        if invoice.paid_on is None or invoice.paid_on <= due.on:
            return Timing("paid on time", "on-time")
        return Timing(f"paid {days_text((invoice.paid_on - due.on).days)} late", "late")
    days = (on - due.on).days
    held = " (on hold: disputed)" if invoice.status == Status.DISPUTED else ""
    if days > 0:
        return Timing(f"{days_text(days)} overdue{held}", "overdue")
    if days == 0:
        return Timing(f"due today{held}", "today")
    if days == -1:
        return Timing(f"due tomorrow{held}", "soon")
    return Timing(f"due in {days_text(-days)}{held}", "soon" if days >= -7 else "")


@dataclass(frozen=True)
class InvoiceRow:
    invoice: Invoice
    due: DueDate | None
    timing: Timing


def invoice_rows(invoices: list[Invoice], on: dt.date) -> list[InvoiceRow]:
    """Invoices with their due dates (one query for all) and where each stands."""
    dues = due_dates(invoices)
    return [InvoiceRow(invoice=i, due=dues[i.pk], timing=timing(i, dues[i.pk], on)) for i in invoices]


def get_invoice(access: WorkspaceAccess, public_id: Any) -> Invoice:
    invoice = access.get(Invoice.objects.select_related(*INVOICE_ROWS), public_id)
    invoice.workspace = access.workspace
    return invoice


def invoice_url(invoice: Invoice, anchor: str = "") -> str:
    url = reverse("payments:invoice", kwargs={"ws": invoice.workspace.uuid, "invoice": invoice.uuid})
    return f"{url}#{anchor}" if anchor else url


def invoice_name(invoice: Invoice) -> str:
    return f"invoice {invoice.number}" if invoice.number else f"invoice {invoice.ref}"


def _safe_next(request: HttpRequest, url: str) -> str:
    """Where to go back to: a path on this site, never another host."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


# --- The list -------------------------------------------------------------------------------------


@workspace_view(get="read")
def invoices(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    invoiced = Engagement.objects.filter(workspace=ws, invoices__isnull=False).distinct()
    engagements = list(invoiced.select_related("contractor").order_by("title", "pk"))
    contractors = list(
        Contractor.objects.filter(workspace=ws, engagements__invoices__isnull=False)
        .distinct()
        .order_by("name")
        .only("uuid", "name")
    )
    filters = InvoiceFilterForm(
        request.GET or None,
        engagements=[(str(e.uuid), f"{e.title} ({e.contractor.name})") for e in engagements],
        contractors=[(str(c.uuid), c.name) for c in contractors],
    )
    bad = filters.is_bound and not filters.is_valid()
    value = filters.cleaned_data.get if filters.is_bound and not bad else (lambda name, default=None: default)
    engagement = next((e for e in engagements if str(e.uuid) == (value("engagement") or "")), None)
    contractor = next((c for c in contractors if str(c.uuid) == (value("contractor") or "")), None)
    rows = invoice_list(workspace=ws, status=value("status") or "", engagement=engagement, contractor=contractor)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "rows": invoice_rows(list(page), today(access)),
        "filtered": any(value(name) for name in ("status", "engagement", "contractor")),
        "query": params.urlencode(),
        "tab": "invoices",
    }
    return render_page(request, access, "payments/invoices.html", context, 400 if bad else 200)


# --- New and edit ---------------------------------------------------------------------------------


def _engagement_label(engagement: Engagement) -> str:
    return f"{engagement.title} ({engagement.contractor.name})"


def _milestone_label(milestone: Milestone) -> str:
    amount = f", {milestone.amount:,.2f}" if milestone.amount is not None else ""
    return f"{milestone.title} (due {milestone.due_on:%-d %b %Y}{amount})"


def _entry_label(entry: TimeEntry) -> str:
    what = f" · {entry.description[:80]}" if entry.description else ""
    hours = f"{entry.hours:f}".rstrip("0").rstrip(".")
    return f"{entry.worked_on:%a %-d %b %Y} · {hours} h{what}"


def _grouped(rows: list[Any], key: Any, label: Any, names: dict[int, str], flat: bool) -> list[Any]:
    """Choices for a select: flat for one engagement, else one group per engagement."""
    if flat:
        return [(str(r.uuid), label(r)) for r in rows]
    groups: dict[int, list[Any]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append((str(r.uuid), label(r)))
    return [(names[pk], choices) for pk, choices in groups.items()]


@dataclass
class Billing:
    """What a new invoice may bill: the engagements, and their milestones and approved unbilled hours."""

    engagements: list[Engagement]
    chosen: Engagement | None
    milestones: dict[str, Milestone]
    entries: dict[str, TimeEntry]
    milestone_choices: list[Any]
    entry_choices: list[Any]


def _billing(access: WorkspaceAccess, chosen_id: str) -> Billing:
    ws = access.workspace
    engagements = list(
        Engagement.objects.filter(workspace=ws, status__in=INVOICEABLE)
        .select_related("contractor")
        .order_by("contractor__name", "title", "pk")
    )
    chosen = next((e for e in engagements if str(e.uuid) == chosen_id), None)
    narrowed = [chosen] if chosen else engagements
    for e in narrowed:
        e.workspace = ws
    names = {e.pk: _engagement_label(e) for e in narrowed}
    milestones = list(
        Milestone.objects.filter(engagement__in=narrowed)
        .exclude(status=Milestone.Status.CANCELLED)
        .order_by("engagement_id", "due_on", "pk")
    )
    hourly = [e for e in narrowed if e.rate_model == RateModel.HOURLY]
    entries = list(
        TimeEntry.objects.filter(engagement__in=hourly, status=TimeEntry.Status.APPROVED, billed__isnull=True).order_by(
            "engagement_id", "worked_on", "pk"
        )
    )
    flat = chosen is not None
    return Billing(
        engagements=engagements,
        chosen=chosen,
        milestones={str(m.uuid): m for m in milestones},
        entries={str(t.uuid): t for t in entries},
        milestone_choices=_grouped(milestones, lambda m: m.engagement_id, _milestone_label, names, flat),
        entry_choices=_grouped(entries, lambda t: t.engagement_id, _entry_label, names, flat),
    )


def _saved_message(invoice: Invoice, verb: str) -> str:
    return (
        f"{verb} {invoice_name(invoice)} from {invoice.engagement.contractor.name}: "
        f"{invoice.amount:,.2f} {invoice.currency}."
    )


@workspace_view(get="read", post="write")
def invoice_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    posted = request.method == "POST"
    billing = _billing(access, (request.POST if posted else request.GET).get("engagement", ""))
    chosen = billing.chosen
    initial: dict[str, Any] = {"received_on": today(access)}
    if chosen is not None:
        initial.update(engagement=str(chosen.uuid), currency=chosen.rate_currency)
    form = InvoiceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=initial,
        engagements=[(str(e.uuid), _engagement_label(e)) for e in billing.engagements],
        milestones=billing.milestone_choices,
        time_entries=billing.entry_choices,
        refresh_url=reverse("payments:invoice_new", kwargs={"ws": access.workspace.uuid}),
    )
    if posted and form.is_valid() and chosen is not None:
        milestone = billing.milestones.get(form.cleaned_data["milestone"] or "")
        entries = [billing.entries[key] for key in form.cleaned_data.get("time_entries") or []]
        try:
            invoice = invoice_create(
                actor=Actor.web(request),
                engagement=chosen,
                data={**form.service_data(), "milestone": milestone},
                upload=form.cleaned_data["file"],
                time_entries=entries,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _saved_message(invoice, "Recorded"))
            return redirect(invoice_url(invoice))
    if not access.can("write"):
        disable(form)
    context = {
        "form": form,
        "invoice": None,
        "chosen": chosen,
        "has_engagements": bool(billing.engagements),
        "editable": True,
        "tab": "invoices",
    }
    return render_page(request, access, "payments/invoice_form.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def invoice_edit(request: HttpRequest, access: WorkspaceAccess, invoice: Any) -> HttpResponse:
    obj = get_invoice(access, invoice)
    milestones = list(
        Milestone.objects.filter(engagement=obj.engagement)
        .exclude(status=Milestone.Status.CANCELLED)
        .order_by("due_on", "pk")
    )
    if obj.milestone is not None and obj.milestone not in milestones:
        milestones.append(obj.milestone)
    by_key = {str(m.uuid): m for m in milestones}
    posted = request.method == "POST"
    form = InvoiceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=InvoiceForm.initial_for(obj),
        milestones=[(key, _milestone_label(m)) for key, m in by_key.items()],
        editing=True,
    )
    editable = obj.status in EDITABLE_STATUSES
    if posted and form.is_valid():
        try:
            invoice_update(
                actor=Actor.web(request),
                invoice=obj,
                data={**form.service_data(), "milestone": by_key.get(form.cleaned_data["milestone"] or "")},
                upload=form.cleaned_data["file"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            obj.refresh_from_db()
            messages.success(request, _saved_message(obj, "Saved"))
            return redirect(invoice_url(obj))
    if not access.can("write") or not editable:
        disable(form)
    context = {"form": form, "invoice": obj, "editable": editable, "tab": "invoices"}
    return render_page(request, access, "payments/invoice_form.html", context, 400 if form.is_bound else 200)


# --- One invoice ----------------------------------------------------------------------------------

# How each next step is offered: its button, and what it asks for (nothing, a reason, the payment).
STEP_LABELS = {
    Status.APPROVED: "Approve",
    Status.SCHEDULED: "Schedule the payment",
    Status.PAID: "Record the payment…",
    Status.RECEIVED: "Back to received",
    Status.DISPUTED: "Dispute…",
    Status.VOID: "Void…",
}
STEP_ORDER = (Status.APPROVED, Status.SCHEDULED, Status.PAID, Status.RECEIVED, Status.DISPUTED, Status.VOID)


def _steps(invoice: Invoice) -> list[dict[str, str]]:
    allowed = TRANSITIONS.get(invoice.status, frozenset())
    steps = []
    for status in STEP_ORDER:
        if status not in allowed:
            continue
        label = STEP_LABELS[status]
        if status == Status.APPROVED and invoice.status == Status.SCHEDULED:
            label = "Back to approved (not scheduled)"
        elif status == Status.APPROVED and invoice.status == Status.DISPUTED:
            label = "Settled: approve"
        steps.append({"status": str(status), "label": label})
    return steps


def _detail_context(
    access: WorkspaceAccess, invoice: Invoice, form: InvoiceStatusForm | None = None, error: str = ""
) -> dict[str, Any]:
    on = today(access)
    due = invoice_due(invoice)
    steps = _steps(invoice)
    posted = form.data.get("status", "") if form is not None and form.is_bound else ""
    return {
        "invoice": invoice,
        "engagement": invoice.engagement,
        "due": due,
        "timing": timing(invoice, due, on),
        "status_hint": STATUS_HINTS.get(Status(invoice.status), ""),
        "events": list(invoice.events.select_related("by")),
        "billed": list(invoice.time_entries.order_by("worked_on", "pk")),
        "steps": steps,
        "simple_steps": [s for s in steps if s["status"] in (Status.APPROVED, Status.SCHEDULED, Status.RECEIVED)],
        "can_pay": any(s["status"] == Status.PAID for s in steps),
        "can_dispute": any(s["status"] == Status.DISPUTED for s in steps),
        "can_void": any(s["status"] == Status.VOID for s in steps),
        "pay_form": form if posted == Status.PAID else InvoiceStatusForm(initial={"status": "paid", "paid_on": on}),
        "open_step": posted,
        "status_error": error,
        "note_error": form.errors.get("note")
        if form is not None and posted in (Status.DISPUTED, Status.VOID)
        else None,
        "processor_hint": PROCESSOR_HINT,
        "processor_paid": invoice.channel in PROCESSOR_CHANNELS,
        "is_open": invoice.status in OPEN,
        "editable": invoice.status in EDITABLE_STATUSES,
        "tab": "invoices",
    }


@workspace_view(get="read")
def invoice_detail(request: HttpRequest, access: WorkspaceAccess, invoice: Any) -> HttpResponse:
    obj = get_invoice(access, invoice)
    context = _detail_context(access, obj)
    if request.GET.get("pay") and context["can_pay"]:
        context["open_step"] = Status.PAID  # "Record payment" from the list of what to pay
    return render_page(request, access, "payments/invoice.html", context)


@workspace_view(get=None, post="write")
def invoice_status(request: HttpRequest, access: WorkspaceAccess, invoice: Any) -> HttpResponse:
    obj = get_invoice(access, invoice)
    form = InvoiceStatusForm(request.POST)
    error = ""
    if not form.is_valid():
        if "status" in form.errors:
            error = "Choose one of the next steps offered below."
        else:
            error = "Please check the form: " + " ".join(
                f"{form.fields[name].label or name}: {' '.join(str(e) for e in errors)}"
                for name, errors in form.errors.items()
            )
    else:
        data = form.cleaned_data
        paying = data["status"] == Status.PAID
        try:
            invoice_set_status(
                actor=Actor.web(request),
                invoice=obj,
                status=data["status"],
                note=data["note"] or "",
                paid_on=data["paid_on"] if paying else None,
                channel=data["channel"] if paying else "",
                backup_withholding=data["backup_withholding"] if paying else None,
            )
        except ValidationError as exc:
            obj.refresh_from_db()
            add_errors(form, exc)
            error = error_text(exc)
        else:
            obj.refresh_from_db()
            name = invoice_name(obj)
            messages.success(request, f"{name[:1].upper()}{name[1:]} is now {obj.get_status_display().lower()}.")
            return redirect(_safe_next(request, request.POST.get("next", "")) or invoice_url(obj))
    context = _detail_context(access, obj, form, error)
    return render_page(request, access, "payments/invoice.html", context, 400)


@workspace_view(get="read")
def invoice_file(request: HttpRequest, access: WorkspaceAccess, invoice: Any) -> HttpResponseBase:
    """The contractor's copy, to members only: files live under the data directory and have no public URL."""
    obj = access.get(Invoice.objects.all(), invoice)
    if not obj.file:
        raise Http404("No copy of this invoice has been uploaded.")
    try:
        handle = obj.file.open("rb")
    except FileNotFoundError as exc:
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
