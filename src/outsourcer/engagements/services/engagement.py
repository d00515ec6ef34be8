"""Writes for engagements: open one, move it through its statuses, rate it. Trials are engagements too."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.contractors.models import Contractor, Stage
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.core.text import has_control_characters, one_line
from outsourcer.engagements.models import TRANSITIONS, Engagement, Kind, RateModel, Rating, Status
from outsourcer.planning.models import Task

ENGAGEMENT_FIELDS = frozenset(
    {
        "ref", "title", "kind", "start_on", "end_on", "work_location", "rate_model", "rate_currency", "rate_amount",
        "weekly_hour_cap", "retainer_included_hours", "commission_percent", "commission_base", "budget_cap",
        "payment_terms_days", "ended_reason",
    }
)  # fmt: skip
RATING_FIELDS = frozenset(
    {
        "on", "overall", "quality", "timeliness", "communication", "value_for_money", "would_rehire", "text",
        "shared_with_contractor",
    }
)  # fmt: skip


def engagement_new_ref(*, workspace: Workspace) -> str:
    taken = set(Engagement.objects.filter(workspace=workspace).values_list("ref", flat=True))
    while True:
        ref = f"e-{secrets.token_hex(4)}"
        if ref not in taken:
            return ref


def _tidy(data: dict[str, Any]) -> dict[str, Any]:
    """A title is one line: newlines and tabs become spaces; other control characters are refused."""
    title = data.get("title")
    if isinstance(title, str):
        if has_control_characters(title):
            raise ValidationError({"title": ["A title cannot hold control characters; use plain text on one line."]})
        data["title"] = one_line(title)
    return data


def _clean(engagement: Engagement) -> None:
    engagement.full_clean(exclude=["workspace", "contractor"], validate_unique=False, validate_constraints=False)
    errors: dict[str, list[str]] = {}
    if engagement.start_on and engagement.end_on and engagement.end_on < engagement.start_on:
        errors["end_on"] = ["An engagement cannot end before it starts."]
    if engagement.rate_model == RateModel.COMMISSION and engagement.commission_percent is None:
        errors["commission_percent"] = ["A commission needs its percentage."]
    clash = Engagement.objects.filter(workspace_id=engagement.workspace_id, ref=engagement.ref)
    if clash.exclude(pk=engagement.pk).exists():
        errors["ref"] = [f"Another engagement already uses the ref {engagement.ref!r}."]
    if errors:
        raise ValidationError(errors)


def engagement_create(
    *, actor: Actor, contractor: Contractor, data: dict[str, Any], tasks: list[Task] | None = None
) -> Engagement:
    data = _tidy(dict(data))
    commitment = data.pop("customer_commitment", None)
    if commitment is not None and commitment.workspace_id != contractor.workspace_id:
        raise ValidationError({"customer_commitment": ["The commitment must belong to the same workspace."]})
    unknown = set(data) - ENGAGEMENT_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    if contractor.stage == Stage.BLOCKED:
        raise ValidationError({"contractor": ["This contractor is blocked; unblock them before giving them work."]})
    workspace = contractor.workspace
    fields = {"rate_currency": contractor.currency or workspace.base_currency, **data}
    if not fields.get("ref"):
        fields["ref"] = engagement_new_ref(workspace=workspace)
    if any(t.workspace_id != workspace.pk for t in tasks or []):
        raise ValidationError({"tasks": ["A linked task must belong to the same workspace."]})
    with transaction.atomic():
        engagement = Engagement(workspace=workspace, contractor=contractor, customer_commitment=commitment, **fields)
        _clean(engagement)
        engagement.save()
        if tasks:
            engagement.tasks.set(tasks)
        audit_record(
            actor=actor, action="engagement.create", obj=engagement, workspace=workspace,
            changes={"contractor": contractor.ref, "kind": engagement.kind},
        )  # fmt: skip
        workspace_data_changed.send(sender=Engagement, workspace=workspace)
    return engagement


def engagement_update(
    *, actor: Actor, engagement: Engagement, data: dict[str, Any], tasks: list[Task] | None = None
) -> Engagement:
    """Edit an engagement's terms (not its status: that has its own path). `tasks=None` leaves links alone."""
    data = _tidy(dict(data))
    commitment = data.pop("customer_commitment", engagement.customer_commitment)
    unknown = set(data) - ENGAGEMENT_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    workspace = engagement.workspace
    if commitment is not None and commitment.workspace_id != workspace.pk:
        raise ValidationError({"customer_commitment": ["The commitment must belong to the same workspace."]})
    if any(t.workspace_id != workspace.pk for t in tasks or []):
        raise ValidationError({"tasks": ["A linked task must belong to the same workspace."]})
    with transaction.atomic():
        changes = apply_changes(engagement, {**data, "customer_commitment": commitment})
        if tasks is not None:
            before = sorted(t.ref for t in engagement.tasks.all())
            after = sorted(t.ref for t in tasks)
            if before != after:
                changes["tasks"] = [before, after]
        if not changes:
            return engagement
        _clean(engagement)
        engagement.save()
        if tasks is not None:
            engagement.tasks.set(tasks)
        audit_record(actor=actor, action="engagement.update", obj=engagement, workspace=workspace, changes=changes)
        workspace_data_changed.send(sender=Engagement, workspace=workspace)
    return engagement


def engagement_delete(*, actor: Actor, engagement: Engagement) -> None:
    """Only a draft goes away; work that started is kept for the record (complete or terminate it)."""
    if engagement.status != Status.DRAFT:
        raise ValidationError(
            {"status": ["Only a draft engagement can be deleted; complete or terminate this one instead."]}
        )
    workspace = engagement.workspace
    with transaction.atomic():
        audit_record(actor=actor, action="engagement.delete", obj=engagement, workspace=workspace)
        engagement.delete()
        workspace_data_changed.send(sender=Engagement, workspace=workspace)


def engagement_set_status(*, actor: Actor, engagement: Engagement, status: str, reason: str = "") -> Engagement:
    """Move along the allowed path (draft -> active -> paused / completed / terminated)."""
    allowed = TRANSITIONS.get(engagement.status, frozenset())
    if status not in allowed:
        names = ", ".join(sorted(allowed)) or "none: it has ended"
        raise ValidationError({"status": [f"A {engagement.status} engagement cannot become {status}; next: {names}."]})
    with transaction.atomic():
        data: dict[str, Any] = {"status": status}
        if reason:
            data["ended_reason"] = reason.strip()
        changes = apply_changes(engagement, data)
        _clean(engagement)
        engagement.save()
        audit_record(
            actor=actor, action="engagement.status", obj=engagement, workspace=engagement.workspace, changes=changes
        )
        workspace_data_changed.send(sender=Engagement, workspace=engagement.workspace)
    return engagement


def rating_add(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> Rating:
    unknown = set(data) - RATING_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    with transaction.atomic():
        rating = Rating(workspace=engagement.workspace, engagement=engagement, **data)
        rating.full_clean(exclude=["workspace", "engagement"], validate_unique=False, validate_constraints=False)
        rating.save()
        audit_record(
            actor=actor, action="rating.create", obj=rating, workspace=engagement.workspace,
            changes={"engagement": engagement.ref, "overall": rating.overall},
        )  # fmt: skip
        workspace_data_changed.send(sender=Rating, workspace=engagement.workspace)
    return rating


# --- The paid trial ------------------------------------------------------------------------------

# A trial runs a week unless told otherwise, its first and last day included: every face proposes this.
TRIAL_DAYS = 7


def trial_default_end(start_on: dt.date) -> dt.date:
    return start_on + dt.timedelta(days=TRIAL_DAYS - 1)


def trial_start(
    *,
    actor: Actor,
    contractor: Contractor,
    title: str,
    start_on: dt.date,
    end_on: dt.date,
    budget: Decimal,
    currency: str = "",
    task: Task | None = None,
) -> Engagement:
    """A small paid trial in one step: a fixed-price trial engagement, active, for the given dates and budget.

    A contractor still being found or vetted moves to the trial stage; a blocked one is refused.
    """
    if contractor.stage == Stage.BLOCKED:
        raise ValidationError({"contractor": ["This contractor is blocked; unblock them before a trial."]})
    if budget <= 0:
        raise ValidationError({"budget": ["A paid trial has a budget above zero."]})
    with transaction.atomic():
        data = {
            "title": title,
            "kind": Kind.TRIAL,
            "start_on": start_on,
            "end_on": end_on,
            "rate_model": RateModel.FIXED,
            "rate_amount": budget,
            "budget_cap": budget,
        }
        if currency:
            data["rate_currency"] = currency
        trial = engagement_create(actor=actor, contractor=contractor, data=data, tasks=[task] if task else None)
        engagement_set_status(actor=actor, engagement=trial, status=Status.ACTIVE)
        if contractor.stage in (Stage.PROSPECT, Stage.VETTING):
            changes = apply_changes(contractor, {"stage": Stage.TRIAL})
            contractor.save(update_fields=["stage", "updated_at"])
            audit_record(
                actor=actor, action="contractor.stage", obj=contractor, workspace=contractor.workspace, changes=changes
            )
    return trial


def trial_finish(
    *, actor: Actor, trial: Engagement, passed: bool, overall: int, on: dt.date, notes: str = ""
) -> Rating:
    """Record what the trial showed: it completes, with a rating whose `would_rehire` is the outcome."""
    if trial.kind != Kind.TRIAL:
        raise ValidationError({"engagement": ["Only a trial has an outcome to record; rate other work instead."]})
    with transaction.atomic():
        if trial.status != Status.COMPLETED:
            engagement_set_status(
                actor=actor, engagement=trial, status=Status.COMPLETED, reason="Passed" if passed else "Not passed"
            )
        return rating_add(
            actor=actor, engagement=trial, data={"on": on, "overall": overall, "would_rehire": passed, "text": notes}
        )
