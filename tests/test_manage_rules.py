"""The manage rules: each fires with its message, a near miss stays silent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor
from tests.factories import (
    CheckInFactory,
    ContractorFactory,
    EngagementFactory,
    MilestoneFactory,
    RatingFactory,
    ReviewFactory,
    TimeEntryFactory,
    WorkspaceFactory,
)

ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)  # a Tuesday


def found(ws, rule: str, as_of: dt.date = TODAY) -> dict[str, str]:
    result = check_run(actor=ACTOR, workspace=ws, as_of=as_of)
    return {f.subject_ref: f.message for f in result.open if f.rule == rule}


def engagement(ws, ref: str, title: str = "Website copy", name: str = "Ann Lee", **fields):
    contractor = fields.pop("contractor", None) or ContractorFactory(workspace=ws, ref=f"c-{ref}", name=name)
    return EngagementFactory(contractor=contractor, ref=ref, title=title, **fields)


def day(month: int, d: int) -> dt.date:
    return dt.date(2026, month, d)


# --- manage/silence -------------------------------------------------------------------------------


def test_silence_counts_from_the_last_check_in_or_the_start(db):
    ws = WorkspaceFactory()
    quiet = engagement(ws, "quiet")
    CheckInFactory(engagement=quiet, on=day(11, 2))
    CheckInFactory(engagement=quiet, on=day(11, 16))  # 15 days before the check
    CheckInFactory(engagement=quiet, on=day(12, 5))  # after the check's date: not counted
    engagement(ws, "never", title="Books", status="paused", start_on=day(11, 10))
    # Near misses: 14 days is allowed; a recent start; finished work.
    CheckInFactory(engagement=engagement(ws, "ok"), on=day(11, 17))
    engagement(ws, "new", start_on=day(11, 20))
    engagement(ws, "done", status="completed", start_on=day(1, 5))
    engagement(ws, "undated", start_on=None)  # neither a check-in nor a start: not judged
    assert found(ws, "manage/silence") == {
        "quiet": "Website copy with Ann Lee has had no check-in for 15 days (the last on 16 November 2026); "
        "the policy allows 14.",
        "never": "Books with Ann Lee has had no check-in in the 21 days since it started on 10 November 2026; "
        "the policy allows 14.",
    }


def test_silence_follows_the_policy(db):
    ws = WorkspaceFactory(policy={"silence_days": 30})
    CheckInFactory(engagement=engagement(ws, "quiet"), on=day(11, 1))
    assert found(ws, "manage/silence") == {}
    ws.policy = {"silence_days": 29}
    ws.save()
    assert found(ws, "manage/silence") == {
        "quiet": "Website copy with Ann Lee has had no check-in for 30 days (the last on 1 November 2026); "
        "the policy allows 29."
    }


# --- manage/micromanaging -------------------------------------------------------------------------


def pushy(work, requests: int, meetings: int) -> None:
    for i in range(requests):
        CheckInFactory(engagement=work, on=day(11, 18 + i), kind="status_request", initiated_by="us")
    for i in range(meetings):
        CheckInFactory(engagement=work, on=day(11, 24 + i % 7), kind="meeting", initiated_by="us")


@pytest.mark.parametrize(("requests", "meetings", "fires"), [(5, 2, True), (4, 2, False), (0, 7, True)])
def test_micromanaging_counts_our_status_requests_and_meetings_of_two_weeks(db, requests, meetings, fires):
    ws = WorkspaceFactory()
    work = engagement(ws, "site", name="Ann Lee")
    pushy(work, requests, meetings)
    # Not counted: what the contractor started, updates and feedback, and the day before the window.
    CheckInFactory(engagement=work, on=day(11, 30), kind="meeting", initiated_by="contractor")
    CheckInFactory(engagement=work, on=day(11, 30), kind="status_update", initiated_by="us")
    CheckInFactory(engagement=work, on=day(11, 30), kind="feedback", initiated_by="us")
    CheckInFactory(engagement=work, on=day(11, 17), kind="status_request", initiated_by="us")
    result = found(ws, "manage/micromanaging")
    if not fires:
        assert result == {}
        return
    parts = {
        (5, 2): "5 status requests and 2 meetings",
        (0, 7): "7 meetings",
    }[(requests, meetings)]
    assert result == {
        "site": f"In the 14 days to 1 December 2026 you started {parts} with Ann Lee on Website copy: 7 in two "
        "weeks, more than the 6 the policy allows (3 a week)."
    }


def test_micromanaging_follows_the_policy_and_skips_ended_work(db):
    ws = WorkspaceFactory(policy={"max_check_ins_per_week": 1.5})
    pushy(engagement(ws, "site"), 4, 0)
    pushy(engagement(ws, "done", status="completed"), 6, 0)
    assert found(ws, "manage/micromanaging") == {
        "site": "In the 14 days to 1 December 2026 you started 4 status requests with Ann Lee on Website copy: 4 "
        "in two weeks, more than the 3 the policy allows (1.5 a week)."
    }


# --- manage/no-feedback ---------------------------------------------------------------------------


def test_no_feedback_on_a_review_that_sends_work_back(db):
    ws = WorkspaceFactory()
    work = engagement(ws, "site", name="Ann Lee")
    bare = MilestoneFactory(engagement=work, ref="home", title="Home page", status="revision_requested")
    ReviewFactory(milestone=bare, decision="revision_requested", feedback="  ", reviewer="Maya Chen")
    rejected = MilestoneFactory(engagement=work, ref="about", title="About page", status="rejected")
    ReviewFactory(milestone=rejected, decision="rejected", feedback="", reviewer="")
    # Every review counts, not only the latest: one sent back bare, then one with feedback, is still flagged.
    later = MilestoneFactory(engagement=work, ref="later", title="Blog", status="revision_requested")
    ReviewFactory(milestone=later, decision="revision_requested", feedback="", reviewed_on=day(11, 10), reviewer="")
    ReviewFactory(milestone=later, decision="revision_requested", feedback="See notes.", reviewed_on=day(11, 12))
    twice = MilestoneFactory(engagement=work, ref="twice", title="FAQ", status="rejected")
    ReviewFactory(milestone=twice, decision="revision_requested", feedback="", reviewed_on=day(11, 3), reviewer="")
    ReviewFactory(milestone=twice, decision="rejected", feedback=" ", reviewed_on=day(11, 9), reviewer="")
    # Near misses: the same reviews with feedback; an acceptance needs no words.
    ok = MilestoneFactory(engagement=work, ref="ok", status="revision_requested")
    ReviewFactory(milestone=ok, decision="revision_requested", feedback="Shorter, please.", reviewed_on=day(11, 10))
    ReviewFactory(milestone=ok, decision="revision_requested", feedback="See notes.", reviewed_on=day(11, 12))
    ReviewFactory(milestone=MilestoneFactory(engagement=work, ref="fine"), decision="accepted", feedback="")
    assert found(ws, "manage/no-feedback") == {
        "home": "The review of Home page (Website copy with Ann Lee) on 26 November 2026 (Maya Chen) requested a "
        "revision without any feedback, so the contractor cannot tell what to change.",
        "about": "The review of About page (Website copy with Ann Lee) on 26 November 2026 rejected the work "
        "without any feedback, so the contractor cannot tell what to change.",
        "later": "The review of Blog (Website copy with Ann Lee) on 10 November 2026 requested a revision without "
        "any feedback, so the contractor cannot tell what to change.",
        "twice": "The review of FAQ (Website copy with Ann Lee) on 9 November 2026 rejected the work without any "
        "feedback; 1 earlier review did the same, so the contractor cannot tell what to change.",
    }


def test_no_feedback_on_completed_work_and_ratings_never_shared(db):
    ws = WorkspaceFactory()
    # Completed twice; one rating, not shared: both the engagement without a rating and the contractor.
    ann = ContractorFactory(workspace=ws, ref="ann", name="Ann Lee")
    engagement(ws, "blog", title="Blog", contractor=ann, status="completed")
    RatingFactory(engagement=engagement(ws, "trial", title="Paid trial", contractor=ann, status="completed"))
    # Near misses: a shared rating on any of their work; a rating on terminated work is not asked for.
    bo = ContractorFactory(workspace=ws, ref="bo", name="Bo Chan")
    RatingFactory(engagement=engagement(ws, "site", contractor=bo, status="completed"), shared_with_contractor=True)
    engagement(ws, "gone", contractor=ContractorFactory(workspace=ws, ref="cy"), status="terminated")
    assert found(ws, "manage/no-feedback") == {
        "blog": "Blog with Ann Lee is completed but has no rating: nothing records how the work went.",
        "ann": "Ann Lee has completed Blog and Paid trial but has never been shown a rating (1 rating on file, "
        "none shared with them).",
    }


# --- manage/underused-retainer --------------------------------------------------------------------


def retainer(ws, ref: str = "social", **fields):
    defaults = {"title": "Social media", "name": "Inês Duarte", "rate_model": "retainer",
                "retainer_included_hours": Decimal(16), "start_on": day(10, 1)}  # fmt: skip
    return engagement(ws, ref, **(defaults | fields))


@pytest.mark.parametrize(("approved", "fires"), [(Decimal("7.5"), True), (Decimal(8), False)])
def test_underused_retainer_compares_last_months_approved_hours_with_half(db, approved, fires):
    ws = WorkspaceFactory()
    work = retainer(ws)
    TimeEntryFactory(engagement=work, worked_on=day(11, 3), hours=approved - 1, status="approved")
    TimeEntryFactory(engagement=work, worked_on=day(11, 30), hours=Decimal(1), status="approved")
    # Not counted: waiting for approval, rejected, and days outside November.
    TimeEntryFactory(engagement=work, worked_on=day(11, 10), hours=Decimal(8), status="submitted")
    TimeEntryFactory(engagement=work, worked_on=day(11, 11), hours=Decimal(8), status="rejected")
    TimeEntryFactory(engagement=work, worked_on=day(10, 31), hours=Decimal(8), status="approved")
    TimeEntryFactory(engagement=work, worked_on=day(12, 1), hours=Decimal(8), status="approved")
    expected = (
        "Social media with Inês Duarte is a retainer that includes 16 h a month, but only 7.5 h were approved in "
        "November 2026, under half of them (8 h)."
    )
    assert found(ws, "manage/underused-retainer") == ({"social": expected} if fires else {})


def test_underused_retainer_near_misses(db):
    ws = WorkspaceFactory()
    retainer(ws, "idle")  # nothing approved at all
    retainer(ws, "new", start_on=day(11, 2))  # did not run the whole month
    retainer(ws, "paused", status="completed")
    retainer(ws, "hourly", rate_model="hourly")
    assert found(ws, "manage/underused-retainer") == {
        "idle": "Social media with Inês Duarte is a retainer that includes 16 h a month, but no hours were "
        "approved in November 2026, under half of them (8 h)."
    }


# --- manage/over-hour-cap -------------------------------------------------------------------------


def hourly(ws, ref: str = "payroll", cap: Decimal | None = Decimal(10), **fields):
    defaults = {"title": "Payroll", "name": "Dana Whitfield", "rate_model": "hourly", "weekly_hour_cap": cap}
    return engagement(ws, ref, **(defaults | fields))


@pytest.mark.parametrize(("submitted", "fires"), [(Decimal(5), True), (Decimal(4), False)])
def test_over_hour_cap_adds_approved_and_submitted_hours_of_one_week(db, submitted, fires):
    ws = WorkspaceFactory()
    work = hourly(ws)
    TimeEntryFactory(engagement=work, worked_on=day(11, 16), hours=Decimal(6), status="approved")  # a Monday
    TimeEntryFactory(engagement=work, worked_on=day(11, 22), hours=submitted, status="submitted")  # its Sunday
    # Not counted: drafts, rejected hours, the next week.
    TimeEntryFactory(engagement=work, worked_on=day(11, 18), hours=Decimal(8), status="draft")
    TimeEntryFactory(engagement=work, worked_on=day(11, 18), hours=Decimal(8), status="rejected")
    TimeEntryFactory(engagement=work, worked_on=day(11, 23), hours=Decimal(9), status="approved")
    expected = (
        "Payroll with Dana Whitfield has 11 h approved or waiting for approval in the week of 16 November 2026, "
        "over its weekly cap of 10 h."
    )
    assert found(ws, "manage/over-hour-cap") == ({"payroll": expected} if fires else {})


def test_over_hour_cap_names_the_worst_of_the_last_eight_weeks(db):
    ws = WorkspaceFactory()
    work = hourly(ws, cap=Decimal("2.5"))
    TimeEntryFactory(engagement=work, worked_on=day(10, 12), hours=Decimal(3), status="approved")  # 8th week back
    TimeEntryFactory(engagement=work, worked_on=day(11, 3), hours=Decimal("4.25"), status="approved")
    TimeEntryFactory(engagement=work, worked_on=day(12, 1), hours=Decimal(3), status="submitted")  # this week
    TimeEntryFactory(engagement=work, worked_on=day(10, 9), hours=Decimal(20), status="approved")  # 9 weeks back
    TimeEntryFactory(engagement=work, worked_on=day(12, 2), hours=Decimal(20), status="submitted")  # after the date
    # Near misses: no cap; not hourly; finished.
    TimeEntryFactory(engagement=hourly(ws, "uncapped", cap=None), worked_on=day(11, 3), hours=Decimal(20))
    TimeEntryFactory(engagement=hourly(ws, "fixed", rate_model="fixed"), worked_on=day(11, 3), hours=Decimal(20))
    TimeEntryFactory(engagement=hourly(ws, "done", status="completed"), worked_on=day(11, 3), hours=Decimal(20))
    assert found(ws, "manage/over-hour-cap") == {
        "payroll": "Payroll with Dana Whitfield has 4.25 h approved or waiting for approval in the week of "
        "2 November 2026, over its weekly cap of 2.5 h; 3 of the last 8 weeks were over it."
    }
