"""The web face of the planning stage: the time audit and the ranked outsourcing plan."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.core.actor import Actor
from outsourcer.planning.charts import RECOMMENDATIONS, plan_chart, recommendation_icon, recommendation_label
from outsourcer.planning.csv_io import CsvError
from outsourcer.planning.forms import CsvImportForm, TaskFilterForm, TaskForm
from outsourcer.planning.models import Task, TaskStatus
from outsourcer.planning.scoring import PlannedTask
from outsourcer.planning.selectors import plan_for_workspace, task_counts, task_list, tasks_csv
from outsourcer.planning.services import (
    CsvInvalid,
    task_create,
    task_delete,
    task_set_status,
    task_update,
    tasks_import_csv,
)

TABLE_TOP = 50  # rows of the plan shown until the user asks for all
HANDED_OUT = ("outsource_first", "outsource", "outsource_with_oversight")


def money(value: Decimal | None, currency: str) -> str:
    """E.g. `1,234.50 USD`: thousands separated, two decimals, a true minus sign (U+2212) when negative."""
    if value is None:
        return ""
    sign = "\u2212" if value < 0 else ""
    return f"{sign}{abs(value):,.2f} {currency}"


def hours(value: Decimal | str) -> str:
    return f"{Decimal(value):,.1f}".removesuffix(".0")


@dataclass(frozen=True)
class PlanRow:
    """One ranked task as the pages show it."""

    planned: PlannedTask
    task: Task
    recommendation: str
    hours_freed: str
    saving: str
    saving_negative: bool
    saving_note: str  # why a handed-out task has no saving
    handed_out: bool
    icon: str  # the recommendation's chart marker, for its badge

    @property
    def can_become_candidate(self) -> bool:
        return self.handed_out and self.task.status == TaskStatus.IN_HOUSE


def _row(planned: PlannedTask, task: Task, currency: str) -> PlanRow:
    saving = planned.monthly_saving
    note = ""
    if saving is None:
        note = "no market rate" if task.market_rate_per_hour is None else "your hourly value is not set"
    return PlanRow(
        planned=planned,
        task=task,
        recommendation=recommendation_label(planned.recommendation),
        hours_freed=hours(planned.hours_freed_per_month),
        saving=money(saving, currency),
        saving_negative=saving is not None and saving < 0,
        saving_note=note,
        handed_out=planned.recommendation in HANDED_OUT,
        icon=recommendation_icon(planned.recommendation),
    )


def _add_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal, shown beside the field it is about (or above the form)."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _render(
    request: HttpRequest, access: WorkspaceAccess, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render_access(request, access, template, {"can_write": access.can("write"), **context})
    response.status_code = status
    return response


def _task(access: WorkspaceAccess, task: Any) -> Task:
    return access.get(Task.objects.all(), task)


# --- The plan ---------------------------------------------------------------------------------------


@workspace_view(get="read")
def plan(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    workspace_plan = plan_for_workspace(workspace=ws)
    pairs = workspace_plan.rows()
    rows = [_row(p, t, ws.base_currency) for p, t in pairs]
    handed_out = [r for r in rows if r.handed_out]
    chart = plan_chart([p for p, _t in pairs])
    totals = workspace_plan.plan.totals
    show_all = request.GET.get("all") == "1"
    context = {
        "task_total": len(workspace_plan.tasks_by_ref),
        "rows": rows if show_all else rows[:TABLE_TOP],
        "ranked": len(rows),
        "show_all": show_all,
        "table_top": TABLE_TOP,
        "chart": chart,
        "chart_rows": rows[: chart.charted],
        "hours_freed": hours(totals["hours_freed_per_month"]),
        "saving": money(Decimal(totals["monthly_saving"]), ws.base_currency),
        "saving_negative": Decimal(totals["monthly_saving"]) < 0,
        "handed_out": len(handed_out),
        # The saving of work the owner does needs the owner's hourly value (workspace settings).
        "needs_owner_value": ws.owner_hourly_value is None
        and any(r.task.inhouse_cost_per_hour is None for r in handed_out),
        "no_market_rate": sum(1 for r in handed_out if r.task.market_rate_per_hour is None),
        "retired": len(workspace_plan.tasks_by_ref) - len(rows),
        "roles": [{**role, "hours": hours(role["hours_per_month"])} for role in workspace_plan.plan.roles],
        "recommendations": RECOMMENDATIONS,
    }
    return _render(request, access, "planning/plan.html", context)


# --- The time audit ---------------------------------------------------------------------------------


@workspace_view(get="read")
def task_list_page(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    filters = TaskFilterForm(request.GET)
    status = search = ""
    if filters.is_valid():
        status, search = filters.cleaned_data["status"], filters.cleaned_data["q"].strip()
    page = Paginator(task_list(workspace=ws, status=status, search=search), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    counts = task_counts(workspace=ws)
    context = {
        "filters": filters,
        "page": page,
        "status": status,
        "search": search,
        "query": params.urlencode(),
        "counts": [(value, label, counts[value]) for value, label in TaskStatus.choices],
        "total": sum(counts.values()),
    }
    return _render(request, access, "planning/task_list.html", context)


@workspace_view(get="read", post="write")
def task_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    form = TaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = task_create(actor=Actor.web(request), workspace=access.workspace, data=form.service_data())
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Added “{task.name}”. Below is where it stands in the plan.")
            return redirect("planning:task_edit", ws=access.workspace.uuid, task=task.uuid)
    return _render(request, access, "planning/task_new.html", {"form": form}, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def task_edit(request: HttpRequest, access: WorkspaceAccess, task: Any) -> HttpResponse:
    ws = access.workspace
    obj = _task(access, task)
    form = TaskForm(request.POST or None, initial=TaskForm.initial_for(obj))
    if request.method == "POST" and form.is_valid():
        try:
            task_update(actor=Actor.web(request), task=obj, data=form.service_data())
        except ValidationError as exc:
            obj.refresh_from_db()  # the refused values were set on it while checking
            _add_errors(form, exc)
        else:
            messages.success(request, f"Saved “{obj.name}”.")
            return redirect("planning:task_edit", ws=ws.uuid, task=obj.uuid)
    if not access.can("write"):
        for field in form.fields.values():
            field.disabled = True
    workspace_plan = plan_for_workspace(workspace=ws)
    planned = next((p for p in workspace_plan.plan.tasks if p.task.ref == obj.ref), None)
    context = {
        "task": obj,
        "form": form,
        "row": _row(planned, obj, ws.base_currency) if planned else None,
        "ranked": len(workspace_plan.plan.tasks),
        "needs_owner_value": ws.owner_hourly_value is None and obj.inhouse_cost_per_hour is None,
    }
    return _render(request, access, "planning/task_edit.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def task_delete_page(request: HttpRequest, access: WorkspaceAccess, task: Any) -> HttpResponse:
    obj = _task(access, task)
    if request.method == "POST":
        try:
            task_delete(actor=Actor.web(request), task=obj)
        except ValidationError as exc:
            context = {"task": obj, "refusal": " ".join(exc.messages)}
            return _render(request, access, "planning/task_delete.html", context, status=400)
        messages.success(request, f"Deleted “{obj.name}” from the time audit.")
        return redirect("planning:task_list", ws=access.workspace.uuid)
    return _render(request, access, "planning/task_delete.html", {"task": obj})


@workspace_view(get=None, post="write")
def task_candidate(request: HttpRequest, access: WorkspaceAccess, task: Any) -> HttpResponse:
    obj = _task(access, task)
    task_set_status(actor=Actor.web(request), task=obj, status=TaskStatus.CANDIDATE)
    messages.success(request, f"“{obj.name}” is now a candidate for vetting: the next step is finding who could do it.")
    return redirect("planning:plan", ws=access.workspace.uuid)


# --- CSV in and out ---------------------------------------------------------------------------------


@workspace_view(get="read", post="write")
def tasks_import(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    form = CsvImportForm(request.POST or None, request.FILES or None)
    errors: list[CsvError] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = tasks_import_csv(
                actor=Actor.web(request),
                workspace=ws,
                text=form.cleaned_data["file"],
                replace=form.cleaned_data["replace"],
            )
        except CsvInvalid as exc:
            errors = sorted(exc.errors)
        else:
            messages.success(
                request,
                f"Imported the time audit: {result.created} task{'' if result.created == 1 else 's'} added, "
                f"{result.updated} updated, {result.removed} removed.",
            )
            return redirect("planning:plan", ws=ws.uuid)
    context = {"form": form, "errors": errors, "has_tasks": _has_tasks(ws)}
    return _render(request, access, "planning/tasks_import.html", context, 400 if form.is_bound else 200)


def _has_tasks(workspace: Any) -> bool:
    return any(task_counts(workspace=workspace).values())


@workspace_view(get="read")
def tasks_export(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    response = HttpResponse(tasks_csv(workspace=access.workspace), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{access.workspace.slug}-time-audit.csv"'
    return response
