"""The vet rules and plan/split-duties: each fires with its numbers, a near miss stays silent, the demo
bundle plants every one of them, and a whole check costs the same queries for 5 or 40 contractors."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from outsourcer.bundles.demo import demo_document
from outsourcer.bundles.services import bundle_import_into, bundle_import_new
from outsourcer.checks.models import Finding
from outsourcer.checks.services import check_run, finding_dismiss
from outsourcer.checks.templatetags.checks_tags import subject_url
from outsourcer.core.actor import Actor
from tests.factories import (
    ContractorFactory,
    EngagementFactory,
    InterviewFactory,
    RedFlagFactory,
    ReferenceCheckFactory,
    TaskFactory,
    WorkspaceFactory,
)

ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)  # a Tuesday


def found(ws, rule: str, as_of: dt.date = TODAY) -> dict[str, str]:
    """The open findings of one rule: subject ref -> message."""
    result = check_run(actor=ACTOR, workspace=ws, as_of=as_of)
    return {f.subject_ref: f.message for f in result.open if f.rule == rule}


def vetted(ws, **fields):
    """A contractor every vet rule is happy with: a checked positive reference, a verified interview."""
    contractor = ContractorFactory(workspace=ws, **fields)
    ReferenceCheckFactory(contractor=contractor)
    InterviewFactory(contractor=contractor)
    return contractor


# --- vet/no-references ----------------------------------------------------------------------------


def test_no_references_fires_for_active_work_without_a_good_checked_reference(db):
    ws = WorkspaceFactory()
    ann = ContractorFactory(workspace=ws, ref="ann", name="Ann Lee")
    ReferenceCheckFactory(contractor=ann, outcome="unreachable")
    ReferenceCheckFactory(contractor=ann, outcome="positive", checked_on=None)  # asked for, never checked
    EngagementFactory(contractor=ann, title="Payroll", status="paused")
    EngagementFactory(contractor=ann, title="Bookkeeping")
    # Near misses: a checked mixed reference counts; a trial or finished work is not active work.
    mixed = ContractorFactory(workspace=ws, ref="mixed")
    ReferenceCheckFactory(contractor=mixed, outcome="mixed")
    EngagementFactory(contractor=mixed)
    EngagementFactory(contractor=ContractorFactory(workspace=ws, ref="trial"), kind="trial")
    EngagementFactory(contractor=ContractorFactory(workspace=ws, ref="done"), status="completed")
    assert found(ws, "vet/no-references") == {
        "ann": "Ann Lee is working on Bookkeeping and Payroll with no checked reference that came back "
        "positive or mixed (2 on file)."
    }


def test_no_references_says_when_there_is_none_on_file(db):
    ws = WorkspaceFactory()
    EngagementFactory(contractor=ContractorFactory(workspace=ws, ref="bo", name="Bo Chan"), title="Website")
    assert found(ws, "vet/no-references") == {
        "bo": "Bo Chan is working on Website with no checked reference that came back positive or mixed (none on file)."
    }


# --- vet/negative-reference -----------------------------------------------------------------------


def test_negative_reference_fires_until_a_later_positive_one(db):
    ws = WorkspaceFactory()
    mari = ContractorFactory(workspace=ws, ref="mari", name="Marisol Reyes")
    ReferenceCheckFactory(contractor=mari, outcome="positive", checked_on=dt.date(2026, 9, 1))
    negative = ReferenceCheckFactory(
        contractor=mari, name="Tessa Lim", outcome="negative", checked_on=dt.date(2026, 10, 1)
    )
    EngagementFactory(contractor=mari, kind="trial", title="Retouching trial")
    # Near misses: a later positive reference answers the negative one; no active work, no finding.
    answered = ContractorFactory(workspace=ws, ref="answered")
    ReferenceCheckFactory(contractor=answered, outcome="negative", checked_on=dt.date(2026, 10, 1))
    ReferenceCheckFactory(contractor=answered, outcome="positive", checked_on=dt.date(2026, 10, 2))
    EngagementFactory(contractor=answered)
    idle = ContractorFactory(workspace=ws, ref="idle")
    ReferenceCheckFactory(contractor=idle, outcome="negative")
    EngagementFactory(contractor=idle, status="terminated")
    assert found(ws, "vet/negative-reference") == {
        "mari": "Marisol Reyes is working on Retouching trial, and the reference from Tessa Lim came back "
        "negative on 1 October 2026, with no positive one checked since."
    }
    ReferenceCheckFactory(contractor=mari, outcome="positive", checked_on=dt.date(2026, 10, 1))  # same day
    assert "mari" in found(ws, "vet/negative-reference")
    negative.checked_on = dt.date(2026, 9, 30)
    negative.save()
    assert found(ws, "vet/negative-reference") == {}


# --- vet/no-interview and vet/identity-unverified -------------------------------------------------


def test_no_interview_fires_for_active_work_other_than_a_trial(db):
    ws = WorkspaceFactory()
    EngagementFactory(contractor=ContractorFactory(workspace=ws, ref="ravi", name="Ravi Menon"), title="Pitch decks")
    EngagementFactory(contractor=ContractorFactory(workspace=ws, ref="trial"), kind="trial")  # near miss
    EngagementFactory(contractor=vetted(ws, ref="seen"))  # near miss: interviewed
    assert found(ws, "vet/no-interview") == {
        "ravi": "Ravi Menon is working on Pitch decks and has never been interviewed."
    }


def test_identity_unverified_counts_the_interviews_on_file(db):
    ws = WorkspaceFactory()
    chat = ContractorFactory(workspace=ws, ref="chat", name="Chen Wu")
    InterviewFactory(contractor=chat, medium="chat", identity_verified=False)
    EngagementFactory(contractor=chat, kind="trial", title="Logo trial")
    never = ContractorFactory(workspace=ws, ref="never", name="Ravi Menon")
    EngagementFactory(contractor=never, title="Pitch decks")
    # Near misses: one verified interview among others is enough; a contractor without active work.
    both = ContractorFactory(workspace=ws, ref="both")
    InterviewFactory(contractor=both, identity_verified=False)
    InterviewFactory(contractor=both, identity_verified=True)
    EngagementFactory(contractor=both)
    InterviewFactory(contractor=ContractorFactory(workspace=ws, ref="idle"), identity_verified=False)
    assert found(ws, "vet/identity-unverified") == {
        "chat": "Chen Wu is working on Logo trial, and no interview has verified their identity (1 interview on file).",
        "never": "Ravi Menon is working on Pitch decks, and no interview has verified their identity "
        "(no interview on file).",
    }


# --- vet/no-trial ---------------------------------------------------------------------------------


def test_no_trial_fires_for_ongoing_work_and_for_a_budget_above_the_threshold(db):
    ws = WorkspaceFactory(fx_rates={"EUR": "1.10"})
    dana = vetted(ws, ref="dana", name="Dana Whitfield")
    EngagementFactory(contractor=dana, ref="payroll", title="Payroll prep", kind="ongoing", budget_cap=None)
    vistula = vetted(ws, ref="vistula", name="Vistula Digital")
    EngagementFactory(contractor=vistula, ref="site", title="Website", rate_currency="EUR", budget_cap=Decimal(2000))
    EngagementFactory(contractor=vistula, ref="trial", kind="trial", status="active")  # not completed yet
    both = vetted(ws, ref="both", name="Bo Chan")
    EngagementFactory(contractor=both, ref="retainer", title="Support", kind="ongoing", budget_cap=Decimal("2500.50"))
    assert found(ws, "vet/no-trial") == {
        "payroll": "Payroll prep is ongoing work with Dana Whitfield, who has not completed a paid trial.",
        "site": "Website with Vistula Digital has a budget cap of 2,000.00 EUR (2,200.00 USD), above the "
        "2,000.00 USD that calls for a trial, and Vistula Digital has not completed a paid trial.",
        "retainer": "Support is ongoing work with Bo Chan and has a budget cap of 2,500.50 USD, above the "
        "2,000.00 USD that calls for a trial; Bo Chan has not completed a paid trial.",
    }


def test_no_trial_near_misses(db):
    ws = WorkspaceFactory(fx_rates={"EUR": "0.99"}, policy={"trial_required_above": "1500"})
    c = vetted(ws)
    EngagementFactory(contractor=c, rate_currency="EUR", budget_cap=Decimal(1515))  # 1,499.85 USD
    EngagementFactory(contractor=c, rate_currency="USD", budget_cap=Decimal(1500))  # not above
    EngagementFactory(contractor=c, rate_currency="CHF", budget_cap=Decimal(90000))  # no rate: not judged
    EngagementFactory(contractor=c, budget_cap=Decimal(5000), status="draft")  # not active
    EngagementFactory(contractor=c, kind="trial", budget_cap=Decimal(5000))  # a trial itself
    trialled = vetted(ws)
    EngagementFactory(contractor=trialled, kind="trial", status="completed")
    EngagementFactory(contractor=trialled, kind="ongoing", budget_cap=Decimal(9000))
    assert found(ws, "vet/no-trial") == {}
    ws.policy = {"trial_required_above": "1400"}
    ws.save()
    assert len(found(ws, "vet/no-trial")) == 2  # the EUR and the USD budgets are now above it


# --- vet/red-flags --------------------------------------------------------------------------------


def test_red_flags_fire_for_trusted_or_working_contractors(db):
    ws = WorkspaceFactory()
    jordan = ContractorFactory(workspace=ws, ref="jordan", name="Jordan Blake", stage="approved")
    RedFlagFactory(contractor=jordan, noted_on=dt.date(2026, 11, 12))
    RedFlagFactory(contractor=jordan, kind="credential_request", noted_on=dt.date(2026, 11, 14))
    RedFlagFactory(contractor=jordan, kind="copied_work", resolved=True)
    trial = ContractorFactory(workspace=ws, ref="kim", name="Kim Park", stage="trial")
    RedFlagFactory(contractor=trial, kind="identity_mismatch", noted_on=dt.date(2026, 11, 20))
    EngagementFactory(contractor=trial, kind="trial", title="Logo trial")
    preferred = ContractorFactory(workspace=ws, ref="lu", name="Lu Wang", stage="preferred")
    RedFlagFactory(contractor=preferred, kind="pressure_tactics", noted_on=dt.date(2026, 11, 2))
    EngagementFactory(contractor=preferred, title="Books")
    # Near misses: a resolved flag; a flag on someone still being vetted, with no work.
    RedFlagFactory(contractor=ContractorFactory(workspace=ws, ref="ok", stage="approved"), resolved=True)
    RedFlagFactory(contractor=ContractorFactory(workspace=ws, ref="vetting", stage="vetting"))
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    flags = {f.subject_ref: f for f in result.open if f.rule == "vet/red-flags"}
    assert {ref: f.message for ref, f in flags.items()} == {
        "jordan": "Jordan Blake is approved but has 2 unresolved red flags: asked for payment up front "
        "(noted 12 November 2026) and asked for credentials (noted 14 November 2026).",
        "kim": "Kim Park is working on Logo trial but has 1 unresolved red flag: identity does not match "
        "(noted 20 November 2026).",
        "lu": "Lu Wang is preferred and working on Books but has 1 unresolved red flag: pressure tactics "
        "(noted 2 November 2026).",
    }
    assert {f.severity for f in flags.values()} == {"error"}
    assert subject_url(flags["jordan"], ws) == reverse(
        "vetting:contractor", kwargs={"ws": ws.uuid, "contractor": jordan.uuid}
    )


# --- vet/timezone-gap -----------------------------------------------------------------------------


def test_timezone_gap_names_the_worst_day_and_the_hours(db):
    ws = WorkspaceFactory(time_zone="America/New_York")  # 09:00-17:00, Monday to Friday
    manila = vetted(ws, ref="mari", name="Marisol Reyes", time_zone="Asia/Manila")
    EngagementFactory(contractor=manila, ref="photos", title="Photo retouching", kind="trial")
    # Near misses: London shares 3 h; hours unknown; finished work.
    EngagementFactory(contractor=vetted(ws, ref="london", time_zone="Europe/London"))
    EngagementFactory(contractor=vetted(ws, ref="unknown", time_zone="", work_start=None, work_end=None))
    EngagementFactory(contractor=vetted(ws, ref="done", time_zone="Asia/Tokyo"), status="completed")
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    (gap,) = [f for f in result.open if f.rule == "vet/timezone-gap"]
    assert (gap.subject_kind, gap.subject_ref, gap.subject_label) == (
        "engagement",
        "photos",
        "Photo retouching with Marisol Reyes",
    )
    assert gap.message == (
        "Photo retouching with Marisol Reyes needs 2 h of shared working time a day, but on Tuesday "
        "1 December 2026, the worst working day of the next 30, your hours and theirs do not overlap at all."
    )
    try:  # engagements link to their page once the engagement pages are installed
        page = reverse("engagements:detail", kwargs={"ws": ws.uuid, "engagement": gap.subject_uuid})
    except NoReverseMatch:
        page = None
    assert subject_url(gap, ws) == page


def test_timezone_gap_follows_summer_time_on_both_sides(db):
    # Berlin leaves summer time on 25 October 2026, New York on 1 November: the week between, the two
    # share 3 h; from Monday 2 November only 2 h, which is the worst day.
    ws = WorkspaceFactory(time_zone="America/New_York", policy={"min_overlap_hours": 2.5})
    berlin = vetted(ws, ref="berlin", name="Jonas Weber", time_zone="Europe/Berlin")
    EngagementFactory(contractor=berlin, ref="books", title="Books")
    assert found(ws, "vet/timezone-gap", as_of=dt.date(2026, 10, 26)) == {
        "books": "Books with Jonas Weber needs 2 h 30 min of shared working time a day, but on Monday "
        "2 November 2026, the worst working day of the next 30, your hours and theirs overlap by only 2 h."
    }
    ws.policy = {"min_overlap_hours": 2}
    ws.save()
    assert found(ws, "vet/timezone-gap", as_of=dt.date(2026, 10, 26)) == {}


# --- plan/split-duties ----------------------------------------------------------------------------


def split_setup(ws):
    hannah = vetted(ws, ref="hannah", name="Hannah Price", skills_text="\ncopywriting\nediting\n")
    ines = vetted(ws, ref="ines", name="Inês Duarte", skills_text="\nsocial media\n")
    cases = TaskFactory(workspace=ws, ref="cases", name="Case studies", category="copywriting", hours_per_month=8)
    news = TaskFactory(
        workspace=ws, ref="news", name="Newsletter", category="copywriting", hours_per_month=Decimal("19.5")
    )
    big = TaskFactory(workspace=ws, ref="site", name="Site copy", category="copywriting", hours_per_month=20)
    first = EngagementFactory(contractor=hannah, ref="e1")
    first.tasks.set([cases])
    second = EngagementFactory(contractor=ines, ref="e2")
    second.tasks.set([news, big])
    return hannah, ines, first, second


def test_split_duties_fires_when_a_skilled_contractor_could_take_both(db):
    ws = WorkspaceFactory()
    split_setup(ws)
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    (split,) = [f for f in result.open if f.rule == "plan/split-duties"]
    assert (split.severity, split.subject_kind, split.subject_ref, split.subject_uuid) == (
        "info",
        "category",
        "copywriting",
        None,
    )
    assert split.message == (
        "Copywriting work is split between Hannah Price (Case studies, 8 h a month) and Inês Duarte "
        "(Newsletter, 19.5 h a month); Hannah Price lists copywriting among their skills and could take it all."
    )
    assert subject_url(split, ws) is None


@pytest.mark.parametrize("miss", ["nobody-skilled", "one-done", "only-big", "same-contractor"])
def test_split_duties_near_misses(db, miss):
    ws = WorkspaceFactory()
    hannah, _ines, first, second = split_setup(ws)
    if miss == "nobody-skilled":
        hannah.skills_text = "\nediting\n"
        hannah.save()
    elif miss == "one-done":
        first.status = "completed"
        first.save()
    elif miss == "only-big":  # 20 h a month is not a small duty
        second.tasks.set(second.tasks.filter(ref="site"))
    else:
        second.contractor = hannah
        second.save()
    assert found(ws, "plan/split-duties") == {}


# --- Quiet findings, the demo and the cost of a check -----------------------------------------------


def test_a_dismissal_holds_until_the_data_the_rule_reads_changes(db):
    ws = WorkspaceFactory()
    ann = ContractorFactory(workspace=ws, ref="ann", name="Ann Lee")
    InterviewFactory(contractor=ann)
    EngagementFactory(contractor=ann, title="Books")
    (finding,) = [f for f in check_run(actor=ACTOR, workspace=ws, as_of=TODAY).open if f.rule == "vet/no-references"]
    finding_dismiss(actor=ACTOR, finding=finding, reason="Known to us for years.")
    ann.name = "Ann Lee-Smith"
    ann.save()
    assert found(ws, "vet/no-references") == {}
    ReferenceCheckFactory(contractor=ann, outcome="unreachable")
    assert list(found(ws, "vet/no-references")) == ["ann"]


DEMO_FINDINGS = {
    ("vet/no-references", "ines-duarte"),
    ("vet/negative-reference", "marisol-reyes"),
    ("vet/no-interview", "ravi-menon"),
    ("vet/identity-unverified", "ravi-menon"),
    ("vet/no-trial", "payroll-support"),
    ("vet/red-flags", "jordan-blake"),
    ("vet/timezone-gap", "marisol-trial"),
    ("plan/split-duties", "copywriting"),
}


def fixed_demo() -> dict:
    """The demo with every vetting step done: the bundle that plants nothing."""
    doc = copy.deepcopy(demo_document())
    people = {c["ref"]: c for c in doc["contractors"]}
    good = {"name": "Vera Ito", "checked_on": "2026-11-20", "outcome": "positive"}
    people["ines-duarte"]["references"].append(good)
    people["marisol-reyes"]["references"].append(good)
    people["marisol-reyes"]["working_hours"] = {"timezone": "Asia/Manila", "start": "21:00", "end": "05:00"}
    people["ravi-menon"]["interviews"] = [{"held_on": "2026-11-20", "identity_verified": True}]
    people["jordan-blake"]["red_flags"][0]["resolved"] = True
    people["hannah-price"]["skills"].remove("copywriting")
    doc["engagements"].append(
        {"ref": "dana-trial", "contractor_ref": "dana-whitfield", "title": "Trial", "kind": "trial",
         "status": "completed", "rate": {"model": "fixed", "currency": "USD", "amount": "300.00"}}
    )  # fmt: skip
    return doc


def test_the_demo_plants_each_vetting_mistake_once_and_the_fixed_demo_none(db):
    ws = bundle_import_new(actor=ACTOR, document=demo_document(), name="Demo", owner=None).workspace
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    vetting = {
        (f.rule, f.subject_ref) for f in result.open if f.rule.startswith("vet/") or f.rule == "plan/split-duties"
    }
    assert vetting == DEMO_FINDINGS
    bundle_import_into(actor=ACTOR, document=fixed_demo(), workspace=ws, replace=True)
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    assert [f.rule for f in result.open if f.rule.startswith("vet/") or f.rule == "plan/split-duties"] == []
    assert Finding.objects.filter(workspace=ws, resolved_at__isnull=False).count() == len(DEMO_FINDINGS)


def test_a_whole_check_costs_the_same_queries_for_5_or_40_contractors(db):
    def queries(n: int) -> int:
        ws = WorkspaceFactory(fx_rates={"EUR": "1.1"})
        zones = ["Asia/Manila", "Europe/Berlin", "America/Chicago", ""]
        for i in range(n):
            zone = zones[i % 4]
            c = ContractorFactory(
                workspace=ws, stage=("approved", "trial")[i % 2], time_zone=zone,
                work_start=dt.time(9) if zone else None, work_end=dt.time(17) if zone else None,
                skills_text="\ncopywriting\n",
            )  # fmt: skip
            ReferenceCheckFactory(contractor=c, outcome=("negative", "positive")[i % 2])
            InterviewFactory(contractor=c, identity_verified=bool(i % 3))
            RedFlagFactory(contractor=c, resolved=bool(i % 2))
            task = TaskFactory(workspace=ws, category="copywriting", hours_per_month=5)
            for kind, status in (("trial", "completed"), (("project", "ongoing")[i % 2], "active")):
                engagement = EngagementFactory(contractor=c, kind=kind, status=status, rate_currency="EUR")
                engagement.tasks.set([task])
        check_run(actor=ACTOR, workspace=ws, as_of=TODAY)  # the second run updates every finding
        with CaptureQueriesContext(connection) as ctx:
            check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
        return len(ctx.captured_queries)

    assert queries(5) == queries(40)
