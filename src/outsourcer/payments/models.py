"""Money: invoices from contractors, their path to payment, and what was paid how (for the 1099s).

An invoice belongs to an engagement (and may bill one milestone, or approved time entries). Its due
date is its own when it states one, else computed (see `dues.py`). Every status change is kept as
an `InvoiceEvent` with who made it.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from django.core.validators import MinValueValidator
from django.db import models

from outsourcer.accounts.models import WorkspaceOwned, currency_validator
from outsourcer.deliverables.models import Milestone
from outsourcer.engagements.models import Engagement, TimeEntry
from outsourcer.planning.models import ref_validator

money = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Channel(models.TextChoices):
    ACH = "ach", "ACH / bank transfer"
    WIRE = "wire", "Wire"
    CHECK = "check", "Check"
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    PAYPAL = "paypal", "PayPal"
    PAYMENT_APP = "payment_app", "Payment app"
    PLATFORM = "platform", "Freelance platform"
    OTHER = "other", "Other"


# Paid through a processor, which reports them on a 1099-K: never on our 1099-NEC.
PROCESSOR_CHANNELS = frozenset({Channel.CARD, Channel.PAYPAL, Channel.PAYMENT_APP, Channel.PLATFORM})


class Status(models.TextChoices):
    RECEIVED = "received", "Received"
    APPROVED = "approved", "Approved"
    SCHEDULED = "scheduled", "Scheduled"
    PAID = "paid", "Paid"
    DISPUTED = "disputed", "Disputed"
    VOID = "void", "Void"


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.APPROVED, Status.DISPUTED, Status.VOID}),
    Status.APPROVED: frozenset({Status.SCHEDULED, Status.PAID, Status.DISPUTED, Status.VOID}),
    Status.SCHEDULED: frozenset({Status.APPROVED, Status.PAID, Status.DISPUTED}),
    Status.DISPUTED: frozenset({Status.RECEIVED, Status.APPROVED, Status.VOID}),
    Status.PAID: frozenset(),
    Status.VOID: frozenset(),
}
# Money the business has agreed to pay: the committed spend of a budget.
COMMITTED = frozenset({Status.APPROVED, Status.SCHEDULED, Status.PAID})
# Still to pay: what the payables view and the late-payment rule read.
OPEN = frozenset({Status.RECEIVED, Status.APPROVED, Status.SCHEDULED})


def invoice_file_path(invoice: Invoice, filename: str) -> str:
    suffix = Path(filename).suffix.lower()[:10]
    return f"invoices/{invoice.workspace.uuid}/{secrets.token_hex(16)}{suffix}"


class Invoice(WorkspaceOwned):
    ref = models.CharField(max_length=64, validators=[ref_validator])
    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="invoices")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices")
    number = models.CharField(max_length=64, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(null=True, blank=True)
    amount = models.DecimalField(**money)  # type: ignore[arg-type]
    currency = models.CharField(max_length=3, validators=[currency_validator])
    # The due date the invoice itself states; when empty it is computed (dues.py).
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    paid_on = models.DateField(null=True, blank=True)
    channel = models.CharField(max_length=12, choices=Channel.choices, blank=True)
    backup_withholding = models.DecimalField(null=True, blank=True, **money)  # type: ignore[arg-type]
    note = models.TextField(blank=True, max_length=5000)
    # The contractor's own copy (PDF or image), when they submitted it in the portal or it was attached.
    file = models.FileField(upload_to=invoice_file_path, max_length=255, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    from_portal = models.BooleanField(default=False)
    time_entries = models.ManyToManyField(TimeEntry, through="BilledTime", blank=True, related_name="invoices")

    class Meta:
        ordering: ClassVar[list[str]] = ["-received_on", "-issued_on", "ref"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["workspace", "ref"], name="invoice_ref_unique_in_workspace"),
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["workspace", "status"], name="invoice_ws_status"),
            models.Index(fields=["workspace", "paid_on"], name="invoice_ws_paid_on"),
        ]

    def __str__(self) -> str:
        return self.number or self.ref


class BilledTime(models.Model):
    """An approved time entry billed by an invoice: each entry is billed once."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="+")
    time_entry = models.OneToOneField(TimeEntry, on_delete=models.CASCADE, related_name="billed")

    def __str__(self) -> str:
        return f"{self.time_entry_id} on {self.invoice_id}"


class InvoiceEvent(WorkspaceOwned):
    """One step of an invoice's path, with who took it: received, approved, paid, disputed..."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    at = models.DateTimeField()
    by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_label = models.CharField(max_length=254, blank=True)
    note = models.CharField(max_length=2000, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"
