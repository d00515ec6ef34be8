"""Reads for agreements and worker-status assessments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from outsourcer.compliance.classification import Result, result_of
from outsourcer.compliance.models import Agreement, ClassificationAssessment
from outsourcer.engagements.laws import Law, engagement_place, laws_covering
from outsourcer.engagements.models import Engagement
from outsourcer.payments.dues import engagement_value_usd


def agreement_of(*, engagement: Engagement) -> Agreement | None:
    return Agreement.objects.filter(engagement=engagement).select_related("signed_document").first()


def agreement_draft(*, engagement: Engagement) -> Agreement:
    """The engagement's agreement, or an unsaved one filled in from the workspace, contractor and brief."""
    found = agreement_of(engagement=engagement)
    if found is not None:
        return found
    workspace, contractor = engagement.workspace, engagement.contractor
    return Agreement(
        workspace=workspace,
        engagement=engagement,
        business_name=workspace.name,
        contractor_name=contractor.name,
        contractor_email=contractor.email,
        payment_days=engagement.payment_terms_days,
        governing_law=_governing_law(workspace),
    )


def _governing_law(workspace: Any) -> str:
    if workspace.country and workspace.region:
        return f"{workspace.region.split('-', 1)[0].upper()}, {workspace.country.upper()}"
    return workspace.country.upper() if workspace.country else ""


def agreement_laws(*, engagement: Engagement, on: dt.date | None = None) -> list[Law]:
    """The freelancer-protection laws that cover the engagement, in force on `on` (else on its start, else
    today), whose fields the agreement must hold; value unknown counts as covered, the protective reading."""
    day = on or engagement.start_on or dt.date.today()
    return laws_covering(
        place=engagement_place(engagement),
        on=day,
        individual=engagement.contractor.kind == "individual",
        value_usd=engagement_value_usd(engagement),
    )


def retention_until(*, engagement: Engagement, signed_on: dt.date, laws: list[Law] | None = None) -> dt.date | None:
    """The day until which a signed agreement must be kept: the longest retention period of the laws that
    cover it, counted from the later of signing and the engagement's end. None when no law names one."""
    covering = agreement_laws(engagement=engagement, on=signed_on) if laws is None else laws
    years = max((law.retention_years or 0 for law in covering), default=0)
    if years == 0:
        return None
    start = max(signed_on, engagement.end_on or signed_on)
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


def classification_list(*, engagement: Engagement) -> QuerySet[ClassificationAssessment]:
    """Every assessment of the engagement, latest first."""
    return ClassificationAssessment.objects.filter(engagement=engagement).select_related("assessed_by")


def classification_latest(*, engagement: Engagement) -> ClassificationAssessment | None:
    return classification_list(engagement=engagement).first()


def classification_get(*, workspace: Any, uuid: Any) -> ClassificationAssessment | None:
    return ClassificationAssessment.objects.filter(workspace=workspace, uuid=uuid).select_related("engagement").first()


def classification_result(*, assessment: ClassificationAssessment) -> Result:
    workspace = assessment.workspace
    return result_of(
        assessment.answers, country=workspace.country or "", region=workspace.region or "", on=assessment.assessed_on
    )
