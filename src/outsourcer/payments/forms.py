"""Forms of the money pages. They check the shape of the input; the rules (an amount above zero, a
milestone of the same engagement, paying needs its day and channel, ...) live in payments/services.py."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from outsourcer.contractors.services import MAX_DOCUMENT_BYTES
from outsourcer.engagements.forms import date_field, decimal_field
from outsourcer.payments.models import Channel, Invoice, Status

Choices = list[Any]

STATUS_FILTERS = [("", "Any status"), ("open", "Open (still to pay)"), *Status.choices]


class InvoiceFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_FILTERS, required=False)
    engagement = forms.ChoiceField(required=False)
    contractor = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, engagements: Choices, contractors: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engagement"].choices = [("", "Any engagement"), *engagements]  # type: ignore[attr-defined]
        self.fields["contractor"].choices = [("", "Any contractor"), *contractors]  # type: ignore[attr-defined]


class InvoiceForm(forms.Form):
    """An invoice entered by the business: new (with its engagement and any hours it bills) or corrected."""

    engagement = forms.ChoiceField(
        label="Engagement", help_text="A running or completed engagement; its contractor sent the invoice."
    )
    milestone = forms.ChoiceField(
        label="Milestone", required=False, help_text="When the invoice bills one milestone of that engagement."
    )
    number = forms.CharField(
        label="Invoice number", max_length=64, required=False, help_text="As the contractor wrote it."
    )
    issued_on = date_field("Issued on", help_text="The date on the invoice.")
    received_on = date_field("Received on", help_text="When it reached you; payment terms count from here.")
    amount = decimal_field("Amount", required=True, help_text="The total to pay, before any backup withholding.")
    currency = forms.CharField(
        label="Currency",
        min_length=3,
        max_length=3,
        required=False,
        help_text="Three letters; leave empty for the engagement's currency.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": "4"}),
    )
    due_on = date_field(
        "Due date",
        help_text="Only when the invoice states one; leave empty to compute it from the terms "
        "(and any freelancer-protection law).",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything to remember about it; kept with the invoice.",
    )
    file = forms.FileField(
        label="The invoice itself",
        required=False,
        help_text=f"A PDF, PNG or JPEG of at most {MAX_DOCUMENT_BYTES // 2**20} MiB. "
        "Only members of this workspace can download it.",
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )
    time_entries = forms.MultipleChoiceField(
        label="Approved hours it bills",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Hours billed here no longer count as unbilled time in the budget.",
    )
    ref = forms.SlugField(
        label="Reference",
        max_length=64,
        required=False,
        help_text="A short id for imports and the API; made up if empty.",
    )

    FIELDS: ClassVar[tuple[str, ...]] = (
        "number",
        "issued_on",
        "received_on",
        "amount",
        "currency",
        "due_on",
        "note",
    )

    def __init__(
        self,
        *args: Any,
        engagements: Choices | None = None,
        milestones: Choices | None = None,
        time_entries: Choices | None = None,
        editing: bool = False,
        refresh_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if refresh_url:  # choosing the engagement narrows the milestones and hours to it (HTMX)
            self.fields["engagement"].widget.attrs.update(
                {
                    "hx-get": refresh_url,
                    "hx-trigger": "change",
                    "hx-include": "this",
                    "hx-target": "#invoice-billing",
                    "hx-select": "#invoice-billing",
                    "hx-swap": "outerHTML",
                }
            )
        if editing:
            del self.fields["engagement"]
            del self.fields["time_entries"]
        else:
            self.fields["engagement"].choices = [("", "Choose an engagement"), *(engagements or [])]  # type: ignore[attr-defined]
            if time_entries:
                self.fields["time_entries"].choices = time_entries  # type: ignore[attr-defined]
            else:
                del self.fields["time_entries"]
        self.fields["milestone"].choices = [("", "None"), *(milestones or [])]  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, invoice: Invoice) -> dict[str, Any]:
        initial = {name: getattr(invoice, name) for name in cls.FIELDS}
        initial["ref"] = invoice.ref
        initial["milestone"] = str(invoice.milestone.uuid) if invoice.milestone else ""
        return initial

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def clean_file(self) -> Any:
        return self.cleaned_data.get("file") or None

    def service_data(self) -> dict[str, Any]:
        """The fields for invoice_create/update (the milestone is added by the view, as a row)."""
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        if not data["currency"]:
            del data["currency"]  # the engagement's
        if self.cleaned_data.get("ref"):
            data["ref"] = self.cleaned_data["ref"]
        return data


PROCESSOR_HINT = (
    "Card, PayPal, payment-app and freelance-platform payments are reported by the processor on a 1099-K, "
    "never on your 1099-NEC."
)


class InvoiceStatusForm(forms.Form):
    """One step of an invoice's path; paying adds its day, channel and any backup withholding."""

    status = forms.ChoiceField(choices=Status.choices)
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    paid_on = date_field("Paid on")
    channel = forms.ChoiceField(label="How it was paid", required=False, choices=[("", "Choose"), *Channel.choices])
    backup_withholding = decimal_field(
        "Backup withholding", help_text="Only when you withheld tax (24%) because the payee's TIN was missing or wrong."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        paying = (self.data.get("status") if self.is_bound else self.initial.get("status")) == Status.PAID
        if paying:  # the day and the channel are then asked for (the service says the same)
            self.fields["paid_on"].required = True
            self.fields["paid_on"].error_messages["required"] = "Say on which day it was paid."
            self.fields["channel"].required = True
            self.fields["channel"].error_messages["required"] = (
                "Say how it was paid (it decides what goes on a 1099-NEC)."
            )

    def clean_channel(self) -> str:
        return str(self.cleaned_data.get("channel") or "")
