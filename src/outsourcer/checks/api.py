"""The health check over REST: run it, read and quiet its findings, read its runs and its rules.

No `from __future__ import annotations` here: `@paginate` reads the annotations at import time.
"""

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.audit.api import BoundedPagination
from outsourcer.checks import services
from outsourcer.checks.models import CheckRun, Finding
from outsourcer.checks.report import check_report, check_run_list, rule_catalogue
from outsourcer.checks.schemas import (
    CheckReportOut,
    CheckRunIn,
    CheckRunOut,
    DismissIn,
    FindingFilter,
    FindingOut,
    ReopenIn,
    RuleOut,
    SnoozeIn,
)
from outsourcer.checks.selectors import finding_list
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in

router = Router(tags=["health check"])


@router.post("/workspaces/{ws}/checks", response=CheckReportOut, summary="Run the health check")
@requires("write")
def check_run(request: HttpRequest, ws: uuid.UUID, payload: CheckRunIn | None = None) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    as_of = payload.as_of if payload is not None else None
    result = services.check_run(
        actor=Actor.api(request), workspace=access.workspace, as_of=as_of, trigger=CheckRun.Trigger.API
    )
    return check_report(result)


@router.get("/workspaces/{ws}/checks", response=list[CheckRunOut], summary="Recent runs of the health check")
@requires("read")
@paginate(BoundedPagination)
def check_runs(request: HttpRequest, ws: uuid.UUID) -> Any:
    access = api_door(request, ws, "read")
    return check_run_list(workspace=access.workspace)


@router.get("/workspaces/{ws}/findings", response=list[FindingOut], summary="List findings")
@requires("read")
@paginate(BoundedPagination)
def finding_index(request: HttpRequest, ws: uuid.UUID, filters: Query[FindingFilter]) -> Any:
    access = api_door(request, ws, "read")
    workspace = access.workspace
    findings = finding_list(
        workspace=workspace,
        today=today_in(workspace.time_zone),
        state=filters.state,
        severity=filters.severity or "",
        min_severity=filters.min_severity or "",
        stage=filters.stage or "",
        rule=filters.rule or "",
    )
    return findings.select_related("workspace")


def _finding(access: WorkspaceAccess, finding: uuid.UUID) -> Finding:
    return access.get(Finding.objects.select_related("workspace"), finding)


@router.get("/workspaces/{ws}/findings/{finding}", response=FindingOut, summary="Get a finding")
@requires("read")
def finding_detail(request: HttpRequest, ws: uuid.UUID, finding: uuid.UUID) -> Finding:
    return _finding(api_door(request, ws, "read"), finding)


@router.post("/workspaces/{ws}/findings/{finding}/snooze", response=FindingOut, summary="Snooze a finding")
@requires("write")
def finding_snooze(request: HttpRequest, ws: uuid.UUID, finding: uuid.UUID, payload: SnoozeIn) -> Finding:
    access = api_door(request, ws, "write")
    return services.finding_snooze(actor=Actor.api(request), finding=_finding(access, finding), until=payload.until)


@router.post("/workspaces/{ws}/findings/{finding}/dismiss", response=FindingOut, summary="Dismiss a finding")
@requires("write")
def finding_dismiss(request: HttpRequest, ws: uuid.UUID, finding: uuid.UUID, payload: DismissIn) -> Finding:
    access = api_door(request, ws, "write")
    return services.finding_dismiss(actor=Actor.api(request), finding=_finding(access, finding), reason=payload.reason)


@router.post("/workspaces/{ws}/findings/{finding}/reopen", response=FindingOut, summary="Undo a snooze or a dismissal")
@requires("write")
def finding_reopen(request: HttpRequest, ws: uuid.UUID, finding: uuid.UUID, payload: ReopenIn | None = None) -> Finding:
    access = api_door(request, ws, "write")
    return services.finding_reopen(actor=Actor.api(request), finding=_finding(access, finding))


@router.get("/rules", response=list[RuleOut], summary="The health-check rule catalogue")
@requires("account")
def rule_list(request: HttpRequest) -> list[dict[str, Any]]:
    return rule_catalogue()
