"""Template helpers of the engagement pages: money, hours, rate terms and status badges, in words."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from outsourcer.engagements.models import RateModel, Status

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "") -> str:
    """E.g. `1,250.00 EUR`; empty for no amount."""
    if amount is None:
        return ""
    return f"{amount:,.2f} {currency}".strip()


@register.filter
def hours(value: Decimal | float | int | None) -> str:
    """E.g. `7.5 h`, `12 h`; empty for none."""
    if value is None:
        return ""
    text = f"{Decimal(value):,.2f}".rstrip("0").rstrip(".")
    return f"{text} h"


@register.filter
def minutes_as_hours(minutes: int | None) -> str:
    """E.g. `2 h 30 min`, `45 min`, `0 h`."""
    if minutes is None:
        return ""
    h, m = divmod(int(minutes), 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h or not m else f"{m} min"


@register.filter
def rate_terms(engagement: Any) -> str:
    """The rate model with its figures, as one line: `60.00 USD an hour, at most 20 h a week`."""
    e = engagement
    amount = money(e.rate_amount, e.rate_currency)
    if e.rate_model == RateModel.HOURLY:
        text = f"{amount} an hour" if amount else "Hourly, rate not set"
        if e.weekly_hour_cap is not None:
            text += f", at most {hours(e.weekly_hour_cap)} a week"
        return text
    if e.rate_model == RateModel.FIXED:
        return f"Fixed price of {amount}" if amount else "Fixed price, not set"
    if e.rate_model == RateModel.MILESTONE:
        return f"By milestone, {amount} in all" if amount else "By milestone"
    if e.rate_model == RateModel.RETAINER:
        text = f"Retainer of {amount} a month" if amount else "Retainer, amount not set"
        if e.retainer_included_hours is not None:
            text += f", {hours(e.retainer_included_hours)} included"
        return text
    if e.rate_model == RateModel.COMMISSION:
        percent = f"{e.commission_percent.normalize():f}%" if e.commission_percent is not None else "A commission"
        return f"{percent} of {e.commission_base}" if e.commission_base else f"{percent} commission"
    return str(e.get_rate_model_display())


@register.simple_tag
def status_badge(status: str) -> SafeString:
    """An engagement's status in words (the colour only repeats it)."""
    label = Status(status).label if status in Status.values else status
    return format_html('<span class="badge engagement-status engagement-status--{}">{}</span>', status, label)


@register.simple_tag
def score_badge(score: int | None) -> SafeString:
    """A brief completeness score: `75/100`, with a word for how far it is from done."""
    if score is None:
        return format_html('<span class="badge brief-score brief-score--none">{}</span>', "No brief")
    level = "full" if score == 100 else "good" if score >= 80 else "fair" if score >= 50 else "poor"
    return format_html('<span class="badge brief-score brief-score--{}">{}/100</span>', level, score)


@register.filter
def get_part(content: Any, name: str) -> Any:
    """One part of a brief's content (a dict), e.g. a sent version's `goals`."""
    return content.get(name) if isinstance(content, dict) else None


@register.filter
def rate_short(engagement: Any) -> str:
    """The rate for a table cell: `60.00 USD/h`, `1,500.00 USD fixed`, `10% commission`."""
    e = engagement
    amount = money(e.rate_amount, e.rate_currency)
    if e.rate_model == RateModel.HOURLY:
        return f"{amount}/h" if amount else "Hourly"
    if e.rate_model == RateModel.RETAINER:
        return f"{amount}/month" if amount else "Retainer"
    if e.rate_model == RateModel.COMMISSION:
        return f"{e.commission_percent.normalize():f}% commission" if e.commission_percent is not None else "Commission"
    label = "fixed" if e.rate_model == RateModel.FIXED else "by milestone"
    return f"{amount} {label}" if amount else str(e.get_rate_model_display())


@register.filter
def rating_parts(rating: Any) -> str:
    """The scored parts of a rating: `quality 5 · timeliness 4`; empty when only the overall was given."""
    parts = (
        ("quality", rating.quality),
        ("timeliness", rating.timeliness),
        ("communication", rating.communication),
        ("value for money", rating.value_for_money),
    )
    return " · ".join(f"{name} {value}" for name, value in parts if value is not None)
