"""The health check's pages: dashboard, findings, one finding, the rules reference."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.checks import selectors, services
from outsourcer.checks.charts import trend_chart
from outsourcer.checks.forms import DismissForm, FindingFilterForm, SnoozeForm
from outsourcer.checks.models import CheckRun, Finding, Severity
from outsourcer.checks.registry import STAGES, rule_get, rules
from outsourcer.checks.templatetags.checks_tags import finding_state, subject_url
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in

PAGE_SIZE = 50
TOP_FINDINGS = 10
TREND_DAYS = 30
SNOOZE_DEFAULT = dt.timedelta(days=30)  # what the snooze form proposes


def _today(access: WorkspaceAccess) -> dt.date:
    return today_in(access.workspace.time_zone)


@workspace_view(get="read")
def dashboard(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws, today = access.workspace, _today(access)
    last_run = selectors.check_last_run(workspace=ws)
    counts = selectors.finding_counts(workspace=ws, today=today)
    stage_rules = {stage: 0 for stage in STAGES}
    for rule in rules():
        stage_rules[rule.stage] += 1
    stages = [
        {
            "key": key,
            "label": label,
            "rules": stage_rules[key],
            "counts": [(s, counts["by_stage"].get(key, {}).get(s, 0)) for s in Severity.values],
        }
        for key, label in STAGES.items()
    ]
    top = list(selectors.finding_list(workspace=ws, today=today)[:TOP_FINDINGS]) if last_run else []
    return render_access(
        request,
        access,
        "checks/dashboard.html",
        {
            "last_run": last_run,
            "can_write": access.can("write"),
            "counts": counts,
            "severities": [(s, label, counts["by_severity"][s]) for s, label in Severity.choices],
            "stages": stages,
            "top": [(f, subject_url(f, ws)) for f in top],
            "snoozed": selectors.finding_list(workspace=ws, today=today, state="snoozed").count(),
            "dismissed": selectors.finding_list(workspace=ws, today=today, state="dismissed").count(),
            "chart": trend_chart(selectors.check_trend(workspace=ws, days=TREND_DAYS), today=today, days=TREND_DAYS),
        },
    )


@workspace_view(get=None, post="write")
def run(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    result = services.check_run(actor=Actor.web(request), workspace=access.workspace, trigger=CheckRun.Trigger.MANUAL)
    messages.success(
        request,
        f"Health check done: {result.run.new} new, {result.run.resolved} resolved, {len(result.open)} open.",
    )
    return redirect("checks:dashboard", ws=access.workspace.uuid)


@workspace_view(get="read")
def findings(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws, today = access.workspace, _today(access)
    form = FindingFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = form.filters() if form.is_bound else {name: "" for name in form.fields}
    filters["state"] = filters["state"] or "open"
    page = Paginator(selectors.finding_list(workspace=ws, today=today, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = urlencode({k: v for k, v in filters.items() if v and not (k == "state" and v == "open")})
    response = render_access(
        request,
        access,
        "checks/findings.html",
        {
            "form": form,
            "filters": filters,
            "query": query,
            "page": page,
            "rows": [(f, subject_url(f, ws), finding_state(f, today)) for f in page.object_list],
            "filtered": any(v for k, v in filters.items() if k != "state"),
        },
    )
    response.status_code = 200 if valid else 400
    return response


def _finding_page(
    request: HttpRequest,
    access: WorkspaceAccess,
    finding: Finding,
    *,
    snooze_form: SnoozeForm | None = None,
    dismiss_form: DismissForm | None = None,
    refused: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    today = _today(access)
    tomorrow = today + dt.timedelta(days=1)
    state = finding_state(finding, today)
    # A snoozed finding's form shows the date it has; a new snooze proposes a month.
    until = finding.snoozed_until if state == "snoozed" else today + SNOOZE_DEFAULT
    response = render_access(
        request,
        access,
        "checks/finding.html",
        {
            "finding": finding,
            "can_write": access.can("write"),
            "rule": rule_get(finding.rule),
            "state": state,
            "url": subject_url(finding, access.workspace),
            "facts": sorted(finding.facts.items()) if isinstance(finding.facts, dict) else [],
            "snooze_form": snooze_form or SnoozeForm(initial={"until": until}, earliest=tomorrow),
            "dismiss_form": dismiss_form or DismissForm(),
            # A refused change: said at the top, where the page opens, and beside the field.
            "refused": refused,
            "refused_form": snooze_form if snooze_form is not None else dismiss_form,
            "error": error,
        },
    )
    response.status_code = status
    return response


@workspace_view(get="read")
def finding_detail(request: HttpRequest, access: WorkspaceAccess, finding: UUID) -> HttpResponse:
    return _finding_page(request, access, access.get(Finding.objects.all(), finding))


def _refused(form: Form, exc: ValidationError) -> str:
    """Put the service's messages beside the form's fields; what fits no field is returned."""
    rest: list[str] = []
    for field, errors in exc.message_dict.items():
        if field in form.fields:
            form.add_error(field, errors)
        else:
            rest.extend(errors)
    return " ".join(rest)


def _after_change(request: HttpRequest, access: WorkspaceAccess, finding: Finding, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("checks:finding", ws=access.workspace.uuid, finding=finding.uuid)


@workspace_view(get=None, post="write")
def finding_snooze(request: HttpRequest, access: WorkspaceAccess, finding: UUID) -> HttpResponse:
    obj = access.get(Finding.objects.all(), finding)
    form = SnoozeForm(request.POST, earliest=_today(access) + dt.timedelta(days=1))
    error = ""
    if form.is_valid():
        until = form.cleaned_data["until"]
        try:
            services.finding_snooze(actor=Actor.web(request), finding=obj, until=until)
        except ValidationError as exc:
            error = _refused(form, exc)
        else:
            return _after_change(request, access, obj, f"Snoozed until {until:%d %b %Y}.")
    return _finding_page(
        request, access, obj, snooze_form=form, refused="The finding was not snoozed", error=error, status=400
    )


@workspace_view(get=None, post="write")
def finding_dismiss(request: HttpRequest, access: WorkspaceAccess, finding: UUID) -> HttpResponse:
    obj = access.get(Finding.objects.all(), finding)
    form = DismissForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            services.finding_dismiss(actor=Actor.web(request), finding=obj, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            error = _refused(form, exc)
        else:
            return _after_change(request, access, obj, "Dismissed. It stays quiet until the data behind it changes.")
    return _finding_page(
        request, access, obj, dismiss_form=form, refused="The finding was not dismissed", error=error, status=400
    )


@workspace_view(get=None, post="write")
def finding_reopen(request: HttpRequest, access: WorkspaceAccess, finding: UUID) -> HttpResponse:
    obj = access.get(Finding.objects.all(), finding)
    services.finding_reopen(actor=Actor.web(request), finding=obj)
    return _after_change(request, access, obj, "Reopened: it is back in the open list.")


@workspace_view(get="read")
def rules_reference(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    grouped: dict[str, list[Any]] = {stage: [] for stage in STAGES}
    for rule in rules():
        grouped[rule.stage].append(rule)
    return render_access(
        request,
        access,
        "checks/rules.html",
        {
            "groups": [(key, STAGES[key], items) for key, items in grouped.items() if items],
            "later": [label for key, label in STAGES.items() if not grouped[key]],
            "count": sum(len(items) for items in grouped.values()),
        },
    )
