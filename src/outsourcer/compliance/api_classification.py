"""Worker status and the compliance overview over REST: an engagement's assessments (history and a new
one), one assessment, the questionnaire as data, and the overview. The same readings as the pages and
`outsourcer classification`; what the answers mean is `classification.result_of`'s."""

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from outsourcer.accounts.api_door import api_door, requires
from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.compliance.models import ClassificationAssessment
from outsourcer.compliance.overview import assessment_history, assessment_reading, compliance_overview
from outsourcer.compliance.schemas_classification import (
    AssessmentOut,
    ClassificationIn,
    OverviewOut,
    QuestionnaireOut,
    assessment_dict,
    overview_dict,
    questionnaire_dict,
)
from outsourcer.compliance.services import classification_record
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement

router = Router(tags=["worker status"])

DISCLAIMER_NOTE = " Every result informs; it is not legal advice (its `disclaimer` says so in full)."


def _engagement(access: WorkspaceAccess, engagement: uuid.UUID) -> Engagement:
    found = access.get(Engagement.objects.select_related("contractor"), engagement)
    found.workspace = access.workspace
    return found


@router.get(
    "/workspaces/{ws}/engagements/{engagement}/classifications",
    response=list[AssessmentOut],
    summary="An engagement's worker-status assessments",
    description=(
        "Every assessment of the engagement, the latest first (the one that counts), each with its result: the "
        "level, the answers toward employment by IRS category, the ABC test where the workspace's state uses "
        "one, the FLSA test in force on the assessment date, and when to reassess." + DISCLAIMER_NOTE
    ),
)
@requires("read")
def classification_index(request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID) -> list[dict[str, Any]]:
    access = api_door(request, ws, "read")
    row = _engagement(access, engagement)
    return [assessment_dict(reading, row) for reading in assessment_history(engagement=row)]


@router.post(
    "/workspaces/{ws}/engagements/{engagement}/classifications",
    response={201: AssessmentOut},
    summary="Record a worker-status assessment",
    description=(
        "The twelve answers (true points toward employment, false away from it, null or left out: not sure), "
        "the day (default today) and the reasonable basis for contractor treatment. A reassessment adds a new "
        "assessment; earlier ones stay as history. Answers with the result." + DISCLAIMER_NOTE
    ),
)
@requires("write")
def classification_create(
    request: HttpRequest, ws: uuid.UUID, engagement: uuid.UUID, payload: ClassificationIn
) -> Status[Any]:
    access = api_door(request, ws, "write")
    row = _engagement(access, engagement)
    data = {
        **payload.answers.dict(),
        "assessed_on": payload.assessed_on or today_in(access.workspace.time_zone),
        "reasonable_basis": payload.reasonable_basis,
    }
    assessment = classification_record(actor=Actor.api(request), engagement=row, data=data)
    reading = assessment_reading(assessment, workspace=access.workspace, engagement=row)
    return Status(201, assessment_dict(reading, row))


@router.get(
    "/workspaces/{ws}/classifications/{assessment}",
    response=AssessmentOut,
    summary="One worker-status assessment",
    description="With its answers and result, as recorded on its day." + DISCLAIMER_NOTE,
)
@requires("read")
def classification_detail(request: HttpRequest, ws: uuid.UUID, assessment: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    rows = ClassificationAssessment.objects.select_related("engagement__contractor", "assessed_by")
    found = access.get(rows, assessment)
    engagement = found.engagement
    engagement.workspace = access.workspace
    return assessment_dict(assessment_reading(found, workspace=access.workspace, engagement=engagement), engagement)


@router.get(
    "/workspaces/{ws}/classification-questions",
    response=QuestionnaireOut,
    summary="The worker-status questionnaire, as data",
    description=(
        "The questions (IRS category, the ABC prong each puts in doubt, what a yes answer says), the states "
        "that use the ABC test, the FLSA tests with the day each took effect, the thresholds of the result, "
        "when to reassess, and the grounds of a reasonable basis."
    ),
)
@requires("read")
def classification_questions(request: HttpRequest, ws: uuid.UUID) -> dict[str, Any]:
    api_door(request, ws, "read")
    return questionnaire_dict()


@router.get(
    "/workspaces/{ws}/compliance",
    response=OverviewOut,
    summary="The compliance overview",
    description=(
        "Every engagement (running and drafts first) with its agreement (none, draft or signed; the "
        "freelancer-protection laws that apply; clauses missing) and worker status (never assessed, the latest "
        "level, or due for reassessment); documents of contractors with running engagements that have expired "
        "or expire within 30 days (a W-8BEN with no stated expiry runs to 31 December of the third year after "
        "signing); signed agreements with the day until which each must be kept. As of today in the "
        "workspace's time zone."
    ),
)
@requires("read")
def compliance_index(request: HttpRequest, ws: uuid.UUID) -> dict[str, Any]:
    access = api_door(request, ws, "read")
    return overview_dict(compliance_overview(workspace=access.workspace, today=today_in(access.workspace.time_zone)))
