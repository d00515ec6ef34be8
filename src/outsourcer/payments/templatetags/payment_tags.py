"""Template helpers of the money pages: an invoice's status and channel in words."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from outsourcer.payments.models import Channel, Status

register = template.Library()


@register.simple_tag
def invoice_status(status: str) -> SafeString:
    """An invoice's status in words (the colour only repeats it)."""
    label = Status(status).label if status in Status.values else status
    return format_html('<span class="badge invoice-status invoice-status--{}">{}</span>', status, label)


@register.filter
def channel_label(channel: str) -> str:
    """E.g. `ACH / bank transfer`; empty for none."""
    return str(Channel(channel).label) if channel in Channel.values else channel


@register.filter
def signed_days(days: int) -> str:
    """`3 days`, `1 day`."""
    return f"{days} day" if days == 1 else f"{days} days"
