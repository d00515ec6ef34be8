"""Writes for the time audit: one task at a time from the web, the API and the CLI, or a CSV at once."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.planning.csv_io import CsvError, CsvInvalid, header_columns, parse_text
from outsourcer.planning.models import Task, TaskStatus
from outsourcer.planning.scoring import TaskInput

EDITABLE = frozenset(Task.EDITABLE)


def task_new_ref(*, workspace: Workspace, taken: set[str] | None = None) -> str:
    """A ref nobody in the workspace uses yet, for tasks made without one (the bundle needs one)."""
    taken = taken if taken is not None else set(Task.objects.filter(workspace=workspace).values_list("ref", flat=True))
    while True:
        ref = f"task-{secrets.token_hex(4)}"
        if ref not in taken:
            return ref


def _clean(task: Task) -> None:
    """Model rules, with a clear message when the ref is taken (the constraint would say less)."""
    task.full_clean(exclude=["workspace"], validate_unique=False, validate_constraints=False)
    clash = Task.objects.filter(workspace_id=task.workspace_id, ref=task.ref).exclude(pk=task.pk).exists()
    if clash:
        raise ValidationError({"ref": [f"Another task already uses the ref {task.ref!r}."]})


def task_create(*, actor: Actor, workspace: Workspace, data: dict[str, Any]) -> Task:
    unknown = set(data) - EDITABLE
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    fields = {k: v for k, v in data.items() if v is not None or k in {"inhouse_cost_per_hour", "market_rate_per_hour"}}
    if not fields.get("ref"):
        fields["ref"] = task_new_ref(workspace=workspace)
    with transaction.atomic():
        task = Task(workspace=workspace, **fields)
        _clean(task)
        task.save()
        audit_record(actor=actor, action="task.create", obj=task, workspace=workspace, changes={"name": task.name})
        workspace_data_changed.send(sender=Task, workspace=workspace)
    return task


def task_update(*, actor: Actor, task: Task, data: dict[str, Any]) -> Task:
    unknown = set(data) - EDITABLE
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    if "ref" in data and not data["ref"]:
        data = {k: v for k, v in data.items() if k != "ref"}  # an empty ref keeps the one it has
    with transaction.atomic():
        changes = apply_changes(task, data)
        if changes:
            _clean(task)
            task.save()
            audit_record(actor=actor, action="task.update", obj=task, workspace=task.workspace, changes=changes)
            workspace_data_changed.send(sender=Task, workspace=task.workspace)
    return task


def task_set_status(*, actor: Actor, task: Task, status: str) -> Task:
    """E.g. the plan's "make it a candidate": the task goes to vetting, so someone can be found for it."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": [f"{status!r} is not one of {', '.join(TaskStatus.values)}."]})
    return task_update(actor=actor, task=task, data={"status": status})


# Engagement statuses of running work. Planning comes before engagements in the cycle and imports
# nothing of theirs; the reverse relation is enough to see that a task is being worked on.
RUNNING_WORK = ("active", "paused")


def _in_running_work(tasks: Any) -> list[str]:
    """Names of the given tasks that active or paused engagements are working on."""
    linked = tasks.filter(engagements__status__in=RUNNING_WORK).distinct().order_by("name")
    return list(linked.values_list("name", flat=True))


def task_delete(*, actor: Actor, task: Task) -> None:
    """Remove a task; one that running work is linked to is kept (retire it instead)."""
    if _in_running_work(Task.objects.filter(pk=task.pk)):
        raise ValidationError(
            {"task": ["Active work is linked to this task; set its status to retired instead of deleting it."]}
        )
    with transaction.atomic():
        audit_record(actor=actor, action="task.delete", obj=task, workspace=task.workspace, changes={"ref": task.ref})
        task.delete()
        workspace_data_changed.send(sender=Task, workspace=task.workspace)


@dataclass(frozen=True)
class CsvImportResult:
    created: int
    updated: int
    removed: int

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "removed": self.removed}


def _fields(item: TaskInput) -> dict[str, Any]:
    return {
        "name": item.name,
        "category": item.category,
        "hours_per_month": item.hours_per_month,
        "effectiveness": item.effectiveness,
        "business_value": item.business_value,
        "knowledge": item.knowledge or "",
        "inhouse_cost_per_hour": item.inhouse_cost_per_hour,
        "market_rate_per_hour": item.market_rate_per_hour,
        "recurring": item.recurring,
        "status": item.status,
    }


def tasks_import_csv(*, actor: Actor, workspace: Workspace, text: str, replace: bool = False) -> CsvImportResult:
    """Load a time audit CSV: rows whose ref exists update that task, the rest are added.

    An update changes only the columns the file has: a file without a `status` column leaves each
    task's status as it was. With `replace`, tasks the file does not name are removed. The file is
    read in full first; a problem anywhere raises `CsvInvalid` with every row and column, and
    nothing is stored.
    """
    items = parse_text(text)
    columns = header_columns(text)
    updatable = [f for f in _fields(items[0]) if f in columns] if items else []
    now = timezone.now()
    with transaction.atomic():
        existing = {t.ref: t for t in Task.objects.select_for_update().filter(workspace=workspace)}
        taken = set(existing)
        to_create: list[Task] = []
        to_update: list[Task] = []
        named: set[str] = set()
        for item in items:
            fields = _fields(item)
            if item.ref and item.ref in existing:
                task = existing[item.ref]
                if apply_changes(task, {f: fields[f] for f in updatable}):
                    task.updated_at = now
                    to_update.append(task)
                named.add(item.ref)
                continue
            ref = item.ref or task_new_ref(workspace=workspace, taken=taken)
            taken.add(ref)
            named.add(ref)
            to_create.append(Task(workspace=workspace, ref=ref, **fields))
        removed = [t.pk for ref, t in existing.items() if ref not in named] if replace else []
        kept_for_work = _in_running_work(Task.objects.filter(pk__in=removed)) if removed else []
        if kept_for_work:
            listed = ", ".join(kept_for_work)
            raise CsvInvalid(
                [CsvError(1, "", f"replace would remove tasks that active work is linked to ({listed}); keep them")]
            )
        if removed:
            Task.objects.filter(pk__in=removed).delete()
        Task.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            Task.objects.bulk_update(to_update, [*updatable, "updated_at"], batch_size=1000)
        result = CsvImportResult(created=len(to_create), updated=len(to_update), removed=len(removed))
        audit_record(actor=actor, action="task.import", obj=workspace, workspace=workspace, changes=result.as_dict())
        workspace_data_changed.send(sender=Task, workspace=workspace)
    return result


__all__ = [
    "CsvError",
    "CsvImportResult",
    "CsvInvalid",
    "task_create",
    "task_delete",
    "task_set_status",
    "task_update",
    "tasks_import_csv",
]
