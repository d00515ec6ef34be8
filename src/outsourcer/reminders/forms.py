"""The reminder settings form: how one member wants their reminders in one workspace."""

from __future__ import annotations

from django import forms

from outsourcer.reminders.models import Delivery

DELIVERY_HELP: dict[str, str] = {
    Delivery.EACH: "an email for each reminder, when it comes up.",
    Delivery.DAILY: "one email a day, when the working day starts, with everything since the last one.",
    Delivery.OFF: "no reminder emails from this workspace (the calendar feed keeps working).",
}


class PreferenceForm(forms.Form):
    delivery = forms.ChoiceField(
        label="Send me reminders",
        choices=[(value, f"{label}: {DELIVERY_HELP[value]}") for value, label in Delivery.choices],
        widget=forms.RadioSelect,
        initial=Delivery.EACH,
    )
