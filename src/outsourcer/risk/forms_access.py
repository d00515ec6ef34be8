"""Forms of the exit plan, access grant, access register and offboarding pages. They check the shape of the
input; the rules (only an approved contractor other than this one takes over, a person needs a name, dates
in order, ticks only once the engagement ended) live in risk/services.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from outsourcer.contractors.models import TRUSTED_STAGES, Contractor, Stage
from outsourcer.engagements.forms import TRI_STATE, date_field, text_area
from outsourcer.risk.models import AccessGrant, ExitPlan, OffboardingStep

HANDOVER_CHOICES = [("", "Not decided yet"), *ExitPlan.Handover.choices]
LEVEL_CHOICES = [("", "Not recorded"), *AccessGrant.Level.choices]
DATA_RETURN_CHOICES = [("", "Not agreed yet"), ("yes", "Yes"), ("no", "No")]


def handover_choices(contractors: list[Contractor], current: Contractor | None) -> list[tuple[str, str]]:
    """Approved and preferred contractors, preferred first; the one chosen before stays listed (with its stage)
    even when it is no longer approved, so the page shows it and saving says why it cannot stay."""
    trusted = sorted(
        (c for c in contractors if c.stage in TRUSTED_STAGES),
        key=lambda c: (c.stage != Stage.PREFERRED, c.name.lower()),
    )
    if current is not None and current not in trusted:
        trusted.append(current)
    return [("", "Choose a contractor"), *((str(c.uuid), f"{c.name} ({c.get_stage_display()})") for c in trusted)]


class ExitPlanForm(forms.Form):
    steps = text_area(
        "Steps to leave",
        rows=6,
        help_text=(
            "One a line: what to export, which accounts to close, what the contractor hands over and in what shape."
        ),
    )
    handover_kind = forms.ChoiceField(
        label="Who takes the work over",
        choices=HANDOVER_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    handover_person = forms.CharField(
        label="The person's name", max_length=200, required=False, help_text="When a named person takes over."
    )
    handover_contractor = forms.ChoiceField(
        label="The other contractor",
        required=False,
        help_text="An approved or preferred contractor from your pool, not this engagement's.",
    )
    data_return = forms.ChoiceField(
        label="Data returned at the end",
        choices=DATA_RETURN_CHOICES,
        required=False,
        help_text="The contractor hands back (or deletes) your files, exports and copies.",
    )
    reviewed_on = date_field("Last reviewed", help_text="The day you last went through this plan.")

    def __init__(
        self, *args: Any, contractors: list[Contractor], current: Contractor | None = None, **kwargs: Any
    ) -> None:
        """`contractors`: the workspace's, less this engagement's; `current`: the one the plan names now."""
        super().__init__(*args, **kwargs)
        self.contractors = {str(c.uuid): c for c in contractors}
        if current is not None:
            self.contractors[str(current.uuid)] = current
        self.fields["handover_contractor"].choices = handover_choices(contractors, current)  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(plan: ExitPlan | None, today: dt.date) -> dict[str, Any]:
        if plan is None:
            return {"reviewed_on": today}
        data_return = {True: "yes", False: "no"}.get(plan.data_return, "")  # type: ignore[arg-type]
        return {
            "steps": plan.steps,
            "handover_kind": plan.handover_kind,
            "handover_person": plan.handover_person,
            "handover_contractor": str(plan.handover_contractor.uuid) if plan.handover_contractor else "",
            "data_return": data_return,
            "reviewed_on": plan.reviewed_on,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "steps": data["steps"],
            "handover_kind": data["handover_kind"],
            "handover_person": data["handover_person"],
            "handover_contractor": self.contractors.get(data["handover_contractor"]),
            "data_return": TRI_STATE[data["data_return"]],
            "reviewed_on": data["reviewed_on"],
        }


class GrantForm(forms.Form):
    system = forms.CharField(
        label="System", max_length=200, help_text="What they can reach: a tool, a server, a mailbox, a bank portal."
    )
    level = forms.ChoiceField(
        label="Level", choices=LEVEL_CHOICES, required=False, help_text="The least the work needs."
    )
    shared_credential = forms.BooleanField(
        label="A shared login",
        required=False,
        help_text="Other people use the same login. Avoid it: it cannot be taken back from one person alone.",
    )
    granted_on = date_field("Granted on", required=True)
    expires_on = date_field("Ends on", help_text="The day the access should stop; the register warns a week before.")
    revoked_on = date_field("Revoked on", help_text="Filled in when the access was taken away.")
    notes = forms.CharField(
        label="Notes",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The account's name, who set it up, anything the next person needs.",
    )

    @staticmethod
    def initial_for(grant: AccessGrant | None, today: dt.date) -> dict[str, Any]:
        if grant is None:
            return {"granted_on": today}
        return {
            name: getattr(grant, name)
            for name in ("system", "level", "shared_credential", "granted_on", "expires_on", "revoked_on", "notes")
        }


class RevokeForm(forms.Form):
    on = date_field("Revoked on", help_text="Today unless you say otherwise.")
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


class TickForm(forms.Form):
    step = forms.ChoiceField(choices=OffboardingStep.Step.choices)
    note = forms.CharField(label="Note", max_length=500, required=False)


class AccessFilterForm(forms.Form):
    open = forms.BooleanField(label="Open grants only", required=False)
