"""Milestones, submissions, reviews, delivery to the customer, originality and reference texts over REST."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables.models import Milestone, ReferenceText, Submission
from outsourcer.engagements.services import brief_save, brief_send
from tests.conftest import Personas, token_client
from tests.factories import (
    BriefFactory,
    ContractorFactory,
    EngagementFactory,
    MilestoneFactory,
    ReviewFactory,
    SubmissionFactory,
)

PARAGRAPH = (
    "Our studio helps neighbourhood bakeries tell their story with honest photographs, warm colours and "
    "menus that customers can read from across the room. Every project starts with a morning behind the counter."
)


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def owner(personas: Personas) -> Client:
    return token_client(personas.owner, personas.workspace)


@pytest.fixture
def base(personas: Personas) -> str:
    return f"/api/v1/workspaces/{personas.workspace.uuid}"


@pytest.fixture
def engagement(personas: Personas) -> Any:
    contractor = ContractorFactory(workspace=personas.workspace, name="Ann Lee")
    found = EngagementFactory(contractor=contractor, ref="e-site", title="Website copy", rate_currency="EUR")
    BriefFactory(engagement=found)  # two acceptance criteria
    return found


def errors(response: Any) -> dict[str, str]:
    return {e["path"]: e["message"] for e in response.json()["errors"]}


# --- Milestones ------------------------------------------------------------------------------------


def test_milestones_are_added_listed_and_filtered(personas: Personas, owner: Client, base: str, engagement: Any):
    url = f"{base}/engagements/{engagement.uuid}/milestones"
    created = send(owner, "post", url, {"ref": "m-home", "title": "Home page", "due_on": "2020-01-10", "amount": 300})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "planned" and body["amount"] == "300.00" and body["currency"] == "EUR"
    assert body["overdue"] is True and body["criteria"] == ["Reads at grade 8 or below", "Uses our tone guide"]
    assert body["engagement_ref"] == "e-site" and body["contractor_name"] == "Ann Lee"
    assert body["submissions"] == [] and body["reviews"] == [] and body["latest_decision"] is None
    MilestoneFactory(engagement=engagement, ref="m-later", due_on=dt.date(2999, 1, 1))
    MilestoneFactory(engagement=engagement, ref="m-done", status="accepted", due_on=dt.date(2020, 1, 1))
    other = EngagementFactory(contractor=engagement.contractor)
    MilestoneFactory(engagement=other, ref="m-other", due_on=dt.date(2999, 1, 2))
    MilestoneFactory(engagement=EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace)))

    assert [m["ref"] for m in owner.get(url).json()] == ["m-done", "m-home", "m-later"]

    def refs(query: str = "") -> list[str]:
        response = owner.get(f"{base}/milestones?{query}")
        assert response.status_code == 200, response.content
        return [m["ref"] for m in response.json()["items"]]

    assert refs() == ["m-done", "m-home", "m-later", "m-other"]
    assert refs("due=overdue") == ["m-home"]
    assert refs("status=open") == ["m-home", "m-later", "m-other"]
    assert refs("status=accepted") == ["m-done"]
    assert refs(f"engagement={other.uuid}") == ["m-other"]
    assert refs("engagement=00000000-0000-4000-8000-000000000000") == []
    assert owner.get(f"{base}/milestones?due=late").status_code == 422


def test_milestones_change_and_go_unless_work_was_submitted(owner: Client, base: str, engagement: Any):
    milestone = MilestoneFactory(engagement=engagement)
    url = f"{base}/milestones/{milestone.uuid}"
    body = send(owner, "patch", url, {"title": "Case studies", "amount": None}).json()
    assert body["title"] == "Case studies" and body["amount"] is None
    assert send(owner, "patch", url, {"due_on": None}).status_code == 400
    SubmissionFactory(milestone=milestone)
    response = owner.delete(url)
    assert response.status_code == 409
    assert response.json()["message"] == "Work was submitted for this milestone; cancel it instead of deleting."
    empty = MilestoneFactory(engagement=engagement)
    assert owner.delete(f"{base}/milestones/{empty.uuid}").status_code == 204
    assert not Milestone.objects.filter(pk=empty.pk).exists()


def test_a_status_that_work_or_reviews_give_is_a_conflict_to_set(owner: Client, base: str, engagement: Any):
    milestone = MilestoneFactory(engagement=engagement, status="planned")
    url = f"{base}/milestones/{milestone.uuid}"
    accepted = send(owner, "patch", url, {"status": "accepted"})
    assert accepted.status_code == 409 and accepted.json()["errors"][0]["path"] == "$.status"
    assert "not set by hand" in accepted.json()["message"]
    assert send(owner, "patch", url, {"status": "submitted"}).status_code == 409
    milestone.refresh_from_db()
    assert milestone.status == "planned"
    # So a review never judges work that was not submitted.
    review = {"reviewed_on": "2026-11-26", "decision": "accepted", "criteria_met": [True, True]}
    assert send(owner, "post", f"{url}/reviews", review).status_code == 409
    assert send(owner, "patch", url, {"status": "in_progress"}).json()["status"] == "in_progress"
    assert send(owner, "patch", url, {"status": "cancelled"}).json()["status"] == "cancelled"
    assert send(owner, "patch", url, {"status": "planned"}).json()["status"] == "planned"  # reopened
    # A new one starts planned or in progress (the schema says so).
    created = send(
        owner,
        "post",
        f"{base}/engagements/{engagement.uuid}/milestones",
        {"title": "X", "due_on": "2027-01-01", "status": "accepted"},
    )
    assert created.status_code == 422 and created.json()["errors"][0]["path"] == "$.status"


def test_a_stated_submission_date_is_bounded(personas: Personas, owner: Client, base: str, engagement: Any):
    milestone = MilestoneFactory(engagement=engagement, status="in_progress")
    url = f"{base}/milestones/{milestone.uuid}/submissions"
    today = today_in(personas.workspace.time_zone)
    future = send(owner, "post", url, {"text": "Work", "submitted_on": (today + dt.timedelta(days=1)).isoformat()})
    assert future.status_code == 400 and "on or before today" in errors(future)["$.submitted_on"]
    early = send(owner, "post", url, {"text": "Work", "submitted_on": "1900-01-01"})
    assert early.status_code == 400 and "The engagement started on 1 Nov 2026" in errors(early)["$.submitted_on"]
    assert not Submission.objects.filter(milestone=milestone).exists()
    first = send(owner, "post", url, {"text": "Newer date", "submitted_on": "2026-11-25"}).json()
    milestone.status = "revision_requested"
    milestone.save()
    second = send(owner, "post", url, {"text": "Older date, recorded later", "submitted_on": "2026-11-02"}).json()
    detail = owner.get(f"{base}/milestones/{milestone.uuid}").json()
    assert [s["id"] for s in detail["submissions"]] == [second["id"], first["id"]]  # the last recorded first
    assert detail["submitted_on"] == "2026-11-02"
    originality = owner.get(f"{base}/milestones/{milestone.uuid}/originality").json()
    assert originality["submission"] == second["id"]


def test_an_ended_engagement_takes_no_milestone(personas: Personas, owner: Client, base: str):
    ended = EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace), status="completed")
    response = send(
        owner, "post", f"{base}/engagements/{ended.uuid}/milestones", {"title": "X", "due_on": "2027-01-01"}
    )
    assert response.status_code == 409
    assert response.json()["message"] == "This engagement has ended; it takes no new milestones."


# --- Submissions and reviews -----------------------------------------------------------------------


def test_work_is_submitted_and_reviewed_against_the_criteria(
    personas: Personas, owner: Client, base: str, engagement: Any
):
    milestone = MilestoneFactory(engagement=engagement, status="in_progress")
    url = f"{base}/milestones/{milestone.uuid}"
    nothing = send(owner, "post", f"{url}/reviews", {"reviewed_on": "2026-11-26", "decision": "accepted"})
    assert nothing.status_code == 409 and nothing.json()["message"] == (
        "Only submitted work waits for a review; this milestone has nothing new to decide on."
    )
    assert send(owner, "post", f"{url}/submissions", {"note": "only a note"}).status_code == 400
    bad_link = send(owner, "post", f"{url}/submissions", {"links": ["ftp://example.test/x"]})
    assert bad_link.status_code == 400 and "$.links" in errors(bad_link)

    submitted = send(
        owner,
        "post",
        f"{url}/submissions",
        {"text": "The home page copy.", "links": ["https://docs.example.test/home"], "submitted_on": "2026-11-25"},
    )
    assert submitted.status_code == 201
    assert submitted.json()["links"] == ["https://docs.example.test/home"] and submitted.json()["files"] == []
    assert owner.get(url).json()["status"] == "submitted"
    assert [s["submitted_on"] for s in owner.get(f"{url}/submissions").json()] == ["2026-11-25"]

    wrong_count = send(owner, "post", f"{url}/reviews", {"reviewed_on": "2026-11-26", "decision": "accepted"})
    assert wrong_count.status_code == 400
    assert errors(wrong_count) == {"$.criteria_met": "Answer each of the brief's 2 acceptance criteria (met or not)."}
    unmet = send(
        owner,
        "post",
        f"{url}/reviews",
        {"reviewed_on": "2026-11-26", "decision": "accepted", "criteria_met": [True, False]},
    )
    assert unmet.status_code == 400 and "Uses our tone guide" in errors(unmet)["$.decision"]
    revision = send(
        owner,
        "post",
        f"{url}/reviews",
        {
            "reviewed_on": "2026-11-26",
            "decision": "revision_requested",
            "criteria_met": [True, False],
            "feedback": "Use the tone guide.",
        },
    )
    assert revision.status_code == 201
    review = revision.json()
    assert review["criteria"] == ["Reads at grade 8 or below", "Uses our tone guide"]
    assert review["criteria_met"] == [True, False] and review["shared_with_contractor"] is False
    assert review["reviewer"] == personas.owner.display_name
    assert review["submission"] == submitted.json()["id"]
    detail = owner.get(url).json()
    assert detail["status"] == "revision_requested" and detail["latest_decision"] == "revision_requested"
    again = send(
        owner,
        "post",
        f"{url}/reviews",
        {"reviewed_on": "2026-11-27", "decision": "rejected", "criteria_met": [False, False]},
    )
    assert again.status_code == 409  # sent back already: nothing new to decide on until the next submission
    shared = send(owner, "patch", f"{base}/reviews/{review['id']}", {"shared_with_contractor": True})
    assert shared.json()["shared_with_contractor"] is True
    assert [r["id"] for r in owner.get(f"{url}/reviews").json()] == [review["id"]]
    assert AuditEntry.objects.filter(action="review.share", face="api").exists()


def test_reviews_answer_the_criteria_the_contractor_was_sent(owner: Client, base: str, engagement: Any):
    milestone = MilestoneFactory(engagement=engagement, status="in_progress")
    url = f"{base}/milestones/{milestone.uuid}"
    detail = owner.get(url).json()
    assert (detail["criteria_version"], detail["criteria_changed_since_sent"]) == (None, False)  # never sent
    brief_send(actor=Actor.cli(), engagement=engagement)
    brief_save(
        actor=Actor.cli(),
        engagement=engagement,
        data={"acceptance_criteria": ["Reads at grade 8 or below", "Uses our tone guide", "Unsent"]},
    )
    detail = owner.get(url).json()
    assert detail["criteria"] == ["Reads at grade 8 or below", "Uses our tone guide"]
    assert (detail["criteria_version"], detail["criteria_changed_since_sent"]) == (1, True)
    assert send(owner, "post", f"{url}/submissions", {"text": "Short work."}).status_code == 201
    assert owner.get(f"{url}/originality").json()["too_short"] is True
    three = send(
        owner,
        "post",
        f"{url}/reviews",
        {"reviewed_on": "2026-11-26", "decision": "rejected", "criteria_met": [True, True, False], "feedback": "x"},
    )
    assert three.status_code == 400
    two = send(
        owner,
        "post",
        f"{url}/reviews",
        {"reviewed_on": "2026-11-26", "decision": "accepted", "criteria_met": [True, True]},
    )
    assert two.status_code == 201 and two.json()["criteria"] == detail["criteria"]


def test_a_closed_milestone_takes_no_submission(owner: Client, base: str, engagement: Any):
    milestone = MilestoneFactory(engagement=engagement, status="accepted")
    response = send(owner, "post", f"{base}/milestones/{milestone.uuid}/submissions", {"text": "More"})
    assert response.status_code == 409 and response.json()["message"] == "This milestone is accepted."
    assert not Submission.objects.filter(milestone=milestone).exists()


# --- Delivery to the customer ----------------------------------------------------------------------


def test_delivery_without_an_accepted_review_needs_confirming(owner: Client, base: str, engagement: Any):
    milestone = MilestoneFactory(engagement=engagement, status="submitted")
    SubmissionFactory(milestone=milestone)
    url = f"{base}/milestones/{milestone.uuid}/deliver"
    response = send(owner, "post", url, {"on": "2026-12-01"})
    assert response.status_code == 409
    assert response.json()["message"] == (
        "No accepted review of this milestone on or before 2026-12-01: review the work first, "
        "or send confirm_unreviewed: true to record the delivery anyway."
    )
    assert response.json()["errors"][0]["path"] == "$.confirm_unreviewed"
    milestone.refresh_from_db()
    assert milestone.delivered_to_customer_on is None
    confirmed = send(owner, "post", url, {"on": "2026-12-01", "confirm_unreviewed": True})
    assert confirmed.status_code == 200 and confirmed.json()["delivered_to_customer_on"] == "2026-12-01"
    entry = AuditEntry.objects.filter(action="milestone.deliver").latest("id")
    assert entry.changes["reviewed_first"] is False

    reviewed = MilestoneFactory(engagement=engagement, status="accepted")
    ReviewFactory(milestone=reviewed, reviewed_on=dt.date(2026, 11, 26))
    url = f"{base}/milestones/{reviewed.uuid}/deliver"
    assert send(owner, "post", url, {"on": "2026-11-25"}).status_code == 409  # reviewed only afterwards
    assert send(owner, "post", url, {"on": "2026-11-27"}).json()["delivered_to_customer_on"] == "2026-11-27"


# --- Originality and reference texts ---------------------------------------------------------------


def test_originality_shows_verified_matches_as_needing_review(
    personas: Personas, owner: Client, base: str, engagement: Any, django_capture_on_commit_callbacks: Any
):
    earlier = MilestoneFactory(engagement=engagement, ref="m-early", title="About page")
    later = MilestoneFactory(engagement=engagement, ref="m-late", title="Blog post")
    url = f"{base}/milestones/{later.uuid}/originality"
    assert owner.get(url).json() == {
        "submission": None,
        "submitted_on": None,
        "indexed": False,
        "too_short": False,
        "threshold": 0.5,
        "matches": [],
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = send(owner, "post", f"{base}/reference-texts", {"title": "Our old site", "text": PARAGRAPH})
    assert created.status_code == 201
    reference = created.json()
    assert reference["characters"] == len(PARAGRAPH) and reference["title"] == "Our old site"
    with django_capture_on_commit_callbacks(execute=True):
        send(owner, "post", f"{base}/milestones/{earlier.uuid}/submissions", {"text": "Something else entirely."})
        send(owner, "post", f"{base}/milestones/{later.uuid}/submissions", {"text": PARAGRAPH + " And more."})
    body = owner.get(url).json()
    assert body["indexed"] is True and len(body["matches"]) == 1
    match = body["matches"][0]
    assert match["matched"] == {
        "kind": "reference_text",
        "id": reference["id"],
        "ref": None,
        "title": "Our old site",
        "submitted_on": None,
    }
    assert match["similarity"] > 0.8 and match["needs_review"] is True
    assert match["passages"][0].startswith("Our studio helps neighbourhood bakeries")

    third = MilestoneFactory(engagement=engagement, ref="m-third", title="Newsletter")
    with django_capture_on_commit_callbacks(execute=True):
        send(owner, "post", f"{base}/milestones/{third.uuid}/submissions", {"text": PARAGRAPH})
    kinds = {
        m["matched"]["kind"]: m["matched"]
        for m in owner.get(f"{base}/milestones/{third.uuid}/originality").json()["matches"]
    }
    assert kinds["submission"]["ref"] == "m-late" and kinds["submission"]["title"] == "Blog post"

    listed = owner.get(f"{base}/reference-texts").json()
    assert listed["count"] == 1 and listed["items"][0]["indexed"] is True and "text" not in listed["items"][0]
    assert owner.delete(f"{base}/reference-texts/{reference['id']}").status_code == 204
    assert not ReferenceText.objects.filter(workspace=personas.workspace).exists()
    assert [m["matched"]["kind"] for m in owner.get(url).json()["matches"]] == []


def test_reference_texts_need_text(owner: Client, base: str):
    for text in ("", "   "):
        response = send(owner, "post", f"{base}/reference-texts", {"title": "Empty", "text": text})
        assert response.status_code == 422 and response.json()["errors"][0]["path"] == "$.text"
    assert not ReferenceText.objects.exists()


def test_another_workspaces_milestone_is_absent(personas: Personas, owner: Client, base: str):
    foreign = MilestoneFactory(
        engagement=EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    )
    for path in ("", "/originality", "/submissions", "/reviews"):
        assert owner.get(f"{base}/milestones/{foreign.uuid}{path}").status_code == 404
    assert send(owner, "post", f"{base}/milestones/{foreign.uuid}/submissions", {"text": "x"}).status_code == 404


def test_overdue_uses_the_workspace_calendar(personas: Personas, owner: Client, base: str, engagement: Any):
    today = today_in(personas.workspace.time_zone)
    MilestoneFactory(engagement=engagement, ref="m-today", due_on=today)
    MilestoneFactory(engagement=engagement, ref="m-yesterday", due_on=today - dt.timedelta(days=1))
    rows = {m["ref"]: m["overdue"] for m in owner.get(f"{base}/milestones").json()["items"]}
    assert rows == {"m-today": False, "m-yesterday": True}


def test_lists_take_the_same_queries_for_few_or_many_rows(
    personas: Personas, owner: Client, base: str, engagement: Any
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import ReferenceTextFactory

    def rows(n: int) -> None:
        for _ in range(n):
            milestone = MilestoneFactory(engagement=EngagementFactory(contractor=engagement.contractor))
            SubmissionFactory(milestone=milestone)
            ReviewFactory(milestone=milestone)
            ReferenceTextFactory(workspace=personas.workspace)
            MilestoneFactory(engagement=engagement)

    urls = [f"{base}/milestones", f"{base}/engagements/{engagement.uuid}/milestones", f"{base}/reference-texts"]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert owner.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    rows(3)
    counts()  # warm the token's and the process's caches
    few = counts()
    rows(30)
    assert counts() == few
