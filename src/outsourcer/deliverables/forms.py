"""Forms of the deliverables pages. They check the shape of the input; the rules (no acceptance with an
unmet criterion, no delivery to the customer without our review unless confirmed) live in the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from outsourcer.deliverables.models import Milestone, Review
from outsourcer.deliverables.selectors import DUE_FILTERS
from outsourcer.deliverables.services import EARLIEST_DAY, LATEST_DAY, MAX_FILE_BYTES, MAX_FILES

MAX_REFERENCE_UPLOAD = 2 * 1024 * 1024
DUE_LABELS = {"all": "Any date", "overdue": "Overdue", "soon": "Due in the next 14 days"}
MET_CHOICES = [("met", "Met"), ("not_met", "Not met")]


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    """A date between 1900 and 2999, as the API's `Day`: far dates would overflow date sums downstream."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(
            attrs={"type": "date", "min": EARLIEST_DAY.isoformat(), "max": LATEST_DAY.isoformat()}, format="%Y-%m-%d"
        ),
        validators=[
            MinValueValidator(EARLIEST_DAY, message=f"Give a date from {EARLIEST_DAY.year} on."),
            MaxValueValidator(LATEST_DAY, message=f"Give a date before {LATEST_DAY.year + 1}."),
        ],
    )


def limit_dates(field: forms.Field, *, earliest: dt.date | None = None, latest: dt.date | None = None) -> None:
    """Narrow what the browser's date picker offers; the service still says why a date is refused."""
    if earliest is not None:
        field.widget.attrs["min"] = earliest.isoformat()
    if latest is not None:
        field.widget.attrs["max"] = latest.isoformat()


# --- The list's filters ------------------------------------------------------------------------------


class MilestoneFilterForm(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), ("open", "Still to deliver"), *Milestone.Status.choices]
    )
    engagement = forms.ChoiceField(required=False, choices=[("", "Every engagement")])
    due = forms.ChoiceField(label="Due", required=False, choices=[(key, DUE_LABELS[key]) for key in DUE_FILTERS])

    def __init__(self, *args: Any, engagements: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["engagement"].choices = [("", "Every engagement"), *(engagements or [])]  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.widget.attrs["class"] = "select--sm"


# --- Milestones ------------------------------------------------------------------------------------------


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="What will be delivered, as the contractor will read it.")
    description = forms.CharField(
        required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 3}), help_text="What done looks like."
    )
    due_on = date_field("Due on", help_text="When the contractor should submit it.")
    amount = forms.DecimalField(
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        help_text="What it pays, in the engagement's currency.",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("title", "description", "due_on", "amount")}


class MilestoneEditForm(MilestoneForm):
    """Editing also moves a milestone between planned and in progress while nothing was submitted."""

    status = forms.ChoiceField(
        required=False,
        choices=[(Milestone.Status.PLANNED, "Planned"), (Milestone.Status.IN_PROGRESS, "In progress")],
        help_text="Submissions and reviews move the status on from here.",
    )

    def __init__(self, *args: Any, milestone: Milestone, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": milestone.title,
                "description": milestone.description,
                "due_on": milestone.due_on,
                "amount": milestone.amount,
                "status": milestone.status,
            },
        )
        super().__init__(*args, **kwargs)
        if milestone.status not in (Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS):
            del self.fields["status"]

    def service_data(self) -> dict[str, Any]:
        data = super().service_data()
        if "status" in self.fields and self.cleaned_data.get("status"):
            data["status"] = self.cleaned_data["status"]
        return data


# --- Submissions -----------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SubmissionForm(forms.Form):
    submitted_on = date_field(
        "Submitted on", help_text="When the work reached you: today or earlier, not before the engagement began."
    )
    text = forms.CharField(
        label="Text",
        required=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Text is checked for near-duplicates of earlier work and of your reference texts.",
    )
    links = forms.CharField(
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "https://…"}),
        help_text="One web address a line.",
    )
    attachments = MultipleFileField(
        label="Files",
        required=False,
        help_text=f"Up to {MAX_FILES} files of at most {MAX_FILE_BYTES // 2**20} MiB each. "
        "Only members of this workspace (and the contractor) can download them.",
    )
    note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="E.g. sent by email on their behalf.",
    )

    def __init__(self, *args: Any, earliest: dt.date | None = None, latest: dt.date | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        limit_dates(self.fields["submitted_on"], earliest=earliest, latest=latest)

    def clean_links(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            not self.errors
            and not (data.get("text") or "").strip()
            and not data.get("links")
            and not data.get("attachments")
        ):
            raise forms.ValidationError("Add some text, a link or a file.")
        return data


# --- Reviews ---------------------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    """One met / not met answer per acceptance criterion of the brief, then the decision."""

    reviewed_on = date_field("Reviewed on")
    decision = forms.ChoiceField(
        choices=Review.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a decision."},
    )
    feedback = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What to change and why. Needed when you do not accept.",
    )
    shared_with_contractor = forms.BooleanField(
        label="Share this feedback with the contractor",
        required=False,
        help_text="They see the decision, the criteria and this feedback in their portal.",
    )

    def __init__(self, *args: Any, criteria: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for i, criterion in enumerate(self.criteria):
            self.fields[self.criterion_name(i)] = forms.ChoiceField(
                label=criterion,
                choices=MET_CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": "Say whether this criterion is met."},
            )
        # The criteria first, in the brief's order.
        order = [self.criterion_name(i) for i in range(len(self.criteria))]
        self.order_fields([*order, "decision", "feedback", "shared_with_contractor", "reviewed_on"])

    @staticmethod
    def criterion_name(index: int) -> str:
        return f"criterion_{index}"

    def criterion_fields(self) -> list[forms.BoundField]:
        return [self[self.criterion_name(i)] for i in range(len(self.criteria))]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if decision and decision != Review.Decision.ACCEPTED and not (data.get("feedback") or "").strip():
            self.add_error("feedback", "Say what should change: feedback is needed when you do not accept.")
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "reviewed_on": data["reviewed_on"],
            "decision": data["decision"],
            "criteria_met": [data[self.criterion_name(i)] == "met" for i in range(len(self.criteria))],
            "feedback": data["feedback"].strip(),
            "shared_with_contractor": data["shared_with_contractor"],
        }


class ShareForm(forms.Form):
    shared = forms.TypedChoiceField(choices=[("1", "Share"), ("0", "Stop sharing")], coerce=lambda v: v == "1")


# --- Delivery to the customer ------------------------------------------------------------------------


class DeliverForm(forms.Form):
    on = date_field("Delivered to the customer on")
    confirm_unreviewed = forms.BooleanField(
        label="Deliver without our own review",
        required=False,
        help_text="The delivery is recorded as unreviewed; the health check will point it out.",
    )

    def __init__(self, *args: Any, ask_confirmation: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_confirmation:
            self.fields["confirm_unreviewed"].widget = forms.HiddenInput()


# --- Reference texts -------------------------------------------------------------------------------------


class ReferenceTextForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="E.g. Our About page, or Last year's brochure.")
    source = forms.CharField(
        required=False, max_length=500, help_text="Where it comes from: a web address or where you keep it."
    )
    text = forms.CharField(
        required=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Paste the text, or upload it as a .txt file below.",
    )
    upload = forms.FileField(
        label="Or a text file",
        required=False,
        help_text="A plain-text (.txt) file in UTF-8, at most 2 MiB.",
        widget=forms.FileInput(attrs={"accept": ".txt,text/plain"}),
    )

    def clean_upload(self) -> str:
        upload = self.cleaned_data.get("upload")
        if not upload:
            return ""
        if not str(upload.name).lower().endswith(".txt"):
            raise forms.ValidationError("Upload a .txt file, or paste the text above.")
        if (upload.size or 0) > MAX_REFERENCE_UPLOAD:
            raise forms.ValidationError("This file is larger than 2 MiB.")
        try:
            return bytes(upload.read()).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise forms.ValidationError("This file is not UTF-8 text.") from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        text, uploaded = (data.get("text") or "").strip(), data.get("upload") or ""
        if text and uploaded.strip():
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if not text and not uploaded.strip():
            self.add_error("text", "Paste the text, or upload a .txt file.")
        data["text"] = text or uploaded
        return data
