"""The time audit and the outsourcing plan over REST: the same services and selectors as the pages."""

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status
from ninja.pagination import paginate

from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.audit.api import BoundedPagination
from outsourcer.core.actor import Actor
from outsourcer.planning import selectors, services
from outsourcer.planning.csv_io import CsvInvalid
from outsourcer.planning.models import Task
from outsourcer.planning.schemas import (
    CsvInvalidOut,
    OwnerHourlyValue,
    PlanOut,
    Search,
    StatusFilter,
    TaskCreateIn,
    TaskOut,
    TaskPatchIn,
    TasksImportIn,
    TasksImportOut,
)

router = Router(tags=["plan"])

NULLABLE = frozenset({"knowledge", "inhouse_cost_per_hour", "market_rate_per_hour"})
CSV_RESPONSE = {
    "responses": {
        200: {
            "description": "The time audit as CSV, in the columns `outsourcer plan FILE.csv` reads.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


def _task(access: WorkspaceAccess, task: uuid.UUID) -> Task:
    return access.get(Task.objects.all(), task)


@router.get("/workspaces/{ws}/tasks", response=list[TaskOut], summary="List the time audit")
@requires("read")
@paginate(BoundedPagination)
def task_list(request: HttpRequest, ws: uuid.UUID, status: StatusFilter = "", search: Search = "") -> Any:
    access = api_door(request, ws, "read")
    return selectors.task_list(workspace=access.workspace, status=status, search=search)


@router.post("/workspaces/{ws}/tasks", response={201: TaskOut}, summary="Add a task to the time audit")
@requires("write")
def task_create(request: HttpRequest, ws: uuid.UUID, payload: TaskCreateIn) -> Status[Task]:
    access = api_door(request, ws, "write")
    task = services.task_create(actor=Actor.api(request), workspace=access.workspace, data=payload.dict())
    task.refresh_from_db()  # the values as stored: "8" hours reads back as "8.00"
    return Status(201, task)


# Declared before /tasks/{task}, so "import" and "export" are never read as a task's id.
@router.post(
    "/workspaces/{ws}/tasks/import",
    response={200: TasksImportOut, 400: CsvInvalidOut},
    summary="Load a time audit CSV",
    description=(
        "Rows whose `ref` names a task update it; the others are added. With `replace`, tasks the "
        "file does not name are removed. The file is read in full first: a 400 lists every problem "
        "by row and column, and nothing changes."
    ),
)
@requires("write")
def tasks_import(request: HttpRequest, ws: uuid.UUID, payload: TasksImportIn) -> Any:
    access = api_door(request, ws, "write")
    try:
        result = services.tasks_import_csv(
            actor=Actor.api(request), workspace=access.workspace, text=payload.csv, replace=payload.replace
        )
    except CsvInvalid as exc:
        return Status(
            400,
            {
                "message": f"The time audit has {len(exc.errors)} problem(s); nothing was imported.",
                "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors],
            },
        )
    return result.as_dict()


@router.get(
    "/workspaces/{ws}/tasks/export",
    summary="Export the time audit as CSV",
    openapi_extra=CSV_RESPONSE,
)
@requires("read")
def tasks_export(request: HttpRequest, ws: uuid.UUID) -> HttpResponse:
    access = api_door(request, ws, "read")
    response = HttpResponse(selectors.tasks_csv(workspace=access.workspace), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{access.workspace.slug}-tasks.csv"'
    return response


@router.get("/workspaces/{ws}/tasks/{task}", response=TaskOut, summary="Get a task")
@requires("read")
def task_detail(request: HttpRequest, ws: uuid.UUID, task: uuid.UUID) -> Task:
    return _task(api_door(request, ws, "read"), task)


@router.patch("/workspaces/{ws}/tasks/{task}", response=TaskOut, summary="Change a task")
@requires("write")
def task_update(request: HttpRequest, ws: uuid.UUID, task: uuid.UUID, payload: TaskPatchIn) -> Task:
    access = api_door(request, ws, "write")
    row = _task(access, task)
    data = payload.dict(exclude_unset=True)
    for key, value in data.items():
        if value is None and key not in NULLABLE:
            raise ValidationError({key: "This field cannot be null."})
    if "knowledge" in data and data["knowledge"] is None:
        data["knowledge"] = ""  # stored blank when unknown
    services.task_update(actor=Actor.api(request), task=row, data=data)
    row.refresh_from_db()
    return row


@router.delete("/workspaces/{ws}/tasks/{task}", response={204: None}, summary="Remove a task")
@requires("write")
def task_delete(request: HttpRequest, ws: uuid.UUID, task: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    services.task_delete(actor=Actor.api(request), task=_task(access, task))
    return Status(204, None)


@router.get(
    "/workspaces/{ws}/plan",
    response=PlanOut,
    summary="The outsourcing plan",
    description=(
        "The workspace's tasks ranked, rank 1 first, as `outsourcer plan --json` prints them, with "
        "each task's `id` and `status`. Retired tasks are left out. Money is in the base currency."
    ),
)
@requires("read")
def plan(request: HttpRequest, ws: uuid.UUID, owner_hourly_value: OwnerHourlyValue = None) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    planned = selectors.plan_for_workspace(workspace=access.workspace, owner_hourly_value=owner_hourly_value)
    data = planned.plan.as_dict()
    for item, (_p, task) in zip(data["tasks"], planned.rows(), strict=True):
        item.update(id=task.uuid, status=task.status)
    return data
