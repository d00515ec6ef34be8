"""Leaving well over REST: an engagement's exit plan, the access register with its grants and the access left
open, and an ended engagement's offboarding checklist. The same services and selectors as the pages.

No `from __future__ import annotations` here: `@paginate` reads the annotations at import time.
"""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from outsourcer.accounts.api_conflicts import ConflictOut, conflicts, refuse_nulls
from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.audit.api import BoundedPagination
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement
from outsourcer.payments.selectors import invoice_list
from outsourcer.risk import services
from outsourcer.risk.models import AccessGrant
from outsourcer.risk.schemas_access import (
    AccessGrantIn,
    AccessGrantOut,
    AccessGrantPatchIn,
    EngagementQuery,
    ExitPlanIn,
    ExitPlanOut,
    LeftOpenQuery,
    ManualStepName,
    OffboardingOut,
    OpenQuery,
    RevokedOut,
    RevokeIn,
    TickIn,
    exit_plan_dict,
    grant_dict,
    offboarding_dict,
)
from outsourcer.risk.selectors import (
    access_grant_list,
    access_left_open,
    exit_plan_of,
    offboarding_checklist,
)

router = Router(tags=["access and exit"])

NULLABLE = frozenset({"level", "expires_on", "revoked_on"})
GRANT_ROWS = ("engagement__contractor", "workspace")


def _today(access: WorkspaceAccess) -> dt.date:
    return today_in(access.workspace.time_zone)


def _engagement(access: WorkspaceAccess, public_id: uuid.UUID) -> Engagement:
    row = access.get(Engagement.objects.select_related("contractor"), public_id)
    row.workspace = access.workspace
    return row


def _grant(access: WorkspaceAccess, public_id: uuid.UUID) -> AccessGrant:
    row = access.get(AccessGrant.objects.select_related(*GRANT_ROWS), public_id)
    row.engagement.workspace = access.workspace
    return row


def _grant_out(access: WorkspaceAccess, grant: AccessGrant) -> dict[str, Any]:
    return grant_dict(grant, today=_today(access))


class GrantPagination(BoundedPagination):
    """A bounded page of grants, each with its state as of today in the workspace."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        rows = list(page["items"])
        today = today_in(rows[0].workspace.time_zone) if rows else dt.date.today()
        page["items"] = [grant_dict(g, today=today) for g in rows]
        return page


# --- Exit plans ------------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/exit-plan",
    response=ExitPlanOut,
    summary="An engagement's exit plan",
    description="How the business would leave: the steps, who takes over, whether data comes back. Empty values "
    "(`exists` false) until a plan is saved.",
)
@requires("read")
def exit_plan_get(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    row = _engagement(access, engagement)
    return exit_plan_dict(row, exit_plan_of(engagement=row))


@router.put(
    "/workspaces/{ws}/engagements/{engagement}/exit-plan",
    response=ExitPlanOut,
    summary="Write an engagement's exit plan",
    description=(
        "Replaces the whole plan: a value left out is saved empty. `handover_kind` `person` needs "
        "`handover_person`; `contractor` needs `handover_contractor`, the id of an approved or preferred "
        "contractor of this workspace other than the engagement's own (400 otherwise)."
    ),
)
@requires("write")
def exit_plan_put(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: ExitPlanIn) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = _engagement(access, engagement)
    data = payload.dict()
    data["handover_kind"] = data["handover_kind"] or ""
    if payload.handover_contractor is not None:
        other = access.scope(Contractor.objects.all()).filter(uuid=payload.handover_contractor).first()
        if other is None:
            raise ValidationError({"handover_contractor": ["No such contractor in this workspace."]})
        data["handover_contractor"] = other
    services.exit_plan_save(actor=Actor.api(request), engagement=row, data=data)
    return exit_plan_dict(row, exit_plan_of(engagement=row))


# --- Access grants ---------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/access-grants",
    response=list[AccessGrantOut],
    summary="The access register",
    description=(
        "Every grant of the workspace, open ones first. `open` keeps those not revoked; `left_open` those still "
        "open although their engagement ended or their end date passed (what the register's alert lists); "
        "`engagement` one engagement's."
    ),
)
@requires("read")
@paginate(GrantPagination)
def grant_index(
    request: HttpRequest,
    ws: uuid.UUID,
    open: OpenQuery = False,
    left_open: LeftOpenQuery = False,
    engagement: EngagementQuery = None,
) -> Any:
    access = api_door(request, ws, "read")
    if left_open:
        rows = access_left_open(workspace=access.workspace, today=_today(access))
    else:
        rows = access_grant_list(workspace=access.workspace, open_only=open).order_by(
            F("revoked_on").asc(nulls_first=True), "engagement__title", "system", "pk"
        )
    if engagement is not None:
        rows = rows.filter(engagement__uuid=engagement)
    return rows.select_related("workspace")


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/access-grants",
    response={201: AccessGrantOut},
    summary="Record access a contractor holds",
    description="One system, at a level, with its end date. `granted_on` defaults to today in the workspace.",
)
@requires("write")
def grant_create(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: AccessGrantIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = _engagement(access, engagement)
    data = payload.dict()
    data["level"] = data["level"] or ""
    data["granted_on"] = data["granted_on"] or _today(access)
    grant = services.access_grant_create(actor=Actor.api(request), engagement=row, data=data)
    return Status(201, _grant_out(access, _grant(access, grant.uuid)))


@router.get("/workspaces/{ws}/access-grants/{grant}", response=AccessGrantOut, summary="One access grant")
@requires("read")
def grant_get(request: HttpRequest, ws: uuid.UUID, grant: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return _grant_out(access, _grant(access, grant))


@router.patch(
    "/workspaces/{ws}/access-grants/{grant}",
    response=AccessGrantOut,
    summary="Correct an access grant",
    description="Send only what changes; null clears `level`, `expires_on` or `revoked_on`.",
)
@requires("write")
def grant_update(request: HttpRequest, ws: uuid.UUID, grant: uuid.UUID, payload: AccessGrantPatchIn) -> Any:
    access = api_door(request, ws, "write")
    row = _grant(access, grant)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data, NULLABLE)
    if "level" in data:
        data["level"] = data["level"] or ""
    services.access_grant_update(actor=Actor.api(request), grant=row, data=data)
    return _grant_out(access, _grant(access, grant))


@router.delete(
    "/workspaces/{ws}/access-grants/{grant}",
    response={204: None},
    summary="Delete a grant entered by mistake",
    description="Access that really existed is revoked instead, so the register keeps who could reach what.",
)
@requires("write")
def grant_delete(request: HttpRequest, ws: uuid.UUID, grant: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    services.access_grant_delete(actor=Actor.api(request), grant=_grant(access, grant))
    return Status(204, None)


@router.post(
    "/workspaces/{ws}/access-grants/{grant}/revoke",
    response=AccessGrantOut,
    summary="Record that access was taken away",
    description="On `on` (default: today in the workspace); a grant revoked already keeps its first date.",
)
@requires("write")
def grant_revoke(request: HttpRequest, ws: uuid.UUID, grant: uuid.UUID, payload: RevokeIn) -> Any:
    access = api_door(request, ws, "write")
    row = _grant(access, grant)
    services.access_grant_revoke(actor=Actor.api(request), grant=row, on=payload.on or _today(access))
    return _grant_out(access, _grant(access, grant))


# --- Offboarding -----------------------------------------------------------------------------------


def _offboarding_out(access: WorkspaceAccess, engagement: Engagement) -> dict[str, Any]:
    items = offboarding_checklist(engagement=engagement)
    invoices = list(invoice_list(workspace=access.workspace, status="open", engagement=engagement))
    return offboarding_dict(engagement, items, invoices, exit_plan_of(engagement=engagement))


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/offboarding",
    response=OffboardingOut,
    summary="An engagement's offboarding checklist",
    description=(
        "Every access grant revoked, data and assets back, the final invoice settled, the work handed over and "
        "the contractor rated: `access` and `rating` are read from the data, the others are ticked by a person "
        "once the engagement is completed or terminated. With the invoices still open and the exit plan."
    ),
)
@requires("read")
def offboarding_get(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return _offboarding_out(access, _engagement(access, engagement))


# Before `/offboarding/{step}`: the first route that matches a path answers it.
@router.post(
    "/workspaces/{ws}/engagements/{engagement}/offboarding/revoke-all",
    response=RevokedOut,
    summary="Revoke every open grant of an engagement",
    description="The first offboarding step; each grant is revoked on `on` (default: today in the workspace).",
)
@requires("write")
def offboarding_revoke_all(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: RevokeIn) -> Any:
    access = api_door(request, ws, "write")
    row = _engagement(access, engagement)
    count = services.access_revoke_all(actor=Actor.api(request), engagement=row, on=payload.on or _today(access))
    return {"revoked": count}


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/offboarding/{step}",
    response={200: OffboardingOut, 409: ConflictOut},
    summary="Tick an offboarding step done",
    description=(
        "One of the manual steps: `data`, `assets`, `final_invoice`, `handover`. Only once the engagement is "
        "completed or terminated (409 before). Ticking a step done already changes nothing."
    ),
)
@requires("write")
def offboarding_tick(
    request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, step: ManualStepName, payload: TickIn
) -> Any:
    access = api_door(request, ws, "write")
    row = _engagement(access, engagement)
    with conflicts("step"):
        services.offboarding_tick(
            actor=Actor.api(request), engagement=row, step=step, done_on=payload.on or _today(access),
            note=payload.note,
        )  # fmt: skip
    return _offboarding_out(access, row)


@router.delete(
    "/workspaces/{ws}/engagements/{engagement}/offboarding/{step}",
    response=OffboardingOut,
    summary="Untick an offboarding step",
    description="The step is not done after all; unticking one that was not ticked changes nothing.",
)
@requires("write")
def offboarding_untick(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, step: ManualStepName) -> Any:
    access = api_door(request, ws, "write")
    row = _engagement(access, engagement)
    services.offboarding_untick(actor=Actor.api(request), engagement=row, step=step)
    return _offboarding_out(access, row)
