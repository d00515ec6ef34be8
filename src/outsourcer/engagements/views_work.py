"""The tabs of one engagement where the work is set up and run: the brief (with its live completeness
score and sent versions), the communication plan, the check-in log and the contractor's time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import workspace_view
from outsourcer.contractors.selectors import contractor_overlap
from outsourcer.core.actor import Actor
from outsourcer.engagements.briefs import PART_LABELS, PARTS, Completeness, brief_completeness
from outsourcer.engagements.forms import (
    BriefForm,
    BriefSendForm,
    CheckInForm,
    CommunicationForm,
    TimeDecisionForm,
    TimeEntryForm,
)
from outsourcer.engagements.models import RUNNING, CheckIn, Engagement, TimeEntry
from outsourcer.engagements.selectors import check_in_list, time_entry_list, weekly_cap_history
from outsourcer.engagements.services import (
    brief_changed_since_sent,
    brief_content,
    brief_save,
    brief_send,
    check_in_add,
    check_in_delete,
    check_in_update,
    communication_save,
    iso_week_start,
    time_entry_add,
    time_entry_decide,
    time_entry_delete,
    time_entry_submit,
    time_entry_update,
)
from outsourcer.engagements.views_common import (
    add_errors,
    brief_of,
    disable,
    engagement_url,
    error_text,
    get_engagement,
    plan_of,
    render_page,
    today,
)

# --- The brief ------------------------------------------------------------------------------------


def _score_context(completeness: Completeness) -> dict[str, Any]:
    weights = {part: weight for part, weight, _advice in PARTS}
    return {
        "score": completeness.score,
        "complete": completeness.complete,
        "missing": [{**m, "label": PART_LABELS[m["part"]], "weight": weights[m["part"]]} for m in completeness.missing],
        "thin": [{**t, "label": PART_LABELS[t["part"]]} for t in completeness.thin],
    }


def _brief_context(
    access: WorkspaceAccess, engagement: Engagement, form: BriefForm, send_form: BriefSendForm
) -> dict[str, Any]:
    brief = brief_of(engagement)
    content = brief_content(brief)
    # While the form is being corrected, the score is of what was typed, as the live score showed it.
    scored = {name: form.data.get(name, "") for name in BriefForm.base_fields} if form.is_bound else content
    versions = list(brief.versions.select_related("sent_by")) if brief is not None else []
    if not access.can("write"):
        disable(form)
    return {
        "engagement": engagement,
        "tab": "brief",
        "form": form,
        "send_form": send_form,
        "score": _score_context(brief_completeness(scored)),
        "versions": versions,
        "latest": versions[0] if versions else None,
        "changed": brief_changed_since_sent(brief) if versions else False,
        "has_content": any(content.values()),
        "labels": PART_LABELS,
    }


@workspace_view(get="read", post="write")
def brief(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    posted = request.method == "POST"
    form = BriefForm(request.POST if posted else None, initial=BriefForm.initial_for(brief_content(brief_of(obj))))
    if posted and form.is_valid():
        try:
            saved = brief_save(actor=Actor.web(request), engagement=obj, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            score = brief_completeness(brief_content(saved)).score
            note = (
                " It differs from the version the contractor has: send it when you are ready."
                if (brief_changed_since_sent(saved))
                else ""
            )
            messages.success(request, f"Saved the brief; it scores {score} out of 100.{note}")
            return redirect(engagement_url(obj, "brief"))
    context = _brief_context(access, obj, form, BriefSendForm())
    return render_page(request, access, "engagements/brief.html", context, 400 if form.is_bound else 200)


@workspace_view(get=None, post="write")
def brief_score(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    """The completeness score of the brief as typed (unsaved), for the live panel beside the form."""
    obj = get_engagement(access, engagement)
    content = {name: request.POST.get(name, "")[:20000] for name in BriefForm.base_fields}
    context = {"engagement": obj, "score": _score_context(brief_completeness(content))}
    return render_page(request, access, "engagements/_brief_score.html", context)


@workspace_view(get=None, post="write")
def brief_send_page(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    send_form = BriefSendForm(request.POST)
    if send_form.is_valid():
        try:
            version = brief_send(actor=Actor.web(request), engagement=obj, note=send_form.cleaned_data["note"])
        except ValidationError as exc:
            send_form.add_error(None, error_text(exc))
        else:
            how = "by email and in their portal" if obj.contractor.email else "in their portal (no email address known)"
            messages.success(request, f"Sent version {version.number} of the brief to {obj.contractor.name}, {how}.")
            return redirect(engagement_url(obj, "brief"))
    form = BriefForm(initial=BriefForm.initial_for(brief_content(brief_of(obj))))
    context = _brief_context(access, obj, form, send_form)
    return render_page(request, access, "engagements/brief.html", context, 400)


# --- The communication plan -----------------------------------------------------------------------


def _overlap(access: WorkspaceAccess, engagement: Engagement, needed: Decimal | None) -> dict[str, Any]:
    """The worst working day ahead, as the contractor page works it out, against the hours needed."""
    start = today(access)
    report = contractor_overlap(workspace=access.workspace, contractor=engagement.contractor, start=start)
    worst = report.worst if report is not None else None
    needed_minutes = int(needed * 60) if needed is not None else None
    short = worst is not None and needed_minutes is not None and worst.minutes < needed_minutes
    return {
        "known": report is not None,
        "worst": worst,
        "needed_minutes": needed_minutes,
        "short": short,
        "short_by": (needed_minutes - worst.minutes) if short and worst is not None and needed_minutes else 0,
        "start": start,
    }


@workspace_view(get="read", post="write")
def communication(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    plan = plan_of(obj)
    posted = request.method == "POST"
    form = CommunicationForm(request.POST if posted else None, initial=CommunicationForm.initial_for(plan))
    if posted and form.is_valid():
        try:
            communication_save(actor=Actor.web(request), engagement=obj, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved the communication plan.")
            return redirect(engagement_url(obj, "communication"))
    if not access.can("write"):
        disable(form)
    needed = plan.needs_overlap_hours if plan is not None else None
    context = {"engagement": obj, "tab": "communication", "form": form, "plan": plan, **_overlap(access, obj, needed)}
    return render_page(request, access, "engagements/communication.html", context, 400 if form.is_bound else 200)


# --- Check-ins ------------------------------------------------------------------------------------

WINDOW_DAYS = 14  # as the micromanaging rule looks back
PUSHY_KINDS = (CheckIn.Kind.STATUS_REQUEST, CheckIn.Kind.MEETING)


def _check_in_summary(access: WorkspaceAccess, rows: list[CheckIn]) -> dict[str, Any]:
    policy = access.workspace.effective_policy
    day = today(access)
    since = day - dt.timedelta(days=WINDOW_DAYS)
    pushed = [c for c in rows if c.on > since and c.on <= day and c.initiated_by == "us" and c.kind in PUSHY_KINDS]
    limit = Decimal(str(policy["max_check_ins_per_week"])) * 2
    last = max((c.on for c in rows if c.on <= day), default=None)
    silence = int(policy["silence_days"])
    quiet = (day - last).days if last is not None else None
    return {
        "pushed": len(pushed),
        "limit": limit.normalize(),
        "too_many": len(pushed) > limit,
        "last": last,
        "quiet_days": quiet,
        "silence_days": silence,
        "too_quiet": quiet is None or quiet > silence,
        "window": WINDOW_DAYS,
    }


@workspace_view(get="read", post="write")
def check_ins(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    posted = request.method == "POST"
    form = CheckInForm(request.POST if posted else None, initial={"on": today(access), "initiated_by": "us"})
    if posted and form.is_valid():
        try:
            made = check_in_add(actor=Actor.web(request), engagement=obj, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Logged the {made.get_kind_display().lower()} of {made.on:%-d %b %Y}.")
            return redirect(engagement_url(obj, "check_ins"))
    if not access.can("write"):
        disable(form)
    rows = list(check_in_list(engagement=obj))
    context = {
        "engagement": obj,
        "tab": "check_ins",
        "form": form,
        "rows": rows,
        "summary": _check_in_summary(access, rows),
    }
    return render_page(request, access, "engagements/check_ins.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def check_in_edit(request: HttpRequest, access: WorkspaceAccess, check_in: Any) -> HttpResponse:
    row = access.get(CheckIn.objects.select_related("engagement__contractor"), check_in)
    obj = row.engagement
    posted = request.method == "POST"
    if posted and request.POST.get("delete"):
        check_in_delete(actor=Actor.web(request), check_in=row)
        messages.success(request, f"Deleted the {row.get_kind_display().lower()} of {row.on:%-d %b %Y}.")
        return redirect(engagement_url(obj, "check_ins"))
    form = CheckInForm(request.POST if posted else None, initial=CheckInForm.initial_for(row))
    if posted and form.is_valid():
        try:
            check_in_update(actor=Actor.web(request), check_in=row, data=form.service_data())
        except ValidationError as exc:
            row.refresh_from_db()
            add_errors(form, exc)
        else:
            messages.success(request, f"Saved the {row.get_kind_display().lower()} of {row.on:%-d %b %Y}.")
            return redirect(engagement_url(obj, "check_ins"))
    if not access.can("write"):
        disable(form)
    context = {"engagement": obj, "tab": "check_ins", "form": form, "row": row}
    return render_page(request, access, "engagements/check_in_edit.html", context, 400 if form.is_bound else 200)


# --- Time -----------------------------------------------------------------------------------------

WEEKS_SHOWN = 8
BAR_WIDTH = 320  # the SVG's drawing width for the fullest week


def _weeks(engagement: Engagement, day: dt.date) -> list[dict[str, Any]]:
    """The current ISO week and the seven before it, with the widths their bars are drawn at."""
    weeks = weekly_cap_history(engagement=engagement, last_week_start=iso_week_start(day), weeks=WEEKS_SHOWN)
    cap = engagement.weekly_hour_cap
    top = max([cap or Decimal(0), *(w["approved"] + w["waiting"] for w in weeks)]) or Decimal(1)
    scale = Decimal(BAR_WIDTH) / top
    found = []
    for w in reversed(weeks):  # the current week first
        used = w["approved"] + w["waiting"]
        found.append(
            {
                **w,
                "used": used,
                "current": w["week_start"] == iso_week_start(day),
                "approved_width": int(w["approved"] * scale),
                "waiting_width": int(w["waiting"] * scale),
                "cap_x": int(cap * scale) if cap else None,
            }
        )
    return found


def _time_context(
    access: WorkspaceAccess, engagement: Engagement, form: TimeEntryForm, error: str = ""
) -> dict[str, Any]:
    if not access.can("write"):
        disable(form)
    entries = list(time_entry_list(engagement=engagement))
    return {
        "engagement": engagement,
        "tab": "time",
        "form": form,
        "entries": entries,
        "weeks": _weeks(engagement, today(access)),
        "bar_width": BAR_WIDTH,
        "running": engagement.status in RUNNING,
        "waiting": sum(1 for e in entries if e.status == TimeEntry.Status.SUBMITTED),
        "error": error,
    }


@workspace_view(get="read", post="write")
def time(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    posted = request.method == "POST"
    form = TimeEntryForm(request.POST if posted else None, initial={"worked_on": today(access), "submit": True})
    if posted and form.is_valid():
        submit = form.cleaned_data["submit"]
        try:
            entry = time_entry_add(actor=Actor.web(request), engagement=obj, data=form.service_data(), submit=submit)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            state = "sent for approval" if submit else "kept as a draft"
            messages.success(request, f"Logged {entry.hours.normalize():f} h on {entry.worked_on:%-d %b %Y}, {state}.")
            return redirect(engagement_url(obj, "time"))
    context = _time_context(access, obj, form)
    return render_page(request, access, "engagements/time.html", context, 400 if form.is_bound else 200)


def _time_url(entry: TimeEntry) -> str:
    return reverse("engagements:time", kwargs={"ws": entry.workspace.uuid, "engagement": entry.engagement.uuid})


def _entry(access: WorkspaceAccess, time_entry: Any) -> TimeEntry:
    entry = access.get(TimeEntry.objects.select_related("engagement__contractor", "decided_by"), time_entry)
    entry.workspace = entry.engagement.workspace = access.workspace
    return entry


@workspace_view(get="read", post="write")
def time_entry(request: HttpRequest, access: WorkspaceAccess, time_entry: Any) -> HttpResponse:
    """One entry not yet approved: correct it, submit it or delete it. An approved one is only shown."""
    entry = _entry(access, time_entry)
    posted = request.method == "POST"
    action = request.POST.get("action", "save") if posted else ""
    error = ""
    if posted and action in ("submit", "delete"):
        try:
            if action == "submit":
                time_entry_submit(actor=Actor.web(request), entry=entry)
                messages.success(
                    request, f"Sent {entry.hours.normalize():f} h of {entry.worked_on:%-d %b} for approval."
                )
            else:
                time_entry_delete(actor=Actor.web(request), entry=entry)
                messages.success(request, f"Deleted {entry.hours.normalize():f} h of {entry.worked_on:%-d %b}.")
        except ValidationError as exc:
            error = error_text(exc)
        else:
            return redirect(_time_url(entry))
    form = TimeEntryForm(
        request.POST if posted and action == "save" else None, initial=TimeEntryForm.initial_for(entry)
    )
    del form.fields["submit"]
    if posted and action == "save" and form.is_valid():
        try:
            time_entry_update(actor=Actor.web(request), entry=entry, data=form.service_data())
        except ValidationError as exc:
            entry.refresh_from_db()
            add_errors(form, exc)
        else:
            messages.success(request, f"Saved the entry of {entry.worked_on:%-d %b %Y}.")
            return redirect(_time_url(entry))
    if entry.is_locked or not access.can("write"):
        disable(form)
    context = {"engagement": entry.engagement, "tab": "time", "entry": entry, "form": form, "error": error}
    return render_page(request, access, "engagements/time_entry.html", context, 400 if posted else 200)


@workspace_view(get=None, post="write")
def time_entry_decide_page(request: HttpRequest, access: WorkspaceAccess, time_entry: Any) -> HttpResponse:
    entry = _entry(access, time_entry)
    decision = TimeDecisionForm(request.POST)
    error = ""
    if not decision.is_valid():
        error = "Choose to approve or reject the hours."
    else:
        approve = decision.cleaned_data["decision"] == "approve"
        try:
            time_entry_decide(
                actor=Actor.web(request), entry=entry, approve=approve, reason=decision.cleaned_data["reason"]
            )
        except ValidationError as exc:
            error = error_text(exc)
        else:
            what = f"{entry.hours.normalize():f} h of {entry.worked_on:%-d %b %Y}"
            if approve:
                messages.success(request, f"Approved {what}; the entry is locked now.")
            else:
                messages.success(request, f"Rejected {what}; {entry.engagement.contractor.name} sees why.")
            return redirect(_time_url(entry))
    form = TimeEntryForm(initial={"worked_on": today(access), "submit": True})
    context = _time_context(
        access, entry.engagement, form, f"{entry.hours.normalize():f} h of {entry.worked_on:%-d %b %Y}: {error}"
    )
    context["error_entry"] = entry.pk
    return render_page(request, access, "engagements/time.html", context, 400)
