"""The health check's web forms: the findings filter, and quieting a finding.

The forms only parse input; whether a snooze date or a dismissal reason is acceptable is decided by
the services (`finding_snooze`, `finding_dismiss`), whose messages the views show beside the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from outsourcer.checks.models import Severity
from outsourcer.checks.registry import STAGES, rules
from outsourcer.checks.selectors import STATES

STATE_LABELS = {
    "open": "Open",
    "snoozed": "Snoozed",
    "dismissed": "Dismissed",
    "quiet": "Snoozed or dismissed",
    "resolved": "Resolved",
    "all": "All",
}


def _rule_choices() -> list[tuple[str, str]]:
    return [("", "Any rule"), *((r.id, r.id) for r in rules())]


class FindingFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[(s, STATE_LABELS[s]) for s in STATES], required=False)
    severity = forms.ChoiceField(choices=[("", "Any severity"), *Severity.choices], required=False)
    stage = forms.ChoiceField(choices=[("", "Any stage"), *STAGES.items()], required=False)
    rule = forms.ChoiceField(choices=_rule_choices, required=False)

    def filters(self) -> dict[str, str]:
        """The valid filters, for `finding_list` (a value that did not validate is left out)."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields}


class SnoozeForm(forms.Form):
    until = forms.DateField(
        label="Until",
        widget=forms.DateInput(attrs={"type": "date", "required": True}, format="%Y-%m-%d"),
        error_messages={"required": "Choose the date it should come back.", "invalid": "Enter a date."},
    )

    def __init__(self, *args: Any, earliest: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if earliest is not None:  # the browser's date picker then offers no day the service would refuse
            self.fields["until"].widget.attrs["min"] = earliest.isoformat()


class DismissForm(forms.Form):
    # Not required here: the service says why an empty reason is refused, in its own words.
    reason = forms.CharField(
        label="Why it does not apply",
        widget=forms.Textarea(attrs={"rows": 3, "required": True, "maxlength": 2000}),
        required=False,
        strip=False,
        help_text="Kept with the finding and in the activity log, so the next person knows.",
    )
