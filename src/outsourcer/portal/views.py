"""The contractor portal's web face: a contractor's own engagements, their sent brief, milestones to deliver,
hours to log, the feedback the business chose to share, and their invoices (views_invoices).

A contractor reaches only their own rows (through `portal_engagements` / `portal_contractors`; anything
else is a 404). Owners, managers and viewers open the same pages as a preview of one contractor's portal;
owners and managers may act there on the contractor's behalf, viewers only read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.models import Role
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables.models import OPEN_STATUSES, Milestone
from outsourcer.deliverables.services import submission_create
from outsourcer.engagements.models import RUNNING, CommunicationPlan, Engagement
from outsourcer.engagements.selectors import portal_engagements, time_entry_list, weekly_cap_use
from outsourcer.engagements.services import (
    iso_week_start,
    time_entry_add,
    time_entry_delete,
    time_entry_submit,
    time_entry_update,
)
from outsourcer.payments.models import Invoice
from outsourcer.payments.selectors import dispute_notes
from outsourcer.payments.views import invoice_rows
from outsourcer.portal.forms import SubmitWorkForm, TimeEntryEditForm, TimeEntryForm
from outsourcer.portal.selectors import (
    brief_sections,
    channel_labels,
    communication_plan,
    feedback_items,
    hours_text,
    milestone_submissions,
    portal_attention,
    portal_engagement_list,
    portal_invoices,
    portal_milestones,
    portal_submission_files,
    portal_time_entries,
    portal_viewpoint,
    sent_brief,
    shared_ratings,
    shared_reviews,
    time_summary,
    week_hours_by_engagement,
    workspace_owners,
)

ALIASES = {"files": "uploads"}  # the services' names for what a portal form calls otherwise
CLOSED_MILESTONES = frozenset({Milestone.Status.ACCEPTED, Milestone.Status.CANCELLED, Milestone.Status.REJECTED})


def _render(
    request: HttpRequest, access: WorkspaceAccess, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    base = {"preview": access.role != Role.CONTRACTOR, "can_contribute": access.can("contribute")}
    response = render_access(request, access, template, {**base, **context})
    response.status_code = status
    return response


def _add_errors(form: Form, exc: ValidationError) -> None:
    """A service's refusal, beside the field it is about (or above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        name = ALIASES.get(name, name)
        form.add_error(name if name in form.fields else None, errors)


def _today(access: WorkspaceAccess) -> dt.date:
    return today_in(access.workspace.time_zone)


def _plan(engagement: Engagement) -> CommunicationPlan | None:
    try:
        return engagement.communication
    except CommunicationPlan.DoesNotExist:
        return None


def _url(name: str, access: WorkspaceAccess, **kwargs: Any) -> str:
    return reverse(name, kwargs={"ws": access.workspace.uuid, **kwargs})


def portal_invoice_rows(access: WorkspaceAccess, invoices: list[Invoice]) -> list[dict[str, Any]]:
    """Each invoice with its due date and where it stands (`payments/_due.html`), and why it is disputed."""
    notes = dispute_notes(invoices)
    return [
        {"invoice": row.invoice, "due": row.due, "timing": row.timing, "dispute": notes.get(row.invoice.pk, "")}
        for row in invoice_rows(invoices, _today(access))
    ]


# --- Home ----------------------------------------------------------------------------------------


@workspace_view(get="portal")
def home(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    view = portal_viewpoint(access=access, chosen=request.GET.get("contractor", "").strip())
    engagements = list(portal_engagement_list(access=access, contractors=view.contractors))
    today = _today(access)
    week_start = iso_week_start(today)
    week = week_hours_by_engagement(engagements=engagements, week_start=week_start)
    rows = []
    contacts = []
    for engagement in engagements:
        milestones = [m for m in engagement.milestones.all() if m.status != Milestone.Status.CANCELLED]
        upcoming = next((m for m in milestones if m.status in OPEN_STATUSES), None)
        plan = _plan(engagement)
        rows.append(
            {
                "engagement": engagement,
                "next": upcoming,
                "done": sum(1 for m in milestones if m.status == Milestone.Status.ACCEPTED),
                "total": len(milestones),
                "running": engagement.status in RUNNING,
                "week": week.get(engagement.pk, {}),
            }
        )
        if plan is not None and (plan.point_person or plan.escalation_contact):
            contacts.append(
                {
                    "engagement": engagement,
                    "plan": plan,
                    "important": plan.get_important_topics_channel_display() if plan.important_topics_channel else "",
                    "channels": channel_labels(plan.channels),
                }
            )
    context = {
        "view": view,
        "rows": rows,
        "running_rows": [row for row in rows if row["running"]],
        "attention": portal_attention(engagements=engagements, today=today),
        "contacts": contacts,
        "owners": workspace_owners(access=access),
        "week_start": week_start,
        "many_profiles": len(view.contractors) > 1,
    }
    return _render(request, access, "portal/home.html", context)


# --- One engagement ------------------------------------------------------------------------------


@workspace_view(get="portal")
def engagement(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = access.get(portal_engagements(access=access), engagement)
    version = sent_brief(engagement=obj)
    milestones = list(obj.milestones.order_by("due_on", "ref"))
    reviews = shared_reviews(milestones=Milestone.objects.filter(engagement=obj))
    plan = communication_plan(engagement=obj)
    context = {
        "engagement": obj,
        "contractor": obj.contractor,
        "version": version,
        "sections": brief_sections(version.content if version else None),
        "plan": plan,
        "channels": channel_labels(plan.channels) if plan else [],
        "milestones": milestones,
        "reviews": feedback_items(reviews),
        "ratings": list(shared_ratings(engagement=obj)),
        "time": time_summary(engagement=obj),
        "today": _today(access),
        "invoices": portal_invoice_rows(
            access, list(portal_invoices(access=access).filter(engagement=obj).order_by("-received_on", "-pk"))
        ),
    }
    return _render(request, access, "portal/engagement.html", context)


# --- One milestone: what was asked, what was sent, and sending more --------------------------------


@workspace_view(get="portal", post="contribute")
def milestone(request: HttpRequest, access: WorkspaceAccess, milestone: Any) -> HttpResponse:
    obj = access.get(portal_milestones(access=access), milestone)
    engagement_obj = obj.engagement
    posted = request.method == "POST"
    form = SubmitWorkForm(request.POST, request.FILES) if posted else SubmitWorkForm()
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            submission_create(
                actor=Actor.web(request),
                milestone=obj,  # dated today in the workspace: a contractor never states the date
                text=data["text"],
                links=data["links"],
                note=data["note"],
                files=data["uploads"],
            )
        except ValidationError as exc:
            obj.refresh_from_db()
            _add_errors(form, exc)
        else:
            messages.success(request, f"Submitted “{obj.title}”. It waits for review; the feedback will show here.")
            return redirect(_url("portal:milestone", access, milestone=obj.uuid))
    version = sent_brief(engagement=engagement_obj)
    criteria = list((version.content or {}).get("acceptance_criteria") or []) if version else []
    if obj.status in CLOSED_MILESTONES:
        closed_reason = f"This milestone is {obj.get_status_display().lower()}; it takes no more submissions."
    elif engagement_obj.status not in RUNNING:
        closed_reason = "Work can be submitted only while the engagement is in progress."
    else:
        closed_reason = ""
    context = {
        "milestone": obj,
        "engagement": engagement_obj,
        "contractor": engagement_obj.contractor,
        "submissions": list(milestone_submissions(milestone=obj)),
        "reviews": feedback_items(shared_reviews(milestones=[obj])),
        "criteria": criteria,
        "version": version,
        "form": form,
        "closed_reason": closed_reason,
        "today": _today(access),
    }
    return _render(request, access, "portal/milestone.html", context, 400 if posted else 200)


@workspace_view(get="portal")
def submission_file(request: HttpRequest, access: WorkspaceAccess, submission_file: Any) -> HttpResponseBase:
    """A submitted file, to whoever may see its milestone; files have no public URL."""
    attachment = access.get(portal_submission_files(access=access), submission_file)
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404("The stored copy of this file is missing from the data directory.") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name or "file", content_type="application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Hours ---------------------------------------------------------------------------------------


def _time_context(access: WorkspaceAccess, obj: Engagement) -> dict[str, Any]:
    today = _today(access)
    entries = list(time_entry_list(engagement=obj))
    cap = weekly_cap_use(engagement=obj, week_start=iso_week_start(today))
    bar = None
    if cap["cap"]:
        used = cap["approved"] + cap["waiting"]
        scale = max(cap["cap"], used)
        bar = {key: round(float(cap[key] / scale * 100), 2) for key in ("approved", "waiting")}
    return {
        "engagement": obj,
        "contractor": obj.contractor,
        "entries": entries,
        "cap": cap,
        "used": cap["approved"] + cap["waiting"],
        "bar": bar,
        "summary": time_summary(engagement=obj),
        "running": obj.status in RUNNING,
        "today": today,
    }


@workspace_view(get="portal", post="contribute")
def time_log(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = access.get(portal_engagements(access=access), engagement)
    posted = request.method == "POST"
    form = TimeEntryForm(request.POST if posted else None, initial={"worked_on": _today(access)})
    if posted and form.is_valid():
        submit = form.cleaned_data["submit"]
        try:
            entry = time_entry_add(actor=Actor.web(request), engagement=obj, data=form.service_data(), submit=submit)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            done = "sent for approval" if submit else "kept as a draft; submit it when you are ready"
            messages.success(request, f"Logged {hours_text(entry.hours)} h on {entry.worked_on:%-d %b %Y}, {done}.")
            return redirect(_url("portal:time", access, engagement=obj.uuid))
    context = {**_time_context(access, obj), "form": form}
    return _render(request, access, "portal/time.html", context, 400 if posted else 200)


@workspace_view(get="portal", post="contribute")
def time_entry(request: HttpRequest, access: WorkspaceAccess, time_entry: Any) -> HttpResponse:
    """One entry: correct it, submit it, or delete it while it is not approved."""
    entry = access.get(portal_time_entries(access=access), time_entry)
    back = _url("portal:time", access, engagement=entry.engagement.uuid)
    posted = request.method == "POST"
    action = request.POST.get("action", "save") if posted else ""
    # The table's Submit button sends no fields; the edit form's buttons send them with the action.
    with_fields = action == "save" or (action == "submit" and "worked_on" in request.POST)
    initial = {"worked_on": entry.worked_on, "hours": entry.hours, "description": entry.description}
    form = TimeEntryEditForm(request.POST if with_fields else None, initial=initial)
    problems: list[str] = []  # refusals when no fields were sent (an unbound form holds no errors)
    if posted and action not in ("save", "submit", "delete"):
        problems.append("Choose to save, submit or delete the entry.")
    elif posted and (not form.is_bound or form.is_valid()):
        actor = Actor.web(request)
        try:
            with transaction.atomic():
                if action == "delete":
                    time_entry_delete(actor=actor, entry=entry)
                else:
                    if form.is_bound:
                        time_entry_update(actor=actor, entry=entry, data=form.service_data())
                    if action == "submit":
                        time_entry_submit(actor=actor, entry=entry)
        except ValidationError as exc:
            entry.refresh_from_db()  # the refused values were set on it while checking
            if form.is_bound:
                _add_errors(form, exc)
            else:
                problems.extend(exc.messages)
        else:
            verb = {"save": "Saved", "submit": "Submitted for approval:", "delete": "Deleted"}[action]
            messages.success(request, f"{verb} {hours_text(entry.hours)} h on {entry.worked_on:%-d %b %Y}.")
            return redirect(back)
    if entry.is_locked or not access.can("contribute"):
        for field in form.fields.values():
            field.disabled = True
    context = {
        "entry": entry,
        "engagement": entry.engagement,
        "contractor": entry.engagement.contractor,
        "form": form,
        "problems": problems,
    }
    return _render(request, access, "portal/time_entry.html", context, 400 if posted else 200)
