"""Pages of leaving well: an engagement's exit plan with its access grants, one grant, the workspace's access
register with the alert for access left open, and an ended engagement's offboarding checklist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import workspace_view
from outsourcer.contractors.models import TRUSTED_STAGES, Contractor
from outsourcer.core.actor import Actor
from outsourcer.engagements.models import RUNNING, Engagement
from outsourcer.engagements.views_common import add_errors, disable, error_text, get_engagement, render_page, today
from outsourcer.payments.selectors import invoice_list
from outsourcer.risk.forms_access import AccessFilterForm, ExitPlanForm, GrantForm, RevokeForm, TickForm
from outsourcer.risk.models import AccessGrant, ExitPlan
from outsourcer.risk.schemas_access import (
    ENDED,
    EXIT_REVIEW_DAYS,
    GRANT_STATE_LABELS,
    grant_state,
    handover_text,
    left_open,
)
from outsourcer.risk.selectors import (
    access_grant_list,
    access_left_open,
    exit_plan_of,
    offboarding_checklist,
)
from outsourcer.risk.services import (
    access_grant_create,
    access_grant_delete,
    access_grant_revoke,
    access_grant_update,
    access_revoke_all,
    exit_plan_save,
    offboarding_tick,
    offboarding_untick,
)

PAGE_SIZE = 100
# Open grants first on every database (PostgreSQL puts nulls last when ascending).
OPEN_FIRST = F("revoked_on").asc(nulls_first=True)


@dataclass(frozen=True)
class GrantRow:
    grant: AccessGrant
    state: str
    left_open: bool

    @property
    def state_label(self) -> str:
        return GRANT_STATE_LABELS[self.state]


def grant_rows(grants: Any, on: dt.date) -> list[GrantRow]:
    return [GrantRow(grant=g, state=grant_state(g, on), left_open=left_open(g, on)) for g in grants]


def exit_url(engagement: Engagement, anchor: str = "") -> str:
    url = reverse("risk:exit", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid})
    return f"{url}#{anchor}" if anchor else url


def offboarding_url(engagement: Engagement) -> str:
    return reverse("risk:offboarding", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid})


def _safe_next(request: HttpRequest, url: str) -> str:
    """Where to go back to: a path on this site, never another host."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _get_grant(access: WorkspaceAccess, public_id: Any) -> AccessGrant:
    grant = access.get(AccessGrant.objects.select_related("engagement__contractor"), public_id)
    grant.workspace = access.workspace
    grant.engagement.workspace = access.workspace
    return grant


def _review(plan: ExitPlan | None, on: dt.date) -> dict[str, Any]:
    """How long ago the plan was last gone through, and whether that is too long for a running engagement."""
    if plan is None or plan.reviewed_on is None:
        return {"review_days": None, "review_stale": False}
    days = (on - plan.reviewed_on).days
    return {"review_days": days, "review_stale": days >= EXIT_REVIEW_DAYS}


# --- The exit plan and the engagement's grants ---------------------------------------------------------


def _plan_form(
    request: HttpRequest, access: WorkspaceAccess, engagement: Engagement, plan: ExitPlan | None
) -> ExitPlanForm:
    pool = list(
        Contractor.objects.filter(workspace=access.workspace, stage__in=TRUSTED_STAGES)
        .exclude(pk=engagement.contractor_id)
        .order_by("name", "pk")
    )
    current = plan.handover_contractor if plan is not None else None
    posted = request.method == "POST"
    return ExitPlanForm(
        request.POST if posted else None,
        initial=ExitPlanForm.initial_for(plan, today(access)),
        contractors=pool,
        current=current,
    )


@workspace_view(get="read", post="write")
def engagement_exit(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    plan = exit_plan_of(engagement=obj)
    form = _plan_form(request, access, obj, plan)
    if request.method == "POST" and form.is_valid():
        try:
            exit_plan_save(actor=Actor.web(request), engagement=obj, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Saved the exit plan.")
            return redirect(exit_url(obj))
    if not access.can("write"):
        disable(form)
    on = today(access)
    grants = access_grant_list(workspace=access.workspace, engagement=obj).order_by(OPEN_FIRST, "system", "pk")
    rows = grant_rows(grants, on)
    context = {
        "engagement": obj,
        "tab": "exit",
        "form": form,
        "plan": plan,
        "handover": handover_text(plan),
        **_review(plan, on),
        "review_limit": EXIT_REVIEW_DAYS,
        "running": obj.status in RUNNING,
        "ended": obj.status in ENDED,
        "rows": rows,
        "open_count": sum(1 for r in rows if r.grant.is_open),
        "shared_count": sum(1 for r in rows if r.grant.is_open and r.grant.shared_credential),
        "today": on,
    }
    return render_page(request, access, "risk/exit.html", context, 400 if form.is_bound else 200)


# --- One grant -----------------------------------------------------------------------------------------


def _grant_data(form: GrantForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


def _grant_page(
    request: HttpRequest,
    access: WorkspaceAccess,
    engagement: Engagement,
    grant: AccessGrant | None,
    form: GrantForm,
    revoke_form: RevokeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if not access.can("write"):
        disable(form)
    on = today(access)
    context = {
        "engagement": engagement,
        "grant": grant,
        "form": form,
        "revoke_form": revoke_form or RevokeForm(initial={"on": on}),
        "row": grant_rows([grant], on)[0] if grant is not None else None,
    }
    return render_page(request, access, "risk/grant_form.html", context, status)


@workspace_view(get="read", post="write")
def grant_new(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    posted = request.method == "POST"
    form = GrantForm(request.POST if posted else None, initial=GrantForm.initial_for(None, today(access)))
    if posted and form.is_valid():
        try:
            grant = access_grant_create(actor=Actor.web(request), engagement=obj, data=_grant_data(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            warning = " It is a shared login: move to a named account when you can." if grant.shared_credential else ""
            messages.success(request, f"Recorded access to {grant.system}.{warning}")
            return redirect(exit_url(obj, "access"))
    return _grant_page(request, access, obj, None, form, status=400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def grant_detail(request: HttpRequest, access: WorkspaceAccess, grant: Any) -> HttpResponse:
    row = _get_grant(access, grant)
    engagement = row.engagement
    posted = request.method == "POST"
    if posted and request.POST.get("delete"):
        access_grant_delete(actor=Actor.web(request), grant=row)
        messages.success(request, f"Deleted the grant for {row.system}.")
        return redirect(exit_url(engagement, "access"))
    form = GrantForm(request.POST if posted else None, initial=GrantForm.initial_for(row, today(access)))
    if posted and form.is_valid():
        try:
            access_grant_update(actor=Actor.web(request), grant=row, data=_grant_data(form))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Saved the grant for {row.system}.")
            return redirect(exit_url(engagement, "access"))
        row.refresh_from_db()
    return _grant_page(request, access, engagement, row, form, status=400 if form.is_bound else 200)


@workspace_view(get=None, post="write")
def grant_revoke(request: HttpRequest, access: WorkspaceAccess, grant: Any) -> HttpResponse:
    row = _get_grant(access, grant)
    form = RevokeForm(request.POST)
    if form.is_valid():
        was_open = row.is_open
        try:
            access_grant_revoke(actor=Actor.web(request), grant=row, on=form.cleaned_data["on"] or today(access))
        except ValidationError as exc:
            form.add_error("on", error_text(exc))
        else:
            if was_open:
                messages.success(request, f"Revoked access to {row.system} on {row.revoked_on:%d %b %Y}.")
            else:
                messages.info(request, f"Access to {row.system} was revoked already, on {row.revoked_on:%d %b %Y}.")
            return redirect(_safe_next(request, form.cleaned_data["next"]) or exit_url(row.engagement, "access"))
        row.refresh_from_db()
    edit = GrantForm(initial=GrantForm.initial_for(row, today(access)))
    return _grant_page(request, access, row.engagement, row, edit, revoke_form=form, status=400)


# --- The access register -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeftOpen:
    """One engagement's grants left open, for the alert."""

    engagement: Engagement
    rows: list[GrantRow]

    @property
    def ended(self) -> bool:
        """Only an ended engagement's grants are revoked all at once: a running one may hold access still due."""
        return self.engagement.status in ENDED


def _left_open_groups(rows: list[GrantRow]) -> list[LeftOpen]:
    groups: dict[int, LeftOpen] = {}
    for row in rows:
        engagement = row.grant.engagement
        groups.setdefault(engagement.pk, LeftOpen(engagement=engagement, rows=[])).rows.append(row)
    return list(groups.values())


@workspace_view(get="read")
def access_register(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    on = today(access)
    filters = AccessFilterForm(request.GET or None)
    open_only = bool(filters.is_valid() and filters.cleaned_data["open"])
    rows = access_grant_list(workspace=ws, open_only=open_only).order_by(
        OPEN_FIRST, "engagement__contractor__name", "engagement__title", "system", "pk"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    alert = grant_rows(access_left_open(workspace=ws, today=on), on)
    context = {
        "filters": filters,
        "open_only": open_only,
        "page": page,
        "rows": grant_rows(page.object_list, on),
        "alert": _left_open_groups(alert),
        "alert_count": len(alert),
        "query": "open=on" if open_only else "",
        "today": on,
        "here": request.get_full_path(),
    }
    return render_page(request, access, "risk/access.html", context)


# --- Offboarding ---------------------------------------------------------------------------------------


def _offboarding_context(access: WorkspaceAccess, engagement: Engagement) -> dict[str, Any]:
    items = offboarding_checklist(engagement=engagement)
    plan = exit_plan_of(engagement=engagement)
    on = today(access)
    open_grants = access_grant_list(workspace=access.workspace, engagement=engagement, open_only=True)
    done = sum(1 for i in items if i.done)
    return {
        "engagement": engagement,
        "tab": "offboarding",
        "items": items,
        "done": done,
        "total": len(items),
        "percent": round(100 * done / len(items)) if items else 0,
        "ended": engagement.status in ENDED,
        "open_grants": grant_rows(open_grants, on),
        "open_invoices": list(invoice_list(workspace=access.workspace, status="open", engagement=engagement)),
        "plan": plan,
        "handover": handover_text(plan),
        "tick_form": TickForm(),
        "today": on,
    }


@workspace_view(get="read", post="write")
def offboarding(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    error = ""
    if request.method == "POST":
        actor = Actor.web(request)
        action = request.POST.get("action", "")
        if action == "revoke_all":
            count = access_revoke_all(actor=actor, engagement=obj, on=today(access))
            if count:
                messages.success(request, f"Revoked {count} grant{'s' if count != 1 else ''} of {obj.title}.")
            else:
                messages.info(request, f"No access of {obj.title} was open.")
            back = _safe_next(request, request.POST.get("next", ""))
            return redirect(back or offboarding_url(obj))
        if action in ("tick", "untick"):
            form = TickForm(request.POST)
            if form.is_valid():
                step = form.cleaned_data["step"]
                try:
                    if action == "tick":
                        offboarding_tick(
                            actor=actor, engagement=obj, step=step, done_on=today(access),
                            note=form.cleaned_data["note"],
                        )  # fmt: skip
                    else:
                        offboarding_untick(actor=actor, engagement=obj, step=step)
                except ValidationError as exc:
                    error = error_text(exc)
                else:
                    return redirect(offboarding_url(obj))
            else:
                error = "Choose one of the checklist's steps."
        else:
            error = "Nothing to do: choose a step to tick, or revoke the access."
    context = _offboarding_context(access, obj)
    context["error"] = error
    return render_page(request, access, "risk/offboarding.html", context, 400 if error else 200)
