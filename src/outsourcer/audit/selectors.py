from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from outsourcer.audit.models import AuditEntry

if TYPE_CHECKING:
    from outsourcer.accounts.models import Workspace


def audit_entry_list(
    *, workspace: Workspace, action: str = "", face: str = "", object_type: str = ""
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(workspace=workspace).select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if face:
        entries = entries.filter(face=face)
    if object_type:
        entries = entries.filter(object_type=object_type)
    return entries
