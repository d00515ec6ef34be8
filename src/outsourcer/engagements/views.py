"""The web face of engagements: the list, the form, an engagement's overview with its status moves and
ratings, and the customer commitments engagements serve. The brief, communication, check-in and time
tabs are in views_work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from outsourcer.accounts.door import ObjectNotFound, WorkspaceAccess
from outsourcer.accounts.web import workspace_view
from outsourcer.contractors.models import TRUSTED_STAGES, Contractor, Stage
from outsourcer.core.actor import Actor
from outsourcer.engagements.briefs import PART_LABELS, brief_completeness
from outsourcer.engagements.forms import (
    CommitmentForm,
    EngagementFilterForm,
    EngagementForm,
    RatingForm,
    StatusForm,
    contractor_choices,
)
from outsourcer.engagements.models import (
    ENDED,
    TRANSITIONS,
    Channel,
    CustomerCommitment,
    Engagement,
    RateModel,
    Status,
)
from outsourcer.engagements.selectors import check_in_list, commitment_list, engagement_list, weekly_cap_use
from outsourcer.engagements.services import (
    brief_changed_since_sent,
    brief_content,
    brief_latest_version,
    commitment_create,
    commitment_delete,
    commitment_update,
    engagement_create,
    engagement_delete,
    engagement_set_status,
    engagement_update,
    iso_week_start,
    rating_add,
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
from outsourcer.planning.models import Task

PAGE_SIZE = 50
# How each allowed move is offered on the overview, and whether it asks for a reason.
MOVES: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.ACTIVE): "Start the work",
    (Status.PAUSED, Status.ACTIVE): "Resume",
    (Status.ACTIVE, Status.PAUSED): "Pause",
}
ENDINGS = {Status.COMPLETED: "Mark as completed", Status.TERMINATED: "Terminate"}
STATUS_HINTS = {
    Status.DRAFT: "Not started: terms and brief can still change freely. Start it when the contractor begins.",
    Status.ACTIVE: "Work is going on.",
    Status.PAUSED: "On hold for now; time can still be logged.",
    Status.COMPLETED: "Finished. Rate the contractor so the scorecard learns from it.",
    Status.TERMINATED: "Ended early.",
}


def _choice(access: WorkspaceAccess, model: type[Any], value: Any) -> Any:
    """A row of the workspace named by a form's choice; None for an empty or unknown one."""
    if not value:
        return None
    try:
        return access.get(model.objects.all(), value)
    except ObjectNotFound:
        return None


# --- The list -------------------------------------------------------------------------------------


@workspace_view(get="read")
def engagement_list_page(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    with_work = Contractor.objects.filter(workspace=ws, engagements__isnull=False).distinct().order_by("name")
    contractors = list(with_work.only("uuid", "name"))
    filters = EngagementFilterForm(request.GET or None, contractors=[(str(c.uuid), c.name) for c in contractors])
    bad = filters.is_bound and not filters.is_valid()
    value = filters.cleaned_data.get if filters.is_bound and not bad else (lambda name, default=None: default)
    contractor = next((c for c in contractors if str(c.uuid) == (value("contractor") or "")), None)
    rows = engagement_list(
        workspace=ws,
        status=value("status") or "",
        kind=value("kind") or "",
        contractor=contractor,
        q=(value("q") or "").strip(),
    ).select_related("brief")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = [(e, brief_completeness(brief_content(brief_of(e))).score if brief_of(e) else None) for e in page]
    params = request.GET.copy()
    params.pop("page", None)
    filtered = any(value(name) for name in ("status", "kind", "contractor", "q"))
    context = {
        "filters": filters,
        "page": page,
        "rows": shown,
        "filtered": filtered,
        "query": params.urlencode(),
    }
    return render_page(request, access, "engagements/list.html", context, 400 if bad else 200)


# --- New and edit ---------------------------------------------------------------------------------


def _form_lists(access: WorkspaceAccess) -> dict[str, Any]:
    ws = access.workspace
    return {
        "tasks": list(Task.objects.filter(workspace=ws).order_by("name").only("uuid", "name")),
        "commitments": list(commitment_list(workspace=ws).exclude(status=CustomerCommitment.Status.CANCELLED)),
    }


def _engagement_inputs(access: WorkspaceAccess, form: EngagementForm) -> dict[str, Any]:
    """The form's choices as rows: the tasks and the commitment, each checked against the workspace."""
    task_ids = form.cleaned_data.get("tasks") or []
    tasks = list(access.scope(Task.objects.filter(uuid__in=task_ids))) if task_ids else []
    commitment = _choice(access, CustomerCommitment, form.cleaned_data.get("customer_commitment"))
    return {"tasks": tasks, "commitment": commitment}


@workspace_view(get="read", post="write")
def engagement_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    contractors = list(Contractor.objects.filter(workspace=ws).only("uuid", "name", "stage", "currency"))
    lists = _form_lists(access)
    posted = request.method == "POST"
    chosen = _choice(access, Contractor, request.POST.get("contractor") if posted else request.GET.get("contractor"))
    task = None if posted else _choice(access, Task, request.GET.get("task"))
    initial: dict[str, Any] = {"rate_currency": (chosen.currency if chosen else "") or ws.base_currency}
    if chosen is not None:
        initial["contractor"] = str(chosen.uuid)
    if task is not None:
        initial["tasks"] = [str(task.uuid)]
        initial["title"] = task.name
    form = EngagementForm(
        request.POST if posted else None,
        initial=initial,
        contractors=contractor_choices(contractors),
        tasks=lists["tasks"],
        commitments=lists["commitments"],
    )
    if posted and form.is_valid():
        contractor = next(c for c in contractors if str(c.uuid) == form.cleaned_data["contractor"])
        contractor.workspace = ws
        inputs = _engagement_inputs(access, form)
        try:
            engagement = engagement_create(
                actor=Actor.web(request),
                contractor=contractor,
                data={**form.service_data(), "customer_commitment": inputs["commitment"]},
                tasks=inputs["tasks"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Opened “{engagement.title}” with {contractor.name} as a draft.")
            if contractor.stage not in TRUSTED_STAGES:
                messages.warning(
                    request,
                    f"{contractor.name} is not approved yet ({contractor.get_stage_display().lower()}). "
                    "Finish vetting them before the work starts.",
                )
            return redirect(engagement_url(engagement, "brief"))
    if not access.can("write"):
        disable(form)
    context = {
        "form": form,
        "chosen": chosen,
        "untrusted": chosen is not None and chosen.stage not in TRUSTED_STAGES,
        "blocked": chosen is not None and chosen.stage == Stage.BLOCKED,
        "has_contractors": bool(contractors),
        "has_tasks": bool(lists["tasks"]),
        "engagement": None,
    }
    return render_page(request, access, "engagements/form.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def engagement_edit(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    lists = _form_lists(access)
    commitments = lists["commitments"]
    if obj.customer_commitment is not None and obj.customer_commitment not in commitments:
        commitments.append(obj.customer_commitment)  # a cancelled one stays choosable where it is linked
    posted = request.method == "POST"
    form = EngagementForm(
        request.POST if posted else None,
        initial=EngagementForm.initial_for(obj),
        tasks=lists["tasks"],
        commitments=commitments,
        editing=True,
    )
    if posted and form.is_valid():
        inputs = _engagement_inputs(access, form)
        try:
            engagement_update(
                actor=Actor.web(request),
                engagement=obj,
                data={**form.service_data(), "customer_commitment": inputs["commitment"]},
                tasks=inputs["tasks"],
            )
        except ValidationError as exc:
            obj.refresh_from_db()  # the refused values were set on it while checking
            add_errors(form, exc)
        else:
            messages.success(request, f"Saved the terms of “{obj.title}”.")
            return redirect(engagement_url(obj))
    if not access.can("write"):
        disable(form)
    context = {"form": form, "engagement": obj, "has_tasks": bool(lists["tasks"]), "chosen": obj.contractor}
    return render_page(request, access, "engagements/form.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def engagement_delete_page(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    error = ""
    if request.method == "POST":
        title = obj.title
        try:
            engagement_delete(actor=Actor.web(request), engagement=obj)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(request, f"Deleted the draft “{title}”.")
            return redirect("engagements:list", ws=access.workspace.uuid)
    context = {"engagement": obj, "error": error}
    return render_page(request, access, "engagements/delete.html", context, 400 if error else 200)


# --- The overview ---------------------------------------------------------------------------------


def _moves(engagement: Engagement) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    allowed = TRANSITIONS.get(engagement.status, frozenset())
    simple = [
        {"status": str(to), "label": label}
        for (start, to), label in MOVES.items()
        if start == engagement.status and to in allowed
    ]
    endings = [{"status": str(to), "label": label} for to, label in ENDINGS.items() if to in allowed]
    return simple, endings


def _meter_marks(cap: Decimal | None) -> dict[str, Decimal]:
    """Where the week's meter turns amber (three quarters of the cap) and red (at the cap itself)."""
    if cap is None:
        return {}
    return {"low": cap * Decimal("0.75"), "high": cap * Decimal("0.999")}


def _detail_context(access: WorkspaceAccess, engagement: Engagement) -> dict[str, Any]:
    brief = brief_of(engagement)
    plan = plan_of(engagement)
    simple, endings = _moves(engagement)
    cap = weekly_cap_use(engagement=engagement, week_start=iso_week_start(today(access)))
    channels = dict(Channel.choices)
    completeness = brief_completeness(brief_content(brief))
    return {
        "engagement": engagement,
        "tab": "overview",
        "status_hint": STATUS_HINTS.get(Status(engagement.status), ""),
        "moves": simple,
        "endings": endings,
        "tasks": list(engagement.tasks.all()),
        "brief": brief,
        "completeness": completeness,
        "missing": [PART_LABELS[m["part"]] for m in completeness.missing],
        "latest_version": brief_latest_version(brief),
        "brief_changed": brief_changed_since_sent(brief),
        "plan": plan,
        "plan_channels": [channels.get(c, c) for c in (plan.channels if plan else [])],
        "cap": {**cap, "used": cap["approved"] + cap["waiting"], **_meter_marks(cap["cap"])},
        "is_hourly": engagement.rate_model == RateModel.HOURLY,
        "latest_check_in": check_in_list(engagement=engagement).first(),
        "ratings": list(engagement.ratings.all()),
        "ended": engagement.status in ENDED,
        "trusted": engagement.contractor.stage in TRUSTED_STAGES,
    }


@workspace_view(get="read")
def engagement_detail(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    context = _detail_context(access, obj)
    if context["ended"] and access.can("write"):
        context["rating_form"] = RatingForm(initial={"on": today(access)})
    return render_page(request, access, "engagements/detail.html", context)


@workspace_view(get=None, post="write")
def engagement_status(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    form = StatusForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Choose one of the next steps offered below."
    else:
        status, reason = form.cleaned_data["status"], form.cleaned_data["reason"]
        try:
            engagement_set_status(actor=Actor.web(request), engagement=obj, status=status, reason=reason)
        except ValidationError as exc:
            obj.refresh_from_db()
            error = error_text(exc)
        else:
            messages.success(request, f"“{obj.title}” is now {obj.get_status_display().lower()}.")
            return redirect(engagement_url(obj))
    context = {**_detail_context(access, obj), "status_error": error}
    return render_page(request, access, "engagements/detail.html", context, 400)


@workspace_view(get="read", post="write")
def rating_new(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    posted = request.method == "POST"
    form = RatingForm(request.POST if posted else None, initial={"on": today(access)})
    if posted and form.is_valid():
        try:
            rating_add(actor=Actor.web(request), engagement=obj, data=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            shared = " It is shown to them in their portal." if form.cleaned_data["shared_with_contractor"] else ""
            messages.success(request, f"Rated {obj.contractor.name}: {form.cleaned_data['overall']} out of 5.{shared}")
            return redirect(engagement_url(obj, anchor="ratings"))
    if not access.can("write"):
        disable(form)
    context = {"engagement": obj, "form": form, "ended": obj.status in ENDED, "tab": "overview"}
    return render_page(request, access, "engagements/rating.html", context, 400 if form.is_bound else 200)


# --- Customer commitments -------------------------------------------------------------------------


@workspace_view(get="read")
def commitments(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    rows = commitment_list(workspace=access.workspace).prefetch_related("engagements__contractor")
    status = request.GET.get("status", "")
    if status in CustomerCommitment.Status.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    context = {"rows": list(rows), "status": status, "statuses": CustomerCommitment.Status.choices}
    return render_page(request, access, "engagements/commitments.html", context)


@workspace_view(get="read", post="write")
def commitment_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = commitment_create(actor=Actor.web(request), workspace=access.workspace, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Added the promise “{made.title}” to {made.customer}.")
            return redirect("engagements:commitments", ws=access.workspace.uuid)
    if not access.can("write"):
        disable(form)
    context = {"form": form, "commitment": None}
    return render_page(request, access, "engagements/commitment_form.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def commitment_edit(request: HttpRequest, access: WorkspaceAccess, commitment: Any) -> HttpResponse:
    obj = access.get(CustomerCommitment.objects.all(), commitment)
    posted = request.method == "POST"
    if posted and request.POST.get("delete"):
        title = obj.title
        commitment_delete(actor=Actor.web(request), commitment=obj)
        messages.success(request, f"Deleted the promise “{title}”. Its engagements go on, unlinked.")
        return redirect("engagements:commitments", ws=access.workspace.uuid)
    form = CommitmentForm(request.POST if posted else None, initial=CommitmentForm.initial_for(obj))
    if posted and form.is_valid():
        try:
            commitment_update(actor=Actor.web(request), commitment=obj, data=form.service_data())
        except ValidationError as exc:
            obj.refresh_from_db()
            add_errors(form, exc)
        else:
            messages.success(request, f"Saved the promise “{obj.title}”.")
            return redirect("engagements:commitments", ws=access.workspace.uuid)
    if not access.can("write"):
        disable(form)
    linked = list(obj.engagements.select_related("contractor").order_by("-start_on", "title"))
    context = {"form": form, "commitment": obj, "linked": linked}
    return render_page(request, access, "engagements/commitment_form.html", context, 400 if form.is_bound else 200)
