import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field

from outsourcer.accounts.api_door import api_door, requires
from outsourcer.audit.schemas import AuditEntryOut
from outsourcer.audit.selectors import audit_entry_list

router = Router(tags=["activity"])


class BoundedPagination(LimitOffsetPagination):
    """Limit and offset with bounds, so a silly number is a 422 rather than a database error."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**9)


class ActivityFilter(Schema):
    action: str = ""
    face: str = ""
    object_type: str = ""


@router.get("/workspaces/{ws}/activity", response=list[AuditEntryOut], summary="The workspace's audit log")
@requires("audit")
@paginate(BoundedPagination)
def activity(request: HttpRequest, ws: uuid.UUID, filters: Query[ActivityFilter]) -> Any:
    access = api_door(request, ws, "audit")
    return audit_entry_list(workspace=access.workspace, **filters.dict())
