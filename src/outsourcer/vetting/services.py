"""The approval gate and the scorecard weights: vetting rules that need both directory and engagements."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.contractors.models import TRUSTED_STAGES, Contractor, Stage
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.vetting.models import ScorecardWeights
from outsourcer.vetting.selectors import GAP_TEXT, open_red_flags, vetting_gaps


class VettingIncomplete(Exception):
    """Approving now would skip vetting steps; the caller may go ahead with a reason."""

    def __init__(self, gaps: list[str]) -> None:
        self.gaps = gaps
        missing = "; ".join(GAP_TEXT[g] for g in gaps)
        super().__init__(f"Still missing: {missing}. Give a reason to approve anyway.")


def contractor_set_stage(*, actor: Actor, contractor: Contractor, stage: str, override_reason: str = "") -> Contractor:
    """Move a contractor along the pipeline.

    To approved or preferred: never with an unresolved red flag; and with vetting steps missing only
    when a reason is given, which is kept on the contractor and in the activity log.
    """
    if stage not in Stage.values:
        raise ValidationError({"stage": [f"{stage!r} is not one of {', '.join(Stage.values)}."]})
    reason = override_reason.strip()
    if len(reason) > 2000:
        raise ValidationError({"override_reason": ["At most 2,000 characters."]})
    with transaction.atomic():
        locked = Contractor.objects.select_for_update().get(pk=contractor.pk)
        changes: dict[str, Any] = {}
        if stage in TRUSTED_STAGES and stage != locked.stage:
            # Approved to preferred too: trust is never raised past an open red flag.
            flags = open_red_flags(contractor=locked)
            if flags:
                kinds = ", ".join(f.get_kind_display().lower() for f in flags)
                raise ValidationError(
                    {"stage": [f"Resolve the red flag(s) first ({kinds}): a flagged contractor cannot be approved."]}
                )
        if stage in TRUSTED_STAGES and locked.stage not in TRUSTED_STAGES:
            gaps = vetting_gaps(contractor=locked)
            if gaps and not reason:
                raise VettingIncomplete(gaps)
            if gaps:
                changes["approval_override"] = [locked.approval_override, reason]
                locked.approval_override = reason
                changes["skipped"] = gaps
        moved = apply_changes(locked, {"stage": stage})
        if not moved and not changes:
            return locked
        locked.save()
        audit_record(
            actor=actor, action="contractor.stage", obj=locked, workspace=locked.workspace, changes=moved | changes
        )
        workspace_data_changed.send(sender=Contractor, workspace=locked.workspace)
    contractor.refresh_from_db()
    return contractor


def scorecard_weights_set(*, actor: Actor, workspace: Workspace, data: dict[str, int]) -> ScorecardWeights:
    unknown = set(data) - set(ScorecardWeights.PARTS)
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    with transaction.atomic():
        weights, _ = ScorecardWeights.objects.select_for_update().get_or_create(workspace=workspace)
        changes = apply_changes(weights, data)
        weights.full_clean(exclude=["workspace"])
        if sum(weights.as_dict().values()) == 0:
            raise ValidationError({"references": ["At least one part must weigh more than zero."]})
        weights.save()
        if changes:
            audit_record(actor=actor, action="scorecard.weights", obj=weights, workspace=workspace, changes=changes)
    return weights
