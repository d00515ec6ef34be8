"""Services of the deliver stage: milestones, submissions, reviews against the brief, delivery to the customer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables.models import Milestone, Review, SubmissionFile
from outsourcer.deliverables.selectors import milestone_page
from outsourcer.deliverables.services import (
    ReviewCriteria,
    UnreviewedDelivery,
    milestone_create,
    milestone_delete,
    milestone_deliver_to_customer,
    milestone_update,
    review_create,
    review_criteria,
    submission_create,
)
from outsourcer.engagements.services import brief_save, brief_send
from tests.factories import BriefFactory, EngagementFactory, MilestoneFactory, SubmissionFactory

pytestmark = pytest.mark.django_db
ACTOR = Actor.cli()
DAY = dt.date(2026, 11, 25)


def _milestone(**kwargs):
    engagement = EngagementFactory()
    BriefFactory(engagement=engagement)  # two acceptance criteria
    return MilestoneFactory(engagement=engagement, **kwargs)


def test_milestones_get_refs_and_ended_engagements_take_no_more():
    engagement = EngagementFactory()
    milestone = milestone_create(actor=ACTOR, engagement=engagement, data={"title": "Draft", "due_on": DAY})
    assert milestone.ref.startswith("m-") and milestone.status == "planned"
    with pytest.raises(ValidationError, match="has ended"):
        milestone_create(
            actor=ACTOR, engagement=EngagementFactory(status="completed"), data={"title": "X", "due_on": DAY}
        )


def test_a_submission_moves_the_milestone_to_review_and_keeps_links_and_files():
    milestone = _milestone()
    upload = SimpleUploadedFile("draft.pdf", b"%PDF-1.4 draft", content_type="application/pdf")
    submission = submission_create(
        actor=ACTOR, milestone=milestone, submitted_on=DAY, text="", links="https://example.test/draft", files=[upload]
    )
    milestone.refresh_from_db()
    assert (milestone.status, milestone.submitted_on) == ("submitted", DAY)
    assert submission.links == ["https://example.test/draft"]
    [stored] = SubmissionFile.objects.filter(submission=submission)
    assert stored.name == "draft.pdf" and stored.file.read() == b"%PDF-1.4 draft"
    assert stored.file.name.startswith(f"submissions/{milestone.workspace.uuid}/")
    with pytest.raises(ValidationError, match="Work was submitted"):
        milestone_delete(actor=ACTOR, milestone=milestone)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "  "}, "Submit some text, a link or a file"),
        ({"links": "javascript:alert(1)"}, "Not a web address"),
        ({"links": "ftp://example.test/x"}, "Not a web address"),
    ],
)
def test_bad_submissions_are_refused_and_change_nothing(kwargs, message):
    milestone = _milestone()
    with pytest.raises(ValidationError, match=message):
        submission_create(actor=ACTOR, milestone=milestone, submitted_on=DAY, **kwargs)
    milestone.refresh_from_db()
    assert milestone.status == "planned" and not milestone.submissions.exists()


def test_an_accepted_milestone_takes_no_more_submissions():
    milestone = _milestone(status="accepted")
    with pytest.raises(ValidationError, match="accepted"):
        submission_create(actor=ACTOR, milestone=milestone, submitted_on=DAY, text="More")


def test_a_review_answers_each_criterion_and_its_decision_becomes_the_status():
    milestone = _milestone(status="submitted")
    SubmissionFactory(milestone=milestone)
    with pytest.raises(ValidationError, match="each of the brief's 2 acceptance criteria"):
        review_create(
            actor=ACTOR, milestone=milestone, data={"reviewed_on": DAY, "decision": "accepted", "criteria_met": [True]}
        )
    with pytest.raises(ValidationError, match="Uses our tone guide"):
        review_create(
            actor=ACTOR, milestone=milestone,
            data={"reviewed_on": DAY, "decision": "accepted", "criteria_met": [True, False]},
        )  # fmt: skip
    review = review_create(
        actor=ACTOR, milestone=milestone,
        data={"reviewed_on": DAY, "decision": "revision_requested", "criteria_met": [True, False], "feedback": "Tone"},
    )  # fmt: skip
    milestone.refresh_from_db()
    assert milestone.status == "revision_requested"
    assert review.criteria == ["Reads at grade 8 or below", "Uses our tone guide"]
    assert review.submission == milestone.submissions.first()
    assert Review.objects.count() == 1


def test_delivery_to_the_customer_asks_for_our_review_first():
    milestone = _milestone(status="submitted")
    with pytest.raises(UnreviewedDelivery, match="review the work first"):
        milestone_deliver_to_customer(actor=ACTOR, milestone=milestone, on=DAY)
    assert Milestone.objects.get(pk=milestone.pk).delivered_to_customer_on is None
    milestone_deliver_to_customer(actor=ACTOR, milestone=milestone, on=DAY, confirm_unreviewed=True)
    assert Milestone.objects.get(pk=milestone.pk).delivered_to_customer_on == DAY


def test_an_accepted_review_on_or_before_the_day_lets_delivery_through():
    milestone = _milestone(status="submitted")
    review_create(
        actor=ACTOR,
        milestone=milestone,
        data={"reviewed_on": DAY, "decision": "accepted", "criteria_met": [True, True]},
    )
    with pytest.raises(UnreviewedDelivery):  # a review after the delivery day does not count
        milestone_deliver_to_customer(actor=ACTOR, milestone=milestone, on=DAY - dt.timedelta(days=1))
    milestone_deliver_to_customer(actor=ACTOR, milestone=milestone, on=DAY)
    assert Milestone.objects.get(pk=milestone.pk).delivered_to_customer_on == DAY


@pytest.mark.parametrize("status", ["planned", "accepted", "revision_requested", "cancelled"])
def test_only_submitted_work_can_be_reviewed(status):
    milestone = _milestone(status=status)
    with pytest.raises(ValidationError, match="Only submitted work waits for a review"):
        review_create(
            actor=ACTOR,
            milestone=milestone,
            data={"reviewed_on": DAY, "decision": "accepted", "criteria_met": [True, True]},
        )
    assert not milestone.reviews.exists()


# --- Submission dates: stated by us within bounds, never by the contractor, never used for order ----------


def test_a_stated_submission_date_may_be_neither_in_the_future_nor_before_the_engagement():
    milestone = _milestone()  # the engagement starts on 1 Nov 2026
    today = today_in(milestone.workspace.time_zone)
    with pytest.raises(ValidationError, match="on or before today") as exc:
        submission_create(actor=ACTOR, milestone=milestone, submitted_on=today + dt.timedelta(days=1), text="Work")
    assert list(exc.value.message_dict) == ["submitted_on"]
    with pytest.raises(ValidationError, match="The engagement started on 1 Nov 2026"):
        submission_create(actor=ACTOR, milestone=milestone, submitted_on=dt.date(1900, 1, 1), text="Work")
    milestone.refresh_from_db()
    assert milestone.status == "planned" and not milestone.submissions.exists()
    # Without a date, it is today in the workspace.
    assert submission_create(actor=ACTOR, milestone=milestone, text="Work").submitted_on == today


def test_the_latest_submission_is_the_last_recorded_whatever_date_it_states():
    milestone = _milestone(status="in_progress")
    first = submission_create(actor=ACTOR, milestone=milestone, submitted_on=dt.date(2026, 11, 20), text="First")
    review_create(
        actor=ACTOR, milestone=milestone,
        data={"reviewed_on": DAY, "decision": "revision_requested", "criteria_met": [True, False], "feedback": "Tone"},
    )  # fmt: skip
    # Work that reached us by email earlier, recorded now with its earlier date: still the newest work.
    second = submission_create(actor=ACTOR, milestone=milestone, submitted_on=dt.date(2026, 11, 2), text="Second")
    milestone.refresh_from_db()
    assert milestone.submitted_on == dt.date(2026, 11, 2)
    assert list(milestone.submissions.all()) == [second, first]
    page = milestone_page(milestone=milestone)
    assert page.latest == second
    review = review_create(
        actor=ACTOR, milestone=milestone,
        data={"reviewed_on": DAY, "decision": "accepted", "criteria_met": [True, True]},
    )  # fmt: skip
    assert review.submission == second


# --- Milestone status: set by hand only between planned and in progress, or to cancel --------------------


@pytest.mark.parametrize(
    ("start", "wanted", "refusal"),
    [
        ("planned", "accepted", "not set by hand"),
        ("planned", "submitted", "not set by hand"),
        ("in_progress", "revision_requested", "not set by hand"),
        ("submitted", "rejected", "not set by hand"),
        ("accepted", "planned", "submissions and reviews move it on"),
        ("submitted", "in_progress", "submissions and reviews move it on"),
        ("revision_requested", "planned", "submissions and reviews move it on"),
        ("accepted", "cancelled", "can no longer be cancelled"),
        ("rejected", "cancelled", "can no longer be cancelled"),
    ],
)
def test_a_status_only_work_and_reviews_give_cannot_be_set_by_hand(start, wanted, refusal):
    milestone = _milestone(status=start)
    with pytest.raises(ValidationError, match=refusal) as exc:
        milestone_update(actor=ACTOR, milestone=milestone, data={"status": wanted, "title": "Renamed"})
    assert list(exc.value.message_dict) == ["status"]
    milestone.refresh_from_db()
    assert milestone.status == start and milestone.title != "Renamed"  # nothing of the refused change is kept


@pytest.mark.parametrize(
    ("start", "wanted"),
    [
        ("planned", "in_progress"),
        ("in_progress", "planned"),
        ("planned", "cancelled"),
        ("in_progress", "cancelled"),
        ("revision_requested", "cancelled"),
        ("submitted", "cancelled"),
        ("cancelled", "planned"),
        ("cancelled", "in_progress"),
        ("accepted", "accepted"),  # no change is no move
    ],
)
def test_the_moves_a_person_may_make(start, wanted):
    milestone = _milestone(status=start)
    milestone_update(actor=ACTOR, milestone=milestone, data={"status": wanted})
    milestone.refresh_from_db()
    assert milestone.status == wanted


def test_a_cancelled_milestone_of_an_ended_engagement_stays_cancelled():
    milestone = MilestoneFactory(engagement=EngagementFactory(status="completed"), status="cancelled")
    with pytest.raises(ValidationError, match="cannot be reopened"):
        milestone_update(actor=ACTOR, milestone=milestone, data={"status": "planned"})
    milestone.refresh_from_db()
    assert milestone.status == "cancelled"


def test_a_new_milestone_starts_planned_or_in_progress():
    engagement = EngagementFactory()
    with pytest.raises(ValidationError, match="not set by hand"):
        milestone_create(actor=ACTOR, engagement=engagement, data={"title": "X", "due_on": DAY, "status": "accepted"})
    with pytest.raises(ValidationError, match="starts as planned or in progress"):
        milestone_create(actor=ACTOR, engagement=engagement, data={"title": "X", "due_on": DAY, "status": "cancelled"})
    assert not Milestone.objects.exists()
    made = milestone_create(
        actor=ACTOR, engagement=engagement, data={"title": "X", "due_on": DAY, "status": "in_progress"}
    )
    assert made.status == "in_progress"


# --- Reviews answer the criteria the contractor was sent ---------------------------------------------------


def test_a_review_answers_the_criteria_of_the_brief_as_last_sent():
    engagement = EngagementFactory()
    BriefFactory(engagement=engagement, acceptance_criteria=["A", "B"])
    milestone = MilestoneFactory(engagement=engagement, status="in_progress")
    # Never sent: the brief's own criteria count.
    assert review_criteria(engagement) == ReviewCriteria(criteria=["A", "B"], version=None, current=["A", "B"])
    brief_send(actor=ACTOR, engagement=engagement)
    brief_save(actor=ACTOR, engagement=engagement, data={"acceptance_criteria": ["A", "B", "A bar never sent"]})
    found = review_criteria(engagement)
    assert (found.criteria, found.version, found.changed_since_sent) == (["A", "B"], 1, True)
    submission_create(actor=ACTOR, milestone=milestone, text="Work")
    with pytest.raises(ValidationError, match="each of the brief's 2 acceptance criteria"):
        review_create(
            actor=ACTOR, milestone=milestone,
            data={"reviewed_on": DAY, "decision": "revision_requested", "criteria_met": [True, True, False],
                  "feedback": "The new bar"},
        )  # fmt: skip
    review = review_create(
        actor=ACTOR,
        milestone=milestone,
        data={"reviewed_on": DAY, "decision": "accepted", "criteria_met": [True, True]},
    )
    assert review.criteria == ["A", "B"]
    # Once sent, the new criteria count and the page no longer says they changed.
    brief_send(actor=ACTOR, engagement=engagement)
    assert review_criteria(engagement) == ReviewCriteria(
        criteria=["A", "B", "A bar never sent"], version=2, current=["A", "B", "A bar never sent"]
    )
