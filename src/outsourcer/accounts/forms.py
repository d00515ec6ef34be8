from __future__ import annotations

import zoneinfo
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from outsourcer.accounts.models import POLICY_DEFAULTS, Role, User, Workspace
from outsourcer.accounts.settings_rules import POLICY_BOUNDS, fx_rate_problem, fx_rate_text
from outsourcer.accounts.tasks import send_password_reset_email

WEEKDAYS = [(1, "Mon"), (2, "Tue"), (3, "Wed"), (4, "Thu"), (5, "Fri"), (6, "Sat"), (7, "Sun")]


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(z, z) for z in sorted(zoneinfo.available_timezones()) if "/" in z or z == "UTC"]


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the email is a background job that makes the link when it runs."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        for user in self.get_users(self.cleaned_data["email"]):
            send_password_reset_email.enqueue(user_id=user.pk)


class SignupForm(forms.Form):
    name = forms.CharField(max_length=200, label="Your name")
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    workspace_name = forms.CharField(max_length=200, label="Business or workspace name")
    kind = forms.ChoiceField(choices=Workspace.Kind.choices, initial=Workspace.Kind.SMALL_BUSINESS)
    base_currency = forms.RegexField(
        regex=r"^[A-Z]{3}$",
        initial="USD",
        max_length=3,
        error_messages={"invalid": "Use a three-letter code such as USD."},
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="America/New_York")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("password")
        if password:
            # Checked against the would-be user, so "too similar to your email" can fire.
            candidate = User(email=data.get("email", ""), name=data.get("name", ""))
            try:
                password_validation.validate_password(password, user=candidate)
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(max_length=200, label="Your name")
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        password_validation.validate_password(password)
        return password


def _parse_fx(text: str) -> dict[str, str]:
    rates: dict[str, str] = {}
    for line in text.replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        code, sep, rate = line.partition("=")
        code = code.strip().upper()
        try:
            if not sep:
                raise ValueError(line)
            rates[code] = fx_rate_text(rate)
        except ValueError:
            raise forms.ValidationError(f"Write each rate as CODE=rate, e.g. EUR=1.08 (got {line!r}).") from None
        problem = fx_rate_problem(code, rates[code])
        if problem:
            raise forms.ValidationError(problem[:1].upper() + problem[1:] + ".")
    return rates


def _policy_field(key: str) -> forms.Field:
    kind, low, high = POLICY_BOUNDS[key]
    if kind == "integer":
        return forms.IntegerField(min_value=int(low), max_value=int(high), required=False)
    if kind == "money":
        return forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, required=False)
    return forms.DecimalField(min_value=low, max_value=high, required=False)


class WorkspaceForm(forms.ModelForm):
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    work_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAYS, coerce=int, widget=forms.CheckboxSelectMultiple, label="Working days"
    )
    fx_rates_text = forms.CharField(
        required=False,
        label="FX rates",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Units of base currency per one unit of another currency, one per line: EUR=1.08",
    )

    POLICY_FIELDS = tuple(POLICY_DEFAULTS)

    class Meta:
        model = Workspace
        # Every setting but the two JSON ones, which get fields of their own below.
        fields = tuple(f for f in Workspace.SETTINGS_FIELDS if f not in {"fx_rates", "policy"})
        widgets = {
            "work_start": forms.TimeInput(attrs={"type": "time"}),
            "work_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ws: Workspace = self.instance
        self.initial["work_days"] = ws.working_days
        self.initial["fx_rates_text"] = "\n".join(f"{k}={v}" for k, v in sorted(ws.fx_rates.items()))
        for key in self.POLICY_FIELDS:
            self.fields[key].help_text = f"Default {POLICY_DEFAULTS[key]}"
            if key in ws.policy:
                self.initial[key] = ws.policy[key]

    def clean_fx_rates_text(self) -> dict[str, str]:
        return _parse_fx(self.cleaned_data.get("fx_rates_text") or "")

    def service_data(self) -> dict[str, Any]:
        """The cleaned form as the fields `workspace_update` takes."""
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        data["fx_rates"] = self.cleaned_data["fx_rates_text"]
        policy: dict[str, Any] = {}
        for key in self.POLICY_FIELDS:
            value = self.cleaned_data.get(key)
            if value is None:
                continue
            if key == "trial_required_above":
                policy[key] = str(value)
            elif isinstance(value, Decimal):
                policy[key] = int(value) if value == value.to_integral() else float(value)
            else:
                policy[key] = value
        data["policy"] = policy
        return data


# One field per policy value, its bounds read from the one table of them (settings_rules).
for _key in POLICY_BOUNDS:
    WorkspaceForm.base_fields[_key] = _policy_field(_key)


class InviteForm(forms.Form):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.MANAGER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, initial="My script")
    access = forms.ChoiceField(
        choices=[("read", "Read only"), ("write", "Read and write")],
        initial="read",
        widget=forms.RadioSelect,
    )


class WorkspaceCreateForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Workspace.Kind.choices)
    base_currency = forms.RegexField(regex=r"^[A-Z]{3}$", initial="USD", max_length=3)
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="America/New_York")
