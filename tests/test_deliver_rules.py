"""The deliver rules: each fires with its message, a near miss stays silent; findings link to milestones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from outsourcer.checks.rules.deliver import minus_working_days
from outsourcer.checks.services import check_run
from outsourcer.checks.templatetags.checks_tags import subject_url
from outsourcer.core.actor import Actor
from outsourcer.deliverables.models import OriginalityDoc, OriginalityMatch
from outsourcer.deliverables.services import originality_index_reference_text, originality_index_submission
from tests.conftest import login_client
from tests.factories import (
    ContractorFactory,
    CustomerCommitmentFactory,
    EngagementFactory,
    MembershipFactory,
    MilestoneFactory,
    ReferenceTextFactory,
    ReviewFactory,
    SubmissionFactory,
    UserFactory,
    WorkspaceFactory,
)

ACTOR = Actor.cli()
TODAY = dt.date(2026, 12, 1)  # a Tuesday


def found(ws, rule: str) -> dict[str, str]:
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    return {f.subject_ref: f.message for f in result.open if f.rule == rule}


def site(ws, **fields):
    vistula = ContractorFactory(workspace=ws, ref="vistula", name="Vistula Digital")
    return EngagementFactory(contractor=vistula, ref="site", title="Website rebuild", **fields)


# --- deliver/overdue ------------------------------------------------------------------------------


def test_overdue_fires_for_work_not_submitted_after_its_date(db):
    ws = WorkspaceFactory()
    work = site(ws)
    MilestoneFactory(engagement=work, ref="home", title="Home page", due_on=dt.date(2026, 11, 20))
    MilestoneFactory(
        engagement=work, ref="blog", title="Blog", due_on=dt.date(2026, 11, 30), status="revision_requested",
        submitted_on=dt.date(2026, 11, 25),
    )  # fmt: skip
    # Near misses: due today; submitted (waiting for review); accepted; cancelled.
    MilestoneFactory(engagement=work, ref="today", due_on=TODAY, status="in_progress")
    for ref, status in (("sent", "submitted"), ("done", "accepted"), ("off", "cancelled")):
        MilestoneFactory(engagement=work, ref=ref, due_on=dt.date(2026, 11, 1), status=status)
    result = check_run(actor=ACTOR, workspace=ws, as_of=TODAY)
    overdue = {f.subject_ref: f for f in result.open if f.rule == "deliver/overdue"}
    assert {ref: f.message for ref, f in overdue.items()} == {
        "home": "Home page (Website rebuild with Vistula Digital) was due on 20 November 2026, 11 days ago, and it "
        "has not been submitted.",
        "blog": "Blog (Website rebuild with Vistula Digital) was due on 30 November 2026, 1 day ago, and the "
        "revision asked for has not been submitted.",
    }
    home = overdue["home"]
    assert (home.subject_kind, home.subject_label, home.severity) == (
        "milestone",
        "Home page (Website rebuild)",
        "warning",
    )
    try:
        page = reverse("deliverables:milestone", kwargs={"ws": ws.uuid, "milestone": home.subject_uuid})
    except NoReverseMatch:  # the milestone page arrives with the deliverables pages
        page = None
    assert subject_url(home, ws) == page


@pytest.mark.parametrize("ended", ["completed", "terminated"])
def test_milestones_of_ended_work_are_neither_late_nor_a_risk(db, ended):
    ws = WorkspaceFactory()
    promise = CustomerCommitmentFactory(workspace=ws, promised_on=dt.date(2026, 12, 20), buffer_days=3)
    stopped = site(ws, customer_commitment=promise, status=ended)
    MilestoneFactory(engagement=stopped, ref="left", due_on=dt.date(2026, 11, 20), status="planned")
    MilestoneFactory(engagement=stopped, ref="tight", due_on=dt.date(2026, 12, 18), status="in_progress")
    # Still judged: paused work, and a draft (its date passed before the work began; a plan that breaks a
    # promise is best caught before it starts). Never a cancelled milestone.
    paused = EngagementFactory(
        contractor=stopped.contractor, ref="paused", title="Shop", status="paused", customer_commitment=promise
    )
    MilestoneFactory(engagement=paused, ref="held", title="Cart", due_on=dt.date(2026, 11, 30))
    MilestoneFactory(engagement=paused, ref="off", due_on=dt.date(2026, 11, 2), status="cancelled")
    draft = EngagementFactory(
        contractor=stopped.contractor, ref="next", title="Blog", status="draft", customer_commitment=promise
    )
    MilestoneFactory(engagement=draft, ref="plan", title="First posts", due_on=dt.date(2026, 11, 25))
    MilestoneFactory(engagement=draft, ref="late-plan", title="More posts", due_on=dt.date(2026, 12, 18))
    assert found(ws, "deliver/overdue") == {
        "held": "Cart (Shop with Vistula Digital) was due on 30 November 2026, 1 day ago, and it has not been "
        "submitted.",
        "plan": "First posts (Blog with Vistula Digital) was due on 25 November 2026, 6 days ago, and the "
        "engagement is still a draft: the date passed before the work began.",
    }
    assert set(found(ws, "deliver/commitment-at-risk")) == {"held", "plan", "late-plan"}


def test_engagement_findings_link_to_the_engagement_page(db):
    ws = WorkspaceFactory()
    site(ws)
    (finding,) = [f for f in check_run(actor=ACTOR, workspace=ws, as_of=TODAY).open if f.rule == "brief/missing-goals"]
    try:
        page = reverse("engagements:detail", kwargs={"ws": ws.uuid, "engagement": finding.subject_uuid})
    except NoReverseMatch:
        page = None
    assert subject_url(finding, ws) == page


# --- deliver/unreviewed-to-customer ---------------------------------------------------------------


def test_unreviewed_to_customer_needs_an_accepted_review_on_or_before_delivery(db):
    ws = WorkspaceFactory()
    promise = CustomerCommitmentFactory(workspace=ws, customer="Harbor Dental")
    work = site(ws, customer_commitment=promise)
    delivered = dt.date(2026, 11, 25)
    MilestoneFactory(engagement=work, ref="never", title="Home page", delivered_to_customer_on=delivered)
    late = MilestoneFactory(engagement=work, ref="late", title="About page", delivered_to_customer_on=delivered)
    ReviewFactory(milestone=late, reviewed_on=dt.date(2026, 11, 26))
    sent_back = MilestoneFactory(engagement=work, ref="back", title="Blog", delivered_to_customer_on=delivered)
    ReviewFactory(milestone=sent_back, reviewed_on=dt.date(2026, 11, 20), decision="revision_requested")
    # Near misses: accepted the same day; not delivered to the customer at all.
    same_day = MilestoneFactory(engagement=work, ref="ok", delivered_to_customer_on=delivered)
    ReviewFactory(milestone=same_day, reviewed_on=delivered)
    MilestoneFactory(engagement=work, ref="kept")
    # Without a linked commitment, the customer is not named.
    other = EngagementFactory(contractor=ContractorFactory(workspace=ws, name="Hannah Price"), title="Case study")
    MilestoneFactory(engagement=other, ref="case", title="Draft", delivered_to_customer_on=delivered)
    assert found(ws, "deliver/unreviewed-to-customer") == {
        "never": "Home page (Website rebuild with Vistula Digital) went to Harbor Dental on 25 November 2026 with no "
        "accepted review on or before that day: it has never been reviewed.",
        "late": "About page (Website rebuild with Vistula Digital) went to Harbor Dental on 25 November 2026 with no "
        "accepted review on or before that day: it was accepted only on 26 November 2026.",
        "back": "Blog (Website rebuild with Vistula Digital) went to Harbor Dental on 25 November 2026 with no "
        "accepted review on or before that day: none of its 1 review accepted it.",
        "case": "Draft (Case study with Hannah Price) went to the customer on 25 November 2026 with no accepted "
        "review on or before that day: it has never been reviewed.",
    }


# --- deliver/commitment-at-risk -------------------------------------------------------------------


def test_working_days_skip_weekends():
    friday = dt.date(2027, 1, 29)
    assert minus_working_days(friday, 0) == friday
    assert minus_working_days(friday, 3) == dt.date(2027, 1, 26)
    assert minus_working_days(dt.date(2027, 2, 1), 1) == friday  # a Monday's day before is the Friday
    assert minus_working_days(dt.date(2027, 1, 31), 1) == friday  # from a Sunday
    # The calendar's first day is as far back as it goes (0001-01-01 is a Monday).
    assert minus_working_days(dt.date(1, 1, 3), 365) == dt.date.min


def test_a_promise_at_the_start_of_the_calendar_is_judged_not_a_crash(db):
    ws = WorkspaceFactory()
    promise = CustomerCommitmentFactory(workspace=ws, promised_on=dt.date(1, 1, 3), buffer_days=365)
    MilestoneFactory(engagement=site(ws, customer_commitment=promise), ref="home", due_on=dt.date(2026, 11, 1))
    assert set(found(ws, "deliver/commitment-at-risk")) == {"home"}
    owner = UserFactory()
    MembershipFactory(workspace=ws, user=owner, role="owner")
    response = login_client(owner).post(reverse("checks:run", kwargs={"ws": ws.uuid}))
    assert response.status_code == 302


def test_commitment_at_risk_when_a_milestone_eats_the_buffer_or_is_overdue(db):
    ws = WorkspaceFactory()
    promise = CustomerCommitmentFactory(
        workspace=ws, customer="Harbor Dental", title="New website", promised_on=dt.date(2027, 1, 29), buffer_days=3
    )
    work = site(ws, customer_commitment=promise)
    MilestoneFactory(engagement=work, ref="launch", title="Launch", due_on=dt.date(2027, 1, 27), status="in_progress")
    MilestoneFactory(engagement=work, ref="copy", title="Copy", due_on=dt.date(2026, 11, 27))
    # Near misses: due on the last safe day; already accepted or cancelled though late.
    MilestoneFactory(engagement=work, ref="safe", due_on=dt.date(2027, 1, 26))
    MilestoneFactory(engagement=work, ref="done", due_on=dt.date(2027, 1, 28), status="accepted")
    MilestoneFactory(engagement=work, ref="off", due_on=dt.date(2027, 1, 28), status="cancelled")
    assert found(ws, "deliver/commitment-at-risk") == {
        "launch": "Launch (Website rebuild with Vistula Digital) is due on 27 January 2027, after 26 January 2027, "
        "the last day that leaves 3 working days for your own review before you deliver New website to Harbor "
        "Dental on 29 January 2027.",
        "copy": "Copy (Website rebuild with Vistula Digital) was due on 27 November 2026 and has not been "
        "submitted; you promised New website to Harbor Dental on 29 January 2027.",
    }


@pytest.mark.parametrize("status", ["delivered", "late", "cancelled"])
def test_commitment_at_risk_only_for_open_promises(db, status):
    ws = WorkspaceFactory()
    promise = CustomerCommitmentFactory(workspace=ws, promised_on=dt.date(2027, 1, 29), buffer_days=3, status=status)
    MilestoneFactory(engagement=site(ws, customer_commitment=promise), due_on=dt.date(2027, 1, 28))
    MilestoneFactory(engagement=EngagementFactory(contractor__workspace=ws), due_on=dt.date(2027, 1, 28))  # unlinked
    assert found(ws, "deliver/commitment-at-risk") == {}


# --- deliver/originality --------------------------------------------------------------------------

SHARED = (
    "Harbor Dental has cared for families on the waterfront since 1998. Our team of four dentists and six "
    "hygienists offers check-ups, cleaning, whitening and emergency care, six days a week, with evening "
    "appointments for people who work office hours. New patients are seen within a week, and we explain every "
    "treatment and its price before we start, so there are never surprises on the bill."
)
OWN = (
    "This page tells the story of the practice in the words of its founder, who opened the first chair above a "
    "bakery and still answers the phone on Saturday mornings."
)


def copy_setup(ws):
    first = EngagementFactory(contractor=ContractorFactory(workspace=ws, name="Hannah Price"), title="Case studies")
    earlier = MilestoneFactory(engagement=first, ref="case", title="Harbor Dental case study", status="accepted")
    original = SubmissionFactory(milestone=earlier, text=SHARED, submitted_on=dt.date(2026, 10, 1))
    originality_index_submission(submission=original)
    later = MilestoneFactory(engagement=site(ws), ref="about", title="About page", status="submitted")
    copied = SubmissionFactory(milestone=later, text=SHARED + " " + OWN, submitted_on=dt.date(2026, 11, 24))
    (match,) = originality_index_submission(submission=copied)
    return later, match


def test_originality_names_the_similar_text_and_says_needs_review(db):
    ws = WorkspaceFactory()
    _milestone, match = copy_setup(ws)
    assert round(match.similarity, 2) == 0.67
    assert found(ws, "deliver/originality") == {
        "about": "The submission of 24 November 2026 for About page (Website rebuild with Vistula Digital) is 67% "
        "similar to the submission for Harbor Dental case study (Case studies); it needs review (a quote, a shared "
        "template and reused work all look alike to this check)."
    }
    assert "plagiar" not in found(ws, "deliver/originality")["about"].lower()


def test_originality_follows_the_threshold_and_its_floor(db):
    ws = WorkspaceFactory(policy={"originality_threshold": 0.68})
    _milestone, match = copy_setup(ws)
    assert found(ws, "deliver/originality") == {}  # 0.67 is under 0.68
    ws.policy = {"originality_threshold": 0.67}
    ws.save()
    assert list(found(ws, "deliver/originality")) == ["about"]
    # A threshold under the index's floor (0.25) is treated as the floor.
    match.similarity = 0.2
    match.save()
    ws.policy = {"originality_threshold": 0.1}
    ws.save()
    assert found(ws, "deliver/originality") == {}


def test_originality_reads_the_latest_submission_and_reference_texts(db):
    ws = WorkspaceFactory()
    milestone, _match = copy_setup(ws)
    # A revision in the contractor's own words replaces the flagged one.
    SubmissionFactory(milestone=milestone, text=OWN + " A new closing line.", submitted_on=dt.date(2026, 11, 28))
    assert found(ws, "deliver/originality") == {}
    # A reference text the workspace keeps: earlier submissions are checked against it when it is added.
    reference = ReferenceTextFactory(workspace=ws, title="Harbor Dental website, 2019", text=SHARED)
    originality_index_reference_text(reference=reference)
    # (the flagged version of the About page matches it too, but only the latest submission counts)
    assert OriginalityMatch.objects.filter(other=OriginalityDoc.objects.get(reference_text=reference)).count() == 2
    assert found(ws, "deliver/originality") == {
        "case": "The submission of 1 October 2026 for Harbor Dental case study (Case studies with Hannah Price) is "
        "100% similar to the reference text 'Harbor Dental website, 2019'; it needs review (a quote, a shared "
        "template and reused work all look alike to this check)."
    }
