"""Writes for money: enter or submit an invoice, move it along its path (who did each step), pay it."""

from __future__ import annotations

import datetime as dt
import secrets
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.contractors.services import read_paper_upload
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.deliverables.models import Milestone
from outsourcer.engagements.models import Engagement, TimeEntry
from outsourcer.payments.models import (
    OPEN,
    TRANSITIONS,
    BilledTime,
    Channel,
    Invoice,
    InvoiceEvent,
    Status,
)

INVOICE_FIELDS = frozenset(
    {"ref", "number", "issued_on", "received_on", "amount", "currency", "due_on", "note", "milestone"}
)
# What may still change once an invoice is approved: nothing about the money.
EDITABLE_STATUSES = frozenset({Status.RECEIVED, Status.DISPUTED})


def _user(actor: Actor) -> Any:
    return actor.user if actor.user is not None and actor.user.pk else None


def invoice_new_ref(*, workspace: Workspace) -> str:
    taken = set(Invoice.objects.filter(workspace=workspace).values_list("ref", flat=True))
    ref = f"inv-{secrets.token_hex(4)}"
    while ref in taken:
        ref = f"inv-{secrets.token_hex(4)}"
    return ref


def _clean(invoice: Invoice) -> None:
    invoice.full_clean(
        exclude=["workspace", "engagement", "milestone", "file"], validate_unique=False, validate_constraints=False
    )
    errors: dict[str, list[str]] = {}
    if invoice.amount is not None and invoice.amount <= 0:
        errors["amount"] = ["An invoice is for an amount above zero."]
    if invoice.issued_on and invoice.received_on and invoice.received_on < invoice.issued_on:
        errors["received_on"] = ["An invoice cannot arrive before it was issued."]
    dated = invoice.issued_on or invoice.received_on
    if invoice.due_on and dated and invoice.due_on < dated:
        errors["due_on"] = ["The due date comes before the invoice's date."]
    if invoice.milestone_id and invoice.milestone and invoice.milestone.engagement_id != invoice.engagement_id:
        errors["milestone"] = ["The milestone belongs to another engagement."]
    if (
        invoice.backup_withholding is not None
        and invoice.amount is not None
        and invoice.backup_withholding > invoice.amount
    ):
        errors["backup_withholding"] = ["Backup withholding cannot exceed the invoice."]
    clash = Invoice.objects.filter(workspace_id=invoice.workspace_id, ref=invoice.ref)
    if clash.exclude(pk=invoice.pk).exists():
        errors["ref"] = [f"Another invoice already uses the ref {invoice.ref!r}."]
    if errors:
        raise ValidationError(errors)


def _event(actor: Actor, invoice: Invoice, before: str, after: str, note: str = "") -> None:
    InvoiceEvent.objects.create(
        workspace=invoice.workspace, invoice=invoice, from_status=before, to_status=after, at=timezone.now(),
        by=_user(actor), by_label=actor.label[:254], note=note[:2000],
    )  # fmt: skip


def _attach(invoice: Invoice, upload: Any) -> None:
    data, _content_type, suffix, shown = read_paper_upload(upload, default_name="invoice")
    invoice.file.save(f"upload{suffix}", ContentFile(data), save=False)
    invoice.file_name = shown


def invoice_create(
    *,
    actor: Actor,
    engagement: Engagement,
    data: dict[str, Any],
    upload: Any = None,
    from_portal: bool = False,
    time_entries: list[TimeEntry] | None = None,
) -> Invoice:
    """Record an invoice (entered by the business, or submitted by the contractor in the portal)."""
    unknown = set(data) - INVOICE_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    if engagement.status == "draft":
        raise ValidationError({"engagement": ["A draft engagement has nothing to invoice yet."]})
    fields = {"currency": engagement.rate_currency, **data}
    milestone = fields.pop("milestone", None)
    if milestone is not None and (not isinstance(milestone, Milestone) or milestone.engagement_id != engagement.pk):
        raise ValidationError({"milestone": ["The milestone belongs to another engagement."]})
    if not fields.get("ref"):
        fields["ref"] = invoice_new_ref(workspace=engagement.workspace)
    if from_portal:
        fields.setdefault("received_on", timezone.localdate())
    entries = list(time_entries or [])
    for entry in entries:
        if entry.engagement_id != engagement.pk or entry.status != TimeEntry.Status.APPROVED:
            raise ValidationError({"time_entries": ["Only approved hours of this engagement can be billed."]})
    stored = ""
    try:
        with transaction.atomic():
            invoice = Invoice(
                workspace=engagement.workspace, engagement=engagement, milestone=milestone, from_portal=from_portal,
                **fields,
            )  # fmt: skip
            _clean(invoice)
            if upload is not None:
                _attach(invoice, upload)
                stored = invoice.file.name or ""
            invoice.save()
            billed = BilledTime.objects.filter(time_entry__in=entries).values_list("time_entry_id", flat=True)
            if billed:
                raise ValidationError({"time_entries": ["Some of these hours are billed on another invoice already."]})
            BilledTime.objects.bulk_create([BilledTime(invoice=invoice, time_entry=e) for e in entries])
            _event(actor, invoice, "", invoice.status, "submitted in the portal" if from_portal else "")
            audit_record(
                actor=actor, action="invoice.create", obj=invoice, workspace=engagement.workspace,
                changes={"engagement": engagement.ref, "amount": invoice.amount, "currency": invoice.currency},
            )  # fmt: skip
            workspace_data_changed.send(sender=Invoice, workspace=engagement.workspace)
    except Exception:
        if stored:
            Invoice.file.field.storage.delete(stored)
        raise
    return invoice


def invoice_update(*, actor: Actor, invoice: Invoice, data: dict[str, Any], upload: Any = None) -> Invoice:
    """Correct an invoice not yet approved (received or disputed); an approved one is settled by status only."""
    unknown = set(data) - INVOICE_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().select_related("engagement").get(pk=invoice.pk)
        if locked.status not in EDITABLE_STATUSES:
            raise ValidationError(
                {"status": [f"A {locked.get_status_display().lower()} invoice can no longer change."]}
            )
        changes = apply_changes(locked, data)
        if upload is not None:
            _attach(locked, upload)
            changes["file_name"] = [None, locked.file_name]
        if changes:
            _clean(locked)
            locked.save()
            audit_record(actor=actor, action="invoice.update", obj=locked, workspace=locked.workspace, changes=changes)
            workspace_data_changed.send(sender=Invoice, workspace=locked.workspace)
    return locked


def invoice_set_status(
    *,
    actor: Actor,
    invoice: Invoice,
    status: str,
    note: str = "",
    paid_on: dt.date | None = None,
    channel: str = "",
    backup_withholding: Decimal | None = None,
) -> Invoice:
    """Move an invoice along its path; paying records the day, the channel and any backup withholding."""
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        allowed = TRANSITIONS.get(locked.status, frozenset())
        if status not in allowed:
            names = ", ".join(sorted(allowed)) or "none: it is settled"
            raise ValidationError({"status": [f"A {locked.status} invoice cannot become {status}; next: {names}."]})
        data: dict[str, Any] = {"status": status}
        if status == Status.PAID:
            if paid_on is None:
                raise ValidationError({"paid_on": ["Say on which day it was paid."]})
            if channel not in Channel.values:
                raise ValidationError({"channel": ["Say how it was paid (it decides what goes on a 1099-NEC)."]})
            data.update(paid_on=paid_on, channel=channel, backup_withholding=backup_withholding)
        if status == Status.DISPUTED and not note.strip():
            raise ValidationError({"note": ["Say what is disputed; the contractor sees it."]})
        before = locked.status
        changes = apply_changes(locked, data)
        _clean(locked)
        if locked.paid_on and locked.issued_on and locked.paid_on < locked.issued_on:
            raise ValidationError({"paid_on": ["An invoice cannot be paid before it was issued."]})
        locked.save()
        if status == Status.VOID:
            BilledTime.objects.filter(invoice=locked).delete()  # a void invoice bills nothing
        _event(actor, locked, before, status, note)
        audit_record(
            actor=actor, action=f"invoice.{status}", obj=locked, workspace=locked.workspace,
            changes={**changes, **({"note": note} if note else {})},
        )  # fmt: skip
        workspace_data_changed.send(sender=Invoice, workspace=locked.workspace)
    return locked


def invoice_delete(*, actor: Actor, invoice: Invoice) -> None:
    """Only an invoice still open and never approved goes away; otherwise void it, for the record."""
    if invoice.status != Status.RECEIVED or invoice.events.exclude(to_status=Status.RECEIVED).exists():
        raise ValidationError({"status": ["Void this invoice instead: it has been acted on."]})
    workspace = invoice.workspace
    name = invoice.file.name if invoice.file else ""
    with transaction.atomic():
        audit_record(actor=actor, action="invoice.delete", obj=invoice, workspace=workspace)
        invoice.delete()
        workspace_data_changed.send(sender=Invoice, workspace=workspace)
        if name:
            storage = Invoice.file.field.storage
            transaction.on_commit(lambda: storage.delete(name))


def is_open(invoice: Invoice) -> bool:
    return invoice.status in OPEN
