"""The worker-status questionnaire as a form: each question yes / no / not sure, the day of the assessment
and the reasonable basis. The questions come from `classification.json`; what the answers mean is
`classification.result_of`'s."""

from __future__ import annotations

from typing import Any

from django import forms

from outsourcer.compliance.classification import REASONABLE_BASIS_HELP, category_label, questions
from outsourcer.compliance.models import ANSWER_FIELDS, ClassificationAssessment
from outsourcer.engagements.forms import date_field

ANSWER_CHOICES = [("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")]
ANSWER_VALUES: dict[str, bool | None] = {"yes": True, "no": False, "unsure": None, "": None}


def answer_choice(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unsure"}[value]


class ClassificationForm(forms.Form):
    assessed_on = date_field(
        "Assessed on", required=True, help_text="The day these answers describe; a reassessment adds a new one."
    )
    reasonable_basis = forms.CharField(
        label="Reasonable basis for contractor treatment",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=REASONABLE_BASIS_HELP,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in questions():
            self.fields[question.id] = forms.ChoiceField(
                label=question.question,
                choices=ANSWER_CHOICES,
                required=False,
                initial="unsure",
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": "Answer yes, no or not sure."},
            )

    @staticmethod
    def initial_from(assessment: ClassificationAssessment | None) -> dict[str, Any]:
        """A reassessment starts from the latest answers and basis."""
        if assessment is None:
            return {}
        return {
            "reasonable_basis": assessment.reasonable_basis,
            **{name: answer_choice(value) for name, value in assessment.answers.items()},
        }

    def groups(self) -> list[tuple[str, list[Any]]]:
        """The questions' fields by IRS category, in the questionnaire's order."""
        found: dict[str, list[Any]] = {}
        for question in questions():
            found.setdefault(question.category, []).append(self[question.id])
        return [(category_label(category), fields) for category, fields in found.items()]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "assessed_on": data["assessed_on"],
            "reasonable_basis": data["reasonable_basis"] or "",
            **{name: ANSWER_VALUES[data.get(name) or ""] for name in ANSWER_FIELDS},
        }
