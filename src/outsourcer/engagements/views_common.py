"""What the engagement pages share: rendering with the write flag, service errors on forms, finding rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import render_access
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Brief, CommunicationPlan, Engagement


def render_page(
    request: HttpRequest, access: WorkspaceAccess, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render_access(request, access, template, {"can_write": access.can("write"), **context})
    response.status_code = status
    return response


def add_errors(form: Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """A service's refusal, shown beside the field it is about (or above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        name = (aliases or {}).get(field, field)
        form.add_error(name if name in form.fields else None, errors)


def error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def disable(form: Form) -> None:
    for field in form.fields.values():
        field.disabled = True


def today(access: WorkspaceAccess) -> dt.date:
    return today_in(access.workspace.time_zone)


def get_engagement(access: WorkspaceAccess, public_id: Any) -> Engagement:
    """The engagement with what every tab shows of it: contractor, commitment, brief and plan (one query)."""
    rows = Engagement.objects.select_related("contractor", "customer_commitment", "brief", "communication")
    engagement = access.get(rows, public_id)
    engagement.workspace = access.workspace  # the door found it there: no query for it
    engagement.contractor.workspace = access.workspace
    return engagement


def brief_of(engagement: Engagement) -> Brief | None:
    return getattr(engagement, "brief", None)


def plan_of(engagement: Engagement) -> CommunicationPlan | None:
    return getattr(engagement, "communication", None)


def engagement_url(engagement: Engagement, name: str = "detail", anchor: str = "") -> str:
    url = reverse(f"engagements:{name}", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid})
    return f"{url}#{anchor}" if anchor else url
