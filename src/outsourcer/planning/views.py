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
from outsourcer.planning.charts import RECOMMENDATIONS, plan_chart, recommendation_label
from outsourcer.planning.csv_io import EXPORT_COLUMNS, CsvError
from outsourcer.planning.forms import CsvImportForm, TaskFilterForm, TaskForm
from outsourcer.planning.models import Task, TaskStatus
from outsourcer.planning.scoring import PlannedTask
from outsourcer.planning.selectors import plan_for_workspace, task_counts, task_list, tasks_csv
from outsourcer.planning.services import CsvInvalid, task_create, task_delete, task_set_status, task_update, tasks_import_csv

TABLE_TOP = 50  # rows of the plan shown until the user asks for all
HANDED_OUT = ("outsource_first", "outsource", "outsource_with_oversight")


def money(value: Decimal | None, currency: str) -> str:
    """`-1234.5` -> `−1,234.50 USD`: thousands separated, two decimals, a real minus sign."""
    if value is None:
        return ""
    sign = "\u2212" if value < 0 else ""
    return f"{sign}{abs(value):,.2f} {currency}"


def hours(value: Decimal | str) -> str:
    return f"{Decimal(value):,.1f}".removesuffix(".0")


@dataclass(frozen=True)
class PlanRow:
    planned: PlannedTask
    task: Task
    recommendation: str
    hours_freed: str
    saving: str
    saving_negative: bool
    handed_out: bool

    @property
    def can_become_candidate(self) -> bool:
        return self.handed_out and self.task.status == TaskStatus.IN_HOUSE


def _row(planned: PlannedTask, task: Task, currency: str) -> PlanRow:
    saving = planned.monthly_saving
    return PlanRow(
        planned=planned,
        task=task,
        recommendation=recommendation_label(planned.recommendation),
        hours_freed=hours(planned.hours_freed_per_month),
        saving=money(saving, currency),
        saving_negative=saving is not None and saving < 0,
        handed_out=planned.recommendation in HANDED_OUT,
    )


def _form_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal, shown beside the field it is about (or above the form)."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@workspace_view(get="read")
def plan(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    workspace_plan = plan_for_workspace(workspace=ws)
    pairs = workspace_plan.rows()
    rows = [_row(p, t, ws.base_currency) for p, t in pairs]
    show_all = request.GET.get("all") == "1"
    handed_out = [r for r in rows if r.handed_out]
    totals = workspace_plan.plan.totals
    chart = plan_chart([p for p, _t in pairs])
    context = {
        "has_tasks": bool(workspace_plan.tasks_by_ref),
        "rows": rows if show_all else rows[:TABLE_TOP],
        "total_rows": len(rows),
        "show_all": show_all,
        "table_top": TABLE_TOP,
        "chart": chart,
        "chart_rows": rows[: chart.charted],
        "hours_freed": hours(totals["hours_freed_per_month"]),
        "saving": money(Decimal(totals["monthly_saving"]), ws.base_currency),
        "saving_negative": Decimal(totals["monthly_saving"]) < 0,
        "handed_out_count": len(handed_out),
        # Savings of owner-done work need the owner's hourly value (workspace settings).
        "needs_owner_value": ws.owner_hourly_value is None
        and any(r.task.inhouse_cost_per_hour is None for r in handed_out),
        "no_market_rate": sum(1 for r in handed_out if r.task.market_rate_per_hour is None),
        "retired": len(workspace_plan.tasks_by_ref) - len(rows),
        "roles": [{**role, "hours": hours(role["hours_per_month"])} for role in workspace_plan.plan.roles],
        "recommendations": RECOMMENDATIONS,
    }
    return render_access(request, access, "planning/plan.html", context)


@workspace_view(get="read")
def task_list_page(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    filters = TaskFilterForm(request.GET or None)
    status = search = ""
    if filters.is_valid():
        status, search = filters.cleaned_data["status"], filters.cleaned_data["q"].strip()
    page = Paginator(task_list(workspace=ws, status=status, search=search), 50).get_page(request.GET.get("page"))
    counts = task_counts(workspace=ws)
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("q", search)) if v)
    context = {
        "filters": filters,
        "page": page,
        "status": status,
        "search": search,
        "query": request.GET.urlencode() if False else query,
        "counts": [(value, label, counts.get(value, 0)) for value, label in TaskStatus.choices],
        "total": sum(counts.values()),
    }
    return render_access(request, access, "planning/task_list.html", context)
