"""Small template helpers for the Outsourcer pages (display only: no data is changed here)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

WEEKDAY_NAMES = {1: "Mon", 2: "Tue", 3: "Wed", 4: "Thu", 5: "Fri", 6: "Sat", 7: "Sun"}

# One line per health-check policy key, for the dashboard's policy table.
POLICY_HINTS = {
    "min_overlap_hours": "Hours of your working day a contractor's day should overlap",
    "max_check_ins_per_week": "Check-ins a week before managing turns into micromanaging",
    "silence_days": "Days without word before an engagement counts as gone quiet",
    "default_payment_terms_days": "Days you allow yourself to pay an approved invoice",
    "trial_required_above": "Work worth more than this (base currency) should start with a paid trial",
    "originality_threshold": "Similarity (0 to 1) at which delivered work is flagged for a closer look",
    "budget_alert_percent": "Share of an engagement's budget spent before you are warned",
}


@register.filter
def humanize_key(value: Any) -> str:
    """`min_overlap_hours` -> `Min overlap hours`."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


POLICY_UNITS = {
    "min_overlap_hours": "hours",
    "max_check_ins_per_week": "a week",
    "silence_days": "days",
    "default_payment_terms_days": "days",
    "budget_alert_percent": "%",
}


@register.filter
def policy_unit(key: Any) -> str:
    return POLICY_UNITS.get(str(key), "")


@register.filter
def policy_hint(key: Any) -> str:
    return POLICY_HINTS.get(str(key), "")


@register.filter
def weekday_names(days: Any) -> str:
    """ISO weekday numbers as short names, runs collapsed: [1, 2, 3, 4, 5] -> `Mon-Fri`."""
    try:
        numbers = sorted({int(d) for d in days or []})
    except (TypeError, ValueError):
        return ""
    runs: list[list[int]] = []
    for day in numbers:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        first, last = WEEKDAY_NAMES.get(run[0], "?"), WEEKDAY_NAMES.get(run[-1], "?")
        if len(run) >= 3:
            parts.append(f"{first}\u2013{last}")
        else:
            parts.extend(WEEKDAY_NAMES.get(d, "?") for d in run)
    return ", ".join(parts)


@register.filter
def audit_value(value: Any) -> str:
    """One value of an audit change, short and readable."""
    if value is None or value == "":
        return "\u2014"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        text = ", ".join(f"{k}={audit_value(v)}" for k, v in value.items()) or "\u2014"
    elif isinstance(value, list | tuple):
        text = ", ".join(audit_value(v) for v in value) or "\u2014"
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:79] + "\u2026"


@register.filter
def is_pair(value: Any) -> bool:
    """An audit change stored as [old, new]."""
    return isinstance(value, list | tuple) and len(value) == 2


ACTION_LABELS = {
    "bundle.import": "imported a bundle into",
    "check.run": "ran the health check",
    "finding.dismiss": "dismissed the finding",
    "finding.reopen": "reopened the finding",
    "finding.snooze": "snoozed the finding",
    "invitation.accept": "accepted",
    "invitation.create": "sent",
    "invitation.revoke": "withdrew",
    "member.add": "added",
    "member.remove": "removed",
    "member.role": "changed the role of",
    "task.create": "added the task",
    "task.delete": "removed the task",
    "task.import": "imported a time audit into",
    "task.update": "changed the task",
    "token.create": "created API token",
    "token.revoke": "revoked API token",
    "user.create": "created account",
    "workspace.create": "created workspace",
    "workspace.update": "changed settings of",
}


@register.filter
def action_label(action: Any) -> str:
    """An audit action in words: `token.create` -> `created API token`; unknown ones as they are."""
    key = str(action)
    if key in ACTION_LABELS:
        return ACTION_LABELS[key]
    noun, _, verb = key.partition(".")
    return f"{verb.replace('_', ' ')} {noun.replace('_', ' ')}".strip() if verb else key


@register.filter
def ago(value: Any) -> str:
    """`just now`, `5 minutes ago`, `3 days ago`: one unit, for lists."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if not value:
        return ""
    if (timezone.now() - value).total_seconds() < 60:
        return "just now"
    return f"{timesince(value, depth=1)} ago"


@register.simple_tag
def signup_open() -> bool:
    """Whether this server lets strangers create an account (OUTSOURCER_ALLOW_SIGNUP)."""
    from django.conf import settings

    return bool(getattr(settings, "ALLOW_SIGNUP", True))
