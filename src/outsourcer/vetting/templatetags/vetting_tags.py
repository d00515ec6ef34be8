"""Template helpers of the vetting pages: stage and standing badges, hours and money as people read them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from outsourcer.contractors.models import Stage
from outsourcer.vetting.charts import day_label, hours_text
from outsourcer.vetting.selectors import STANDING_LABELS

register = template.Library()


@register.simple_tag
def stage_badge(stage: str) -> SafeString:
    """A contractor's stage, named in words (the colour only repeats it)."""
    label = Stage(stage).label if stage in Stage.values else stage
    return format_html('<span class="badge stage stage--{}">{}</span>', stage, label)


@register.simple_tag
def standing_badge(standing: str, percent: int | None = None) -> SafeString:
    """A scorecard's standing, with its score when there is one."""
    label = STANDING_LABELS.get(standing, standing)
    if percent is None:
        return format_html('<span class="badge standing standing--{}">{}</span>', standing, label)
    return format_html(
        '<span class="badge standing standing--{}">{} <span class="standing__score">{}%</span></span>',
        standing,
        label,
        percent,
    )


@register.filter
def minutes_as_hours(minutes: int | None) -> str:
    return "" if minutes is None else hours_text(int(minutes))


@register.filter
def as_day(day: dt.date | None) -> str:
    return "" if day is None else day_label(day)


@register.filter
def rate(amount: Decimal | None, currency: str = "") -> str:
    """E.g. `1,250.00 EUR`; empty for no amount."""
    if amount is None:
        return ""
    return f"{amount:,.2f} {currency}".strip()


DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@register.filter
def weekdays(days: list[int]) -> str:
    """ISO weekdays as people say them: `Mon-Fri` (with an en dash), or `Mon, Wed, Fri`."""
    ordered = sorted(set(days))
    if not ordered:
        return ""
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0] - 1]}\u2013{DAY_NAMES[ordered[-1] - 1]}"
    return ", ".join(DAY_NAMES[d - 1] for d in ordered)
