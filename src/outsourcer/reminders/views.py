"""The reminder settings page (per workspace) and the calendar feed (per person, by secret URL)."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_safe

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.models import Role, User
from outsourcer.accounts.web import public_view, render_access, workspace_view
from outsourcer.core.actor import Actor
from outsourcer.reminders.calendar import calendar_ics
from outsourcer.reminders.forms import PreferenceForm
from outsourcer.reminders.selectors import (
    BUSINESS_ROLES,
    DUE_SOON_DAYS,
    PAYMENT_DUE_DAYS,
    TIME_WAITING_DAYS,
    feed_by_token,
    feed_for_user,
    preference_for,
    reminders_for,
)
from outsourcer.reminders.services import (
    KIND_LABELS,
    calendar_feed_create,
    calendar_feed_delete,
    calendar_feed_touch,
    calendar_feed_url,
    preference_set,
)

logger = logging.getLogger(__name__)

FEED_ACTIONS = ("feed_create", "feed_reset")


def _what_you_get(access: WorkspaceAccess) -> list[str]:
    """The reminders this member's role receives here, in words."""
    if access.role == Role.CONTRACTOR:
        return [
            f"A milestone of yours due within {DUE_SOON_DAYS} days that you have not submitted yet.",
            "A milestone of yours past its due date and not submitted.",
        ]
    if access.role in BUSINESS_ROLES:
        silence = access.workspace.policy_value("silence_days")
        return [
            f"A milestone due within {DUE_SOON_DAYS} days that has not been submitted yet.",
            "A milestone past its due date and not submitted.",
            f"Hours a contractor submitted more than {TIME_WAITING_DAYS} days ago, still waiting for approval.",
            f"An engagement with no check-in for more than {silence} days (your workspace's silence limit).",
            f"An approved or scheduled invoice due to be paid within {PAYMENT_DUE_DAYS} days.",
            "An invoice past its due date and still not paid (saying so when the contractor is a preferred one).",
        ]
    return []


@workspace_view(get="portal", post="portal")
def settings_page(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """Every member's own settings: how reminders reach them here, and their calendar feed."""
    user: User = request.user  # type: ignore[assignment]
    actor = Actor.web(request)
    here = reverse("reminders:settings", kwargs={"ws": access.workspace.uuid})
    form = PreferenceForm(initial={"delivery": preference_for(workspace=access.workspace, user=user)})
    new_url = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "preference":
            form = PreferenceForm(request.POST)
            if form.is_valid():
                try:
                    preference = preference_set(
                        actor=actor, workspace=access.workspace, user=user, delivery=form.cleaned_data["delivery"]
                    )
                except ValidationError as exc:
                    form.add_error(None, exc.messages)
                else:
                    messages.success(request, f"Reminders: {preference.get_delivery_display().lower()}. Saved.")
                    return HttpResponseRedirect(here)
            status = 400
        elif action in FEED_ACTIONS:
            _feed, raw = calendar_feed_create(actor=actor, user=user)
            new_url = calendar_feed_url(raw)
        elif action == "feed_delete":
            if calendar_feed_delete(actor=actor, user=user):
                messages.success(request, "Calendar feed turned off. Its address no longer works.")
            return HttpResponseRedirect(here)
        else:
            messages.error(request, "Nothing to change: choose a setting or a calendar action.")
            status = 400
    response = render_access(
        request,
        access,
        "reminders/settings.html",
        {
            "form": form,
            "feed": feed_for_user(user=user),
            "new_url": new_url,
            "what_you_get": _what_you_get(access),
            "recent": [
                (row, KIND_LABELS.get(row.kind, row.kind))
                for row in reminders_for(workspace=access.workspace, user=user)
            ],
            "role_label": Role(access.role).label.lower() if access.role in Role.values else access.role,
        },
    )
    response.status_code = status
    if new_url:
        response["Cache-Control"] = "no-store"  # the secret address is on this page, once
    return response


def _not_found() -> HttpResponse:
    response = HttpResponseNotFound("No such calendar.\n", content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@public_view
@require_safe
def feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """A person's due dates as iCalendar, for whoever holds the secret address (a calendar app)."""
    found = feed_by_token(raw=feed_token)
    if found is None:
        return _not_found()
    body = calendar_ics(user=found.user)
    calendar_feed_touch(feed=found)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["Content-Disposition"] = 'inline; filename="outsourcer.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response
