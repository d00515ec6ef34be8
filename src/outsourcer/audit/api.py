import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from outsourcer.accounts.api_door import api_door, requires
from outsourcer.audit.schemas import AuditEntryOut
from outsourcer.audit.selectors import audit_entry_list

router = Router(tags=["activity"])


class ActivityFilter(Schema):
    action: str = ""
    face: str = ""
    object_type: str = ""


@router.get("/workspaces/{ws}/activity", response=list[AuditEntryOut], summary="The workspace's audit log")
@requires("audit")
@paginate(LimitOffsetPagination)
def activity(request: HttpRequest, ws: uuid.UUID, filters: Query[ActivityFilter]) -> Any:
    access = api_door(request, ws, "audit")
    return audit_entry_list(workspace=access.workspace, **filters.dict())
