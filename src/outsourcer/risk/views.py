"""The web face of the risk register: the register with its filters, heat map and reviews due; the heat map
alone as SVG; recording, changing and deleting a risk; one engagement's risks with the risks we suggest
for it. Exit plans, access grants and offboarding are in views_access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import workspace_view
from outsourcer.contractors.models import Contractor
from outsourcer.core.actor import Actor
from outsourcer.engagements.models import Engagement
from outsourcer.engagements.views_common import add_errors, disable, error_text, get_engagement, render_page, today
from outsourcer.risk import charts
from outsourcer.risk.forms import RiskFilterForm, RiskForm
from outsourcer.risk.models import FIRST_REVIEW_DAYS, Category, Risk
from outsourcer.risk.selectors import risk_heat, risk_list, risk_reviews_due, risk_suggestions
from outsourcer.risk.services import risk_add_suggested, risk_create, risk_update
from outsourcer.risk.services import risk_delete as delete_risk

PAGE_SIZE = 50
REVIEWS_SHOWN = 8
# A refusal about the engagement or the contractor is shown beside the one field that chooses them.
ABOUT = {"engagement": "about", "contractor": "about"}


@dataclass(frozen=True)
class RiskRow:
    risk: Risk
    band: str
    review_due: bool

    @property
    def unmitigated_high(self) -> bool:
        return self.band == "high" and self.risk.status == Risk.Status.OPEN and not self.risk.mitigation.strip()


def risk_rows(risks: list[Risk], on: dt.date) -> list[RiskRow]:
    return [
        RiskRow(
            risk=r,
            band=charts.band_of(r.likelihood, r.impact),
            review_due=r.review_on is not None and r.review_on <= on and r.status != Risk.Status.CLOSED,
        )
        for r in risks
    ]


def heat_of(rows: QuerySet[Risk] | list[Risk], *, chart_id: str, title: str) -> charts.HeatMap:
    """The heat map of these risks; closed ones are left off."""
    if isinstance(rows, QuerySet):
        live: QuerySet[Risk] | list[Risk] = rows.exclude(status=Risk.Status.CLOSED)
    else:
        live = [r for r in rows if r.status != Risk.Status.CLOSED]
    return charts.heat_map(risk_heat(risks=live), chart_id=chart_id, title=title)


def register_url(access: WorkspaceAccess) -> str:
    return reverse("risk:register", kwargs={"ws": access.workspace.uuid})


def engagement_risks_url(engagement: Engagement) -> str:
    return reverse("risk:engagement_risks", kwargs={"ws": engagement.workspace.uuid, "engagement": engagement.uuid})


def _safe_next(request: HttpRequest, url: str) -> str:
    """Where to go back to: a path on this site, never another host."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def _filters(request: HttpRequest) -> tuple[RiskFilterForm, bool, str, str]:
    """The register's filters; one that cannot be read is left out (and said so on the page)."""
    filters = RiskFilterForm(request.GET or None)
    bad = filters.is_bound and not filters.is_valid()
    values = filters.cleaned_data if filters.is_bound else {}
    return filters, bad, values.get("status") or "", values.get("category") or ""


# --- The register ---------------------------------------------------------------------------------


@workspace_view(get="read")
def register(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    ws = access.workspace
    on = today(access)
    filters, bad, status, category = _filters(request)
    rows = risk_list(workspace=ws, status=status, category=category).select_related("engagement__contractor")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    due = risk_reviews_due(workspace=ws, today=on).select_related("engagement__contractor", "contractor")
    params = request.GET.copy()
    params.pop("page", None)
    heat = heat_of(rows, chart_id="register-heat", title="Risk heat map: likelihood by impact")
    context = {
        "filters": filters,
        "filtered": bool(status or category),
        "page": page,
        "rows": risk_rows(list(page), on),
        "heat": heat,
        "heat_query": params.urlencode(),
        "reviews_due": list(due[:REVIEWS_SHOWN]),
        "reviews_due_count": due.count(),
        "query": params.urlencode(),
        "today": on,
    }
    return render_page(request, access, "risk/register.html", context, 400 if bad else 200)


@workspace_view(get="read")
def heat_map_svg(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    """The register's heat map alone (the same filters, and `engagement` for one engagement's risks)."""
    filters, bad, status, category = _filters(request)
    if bad:
        problems = "; ".join(f"{name}: {' '.join(str(e) for e in errors)}" for name, errors in filters.errors.items())
        return HttpResponse(f"The filters could not be read: {problems}", status=400, content_type="text/plain")
    engagement = get_engagement(access, request.GET["engagement"]) if request.GET.get("engagement") else None
    rows = risk_list(workspace=access.workspace, status=status, category=category, engagement=engagement)
    title = f"Risk heat map of {engagement.title}" if engagement is not None else "Risk heat map"
    heat = heat_of(rows, chart_id="heat", title=title)
    svg = render_to_string("risk/risk_heat_map.html", {"chart": heat})
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")


# --- One risk -------------------------------------------------------------------------------------


def _links(access: WorkspaceAccess) -> tuple[list[Engagement], list[Contractor]]:
    """What a risk may be about: the workspace's engagements and contractors."""
    ws = access.workspace
    engagements = list(
        Engagement.objects.filter(workspace=ws).select_related("contractor").order_by("contractor__name", "title", "pk")
    )
    contractors = list(Contractor.objects.filter(workspace=ws).order_by("name", "pk"))
    for row in engagements:
        row.workspace = ws
    return engagements, contractors


def _saved(request: HttpRequest, access: WorkspaceAccess, risk: Risk, verb: str) -> HttpResponse:
    band = charts.band_of(risk.likelihood, risk.impact)
    messages.success(request, f"{verb} the risk “{risk.title}”: score {risk.score}, {band}.")
    return redirect(_safe_next(request, request.POST.get("next", "")) or register_url(access))


@workspace_view(get="read", post="write")
def risk_new(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    engagements, contractors = _links(access)
    posted = request.method == "POST"
    initial: dict[str, Any] = {"status": Risk.Status.OPEN, "review_on": today(access) + dt.timedelta(FIRST_REVIEW_DAYS)}
    chosen = request.GET.get("engagement", "")
    if any(str(e.uuid) == chosen for e in engagements):
        initial["about"] = f"e:{chosen}"
    form = RiskForm(request.POST if posted else None, initial=initial, engagements=engagements, contractors=contractors)
    if posted and form.is_valid():
        try:
            made = risk_create(actor=Actor.web(request), workspace=access.workspace, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc, ABOUT)
        else:
            return _saved(request, access, made, "Recorded")
    if not access.can("write"):
        disable(form)
    back = _safe_next(request, (request.POST if posted else request.GET).get("next", ""))
    context = {"form": form, "risk": None, "next": back, "back": back or register_url(access)}
    return render_page(request, access, "risk/risk_form.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read", post="write")
def risk_detail(request: HttpRequest, access: WorkspaceAccess, risk: Any) -> HttpResponse:
    obj = access.get(Risk.objects.select_related("engagement__contractor", "contractor"), risk)
    obj.workspace = access.workspace
    engagements, contractors = _links(access)
    posted = request.method == "POST"
    form = RiskForm(
        request.POST if posted else None,
        initial=RiskForm.initial_for(obj),
        engagements=engagements,
        contractors=contractors,
    )
    if posted and form.is_valid():
        try:
            risk_update(actor=Actor.web(request), risk=obj, data=form.service_data(obj))
        except ValidationError as exc:
            obj.refresh_from_db()
            add_errors(form, exc, ABOUT)
        else:
            return _saved(request, access, obj, "Saved")
    if not access.can("write"):
        disable(form)
    back = _safe_next(request, (request.POST if posted else request.GET).get("next", ""))
    context = {
        "form": form,
        "risk": obj,
        "row": risk_rows([obj], today(access))[0],
        "next": back,
        "back": back or register_url(access),
    }
    return render_page(request, access, "risk/risk_form.html", context, 400 if form.is_bound else 200)


@workspace_view(get=None, post="write")
def risk_delete(request: HttpRequest, access: WorkspaceAccess, risk: Any) -> HttpResponse:
    obj = access.get(Risk.objects.all(), risk)
    title = obj.title
    delete_risk(actor=Actor.web(request), risk=obj)
    messages.success(request, f"Deleted the risk “{title}”.")
    return redirect(_safe_next(request, request.POST.get("next", "")) or register_url(access))


# --- One engagement's risks -----------------------------------------------------------------------


@workspace_view(get="read", post="write")
def engagement_risks(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    error = ""
    if request.method == "POST":
        try:
            made = risk_add_suggested(actor=Actor.web(request), engagement=obj, key=request.POST.get("key", ""))
        except ValidationError as exc:
            error = error_text(exc)
        else:
            review = f" Review it by {made.review_on:%-d %b %Y}." if made.review_on else ""
            messages.success(request, f"Recorded the risk “{made.title}”.{review} Adjust it if it reads wrong.")
            return redirect(engagement_risks_url(obj))
    rows = list(risk_list(workspace=access.workspace, engagement=obj).select_related("engagement__contractor"))
    context = {
        "engagement": obj,
        "rows": risk_rows(rows, today(access)),
        "heat": heat_of(rows, chart_id="engagement-heat", title=f"Risk heat map of {obj.title}"),
        "suggestions": [
            {
                "suggestion": s,
                "score": s.likelihood * s.impact,
                "band": charts.band_of(s.likelihood, s.impact),
                "area": Category(s.category).label,
            }
            for s in risk_suggestions(engagement=obj)
        ],
        "error": error,
        "here": engagement_risks_url(obj),
        "tab": "risks",
    }
    return render_page(request, access, "risk/engagement_risks.html", context, 400 if error else 200)
