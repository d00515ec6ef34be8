"""The web face of delivering: every milestone, an engagement's milestones, one milestone with its
submissions, our review against the brief, the originality panel and the delivery to the customer;
the customer-commitment timeline; and the reference texts the originality check compares with."""

from __future__ import annotations

import datetime as dt
import mimetypes
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import render_access, workspace_view
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables.charts import legend, timeline_chart
from outsourcer.deliverables.forms import (
    DeliverForm,
    MilestoneEditForm,
    MilestoneFilterForm,
    MilestoneForm,
    ReferenceTextForm,
    ReviewForm,
    ShareForm,
    SubmissionForm,
)
from outsourcer.deliverables.models import (
    Milestone,
    OriginalityMatch,
    ReferenceText,
    Review,
    Submission,
    SubmissionFile,
)
from outsourcer.deliverables.originality import MIN_WORDS
from outsourcer.deliverables.selectors import (
    MilestonePage,
    commitment_timeline,
    engagement_choices,
    engagement_milestones,
    milestone_is_overdue,
    milestone_list,
    milestone_page,
    reference_text_list,
    review_rows,
)
from outsourcer.deliverables.services import (
    CANCELLABLE_STATUSES,
    EARLIEST_DAY,
    UnreviewedDelivery,
    milestone_can_reopen,
    milestone_create,
    milestone_delete,
    milestone_deliver_to_customer,
    milestone_update,
    reference_text_add,
    reference_text_delete,
    review_create,
    review_set_shared,
    submission_create,
)
from outsourcer.engagements.models import ENDED, RUNNING, Engagement

PAGE_SIZE = 50
# Downloads are always attachments; these types keep their name, anything else goes as plain bytes.
DOWNLOAD_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "text/plain",
        "text/csv",
        "application/zip",
        "application/msword",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    }
)
SUBMITTABLE = (Milestone.Status.ACCEPTED, Milestone.Status.CANCELLED, Milestone.Status.REJECTED)


def _render(
    request: HttpRequest, access: WorkspaceAccess, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render_access(request, access, template, {"can_write": access.can("write"), **context})
    response.status_code = status
    return response


def _add_errors(form: Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """A service's refusal, shown beside the field it is about (or above the form)."""
    for name, errors in exc.message_dict.items():
        target = (aliases or {}).get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def _disable(form: Form) -> None:
    for field in form.fields.values():
        field.disabled = True


def _today(access: WorkspaceAccess) -> dt.date:
    return today_in(access.workspace.time_zone)


def _milestone(access: WorkspaceAccess, public_id: Any) -> Milestone:
    return access.get(Milestone.objects.select_related("engagement__contractor"), public_id)


def _milestone_url(milestone: Milestone, anchor: str = "") -> str:
    url = reverse("deliverables:milestone", kwargs={"ws": milestone.workspace.uuid, "milestone": milestone.uuid})
    return f"{url}#{anchor}" if anchor else url


def _milestones_url(engagement: Engagement, anchor: str = "") -> str:
    url = reverse(
        "deliverables:engagement_milestones", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid}
    )
    return f"{url}#{anchor}" if anchor else url


# --- Every milestone ------------------------------------------------------------------------------------


@workspace_view(get="read")
def milestone_list_page(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    today = _today(access)
    choices = engagement_choices(workspace=ws)
    filters = MilestoneFilterForm(request.GET or None, engagements=choices)
    chosen: dict[str, Any] = {"status": "", "engagement": "", "due": "all"}
    if filters.is_bound:
        filters.is_valid()  # an unknown value is reported and left out; the others still apply
        chosen.update({k: v for k, v in filters.cleaned_data.items() if v})
    engagement = None
    if chosen["engagement"]:
        engagement = Engagement.objects.filter(workspace=ws, uuid=chosen["engagement"]).first()
    rows = milestone_list(
        workspace=ws, today=today, status=chosen["status"], engagement=engagement, due=chosen["due"] or "all"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in chosen.items() if v and not (k == "due" and v == "all")})
    context = {
        "filters": filters,
        "page": page,
        "rows": [_list_row(m, today) for m in page.object_list],
        "today": today,
        "query": query,
        "filtered": bool(query),
        "due": chosen["due"] or "all",
        "has_engagements": bool(choices) or Milestone.objects.filter(workspace=ws).exists(),
    }
    return _render(request, access, "deliverables/list.html", context)


@dataclass(frozen=True)
class ListRow:
    milestone: Milestone
    overdue_days: int  # 0 when not overdue
    review_state: str


REVIEW_STATES: dict[str, str] = {
    Review.Decision.ACCEPTED: "Accepted",
    Review.Decision.REVISION_REQUESTED: "Revision requested",
    Review.Decision.REJECTED: "Rejected",
}


def _review_state(milestone: Milestone) -> str:
    """Where our review stands: waiting (work came in since the last review), or the last decision."""
    if milestone.status == Milestone.Status.SUBMITTED:
        return "Waiting for our review"  # a review moves the milestone on; new work brings it back here
    decision = getattr(milestone, "review_decision", None)
    if decision is None:
        return "Not reviewed"
    return REVIEW_STATES.get(decision, str(decision))


def _list_row(milestone: Milestone, today: dt.date) -> ListRow:
    overdue = (today - milestone.due_on).days if milestone_is_overdue(milestone, today) else 0
    return ListRow(milestone=milestone, overdue_days=overdue, review_state=_review_state(milestone))


# --- An engagement's milestones ----------------------------------------------------------------------------


def _engagement(access: WorkspaceAccess, public_id: Any) -> Engagement:
    return access.get(Engagement.objects.select_related("contractor"), public_id)


@workspace_view(get="read", post="write")
def engagement_milestones_page(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = _engagement(access, engagement)
    posted = request.method == "POST"
    form = MilestoneForm(request.POST if posted else None, prefix="new")
    form.fields["amount"].help_text = f"What it pays, in {obj.rate_currency}."
    if posted and form.is_valid():
        try:
            milestone = milestone_create(actor=Actor.web(request), engagement=obj, data=form.service_data())
        except ValidationError as exc:
            _add_errors(form, exc, {"engagement": "__all__", "due_on": "due_on"})
        else:
            messages.success(request, f"Added the milestone “{milestone.title}”, due {milestone.due_on:%-d %b %Y}.")
            return redirect(_milestones_url(obj, "milestones"))
    ended = obj.status in ENDED
    if not access.can("write") or ended:
        _disable(form)
    today = _today(access)
    rows = [_list_row(m, today) for m in engagement_milestones(engagement=obj)]
    context = {
        "engagement": obj,
        "tab": "milestones",
        "form": form,
        "rows": rows,
        "ended": ended,
        "total": sum((r.milestone.amount or 0) for r in rows if r.milestone.status != Milestone.Status.CANCELLED),
    }
    return _render(request, access, "deliverables/engagement_milestones.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def milestone_edit(request: HttpRequest, access: WorkspaceAccess, milestone: Any) -> HttpResponse:
    obj = _milestone(access, milestone)
    engagement = obj.engagement
    posted = request.method == "POST"
    action = request.POST.get("action", "save") if posted else ""
    refusal = ""
    if action == "delete":
        title = obj.title
        try:
            milestone_delete(actor=Actor.web(request), milestone=obj)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        else:
            messages.success(request, f"Deleted the milestone “{title}”.")
            return redirect(_milestones_url(engagement, "milestones"))
    elif action in ("cancel", "reopen"):
        cancel = action == "cancel"
        if (obj.status == Milestone.Status.CANCELLED) == cancel:  # nothing would change
            refusal = (
                "This milestone is cancelled already."
                if cancel
                else "This milestone is not cancelled: there is nothing to reopen."
            )
        else:
            wanted = Milestone.Status.CANCELLED if cancel else Milestone.Status.PLANNED
            try:
                milestone_update(actor=Actor.web(request), milestone=obj, data={"status": wanted})
            except ValidationError as exc:
                obj.refresh_from_db()
                refusal = " ".join(exc.messages)
            else:
                if cancel:
                    messages.success(request, f"Cancelled the milestone “{obj.title}”. It stays on the record.")
                else:
                    messages.success(request, f"Reopened the milestone “{obj.title}”: it is planned again.")
                return redirect(_milestones_url(engagement, "milestones"))
    elif posted and action != "save":
        refusal = "Choose to save, cancel, reopen or delete the milestone."
    form = MilestoneEditForm(request.POST if action == "save" else None, milestone=obj)
    if action == "save" and form.is_valid():
        try:
            milestone_update(actor=Actor.web(request), milestone=obj, data=form.service_data())
        except ValidationError as exc:
            obj.refresh_from_db()  # the refused values were set on it while checking
            _add_errors(form, exc)
        else:
            messages.success(request, f"Saved the milestone “{obj.title}”.")
            return redirect(_milestones_url(engagement, "milestones"))
    if not access.can("write"):
        _disable(form)
    context = {
        "milestone": obj,
        "engagement": engagement,
        "form": form,
        "refusal": refusal,
        "cancellable": obj.status in CANCELLABLE_STATUSES,
        "reopenable": milestone_can_reopen(obj),
    }
    status = 400 if posted else 200
    return _render(request, access, "deliverables/milestone_edit.html", context, status)


# --- One milestone -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubmissionView:
    submission: Submission
    links: list[tuple[str, bool]]  # (address, is a web address we may link to)
    files: list[SubmissionFile]


@dataclass(frozen=True)
class MatchView:
    match: OriginalityMatch
    percent: int
    needs_review: bool
    kind: str  # "submission" or "reference"
    title: str
    detail: str
    url: str
    passages: list[str]


def _match_view(match: OriginalityMatch, threshold: float, ws_uuid: Any) -> MatchView:
    other = match.other
    passages = [str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in match.passages or []]
    if other.submission is not None:
        earlier = other.submission
        milestone = earlier.milestone
        engagement = milestone.engagement
        kind, title = "submission", milestone.title
        url = reverse("deliverables:milestone", kwargs={"ws": ws_uuid, "milestone": milestone.uuid})
        detail = f"{engagement.title} · {engagement.contractor.name}, submitted {earlier.submitted_on:%-d %b %Y}"
    else:
        reference = other.reference_text
        kind, title = "reference", reference.title if reference is not None else "A reference text"
        url = reverse("deliverables:reference_texts", kwargs={"ws": ws_uuid})
        detail = reference.source if reference is not None else ""
    return MatchView(
        match=match,
        percent=round(match.similarity * 100),
        needs_review=match.similarity >= threshold,
        kind=kind,
        title=title,
        detail=detail,
        url=url,
        passages=[p for p in passages if p.strip()],
    )


def _is_web(link: str) -> bool:
    return link.lower().startswith(("http://", "https://"))


def _submission_dates(milestone: Milestone, today: dt.date) -> dict[str, dt.date]:
    """The dates a recorded submission may state (the service says why another is refused)."""
    start = milestone.engagement.start_on
    return {"earliest": min(start or EARLIEST_DAY, today), "latest": today}


def _milestone_context(
    request: HttpRequest,
    access: WorkspaceAccess,
    milestone: Milestone,
    *,
    review_form: ReviewForm | None = None,
    submission_form: SubmissionForm | None = None,
    deliver_form: DeliverForm | None = None,
) -> dict[str, Any]:
    ws = access.workspace
    today = _today(access)
    page: MilestonePage = milestone_page(milestone=milestone)
    threshold = float(ws.effective_policy["originality_threshold"])
    can_write = access.can("write")
    # Work waiting for a decision; once decided, the next review comes with the next submission.
    reviewable = page.latest is not None and milestone.status == Milestone.Status.SUBMITTED
    submittable = milestone.status not in SUBMITTABLE and milestone.engagement.status in RUNNING
    if review_form is None:
        review_form = ReviewForm(criteria=page.criteria, initial={"reviewed_on": today})
    if submission_form is None:
        dates = _submission_dates(milestone, today)
        submission_form = SubmissionForm(initial={"submitted_on": today}, prefix="sub", **dates)
    if deliver_form is None:
        deliver_form = DeliverForm(initial={"on": today})
    matches = [_match_view(m, threshold, ws.uuid) for m in page.matches]
    return {
        "milestone": milestone,
        "engagement": milestone.engagement,
        "page": page,
        "submissions": [
            SubmissionView(s, [(link, _is_web(str(link))) for link in s.links or []], list(s.files.all()))
            for s in page.submissions
        ],
        "reviews": [(r, review_rows(r)) for r in page.reviews],
        "review_form": review_form if can_write and reviewable else None,
        "reviewable": reviewable,
        "submission_form": submission_form if can_write and submittable else None,
        "submittable": submittable,
        "deliver_form": deliver_form if can_write else None,
        "matches": matches,
        "flagged": [m for m in matches if m.needs_review],
        "threshold_percent": round(threshold * 100),
        "min_words": MIN_WORDS,
        "overdue_days": (today - milestone.due_on).days if milestone_is_overdue(milestone, today) else 0,
        "today": today,
    }


@workspace_view(get="read")
def milestone_detail(request: HttpRequest, access: WorkspaceAccess, milestone: Any) -> HttpResponse:
    obj = _milestone(access, milestone)
    return _render(request, access, "deliverables/milestone.html", _milestone_context(request, access, obj))


@workspace_view(get=None, post="write")
def submission_new(request: HttpRequest, access: WorkspaceAccess, milestone: Any) -> HttpResponse:
    """Record what the contractor delivered on their behalf (sent by email, say)."""
    obj = _milestone(access, milestone)
    form = SubmissionForm(request.POST, request.FILES, prefix="sub", **_submission_dates(obj, _today(access)))
    if form.is_valid():
        data = form.cleaned_data
        try:
            submission_create(
                actor=Actor.web(request),
                milestone=obj,
                submitted_on=data["submitted_on"],
                text=data["text"],
                links=data["links"],
                note=data["note"],
                files=data["attachments"],
            )
        except ValidationError as exc:
            obj.refresh_from_db()
            _add_errors(form, exc, {"milestone": "__all__", "files": "attachments"})
        else:
            messages.success(request, f"Recorded a submission for “{obj.title}”. It is waiting for your review.")
            return redirect(_milestone_url(obj, "submissions"))
    context = _milestone_context(request, access, obj, submission_form=form)
    if context["submission_form"] is None:  # nothing to show the errors in: say them at the top
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return _render(request, access, "deliverables/milestone.html", context, 400)


@workspace_view(get=None, post="write")
def review_new(request: HttpRequest, access: WorkspaceAccess, milestone: Any) -> HttpResponse:
    obj = _milestone(access, milestone)
    criteria = milestone_page(milestone=obj).criteria
    form = ReviewForm(request.POST, criteria=criteria)
    context = _milestone_context(request, access, obj, review_form=form)
    if context["review_form"] is None:  # the form is only offered for submitted work of a live milestone
        messages.error(request, "There is nothing to review: no work was submitted, or the milestone was cancelled.")
        return _render(request, access, "deliverables/milestone.html", context, 400)
    if form.is_valid():
        try:
            review = review_create(actor=Actor.web(request), milestone=obj, data=form.service_data())
        except ValidationError as exc:
            obj.refresh_from_db()
            _add_errors(form, exc, {"criteria_met": "__all__", "milestone": "__all__"})
        else:
            shared = " and shared it with the contractor" if review.shared_with_contractor else ""
            messages.success(
                request, f"Recorded your review of “{obj.title}”: {REVIEW_STATES[review.decision].lower()}{shared}."
            )
            return redirect(_milestone_url(obj, "reviews"))
    context = _milestone_context(request, access, obj, review_form=form)
    return _render(request, access, "deliverables/milestone.html", context, 400)


@workspace_view(get=None, post="write")
def review_share(request: HttpRequest, access: WorkspaceAccess, review: Any) -> HttpResponse:
    obj = access.get(Review.objects.select_related("milestone"), review)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Say whether to share the review (shared=1) or not (shared=0).", status=400)
    shared = form.cleaned_data["shared"]
    review_set_shared(actor=Actor.web(request), review=obj, shared=shared)
    if shared:
        messages.success(request, f"The contractor now sees your review of {obj.reviewed_on:%-d %b %Y}.")
    else:
        messages.success(request, f"Your review of {obj.reviewed_on:%-d %b %Y} is no longer shared with them.")
    return redirect(_milestone_url(obj.milestone, "reviews"))


@workspace_view(get=None, post="write")
def deliver(request: HttpRequest, access: WorkspaceAccess, milestone: Any) -> HttpResponse:
    """Record the delivery to our customer; without an accepted review first, ask to confirm."""
    obj = _milestone(access, milestone)
    form = DeliverForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            milestone_deliver_to_customer(
                actor=Actor.web(request), milestone=obj, on=data["on"], confirm_unreviewed=data["confirm_unreviewed"]
            )
        except UnreviewedDelivery as exc:
            obj.refresh_from_db()
            form = DeliverForm(request.POST, ask_confirmation=True)
            form.is_valid()
            _add_errors(form, exc, {"delivered_to_customer_on": "__all__"})  # about the work, not the date
            form.add_error(
                "confirm_unreviewed",
                "Tick this box to record the delivery anyway, or record an accepted review first.",
            )
        except ValidationError as exc:
            obj.refresh_from_db()
            _add_errors(form, exc, {"delivered_to_customer_on": "on"})
        else:
            unreviewed = " without our own review" if data["confirm_unreviewed"] else ""
            messages.success(
                request, f"Recorded “{obj.title}” as delivered to the customer on {data['on']:%-d %b %Y}{unreviewed}."
            )
            return redirect(_milestone_url(obj, "deliver"))
    context = _milestone_context(request, access, obj, deliver_form=form)
    return _render(request, access, "deliverables/milestone.html", context, 400)


@workspace_view(get="read")
def submission_file(request: HttpRequest, access: WorkspaceAccess, submission_file: Any) -> HttpResponseBase:
    """A submitted file, to members only: files live under the data directory and have no public URL."""
    attachment = access.get(SubmissionFile.objects.all(), submission_file)
    if not attachment.file:
        raise Http404("This file was not stored.")
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The stored copy of this file is missing from the data directory.") from exc
    guessed, _ = mimetypes.guess_type(attachment.name)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name or "submission",
        content_type=guessed if guessed in DOWNLOAD_TYPES else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The commitment timeline -----------------------------------------------------------------------------


@workspace_view(get="read")
def timeline(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    today = _today(access)
    entries = commitment_timeline(workspace=access.workspace, today=today)
    charts = [(entry, timeline_chart(entry, today=today)) for entry in entries]
    context = {
        "charts": charts,
        "legend": legend(),
        "today": today,
        "open_count": sum(1 for e in entries if e.is_open),
        "at_risk_count": sum(len(e.at_risk) for e in entries),
    }
    return _render(request, access, "deliverables/timeline.html", context)


# --- Reference texts -------------------------------------------------------------------------------------


@workspace_view(get="read", post="write")
def reference_texts(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    posted = request.method == "POST"
    form = ReferenceTextForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            reference = reference_text_add(
                actor=Actor.web(request), workspace=ws, title=data["title"], text=data["text"], source=data["source"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"Added “{reference.title}”. New submissions are compared with it.")
            return redirect(reverse("deliverables:reference_texts", kwargs={"ws": ws.uuid}))
    if not access.can("write"):
        _disable(form)
    context = {"form": form, "references": list(reference_text_list(workspace=ws))}
    return _render(request, access, "deliverables/reference_texts.html", context, 400 if form.is_bound else 200)


@workspace_view(get=None, post="write")
def reference_text_delete_view(request: HttpRequest, access: WorkspaceAccess, reference_text: Any) -> HttpResponse:
    reference = access.get(ReferenceText.objects.all(), reference_text)
    title = reference.title
    reference_text_delete(actor=Actor.web(request), reference=reference)
    messages.success(request, f"Deleted the reference text “{title}”. Submissions are no longer compared with it.")
    return redirect(reverse("deliverables:reference_texts", kwargs={"ws": access.workspace.uuid}))
