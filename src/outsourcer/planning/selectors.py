"""Reads for the time audit and the plan: every face ranks through `plan_for_workspace`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from outsourcer.accounts.models import Workspace
from outsourcer.planning.csv_io import write_rows
from outsourcer.planning.models import Task, TaskStatus
from outsourcer.planning.scoring import Plan, PlannedTask, TaskInput, plan_tasks


def task_list(*, workspace: Workspace, status: str = "", search: str = "") -> QuerySet[Task]:
    tasks = Task.objects.filter(workspace=workspace)
    if status:
        tasks = tasks.filter(status=status)
    if search:
        tasks = tasks.filter(Q(name__icontains=search) | Q(category__icontains=search) | Q(ref__icontains=search))
    return tasks.order_by("name", "ref")


def task_input(task: Task) -> TaskInput:
    """A stored task as the plan's model reads it: the same as the same row read from a CSV."""
    return TaskInput(
        name=task.name,
        hours_per_month=task.hours_per_month,
        effectiveness=task.effectiveness,
        business_value=task.business_value,
        category=task.category,
        knowledge=task.knowledge or None,  # type: ignore[arg-type]
        inhouse_cost_per_hour=task.inhouse_cost_per_hour,
        market_rate_per_hour=task.market_rate_per_hour,
        recurring=task.recurring,
        ref=task.ref,
        status=task.status,
    )


@dataclass
class WorkspacePlan:
    plan: Plan
    tasks_by_ref: dict[str, Task]

    def rows(self) -> list[tuple[PlannedTask, Task]]:
        return [(p, self.tasks_by_ref[p.task.ref]) for p in self.plan.tasks]


def plan_for_workspace(*, workspace: Workspace, owner_hourly_value: Decimal | None = None) -> WorkspacePlan:
    """The plan of the workspace's stored tasks, in its base currency, with its owner's hourly value."""
    tasks = list(Task.objects.filter(workspace=workspace))
    value = owner_hourly_value if owner_hourly_value is not None else workspace.owner_hourly_value
    plan = plan_tasks([task_input(t) for t in tasks], owner_hourly_value=value, currency=workspace.base_currency)
    return WorkspacePlan(plan=plan, tasks_by_ref={t.ref: t for t in tasks})


def tasks_csv(*, workspace: Workspace) -> str:
    return write_rows(task_input(t) for t in task_list(workspace=workspace))


def task_counts(*, workspace: Workspace) -> dict[str, int]:
    counts = dict.fromkeys(TaskStatus.values, 0)
    rows = Task.objects.filter(workspace=workspace).values("status").annotate(n=Count("pk")).order_by()
    counts.update({row["status"]: row["n"] for row in rows})
    return counts
