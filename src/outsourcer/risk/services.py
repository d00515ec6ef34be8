"""Writes for the risk register, exit plans, access grants and offboarding. Every face calls these."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.contractors.models import TRUSTED_STAGES, Contractor
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import ENDED, Engagement
from outsourcer.risk.models import FIRST_REVIEW_DAYS, AccessGrant, ExitPlan, OffboardingStep, Risk

RISK_FIELDS = frozenset(
    {"ref", "engagement", "contractor", "category", "title", "likelihood", "impact", "mitigation", "owner",
     "status", "review_on"}
)  # fmt: skip
EXIT_PLAN_FIELDS = frozenset(
    {"steps", "handover_kind", "handover_person", "handover_contractor", "data_return", "reviewed_on"}
)
ACCESS_FIELDS = frozenset({"system", "level", "shared_credential", "granted_on", "expires_on", "revoked_on", "notes"})


def _refuse_unknown(data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})


def _changed(workspace: Workspace) -> None:
    workspace_data_changed.send(sender=Risk, workspace=workspace)


# --- Risks ------------------------------------------------------------------------------------------


def risk_new_ref(*, workspace: Workspace) -> str:
    taken = set(Risk.objects.filter(workspace=workspace).values_list("ref", flat=True))
    while True:
        ref = f"r-{secrets.token_hex(4)}"
        if ref not in taken:
            return ref


def _risk_clean(risk: Risk) -> None:
    for name in ("engagement", "contractor"):
        linked = getattr(risk, name)
        if linked is not None and linked.workspace_id != risk.workspace_id:
            raise ValidationError({name: ["Choose one of this workspace's."]})
    engagement, contractor = risk.engagement, risk.contractor
    if engagement is not None and contractor is not None and engagement.contractor_id != contractor.pk:
        raise ValidationError({"contractor": ["This is not the engagement's contractor."]})
    risk.full_clean(
        exclude=["workspace", "engagement", "contractor"], validate_unique=False, validate_constraints=False
    )
    clash = Risk.objects.filter(workspace_id=risk.workspace_id, ref=risk.ref).exclude(pk=risk.pk)
    if clash.exists():
        raise ValidationError({"ref": [f"Another risk already uses the ref {risk.ref!r}."]})


def risk_create(*, actor: Actor, workspace: Workspace, data: dict[str, Any]) -> Risk:
    _refuse_unknown(data, RISK_FIELDS)
    fields = dict(data)
    if not fields.get("ref"):
        fields["ref"] = risk_new_ref(workspace=workspace)
    with transaction.atomic():
        risk = Risk(workspace=workspace, **fields)
        _risk_clean(risk)
        try:
            with transaction.atomic():
                risk.save()
        except IntegrityError as exc:  # the same ref taken by another request a moment ago
            raise ValidationError({"ref": [f"Another risk already uses the ref {risk.ref!r}."]}) from exc
        audit_record(
            actor=actor, action="risk.create", obj=risk, workspace=workspace,
            changes={"title": risk.title, "category": risk.category, "score": risk.score},
        )  # fmt: skip
        _changed(workspace)
    return risk


def risk_update(*, actor: Actor, risk: Risk, data: dict[str, Any]) -> Risk:
    _refuse_unknown(data, RISK_FIELDS)
    with transaction.atomic():
        changes = apply_changes(risk, data)
        if changes:
            _risk_clean(risk)
            risk.save()
            audit_record(actor=actor, action="risk.update", obj=risk, workspace=risk.workspace, changes=changes)
            _changed(risk.workspace)
    return risk


def risk_delete(*, actor: Actor, risk: Risk) -> None:
    workspace = risk.workspace
    with transaction.atomic():
        audit_record(actor=actor, action="risk.delete", obj=risk, workspace=workspace)
        risk.delete()
        _changed(workspace)


def risk_add_suggested(*, actor: Actor, engagement: Engagement, key: str) -> Risk:
    """Record one of the engagement's suggested risks (`selectors.risk_suggestions`) as it is proposed."""
    from outsourcer.risk.selectors import risk_suggestions

    found = {s.key: s for s in risk_suggestions(engagement=engagement)}
    if key not in found:
        raise ValidationError({"key": ["No such suggestion for this engagement (it may be recorded already)."]})
    suggestion = found[key]
    return risk_create(
        actor=actor,
        workspace=engagement.workspace,
        data={
            "engagement": engagement,
            "category": suggestion.category,
            "title": suggestion.title,
            "likelihood": suggestion.likelihood,
            "impact": suggestion.impact,
            "mitigation": suggestion.mitigation,
            "review_on": today_in(engagement.workspace.time_zone) + dt.timedelta(days=FIRST_REVIEW_DAYS),
        },
    )


# --- Exit plans -------------------------------------------------------------------------------------


def _exit_plan_clean(plan: ExitPlan) -> None:
    if plan.handover_kind == ExitPlan.Handover.CONTRACTOR:
        other: Contractor | None = plan.handover_contractor
        if other is None:
            raise ValidationError({"handover_contractor": ["Choose the contractor who would take over."]})
        if other.workspace_id != plan.workspace_id:
            raise ValidationError({"handover_contractor": ["Choose one of this workspace's contractors."]})
        if other.pk == plan.engagement.contractor_id:
            raise ValidationError({"handover_contractor": ["Choose someone other than the engagement's contractor."]})
        if other.stage not in TRUSTED_STAGES:  # only someone vetted and approved takes over
            raise ValidationError(
                {
                    "handover_contractor": [
                        f"{other.name} is not approved yet; only an approved contractor can take over."
                    ]
                }
            )
    else:
        plan.handover_contractor = None
    if plan.handover_kind == ExitPlan.Handover.PERSON and not plan.handover_person.strip():
        raise ValidationError({"handover_person": ["Name the person who would take over."]})
    if plan.handover_kind != ExitPlan.Handover.PERSON:
        plan.handover_person = ""
    plan.full_clean(exclude=["workspace", "engagement", "handover_contractor"], validate_unique=False)


def exit_plan_save(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> ExitPlan:
    """Create or change the engagement's exit plan."""
    _refuse_unknown(data, EXIT_PLAN_FIELDS)
    with transaction.atomic():
        # get_or_create, so that two first saves at once meet on one row instead of a unique-key error.
        plan, created = ExitPlan.objects.select_for_update().get_or_create(
            engagement=engagement, defaults={"workspace": engagement.workspace}
        )
        changes = apply_changes(plan, data)
        if created or changes:
            _exit_plan_clean(plan)
            plan.save()
            audit_record(
                actor=actor, action="exit_plan.create" if created else "exit_plan.update", obj=plan,
                workspace=engagement.workspace, changes={"engagement": engagement.ref, **changes},
            )  # fmt: skip
            _changed(engagement.workspace)
    return plan


# --- Access grants ----------------------------------------------------------------------------------


def _grant_clean(grant: AccessGrant) -> None:
    grant.full_clean(exclude=["workspace", "engagement"], validate_unique=False)
    if grant.expires_on is not None and grant.expires_on < grant.granted_on:
        raise ValidationError({"expires_on": ["The access cannot expire before it was granted."]})
    if grant.revoked_on is not None and grant.revoked_on < grant.granted_on:
        raise ValidationError({"revoked_on": ["The access cannot be revoked before it was granted."]})


def access_grant_create(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> AccessGrant:
    _refuse_unknown(data, ACCESS_FIELDS)
    with transaction.atomic():
        grant = AccessGrant(workspace=engagement.workspace, engagement=engagement, **data)
        _grant_clean(grant)
        grant.save()
        audit_record(
            actor=actor, action="access.grant", obj=grant, workspace=engagement.workspace,
            changes={"engagement": engagement.ref, "system": grant.system, "level": grant.level},
        )  # fmt: skip
        _changed(engagement.workspace)
    return grant


def access_grant_update(*, actor: Actor, grant: AccessGrant, data: dict[str, Any]) -> AccessGrant:
    _refuse_unknown(data, ACCESS_FIELDS)
    with transaction.atomic():
        changes = apply_changes(grant, data)
        if changes:
            _grant_clean(grant)
            grant.save()
            audit_record(actor=actor, action="access.update", obj=grant, workspace=grant.workspace, changes=changes)
            _changed(grant.workspace)
    return grant


def access_grant_revoke(*, actor: Actor, grant: AccessGrant, on: dt.date | None = None) -> AccessGrant:
    """Record that the access was taken away (today unless told); revoking twice keeps the first date."""
    if grant.revoked_on is not None:
        return grant
    return access_grant_update(actor=actor, grant=grant, data={"revoked_on": on or timezone.localdate()})


def access_revoke_all(*, actor: Actor, engagement: Engagement, on: dt.date | None = None) -> int:
    """Revoke every open grant of the engagement (the first offboarding step); how many were open."""
    day = on or timezone.localdate()
    with transaction.atomic():
        grants = list(AccessGrant.objects.select_for_update().filter(engagement=engagement, revoked_on__isnull=True))
        for grant in grants:
            access_grant_update(actor=actor, grant=grant, data={"revoked_on": max(day, grant.granted_on)})
    return len(grants)


def access_grant_delete(*, actor: Actor, grant: AccessGrant) -> None:
    """For a grant entered by mistake; access that existed is revoked, not deleted, so the register keeps it."""
    workspace = grant.workspace
    with transaction.atomic():
        audit_record(actor=actor, action="access.delete", obj=grant, workspace=workspace)
        grant.delete()
        _changed(workspace)


# --- Offboarding ------------------------------------------------------------------------------------


def offboarding_tick(
    *, actor: Actor, engagement: Engagement, step: str, done_on: dt.date | None = None, note: str = ""
) -> OffboardingStep:
    """Mark a manual offboarding step done; the engagement must have ended."""
    if engagement.status not in ENDED:
        raise ValidationError({"step": ["Offboarding starts when the engagement is completed or terminated."]})
    if step not in OffboardingStep.Step.values:
        raise ValidationError({"step": [f"Choose one of: {', '.join(OffboardingStep.Step.values)}."]})
    with transaction.atomic():
        row, created = OffboardingStep.objects.get_or_create(
            engagement=engagement,
            step=step,
            defaults={
                "workspace": engagement.workspace,
                "done_on": done_on or timezone.localdate(),
                "done_by": actor.user,
                "note": note[:500],
            },
        )
        if created:
            audit_record(
                actor=actor, action="offboarding.done", obj=row, workspace=engagement.workspace,
                changes={"engagement": engagement.ref, "step": step},
            )  # fmt: skip
    return row


def offboarding_untick(*, actor: Actor, engagement: Engagement, step: str) -> bool:
    with transaction.atomic():
        row = OffboardingStep.objects.filter(engagement=engagement, step=step).first()
        if row is None:
            return False
        audit_record(
            actor=actor, action="offboarding.undone", obj=row, workspace=engagement.workspace,
            changes={"engagement": engagement.ref, "step": step},
        )  # fmt: skip
        row.delete()
    return True
