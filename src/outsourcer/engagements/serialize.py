"""Engagements and what hangs off them as plain data: the one shape the API, the portal and the CLI give.

The API validates these through the schemas in `engagements/schemas.py`; the CLI dumps them through
the same schemas, so a script reads the same fields from `--json` as from the API.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from outsourcer.contractors.overlap import overlap_day_dict
from outsourcer.contractors.selectors import contractor_overlap
from outsourcer.engagements.briefs import brief_completeness
from outsourcer.engagements.models import (
    Brief,
    BriefVersion,
    CheckIn,
    CommunicationPlan,
    CustomerCommitment,
    Engagement,
    Rating,
    TimeEntry,
)
from outsourcer.engagements.selectors import weekly_cap_history
from outsourcer.engagements.services import brief_content, brief_latest_version, iso_week_start

HOURS_WEEKS = 8
OVERLAP_DAYS = 30


def rate_dict(e: Engagement) -> dict[str, Any]:
    return {
        "model": e.rate_model,
        "currency": e.rate_currency,
        "amount": e.rate_amount,
        "weekly_hour_cap": e.weekly_hour_cap,
        "retainer_included_hours": e.retainer_included_hours,
        "commission_percent": e.commission_percent,
        "commission_base": e.commission_base,
    }


def engagement_dict(e: Engagement) -> dict[str, Any]:
    """One engagement's terms; `contractor` and `customer_commitment` should be loaded with it."""
    commitment = e.customer_commitment
    return {
        "id": e.uuid,
        "ref": e.ref,
        "title": e.title,
        "kind": e.kind,
        "status": e.status,
        "contractor": e.contractor.uuid,
        "contractor_ref": e.contractor.ref,
        "contractor_name": e.contractor.name,
        "customer_commitment": commitment.uuid if commitment is not None else None,
        "customer_commitment_ref": commitment.ref if commitment is not None else None,
        "start_on": e.start_on,
        "end_on": e.end_on,
        "work_location": e.work_location,
        "rate": rate_dict(e),
        "budget_cap": e.budget_cap,
        "payment_terms_days": e.payment_terms_days,
        "ended_reason": e.ended_reason,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
    }


def _brief(e: Engagement) -> Brief | None:
    try:
        return e.brief
    except Brief.DoesNotExist:
        return None


def _plan(e: Engagement) -> CommunicationPlan | None:
    try:
        return e.communication
    except CommunicationPlan.DoesNotExist:
        return None


def brief_version_dict(v: BriefVersion) -> dict[str, Any]:
    return {"number": v.number, "sent_at": v.sent_at, "note": v.note, "content": v.content}


def brief_dict(e: Engagement) -> dict[str, Any]:
    """The brief as written, its completeness, and whether the contractor reads the latest of it."""
    brief = _brief(e)
    content = brief_content(brief)
    score = brief_completeness(content)
    latest = brief_latest_version(brief)
    return {
        "content": content,
        "score": score.score,
        "missing": score.missing,
        "thin": score.thin,
        "changed_since_sent": latest is not None and latest.content != content,
        "latest_version": brief_version_dict(latest) if latest is not None else None,
    }


def communication_dict(plan: CommunicationPlan | None) -> dict[str, Any] | None:
    if plan is None:
        return None
    return {
        "point_person": plan.point_person,
        "escalation_contact": plan.escalation_contact,
        "channels": list(plan.channels),
        "important_topics_channel": plan.important_topics_channel or None,
        "cadence": plan.cadence or None,
        "needs_overlap_hours": plan.needs_overlap_hours,
    }


EMPTY_PLAN: dict[str, Any] = {
    "point_person": "",
    "escalation_contact": "",
    "channels": [],
    "important_topics_channel": None,
    "cadence": None,
    "needs_overlap_hours": None,
}


def communication_plan_dict(e: Engagement, *, today: dt.date) -> dict[str, Any]:
    """The plan (empty values before one is written) with the needed overlap checked against the hours
    the contractor and the workspace actually share, on the worst working day of the next 30."""
    plan = communication_dict(_plan(e)) or dict(EMPTY_PLAN)
    report = contractor_overlap(workspace=e.workspace, contractor=e.contractor, start=today, days=OVERLAP_DAYS)
    worst = report.worst if report is not None else None
    worst_hours = round(worst.minutes / 60, 2) if worst is not None else None
    needed = plan["needs_overlap_hours"]
    meets = Decimal(worst.minutes) >= needed * 60 if needed is not None and worst is not None else None
    return {
        **plan,
        "overlap": {
            "worst_day": overlap_day_dict(worst) if worst is not None else None,
            "worst_hours": worst_hours,
            "meets_needs": meets,
        },
    }


def engagement_detail_dict(e: Engagement) -> dict[str, Any]:
    """An engagement with its tasks, the brief's score and the communication plan.

    `e` should come with `tasks` prefetched and `brief` and `communication` loaded.
    """
    tasks = sorted(e.tasks.all(), key=lambda t: t.ref)
    brief = brief_dict(e)
    latest = brief["latest_version"]
    return {
        **engagement_dict(e),
        "tasks": [{"id": t.uuid, "ref": t.ref, "name": t.name} for t in tasks],
        "task_refs": [t.ref for t in tasks],
        "brief": {
            "score": brief["score"],
            "missing": brief["missing"],
            "thin": brief["thin"],
            "changed_since_sent": brief["changed_since_sent"],
            "latest_version": latest["number"] if latest is not None else None,
        },
        "communication": communication_dict(_plan(e)),
    }


# --- Check-ins, time, ratings ----------------------------------------------------------------------


def check_in_dict(c: CheckIn) -> dict[str, Any]:
    return {
        "id": c.uuid,
        "engagement": c.engagement.uuid,
        "on": c.on,
        "kind": c.kind,
        "initiated_by": c.initiated_by,
        "notes": c.notes,
    }


def time_entry_dict(t: TimeEntry) -> dict[str, Any]:
    return {
        "id": t.uuid,
        "engagement": t.engagement.uuid,
        "engagement_ref": t.engagement.ref,
        "worked_on": t.worked_on,
        "hours": t.hours,
        "description": t.description,
        "status": t.status,
        "locked": t.is_locked,
        "submitted_at": t.submitted_at,
        "decided_at": t.decided_at,
        "rejection_reason": t.rejection_reason,
    }


def hours_dict(e: Engagement, *, today: dt.date, weeks: int = HOURS_WEEKS) -> dict[str, Any]:
    """The weekly cap's use for the last `weeks` ISO weeks, the current one last."""
    return {
        "engagement": e.uuid,
        "weekly_hour_cap": e.weekly_hour_cap,
        "weeks": weekly_cap_history(engagement=e, last_week_start=iso_week_start(today), weeks=weeks),
    }


def rating_dict(r: Rating) -> dict[str, Any]:
    return {
        "id": r.uuid,
        "engagement": r.engagement.uuid,
        "on": r.on,
        "overall": r.overall,
        "quality": r.quality,
        "timeliness": r.timeliness,
        "communication": r.communication,
        "value_for_money": r.value_for_money,
        "would_rehire": r.would_rehire,
        "text": r.text,
        "shared_with_contractor": r.shared_with_contractor,
    }


# --- Customer commitments --------------------------------------------------------------------------


def commitment_dict(c: CustomerCommitment) -> dict[str, Any]:
    """A commitment with the engagements that serve it (prefetch `engagements` for a list)."""
    return {
        "id": c.uuid,
        "ref": c.ref,
        "customer": c.customer,
        "title": c.title,
        "promised_on": c.promised_on,
        "buffer_days": c.buffer_days,
        "status": c.status,
        "notes": c.notes,
        "engagements": [
            {"id": e.uuid, "ref": e.ref, "title": e.title, "status": e.status}
            for e in sorted(c.engagements.all(), key=lambda e: e.ref)
        ],
    }
