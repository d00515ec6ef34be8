"""Forms of the directory pages. They check the shape of the input; the rules live in the services."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict

from outsourcer.accounts.forms import WEEKDAYS, time_zone_choices
from outsourcer.contractors.models import Contractor, EntityType, Stage
from outsourcer.planning.models import ref_validator
from outsourcer.vetting.models import ScorecardWeights
from outsourcer.vetting.selectors import STANDING_LABELS


def _rate_field(label: str, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        **kwargs,
    )


# --- The directory's filters --------------------------------------------------------------------


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        max_length=100,
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, email, skill, source or ref"}),
    )
    # Any skill may be asked for (a task's category from the plan, say); the list offers the known ones.
    skill = forms.CharField(max_length=64, required=False, label="Skill", widget=forms.Select)
    stage = forms.ChoiceField(choices=[("", "Any stage"), *Stage.choices], required=False, label="Stage")
    rate_min = _rate_field("Rate from")
    rate_max = _rate_field("Rate up to")
    overlap = forms.DecimalField(
        label="Shared hours, at least",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(24),
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0", "max": "24", "inputmode": "decimal"}),
    )
    standing = forms.ChoiceField(
        choices=[("", "Any standing"), *STANDING_LABELS.items()], required=False, label="Standing"
    )
    task = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, skills: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Any skill"), *((s, s) for s in skills)]
        asked = " ".join(str(self.data.get("skill", "")).split()).lower()
        if self.is_bound:  # shown as it is filtered on, so "Bookkeeping" selects "bookkeeping"
            self.data = {**self.data.dict(), "skill": asked} if isinstance(self.data, QueryDict) else self.data
        if asked and asked not in skills:
            choices.append((asked, asked))
        self.fields["skill"].widget.choices = choices

    def clean_skill(self) -> str:
        return " ".join(str(self.cleaned_data.get("skill") or "").split()).lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("rate_min"), data.get("rate_max")
        if low is not None and high is not None and low > high:
            self.add_error("rate_max", "The upper rate is below the lower one.")
        return data

    def value(self, name: str) -> Any:
        """A filter's cleaned value, or its empty value when it was left out or not valid."""
        return getattr(self, "cleaned_data", {}).get(name)


# --- A contractor -------------------------------------------------------------------------------

UNKNOWN_YES_NO = [("", "Not known"), ("true", "Yes"), ("false", "No")]


def _yes_no(label: str, help_text: str = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=UNKNOWN_YES_NO,
        coerce=lambda v: v == "true",
        empty_value=None,
        required=False,
        help_text=help_text,
    )


class UpperCodeField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return str(super().to_python(value)).strip().upper()


class ContractorForm(forms.Form):
    """Every field of a contractor, with the names `contractor_create` and `contractor_update` take."""

    SERVICE_FIELDS = (
        "ref", "kind", "name", "email", "country", "region", "time_zone", "work_start", "work_end", "work_days",
        "skills", "hourly_rate", "currency", "source", "notes", "us_person", "entity_type", "legal_services",
        "tin_verified", "works_in_us",
    )  # fmt: skip

    kind = forms.ChoiceField(
        choices=Contractor.Kind.choices,
        initial=Contractor.Kind.INDIVIDUAL,
        label="Kind",
        help_text="An agency is a firm that puts its own people on your work.",
    )
    name = forms.CharField(max_length=200, label="Name", help_text="A person's full name, or the agency's.")
    email = forms.EmailField(
        max_length=254,
        required=False,
        help_text="Two contractors with the same address are pointed out as possibly the same.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    country = UpperCodeField(
        max_length=2,
        required=False,
        help_text="Two letters, e.g. DE or PH.",
        widget=forms.TextInput(attrs={"size": "4", "autocapitalize": "characters"}),
    )
    region = forms.CharField(max_length=64, required=False, help_text="State, province or city, if it matters.")
    time_zone = forms.ChoiceField(
        label="Time zone",
        required=False,
        help_text="Where they work. With the hours below, it gives the daily overlap with your own hours.",
    )
    work_start = forms.TimeField(
        label="Starts work at",
        required=False,
        help_text="In their own time zone.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    work_end = forms.TimeField(
        label="Stops work at",
        required=False,
        help_text="Earlier than the start means past midnight.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    work_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Working days",
        help_text="None ticked means Monday to Friday.",
    )
    skills = forms.CharField(
        max_length=2000,
        required=False,
        help_text="Separated by commas, e.g. bookkeeping, xero, payroll. The plan's task categories match these.",
    )
    hourly_rate = _rate_field("Hourly rate", help_text="What they charge per hour, before any platform fee.")
    currency = UpperCodeField(
        max_length=3,
        required=False,
        help_text="Three letters, e.g. EUR: the currency the rate is in.",
        widget=forms.TextInput(attrs={"size": "5", "autocapitalize": "characters"}),
    )
    source = forms.CharField(
        max_length=200, required=False, help_text="Where you found them: a referral, a marketplace, a website."
    )
    notes = forms.CharField(max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 4}))
    us_person = _yes_no("US person for tax", "A US citizen, resident or company: they give you a W-9, others a W-8.")
    entity_type = forms.ChoiceField(
        choices=[("", "Not known"), *EntityType.choices],
        required=False,
        label="Entity type",
        help_text="As on their tax form: it decides which form (W-9, W-8BEN or W-8BEN-E) applies.",
    )
    legal_services = _yes_no("Provides legal services", "Payments for legal services are reported whatever the form.")
    tin_verified = _yes_no("Tax ID verified", "Checked against the tax office, e.g. with the IRS TIN matching service.")
    works_in_us = _yes_no("Works from inside the US", "Work done inside the US is US-source income, whoever does it.")
    ref = forms.CharField(
        max_length=64,
        required=False,
        label="Reference",
        validators=[ref_validator],
        help_text="Your own identifier, used in bundles and the command line. Leave empty and one is made for you.",
    )
    allow_duplicates = forms.BooleanField(
        required=False,
        label="This is someone else: add anyway",
        help_text="Tick this if none of the people listed above is the one you are adding.",
    )
    task = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone: Any = self.fields["time_zone"]
        zone.choices = [("", "Not known"), *time_zone_choices()]

    @staticmethod
    def initial_for(contractor: Contractor) -> dict[str, Any]:
        initial = {name: getattr(contractor, name) for name in ContractorForm.SERVICE_FIELDS if name != "skills"}
        initial["skills"] = ", ".join(contractor.skills)
        for name in ("us_person", "legal_services", "tin_verified", "works_in_us"):
            value = getattr(contractor, name)
            initial[name] = "" if value is None else ("true" if value else "false")
        return initial

    def clean_skills(self) -> list[str]:
        text = self.cleaned_data.get("skills") or ""
        skills = [" ".join(part.split()) for part in text.replace("\n", ",").split(",")]
        skills = [s for s in skills if s]
        too_long = [s for s in skills if len(s) > 64]
        if too_long:
            raise forms.ValidationError(f"A skill is at most 64 characters: “{too_long[0][:70]}…” is longer.")
        return skills

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.SERVICE_FIELDS}
        for name in ("time_zone", "email", "country", "region", "currency", "source", "notes", "entity_type", "ref"):
            data[name] = data[name] or ""
        data["work_days"] = sorted(data["work_days"] or [])
        return data


# --- The scorecard weights ----------------------------------------------------------------------


class ScorecardWeightsForm(forms.Form):
    references = forms.IntegerField(min_value=0, max_value=10, label="References")
    interviews = forms.IntegerField(min_value=0, max_value=10, label="Interviews")
    trial = forms.IntegerField(min_value=0, max_value=10, label="Paid trial")
    ratings = forms.IntegerField(min_value=0, max_value=10, label="Ratings of real work")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.update({"min": "0", "max": "10", "step": "1", "inputmode": "numeric"})

    def service_data(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name in ScorecardWeights.PARTS}
