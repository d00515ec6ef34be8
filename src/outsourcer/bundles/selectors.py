"""Reading a workspace out as a bundle: the same data always gives the same bytes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from outsourcer.accounts.models import Workspace
from outsourcer.bundles.validation import BUNDLE_FORMAT, BUNDLE_VERSION
from outsourcer.planning.models import Task


def _money(value: Any) -> str:
    return f"{value:.2f}"


def workspace_section(workspace: Workspace) -> dict[str, Any]:
    ws = workspace
    section: dict[str, Any] = {"name": ws.name, "kind": ws.kind, "base_currency": ws.base_currency}
    if ws.country:
        section["country"] = ws.country
    if ws.region:
        section["region"] = ws.region
    section["working_hours"] = {
        "timezone": ws.time_zone,
        "start": ws.work_start.strftime("%H:%M"),
        "end": ws.work_end.strftime("%H:%M"),
        "days": ws.working_days,
    }
    if ws.owner_hourly_value is not None:
        section["owner_hourly_value"] = _money(ws.owner_hourly_value)
    if ws.fx_rates:
        section["fx_rates"] = {code: str(ws.fx_rates[code]) for code in sorted(ws.fx_rates)}
    if ws.policy:
        section["policy"] = {key: ws.policy[key] for key in sorted(ws.policy)}
    return section


def _hours(value: Decimal) -> int | float:
    """A JSON number, written the shortest way: 12 for 12.00, 12.5 for 12.50."""
    return int(value) if value == value.to_integral_value() else float(value)


def task_item(task: Task) -> dict[str, Any]:
    item: dict[str, Any] = {"ref": task.ref, "name": task.name}
    if task.category:
        item["category"] = task.category
    item |= {
        "hours_per_month": _hours(task.hours_per_month),
        "effectiveness": task.effectiveness,
        "business_value": task.business_value,
    }
    if task.knowledge:
        item["knowledge"] = task.knowledge
    if task.inhouse_cost_per_hour is not None:
        item["inhouse_cost_per_hour"] = _money(task.inhouse_cost_per_hour)
    if task.market_rate_per_hour is not None:
        item["market_rate_per_hour"] = _money(task.market_rate_per_hour)
    item["recurring"] = task.recurring
    item["status"] = task.status
    return item


def bundle_export(*, workspace: Workspace) -> dict[str, Any]:
    document: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "workspace": workspace_section(workspace),
    }
    tasks = [task_item(t) for t in Task.objects.filter(workspace=workspace).order_by("ref")]
    if tasks:
        document["tasks"] = tasks
    return document


def bundle_dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def workspace_holds_data(*, workspace: Workspace) -> bool:
    """Whether the workspace has rows in any section besides its own settings."""
    return Task.objects.filter(workspace=workspace).exists()
