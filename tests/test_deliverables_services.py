"""Services of the deliver stage: milestones, submissions, reviews against the brief, delivery to the customer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from outsourcer.core.actor import Actor
from outsourcer.deliverables.models import Milestone, Review, SubmissionFile
from outsourcer.deliverables.services import (
    UnreviewedDelivery,
    milestone_create,
    milestone_delete,
    milestone_deliver_to_customer,
    review_create,
    submission_create,
)
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
