import datetime as dt
import uuid
from typing import Any

from ninja import Schema
from pydantic import Field


class AuditEntryOut(Schema):
    at: dt.datetime = Field(alias="created_at")
    actor: str = Field(alias="actor_label")
    face: str
    action: str
    object_type: str
    object_id: uuid.UUID | None = Field(alias="object_uuid")
    object: str = Field(alias="object_repr")
    changes: dict[str, Any]
