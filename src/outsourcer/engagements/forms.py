"""Forms of the engagement pages. They check the shape of the input; the rules (dates in order, a
commission needs its percentage, only submitted hours can be approved, ...) live in the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django import forms

from outsourcer.contractors.models import TRUSTED_STAGES, Contractor, Stage
from outsourcer.core.api_types import DAY_MAX, DAY_MIN
from outsourcer.engagements.models import (
    IMPORTANT_CHANNELS,
    Cadence,
    Channel,
    CheckIn,
    CustomerCommitment,
    Engagement,
    Kind,
    RateModel,
    Status,
)
from outsourcer.planning.models import Task

SCORE_CHOICES = [(1, "1 · poor"), (2, "2 · below par"), (3, "3 · adequate"), (4, "4 · good"), (5, "5 · excellent")]
SCORE_ERRORS = {"invalid_choice": "Choose a score from 1 to 5."}
TRI_STATE = {"": None, "yes": True, "no": False}


def _day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _day_in_range(value: dt.date) -> None:
    if not DAY_MIN <= value <= DAY_MAX:
        raise forms.ValidationError(f"Give a date between {_day(DAY_MIN)} and {_day(DAY_MAX)}.", code="out_of_range")


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    """A day, within the range every face takes (as the API's `Day`): date sums then never overflow."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        validators=[_day_in_range],
        widget=forms.DateInput(attrs={"type": "date", "min": DAY_MIN.isoformat(), "max": DAY_MAX.isoformat()}),
    )


def decimal_field(label: str, *, help_text: str = "", max_digits: int = 14, places: int = 2, **kw: Any) -> Any:
    return forms.DecimalField(
        label=label,
        required=kw.pop("required", False),
        min_value=kw.pop("min_value", Decimal(0)),
        max_digits=max_digits,
        decimal_places=places,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}),
        **kw,
    )


def text_area(label: str, *, rows: int = 4, help_text: str = "", max_length: int = 20000) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


# --- The list's filters --------------------------------------------------------------------------

STATUS_FILTERS = [("", "Any status"), ("running", "Running (active or paused)"), *Status.choices]


class EngagementFilterForm(forms.Form):
    status = forms.ChoiceField(choices=STATUS_FILTERS, required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Kind.choices], required=False)
    contractor = forms.ChoiceField(required=False)
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Title, ref or contractor"}),
    )

    def __init__(self, *args: Any, contractors: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contractor"].choices = [("", "Any contractor"), *(contractors or [])]  # type: ignore[attr-defined]


# --- An engagement's terms -----------------------------------------------------------------------

# Which rate fields each rate model uses; the others are cleared on save.
RATE_FIELDS: dict[str, tuple[str, ...]] = {
    RateModel.HOURLY: ("rate_amount", "weekly_hour_cap"),
    RateModel.FIXED: ("rate_amount",),
    RateModel.MILESTONE: ("rate_amount",),
    RateModel.RETAINER: ("rate_amount", "retainer_included_hours"),
    RateModel.COMMISSION: ("commission_percent", "commission_base"),
}
RATE_ONLY = ("rate_amount", "weekly_hour_cap", "retainer_included_hours", "commission_percent", "commission_base")


def contractor_choices(contractors: list[Contractor]) -> list[Any]:
    """Approved and preferred contractors first; the rest grouped apart with their stage named. Blocked ones
    are left out: they are never given work."""
    trusted = [c for c in contractors if c.stage in TRUSTED_STAGES]
    others = [c for c in contractors if c.stage not in TRUSTED_STAGES and c.stage != Stage.BLOCKED]
    trusted.sort(key=lambda c: (c.stage != Stage.PREFERRED, c.name.lower()))
    others.sort(key=lambda c: c.name.lower())
    groups: list[Any] = [("", "Choose a contractor")]
    if trusted:
        groups.append(
            ("Approved or preferred", [(str(c.uuid), f"{c.name} ({c.get_stage_display()})") for c in trusted])
        )
    if others:
        groups.append(
            ("Not approved yet", [(str(c.uuid), f"{c.name} ({c.get_stage_display().lower()})") for c in others])
        )
    return groups


class EngagementForm(forms.Form):
    contractor = forms.ChoiceField(
        error_messages={
            "required": "Choose the contractor who does the work.",
            "invalid_choice": "Choose a contractor from the list; blocked contractors are not offered.",
        },
        help_text="Approved and preferred contractors are listed first.",
    )
    title = forms.CharField(max_length=200, help_text="What the work is, as the contractor will read it.")
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.PROJECT)
    tasks = forms.MultipleChoiceField(
        label="Tasks from the plan",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The work from your time audit this engagement takes over.",
    )
    customer_commitment = forms.ChoiceField(
        label="Customer commitment", required=False, help_text="The promise to your own customer this work serves."
    )
    start_on = date_field("Starts on")
    end_on = date_field("Ends on", help_text="Leave empty for ongoing work.")
    work_location = forms.CharField(
        label="Where the work happens", max_length=64, required=False, help_text="E.g. remote, or a city."
    )
    rate_model = forms.ChoiceField(label="Rate model", choices=RateModel.choices, initial=RateModel.FIXED)
    rate_amount = decimal_field(
        "Amount",
        help_text="Hourly: the rate per hour. Fixed: the whole price. By milestone: the total of the milestones. "
        "Retainer: the amount a month.",
    )
    weekly_hour_cap = decimal_field("Weekly hour cap", max_digits=6, help_text="Hours a week at most.")
    retainer_included_hours = decimal_field("Hours included", max_digits=7, help_text="Hours the retainer covers.")
    commission_percent = decimal_field(
        "Commission", max_digits=5, max_value=Decimal(100), help_text="A percentage, 0 to 100."
    )
    commission_base = forms.CharField(
        label="Commission on", max_length=200, required=False, help_text="E.g. net sales of the leads they bring."
    )
    rate_currency = forms.CharField(
        label="Currency",
        min_length=3,
        max_length=3,
        help_text="Three letters, e.g. USD.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": "4"}),
    )
    budget_cap = decimal_field("Budget cap", help_text="The most this engagement may cost in all.")
    payment_terms_days = forms.IntegerField(
        label="Payment terms",
        required=False,
        min_value=0,
        max_value=120,
        help_text="Days from an invoice to payment, e.g. 14.",
    )
    ref = forms.SlugField(
        label="Reference",
        max_length=64,
        required=False,
        help_text="A short id for imports and the API; made up if empty.",
    )

    TERMS: ClassVar[tuple[str, ...]] = (
        "title", "kind", "start_on", "end_on", "work_location", "rate_model", *RATE_ONLY, "rate_currency",
        "budget_cap", "payment_terms_days",
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        contractors: list[Any] | None = None,
        tasks: list[Task] | None = None,
        commitments: list[CustomerCommitment] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["contractor"]
        else:
            self.fields["contractor"].choices = contractors or []  # type: ignore[attr-defined]
        self.fields["tasks"].choices = [(str(t.uuid), t.name) for t in tasks or []]  # type: ignore[attr-defined]
        self.fields["customer_commitment"].choices = [  # type: ignore[attr-defined]
            ("", "None"),
            *((str(c.uuid), f"{c.title} for {c.customer} (due {c.promised_on:%-d %b %Y})") for c in commitments or []),
        ]

    @classmethod
    def initial_for(cls, engagement: Engagement) -> dict[str, Any]:
        initial = {name: getattr(engagement, name) for name in cls.TERMS}
        initial["ref"] = engagement.ref
        initial["tasks"] = [str(t.uuid) for t in engagement.tasks.all()]
        initial["customer_commitment"] = (
            str(engagement.customer_commitment.uuid) if engagement.customer_commitment else ""
        )
        return initial

    def clean_rate_currency(self) -> str:
        return str(self.cleaned_data["rate_currency"]).strip().upper()

    def service_data(self) -> dict[str, Any]:
        """The terms for engagement_create/update; fields the chosen rate model does not use are cleared."""
        data = {name: self.cleaned_data[name] for name in self.TERMS}
        used = RATE_FIELDS.get(data["rate_model"], ())
        for name in RATE_ONLY:
            if name not in used:
                data[name] = "" if name == "commission_base" else None
        if self.cleaned_data.get("ref"):
            data["ref"] = self.cleaned_data["ref"]
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    on = date_field("Rated on", required=True)
    overall = forms.TypedChoiceField(
        label="Overall",
        choices=[("", "Choose a score"), *SCORE_CHOICES],
        coerce=int,
        error_messages={**SCORE_ERRORS, "required": "Choose an overall score from 1 to 5."},
    )
    quality = forms.TypedChoiceField(
        choices=[("", "Not scored"), *SCORE_CHOICES], coerce=int, empty_value=None, required=False
    )
    timeliness = forms.TypedChoiceField(
        choices=[("", "Not scored"), *SCORE_CHOICES], coerce=int, empty_value=None, required=False
    )
    communication = forms.TypedChoiceField(
        choices=[("", "Not scored"), *SCORE_CHOICES], coerce=int, empty_value=None, required=False
    )
    value_for_money = forms.TypedChoiceField(
        label="Value for money",
        choices=[("", "Not scored"), *SCORE_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
    )
    would_rehire = forms.ChoiceField(
        label="Would you hire them again?", choices=[("", "Not sure"), ("yes", "Yes"), ("no", "No")], required=False
    )
    text = text_area("What went well, what did not", rows=3)
    shared_with_contractor = forms.BooleanField(
        label="Show this rating to the contractor", required=False, help_text="They see it in their portal."
    )

    def clean_would_rehire(self) -> bool | None:
        return TRI_STATE[self.cleaned_data["would_rehire"]]


# --- The commitment ------------------------------------------------------------------------------


class CommitmentForm(forms.Form):
    customer = forms.CharField(max_length=200, help_text="Who you promised it to.")
    title = forms.CharField(label="What was promised", max_length=200)
    promised_on = date_field("Promised for", required=True)
    buffer_days = forms.IntegerField(
        label="Buffer days",
        min_value=0,
        max_value=365,
        initial=0,
        help_text="Working days kept between the last contractor delivery and the promise, for your own review.",
    )
    status = forms.ChoiceField(choices=CustomerCommitment.Status.choices, initial=CustomerCommitment.Status.OPEN)
    notes = text_area("Notes", rows=3)
    ref = forms.SlugField(
        label="Reference",
        max_length=64,
        required=False,
        help_text="A short id for imports and the API; made up if empty.",
    )

    FIELDS: ClassVar[tuple[str, ...]] = ("customer", "title", "promised_on", "buffer_days", "status", "notes")

    @classmethod
    def initial_for(cls, commitment: CustomerCommitment) -> dict[str, Any]:
        return {name: getattr(commitment, name) for name in (*cls.FIELDS, "ref")}

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        if self.cleaned_data.get("ref"):
            data["ref"] = self.cleaned_data["ref"]
        return data


# --- The brief and the communication plan --------------------------------------------------------


class BriefForm(forms.Form):
    goals = text_area(
        "Goals", rows=4, help_text="Why the work exists: the business goal it serves and what success looks like."
    )
    context = text_area(
        "Context", rows=4, help_text="The company goals and strategy the contractor needs to see the big picture."
    )
    deliverables = text_area("Deliverables", rows=4, help_text="What they hand over, one per line.")
    acceptance_criteria = text_area(
        "Acceptance criteria", rows=4, help_text="How you will judge that the work is done, one criterion per line."
    )
    out_of_scope = text_area("Out of scope", rows=3, help_text="What they should not do (or bill for).")
    constraints = text_area("Constraints", rows=3, help_text="Brand, tools, legal or technical limits.")

    @classmethod
    def initial_for(cls, content: dict[str, Any]) -> dict[str, Any]:
        return {
            name: "\n".join(value) if isinstance(value, list) else value
            for name, value in content.items()
            if name in cls.base_fields
        }

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class BriefSendForm(forms.Form):
    note = forms.CharField(
        label="A note with it",
        required=False,
        max_length=500,
        help_text="E.g. what changed since the last version.",
        widget=forms.TextInput(),
    )


class CommunicationForm(forms.Form):
    point_person = forms.CharField(
        label="Point person", max_length=200, required=False, help_text="The one person the contractor asks first."
    )
    escalation_contact = forms.CharField(
        label="Escalation contact",
        max_length=200,
        required=False,
        help_text="Whom they turn to when the point person is away or they disagree.",
    )
    channels = forms.MultipleChoiceField(
        label="Channels", choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    important_topics_channel = forms.ChoiceField(
        label="Channel for important topics",
        choices=[("", "Not chosen"), *((c.value, c.label) for c in IMPORTANT_CHANNELS)],
        required=False,
        help_text="Bad news, changes of scope and feedback go by voice or face to face, never only in writing.",
    )
    cadence = forms.ChoiceField(label="Cadence", choices=[("", "Not agreed"), *Cadence.choices], required=False)
    needs_overlap_hours = decimal_field(
        "Needed overlap",
        max_digits=4,
        max_value=Decimal(24),
        help_text="Working hours a day you need to share with the contractor.",
    )

    @classmethod
    def initial_for(cls, plan: Any) -> dict[str, Any]:
        return {name: getattr(plan, name) for name in cls.base_fields} if plan is not None else {}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


# --- Check-ins and time --------------------------------------------------------------------------


class CheckInForm(forms.Form):
    on = date_field("On", required=True)
    kind = forms.ChoiceField(label="Kind", choices=CheckIn.Kind.choices)
    initiated_by = forms.ChoiceField(
        label="Who started it", choices=CheckIn.Initiator.choices, widget=forms.RadioSelect
    )
    notes = text_area("Notes", rows=3)

    @classmethod
    def initial_for(cls, check_in: CheckIn) -> dict[str, Any]:
        return {name: getattr(check_in, name) for name in cls.base_fields}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.fields}


class TimeEntryForm(forms.Form):
    worked_on = date_field("Worked on", required=True)
    hours = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.01"),
        max_value=Decimal(24),
        max_digits=4,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "min": "0", "max": "24", "inputmode": "decimal"}),
    )
    description = forms.CharField(
        label="What was done", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    submit = forms.BooleanField(
        label="Send for approval now", required=False, help_text="Otherwise it is kept as a draft to submit later."
    )

    @classmethod
    def initial_for(cls, entry: Any) -> dict[str, Any]:
        return {name: getattr(entry, name) for name in ("worked_on", "hours", "description")}

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("worked_on", "hours", "description")}


class TimeDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    reason = forms.CharField(required=False, max_length=2000)
