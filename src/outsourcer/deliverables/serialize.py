"""Milestones, submissions, reviews and originality matches as plain data: the shape the API, the portal's
API and the CLI give (validated through `deliverables/schemas.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from outsourcer.core.timezones import today_in
from outsourcer.deliverables.models import OPEN_STATUSES, Milestone, OriginalityMatch, ReferenceText, Review, Submission
from outsourcer.deliverables.selectors import MilestonePage


def milestone_dict(m: Milestone, *, today: dt.date | None = None, latest_decision: str | None = None) -> dict[str, Any]:
    """One milestone; `engagement` (and its contractor) should be loaded with it. `today` defaults to the
    workspace's (load `workspace` too). The latest review's decision comes from the list selectors'
    `review_decision` annotation when there is one."""
    e = m.engagement
    if today is None:
        today = today_in(m.workspace.time_zone)
    decision = getattr(m, "review_decision", latest_decision)
    return {
        "id": m.uuid,
        "ref": m.ref,
        "engagement": e.uuid,
        "engagement_ref": e.ref,
        "engagement_title": e.title,
        "contractor_name": e.contractor.name,
        "title": m.title,
        "description": m.description,
        "due_on": m.due_on,
        "amount": m.amount,
        "currency": e.rate_currency,
        "status": m.status,
        "submitted_on": m.submitted_on,
        "delivered_to_customer_on": m.delivered_to_customer_on,
        "overdue": m.status in OPEN_STATUSES and m.due_on < today,
        "latest_decision": decision or None,
    }


def submission_dict(s: Submission) -> dict[str, Any]:
    """One submission; prefetch `files` for a list."""
    return {
        "id": s.uuid,
        "milestone": s.milestone.uuid,
        "submitted_on": s.submitted_on,
        "text": s.text,
        "links": list(s.links or []),
        "note": s.note,
        "files": [{"id": f.uuid, "name": f.name, "size": f.size} for f in s.files.all()],
    }


def review_dict(r: Review) -> dict[str, Any]:
    return {
        "id": r.uuid,
        "milestone": r.milestone.uuid,
        "submission": r.submission.uuid if r.submission is not None else None,
        "reviewed_on": r.reviewed_on,
        "reviewer": r.reviewer,
        "decision": r.decision,
        "criteria": [str(c) for c in r.criteria or []],
        "criteria_met": [bool(v) for v in r.criteria_met or []],
        "feedback": r.feedback,
        "shared_with_contractor": r.shared_with_contractor,
    }


def milestone_detail_dict(m: Milestone, page: MilestonePage, *, today: dt.date) -> dict[str, Any]:
    for row in page.submissions:
        row.milestone = m  # loaded already: no query per row
    for review in page.reviews:
        review.milestone = m
    latest = page.reviews[0].decision if page.reviews else None
    return {
        **milestone_dict(m, today=today, latest_decision=latest),
        "criteria": list(page.criteria),
        "criteria_version": page.brief.version if page.brief is not None else None,
        "criteria_changed_since_sent": page.brief.changed_since_sent if page.brief is not None else False,
        "submissions": [submission_dict(s) for s in page.submissions],
        "reviews": [review_dict(r) for r in page.reviews],
    }


def matched_dict(match: OriginalityMatch) -> dict[str, Any]:
    other = match.other
    if other.submission is not None:
        submission = other.submission
        return {
            "kind": "submission",
            "id": submission.uuid,
            "ref": submission.milestone.ref,
            "title": submission.milestone.title,
            "submitted_on": submission.submitted_on,
        }
    reference = other.reference_text
    assert reference is not None
    return {"kind": "reference_text", "id": reference.uuid, "ref": None, "title": reference.title, "submitted_on": None}


def originality_dict(page: MilestonePage, *, threshold: float) -> dict[str, Any]:
    """The latest submission's verified near-duplicates: "needs review" from the threshold up, never a verdict."""
    latest = page.latest
    return {
        "submission": latest.uuid if latest is not None else None,
        "submitted_on": latest.submitted_on if latest is not None else None,
        "indexed": page.indexed,
        "too_short": page.too_short,
        "threshold": threshold,
        "matches": [
            {
                "similarity": m.similarity,
                "estimated": m.estimated,
                "needs_review": m.similarity >= threshold,
                "passages": [str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in m.passages or []],
                "matched": matched_dict(m),
            }
            for m in page.matches
        ],
    }


def reference_text_dict(r: ReferenceText) -> dict[str, Any]:
    """A reference text without its text; from `reference_text_list` (annotated `length` and `index_id`)."""
    return {
        "id": r.uuid,
        "title": r.title,
        "source": r.source,
        "characters": getattr(r, "length", None) or 0,
        "indexed": getattr(r, "index_id", None) is not None,
        "created_at": r.created_at,
    }
