"""The contractor portal over REST: a contractor reaches their own engagements and nothing else."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.deliverables.models import Submission
from outsourcer.deliverables.selectors import milestone_page
from outsourcer.engagements.models import TimeEntry
from outsourcer.engagements.services import brief_save, brief_send
from tests.conftest import Personas, login_client, token_client
from tests.factories import (
    BriefFactory,
    CommunicationPlanFactory,
    ContractorFactory,
    EngagementFactory,
    MilestoneFactory,
    RatingFactory,
    ReviewFactory,
    SubmissionFactory,
    TimeEntryFactory,
)


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def base(personas: Personas) -> str:
    return f"/api/v1/workspaces/{personas.workspace.uuid}/portal"


@pytest.fixture
def mine(personas: Personas) -> Any:
    """The contractor persona's own engagement: a sent brief (edited since), a plan, a milestone with work."""
    me = ContractorFactory(workspace=personas.workspace, name="Ann Lee", portal_user=personas.contractor)
    engagement = EngagementFactory(contractor=me, ref="e-mine", title="Website copy", budget_cap=Decimal("9000"))
    BriefFactory(engagement=engagement)
    brief_send(actor=Actor.cli(), engagement=engagement, note="Here it is")
    brief_save(actor=Actor.cli(), engagement=engagement, data={"goals": "An edit the contractor has not been sent."})
    CommunicationPlanFactory(engagement=engagement)
    return engagement


@pytest.fixture
def theirs(personas: Personas) -> Any:
    """Another contractor's engagement in the same workspace."""
    return EngagementFactory(contractor=ContractorFactory(workspace=personas.workspace, name="Bo Berg"), ref="e-theirs")


@pytest.fixture
def me(personas: Personas) -> Client:
    return login_client(personas.contractor)


def test_a_contractor_lists_only_their_own_running_work(
    personas: Personas, me: Client, base: str, mine: Any, theirs: Any
):
    EngagementFactory(contractor=mine.contractor, ref="e-draft", status="draft")
    EngagementFactory(contractor=mine.contractor, ref="e-done", status="completed")
    listed = me.get(f"{base}/engagements").json()
    assert sorted(e["ref"] for e in listed["items"]) == ["e-done", "e-mine"]
    assert "budget_cap" not in listed["items"][0]
    # The business's members see every engagement but drafts, as a preview.
    viewer = token_client(personas.viewer, personas.workspace)
    assert sorted(e["ref"] for e in viewer.get(f"{base}/engagements").json()["items"]) == [
        "e-done",
        "e-mine",
        "e-theirs",
    ]


def test_the_detail_shows_what_is_shared_and_nothing_more(personas: Personas, me: Client, base: str, mine: Any):
    milestone = MilestoneFactory(engagement=mine, ref="m-home", status="accepted")
    SubmissionFactory(milestone=milestone, text="Home page copy")
    ReviewFactory(milestone=milestone, feedback="Shared feedback", shared_with_contractor=True)
    ReviewFactory(milestone=milestone, feedback="Internal only", shared_with_contractor=False)
    RatingFactory(engagement=mine, text="Shared rating", shared_with_contractor=True)
    RatingFactory(engagement=mine, text="Internal rating", shared_with_contractor=False)
    TimeEntryFactory(engagement=mine, hours=Decimal("2"), status="approved")
    body = me.get(f"{base}/engagements/{mine.uuid}").json()
    assert body["brief"]["number"] == 1 and body["brief"]["note"] == "Here it is"
    assert body["brief"]["content"]["goals"] == "Win more local customers through a clearer website."
    assert body["communication"]["point_person"] == "Maya Chen"
    assert [m["ref"] for m in body["milestones"]] == ["m-home"]
    assert body["milestones"][0]["submissions"][0]["text"] == "Home page copy"
    assert [r["feedback"] for r in body["feedback"]] == ["Shared feedback"]
    assert [r["text"] for r in body["ratings"]] == ["Shared rating"]
    assert [t["hours"] for t in body["time_entries"]] == ["2.00"]
    text = json.dumps(body)
    assert "9000" not in text and "Internal" not in text and "delivered_to_customer_on" not in text


def test_a_brief_never_sent_is_not_shown(personas: Personas, me: Client, base: str):
    engagement = EngagementFactory(
        contractor=ContractorFactory(workspace=personas.workspace, portal_user=personas.contractor)
    )
    BriefFactory(engagement=engagement)
    assert me.get(f"{base}/engagements/{engagement.uuid}").json()["brief"] is None


def test_another_contractors_work_is_absent(personas: Personas, me: Client, base: str, mine: Any, theirs: Any):
    their_milestone = MilestoneFactory(engagement=theirs)
    their_entry = TimeEntryFactory(engagement=theirs, status="draft")
    draft = EngagementFactory(contractor=mine.contractor, status="draft")
    for url in (
        f"{base}/engagements/{theirs.uuid}",
        f"{base}/engagements/{draft.uuid}",
        f"{base}/engagements/{theirs.uuid}/time-entries",
    ):
        response = me.get(url)
        assert response.status_code == 404 and response.json()["message"] == "No such engagement.", url
    assert send(me, "post", f"{base}/milestones/{their_milestone.uuid}/submissions", {"text": "x"}).status_code == 404
    assert (
        send(
            me, "post", f"{base}/engagements/{theirs.uuid}/time-entries", {"worked_on": "2026-11-17", "hours": 1}
        ).status_code
        == 404
    )
    assert send(me, "post", f"{base}/time-entries/{their_entry.uuid}/submit", {}).status_code == 404
    their_entry.refresh_from_db()
    assert their_entry.status == "draft" and not their_milestone.submissions.exists()
    # The business's own API stays closed to a contractor.
    assert me.get(f"/api/v1/workspaces/{personas.workspace.uuid}/engagements/{mine.uuid}").status_code == 403


def test_a_contractor_submits_work_and_logs_hours(personas: Personas, me: Client, base: str, mine: Any):
    milestone = MilestoneFactory(engagement=mine, status="in_progress")
    submitted = send(me, "post", f"{base}/milestones/{milestone.uuid}/submissions", {"text": "Done."})
    today = today_in(personas.workspace.time_zone)
    assert submitted.status_code == 201 and submitted.json()["submitted_on"] == today.isoformat()
    milestone.refresh_from_db()
    assert milestone.status == "submitted"
    entry = AuditEntry.objects.filter(action="submission.create").latest("id")
    assert entry.actor == personas.contractor and entry.face == "api"

    url = f"{base}/engagements/{mine.uuid}/time-entries"
    logged = send(me, "post", url, {"worked_on": "2026-11-17", "hours": "2.25", "description": "Interviews"})
    assert logged.status_code == 201 and logged.json()["status"] == "draft"
    one = logged.json()["id"]
    sent = send(me, "post", f"{base}/time-entries/{one}/submit", {})
    assert sent.status_code == 200 and sent.json()["status"] == "submitted"
    again = send(me, "post", f"{base}/time-entries/{one}/submit", {})
    assert again.status_code == 409
    assert [e["id"] for e in me.get(f"{url}?status=submitted").json()["items"]] == [one]
    assert TimeEntry.objects.get(uuid=one).created_by == personas.contractor
    ended = EngagementFactory(contractor=mine.contractor, status="completed")
    response = send(
        me, "post", f"{base}/engagements/{ended.uuid}/time-entries", {"worked_on": "2026-11-17", "hours": 1}
    )
    assert response.status_code == 409


def test_a_contractor_cannot_date_their_own_work(personas: Personas, me: Client, base: str, mine: Any):
    """Work is dated today: a stated date (old or future) is refused, so new work never hides behind old."""
    milestone = MilestoneFactory(engagement=mine, status="in_progress")
    url = f"{base}/milestones/{milestone.uuid}/submissions"
    honest = send(me, "post", url, {"text": "Original honest text"})
    assert honest.status_code == 201
    milestone.refresh_from_db()
    milestone.status = "revision_requested"
    milestone.save()
    for day in ("1900-01-01", "2999-12-31"):
        refused = send(me, "post", url, {"text": "Copied text", "submitted_on": day})
        assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "$.submitted_on"
    assert Submission.objects.filter(milestone=milestone).count() == 1
    again = send(me, "post", url, {"text": "Revised text"})
    today = today_in(personas.workspace.time_zone)
    assert again.status_code == 201 and again.json()["submitted_on"] == today.isoformat()
    milestone.refresh_from_db()
    assert milestone.submitted_on == today
    assert milestone_page(milestone=milestone).latest.text == "Revised text"
    mine_now = me.get(f"{base}/engagements/{mine.uuid}").json()
    [listed] = [m for m in mine_now["milestones"] if m["id"] == str(milestone.uuid)]
    assert [s["text"] for s in listed["submissions"]] == ["Revised text", "Original honest text"]


def test_a_contractor_token_reads_but_never_writes(personas: Personas, base: str, mine: Any):
    token = token_client(personas.contractor, personas.workspace)
    assert token.get(f"{base}/engagements/{mine.uuid}").status_code == 200
    response = send(
        token, "post", f"{base}/engagements/{mine.uuid}/time-entries", {"worked_on": "2026-11-17", "hours": 1}
    )
    assert response.status_code == 403 and response.json()["message"] == "This API token is read-only."


def test_a_viewer_previews_but_cannot_contribute(personas: Personas, base: str, mine: Any):
    viewer = login_client(personas.viewer)
    assert viewer.get(f"{base}/engagements/{mine.uuid}").status_code == 200
    milestone = MilestoneFactory(engagement=mine, due_on=dt.date(2027, 1, 1))
    response = send(viewer, "post", f"{base}/milestones/{milestone.uuid}/submissions", {"text": "x"})
    assert response.status_code == 403


def test_an_outsider_finds_no_portal(personas: Personas, base: str, mine: Any):
    outsider = login_client(personas.outsider)
    assert outsider.get(f"{base}/engagements").status_code == 404


def test_the_portal_takes_the_same_queries_for_few_or_many_rows(personas: Personas, me: Client, base: str, mine: Any):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def rows(n: int) -> None:
        for _ in range(n):
            EngagementFactory(contractor=mine.contractor)
            milestone = MilestoneFactory(engagement=mine)
            SubmissionFactory(milestone=milestone)
            ReviewFactory(milestone=milestone, shared_with_contractor=True)
            TimeEntryFactory(engagement=mine)
            RatingFactory(engagement=mine, shared_with_contractor=True)

    urls = [f"{base}/engagements", f"{base}/engagements/{mine.uuid}", f"{base}/engagements/{mine.uuid}/time-entries"]

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert me.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    rows(3)
    counts()  # warm the token's and the process's caches
    few = counts()
    rows(30)
    assert counts() == few
