"""The brief rules: each fires with its message, a near miss stays silent."""

from __future__ import annotations

import datetime as dt

import pytest

from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor
from tests.factories import (
    BriefFactory,
    CommunicationPlanFactory,
    ContractorFactory,
    EngagementFactory,
    WorkspaceFactory,
)

ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)


def found(ws, rule: str) -> dict[str, str]:
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    return {f.subject_ref: f.message for f in result.open if f.rule == rule}


def engagement(ws, ref: str, title: str, status: str = "active", name: str = "Ann Lee"):
    return EngagementFactory(
        contractor=ContractorFactory(workspace=ws, ref=f"c-{ref}", name=name), ref=ref, title=title, status=status
    )


# --- brief/missing-goals --------------------------------------------------------------------------


def test_missing_goals_fires_on_drafts_and_running_work(db):
    ws = WorkspaceFactory()
    BriefFactory(engagement=engagement(ws, "site", "Website copy"), goals="  ", context="", out_of_scope="")
    engagement(ws, "deck", "Pitch deck", status="draft", name="Ravi Menon")  # no brief at all
    # Near misses: goals written; finished work.
    BriefFactory(engagement=engagement(ws, "ok", "Newsletter"))
    BriefFactory(engagement=engagement(ws, "done", "Old site", status="completed"), goals="")
    assert found(ws, "brief/missing-goals") == {
        "site": "The brief for Website copy with Ann Lee (active) does not say what the work is for: it has no "
        "goals (brief completeness 50 of 100).",
        "deck": "Pitch deck with Ravi Menon (draft) has no brief yet, so nothing says what the work is for.",
    }


# --- brief/no-acceptance-criteria -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"acceptance_criteria": []},
            "The brief for Website copy with Ann Lee lists 2 deliverables but no acceptance criteria to judge them by.",
        ),
        (
            {"deliverables": [" "], "acceptance_criteria": ["Reads well"]},
            "The brief for Website copy with Ann Lee has 1 acceptance criterion but lists no deliverables.",
        ),
        (
            {"deliverables": [], "acceptance_criteria": []},
            "The brief for Website copy with Ann Lee lists no deliverables and no acceptance criteria.",
        ),
        ({}, None),  # the near miss: both written
    ],
    ids=["no-criteria", "no-deliverables", "neither", "both"],
)
def test_no_acceptance_criteria(db, fields, message):
    ws = WorkspaceFactory()
    BriefFactory(engagement=engagement(ws, "site", "Website copy", status="paused"), **fields)
    assert found(ws, "brief/no-acceptance-criteria") == ({"site": message} if message else {})


def test_no_acceptance_criteria_without_a_brief_and_not_on_ended_work(db):
    ws = WorkspaceFactory()
    engagement(ws, "deck", "Pitch deck", status="draft")
    engagement(ws, "gone", "Old deck", status="terminated")  # near miss
    assert found(ws, "brief/no-acceptance-criteria") == {
        "deck": "Pitch deck with Ann Lee has no brief yet: no deliverables and no acceptance criteria."
    }


# --- brief/no-point-person ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"point_person": ""},
            "The communication plan for Website copy with Ann Lee names Sam Ortiz to escalate to, but no point "
            "person for day-to-day questions.",
        ),
        (
            {"escalation_contact": " "},
            "The communication plan for Website copy with Ann Lee names Maya Chen as point person, but nobody to "
            "escalate to when something goes wrong.",
        ),
        (
            {"point_person": "", "escalation_contact": ""},
            "The communication plan for Website copy with Ann Lee names no point person and no escalation contact.",
        ),
        ({}, None),
    ],
    ids=["no-point-person", "no-escalation", "neither", "both"],
)
def test_no_point_person(db, fields, message):
    ws = WorkspaceFactory()
    CommunicationPlanFactory(engagement=engagement(ws, "site", "Website copy", status="draft"), **fields)
    assert found(ws, "brief/no-point-person") == ({"site": message} if message else {})


def test_no_point_person_without_a_plan(db):
    ws = WorkspaceFactory()
    engagement(ws, "site", "Website copy")
    engagement(ws, "done", "Old site", status="completed")  # near miss
    assert found(ws, "brief/no-point-person") == {
        "site": "Website copy with Ann Lee has no communication plan: nobody is named as point person or "
        "escalation contact."
    }


# --- brief/no-important-channel -------------------------------------------------------------------


def test_no_important_channel_fires_on_running_work_only(db):
    ws = WorkspaceFactory()
    CommunicationPlanFactory(
        engagement=engagement(ws, "site", "Website copy"), channels=["email", "chat"], important_topics_channel=""
    )
    CommunicationPlanFactory(
        engagement=engagement(ws, "bare", "Books", status="paused"), channels=[], important_topics_channel=""
    )
    engagement(ws, "none", "Payroll")
    # Near misses: a channel for important topics; a draft is not running yet.
    CommunicationPlanFactory(engagement=engagement(ws, "ok", "Newsletter"), important_topics_channel="phone")
    CommunicationPlanFactory(engagement=engagement(ws, "draft", "Deck", status="draft"), important_topics_channel="")
    assert found(ws, "brief/no-important-channel") == {
        "site": "Website copy with Ann Lee has no channel set for important topics (phone, video or in person); "
        "its channels are email and chat.",
        "bare": "Books with Ann Lee has no channel set for important topics (phone, video or in person); its plan "
        "lists no channels at all.",
        "none": "Payroll with Ann Lee has no channel set for important topics (phone, video or in person); it has "
        "no communication plan.",
    }


def test_a_complete_brief_and_plan_raise_nothing(db):
    ws = WorkspaceFactory()
    work = engagement(ws, "site", "Website copy")
    BriefFactory(engagement=work)
    CommunicationPlanFactory(engagement=work)
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    assert [f.rule for f in result.open if f.rule.startswith("brief/")] == []


# --- vet/timezone-gap reads the communication plan's needed overlap ---------------------------------


@pytest.mark.parametrize(
    ("policy", "needs", "message"),
    [
        (
            {},
            "4",
            "Books with Jonas Weber needs 4 h of shared working time a day (as its communication plan asks), but on "
            "Tuesday 1 December 2026, the worst working day of the next 30, your hours and theirs overlap by only 3 h.",
        ),
        ({"min_overlap_hours": 4}, "2.5", None),  # the plan asks for less than the policy: the plan wins
        (
            {"min_overlap_hours": 4},
            None,
            "Books with Jonas Weber needs 4 h of shared working time a day, but on Tuesday 1 December 2026, the "
            "worst working day of the next 30, your hours and theirs overlap by only 3 h.",
        ),
        ({}, "3", None),  # exactly the overlap there is
    ],
    ids=["plan-above", "plan-below", "policy-when-plan-silent", "plan-equal"],
)
def test_timezone_gap_uses_the_plans_needed_overlap(db, policy, needs, message):
    from decimal import Decimal

    ws = WorkspaceFactory(time_zone="America/New_York", policy=policy)  # 09:00-17:00 New York
    london = ContractorFactory(workspace=ws, ref="jonas", name="Jonas Weber", time_zone="Europe/London")
    work = EngagementFactory(contractor=london, ref="books", title="Books")  # 14:00-17:00 London is shared
    CommunicationPlanFactory(engagement=work, needs_overlap_hours=Decimal(needs) if needs else None)
    assert found(ws, "vet/timezone-gap") == ({"books": message} if message else {})
