"""Contractors, their records, scorecards and overlap as plain data: the one shape the API and the CLI give.

The API validates these through the schemas in `vetting/schemas.py`; the CLI dumps them through the
same schemas, so a script reads the same fields from `--json` as from the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from outsourcer.accounts.models import Workspace
from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck
from outsourcer.contractors.overlap import overlap_day_dict
from outsourcer.contractors.selectors import PossibleDuplicate, contractor_overlap
from outsourcer.engagements.models import Engagement, Rating
from outsourcer.vetting.selectors import Scorecard, scorecard, scorecards, vetting_gaps

TAX_FIELDS = ("us_person", "entity_type", "legal_services", "tin_verified", "works_in_us")


def hours_dict(zone: str, start: dt.time, end: dt.time, days: list[int]) -> dict[str, Any]:
    return {"timezone": zone, "start": start.strftime("%H:%M"), "end": end.strftime("%H:%M"), "days": list(days)}


def contractor_hours_dict(contractor: Contractor) -> dict[str, Any] | None:
    if not contractor.has_hours:
        return None
    assert contractor.work_start is not None and contractor.work_end is not None
    return hours_dict(contractor.time_zone, contractor.work_start, contractor.work_end, contractor.working_days)


def workspace_hours_dict(workspace: Workspace) -> dict[str, Any]:
    return hours_dict(workspace.time_zone, workspace.work_start, workspace.work_end, workspace.working_days)


def contractor_dict(contractor: Contractor, card: Scorecard) -> dict[str, Any]:
    tax = {name: getattr(contractor, name) for name in TAX_FIELDS}
    tax["entity_type"] = tax["entity_type"] or None  # stored blank when unknown
    return {
        "id": contractor.uuid,
        "ref": contractor.ref,
        "kind": contractor.kind,
        "name": contractor.name,
        "email": contractor.email,
        "country": contractor.country,
        "region": contractor.region,
        "working_hours": contractor_hours_dict(contractor),
        "skills": contractor.skills,
        "hourly_rate": contractor.hourly_rate,
        "currency": contractor.currency,
        "source": contractor.source,
        "stage": contractor.stage,
        "notes": contractor.notes,
        "tax": tax,
        "approval_override": contractor.approval_override,
        "standing": card.standing,
        "open_red_flags": card.open_red_flags,
        "created_at": contractor.created_at,
        "updated_at": contractor.updated_at,
    }


def contractor_rows(contractors: list[Contractor]) -> list[dict[str, Any]]:
    """Directory rows with their standing: the scorecards of a whole page in a fixed number of queries."""
    if not contractors:
        return []
    cards = scorecards(workspace=contractors[0].workspace, contractor_ids=[c.pk for c in contractors])
    return [contractor_dict(c, cards[c.pk]) for c in contractors]


def duplicate_dict(match: PossibleDuplicate) -> dict[str, Any]:
    c = match.contractor
    return {"id": c.uuid, "ref": c.ref, "name": c.name, "reason": match.reason}


# --- Records ---------------------------------------------------------------------------------------


def reference_dict(r: ReferenceCheck) -> dict[str, Any]:
    return {
        "id": r.uuid,
        "contractor": r.contractor.uuid,
        "name": r.name,
        "contact": r.contact,
        "relationship": r.relationship,
        "checked_on": r.checked_on,
        "outcome": r.outcome or None,
        "met_deadlines": r.met_deadlines,
        "notes": r.notes,
        "counts": r.counts,
    }


def interview_dict(i: Interview) -> dict[str, Any]:
    return {
        "id": i.uuid,
        "contractor": i.contractor.uuid,
        "held_on": i.held_on,
        "interviewer": i.interviewer,
        "medium": i.medium or None,
        "scores": {name: getattr(i, f"score_{name}") for name in Interview.SCORES},
        "average": i.average,
        "identity_verified": i.identity_verified,
        "notes": i.notes,
    }


def document_dict(d: Document) -> dict[str, Any]:
    return {
        "id": d.uuid,
        "contractor": d.contractor.uuid,
        "kind": d.kind,
        "title": d.title,
        "signed_on": d.signed_on,
        "expires_on": d.expires_on,
        "has_file": bool(d.file),
        "file_name": d.file_name,
        "content_type": d.content_type,
        "size": d.size,
    }


def red_flag_dict(f: RedFlag) -> dict[str, Any]:
    return {
        "id": f.uuid,
        "contractor": f.contractor.uuid,
        "kind": f.kind,
        "noted_on": f.noted_on,
        "notes": f.notes,
        "resolved": f.resolved,
    }


def engagement_dict(e: Engagement) -> dict[str, Any]:
    return {
        "id": e.uuid,
        "contractor": e.contractor.uuid,
        "ref": e.ref,
        "title": e.title,
        "kind": e.kind,
        "status": e.status,
        "start_on": e.start_on,
        "end_on": e.end_on,
        "budget_cap": e.budget_cap,
        "rate": {"model": e.rate_model, "currency": e.rate_currency, "amount": e.rate_amount},
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
    }


# --- Scorecard and overlap -------------------------------------------------------------------------


def scorecard_dict(card: Scorecard) -> dict[str, Any]:
    return {
        "parts": [{"name": p.name, "value": p.value, "detail": p.detail, "weight": p.weight} for p in card.parts],
        "score": card.score,
        "percent": card.percent,
        "standing": card.standing,
        "standing_label": card.standing_label,
        "open_red_flags": card.open_red_flags,
        "reasons": list(card.reasons),
    }


def overlap_dict(*, workspace: Workspace, contractor: Contractor, start: dt.date, days: int) -> dict[str, Any]:
    report = contractor_overlap(workspace=workspace, contractor=contractor, start=start, days=days)
    worst = report.worst if report is not None else None
    return {
        "start": start,
        "workspace_hours": workspace_hours_dict(workspace),
        "contractor_hours": contractor_hours_dict(contractor),
        "days": [overlap_day_dict(d) for d in report.days] if report is not None else [],
        "worst": overlap_day_dict(worst) if worst is not None else None,
    }


def contractor_detail_dict(contractor: Contractor, *, today: dt.date) -> dict[str, Any]:
    """A contractor with every record, engagement, the scorecard, the gaps and the worst overlap day ahead.

    `contractor` should come from `contractor_detail`, so the records are loaded one query a kind.
    """
    card = scorecard(contractor=contractor)
    report = contractor_overlap(workspace=contractor.workspace, contractor=contractor, start=today, days=30)
    worst = report.worst if report is not None else None
    return {
        **contractor_dict(contractor, card),
        "references": [reference_dict(r) for r in contractor.referencecheck_set.all()],
        "interviews": [interview_dict(i) for i in contractor.interview_set.all()],
        "documents": [document_dict(d) for d in contractor.document_set.all()],
        "red_flags": [red_flag_dict(f) for f in contractor.redflag_set.all()],
        "engagements": [engagement_dict(e) for e in contractor.engagements.all()],
        "scorecard": scorecard_dict(card),
        "vetting_gaps": vetting_gaps(contractor=contractor),
        "worst_overlap_day": overlap_day_dict(worst) if worst is not None else None,
    }
