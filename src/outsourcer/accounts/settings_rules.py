"""What a workspace's settings must be, beyond what a model field can say. One place for each rule:
the settings form, the API, the bundle import and the services all ask here."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from outsourcer.core.timezones import is_iana_zone

# Each policy value's kind and bounds: the bundle schema's, plus ceilings no sane policy reaches.
POLICY_BOUNDS: dict[str, tuple[str, float, float]] = {
    "min_overlap_hours": ("number", 0, 24),
    "max_check_ins_per_week": ("number", 0, 100),
    "silence_days": ("integer", 1, 3650),
    "default_payment_terms_days": ("integer", 0, 120),
    "trial_required_above": ("money", 0, 0),
    "originality_threshold": ("number", 0, 1),
    "budget_alert_percent": ("integer", 1, 100),
}
MONEY_RE = re.compile(r"^[0-9]{1,12}(\.[0-9]{1,2})?$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
RATE_RE = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def policy_problem(policy: Any) -> str:
    """Why a policy object is not valid, or an empty string when it is."""
    if not isinstance(policy, dict):
        return "The policy must be an object of named values."
    unknown = sorted(set(policy) - set(POLICY_BOUNDS))
    if unknown:
        return f"Unknown policy keys: {', '.join(unknown)}."
    for key, value in policy.items():
        kind, low, high = POLICY_BOUNDS[key]
        if kind == "money":
            if not isinstance(value, str) or not MONEY_RE.match(value):
                return f'{key} must be an amount written as a string, e.g. "2000" or "2000.00".'
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{key} must be {'a whole number' if kind == 'integer' else 'a number'}."
        if isinstance(value, float) and (not math.isfinite(value) or (kind == "integer" and not value.is_integer())):
            return f"{key} must be {'a whole number' if kind == 'integer' else 'a finite number'}."
        if not low <= value <= high:
            return f"{key} must be between {low:g} and {high:g}."
    return ""


def fx_rate_problem(code: Any, rate: Any) -> str:
    """Why one FX entry cannot convert money, or an empty string when it can."""
    if not isinstance(code, str) or not CURRENCY_RE.match(code):
        return f"{code!r} is not a currency code (three capital letters, e.g. EUR)"
    if not isinstance(rate, str) or not RATE_RE.match(rate) or Decimal(rate) == 0:
        return f'the rate for {code} must be a positive decimal number written as a string, e.g. "1.08"'
    return ""


def fx_rate_text(value: Any) -> str:
    """A rate as the plain decimal string we store ("1.08", never "1.08E+0"), or ValueError."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(value) from exc
    if not number.is_finite() or number <= 0:
        raise ValueError(value)
    text = format(number.normalize(), "f")
    return text


def parse_hhmm(text: str) -> dt.time:
    """`HH:MM` as a naive time of day (working hours are read in the workspace's own zone)."""
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def workspace_settings_clean(data: dict[str, Any]) -> dict[str, Any]:
    """Check the settings in `data` and return them normalised (sorted days); ValidationError if not."""
    errors: dict[str, str] = {}
    clean = dict(data)
    if "time_zone" in data and not is_iana_zone(data["time_zone"]):
        errors["time_zone"] = f"{data['time_zone']!r} is not a known IANA time zone (e.g. America/New_York)."
    if data.get("policy") is not None:
        problem = policy_problem(data["policy"])
        if problem:
            errors["policy"] = problem
    fx = data.get("fx_rates")
    if fx is not None:
        if not isinstance(fx, dict):
            errors["fx_rates"] = "FX rates are an object of currency code to rate."
        else:
            problems = [p for code, rate in fx.items() if (p := fx_rate_problem(code, rate))]
            if problems:
                errors["fx_rates"] = problems[0][:1].upper() + problems[0][1:] + "."
            else:
                clean["fx_rates"] = {code: fx_rate_text(rate) for code, rate in sorted(fx.items())}
    days = data.get("work_days")
    if days is not None:
        if not isinstance(days, list) or any(isinstance(d, bool) or d not in range(1, 8) for d in days) or not days:
            errors["work_days"] = "Working days are ISO weekday numbers 1-7 (1 = Monday)."
        else:
            clean["work_days"] = sorted(set(days))
    if errors:
        raise ValidationError(errors)
    return clean


def to_base_currency(workspace: Any, amount: Decimal, currency: str) -> Decimal | None:
    """`amount` in the workspace's base currency with its FX rates; None when no rate is known."""
    if not currency or currency == workspace.base_currency:
        return amount
    rate = (workspace.fx_rates or {}).get(currency)
    if rate is None:
        return None
    return amount * Decimal(str(rate))
