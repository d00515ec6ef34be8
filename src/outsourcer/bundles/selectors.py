"""Reading a workspace out as a bundle: the same data always gives the same bytes."""

from __future__ import annotations

import json
from typing import Any

from outsourcer.accounts.models import Workspace
from outsourcer.bundles.validation import BUNDLE_FORMAT, BUNDLE_VERSION


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


def bundle_export(*, workspace: Workspace) -> dict[str, Any]:
    return {"format": BUNDLE_FORMAT, "version": BUNDLE_VERSION, "workspace": workspace_section(workspace)}


def bundle_dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def workspace_holds_data(*, workspace: Workspace) -> bool:
    """Whether the workspace has rows in any section besides its own settings."""
    document = bundle_export(workspace=workspace)
    return any(document.get(key) for key in document if key not in {"format", "version", "workspace"})
