"""comply/no-agreement, comply/agreement-incomplete, comply/classification-unassessed,
comply/classification-risk, comply/document-expiring: the papers of the work (RULES.md, "comply";
research/domain-rules.md sections 1-3 and 5).

Which freelancer-protection laws cover an engagement is `engagements.laws`' (with the engagement's
value from `payments.dues`), how an assessment reads is `compliance.classification.result_of`, and
when a W-8BEN runs out is `payments.tax.w8_expiry`: the rules say what the agreement, worker-status and
tax pages say. They read loaders of `CheckContext` (the engagements, contractors, agreements, the
latest assessment of each engagement and the latest document of each kind per contractor) and the
workspace already in hand: a fixed number of queries, whatever the number of engagements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from outsourcer.checks.registry import CheckContext, Hit, Subject, register
from outsourcer.checks.rules.manage import plural
from outsourcer.checks.rules.vet import and_list, contractor_subject, date_text, engagement_subject
from outsourcer.compliance import classification
from outsourcer.compliance.classification import questions, result_of, thresholds
from outsourcer.compliance.documents import EXPIRING_WITHIN_DAYS, document_expiry
from outsourcer.compliance.models import REQUIRED_CLAUSES
from outsourcer.compliance.selectors import agreement_laws, law_day
from outsourcer.contractors.models import Contractor, Document
from outsourcer.engagements.laws import Law
from outsourcer.engagements.models import RUNNING, Engagement, Kind, Status

# A document expiring within this many days of the check's date is named.
# Work that has not ended: its agreement and its worker status still matter.
OPEN_WORK = frozenset({Status.DRAFT, *RUNNING})


def _contractor(ctx: CheckContext, engagement: Engagement) -> Contractor:
    return ctx.contractors[engagement.contractor_id]


def _who(ctx: CheckContext, engagement: Engagement) -> str:
    return f"{engagement.title} with {_contractor(ctx, engagement).name}"


def _subject(ctx: CheckContext, engagement: Engagement) -> Subject:
    return engagement_subject(engagement, _contractor(ctx, engagement))


def laws_for(ctx: CheckContext, engagement: Engagement) -> list[Law]:
    """The freelancer-protection laws covering the engagement's unsigned agreement, read on the check's date as
    the agreement page reads them (`compliance.selectors.law_day`), from the rows already loaded: the
    engagement's place needs its contractor and workspace, given here, not queried."""
    engagement.contractor = _contractor(ctx, engagement)
    engagement.workspace = ctx.workspace
    return agreement_laws(engagement=engagement, on=law_day(signed_on=None, today=ctx.as_of))


# --- Agreements ----------------------------------------------------------------------------------------------


@register(
    id="comply/no-agreement",
    severity="warning",
    severities=("warning", "error"),
    title="No signed agreement",
    checks=(
        "An engagement in progress (active or paused) has no agreement, or one with no signing date. It is an "
        "error when a freelancer-protection law requires a written contract for the work (New York City and State, "
        "Illinois, California, Los Angeles, Seattle: an individual, not an agency, working or hired there, for at "
        "least the law's minimum value, in force on the check's date; a value that cannot be told counts as "
        "covered), a warning otherwise."
    ),
    why=(
        "Without a signed agreement nothing says who owns the work, what is confidential, what will be paid and "
        "when, or that the contractor is not an employee. Where a freelancer law applies, the written contract is "
        "itself the law, and its absence alone can cost damages."
    ),
    fix=(
        "Open the engagement's agreement: Outsourcer fills it in from the engagement, the contractor and the brief; "
        "check it, print it or download the PDF, have both sides sign, and record the signing date with the signed "
        "copy."
    ),
    source="seed 002; research 5",
)
def no_agreement(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in ctx.running_engagements:
        agreement = ctx.agreements.get(engagement.pk)
        if agreement is not None and agreement.signed_on is not None:
            continue
        laws = laws_for(ctx, engagement)
        lacks = "has no agreement" if agreement is None else "has an agreement that is not signed"
        law_text = ""
        if laws:
            names = and_list([f"the {law.name}" for law in laws])
            needs = "requires" if len(laws) == 1 else "each require"
            law_text = f": {names} {needs} a written contract for this work"
        yield Hit(
            subject=_subject(ctx, engagement),
            message=f"{_who(ctx, engagement)} {lacks}{law_text}.",
            facts={"agreement": agreement is not None, "laws": [law.id for law in laws]},
            severity="error" if laws else "warning",
        )


@register(
    id="comply/agreement-incomplete",
    severity="warning",
    title="A signed agreement lacks a key clause",
    checks=(
        "The signed agreement of an engagement not yet ended (draft, active or paused) lacks "
        f"{and_list(list(REQUIRED_CLAUSES.values()))}. The message lists what is missing."
    ),
    why=(
        "These are the clauses a dispute turns on: without the IP assignment the contractor may own what you paid "
        "for; without confidentiality your data is unprotected; without the independent-contractor clause and a "
        "payment date the relationship is whatever each side remembers."
    ),
    fix=(
        "Agree an amendment, or a new agreement, that adds the missing clauses, have it signed, and record it on the "
        "engagement's agreement."
    ),
    source="seed 002; research 5",
)
def agreement_incomplete(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in ctx.engagements:
        agreement = ctx.agreements.get(engagement.pk)
        if engagement.status not in OPEN_WORK or agreement is None or agreement.signed_on is None:
            continue
        missing = [name for name in REQUIRED_CLAUSES if not getattr(agreement, name)]
        if not missing:
            continue
        yield Hit(
            subject=_subject(ctx, engagement),
            message=(
                f"The agreement for {_who(ctx, engagement)}, signed on {date_text(agreement.signed_on)}, lacks "
                f"{and_list([REQUIRED_CLAUSES[name] for name in missing])}."
            ),
            facts={"missing": missing, "signed_on": agreement.signed_on.isoformat()},
        )


# --- Worker status -----------------------------------------------------------------------------------------


@register(
    id="comply/classification-unassessed",
    severity="warning",
    title="Worker status never assessed",
    checks=(
        "An engagement in progress (active or paused) that is ongoing work, or that has run for more than "
        f"{classification.long_running_days()} days since it started, has no worker-status assessment."
    ),
    why=(
        "The longer and more open-ended the work, the more the relationship can look like employment to the IRS "
        "or a state; an assessment written at the time is also the reasonable basis that protects you if the "
        "status is ever questioned."
    ),
    fix=(
        "Answer the worker-status questions on the engagement (about a dozen yes-or-no questions) and write down "
        "why contractor treatment is reasonable."
    ),
    source="seed 002; research 1-3",
)
def classification_unassessed(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in ctx.running_engagements:
        if engagement.pk in ctx.latest_classifications:
            continue
        if not classification.assessment_expected(kind=engagement.kind, start_on=engagement.start_on, today=ctx.as_of):
            continue
        ongoing = engagement.kind == Kind.ONGOING
        days = (ctx.as_of - engagement.start_on).days if engagement.start_on else None
        long = days is not None and days > classification.long_running_days()
        why = []
        if ongoing:
            why.append("is ongoing work")
        if long:
            assert engagement.start_on is not None and days is not None
            why.append(f"has run for {plural(days, 'day')} since {date_text(engagement.start_on)}")
        yield Hit(
            subject=_subject(ctx, engagement),
            message=f"{_who(ctx, engagement)} {and_list(why)}, and its worker status has never been assessed.",
            facts={"ongoing": ongoing, "long": long},
        )


@register(
    id="comply/classification-risk",
    severity="warning",
    severities=("warning", "error"),
    title="The work looks like employment",
    checks=(
        "The latest worker-status assessment of an engagement not yet ended (draft, active or paused) points "
        "toward employment: an error when 5 or more answers do, or when the workspace is in a state that uses the "
        "ABC test (California, Massachusetts, New Jersey) and the work is part of the usual business; a warning "
        "when 3 or 4 answers do. Thresholds and states are data, as the assessment page reads them."
    ),
    why=(
        "Treating an employee as a contractor costs back taxes, penalties and interest, and in an ABC-test state "
        "the presumption is employment unless all three prongs are shown. The answers say where the relationship "
        "has drifted; it informs, it is not legal advice."
    ),
    fix=(
        "Read the assessment's factors and change what you can (let the contractor choose how and when to work, pay "
        "for results, end open-ended terms), then reassess; where the result stays high, ask an employment lawyer "
        "or accountant, or the IRS with Form SS-8."
    ),
    source="seed 002; research 1-3",
)
def classification_risk(ctx: CheckContext) -> Iterator[Hit]:
    country, region = ctx.workspace.country or "", ctx.workspace.region or ""
    asked = len(questions())
    warning_at, _error_at = thresholds()
    for engagement in ctx.engagements:
        assessment = ctx.latest_classifications.get(engagement.pk)
        if engagement.status not in OPEN_WORK or assessment is None:
            continue
        result = result_of(assessment.answers, country=country, region=region, on=assessment.assessed_on)
        if result.severity is None:
            continue
        reasons = list(result.reasons)
        if result.count < warning_at:  # only the ABC test made it an error: still say how many answers
            reasons.append(f"{result.count} of {asked} answers point toward employment")
        unanswered = f" ({plural(len(result.unanswered), 'question')} unanswered)" if result.unanswered else ""
        yield Hit(
            subject=_subject(ctx, engagement),
            message=(
                f"The worker-status assessment of {_who(ctx, engagement)} on {date_text(assessment.assessed_on)}"
                f"{unanswered} points toward employment: {'; '.join(reasons)}."
            ),
            facts={
                "assessed_on": assessment.assessed_on.isoformat(),
                "toward": [q.id for q in result.toward],
                "abc": result.abc.region if result.abc else None,
            },
            severity=result.severity,
        )


# --- Documents -----------------------------------------------------------------------------------------------


def _document_name(document: Document) -> str:
    label = document.get_kind_display()
    return f"{label} \u201c{document.title}\u201d" if document.title else label


@register(
    id="comply/document-expiring",
    severity="warning",
    title="A contractor's paper is running out",
    checks=(
        "A contractor with work in progress (active or paused) has a document that has expired or expires within "
        f"{EXPIRING_WITHIN_DAYS} days of the check's date. Only the latest document of each kind counts (a renewed "
        "paper replaces the old one); a W-8BEN or W-8BEN-E with no expiry date runs to 31 December of the third "
        "year after it was signed. One finding per contractor, listing the documents and their dates."
    ),
    why=(
        "An expired W-8BEN means the payments made under it lack the paper that shows no US tax is due; an expired "
        "insurance certificate or licence means the cover you relied on may be gone. Renewing before the date costs "
        "an email; after it, a payment may have to wait."
    ),
    fix=(
        "Ask the contractor for the renewed document now, and record it with its signing and expiry dates; the "
        "old one then stops counting."
    ),
    source="research 4.5, research 6",
)
def document_expiring(ctx: CheckContext) -> Iterator[Hit]:
    engaged = {e.contractor_id for e in ctx.running_engagements}
    horizon = ctx.as_of + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    for contractor in ctx.contractors.values():
        if contractor.pk not in engaged:
            continue
        found: list[tuple[Document, dt.date, bool]] = []
        for document in ctx.latest_documents.get(contractor.pk, []):
            expires, stated = document_expiry(document)
            if expires is not None and expires <= horizon:
                found.append((document, expires, stated))
        if not found:
            continue
        found.sort(key=lambda row: (row[1], row[0].kind))
        parts = []
        for document, expires, stated in found:
            basis = "" if stated else " (three years after it was signed)"
            days = (expires - ctx.as_of).days
            if days < 0:
                when = f"expired on {date_text(expires)}{basis}"
            elif days == 0:
                when = f"expires today, {date_text(expires)}{basis}"
            else:
                when = f"expires on {date_text(expires)}{basis}, in {plural(days, 'day')}"
            parts.append(f"the {_document_name(document)} {when}")
        facts: dict[str, Any] = {"documents": {d.kind: e.isoformat() for d, e, _stated in found}}
        yield Hit(
            subject=contractor_subject(contractor),
            message=f"{contractor.name}: {'; '.join(parts)}.",
            facts=facts,
        )
