"""Reads for agreements and worker-status assessments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from outsourcer.compliance.classification import Result, reassess_by, reassess_periodically, result_of
from outsourcer.compliance.models import Agreement, ClassificationAssessment
from outsourcer.engagements.laws import Law, engagement_place, laws_covering
from outsourcer.engagements.models import RUNNING, Engagement
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


def law_day(*, signed_on: dt.date | None, today: dt.date) -> dt.date:
    """The day the freelancer laws are read on for an agreement: the day it was signed, else today (the day it
    would be made). The agreement page, the overview and rule comply/no-agreement all ask here."""
    return signed_on or today


def agreement_laws(*, engagement: Engagement, on: dt.date) -> list[Law]:
    """The freelancer-protection laws in force on `on` (see `law_day`) that cover the engagement, whose fields
    the agreement must hold; a value that cannot be told counts as covered, the protective reading.
    `engagement.contractor` and `.workspace` are read, not queried again when already set."""
    return laws_covering(
        place=engagement_place(engagement),
        on=on,
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


@dataclass(frozen=True)
class Reassessment:
    """Running work whose latest worker-status assessment is due to be looked at again (from `due`)."""

    engagement: Engagement
    assessment: ClassificationAssessment
    due: dt.date


def classifications_to_reassess(*, workspace: Any, today: dt.date) -> list[Reassessment]:
    """Running engagements that are reassessed on a schedule (ongoing, open-ended or long:
    `classification.reassess_periodically`) whose latest assessment is past `classification.reassess_by`.
    One query: the assessments of running work, latest first for each engagement."""
    rows = (
        ClassificationAssessment.objects.filter(workspace=workspace, engagement__status__in=RUNNING)
        .select_related("engagement__contractor")
        .order_by("engagement_id", "-assessed_on", "-pk")
    )
    found: list[Reassessment] = []
    seen: set[int] = set()
    for assessment in rows:
        if assessment.engagement_id in seen:
            continue
        seen.add(assessment.engagement_id)
        engagement = assessment.engagement
        periodic = reassess_periodically(kind=engagement.kind, start_on=engagement.start_on, end_on=engagement.end_on)
        due = reassess_by(assessment.assessed_on)
        if periodic and due <= today:
            found.append(Reassessment(engagement=engagement, assessment=assessment, due=due))
    return sorted(found, key=lambda r: (r.due, r.engagement.title, r.engagement.ref))
