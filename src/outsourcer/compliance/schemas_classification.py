"""The REST shape of worker status and the compliance overview; `outsourcer classification --json` prints
the same (both go through `AssessmentOut`). The dict builders below turn the readings of `overview.py`
into these shapes, so the API and the CLI say the same thing."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from outsourcer.compliance import classification as rules
from outsourcer.compliance.overview import Overview, Reading
from outsourcer.core.api_types import Day, Strict
from outsourcer.engagements.models import Engagement

LevelName = Literal["high", "elevated", "low"]
SeverityName = Literal["error", "warning"]
CategoryName = Literal["behavioral", "financial", "relationship"]
ProngName = Literal["A", "B", "C"]
ProngStateName = Literal["cannot_show", "unsure", "nothing_against"]
Basis = Annotated[str, Field(max_length=2000)]
Answer = Annotated[bool | None, Field(description="true points toward employment; null: not sure")]


# --- In --------------------------------------------------------------------------------------------


class AnswersIn(Strict):
    """The twelve answers; one left out counts as not sure (null). See `GET .../classification-questions`."""

    sets_hours_or_location: Answer = None
    trains_in_our_methods: Answer = None
    directs_how_work_is_done: Answer = None
    paid_by_time_not_result: Answer = None
    reimburses_expenses: Answer = None
    provides_tools: Answer = None
    no_chance_of_profit_or_loss: Answer = None
    works_only_for_us: Answer = None
    provides_benefits: Answer = None
    open_ended: Answer = None
    core_to_our_business: Answer = None
    similar_workers_are_employees: Answer = None


class ClassificationIn(Strict):
    answers: AnswersIn
    assessed_on: Day | None = Field(None, description="default: today in the workspace's time zone")
    reasonable_basis: Basis = Field(
        "", description="why contractor treatment is reasonable, written at the time of the decision (Section 530)"
    )


# --- Out -------------------------------------------------------------------------------------------


class AnswersOut(Schema):
    sets_hours_or_location: bool | None
    trains_in_our_methods: bool | None
    directs_how_work_is_done: bool | None
    paid_by_time_not_result: bool | None
    reimburses_expenses: bool | None
    provides_tools: bool | None
    no_chance_of_profit_or_loss: bool | None
    works_only_for_us: bool | None
    provides_benefits: bool | None
    open_ended: bool | None
    core_to_our_business: bool | None
    similar_workers_are_employees: bool | None


class FactorsOut(Schema):
    category: CategoryName
    label: str
    count: int
    questions: list[str] = Field(description="ids of the questions answered toward employment")
    signs: list[str] = Field(description="what each of those answers says, in words")


class ProngOut(Schema):
    prong: ProngName
    text: str = Field(description="what must be shown")
    state: ProngStateName
    state_text: str
    note: str = Field(description="New Jersey: prong B is also met by work done outside all places of business")


class AbcOut(Schema):
    region: str
    name: str
    citation: str
    prong_b_by_location: bool
    failed: list[ProngName] = Field(description="prongs the answers say cannot be shown")
    prongs: list[ProngOut]


class FlsaOut(Schema):
    id: str
    name: str
    starts: dt.date = Field(description="the day this test took effect")
    factors: list[str]
    note: str


class ResultOut(Schema):
    level: LevelName = Field(description="the headline: high, elevated or low")
    severity: SeverityName | None = Field(description="as rule comply/classification-risk reports it")
    headline: str
    toward_employment: int
    questions: int
    toward: list[str] = Field(description="ids of the answers pointing toward employment")
    unsure: list[str] = Field(description="ids of the questions answered not sure")
    by_category: dict[str, int]
    factors: list[FactorsOut]
    reasons: list[str]
    explanation: str
    abc: AbcOut | None = Field(description="the ABC test, when the workspace's state uses one")
    flsa: FlsaOut | None = Field(description="the FLSA test in force on the assessment date; null before 2024-03-11")
    ss8_suggested: bool
    reassess: str
    reassess_by: dt.date | None = Field(description="for ongoing, open-ended or long work: 12 months on")
    disclaimer: str


class EngagementRefOut(Schema):
    uuid: uuid.UUID
    ref: str
    title: str


class AssessmentOut(Schema):
    uuid: uuid.UUID
    engagement: EngagementRefOut
    assessed_on: dt.date
    assessed_by: str | None = Field(description="the email of who recorded it")
    reasonable_basis: str
    answers: AnswersOut
    result: ResultOut


class QuestionOut(Schema):
    id: str
    category: CategoryName
    abc: ProngName | None = Field(description="the ABC prong a yes answer puts in doubt")
    question: str
    employee_sign: str = Field(description="what a yes answer says")


class CategoryOut(Schema):
    id: CategoryName
    label: str


class AbcStateOut(Schema):
    region: str
    name: str
    citation: str
    prong_b_by_location: bool


class ThresholdsOut(Schema):
    warning_at: int
    error_at: int


class ReassessOut(Schema):
    every_months: int
    long_running_days: int


class QuestionnaireOut(Schema):
    questions: list[QuestionOut]
    categories: list[CategoryOut]
    abc_states: list[AbcStateOut]
    abc_prongs: dict[str, str]
    flsa_versions: list[FlsaOut] = Field(description="oldest first; the one in force is the latest started")
    thresholds: ThresholdsOut = Field(description="answers toward employment for a warning, and for an error")
    reassess: ReassessOut
    reasonable_basis_grounds: list[str]
    disclaimer: str


class ContractorRefOut(Schema):
    uuid: uuid.UUID
    ref: str
    name: str


class OverviewEngagementOut(Schema):
    uuid: uuid.UUID
    ref: str
    title: str
    kind: str
    status: str
    contractor: ContractorRefOut


class LawOut(Schema):
    id: str
    name: str


class AgreementStateOut(Schema):
    state: Literal["none", "draft", "signed"]
    signed_on: dt.date | None
    missing_clauses: list[str]
    laws: list[LawOut] = Field(description="freelancer-protection laws whose fields the agreement must hold")


class ClassificationStateOut(Schema):
    state: Literal["never", "assessed", "due"]
    periodic: bool = Field(description="ongoing, open-ended or set to run over 90 days: reassessed every 12 months")
    expected: bool = Field(description="in progress, and ongoing or running over 90 days: it should be assessed")
    assessment: uuid.UUID | None
    assessed_on: dt.date | None
    level: LevelName | None
    severity: SeverityName | None
    toward_employment: int | None
    reassess_by: dt.date | None


class OverviewRowOut(Schema):
    engagement: OverviewEngagementOut
    agreement: AgreementStateOut
    classification: ClassificationStateOut


class ExpiringDocumentOut(Schema):
    uuid: uuid.UUID
    contractor: ContractorRefOut
    kind: str
    title: str
    expires_on: dt.date
    expiry_stated: bool = Field(description="false: a W-8BEN's default, 31 December of the third year after signing")
    days_left: int = Field(description="negative once expired")


class RetainedOut(Schema):
    engagement: EngagementRefOut
    contractor: ContractorRefOut
    signed_on: dt.date
    keep_until: dt.date | None = Field(description="null: no law that covers it names a retention period")
    signed_document: uuid.UUID | None


class OverviewCountsOut(Schema):
    unsigned: int = Field(description="running engagements without a signed agreement")
    never: int = Field(description="engagements in progress, ongoing or running over 90 days, never assessed")
    due: int = Field(description="assessments due again")
    high: int = Field(description="engagements whose latest result is high")
    documents: int = Field(description="documents expired or expiring")


class OverviewOut(Schema):
    as_of: dt.date
    counts: OverviewCountsOut
    engagements: list[OverviewRowOut] = Field(description="running and drafts first")
    documents: list[ExpiringDocumentOut] = Field(description="of contractors with running engagements, soonest first")
    retained: list[RetainedOut]


# --- Builders --------------------------------------------------------------------------------------


def _flsa(version: rules.FlsaVersion) -> dict[str, Any]:
    return {
        "id": version.id,
        "name": version.name,
        "starts": version.starts,
        "factors": list(version.factors),
        "note": version.note,
    }


def result_dict(reading: Reading) -> dict[str, Any]:
    result = reading.result
    abc = None
    if result.abc is not None:
        abc = {
            "region": result.abc.region,
            "name": result.abc.name,
            "citation": result.abc.citation,
            "prong_b_by_location": result.abc.prong_b_by_location,
            "failed": list(result.abc_failed),
            "prongs": [
                {"prong": p.prong, "text": p.text, "state": p.state, "state_text": p.state_text, "note": p.note}
                for p in result.prongs
            ],
        }
    return {
        "level": result.level,
        "severity": result.severity,
        "headline": reading.headline,
        "toward_employment": result.count,
        "questions": reading.asked,
        "toward": [q.id for q in result.toward],
        "unsure": [q.id for q in result.unanswered],
        "by_category": dict(result.by_category),
        "factors": [
            {
                "category": f.category,
                "label": f.label,
                "count": f.count,
                "questions": [q.id for q in f.signs],
                "signs": [q.employee_sign for q in f.signs],
            }
            for f in result.factors
        ],
        "reasons": list(result.reasons),
        "explanation": reading.explanation,
        "abc": abc,
        "flsa": _flsa(result.flsa) if result.flsa else None,
        "ss8_suggested": result.ss8_suggested,
        "reassess": reading.reassess_text,
        "reassess_by": reading.reassess_by,
        "disclaimer": rules.DISCLAIMER,
    }


def assessment_dict(reading: Reading, engagement: Engagement) -> dict[str, Any]:
    a = reading.assessment
    return {
        "uuid": a.uuid,
        "engagement": {"uuid": engagement.uuid, "ref": engagement.ref, "title": engagement.title},
        "assessed_on": a.assessed_on,
        "assessed_by": a.assessed_by.email if a.assessed_by else None,
        "reasonable_basis": a.reasonable_basis,
        "answers": a.answers,
        "result": result_dict(reading),
    }


def questionnaire_dict() -> dict[str, Any]:
    warning_at, error_at = rules.thresholds()
    return {
        "questions": [
            {"id": q.id, "category": q.category, "abc": q.abc, "question": q.question, "employee_sign": q.employee_sign}
            for q in rules.questions()
        ],
        "categories": [{"id": key, "label": label} for key, label in rules.categories().items()],
        "abc_states": [
            {"region": s.region, "name": s.name, "citation": s.citation, "prong_b_by_location": s.prong_b_by_location}
            for s in rules.abc_states()
        ],
        "abc_prongs": rules.abc_prongs(),
        "flsa_versions": [_flsa(v) for v in rules.flsa_versions()],
        "thresholds": {"warning_at": warning_at, "error_at": error_at},
        "reassess": {"every_months": rules.reassess_every_months(), "long_running_days": rules.long_running_days()},
        "reasonable_basis_grounds": list(rules.REASONABLE_BASIS_GROUNDS),
        "disclaimer": rules.DISCLAIMER,
    }


def _contractor(contractor: Any) -> dict[str, Any]:
    return {"uuid": contractor.uuid, "ref": contractor.ref, "name": contractor.name}


def overview_dict(overview: Overview) -> dict[str, Any]:
    rows = []
    for row in overview.rows:
        e, ag, cl = row.engagement, row.agreement, row.classification
        reading = cl.reading
        rows.append(
            {
                "engagement": {
                    "uuid": e.uuid, "ref": e.ref, "title": e.title, "kind": e.kind, "status": e.status,
                    "contractor": _contractor(e.contractor),
                },
                "agreement": {
                    "state": ag.state,
                    "signed_on": ag.signed_on,
                    "missing_clauses": ag.missing,
                    "laws": [{"id": law.id, "name": law.name} for law in ag.laws],
                },
                "classification": {
                    "state": cl.state,
                    "periodic": cl.periodic,
                    "expected": cl.expected,
                    "assessment": reading.assessment.uuid if reading else None,
                    "assessed_on": reading.assessment.assessed_on if reading else None,
                    "level": reading.result.level if reading else None,
                    "severity": reading.result.severity if reading else None,
                    "toward_employment": reading.result.count if reading else None,
                    "reassess_by": reading.reassess_by if reading else None,
                },
            }
        )  # fmt: skip
    return {
        "as_of": overview.as_of,
        "counts": overview.counts,
        "engagements": rows,
        "documents": [
            {
                "uuid": d.document.uuid,
                "contractor": _contractor(d.document.contractor),
                "kind": d.document.kind,
                "title": d.document.title,
                "expires_on": d.expires_on,
                "expiry_stated": d.expiry_stated,
                "days_left": d.days_left,
            }
            for d in overview.documents
        ],
        "retained": [
            {
                "engagement": {
                    "uuid": r.agreement.engagement.uuid,
                    "ref": r.agreement.engagement.ref,
                    "title": r.agreement.engagement.title,
                },
                "contractor": _contractor(r.agreement.engagement.contractor),
                "signed_on": r.agreement.signed_on,
                "keep_until": r.keep_until,
                "signed_document": r.agreement.signed_document.uuid if r.agreement.signed_document else None,
            }
            for r in overview.retained
        ],
    }
