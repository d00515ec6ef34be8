"""The worker-status pages and the compliance overview.

`classification`: an engagement's questionnaire, its latest result and the history of assessments (a
reassessment adds one); `assessment`: one past assessment, read-only; `overview`: every engagement's
agreement and worker status, documents expiring, and how long signed agreements are kept. What the
answers mean is `classification.result_of`'s; the readings are `overview.py`'s.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.web import workspace_view
from outsourcer.compliance.classification import DISCLAIMER, REASONABLE_BASIS_GROUNDS, SS8_TEXT
from outsourcer.compliance.forms_classification import ClassificationForm
from outsourcer.compliance.models import ClassificationAssessment
from outsourcer.compliance.overview import (
    EXPIRING_WITHIN_DAYS,
    assessment_history,
    assessment_reading,
    compliance_overview,
)
from outsourcer.compliance.services import classification_record
from outsourcer.core.actor import Actor
from outsourcer.engagements.views_common import add_errors, get_engagement, render_page, today


def _shared(access: WorkspaceAccess) -> dict[str, Any]:
    return {
        "disclaimer": DISCLAIMER,
        "ss8_text": SS8_TEXT,
        "today": today(access),
    }


@workspace_view(get="read", post="write")
def classification(request: HttpRequest, access: WorkspaceAccess, engagement: Any) -> HttpResponse:
    obj = get_engagement(access, engagement)
    history = assessment_history(engagement=obj)
    latest = history[0] if history else None
    posted = request.method == "POST"
    initial = {"assessed_on": today(access), **ClassificationForm.initial_from(latest.assessment if latest else None)}
    form = ClassificationForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            classification_record(actor=Actor.web(request), engagement=obj, data=form.service_data())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, f"Recorded the worker-status assessment of {form.cleaned_data['assessed_on']:%-d %B %Y}."
            )
            url = reverse("compliance:classification", kwargs={"ws": access.workspace.uuid, "engagement": obj.uuid})
            return redirect(f"{url}#result")
    context = {
        **_shared(access),
        "engagement": obj,
        "form": form,
        "reading": latest,
        "history": history,
        "grounds": REASONABLE_BASIS_GROUNDS,
    }
    return render_page(request, access, "compliance/classification.html", context, 400 if form.is_bound else 200)


@workspace_view(get="read")
def assessment(request: HttpRequest, access: WorkspaceAccess, assessment: Any) -> HttpResponse:
    rows = ClassificationAssessment.objects.select_related("engagement__contractor", "assessed_by")
    found = access.get(rows, assessment)
    engagement = found.engagement
    engagement.workspace = access.workspace
    reading = assessment_reading(found, workspace=access.workspace, engagement=engagement)
    newer = (
        ClassificationAssessment.objects.filter(engagement=engagement)
        .order_by("-assessed_on", "-pk")
        .values_list("pk", flat=True)
        .first()
    )
    context = {**_shared(access), "engagement": engagement, "reading": reading, "is_latest": newer == found.pk}
    return render_page(request, access, "compliance/assessment.html", context)


@workspace_view(get="read")
def overview(request: HttpRequest, access: WorkspaceAccess) -> HttpResponse:
    found = compliance_overview(workspace=access.workspace, today=today(access))
    context = {
        **_shared(access),
        "overview": found,
        "within_days": EXPIRING_WITHIN_DAYS,
    }
    return render_page(request, access, "compliance/overview.html", context)
