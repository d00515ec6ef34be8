"""Writes for the promises the business made to its own customers."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.engagements.models import CustomerCommitment

COMMITMENT_FIELDS = frozenset({"ref", "customer", "title", "promised_on", "buffer_days", "status", "notes"})


def _clean(commitment: CustomerCommitment) -> None:
    commitment.full_clean(exclude=["workspace"], validate_unique=False, validate_constraints=False)
    clash = CustomerCommitment.objects.filter(workspace_id=commitment.workspace_id, ref=commitment.ref)
    if clash.exclude(pk=commitment.pk).exists():
        raise ValidationError({"ref": [f"Another commitment already uses the ref {commitment.ref!r}."]})


def commitment_create(*, actor: Actor, workspace: Workspace, data: dict[str, Any]) -> CustomerCommitment:
    unknown = set(data) - COMMITMENT_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    fields = dict(data)
    if not fields.get("ref"):
        taken = set(CustomerCommitment.objects.filter(workspace=workspace).values_list("ref", flat=True))
        fields["ref"] = f"cc-{secrets.token_hex(4)}"
        while fields["ref"] in taken:
            fields["ref"] = f"cc-{secrets.token_hex(4)}"
    with transaction.atomic():
        commitment = CustomerCommitment(workspace=workspace, **fields)
        _clean(commitment)
        commitment.save()
        audit_record(
            actor=actor, action="commitment.create", obj=commitment, workspace=workspace,
            changes={"customer": commitment.customer, "promised_on": commitment.promised_on},
        )  # fmt: skip
        workspace_data_changed.send(sender=CustomerCommitment, workspace=workspace)
    return commitment


def commitment_update(*, actor: Actor, commitment: CustomerCommitment, data: dict[str, Any]) -> CustomerCommitment:
    unknown = set(data) - COMMITMENT_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    with transaction.atomic():
        changes = apply_changes(commitment, data)
        if changes:
            _clean(commitment)
            commitment.save()
            audit_record(
                actor=actor, action="commitment.update", obj=commitment, workspace=commitment.workspace,
                changes=changes,
            )  # fmt: skip
            workspace_data_changed.send(sender=CustomerCommitment, workspace=commitment.workspace)
    return commitment


def commitment_delete(*, actor: Actor, commitment: CustomerCommitment) -> None:
    """Engagements linked to it keep running, unlinked."""
    workspace = commitment.workspace
    with transaction.atomic():
        audit_record(actor=actor, action="commitment.delete", obj=commitment, workspace=workspace)
        commitment.delete()
        workspace_data_changed.send(sender=CustomerCommitment, workspace=workspace)
