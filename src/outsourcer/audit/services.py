"""Writing the audit trail. Every service that changes data calls `audit_record` itself."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor

if TYPE_CHECKING:
    from outsourcer.accounts.models import Workspace

# Never written to the trail, whatever model they sit on.
SECRET_FIELDS = frozenset({"password", "key_hash"})


def json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def apply_changes(instance: models.Model, data: dict[str, Any]) -> dict[str, list[Any]]:
    """Set each field on `instance` and return `{field: [old, new]}` for those that changed."""
    changed: dict[str, list[Any]] = {}
    for field, new in data.items():
        old = getattr(instance, field)
        if old != new:
            setattr(instance, field, new)
            if field in SECRET_FIELDS:
                changed[field] = ["***", "***"]
            else:
                changed[field] = [json_safe(old), json_safe(new)]
    return changed


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model,
    workspace: Workspace | None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        workspace=workspace,
        actor=actor.user if actor.user is not None and actor.user.pk else None,
        actor_label=actor.label[:254],
        face=actor.face,
        action=action,
        object_type=obj._meta.label_lower,
        object_uuid=getattr(obj, "uuid", None),
        object_repr=str(obj)[:200],
        changes=json_safe(changes or {}),
    )
