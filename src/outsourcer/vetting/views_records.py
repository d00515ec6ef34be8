"""The web face of vetting: the pipeline board and its approval gate, the vetting records (references,
interviews, documents and their files, red flags) and the paid trial."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.contractors.models import (
    TRUSTED_STAGES,
    Contractor,
    Document,
    Interview,
    RedFlag,
    ReferenceCheck,
    Stage,
)
from outsourcer.contractors.services import document_save, record_add, record_delete, record_update
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement, Kind, Status
from outsourcer.engagements.services import trial_default_end, trial_start
from outsourcer.engagements.services import trial_finish as finish_trial
from outsourcer.planning.models import TaskStatus
from outsourcer.planning.selectors import task_list
from outsourcer.vetting.forms_records import (
    DocumentForm,
    InterviewForm,
    NewRedFlagForm,
    RecordForm,
    RedFlagForm,
    ReferenceForm,
    StageForm,
    TrialFinishForm,
    TrialForm,
)
from outsourcer.vetting.selectors import GAP_TEXT, STANDINGS, open_red_flags, pipeline, scorecard, suggested_task
from outsourcer.vetting.services import VettingIncomplete, contractor_set_stage

BOARD_COLUMN_MAX = 100  # cards per column; the directory, filtered by stage, lists the rest
STAGE_HINTS = {
    Stage.PROSPECT: "Found, not yet looked at closely.",
    Stage.VETTING: "References, interviews and documents under way.",
    Stage.TRIAL: "Doing a small paid trial.",
    Stage.APPROVED: "Vetted: may be given real work.",
    Stage.PREFERRED: "Proven: offered work first.",
    Stage.INACTIVE: "Not working with you for now.",
    Stage.BLOCKED: "Never to be hired again.",
}


def _render(
    request: HttpRequest, access: WorkspaceAccess, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render_access(request, access, template, {"can_write": access.can("write"), **context})
    response.status_code = status
    return response


def _add_errors(form: Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """A service's refusal, shown beside the field it is about (or above the form)."""
    for field, errors in exc.message_dict.items():
        name = (aliases or {}).get(field, field)
        form.add_error(name if name in form.fields else None, errors)


def _contractor(access: WorkspaceAccess, contractor: Any) -> Contractor:
    return access.get(Contractor.objects.all(), contractor)


def _contractor_url(contractor: Contractor, anchor: str = "") -> str:
    url = reverse("vetting:contractor", kwargs={"ws": contractor.workspace.uuid, "contractor": contractor.uuid})
    return f"{url}#{anchor}" if anchor else url


def _disable(form: Form) -> None:
    for field in form.fields.values():
        field.disabled = True


def _today(access: WorkspaceAccess) -> dt.date:
    return today_in(access.workspace.time_zone)


# --- The board and the approval gate ---------------------------------------------------------------


@workspace_view(get="read")
def board(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    by_stage = pipeline(workspace=access.workspace)
    columns = [
        {
            "stage": value,
            "label": label,
            "hint": STAGE_HINTS[Stage(value)],
            "count": len(by_stage[value]),
            "cards": by_stage[value][:BOARD_COLUMN_MAX],
            "more": max(0, len(by_stage[value]) - BOARD_COLUMN_MAX),
        }
        for value, label in Stage.choices
    ]
    total = sum(len(people) for people in by_stage.values())
    context = {"columns": columns, "stages": Stage.choices, "total": total}
    return _render(request, access, "vetting/board.html", context)


def _safe_next(request: HttpRequest, url: str) -> str:
    """Where to go back to: a path on this site, never another host."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


@workspace_view(get=None, post="write")
def contractor_stage(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    obj = _contractor(access, contractor)
    form = StageForm(request.POST)
    back = _safe_next(request, request.POST.get("next", "")) or _contractor_url(obj)
    context: dict[str, Any] = {"contractor": obj, "form": form, "back": back, "gaps": [], "flags": []}
    if not form.is_valid():
        return _render(request, access, "vetting/stage.html", context, 400)
    stage, reason = form.cleaned_data["stage"], form.cleaned_data["override_reason"]
    before = obj.stage
    try:
        contractor_set_stage(actor=Actor.web(request), contractor=obj, stage=stage, override_reason=reason)
    except VettingIncomplete as exc:
        context["gaps"] = [_gap(obj, key) for key in exc.gaps]
        form.fields["override_reason"].required = True  # on this page, going ahead takes a reason
        if request.POST.get("confirm"):  # sent from this page without one
            form.add_error("override_reason", "Say why you approve with these steps missing.")
        return _render(request, access, "vetting/stage.html", context, 400)
    except ValidationError as exc:
        _add_errors(form, exc)
        if stage in TRUSTED_STAGES:
            context["flags"] = open_red_flags(contractor=obj)
        return _render(request, access, "vetting/stage.html", context, 400)
    label = Stage(stage).label
    if before == stage:
        messages.info(request, f"{obj.name} is already at {label}.")
    elif reason.strip() and obj.approval_override == reason.strip():
        messages.success(request, f"{obj.name} is now {label}, with vetting steps missing; the reason is kept.")
    else:
        messages.success(request, f"{obj.name} is now {label}.")
    return redirect(back)


def _gap(contractor: Contractor, key: str) -> dict[str, str]:
    """A missing vetting step, said in words, with the page that records it."""
    names = {"references": "vetting:reference_new", "interview": "vetting:interview_new", "trial": "vetting:trial_new"}
    actions = {"references": "Add a reference check", "interview": "Record an interview", "trial": "Start a paid trial"}
    url = reverse(names[key], kwargs={"ws": contractor.workspace.uuid, "contractor": contractor.uuid})
    return {"key": key, "text": GAP_TEXT[key], "url": url, "action": actions[key]}


# --- Vetting records: one pair of pages for each kind ------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    form: type[RecordForm]
    new_form: type[RecordForm]
    noun: str
    anchor: str  # where the contractor page lists them
    new_title: str
    intro: str
    dated: str = ""  # a date field that starts at today on a new record


KINDS: dict[type[Model], RecordKind] = {
    ReferenceCheck: RecordKind(
        ReferenceForm, ReferenceForm, "reference check", "references", "Add a reference check",
        "A past client or employer who can say how they work. It counts towards approval once it was "
        "checked and came back positive or mixed.",
    ),
    Interview: RecordKind(
        InterviewForm, InterviewForm, "interview", "interviews", "Record an interview",
        "Score what you saw, 1 to 5; leave a score empty when the interview did not show it.", "held_on",
    ),
    Document: RecordKind(
        DocumentForm, DocumentForm, "document", "documents", "Add a document",
        "A signed agreement, an NDA, a tax form or a certificate, with its dates and, if you have it, a copy.",
    ),
    RedFlag: RecordKind(
        RedFlagForm, NewRedFlagForm, "red flag", "red-flags", "Note a red flag",
        "Something that points to a scam or a bad fit. While it is unresolved, the contractor cannot be approved.",
        "noted_on",
    ),
}  # fmt: skip


def _describe(record: Model) -> str:
    if isinstance(record, ReferenceCheck):
        return f"the reference from {record.name}"
    if isinstance(record, Interview):
        return f"the interview of {record.held_on:%-d %b %Y}"
    if isinstance(record, Document):
        return f"the {record.title or record.get_kind_display()}"
    if isinstance(record, RedFlag):
        return f"the red flag “{record.get_kind_display()}”"
    return "the record"


def _save(request: HttpRequest, contractor: Contractor, record: Model | None, model: type[Model], form: Any) -> Model:
    actor = Actor.web(request)
    data = form.service_data()
    if model is Document:
        document = record if isinstance(record, Document) else None
        upload = form.cleaned_data.get("file")
        return document_save(actor=actor, contractor=contractor, document=document, data=data, upload=upload)
    if record is None:
        return record_add(actor=actor, contractor=contractor, model=model, data=data)
    return record_update(actor=actor, record=record, data=data)


def _record_new(request: HttpRequest, access: WorkspaceAccess, contractor: Any, model: type[Model]) -> HttpResponse:
    obj = _contractor(access, contractor)
    kind = KINDS[model]
    posted = request.method == "POST"
    initial = {kind.dated: _today(access)} if kind.dated else {}
    form = kind.new_form(request.POST if posted else None, request.FILES if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            record = _save(request, obj, None, model, form)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Added {_describe(record)} to {obj.name}.")
            return redirect(_contractor_url(obj, kind.anchor))
    if not access.can("write"):
        _disable(form)
    context = {"contractor": obj, "form": form, "kind": kind, "record": None, "title": kind.new_title}
    return _render(request, access, "vetting/record_form.html", context, 400 if form.is_bound else 200)


def _record_edit(request: HttpRequest, access: WorkspaceAccess, public_id: Any, model: type[Model]) -> HttpResponse:
    kind = KINDS[model]
    record: Any = access.get(model.objects.select_related("contractor"), public_id)  # type: ignore[attr-defined]
    obj: Contractor = record.contractor
    posted = request.method == "POST"
    if posted and request.POST.get("delete"):
        described = _describe(record)
        record_delete(actor=Actor.web(request), record=record)
        messages.success(request, f"Deleted {described} of {obj.name}.")
        return redirect(_contractor_url(obj, kind.anchor))
    form = kind.form(
        request.POST if posted else None, request.FILES if posted else None, initial=kind.form.initial_for(record)
    )
    if posted and form.is_valid():
        try:
            _save(request, obj, record, model, form)
        except ValidationError as exc:
            record.refresh_from_db()  # the refused values were set on it while checking
            _add_errors(form, exc)
        else:
            messages.success(request, f"Saved {_describe(record)} of {obj.name}.")
            return redirect(_contractor_url(obj, kind.anchor))
    if not access.can("write"):
        _disable(form)
    title = _describe(record).removeprefix("the ")
    context = {"contractor": obj, "form": form, "kind": kind, "record": record, "title": title[:1].upper() + title[1:]}
    return _render(request, access, "vetting/record_form.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def reference_new(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    return _record_new(request, access, contractor, ReferenceCheck)


@workspace_view(get="read", post="write")
def interview_new(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    return _record_new(request, access, contractor, Interview)


@workspace_view(get="read", post="write")
def document_new(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    return _record_new(request, access, contractor, Document)


@workspace_view(get="read", post="write")
def red_flag_new(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    return _record_new(request, access, contractor, RedFlag)


@workspace_view(get="read", post="write")
def reference_edit(request: HttpRequest, access: WorkspaceAccess, reference: Any) -> HttpResponse:
    return _record_edit(request, access, reference, ReferenceCheck)


@workspace_view(get="read", post="write")
def interview_edit(request: HttpRequest, access: WorkspaceAccess, interview: Any) -> HttpResponse:
    return _record_edit(request, access, interview, Interview)


@workspace_view(get="read", post="write")
def document_edit(request: HttpRequest, access: WorkspaceAccess, document: Any) -> HttpResponse:
    return _record_edit(request, access, document, Document)


@workspace_view(get="read", post="write")
def red_flag_edit(request: HttpRequest, access: WorkspaceAccess, red_flag: Any) -> HttpResponse:
    return _record_edit(request, access, red_flag, RedFlag)


@workspace_view(get="read")
def document_file(request: HttpRequest, access: WorkspaceAccess, document: Any) -> HttpResponseBase:
    """The stored copy, to members only: files live under the data directory and have no public URL."""
    doc = access.get(Document.objects.all(), document)
    if not doc.file:
        raise Http404("No copy of this document has been uploaded.")
    try:
        handle = doc.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The stored copy of this document is missing from the data directory.") from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=doc.file_name or "document",
        content_type=doc.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The paid trial -------------------------------------------------------------------------------

TRIAL_ALIASES = {"rate_currency": "currency", "rate_amount": "budget", "budget_cap": "budget", "tasks": "task"}


@workspace_view(get="read", post="write")
def trial_new(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    ws = access.workspace
    obj = _contractor(access, contractor)
    today = _today(access)
    tasks = {str(t.uuid): t for t in task_list(workspace=ws) if t.status != TaskStatus.RETIRED}
    chosen = tasks.get(request.GET.get("task", "")) or suggested_task(contractor=obj, tasks=list(tasks.values()))
    subject = chosen.name if chosen else (obj.skills[0] if obj.skills else obj.name)
    initial = {
        "title": f"Paid trial: {subject}",
        "start_on": today,
        "end_on": trial_default_end(today),
        "currency": obj.currency or ws.base_currency,
        "task": str(chosen.uuid) if chosen else "",
    }
    posted = request.method == "POST"
    choices = [(key, task.name) for key, task in tasks.items()]
    form = TrialForm(request.POST if posted else None, initial=initial, tasks=choices)
    card = scorecard(contractor=obj)
    avoid = card.standing == "avoid"
    if posted and form.is_valid():
        data = form.cleaned_data
        if avoid and not data["confirm_avoid"]:
            form.add_error("confirm_avoid", "Tick this box to start a trial with someone the scorecard says to avoid.")
        else:
            try:
                trial = trial_start(
                    actor=Actor.web(request),
                    contractor=obj,
                    title=data["title"],
                    start_on=data["start_on"],
                    end_on=data["end_on"],
                    budget=data["budget"],
                    currency=data["currency"],
                    task=tasks.get(data["task"]),
                )
            except ValidationError as exc:
                _add_errors(form, exc, TRIAL_ALIASES)
            else:
                messages.success(
                    request,
                    f"Started the paid trial “{trial.title}” with {obj.name}: {trial.start_on:%-d %b} to "
                    f"{trial.end_on:%-d %b %Y}, {trial.budget_cap:,.2f} {trial.rate_currency}.",
                )
                return redirect(_contractor_url(obj, "engagements"))
    if not avoid:
        del form.fields["confirm_avoid"]
    if not access.can("write"):
        _disable(form)
    context = {
        "contractor": obj,
        "form": form,
        "card": card,
        "avoid": avoid,
        "flags": open_red_flags(contractor=obj) if card.open_red_flags else [],
        "watch_floor": next(round(floor * 100) for floor, name in STANDINGS if name == "watch"),
        "has_tasks": bool(tasks),
    }
    return _render(request, access, "vetting/trial_new.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def trial_finish(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    trial = access.get(Engagement.objects.select_related("contractor"), engagement)
    if trial.kind != Kind.TRIAL:
        raise Http404("Only a paid trial has an outcome to record here.")
    obj = trial.contractor
    posted = request.method == "POST"
    form = TrialFinishForm(request.POST if posted else None, initial={"on": _today(access)})
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            finish_trial(
                actor=Actor.web(request),
                trial=trial,
                passed=data["passed"],
                overall=data["overall"],
                on=data["on"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            trial.refresh_from_db()
            _add_errors(form, exc, {"text": "notes"})
        else:
            outcome = "passed" if data["passed"] else "did not pass"
            messages.success(request, f"Recorded the trial “{trial.title}”: {obj.name} {outcome}.")
            return redirect(_contractor_url(obj, "engagements"))
    if not access.can("write"):
        _disable(form)
    context = {
        "trial": trial,
        "contractor": obj,
        "form": form,
        "ratings": list(trial.ratings.all()),
        "ended": trial.status == Status.TERMINATED,
    }
    return _render(request, access, "vetting/trial_finish.html", context, 400 if form.is_bound else 200)
