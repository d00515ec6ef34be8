"""The risk register over REST: risks (list, record, change, delete), the heat map, and the risks suggested
for an engagement. The same services and selectors as the pages.

No `from __future__ import annotations` here: `@paginate` reads the annotations at import time.
"""

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import paginate

from outsourcer.accounts.api_conflicts import ConflictOut, conflicts, paged, refuse_nulls
from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.engagements.api import load_engagement
from outsourcer.engagements.models import Engagement
from outsourcer.risk import services
from outsourcer.risk.models import Risk
from outsourcer.risk.schemas import (
    CategoryQuery,
    EngagementQuery,
    HeatMapOut,
    RiskIn,
    RiskOut,
    RiskPatchIn,
    RiskStatusQuery,
    SuggestionOut,
    heat_dict,
    risk_dict,
    suggestion_dict,
)
from outsourcer.risk.selectors import risk_heat, risk_list, risk_suggestions

router = Router(tags=["risks"])

RISK_ROWS = ("engagement__contractor", "contractor", "workspace")
NULLABLE = frozenset({"engagement", "contractor", "review_on"})


def _today(access: WorkspaceAccess) -> dt.date:
    return today_in(access.workspace.time_zone)


def _page_dict(risk: Risk) -> dict[str, Any]:
    return risk_dict(risk, today=today_in(risk.workspace.time_zone))


def load_risk(access: WorkspaceAccess, risk: uuid.UUID) -> Risk:
    return access.get(Risk.objects.select_related(*RISK_ROWS), risk)


def _out(access: WorkspaceAccess, risk: uuid.UUID) -> dict[str, Any]:
    return risk_dict(load_risk(access, risk), today=_today(access))


def _linked(access: WorkspaceAccess, rows: QuerySet[Any], public_id: uuid.UUID, field: str, what: str) -> Any:
    """A row a request points at by id: absent from this workspace is a bad value (400), not a 404."""
    found = access.scope(rows).filter(uuid=public_id).first()
    if found is None:
        raise ValidationError({field: [f"No such {what} in this workspace."]})
    return found


def _links(access: WorkspaceAccess, data: dict[str, Any]) -> dict[str, Any]:
    """The engagement and contractor ids of a body, as rows of this workspace."""
    if data.get("engagement") is not None:
        data["engagement"] = _linked(
            access, Engagement.objects.select_related("contractor"), data["engagement"], "engagement", "engagement"
        )
    if data.get("contractor") is not None:
        data["contractor"] = _linked(access, Contractor.objects.all(), data["contractor"], "contractor", "contractor")
    return data


def _filtered(access: WorkspaceAccess, status: str, category: str, engagement: uuid.UUID | None) -> QuerySet[Risk]:
    row = None
    if engagement is not None:
        row = access.scope(Engagement.objects.all()).filter(uuid=engagement).first()
        if row is None:
            return Risk.objects.none()
    return risk_list(workspace=access.workspace, status=status, category=category, engagement=row)


# --- Risks -----------------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/risks",
    response=list[RiskOut],
    summary="The risk register",
    description=(
        "Open risks first, then accepted, mitigated and closed; within each, the highest score first. With "
        "`engagement`, that engagement's risks and its contractor's own."
    ),
)
@requires("read")
@paginate(paged(_page_dict))
def risk_index(
    request: HttpRequest,
    ws: uuid.UUID,
    status: RiskStatusQuery = "",
    category: CategoryQuery = "",
    engagement: EngagementQuery = None,
) -> Any:
    access = api_door(request, ws, "read")
    return _filtered(access, status, category, engagement).select_related("engagement__contractor", "workspace")


@router.post(
    "/workspaces/{ws}/risks",
    response={201: RiskOut},
    summary="Record a risk",
    description=(
        "About an engagement, a contractor, or (with neither) the whole workspace. An engagement or contractor "
        "not in this workspace, or a contractor that is not the engagement's, is refused (400)."
    ),
)
@requires("write")
def risk_create(request: HttpRequest, ws: uuid.UUID, payload: RiskIn) -> Status[Any]:
    access = api_door(request, ws, "write")
    data = _links(access, payload.dict())
    if not data.get("ref"):
        data.pop("ref", None)
    made = services.risk_create(actor=Actor.api(request), workspace=access.workspace, data=data)
    return Status(201, _out(access, made.uuid))


@router.get(
    "/workspaces/{ws}/risks/heat-map",
    response=HeatMapOut,
    summary="The heat map: how many risks at each likelihood and impact",
    description=(
        "A 5 x 5 grid, likelihood 5 first, impact 1 first, each cell with its count and band (high from a score "
        "of 15, medium from 8, low below). Closed risks are left off; the filters are the register's."
    ),
)
@requires("read")
def risk_heat_map(
    request: HttpRequest,
    ws: uuid.UUID,
    status: RiskStatusQuery = "",
    category: CategoryQuery = "",
    engagement: EngagementQuery = None,
) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    rows = _filtered(access, status, category, engagement).exclude(status=Risk.Status.CLOSED)
    return heat_dict(risk_heat(risks=rows))


@router.get("/workspaces/{ws}/risks/{risk}", response=RiskOut, summary="A risk")
@requires("read")
def risk_get(request: HttpRequest, ws: uuid.UUID, risk: uuid.UUID) -> dict[str, Any]:
    return _out(api_door(request, ws, "read"), risk)


@router.patch(
    "/workspaces/{ws}/risks/{risk}",
    response=RiskOut,
    summary="Change a risk",
    description="Send only what changes; `status: closed` closes it (it stays in the register, off the heat map).",
)
@requires("write")
def risk_update(request: HttpRequest, ws: uuid.UUID, risk: uuid.UUID, payload: RiskPatchIn) -> dict[str, Any]:
    access = api_door(request, ws, "write")
    row = load_risk(access, risk)
    data = payload.dict(exclude_unset=True)
    refuse_nulls(data, NULLABLE)
    services.risk_update(actor=Actor.api(request), risk=row, data=_links(access, data))
    return _out(access, risk)


@router.delete(
    "/workspaces/{ws}/risks/{risk}",
    response={204: None},
    summary="Delete a risk entered by mistake",
    description="A risk that no longer applies is better closed: it then stays on record.",
)
@requires("write")
def risk_delete(request: HttpRequest, ws: uuid.UUID, risk: uuid.UUID) -> Status[None]:
    access = api_door(request, ws, "write")
    services.risk_delete(actor=Actor.api(request), risk=load_risk(access, risk))
    return Status(204, None)


# --- Suggestions -----------------------------------------------------------------------------------


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/risk-suggestions",
    response=list[SuggestionOut],
    summary="Risks worth recording for an engagement",
    description=(
        "From what the engagement touches: open access grants, a customer promise, work only its contractor "
        "covers, its budget cap, one contractor doing it. Each says why. Those already recorded (by title) are "
        "left out."
    ),
)
@requires("read")
def suggestion_index(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    row = load_engagement(access, engagement)
    return [suggestion_dict(s) for s in risk_suggestions(engagement=row)]


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/risk-suggestions/{key}",
    response={201: RiskOut, 409: ConflictOut},
    summary="Record a suggested risk",
    description=(
        "As suggested, about the engagement, with a review in 90 days; change it afterwards like any risk. A key "
        "not suggested for the engagement now (recorded already, or unknown) answers 409."
    ),
)
@requires("write")
def suggestion_add(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, key: str) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = load_engagement(access, engagement)
    with conflicts("key"):
        made = services.risk_add_suggested(actor=Actor.api(request), engagement=row, key=key)
    return Status(201, _out(access, made.uuid))
