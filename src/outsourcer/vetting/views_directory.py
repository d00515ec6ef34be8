"""The web face of the contractor directory: the list, a contractor's page and form, the scorecard weights."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from outsourcer.accounts.door import ObjectNotFound, WorkspaceAccess
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.contractors import selectors as directory_selectors
from outsourcer.contractors.models import Contractor, Stage
from outsourcer.contractors.overlap import DayOverlap
from outsourcer.contractors.selectors import portal_access_of
from outsourcer.contractors.services import PossibleDuplicates, contractor_create, contractor_update
from outsourcer.contractors.services import contractor_delete as contractor_remove
from outsourcer.contractors.services import contractor_portal_invite as invite_to_portal
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.planning.models import Task
from outsourcer.vetting.charts import overlap_timeline, window_minutes
from outsourcer.vetting.directory_queries import contractor_engagements, directory_search, worst_overlaps
from outsourcer.vetting.forms_directory import ContractorForm, DirectoryFilterForm, ScorecardWeightsForm
from outsourcer.vetting.selectors import GAP_TEXT, STANDINGS, Scorecard, scorecards, vetting_gaps, weights_for
from outsourcer.vetting.services import scorecard_weights_set

PAGE_SIZE = 50
PART_LABELS = {
    "references": "References",
    "interviews": "Interviews",
    "trial": "Paid trial",
    "ratings": "Ratings of real work",
}
# The vetting steps in the order they are usually taken, as the contractor page lists them.
STEPS = (("references", "Check a reference"), ("interview", "Hold an interview"), ("trial", "Run a paid trial"))


def _render(
    request: HttpRequest, access: WorkspaceAccess, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render_access(request, access, template, {"can_write": access.can("write"), **context})
    response.status_code = status
    return response


def _add_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal, shown beside the field it is about (or above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _contractor(access: WorkspaceAccess, contractor: Any) -> Contractor:
    return access.get(Contractor.objects.all(), contractor)


def _task(access: WorkspaceAccess, value: Any) -> Task | None:
    """The plan's task a search is for; an unknown one is simply left out."""
    if not value:
        return None
    try:
        return access.get(Task.objects.all(), value)
    except ObjectNotFound:
        return None


def _with_task(url: str, task: Task | None) -> str:
    return f"{url}?task={task.uuid}" if task else url


# --- The directory ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DirectoryRow:
    contractor: Contractor
    card: Scorecard
    worst: DayOverlap | None


@workspace_view(get="read")
def directory(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    skills = directory_selectors.contractor_skills(workspace=ws)
    filters = DirectoryFilterForm(request.GET or None, skills=skills)
    bad = filters.is_bound and not filters.is_valid()
    value = filters.value
    today = today_in(ws.time_zone)
    search = directory_search(
        workspace=ws,
        today=today,
        search=(value("q") or "").strip(),
        skill=value("skill") or "",
        stage=value("stage") or "",
        rate_min=value("rate_min"),
        rate_max=value("rate_max"),
        min_overlap=value("overlap"),
        standing=value("standing") or "",
    )
    page = Paginator(search.contractors, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    cards = scorecards(workspace=ws, contractor_ids=[c.pk for c in shown])
    worst = worst_overlaps(workspace=ws, contractors=shown, start=today)
    rows = [DirectoryRow(c, cards[c.pk], worst[c.pk]) for c in shown]
    params = request.GET.copy()
    params.pop("page", None)
    chip_params = params.copy()
    chip_params.pop("stage", None)
    task = _task(access, value("task"))
    filtered = any(value(name) not in (None, "") for name in ("q", "skill", "rate_min", "rate_max", "overlap"))
    filtered = filtered or bool(value("standing"))
    empty_directory = not rows and not directory_selectors.contractor_list(workspace=ws).exists()
    new_query = {"skill": value("skill") or "", "task": str(task.uuid) if task else ""}
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "stage": value("stage") or "",
        "skill": value("skill") or "",
        "known_skills": skills,
        "filtered": filtered or bool(value("stage")),
        "more_filters_open": filtered,
        "query": params.urlencode(),
        "chip_query": chip_params.urlencode(),
        "counts": [(v, label, search.stage_counts[v]) for v, label in Stage.choices],
        "count_all": sum(search.stage_counts.values()),
        "task": task,
        "today": today,
        "empty_directory": empty_directory,
        "new_query": urlencode({k: v for k, v in new_query.items() if v}),
    }
    if request.GET.get("task") and task is None:
        context["task_missing"] = True
    return _render(request, access, "vetting/directory.html", context, 400 if bad else 200)


# --- A contractor's page ------------------------------------------------------------------------


# The range the timeline may start in (the API's overlap start takes the same).
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2999, 12, 31)


def _start_day(request: HttpRequest, today: dt.date) -> tuple[dt.date, str]:
    """The first day of the overlap timeline: `?from=YYYY-MM-DD`, or today where the workspace is."""
    given = request.GET.get("from", "").strip()
    if not given:
        return today, ""
    try:
        day = dt.date.fromisoformat(given)
    except ValueError:
        return today, f"“{given[:40]}” is not a date: write it as YYYY-MM-DD, e.g. {today.isoformat()}."
    if not FIRST_DAY <= day <= LAST_DAY:  # the timeline reads days beyond it: keep clear of year 9999
        return today, f"Choose a day between {FIRST_DAY.year} and {LAST_DAY.year}."
    return day, ""


@workspace_view(get="read")
def contractor_detail(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    obj = access.get(directory_selectors.contractor_detail(workspace=access.workspace), contractor)
    return _contractor_page(request, access, obj)


def _contractor_page(
    request: HttpRequest, access: WorkspaceAccess, obj: Contractor, portal_error: str = ""
) -> HttpResponse:
    ws = access.workspace
    today = today_in(ws.time_zone)
    start, start_error = _start_day(request, today)
    card = scorecards(workspace=ws, contractor_ids=[obj.pk])[obj.pk]
    gaps = vetting_gaps(contractor=obj)
    report = directory_selectors.contractor_overlap(workspace=ws, contractor=obj, start=start)
    timeline = None
    if report is not None:
        timeline = overlap_timeline(
            report.days,
            workspace_zone=ws.time_zone,
            contractor_zone=obj.time_zone,
            window_minutes=window_minutes(ws.work_start, ws.work_end),
        )
    engagements = contractor_engagements(contractor=obj)
    running_trials = [e for e in engagements if e.kind == "trial" and e.is_running]
    task = _task(access, request.GET.get("task"))
    context = {
        "contractor": obj,
        "card": card,
        "parts": [(PART_LABELS.get(p.name, p.name), p) for p in card.parts],
        "steps": [(key, title, GAP_TEXT[key], key not in gaps) for key, title in STEPS],
        "gaps": [GAP_TEXT[g] for g in gaps],
        "open_flags": [f for f in obj.redflag_set.all() if not f.resolved],
        "timeline": timeline,
        "start": start,
        "start_error": start_error,
        "today": today,
        "engagements": engagements,
        "running_trial": running_trials[0] if running_trials else None,
        "task": task,
        "trial_url": _with_task(reverse("vetting:trial_new", kwargs={"ws": ws.uuid, "contractor": obj.uuid}), task),
        "stages": Stage.choices,
        "weights_total": sum(p.weight for p in card.parts),
        "portal": portal_access_of(contractor=obj),
        "portal_error": portal_error,
    }
    return _render(request, access, "vetting/contractor.html", context, 400 if start_error or portal_error else 200)


@workspace_view(get=None, post="write")
def contractor_portal_invite(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    """Invite the contractor by email to a portal that shows only their own engagements."""
    obj = access.get(directory_selectors.contractor_detail(workspace=access.workspace), contractor)
    try:
        invitation = invite_to_portal(actor=Actor.web(request), contractor=obj)
    except ValidationError as exc:
        return _contractor_page(request, access, obj, portal_error=" ".join(exc.messages))
    if invitation is None:
        messages.success(
            request,
            f"{obj.email} already had a contractor account here; their portal now shows the work of {obj.name}.",
        )
    else:
        messages.success(request, f"Invited {obj.name} to the portal: the link went to {invitation.email}.")
    url = reverse("vetting:contractor", kwargs={"ws": access.workspace.uuid, "contractor": obj.uuid})
    return redirect(f"{url}#portal")


# --- Adding, editing and deleting a contractor --------------------------------------------------


@workspace_view(get="read", post="write")
def contractor_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    initial: dict[str, Any] = {"currency": ws.base_currency, "work_days": [1, 2, 3, 4, 5]}
    if request.GET.get("skill"):
        initial["skills"] = " ".join(request.GET["skill"].split())[:64]
    task = _task(access, request.POST.get("task") or request.GET.get("task"))
    if task is not None:
        initial["task"] = task.uuid
    form = ContractorForm(request.POST or None, initial=initial)
    duplicates: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = contractor_create(
                actor=Actor.web(request),
                workspace=ws,
                data=form.service_data(),
                allow_duplicates=form.cleaned_data["allow_duplicates"],
            )
        except PossibleDuplicates as exc:
            duplicates = exc.matches
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"Added {created.name} as a prospect. Next: check a reference, hold an interview, "
                "then run a small paid trial before you approve them.",
            )
            url = reverse("vetting:contractor", kwargs={"ws": ws.uuid, "contractor": created.uuid})
            return redirect(_with_task(url, task))
    context = {"form": form, "duplicates": duplicates, "task": task}
    return _render(request, access, "vetting/contractor_new.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def contractor_edit(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    obj = _contractor(access, contractor)
    form = ContractorForm(request.POST or None, initial=ContractorForm.initial_for(obj))
    if request.method == "POST" and form.is_valid():
        try:
            contractor_update(actor=Actor.web(request), contractor=obj, data=form.service_data())
        except ValidationError as exc:
            obj.refresh_from_db()  # the refused values were set on it while checking
            _add_errors(form, exc)
        else:
            messages.success(request, f"Saved {obj.name}.")
            return redirect("vetting:contractor", ws=access.workspace.uuid, contractor=obj.uuid)
    if not access.can("write"):
        for field in form.fields.values():
            field.disabled = True
    context = {"contractor": obj, "form": form}
    return _render(request, access, "vetting/contractor_edit.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def contractor_delete(request: HttpRequest, access: WorkspaceAccess, contractor: Any) -> HttpResponse:
    obj = _contractor(access, contractor)
    error = ""
    if request.method == "POST":
        try:
            contractor_remove(actor=Actor.web(request), contractor=obj)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Deleted {obj.name} and their vetting records from the directory.")
            return redirect("vetting:directory", ws=access.workspace.uuid)
    engagements = obj.engagements.count()
    context = {"contractor": obj, "error": error, "engagements": engagements}
    return _render(request, access, "vetting/contractor_delete.html", context, 400 if error else 200)


# --- The scorecard weights ----------------------------------------------------------------------


def _thresholds() -> list[tuple[str, str]]:
    """Each standing with the scores that give it, in words: `60% to under 80%`."""
    found, above = [], None
    for floor, name in STANDINGS:
        pct = round(floor * 100)
        if above is None:
            found.append((name, f"{pct}% and more"))
        elif pct == 0:
            found.append((name, f"below {above}%"))
        else:
            found.append((name, f"{pct}% to under {above}%"))
        above = pct
    return found


@workspace_view(get="read", post="write")
def scorecard_weights(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    form = ScorecardWeightsForm(request.POST or None, initial=weights_for(workspace=ws))
    if request.method == "POST" and form.is_valid():
        try:
            scorecard_weights_set(actor=Actor.web(request), workspace=ws, data=form.service_data())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Saved the scorecard weights. Every contractor's standing now uses them.")
            return redirect("vetting:scorecard_weights", ws=ws.uuid)
    if not access.can("write"):
        for field in form.fields.values():
            field.disabled = True
    context = {
        "form": form,
        "thresholds": _thresholds(),
        "parts": [(form[name], PART_LABELS[name]) for name in ("references", "interviews", "trial", "ratings")],
    }
    return _render(request, access, "vetting/scorecard_weights.html", context, 400 if form.is_bound else 200)
