"""The REST face of exit plans, access grants and offboarding, and the dicts both it and the CLI's `--json`
print. A grant's `state` is worked out here, the same way for the web register, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from outsourcer.core.api_types import Day, Line, Strict, Text
from outsourcer.engagements.models import ENDED, Engagement
from outsourcer.payments.models import Invoice
from outsourcer.risk.models import AccessGrant, ExitPlan
from outsourcer.risk.selectors import ChecklistItem

# An open grant whose end date falls from today to this many days ahead "expires soon"; the reminders use
# the same window.
EXPIRING_DAYS = 7
# An exit plan of a running engagement not gone through for this many days is due for a review.
EXIT_REVIEW_DAYS = 180

HandoverName = Literal["in_house", "person", "contractor"]
LevelName = Literal["read", "write", "admin"]
GrantStateName = Literal["open", "expires_soon", "expired", "revoked"]
ManualStepName = Literal["data", "assets", "final_invoice", "handover"]
GRANT_STATE_LABELS = {"open": "Open", "expires_soon": "Expires soon", "expired": "Expired", "revoked": "Revoked"}

# Query parameters, each at the path the caller knows ("$.open").
OpenQuery = Annotated[bool, Field(description="only grants not revoked yet")]
LeftOpenQuery = Annotated[
    bool, Field(description="only open grants that should be closed: the engagement ended or the end date passed")
]
EngagementQuery = Annotated[uuid.UUID | None, Field(description="only this engagement's (its id)")]
Notes = Annotated[str, Field(max_length=2000)]


def grant_state(grant: AccessGrant, today: dt.date) -> str:
    """revoked, expired (open past its end date), expires_soon (open, ends within EXPIRING_DAYS) or open."""
    if grant.revoked_on is not None:
        return "revoked"
    if grant.expires_on is not None:
        if grant.expires_on < today:
            return "expired"
        if grant.expires_on <= today + dt.timedelta(days=EXPIRING_DAYS):
            return "expires_soon"
    return "open"


def left_open(grant: AccessGrant, today: dt.date) -> bool:
    """Open although it should be closed: as `selectors.access_left_open` selects (the rule risk/access-not-revoked)."""
    if grant.revoked_on is not None:
        return False
    return grant.engagement.status in ENDED or (grant.expires_on is not None and grant.expires_on < today)


# --- Exit plans ------------------------------------------------------------------------------------


class ExitPlanIn(Strict):
    """The whole plan: a value left out is saved empty."""

    steps: Text = Field("", description="how you would leave, one step a line")
    handover_kind: HandoverName | None = Field(
        None, description="who takes the work over: in-house, a named person or another approved contractor"
    )
    handover_person: Line = Field("", description="the person's name, when `handover_kind` is `person`")
    handover_contractor: uuid.UUID | None = Field(
        None,
        description=(
            "the id of an approved or preferred contractor of this workspace, not this engagement's, when "
            "`handover_kind` is `contractor`"
        ),
    )
    data_return: bool | None = Field(None, description="whether the contractor returns (or deletes) your data")
    reviewed_on: Day | None = Field(None, description="the day the plan was last gone through")


class ExitPlanOut(Schema):
    engagement: uuid.UUID
    exists: bool = Field(description="false until a plan is saved; every value is then empty")
    steps: str
    handover_kind: HandoverName | None
    handover_person: str
    handover_contractor: uuid.UUID | None
    handover_contractor_name: str | None
    data_return: bool | None
    reviewed_on: dt.date | None


def exit_plan_dict(engagement: Engagement, plan: ExitPlan | None) -> dict[str, Any]:
    other = plan.handover_contractor if plan is not None else None
    return {
        "engagement": engagement.uuid,
        "exists": plan is not None,
        "steps": plan.steps if plan else "",
        "handover_kind": (plan.handover_kind or None) if plan else None,
        "handover_person": plan.handover_person if plan else "",
        "handover_contractor": other.uuid if other else None,
        "handover_contractor_name": other.name if other else None,
        "data_return": plan.data_return if plan else None,
        "reviewed_on": plan.reviewed_on if plan else None,
    }


def handover_text(plan: ExitPlan | None) -> str:
    """Who takes the work over, in words."""
    if plan is None or not plan.handover_kind:
        return "not decided"
    if plan.handover_kind == ExitPlan.Handover.PERSON:
        return plan.handover_person
    if plan.handover_kind == ExitPlan.Handover.CONTRACTOR:
        return plan.handover_contractor.name if plan.handover_contractor else "another contractor (none chosen)"
    return "in-house"


# --- Access grants ---------------------------------------------------------------------------------


class AccessGrantIn(Strict):
    system: Line = Field(min_length=1, description="what they can reach: a tool, a server, a mailbox")
    level: LevelName | None = Field(None, description="read, write or admin; the least the work needs")
    shared_credential: bool = Field(False, description="a login other people use too (avoid: it cannot be revoked)")
    granted_on: Day | None = Field(None, description="default: today in the workspace")
    expires_on: Day | None = Field(None, description="the day the access should end")
    revoked_on: Day | None = Field(None, description="when it was taken away already")
    notes: Notes = ""


class AccessGrantPatchIn(Strict):
    """Send only what changes. May be null to clear: `level`, `expires_on`, `revoked_on`."""

    system: Line | None = Field(None, min_length=1)
    level: LevelName | None = None
    shared_credential: bool | None = None
    granted_on: Day | None = None
    expires_on: Day | None = None
    revoked_on: Day | None = None
    notes: Notes | None = None


class RevokeIn(Strict):
    on: Day | None = Field(None, description="the day access was taken away; default: today in the workspace")


class AccessGrantOut(Schema):
    id: uuid.UUID
    engagement: uuid.UUID
    engagement_ref: str
    engagement_title: str
    engagement_status: str
    contractor: uuid.UUID
    contractor_name: str
    system: str
    level: LevelName | None
    shared_credential: bool
    granted_on: dt.date
    expires_on: dt.date | None
    revoked_on: dt.date | None
    notes: str
    state: GrantStateName = Field(
        description=f"`expires_soon`: open and ending within {EXPIRING_DAYS} days; `expired`: open past its end date"
    )
    left_open: bool = Field(description="still open although the engagement ended or the end date passed")


def grant_dict(grant: AccessGrant, *, today: dt.date) -> dict[str, Any]:
    """One grant; `engagement__contractor` loaded."""
    engagement = grant.engagement
    return {
        "id": grant.uuid,
        "engagement": engagement.uuid,
        "engagement_ref": engagement.ref,
        "engagement_title": engagement.title,
        "engagement_status": engagement.status,
        "contractor": engagement.contractor.uuid,
        "contractor_name": engagement.contractor.name,
        "system": grant.system,
        "level": grant.level or None,
        "shared_credential": grant.shared_credential,
        "granted_on": grant.granted_on,
        "expires_on": grant.expires_on,
        "revoked_on": grant.revoked_on,
        "notes": grant.notes,
        "state": grant_state(grant, today),
        "left_open": left_open(grant, today),
    }


class RevokedOut(Schema):
    revoked: int = Field(description="how many grants were open and are now revoked")


# --- Offboarding -----------------------------------------------------------------------------------


class TickIn(Strict):
    on: Day | None = Field(None, description="the day it was done; default: today in the workspace")
    note: Annotated[str, Field(max_length=500)] = ""


class ChecklistItemOut(Schema):
    key: str = Field(description="access, data, assets, final_invoice, handover or rating")
    label: str
    done: bool
    detail: str
    manual: bool = Field(description="ticked by a person; the others are read from the data")


class OpenInvoiceOut(Schema):
    id: uuid.UUID
    ref: str
    number: str
    amount: str = Field(description="two decimal places")
    currency: str
    status: str


class OffboardingOut(Schema):
    engagement: uuid.UUID
    engagement_status: str
    ended: bool = Field(description="completed or terminated: only then can steps be ticked")
    done: int
    total: int
    steps: list[ChecklistItemOut]
    open_invoices: list[OpenInvoiceOut] = Field(description="this engagement's invoices still to settle")
    exit_plan: ExitPlanOut


def offboarding_dict(
    engagement: Engagement, items: list[ChecklistItem], invoices: list[Invoice], plan: ExitPlan | None
) -> dict[str, Any]:
    return {
        "engagement": engagement.uuid,
        "engagement_status": engagement.status,
        "ended": engagement.status in ENDED,
        "done": sum(1 for i in items if i.done),
        "total": len(items),
        "steps": [
            {"key": i.key, "label": i.label, "done": i.done, "detail": i.detail, "manual": i.manual} for i in items
        ],
        "open_invoices": [
            {
                "id": i.uuid,
                "ref": i.ref,
                "number": i.number,
                "amount": f"{Decimal(i.amount):.2f}",
                "currency": i.currency,
                "status": i.status,
            }
            for i in invoices
        ],
        "exit_plan": exit_plan_dict(engagement, plan),
    }
