"""Forms of the time audit pages. They check the shape of the input; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from outsourcer.planning.models import MAX_HOURS, Knowledge, Task, TaskStatus, ref_validator

CSV_MAX_BYTES = 5 * 2**20

# The empty first choice makes a person pick a score, rather than keep a default they never chose.
EFFECTIVENESS_CHOICES = [
    ("", "Choose a score"),
    (1, "1 · poor"),
    (2, "2 · below par"),
    (3, "3 · adequate"),
    (4, "4 · good"),
    (5, "5 · excellent"),
]
VALUE_CHOICES = [
    ("", "Choose a score"),
    (1, "1 · peripheral"),
    (2, "2 · supporting"),
    (3, "3 · useful"),
    (4, "4 · important"),
    (5, "5 · core"),
]
SCORE_ERRORS = {"invalid_choice": "Choose a score from 1 to 5.", "required": "Choose a score from 1 to 5."}


def _money_field(label: str, help_text: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )


class TaskForm(forms.Form):
    """One line of the time audit, with the fields `task_create` and `task_update` take."""

    name = forms.CharField(max_length=200, label="Task", help_text="What the work is, in your words.")
    category = forms.CharField(
        max_length=64,
        required=False,
        help_text="E.g. bookkeeping or design. Tasks of one category that are handed out make one contractor role.",
    )
    hours_per_month = forms.DecimalField(
        label="Hours per month",
        min_value=Decimal(0),
        max_value=MAX_HOURS,
        max_digits=5,
        decimal_places=2,
        help_text="The time it takes in-house in a typical month, 0 to 744.",
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "744", "inputmode": "decimal"}),
    )
    effectiveness = forms.TypedChoiceField(
        label="In-house effectiveness",
        choices=EFFECTIVENESS_CHOICES,
        coerce=int,
        help_text="How well and how fast you do it today: 1 is slow, error-prone or late; 5 is hard to beat.",
        error_messages=SCORE_ERRORS,
    )
    business_value = forms.TypedChoiceField(
        label="Business value",
        choices=VALUE_CHOICES,
        coerce=int,
        help_text="1: customers would never notice it; 5: it is what customers pay you for.",
        error_messages=SCORE_ERRORS,
    )
    knowledge = forms.ChoiceField(
        label="What you know about the work",
        choices=[
            ("", "Not said"),
            (Knowledge.NONE, "None: I could not judge the result"),
            (Knowledge.BASIC, "Basic"),
            (Knowledge.WORKING, "Working: I could do it at a pinch"),
            (Knowledge.EXPERT, "Expert"),
        ],
        required=False,
        help_text="With none, you could neither brief it nor judge the result: it is handed out only with oversight.",
    )
    inhouse_cost_per_hour = _money_field(
        "In-house cost per hour",
        "The loaded hourly cost when staff do it. Leave empty when you do it yourself: "
        "your hourly value from the workspace settings applies.",
    )
    market_rate_per_hour = _money_field(
        "Market rate per hour", "What a contractor would charge per hour, platform fees included."
    )
    recurring = forms.BooleanField(
        label="Recurring work",
        required=False,
        initial=True,
        help_text="Untick for one-off work: it is best bought at a fixed price after a small paid trial.",
    )
    status = forms.ChoiceField(
        choices=TaskStatus.choices,
        initial=TaskStatus.IN_HOUSE,
        help_text="A candidate is work you are finding someone for. Retired work is no longer done: "
        "it leaves the plan.",
    )
    ref = forms.CharField(
        max_length=64,
        required=False,
        label="Reference",
        validators=[ref_validator],
        help_text="Your own identifier, used in CSV files and bundles. Leave empty and one is made for you.",
    )

    @staticmethod
    def initial_for(task: Task) -> dict[str, Any]:
        """A stored task as the form shows it: `12` hours, not `12.00`."""
        initial = {name: getattr(task, name) for name in Task.EDITABLE}
        hours: Decimal = task.hours_per_month
        initial["hours_per_month"] = hours.quantize(Decimal(1)) if hours == hours.to_integral() else hours.normalize()
        return initial

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class CsvImportForm(forms.Form):
    file = forms.FileField(label="Time audit (.csv)", help_text=f"UTF-8 text, at most {CSV_MAX_BYTES // 2**20} MiB.")
    replace = forms.BooleanField(
        required=False,
        label="Remove tasks that are not in the file",
        help_text="Without this, tasks the file does not name are kept as they are.",
    )

    def clean_file(self) -> str:
        """The upload as text: too big or not UTF-8 is said here, before any row is read."""
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > CSV_MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {CSV_MAX_BYTES // 2**20} MiB.")
        try:
            return upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and try again."
            ) from None


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *TaskStatus.choices], required=False)
    q = forms.CharField(
        max_length=100,
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, category or reference"}),
    )
