from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Status

from outsourcer.accounts import selectors, services
from outsourcer.accounts.api_door import api_door, requires, session_only
from outsourcer.accounts.door import ROLE_ACTIONS, WorkspaceAccess
from outsourcer.accounts.models import Invitation, Membership, Workspace
from outsourcer.accounts.schemas import (
    InvitationIn,
    InvitationOut,
    MemberOut,
    MeOut,
    RoleIn,
    TokenOut,
    WorkspaceCreateIn,
    WorkspaceOut,
    WorkspacePatchIn,
)
from outsourcer.accounts.settings_rules import parse_hhmm
from outsourcer.core.actor import Actor

router = Router(tags=["workspaces"])

API_FIELD_NAMES = {
    "time_zone": "working_hours.timezone",
    "work_start": "working_hours.start",
    "work_end": "working_hours.end",
    "work_days": "working_hours.days",
}


def workspace_out(ws: Workspace, role: str) -> dict[str, Any]:
    return {
        "id": ws.uuid,
        "name": ws.name,
        "slug": ws.slug,
        "kind": ws.kind,
        "base_currency": ws.base_currency,
        "country": ws.country,
        "region": ws.region,
        "working_hours": {
            "timezone": ws.time_zone,
            "start": ws.work_start.strftime("%H:%M"),
            "end": ws.work_end.strftime("%H:%M"),
            "days": ws.working_days,
        },
        "owner_hourly_value": ws.owner_hourly_value,
        "fx_rates": ws.fx_rates,
        "policy": ws.effective_policy,
        "role": role,
    }


def _visible_memberships(request: HttpRequest) -> list[Membership]:
    memberships = list(selectors.workspace_list_for_user(user=request.auth_user))  # type: ignore[attr-defined]
    token = getattr(request, "api_token", None)
    if token is not None:
        memberships = [m for m in memberships if m.workspace_id == token.workspace_id]
    return memberships


@router.get("/me", response=MeOut, summary="Who am I")
@requires("account")
def me(request: HttpRequest) -> dict[str, Any]:
    user = request.auth_user  # type: ignore[attr-defined]
    return {"email": user.email, "name": user.name, "memberships": _visible_memberships(request)}


@router.get("/workspaces", response=list[WorkspaceOut], summary="List my workspaces")
@requires("account")
def workspace_list(request: HttpRequest) -> list[dict[str, Any]]:
    # Settings are for reading roles; a contractor finds their workspaces through /me.
    readable = (m for m in _visible_memberships(request) if ROLE_ACTIONS[m.role] >= {"read"})
    return [workspace_out(m.workspace, m.role) for m in readable]


@router.post("/workspaces", response={201: WorkspaceOut}, summary="Create a workspace")
@requires("account")
def workspace_create(request: HttpRequest, payload: WorkspaceCreateIn) -> Status[dict[str, Any]]:
    session_only(request)
    ws = services.workspace_create(
        actor=Actor.api(request),
        owner=request.auth_user,  # type: ignore[attr-defined]
        **payload.dict(),
    )
    return Status(201, workspace_out(ws, "owner"))


@router.get("/workspaces/{ws}", response=WorkspaceOut, summary="Get a workspace")
@requires("read")
def workspace_detail(request: HttpRequest, ws: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return workspace_out(access.workspace, access.role)


@router.patch("/workspaces/{ws}", response=WorkspaceOut, summary="Change a workspace's settings")
@requires("admin")
def workspace_update(request: HttpRequest, ws: uuid.UUID, payload: WorkspacePatchIn) -> dict[str, Any]:
    access = api_door(request, ws, "admin")
    data = payload.dict(exclude_unset=True)
    nullable = {"owner_hourly_value"}
    for key, value in data.items():
        if value is None and key not in nullable:
            raise ValidationError({key: "This field cannot be null."})
    if data.pop("working_hours", None) is not None and payload.working_hours is not None:
        hours = payload.working_hours  # the model, so unset `days` still takes its default
        data.update(
            time_zone=hours.timezone,
            work_start=parse_hhmm(hours.start),
            work_end=parse_hhmm(hours.end),
            work_days=hours.days,
        )
    try:
        services.workspace_update(actor=Actor.api(request), workspace=access.workspace, data=data)
    except ValidationError as exc:
        # Name the fields as the API spells them, not as the model stores them.
        raise ValidationError(
            {API_FIELD_NAMES.get(field, field): messages for field, messages in exc.message_dict.items()}
        ) from exc
    return workspace_out(access.workspace, access.role)


@router.get("/workspaces/{ws}/members", response=list[MemberOut], summary="List members")
@requires("read")
def member_list(request: HttpRequest, ws: uuid.UUID) -> Any:
    access = api_door(request, ws, "read")
    return selectors.member_list(workspace=access.workspace)


def _member(access: WorkspaceAccess, member: uuid.UUID) -> Membership:
    return access.get(Membership.objects.select_related("user", "workspace"), member)


@router.patch("/workspaces/{ws}/members/{member}", response=MemberOut, summary="Change a member's role")
@requires("admin")
def member_role(request: HttpRequest, ws: uuid.UUID, member: uuid.UUID, payload: RoleIn) -> Any:
    access = api_door(request, ws, "admin")
    membership = _member(access, member)
    services.membership_change_role(actor=Actor.api(request), membership=membership, role=payload.role)
    return membership


@router.delete("/workspaces/{ws}/members/{member}", response={204: None}, summary="Remove a member")
@requires("admin")
def member_remove(request: HttpRequest, ws: uuid.UUID, member: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "admin")
    services.membership_remove(actor=Actor.api(request), membership=_member(access, member))
    return Status(204, None)


@router.get("/workspaces/{ws}/invitations", response=list[InvitationOut], summary="List open invitations")
@requires("admin")
def invitation_list(request: HttpRequest, ws: uuid.UUID) -> Any:
    access = api_door(request, ws, "admin")
    return selectors.invitation_open_list(workspace=access.workspace)


@router.post("/workspaces/{ws}/invitations", response={201: InvitationOut}, summary="Invite someone by email")
@requires("admin")
def invitation_create(request: HttpRequest, ws: uuid.UUID, payload: InvitationIn) -> Status[Invitation]:
    access = api_door(request, ws, "admin")
    invitation = services.invitation_create(
        actor=Actor.api(request), workspace=access.workspace, email=payload.email, role=payload.role
    )
    return Status(201, invitation)


@router.delete("/workspaces/{ws}/invitations/{invitation}", response={204: None}, summary="Withdraw an invitation")
@requires("admin")
def invitation_revoke(request: HttpRequest, ws: uuid.UUID, invitation: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "admin")
    services.invitation_revoke(actor=Actor.api(request), invitation=access.get(Invitation.objects.all(), invitation))
    return Status(204, None)


@router.get("/workspaces/{ws}/tokens", response=list[TokenOut], summary="List my API tokens for a workspace")
@requires("read")
def token_list(request: HttpRequest, ws: uuid.UUID) -> Any:
    access = api_door(request, ws, "read")
    return selectors.api_token_list(workspace=access.workspace, user=request.auth_user)  # type: ignore[attr-defined]


@router.delete("/workspaces/{ws}/tokens/{token}", response={204: None}, summary="Revoke one of my tokens")
@requires("read")
def token_revoke(request: HttpRequest, ws: uuid.UUID, token: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "read")
    own = selectors.api_token_list(workspace=access.workspace, user=request.auth_user)  # type: ignore[attr-defined]
    services.api_token_revoke(actor=Actor.api(request), token=access.get(own, token))
    return Status(204, None)
