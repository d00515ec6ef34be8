"""Reads for the worker-status pages and the compliance overview (selector level: no writes).

`assessment_reading` is one assessment with everything a person reads of it (the result, the words,
when to look again); `compliance_overview` is the workspace at a glance: every engagement's agreement
and worker status, documents of engaged contractors that expire soon or have expired, and signed
agreements with the day until which they must be kept. Each is a fixed number of queries, whatever the
number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from outsourcer.compliance import classification as rules
from outsourcer.compliance.classification import Result, result_of
from outsourcer.compliance.documents import EXPIRING_WITHIN_DAYS, document_expiry, latest_of_each_kind
from outsourcer.compliance.models import Agreement, ClassificationAssessment
from outsourcer.compliance.selectors import agreement_laws, law_day, retention_until
from outsourcer.contractors.models import Document
from outsourcer.engagements.laws import Law
from outsourcer.engagements.models import RUNNING, Engagement, Status

# Documents of engaged contractors are listed this many days before they expire.


def periodic(engagement: Engagement) -> bool:
    """Whether the engagement's worker status is reassessed on a schedule (ongoing, open-ended or long)."""
    return rules.reassess_periodically(kind=engagement.kind, start_on=engagement.start_on, end_on=engagement.end_on)


@dataclass(frozen=True)
class Reading:
    """One assessment as a person reads it."""

    assessment: ClassificationAssessment
    result: Result
    periodic: bool

    @property
    def explanation(self) -> str:
        return rules.explanation(self.result)

    @property
    def headline(self) -> str:
        return rules.LEVEL_TEXT[self.result.level]

    @property
    def asked(self) -> int:
        return len(rules.questions())

    @property
    def answered(self) -> list[tuple[str, list[tuple[rules.Question, bool | None]]]]:
        """Each question with its answer (True: toward employment; None: not sure), by IRS category."""
        answers = self.assessment.answers
        found: dict[str, list[tuple[rules.Question, bool | None]]] = {}
        for question in rules.questions():
            found.setdefault(question.category, []).append((question, answers.get(question.id)))
        return [(rules.category_label(category), rows) for category, rows in found.items()]

    @property
    def reassess_by(self) -> dt.date | None:
        return rules.reassess_by(self.assessment.assessed_on) if self.periodic else None

    @property
    def reassess_text(self) -> str:
        return rules.reassess_text(periodic=self.periodic, assessed_on=self.assessment.assessed_on)

    def due(self, today: dt.date) -> bool:
        """Due for reassessment: on a schedule, and the schedule's day has come."""
        return self.reassess_by is not None and today >= self.reassess_by


def assessment_reading(assessment: ClassificationAssessment, *, workspace: Any, engagement: Engagement) -> Reading:
    """The assessment read for `workspace` (its country and region choose the ABC test) without a query."""
    result = result_of(
        assessment.answers, country=workspace.country or "", region=workspace.region or "", on=assessment.assessed_on
    )
    return Reading(assessment=assessment, result=result, periodic=periodic(engagement))


def assessment_history(*, engagement: Engagement) -> list[Reading]:
    """Every assessment of the engagement, latest first, each read (one query)."""
    rows = ClassificationAssessment.objects.filter(engagement=engagement).select_related("assessed_by")
    return [assessment_reading(a, workspace=engagement.workspace, engagement=engagement) for a in rows]


# --- The overview ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementStanding:
    state: str  # "none", "draft" or "signed"
    agreement: Agreement | None
    laws: list[Law]  # the freelancer-protection laws whose fields the agreement must hold

    @property
    def signed_on(self) -> dt.date | None:
        return self.agreement.signed_on if self.agreement is not None else None

    @property
    def missing(self) -> list[str]:
        return self.agreement.missing_clauses if self.agreement is not None else []


@dataclass(frozen=True)
class ClassificationStanding:
    state: str  # "never", "assessed" or "due"
    reading: Reading | None
    periodic: bool  # reassessed on a schedule
    expected: bool  # in progress, and ongoing or running long: it should have an assessment


@dataclass(frozen=True)
class OverviewRow:
    engagement: Engagement
    agreement: AgreementStanding
    classification: ClassificationStanding


@dataclass(frozen=True)
class ExpiringDocument:
    document: Document
    expires_on: dt.date
    expiry_stated: bool  # False: a W-8BEN's default, 31 December of the third year after signing
    days_left: int  # negative once expired

    @property
    def expired(self) -> bool:
        return self.days_left < 0

    @property
    def days_ago(self) -> int:
        return -self.days_left


@dataclass(frozen=True)
class Retained:
    agreement: Agreement
    keep_until: dt.date | None  # None: no law that covers it names a retention period


@dataclass(frozen=True)
class Overview:
    as_of: dt.date
    rows: list[OverviewRow]
    documents: list[ExpiringDocument]
    retained: list[Retained]

    @property
    def counts(self) -> dict[str, int]:
        """What needs doing, counted: running work with no signed agreement, running work that should have
        an assessment and has none, assessments due again, high results, and documents expired or expiring."""
        return {
            "unsigned": sum(1 for r in self.rows if r.engagement.is_running and r.agreement.state != "signed"),
            "never": sum(1 for r in self.rows if r.classification.state == "never" and r.classification.expected),
            "due": sum(1 for r in self.rows if r.classification.state == "due"),
            "high": sum(
                1 for r in self.rows if r.classification.reading and r.classification.reading.result.level == "high"
            ),
            "documents": len(self.documents),
        }


# Running work first, then drafts, then what has ended.
_ORDER = {Status.ACTIVE: 0, Status.PAUSED: 0, Status.DRAFT: 1}


def overview_engagements(*, workspace: Any) -> QuerySet[Engagement]:
    latest = ClassificationAssessment.objects.filter(engagement=OuterRef("pk")).order_by("-assessed_on", "-pk")
    return (
        Engagement.objects.filter(workspace=workspace)
        .select_related("contractor", "agreement")
        .annotate(latest_assessment=Subquery(latest.values("pk")[:1]))
    )


def _agreement_standing(engagement: Engagement, today: dt.date) -> AgreementStanding:
    found: Agreement | None = getattr(engagement, "agreement", None)
    laws = agreement_laws(engagement=engagement, on=law_day(signed_on=found.signed_on if found else None, today=today))
    if found is None:
        return AgreementStanding(state="none", agreement=None, laws=laws)
    return AgreementStanding(state="signed" if found.signed_on else "draft", agreement=found, laws=laws)


def overview_rows(*, workspace: Any, today: dt.date) -> list[OverviewRow]:
    """Every engagement with its agreement and worker status: running and drafts first (two queries)."""
    engagements = list(overview_engagements(workspace=workspace))
    ids = [e.latest_assessment for e in engagements if e.latest_assessment is not None]  # type: ignore[attr-defined]
    latest = {a.pk: a for a in ClassificationAssessment.objects.filter(pk__in=ids).select_related("assessed_by")}
    rows = []
    for engagement in engagements:
        engagement.workspace = workspace
        engagement.contractor.workspace = workspace
        assessment = latest.get(engagement.latest_assessment)  # type: ignore[attr-defined]
        on_schedule = periodic(engagement)
        expected = engagement.is_running and rules.assessment_expected(
            kind=engagement.kind, start_on=engagement.start_on, today=today
        )
        reading = None
        state = "never"
        if assessment is not None:
            reading = assessment_reading(assessment, workspace=workspace, engagement=engagement)
            state = "due" if reading.due(today) else "assessed"
        standing = ClassificationStanding(state=state, reading=reading, periodic=on_schedule, expected=expected)
        rows.append(
            OverviewRow(
                engagement=engagement, agreement=_agreement_standing(engagement, today), classification=standing
            )
        )
    rows.sort(key=lambda r: (_ORDER.get(Status(r.engagement.status), 2), r.engagement.title.lower(), r.engagement.pk))
    return rows


def expiring_documents(
    *, workspace: Any, today: dt.date, within_days: int = EXPIRING_WITHIN_DAYS
) -> list[ExpiringDocument]:
    """Documents of contractors with running engagements that have expired or expire within `within_days`,
    the soonest first. Only the latest document of each kind counts (a renewed paper replaces the one before
    it): the later signed, one with no signing date older than any dated one, the one recorded last between
    equals, as rule comply/document-expiring reads them (one query)."""
    engaged = Engagement.objects.filter(workspace=workspace, status__in=RUNNING).values("contractor_id")
    documents = (
        Document.objects.filter(workspace=workspace, contractor_id__in=engaged)
        .select_related("contractor")
        .order_by("pk")
    )
    found = []
    for document in latest_of_each_kind(documents).values():
        expires_on, stated = document_expiry(document)
        if expires_on is None:
            continue
        days = (expires_on - today).days
        if days <= within_days:
            found.append(
                ExpiringDocument(document=document, expires_on=expires_on, expiry_stated=stated, days_left=days)
            )
    found.sort(key=lambda e: (e.expires_on, e.document.contractor.name.lower(), e.document.pk))
    return found


def retained_agreements(*, workspace: Any) -> list[Retained]:
    """Signed agreements with the day until which each must be kept: the signed copy's retention date,
    else what the laws that cover the engagement name (one query)."""
    rows = (
        Agreement.objects.filter(workspace=workspace, signed_on__isnull=False)
        .select_related("engagement__contractor", "signed_document")
        .order_by("signed_on", "pk")
    )
    found = []
    for agreement in rows:
        engagement = agreement.engagement
        engagement.workspace = workspace
        engagement.contractor.workspace = workspace
        assert agreement.signed_on is not None
        document = agreement.signed_document
        keep = document.retain_until if document is not None and document.retain_until else None
        if keep is None:
            keep = retention_until(engagement=engagement, signed_on=agreement.signed_on)
        found.append(Retained(agreement=agreement, keep_until=keep))
    found.sort(key=lambda r: (r.keep_until is None, r.keep_until or dt.date.max, r.agreement.pk))
    return found


def compliance_overview(*, workspace: Any, today: dt.date) -> Overview:
    return Overview(
        as_of=today,
        rows=overview_rows(workspace=workspace, today=today),
        documents=expiring_documents(workspace=workspace, today=today),
        retained=retained_agreements(workspace=workspace),
    )
