"""Forms of the contractor portal: delivering a milestone, logging hours and sending an invoice. They check
the shape of the input; the rules (what may be submitted when, locked hours, the engagement's dates, an
invoice's amount and file) live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from outsourcer.contractors.services import MAX_DOCUMENT_BYTES
from outsourcer.deliverables.services import EARLIEST_DAY, LATEST_DAY, MAX_FILE_BYTES, MAX_FILES, MAX_LINKS
from outsourcer.engagements.forms import date_field, decimal_field


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if not uploads:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        cleaned = []
        for upload in uploads:
            cleaned.append(super().clean(upload, initial))
        return cleaned


class SubmitWorkForm(forms.Form):
    text = forms.CharField(
        label="Your work, as text",
        required=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Paste the text you deliver, or describe what the files and links hold.",
    )
    links = forms.CharField(
        label="Links",
        required=False,
        max_length=MAX_LINKS * 2100,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "off"}),
        help_text=f"One web address a line (http or https), at most {MAX_LINKS}.",
    )
    uploads = MultipleFileField(
        label="Files",
        required=False,
        help_text=f"Up to {MAX_FILES} files, each at most {MAX_FILE_BYTES // (1024 * 1024)} MiB.",
    )
    note = forms.CharField(
        label="A note for the reviewer",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What changed since the last round, or anything they should know.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = (data.get("text") or "").strip() or (data.get("links") or "").strip() or data.get("uploads")
        if not self.errors and not given:
            raise forms.ValidationError("Submit some text, a link or a file.")
        return data


class TimeEntryForm(forms.Form):
    # Bounded as the API's `Day`: a far date would overflow the week sums downstream.
    worked_on = forms.DateField(
        label="Date worked",
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST_DAY.isoformat(), "max": LATEST_DAY.isoformat()}, format="%Y-%m-%d"
        ),
        validators=[
            MinValueValidator(EARLIEST_DAY, message=f"Give a date from {EARLIEST_DAY.year} on."),
            MaxValueValidator(LATEST_DAY, message=f"Give a date before {LATEST_DAY.year + 1}."),
        ],
    )
    hours = forms.DecimalField(
        label="Hours",
        max_digits=4,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal(24),
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0.25", "max": "24", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label="What you did",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    submit = forms.BooleanField(
        label="Submit for approval now",
        required=False,
        help_text="Leave it unticked to keep the hours as a draft you can still change.",
    )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("worked_on", "hours", "description")}


class TimeEntryEditForm(TimeEntryForm):
    """Correcting an entry that is not approved yet; submitting it is a separate button."""

    submit = None  # type: ignore[assignment]


class PortalInvoiceForm(forms.Form):
    """An invoice the contractor sends: a copy of it (PDF or image) and the figures it states. It is dated
    received today; the checks (an amount above zero, the milestone, the dates) are the service's."""

    file = forms.FileField(
        label="Your invoice",
        help_text=f"A PDF, PNG or JPEG of at most {MAX_DOCUMENT_BYTES // 2**20} MiB.",
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )
    number = forms.CharField(label="Invoice number", max_length=64, required=False, help_text="As on your invoice.")
    issued_on = date_field("Date on the invoice")
    amount = decimal_field("Amount", required=True, help_text="The total you bill, as on the invoice.")
    currency = forms.CharField(
        label="Currency",
        min_length=3,
        max_length=3,
        required=False,
        help_text="Three letters, e.g. EUR; leave empty for the engagement's.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": "4"}),
    )
    milestone = forms.ChoiceField(label="Milestone", required=False, help_text="When it bills one milestone.")
    due_on = date_field("Due date", help_text="Only when your invoice states one.")
    note = forms.CharField(
        label="A note",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Anything the business should know about it.",
    )

    def __init__(self, *args: Any, milestones: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", "None"), *(milestones or [])]  # type: ignore[attr-defined]

    def clean_currency(self) -> str:
        return str(self.cleaned_data.get("currency") or "").strip().upper()

    def service_data(self) -> dict[str, Any]:
        """The fields for invoice_create (the milestone is added by the view, as a row)."""
        data = {name: self.cleaned_data[name] for name in ("number", "issued_on", "amount", "due_on", "note")}
        if self.cleaned_data["currency"]:
            data["currency"] = self.cleaned_data["currency"]
        return data
