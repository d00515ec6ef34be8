"""Forms of the risk register's pages. They check the shape of the input; the rules (an engagement or
contractor of this workspace, the engagement's own contractor, scores from 1 to 5) live in risk/services.py."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from outsourcer.contractors.models import Contractor
from outsourcer.engagements.forms import date_field, text_area
from outsourcer.engagements.models import Engagement
from outsourcer.risk.charts import IMPACT_WORDS, LIKELIHOOD_WORDS
from outsourcer.risk.models import Category, Risk

Choices = list[Any]

STATUS_FILTERS = [("", "Any status"), *Risk.Status.choices]
CATEGORY_FILTERS = [("", "Any area"), *Category.choices]
LIKELIHOOD_CHOICES = [(n, f"{n} · {LIKELIHOOD_WORDS[n]}") for n in range(1, 6)]
IMPACT_CHOICES = [(n, f"{n} · {IMPACT_WORDS[n]}") for n in range(1, 6)]
WHOLE_WORKSPACE = ""
SCORE_ERRORS = {"invalid_choice": "Choose a number from 1 to 5."}


class RiskFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_FILTERS, required=False)
    category = forms.ChoiceField(label="Area", choices=CATEGORY_FILTERS, required=False)


def engagement_label(engagement: Engagement) -> str:
    ended = f", {engagement.get_status_display().lower()}" if engagement.status != "active" else ""
    return f"{engagement.title} ({engagement.contractor.name}{ended})"


def about_choices(engagements: list[Engagement], contractors: list[Contractor]) -> Choices:
    """One select for what a risk is about: the whole workspace, an engagement, or a contractor."""
    choices: Choices = [(WHOLE_WORKSPACE, "The whole workspace")]
    if engagements:
        choices.append(("Engagements", [(f"e:{e.uuid}", engagement_label(e)) for e in engagements]))
    if contractors:
        choices.append(("Contractors", [(f"c:{c.uuid}", c.name) for c in contractors]))
    return choices


class RiskForm(forms.Form):
    about = forms.ChoiceField(
        label="What it is about",
        required=False,
        help_text="An engagement (its contractor comes with it), a contractor across all their work, or the "
        "whole workspace.",
    )
    category = forms.ChoiceField(label="Area", choices=Category.choices)
    title = forms.CharField(label="What could go wrong", max_length=200, help_text="One sentence, as it would happen.")
    likelihood = forms.TypedChoiceField(
        label="Likelihood", choices=LIKELIHOOD_CHOICES, coerce=int, error_messages=SCORE_ERRORS,
        help_text="How likely it is to happen in the next year.",
    )  # fmt: skip
    impact = forms.TypedChoiceField(
        label="Impact", choices=IMPACT_CHOICES, coerce=int, error_messages=SCORE_ERRORS,
        help_text="How much it would hurt if it did.",
    )  # fmt: skip
    mitigation = text_area(
        "Mitigation", rows=3, help_text="What you do to make it less likely or less harmful. A high risk needs one."
    )
    owner = forms.CharField(label="Owner", max_length=200, required=False, help_text="Who watches this risk.")
    status = forms.ChoiceField(choices=Risk.Status.choices, initial=Risk.Status.OPEN)
    review_on = date_field("Review on", help_text="When to look at it again; it shows as due from that day.")
    ref = forms.SlugField(
        label="Reference",
        max_length=64,
        required=False,
        help_text="A short id for imports, the API and the command line; made up if empty.",
    )

    FIELDS: ClassVar[tuple[str, ...]] = (
        "category", "title", "likelihood", "impact", "mitigation", "owner", "status", "review_on",
    )  # fmt: skip

    def __init__(self, *args: Any, engagements: list[Engagement], contractors: list[Contractor], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engagements = {f"e:{e.uuid}": e for e in engagements}
        self.contractors = {f"c:{c.uuid}": c for c in contractors}
        self.fields["about"].choices = about_choices(engagements, contractors)  # type: ignore[attr-defined]

    @staticmethod
    def about_of(risk: Risk) -> str:
        if risk.engagement is not None:
            return f"e:{risk.engagement.uuid}"
        if risk.contractor is not None:
            return f"c:{risk.contractor.uuid}"
        return WHOLE_WORKSPACE

    @classmethod
    def initial_for(cls, risk: Risk) -> dict[str, Any]:
        return {"about": cls.about_of(risk), "ref": risk.ref, **{name: getattr(risk, name) for name in cls.FIELDS}}

    def service_data(self, risk: Risk | None = None) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        about = self.cleaned_data.get("about") or WHOLE_WORKSPACE
        engagement = self.engagements.get(about)
        contractor = self.contractors.get(about)
        data["engagement"] = engagement
        if engagement is None:
            data["contractor"] = contractor
        else:  # the engagement brings its contractor; one recorded with it stays only while it is the same
            kept = risk.contractor if risk is not None else None
            data["contractor"] = kept if kept is not None and kept.pk == engagement.contractor_id else None
        if self.cleaned_data.get("ref"):
            data["ref"] = self.cleaned_data["ref"]
        return data
