from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

RoleName = Literal["owner", "manager", "viewer", "contractor"]


# Related fields come through resolvers: a dotted alias ("user.email") makes django-ninja resolve
# it like a template variable, several times slower per row (see docs/performance.md).


class MembershipOut(Schema):
    workspace: uuid.UUID
    workspace_name: str
    role: RoleName

    @staticmethod
    def resolve_workspace(obj: Any) -> uuid.UUID:
        return obj.workspace.uuid

    @staticmethod
    def resolve_workspace_name(obj: Any) -> str:
        return obj.workspace.name


class MeOut(Schema):
    email: str
    name: str
    memberships: list[MembershipOut]


class WorkingHours(Schema):
    model_config = ConfigDict(extra="forbid")
    timezone: str = Field(max_length=64, description="IANA zone, e.g. America/New_York")
    start: str = Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM")
    end: str = Field(
        pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM; earlier than start crosses midnight"
    )
    days: list[int] = Field(default=[1, 2, 3, 4, 5], description="ISO weekdays, 1 = Monday")


class WorkspaceOut(Schema):
    id: uuid.UUID
    name: str
    slug: str
    kind: str
    base_currency: str
    country: str
    region: str
    working_hours: WorkingHours
    owner_hourly_value: Decimal | None
    fx_rates: dict[str, str]
    policy: dict[str, Any]
    role: RoleName


class WorkspaceCreateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["small_business", "freelancer", "agency"] = "small_business"
    base_currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    time_zone: str = "UTC"


class WorkspacePatchIn(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=200)
    kind: Literal["small_business", "freelancer", "agency"] | None = None
    base_currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    country: str | None = Field(None, pattern=r"^([A-Z]{2})?$")
    region: str | None = Field(None, max_length=64)
    working_hours: WorkingHours | None = None
    owner_hourly_value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    fx_rates: dict[str, str] | None = None
    policy: dict[str, Any] | None = None


class MemberOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    email: str
    name: str
    role: RoleName
    joined_at: dt.datetime = Field(alias="created_at")

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return obj.user.email

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.user.name


class RoleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    role: RoleName


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)
    role: RoleName = "manager"


class InvitationOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    email: str
    role: RoleName
    created_at: dt.datetime


class TokenOut(Schema):
    id: uuid.UUID = Field(alias="uuid")
    name: str
    prefix: str
    read_only: bool
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
