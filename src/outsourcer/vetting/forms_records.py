"""Forms of the vetting records, the stage move and the paid trial. They check the shape of the input;
the rules (an expiry after the signing, no approval with a red flag, ...) live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django import forms

from outsourcer.contractors.models import Document, Interview, RedFlag, ReferenceCheck, Stage
from outsourcer.contractors.services import MAX_DOCUMENT_BYTES

SCORE_ERRORS = {"invalid_choice": "Choose a score from 1 to 5."}
SCORE_CHOICES = [
    ("", "Not scored"),
    (1, "1 · poor"),
    (2, "2 · below par"),
    (3, "3 · adequate"),
    (4, "4 · good"),
    (5, "5 · excellent"),
]
# A yes/no that may also be unknown, as a select: a checkbox cannot say "not asked".
YES_NO_UNKNOWN = [("", "Not asked"), ("yes", "Yes"), ("no", "No")]
TRI_STATE = {"": None, "yes": True, "no": False}


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, widget=forms.DateInput(attrs={"type": "date"})
    )


def score_field(label: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False, error_messages=SCORE_ERRORS
    )


def notes_field(help_text: str = "") -> forms.CharField:
    return forms.CharField(
        required=False, max_length=20000, help_text=help_text, widget=forms.Textarea(attrs={"rows": 4})
    )


class RecordForm(forms.Form):
    """A vetting record's fields; `rows` lays them out (several names on one row share it), and a row
    whose first field is in `legends` becomes a group under that legend."""

    model: ClassVar[type[Any]]
    rows: ClassVar[tuple[tuple[str, ...], ...]]
    legends: ClassVar[dict[str, str]] = {}

    @classmethod
    def initial_for(cls, record: Any) -> dict[str, Any]:
        # Never the file: its stored path is nobody's business, and a new upload replaces it.
        return {name: getattr(record, name) for name in cls.base_fields if name != "file" and hasattr(record, name)}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields if name != "file"}

    def layout(self) -> list[dict[str, Any]]:
        return [
            {"fields": [self[name] for name in row if name in self.fields], "legend": self.legends.get(row[0], "")}
            for row in self.rows
        ]


class ReferenceForm(RecordForm):
    model = ReferenceCheck
    rows = (("name", "relationship"), ("contact",), ("checked_on", "outcome", "met_deadlines"), ("notes",))

    name = forms.CharField(max_length=200, label="Who gave the reference", help_text="A past client or employer.")
    relationship = forms.CharField(
        max_length=200, required=False, help_text="E.g. client for two years, or their manager at an agency."
    )
    contact = forms.CharField(max_length=200, required=False, help_text="An email address or phone number.")
    checked_on = date_field("Checked on", help_text="Leave empty until you have spoken to them.")
    outcome = forms.ChoiceField(choices=[("", "Not known yet"), *ReferenceCheck.Outcome.choices], required=False)
    met_deadlines = forms.ChoiceField(label="Met their deadlines", choices=YES_NO_UNKNOWN, required=False)
    notes = notes_field("What they said, in their words where you can.")

    @classmethod
    def initial_for(cls, record: Any) -> dict[str, Any]:
        initial = super().initial_for(record)
        initial["met_deadlines"] = {True: "yes", False: "no"}.get(record.met_deadlines, "")
        return initial

    def clean_met_deadlines(self) -> bool | None:
        return TRI_STATE[self.cleaned_data["met_deadlines"]]


class InterviewForm(RecordForm):
    model = Interview
    rows = (
        ("held_on", "medium", "interviewer"),
        ("score_skills", "score_communication", "score_values_fit", "score_reliability"),
        ("identity_verified",),
        ("notes",),
    )
    legends: ClassVar[dict[str, str]] = {"score_skills": "Scores, from 1 (poor) to 5 (excellent)"}

    held_on = date_field("Held on", required=True)
    medium = forms.ChoiceField(choices=[("", "Not said"), *Interview.Medium.choices], required=False)
    interviewer = forms.CharField(max_length=200, required=False)
    score_skills = score_field("Skills")
    score_communication = score_field("Communication")
    score_values_fit = score_field("Values fit")
    score_reliability = score_field("Reliability")
    identity_verified = forms.BooleanField(
        label="Identity verified",
        required=False,
        help_text="You saw their face on video and it matched an official ID with the name they use.",
    )
    notes = notes_field()


class DocumentForm(RecordForm):
    model = Document
    rows = (("kind", "title"), ("signed_on", "expires_on"), ("file",))

    kind = forms.ChoiceField(choices=Document.Kind.choices)
    title = forms.CharField(
        max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": "E.g. Master services agreement"})
    )
    signed_on = date_field("Signed on")
    expires_on = date_field("Expires on")
    file = forms.FileField(
        label="File",
        required=False,
        help_text=f"A PDF, PNG or JPEG of at most {MAX_DOCUMENT_BYTES // 2**20} MiB. "
        "Only members of this workspace can download it.",
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        return upload or None


class RedFlagForm(RecordForm):
    model = RedFlag
    rows: ClassVar[tuple[tuple[str, ...], ...]] = (("kind", "noted_on"), ("notes",), ("resolved",))

    kind = forms.ChoiceField(label="What happened", choices=RedFlag.Kind.choices)
    noted_on = date_field("Noted on", required=True)
    notes = notes_field("The facts: what was said or asked, where, and by whom.")
    resolved = forms.BooleanField(
        label="Resolved",
        required=False,
        help_text="Only when it turned out to be a misunderstanding you could check. "
        "An unresolved red flag stops an approval.",
    )


class NewRedFlagForm(RedFlagForm):
    """A red flag is noted open; it is resolved later, on its own page."""

    rows: ClassVar[tuple[tuple[str, ...], ...]] = (("kind", "noted_on"), ("notes",))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["resolved"]


class StageForm(forms.Form):
    stage = forms.ChoiceField(choices=Stage.choices)
    override_reason = forms.CharField(
        label="Why approve anyway",
        required=False,
        max_length=2000,
        help_text="Kept on the contractor and in the activity log, so the next person knows why.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class TrialForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="What the trial is about, as the contractor will read it.")
    start_on = date_field("Starts on", required=True, help_text="Today, unless you say otherwise.")
    end_on = date_field("Ends on", required=True, help_text="A week is usually enough.")
    budget = forms.DecimalField(
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        help_text="A fixed price for the whole trial.",
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
    )
    currency = forms.CharField(
        min_length=3,
        max_length=3,
        help_text="Three letters, e.g. USD.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": "4"}),
    )
    task = forms.ChoiceField(label="Task from the time audit", required=False)
    confirm_avoid = forms.BooleanField(
        label="I have read the warning and want to start the trial anyway", required=False
    )

    def __init__(self, *args: Any, tasks: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [("", "No task"), *(tasks or [])]  # type: ignore[attr-defined]

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).strip().upper()


class TrialFinishForm(forms.Form):
    passed = forms.TypedChoiceField(
        label="Did the trial pass?",
        choices=[("yes", "Passed: we would give them real work"), ("no", "Not passed")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the trial passed."},
    )
    overall = forms.TypedChoiceField(
        label="Overall score",
        choices=[("", "Choose a score"), *SCORE_CHOICES[1:]],
        coerce=int,
        error_messages={**SCORE_ERRORS, "required": "Choose a score from 1 to 5."},
    )
    on = date_field("Finished on", required=True)
    notes = notes_field("What went well, what did not, and what you would brief differently.")
