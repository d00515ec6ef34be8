"""Importing a workspace bundle: validated in full first, stored all or nothing, audited."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from outsourcer.accounts.models import Role, User, Workspace
from outsourcer.accounts.services import membership_set, workspace_create, workspace_update
from outsourcer.accounts.settings_rules import parse_hhmm
from outsourcer.audit.services import audit_record
from outsourcer.bundles.selectors import workspace_holds_data
from outsourcer.bundles.validation import BundleError, BundleInvalid, bundle_validate
from outsourcer.checks.models import CheckRun
from outsourcer.checks.tasks import run_check
from outsourcer.core.actor import Actor
from outsourcer.planning.models import Task, TaskStatus


class BundleConflict(Exception):
    """The target holds data and the caller did not ask to replace it."""


@dataclass(frozen=True)
class ImportResult:
    workspace: Workspace
    created: bool
    counts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace.name,
            "slug": self.workspace.slug,
            "id": str(self.workspace.uuid),
            "created": self.created,
            "counts": self.counts,
        }


def workspace_fields(section: dict[str, Any]) -> dict[str, Any]:
    """The bundle's `workspace` object as the fields `Workspace` stores (the name is the caller's)."""
    hours = section.get("working_hours") or {}
    hourly = section.get("owner_hourly_value")
    return {
        "kind": section.get("kind", Workspace.Kind.SMALL_BUSINESS),
        "base_currency": section["base_currency"],
        "country": section.get("country", ""),
        "region": section.get("region", ""),
        "time_zone": hours.get("timezone", "UTC"),
        "work_start": parse_hhmm(hours.get("start", "09:00")),
        "work_end": parse_hhmm(hours.get("end", "17:00")),
        "work_days": sorted(hours.get("days") or [1, 2, 3, 4, 5]),
        "owner_hourly_value": Decimal(hourly) if hourly is not None else None,
        "fx_rates": dict(section.get("fx_rates") or {}),
        "policy": dict(section.get("policy") or {}),
    }


def task_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The bundle's `task` as the fields `Task` stores."""

    def money(key: str) -> Decimal | None:
        return Decimal(item[key]) if item.get(key) is not None else None

    return {
        "ref": item["ref"],
        "name": item["name"],
        "category": item.get("category", ""),
        "hours_per_month": Decimal(str(item["hours_per_month"])),
        "effectiveness": item["effectiveness"],
        "business_value": item["business_value"],
        "knowledge": item.get("knowledge", ""),
        "inhouse_cost_per_hour": money("inhouse_cost_per_hour"),
        "market_rate_per_hour": money("market_rate_per_hour"),
        "recurring": item.get("recurring", True),
        "status": item.get("status", TaskStatus.IN_HOUSE),
    }


def _store_sections(*, workspace: Workspace, document: dict[str, Any]) -> None:
    """Replace the workspace's rows with the bundle's, section by section, inside the caller's transaction."""
    Task.objects.filter(workspace=workspace).delete()
    Task.objects.bulk_create(
        [Task(workspace=workspace, **task_fields(item)) for item in document.get("tasks") or []], batch_size=1000
    )


def _check_after_commit(workspace: Workspace) -> None:
    """The health check reads what was imported, in the background, once the import has landed."""
    workspace_id = str(workspace.uuid)
    transaction.on_commit(lambda: run_check.enqueue(workspace_id=workspace_id, trigger=CheckRun.Trigger.IMPORT))


def _counts(document: dict[str, Any]) -> dict[str, int]:
    return {"workspace": 1} | {key: len(value) for key, value in document.items() if isinstance(value, list)}


@contextmanager
def _model_errors_as_bundle_errors() -> Iterator[None]:
    """A rule the schema cannot state, found by the model layer, still names its place in the bundle."""
    try:
        yield
    except ValidationError as exc:
        names = {
            "time_zone": "working_hours.timezone",
            "work_start": "working_hours.start",
            "work_end": "working_hours.end",
            "work_days": "working_hours.days",
        }
        raise BundleInvalid(
            [
                BundleError(f"$.workspace.{names.get(field, field)}", " ".join(messages))
                for field, messages in exc.message_dict.items()
            ]
        ) from exc


def _checked(document: Any) -> dict[str, Any]:
    errors = bundle_validate(document)
    if errors:
        raise BundleInvalid(errors)
    return document


def bundle_import_new(*, actor: Actor, document: Any, name: str, owner: User | None) -> ImportResult:
    """Create a workspace called `name` from the bundle, with `owner` as its owner (or no members)."""
    document = _checked(document)
    name = name.strip() or document["workspace"]["name"]
    with _model_errors_as_bundle_errors(), transaction.atomic():
        workspace = workspace_create(actor=actor, name=name, owner=owner, **workspace_fields(document["workspace"]))
        _store_sections(workspace=workspace, document=document)
        _check_after_commit(workspace)
        result = ImportResult(workspace=workspace, created=True, counts=_counts(document))
        audit_record(
            actor=actor, action="bundle.import", obj=workspace, workspace=workspace, changes={"counts": result.counts}
        )
    return result


def bundle_import_into(
    *, actor: Actor, document: Any, workspace: Workspace, replace: bool, owner: User | None = None
) -> ImportResult:
    """Load the bundle into an existing workspace; one that holds data needs `replace`.

    `owner`, when given, is made an owner in the same transaction: all of it happens, or none.
    """
    document = _checked(document)
    with _model_errors_as_bundle_errors(), transaction.atomic():
        locked = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if not replace and workspace_holds_data(workspace=locked):
            raise BundleConflict(
                f"{locked.name} already holds data; importing would replace it. Ask for replace "
                "(--replace on the command line) to go ahead."
            )
        workspace_update(actor=actor, workspace=locked, data=workspace_fields(document["workspace"]))
        _store_sections(workspace=locked, document=document)
        _check_after_commit(locked)
        if owner is not None:
            membership_set(actor=actor, workspace=locked, user=owner, role=Role.OWNER)
        result = ImportResult(workspace=locked, created=False, counts=_counts(document))
        audit_record(
            actor=actor,
            action="bundle.import",
            obj=locked,
            workspace=locked,
            changes={"counts": result.counts, "replace": replace},
        )
    return result


__all__ = ["BundleConflict", "BundleError", "BundleInvalid", "ImportResult", "bundle_import_into", "bundle_import_new"]
