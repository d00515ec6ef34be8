"""The agreement, worker-status and document rules of comply/*: each fires with its message and numbers,
a near miss stays silent, and a whole check costs the same queries for few or many engagements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsourcer.checks.services import check_run
from outsourcer.compliance.models import ANSWER_FIELDS
from outsourcer.core.actor import Actor
from tests.factories import (
    AgreementFactory,
    ClassificationFactory,
    ContractorFactory,
    DocumentFactory,
    EngagementFactory,
    WorkspaceFactory,
)

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)


def run(ws, as_of: dt.date = TODAY):
    return check_run(actor=ACTOR, workspace=ws, as_of=as_of)


def found(ws, rule: str, as_of: dt.date = TODAY) -> dict[str, str]:
    """The open findings of one rule: subject ref -> message."""
    return {f.subject_ref: f.message for f in run(ws, as_of).open if f.rule == rule}


def levels(ws, rule: str, as_of: dt.date = TODAY) -> dict[str, str]:
    return {f.subject_ref: f.severity for f in run(ws, as_of).open if f.rule == rule}


def engagement(ws, ref: str, title: str = "Website copy", name: str = "Ann Lee", **fields):
    contractor = fields.pop("contractor", None) or ContractorFactory(
        workspace=ws, ref=f"c-{ref}", name=name, kind=fields.pop("contractor_kind", "individual"),
        region=fields.pop("contractor_region", ""),
    )  # fmt: skip
    return EngagementFactory(contractor=contractor, ref=ref, title=title, **fields)


def assessed(work, *toward: str, on: dt.date = dt.date(2026, 11, 1), **answers):
    values = {name: (name in toward) for name in ANSWER_FIELDS}
    return ClassificationFactory(engagement=work, assessed_on=on, **{**values, **answers})


# --- comply/no-agreement ---------------------------------------------------------------------------------


def test_no_agreement_is_an_error_where_a_freelancer_law_asks_for_a_written_contract(db):
    ws = WorkspaceFactory(country="US", region="NY")
    engagement(ws, "copy")  # an individual, 1,500.00 USD: the New York State law covers it
    agency = engagement(ws, "agency", title="Ads", name="Studio Co", contractor_kind="agency")
    small = engagement(ws, "small", title="Logo", name="Bo Chen", budget_cap=Decimal(500), rate_amount=Decimal(500))
    AgreementFactory(engagement=small, signed_on=None)
    # Near misses: a signed agreement; work that has ended, or not started.
    AgreementFactory(engagement=engagement(ws, "signed", name="Cy Signed"))
    engagement(ws, "done", name="Di Done", status="completed")
    engagement(ws, "draft", name="Ed Draft", status="draft")
    assert found(ws, "comply/no-agreement") == {
        "copy": "Website copy with Ann Lee has no agreement: the New York State Freelance Isn't Free Act requires a "
        "written contract for this work.",
        "agency": "Ads with Studio Co has no agreement.",  # an agency is not a freelancer under these laws
        "small": "Logo with Bo Chen has an agreement that is not signed.",  # under the law's 800 USD
    }
    assert levels(ws, "comply/no-agreement") == {"copy": "error", "agency": "warning", "small": "warning"}
    assert agency.contractor.kind == "agency"


def test_no_agreement_names_every_law_and_reads_them_on_the_checks_date(db):
    """An unsigned agreement would be made today, so the laws are those in force on the check's date, as the
    agreement page reads them (`compliance.selectors.law_day`), whenever the work started."""
    ws = WorkspaceFactory(country="US", region="NY-NYC")
    engagement(ws, "copy")
    # Work in California started before its statewide law (1 January 2025), and after.
    ca = WorkspaceFactory(country="US", region="TX")
    engagement(ca, "old", name="Bo Chen", contractor_region="CA", start_on=dt.date(2024, 6, 1))
    engagement(ca, "new", name="Cy New", contractor_region="CA", start_on=dt.date(2025, 2, 1))
    assert found(ws, "comply/no-agreement") == {
        "copy": "Website copy with Ann Lee has no agreement: the New York City Freelance Isn't Free Act and the New "
        "York State Freelance Isn't Free Act each require a written contract for this work."
    }
    assert levels(ca, "comply/no-agreement") == {"old": "error", "new": "error"}
    # Checked as of a day before the law was in force, neither needed a written contract under it.
    assert levels(ca, "comply/no-agreement", as_of=dt.date(2024, 12, 31)) == {"old": "warning", "new": "warning"}


# --- comply/agreement-incomplete -------------------------------------------------------------------------


def test_agreement_incomplete_lists_the_missing_clauses(db):
    ws = WorkspaceFactory()
    AgreementFactory(engagement=engagement(ws, "copy"), ip_assignment=False, payment_date_stated=False)
    # Near misses: all four clauses (termination is not one of them); unsigned (comply/no-agreement speaks);
    # ended work.
    AgreementFactory(engagement=engagement(ws, "full", name="Bo Full"), termination_clause=False)
    AgreementFactory(engagement=engagement(ws, "unsigned", name="Cy Draft"), signed_on=None, confidentiality=False)
    AgreementFactory(engagement=engagement(ws, "done", name="Di Done", status="completed"), ip_assignment=False)
    assert found(ws, "comply/agreement-incomplete") == {
        "copy": "The agreement for Website copy with Ann Lee, signed on 30 October 2026, lacks the IP assignment "
        "and a stated payment date."
    }
    assert levels(ws, "comply/agreement-incomplete") == {"copy": "warning"}


# --- comply/classification-unassessed --------------------------------------------------------------------


def test_classification_unassessed_fires_on_ongoing_or_long_running_work(db):
    ws = WorkspaceFactory()
    engagement(ws, "retainer", title="Support desk", kind="ongoing")
    engagement(ws, "long", name="Bo Chen", start_on=dt.date(2026, 8, 1))
    engagement(ws, "both", title="Books", name="Cy Both", kind="ongoing", status="paused", start_on=dt.date(2025, 1, 1))
    # Near misses: 90 days exactly; ongoing work already assessed; long work that has ended.
    engagement(ws, "ninety", name="Di Ninety", start_on=dt.date(2026, 9, 2))
    assessed(engagement(ws, "known", name="Ed Known", kind="ongoing"))
    engagement(ws, "done", name="Fa Done", status="completed", start_on=dt.date(2025, 1, 1))
    assert found(ws, "comply/classification-unassessed") == {
        "retainer": "Support desk with Ann Lee is ongoing work, and its worker status has never been assessed.",
        "long": "Website copy with Bo Chen has run for 122 days since 1 August 2026, and its worker status has never "
        "been assessed.",
        "both": "Books with Cy Both is ongoing work and has run for 699 days since 1 January 2025, and its worker "
        "status has never been assessed.",
    }


# --- comply/classification-risk --------------------------------------------------------------------------


def test_classification_risk_warns_at_three_answers_and_errs_at_five(db):
    ws = WorkspaceFactory(country="US", region="NY")
    assessed(engagement(ws, "three"), "sets_hours_or_location", "provides_tools", "open_ended")
    assessed(
        engagement(ws, "five", name="Bo Chen"), "sets_hours_or_location", "trains_in_our_methods",
        "directs_how_work_is_done", "paid_by_time_not_result", "provides_benefits", works_only_for_us=None,
    )  # fmt: skip
    # Near misses: 2 answers; the latest assessment counts (an older one said 5); ended work.
    assessed(engagement(ws, "two", name="Cy Two"), "provides_tools", "open_ended")
    better = engagement(ws, "better", name="Di Better")
    assessed(better, *ANSWER_FIELDS[:5], on=dt.date(2026, 6, 1))
    assessed(better, "provides_tools", on=dt.date(2026, 10, 1))
    assessed(engagement(ws, "done", name="Ed Done", status="completed"), *ANSWER_FIELDS[:6])
    assert found(ws, "comply/classification-risk") == {
        "three": "The worker-status assessment of Website copy with Ann Lee on 1 November 2026 points toward "
        "employment: 3 of 12 answers point toward employment (3 or more).",
        "five": "The worker-status assessment of Website copy with Bo Chen on 1 November 2026 (1 question unanswered) "
        "points toward employment: 5 of 12 answers point toward employment (5 or more).",
    }
    assert levels(ws, "comply/classification-risk") == {"three": "warning", "five": "error"}


def test_classification_risk_is_an_error_in_an_abc_state_when_the_work_is_core(db):
    ws = WorkspaceFactory(country="US", region="CA")
    assessed(engagement(ws, "core"), "core_to_our_business")
    assessed(engagement(ws, "draft", name="Bo Draft", status="draft"), "core_to_our_business", "provides_tools",
             "open_ended")  # fmt: skip
    # Near miss: outside an ABC state the same single answer is nothing.
    elsewhere = WorkspaceFactory(country="US", region="TX")
    assessed(engagement(elsewhere, "core"), "core_to_our_business")
    abc = (
        "California uses the ABC test (Cal. Lab. Code § 2775) and the work is part of your usual business, so prong B "
    )
    assert found(ws, "comply/classification-risk") == {
        "core": "The worker-status assessment of Website copy with Ann Lee on 1 November 2026 points toward "
        f"employment: {abc}cannot be shown; 1 of 12 answers point toward employment.",
        "draft": "The worker-status assessment of Website copy with Bo Draft on 1 November 2026 points toward "
        f"employment: {abc}cannot be shown; 3 of 12 answers point toward employment (3 or more).",
    }
    assert levels(ws, "comply/classification-risk") == {"core": "error", "draft": "error"}
    assert found(elsewhere, "comply/classification-risk") == {}


# --- comply/document-expiring ----------------------------------------------------------------------------


def test_document_expiring_lists_each_contractors_papers_running_out(db):
    ws = WorkspaceFactory()
    ann = engagement(ws, "copy").contractor
    DocumentFactory(contractor=ann, kind="w8ben", signed_on=dt.date(2023, 3, 1))  # runs to 31 December 2026
    DocumentFactory(
        contractor=ann, kind="insurance", title="Liability", signed_on=None, expires_on=dt.date(2026, 11, 15)
    )
    DocumentFactory(contractor=ann, kind="license", signed_on=None, expires_on=TODAY)
    DocumentFactory(contractor=ann, kind="certificate", expires_on=dt.date(2027, 1, 1))  # 31 days: not yet
    DocumentFactory(contractor=ann, kind="w9", signed_on=dt.date(2020, 1, 1))  # a W-9 does not expire
    # Near misses: a renewed W-8BEN replaces the old one; a contractor with no work in progress.
    bo = engagement(ws, "renewed", name="Bo Chen").contractor
    DocumentFactory(contractor=bo, kind="w8ben", signed_on=dt.date(2022, 2, 1))
    DocumentFactory(contractor=bo, kind="w8ben", signed_on=dt.date(2026, 2, 1))
    idle = engagement(ws, "idle", name="Cy Idle", status="completed").contractor
    DocumentFactory(contractor=idle, kind="insurance", expires_on=dt.date(2026, 1, 1))
    assert found(ws, "comply/document-expiring") == {
        "c-copy": "Ann Lee: the Insurance \u201cLiability\u201d expired on 15 November 2026; the Licence expires "
        "today, 1 December 2026; the W-8BEN expires on 31 December 2026 (three years after it was signed), in 30 "
        "days."
    }
    assert levels(ws, "comply/document-expiring") == {"c-copy": "warning"}
    # A stated expiry wins over the three years; the renewed form of Bo's runs to 2029.
    ann.document_set.filter(kind="w8ben").update(expires_on=dt.date(2027, 6, 30))
    assert "W-8BEN" not in found(ws, "comply/document-expiring")["c-copy"]


# --- Cost ------------------------------------------------------------------------------------------------


def test_the_comply_rules_cost_the_same_queries_for_few_or_many_engagements(db):
    def queries(n: int) -> int:
        ws = WorkspaceFactory(country="US", region="CA", fx_rates={"EUR": "1.1"})
        for i in range(n):
            work = engagement(ws, f"e{i}", name=f"Contractor {i}", kind=("ongoing", "project")[i % 2],
                              status=("active", "draft", "paused")[i % 3], start_on=dt.date(2026, 1 + i % 11, 1),
                              contractor_kind=("individual", "agency")[i % 2], contractor_region=("NY", "")[i % 2],
                              rate_currency=("USD", "EUR")[i % 2])  # fmt: skip
            if i % 3:
                AgreementFactory(
                    engagement=work, signed_on=(None, dt.date(2026, 1, 1))[i % 2], ip_assignment=bool(i % 4)
                )
            if i % 2:
                assessed(work, *ANSWER_FIELDS[: i % 7])
                assessed(work, *ANSWER_FIELDS[-(i % 5) :], on=dt.date(2026, 2, 1))
            DocumentFactory(contractor=work.contractor, kind="w8ben", signed_on=dt.date(2023, 1, 1))
            DocumentFactory(contractor=work.contractor, kind="insurance", expires_on=dt.date(2026, 12, 1 + i % 28))
        run(ws)
        with CaptureQueriesContext(connection) as ctx:
            run(ws)
        return len(ctx.captured_queries)

    assert queries(3) == queries(24)
