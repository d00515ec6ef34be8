"""Engagements over REST: terms and status, the brief, the communication plan, check-ins, time, ratings and
customer commitments; every operation and its refusals."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from outsourcer.audit.models import AuditEntry
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement, TimeEntry
from outsourcer.engagements.services import iso_week_start
from tests.conftest import Personas, token_client
from tests.factories import (
    BriefFactory,
    CheckInFactory,
    CommunicationPlanFactory,
    ContractorFactory,
    CustomerCommitmentFactory,
    EngagementFactory,
    RatingFactory,
    TaskFactory,
    TimeEntryFactory,
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
def ann(personas: Personas) -> Any:
    return ContractorFactory(workspace=personas.workspace, ref="ann", name="Ann Lee", currency="EUR")


def errors(response: Any) -> dict[str, str]:
    return {e["path"]: e["message"] for e in response.json()["errors"]}


# --- Engagements -----------------------------------------------------------------------------------


def test_the_list_filters_and_pages(personas: Personas, owner: Client, base: str, ann: Any):
    bo = ContractorFactory(workspace=personas.workspace, name="Bo Berg")
    EngagementFactory(contractor=ann, ref="e-site", title="Website copy", status="active")
    EngagementFactory(contractor=ann, ref="e-books", title="Bookkeeping", kind="ongoing", status="paused")
    EngagementFactory(contractor=bo, ref="e-logo", title="Logo", kind="trial", status="completed")
    EngagementFactory(contractor=bo, ref="e-draft", title="Drafted", status="draft")
    EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace), title="Elsewhere")

    def refs(query: str = "") -> list[str]:
        response = owner.get(f"{base}/engagements?{query}")
        assert response.status_code == 200, response.content
        return sorted(e["ref"] for e in response.json()["items"])

    assert refs() == ["e-books", "e-draft", "e-logo", "e-site"]
    assert refs("status=running") == ["e-books", "e-site"]
    assert refs("status=draft") == ["e-draft"]
    assert refs("kind=trial") == ["e-logo"]
    assert refs(f"contractor={bo.uuid}") == ["e-draft", "e-logo"]
    assert refs("contractor=00000000-0000-4000-8000-000000000000") == []
    assert refs("q=BERG") == ["e-draft", "e-logo"] and refs("q=site") == ["e-site"]
    page = owner.get(f"{base}/engagements?limit=1&offset=1").json()
    assert page["count"] == 4 and len(page["items"]) == 1
    row = next(e for e in owner.get(f"{base}/engagements?q=e-site").json()["items"])
    assert row["contractor_ref"] == "ann" and row["contractor_name"] == "Ann Lee"
    assert row["rate"]["amount"] == "1500.00" and row["rate"]["model"] == "fixed"
    bad = owner.get(f"{base}/engagements?status=finished")
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "$.status"


def test_create_opens_a_draft_with_the_contractors_currency_and_links(
    personas: Personas, owner: Client, base: str, ann: Any
):
    task = TaskFactory(workspace=personas.workspace, ref="bookkeeping")
    promise = CustomerCommitmentFactory(workspace=personas.workspace, ref="cc-launch")
    response = send(
        owner,
        "post",
        f"{base}/engagements",
        {
            "contractor": str(ann.uuid),
            "title": "Monthly books",
            "kind": "ongoing",
            "rate": {"model": "hourly", "amount": 40, "weekly_hour_cap": "10"},
            "tasks": [str(task.uuid)],
            "customer_commitment": str(promise.uuid),
            "start_on": "2026-12-01",
            "payment_terms_days": 14,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["kind"] == "ongoing" and body["ref"].startswith("e-")
    assert body["rate"] == {
        "model": "hourly",
        "currency": "EUR",
        "amount": "40.00",
        "weekly_hour_cap": "10.00",
        "retainer_included_hours": None,
        "commission_percent": None,
        "commission_base": "",
    }
    assert body["task_refs"] == ["bookkeeping"] and body["tasks"][0]["id"] == str(task.uuid)
    assert body["customer_commitment_ref"] == "cc-launch"
    assert body["brief"] == {
        "score": 0,
        "missing": body["brief"]["missing"],
        "thin": [],
        "changed_since_sent": False,
        "latest_version": None,
    }
    assert [m["part"] for m in body["brief"]["missing"]][:2] == ["goals", "deliverables"]
    assert body["communication"] is None
    entry = AuditEntry.objects.filter(action="engagement.create").latest("id")
    assert entry.face == "api" and entry.actor == personas.owner


def test_create_refuses_what_is_not_in_this_workspace_by_path(personas: Personas, owner: Client, base: str, ann: Any):
    foreign = ContractorFactory(workspace=personas.other_workspace)
    response = send(owner, "post", f"{base}/engagements", {"contractor": str(foreign.uuid), "title": "X"})
    assert response.status_code == 400
    assert errors(response) == {"$.contractor": "No such contractor in this workspace."}
    foreign_task = TaskFactory(workspace=personas.other_workspace)
    response = send(
        owner,
        "post",
        f"{base}/engagements",
        {"contractor": str(ann.uuid), "title": "X", "tasks": [str(foreign_task.uuid)]},
    )
    assert response.status_code == 400 and "$.tasks" in errors(response)
    response = send(
        owner,
        "post",
        f"{base}/engagements",
        {"contractor": str(ann.uuid), "title": "X", "rate": {"model": "commission"}},
    )
    assert response.status_code == 400
    assert errors(response) == {"$.rate.commission_percent": "A commission needs its percentage."}
    response = send(owner, "post", f"{base}/engagements", {"contractor": str(ann.uuid), "title": "X", "budget": 5})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "$.budget"
    assert not Engagement.objects.filter(workspace=personas.workspace).exists()


def test_get_shows_the_brief_score_and_plan_and_other_workspaces_are_absent(
    personas: Personas, owner: Client, base: str, ann: Any
):
    engagement = EngagementFactory(contractor=ann)
    BriefFactory(engagement=engagement)
    CommunicationPlanFactory(engagement=engagement, needs_overlap_hours=Decimal("2"))
    engagement.tasks.set(
        [TaskFactory(workspace=personas.workspace, ref="t-2"), TaskFactory(workspace=personas.workspace, ref="t-1")]
    )
    body = owner.get(f"{base}/engagements/{engagement.uuid}").json()
    assert body["brief"]["score"] == 100 and body["brief"]["missing"] == []
    assert body["task_refs"] == ["t-1", "t-2"]
    assert body["communication"]["point_person"] == "Maya Chen"
    assert body["communication"]["needs_overlap_hours"] == "2.00"
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    response = owner.get(f"{base}/engagements/{foreign.uuid}")
    assert response.status_code == 404 and response.json()["message"] == "No such engagement."


def test_patch_changes_only_what_is_sent(personas: Personas, owner: Client, base: str, ann: Any):
    promise = CustomerCommitmentFactory(workspace=personas.workspace)
    engagement = EngagementFactory(contractor=ann, customer_commitment=promise, weekly_hour_cap=Decimal("12"))
    url = f"{base}/engagements/{engagement.uuid}"
    response = send(owner, "patch", url, {"rate": {"amount": "2000"}, "customer_commitment": None})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["rate"]["amount"] == "2000.00" and body["rate"]["weekly_hour_cap"] == "12.00"
    assert body["rate"]["model"] == "fixed" and body["customer_commitment"] is None
    assert body["title"] == engagement.title
    response = send(owner, "patch", url, {"title": None})
    assert response.status_code == 400 and errors(response) == {"$.title": "This field cannot be null."}
    response = send(owner, "patch", url, {"rate": {"model": None}})
    assert response.status_code == 400 and "$.rate.model" in errors(response)
    response = send(owner, "patch", url, {"end_on": "2026-10-01"})
    assert response.status_code == 400 and errors(response) == {
        "$.end_on": "An engagement cannot end before it starts."
    }


def test_status_moves_along_the_allowed_path_and_refuses_others_with_409(
    personas: Personas, owner: Client, base: str, ann: Any
):
    engagement = EngagementFactory(contractor=ann, status="draft")
    url = f"{base}/engagements/{engagement.uuid}/status"
    response = send(owner, "post", url, {"status": "completed"})
    assert response.status_code == 409
    assert response.json()["message"] == "A draft engagement cannot become completed; next: active, terminated."
    assert errors(response) == {"$.status": "A draft engagement cannot become completed; next: active, terminated."}
    assert send(owner, "post", url, {"status": "active"}).json()["status"] == "active"
    response = send(owner, "post", url, {"status": "terminated", "reason": "The budget was cut."})
    assert response.status_code == 200
    assert response.json()["status"] == "terminated" and response.json()["ended_reason"] == "The budget was cut."
    assert send(owner, "post", url, {"status": "running"}).status_code == 422


def test_only_a_draft_is_deleted(personas: Personas, owner: Client, base: str, ann: Any):
    active = EngagementFactory(contractor=ann, status="active")
    response = owner.delete(f"{base}/engagements/{active.uuid}")
    assert response.status_code == 409 and "Only a draft engagement can be deleted" in response.json()["message"]
    draft = EngagementFactory(contractor=ann, status="draft")
    assert owner.delete(f"{base}/engagements/{draft.uuid}").status_code == 204
    assert not Engagement.objects.filter(pk=draft.pk).exists() and Engagement.objects.filter(pk=active.pk).exists()


# --- Brief -----------------------------------------------------------------------------------------


def test_the_brief_is_scored_sent_and_versioned(personas: Personas, owner: Client, base: str, ann: Any):
    engagement = EngagementFactory(contractor=ann)
    url = f"{base}/engagements/{engagement.uuid}/brief"
    empty = owner.get(url).json()
    assert empty["score"] == 0 and empty["latest_version"] is None and empty["content"]["deliverables"] == []
    assert len(empty["missing"]) == 6
    response = send(owner, "post", f"{url}/send", {})
    assert response.status_code == 409 and response.json()["message"] == "Write the brief before sending it."

    brief = {
        "goals": "Logo",
        "deliverables": ["Logo files", "Usage guide"],
        "acceptance_criteria": ["Works in black and white"],
    }
    body = send(owner, "put", url, brief).json()
    assert body["score"] == 52  # half the goals, the deliverables and the criteria
    assert [m["part"] for m in body["missing"]] == ["context", "out_of_scope", "constraints"]
    assert {t["part"] for t in body["thin"]} == {"goals", "acceptance_criteria"}

    sent = send(owner, "post", f"{url}/send", {"note": "First go"})
    assert sent.status_code == 201 and sent.json()["number"] == 1 and sent.json()["note"] == "First go"
    assert sent.json()["content"]["deliverables"] == ["Logo files", "Usage guide"]
    again = send(owner, "post", f"{url}/send", {})
    assert (
        again.status_code == 409 and again.json()["message"] == "Version 1 was sent already and nothing changed since."
    )

    changed = send(owner, "put", url, {**brief, "goals": "A logo that makes the bakery look as good as its bread."})
    assert changed.json()["changed_since_sent"] is True and changed.json()["latest_version"]["number"] == 1
    assert send(owner, "post", f"{url}/send", {}).json()["number"] == 2
    versions = owner.get(f"{url}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]
    assert owner.get(url).json()["changed_since_sent"] is False
    assert owner.get(f"{base}/engagements/{engagement.uuid}").json()["brief"]["latest_version"] == 2


def test_a_brief_put_refuses_bad_shapes(owner: Client, base: str, ann: Any):
    url = f"{base}/engagements/{EngagementFactory(contractor=ann).uuid}/brief"
    assert send(owner, "put", url, {"deliverables": "one\ntwo"}).status_code == 422
    assert send(owner, "put", url, {"deliverables": ["x"] * 101}).status_code == 422
    assert send(owner, "put", url, {"scope": "x"}).status_code == 422


# --- Communication plan ----------------------------------------------------------------------------


def test_the_plan_checks_the_needed_overlap(personas: Personas, owner: Client, base: str, ann: Any):
    # Acme works 9-17 in New York; Ann 9-17 in Chicago: 7 hours shared on every working day.
    engagement = EngagementFactory(contractor=ann)
    url = f"{base}/engagements/{engagement.uuid}/communication"
    before = owner.get(url).json()
    assert before["point_person"] == "" and before["channels"] == [] and before["cadence"] is None
    assert before["overlap"]["worst_hours"] == 7.0 and before["overlap"]["meets_needs"] is None
    plan = {
        "point_person": "Maya Chen",
        "channels": ["email", "video"],
        "important_topics_channel": "video",
        "cadence": "weekly",
        "needs_overlap_hours": 6.5,
    }
    body = send(owner, "put", url, plan).json()
    assert body["needs_overlap_hours"] == "6.50" and body["overlap"]["meets_needs"] is True
    assert body["overlap"]["worst_day"]["minutes"] == 420
    body = send(owner, "put", url, {**plan, "needs_overlap_hours": 8}).json()
    assert body["overlap"]["meets_needs"] is False
    # A value left out of a PUT is saved empty.
    body = send(owner, "put", url, {"point_person": "Sam"}).json()
    assert body["channels"] == [] and body["needs_overlap_hours"] is None and body["overlap"]["meets_needs"] is None
    response = send(owner, "put", url, {"important_topics_channel": "email"})
    assert response.status_code == 422 and response.json()["errors"][0]["path"] == "$.important_topics_channel"
    nobody = EngagementFactory(
        contractor=ContractorFactory(workspace=personas.workspace, time_zone="", work_start=None)
    )
    overlap = owner.get(f"{base}/engagements/{nobody.uuid}/communication").json()["overlap"]
    assert overlap == {"worst_day": None, "worst_hours": None, "meets_needs": None}


# --- Check-ins -------------------------------------------------------------------------------------


def test_check_ins_are_logged_changed_and_removed(personas: Personas, owner: Client, base: str, ann: Any):
    engagement = EngagementFactory(contractor=ann)
    CheckInFactory(engagement=engagement, on=dt.date(2026, 11, 2))
    url = f"{base}/engagements/{engagement.uuid}/check-ins"
    created = send(owner, "post", url, {"on": "2026-11-20", "kind": "status_request", "notes": "Where are we?"})
    assert created.status_code == 201
    body = created.json()
    assert body["kind"] == "status_request" and body["initiated_by"] == "us"
    listed = owner.get(url).json()
    assert listed["count"] == 2 and [c["on"] for c in listed["items"]] == ["2026-11-20", "2026-11-02"]
    one = f"{base}/check-ins/{body['id']}"
    assert send(owner, "patch", one, {"kind": "feedback"}).json()["kind"] == "feedback"
    assert send(owner, "patch", one, {"on": None}).status_code == 400
    assert owner.delete(one).status_code == 204
    assert owner.get(url).json()["count"] == 1


# --- Time entries ----------------------------------------------------------------------------------


def test_time_is_logged_submitted_decided_and_locked(personas: Personas, owner: Client, base: str, ann: Any):
    engagement = EngagementFactory(contractor=ann, rate_model="hourly", weekly_hour_cap=Decimal("10"))
    url = f"{base}/engagements/{engagement.uuid}/time-entries"
    created = send(owner, "post", url, {"worked_on": "2026-11-17", "hours": 3.5, "description": "Drafts"})
    assert created.status_code == 201
    entry = created.json()
    assert entry["status"] == "draft" and entry["hours"] == "3.50" and entry["locked"] is False
    one = f"{base}/time-entries/{entry['id']}"
    decided = send(owner, "post", f"{one}/decide", {"approve": True})
    assert decided.status_code == 409 and decided.json()["message"] == (
        "Only hours waiting for approval can be approved or rejected."
    )
    assert send(owner, "post", f"{one}/submit", {}).json()["status"] == "submitted"
    assert send(owner, "post", f"{one}/submit", {}).status_code == 409
    assert send(owner, "post", f"{one}/decide", {"approve": False}).status_code == 400
    rejected = send(owner, "post", f"{one}/decide", {"approve": False, "reason": "Two hours were on another task."})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "Two hours were on another task."
    changed = send(owner, "patch", one, {"hours": "1.5"})
    assert changed.json()["status"] == "draft" and changed.json()["hours"] == "1.50"
    send(owner, "post", f"{one}/submit", {})
    approved = send(owner, "post", f"{one}/decide", {"approve": True}).json()
    assert approved["status"] == "approved" and approved["locked"] is True and approved["decided_at"]
    locked = send(owner, "patch", one, {"hours": 2})
    assert locked.status_code == 409 and locked.json()["message"] == "This time entry was approved and is locked."
    assert owner.delete(one).status_code == 409
    assert TimeEntry.objects.get(uuid=entry["id"]).hours == Decimal("1.50")


def test_time_entries_are_refused_outside_the_work(personas: Personas, owner: Client, base: str, ann: Any):
    draft = EngagementFactory(contractor=ann, status="draft")
    response = send(
        owner, "post", f"{base}/engagements/{draft.uuid}/time-entries", {"worked_on": "2026-11-17", "hours": 1}
    )
    assert response.status_code == 409
    assert response.json()["message"] == "Time can only be logged on an engagement in progress."
    active = EngagementFactory(contractor=ann, start_on=dt.date(2026, 11, 10))
    url = f"{base}/engagements/{active.uuid}/time-entries"
    response = send(owner, "post", url, {"worked_on": "2026-11-09", "hours": 1})
    assert response.status_code == 400 and errors(response) == {"$.worked_on": "The engagement starts on 2026-11-10."}
    for hours in (0, 25, "1.234", "NaN"):
        assert send(owner, "post", url, {"worked_on": "2026-11-12", "hours": hours}).status_code == 422, hours
    later = (today_in(personas.workspace.time_zone) + dt.timedelta(days=1)).isoformat()
    response = send(owner, "post", url, {"worked_on": later, "hours": 1})
    assert response.status_code == 400 and "not for a day to come" in errors(response)["$.worked_on"]
    # An entry of work that has ended is neither corrected nor sent for approval: a conflict, not bad input.
    entry = TimeEntryFactory(engagement=active, status="draft", worked_on=dt.date(2026, 11, 12))
    active.status = "completed"
    active.save()
    one = f"{base}/time-entries/{entry.uuid}"
    for method, path, body in (("patch", one, {"hours": 2}), ("post", f"{one}/submit", {})):
        refused = send(owner, method, path, body)
        assert refused.status_code == 409, method
        assert refused.json()["message"] == "Time can only be logged on an engagement in progress."
    entry.refresh_from_db()
    assert (entry.status, entry.hours) == ("draft", Decimal("3.50"))


def test_time_lists_across_the_workspace_and_by_status(personas: Personas, owner: Client, base: str, ann: Any):
    first = EngagementFactory(contractor=ann, ref="e-one")
    second = EngagementFactory(contractor=ann, ref="e-two")
    TimeEntryFactory(engagement=first, status="submitted", worked_on=dt.date(2026, 11, 18))
    TimeEntryFactory(engagement=first, status="approved", worked_on=dt.date(2026, 11, 17))
    TimeEntryFactory(engagement=second, status="submitted", worked_on=dt.date(2026, 11, 16))
    TimeEntryFactory(engagement=EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace)))
    waiting = owner.get(f"{base}/time-entries?status=submitted").json()
    assert waiting["count"] == 2 and [e["engagement_ref"] for e in waiting["items"]] == ["e-one", "e-two"]
    assert owner.get(f"{base}/time-entries?engagement={second.uuid}").json()["count"] == 1
    assert owner.get(f"{base}/engagements/{first.uuid}/time-entries?status=approved").json()["count"] == 1
    assert owner.get(f"{base}/time-entries?status=late").status_code == 422


def test_hours_fill_the_weekly_cap_for_eight_weeks(personas: Personas, owner: Client, base: str, ann: Any):
    engagement = EngagementFactory(
        contractor=ann, rate_model="hourly", weekly_hour_cap=Decimal("10"), start_on=dt.date(2020, 1, 1)
    )
    monday = iso_week_start(today_in(personas.workspace.time_zone))
    TimeEntryFactory(engagement=engagement, worked_on=monday, hours=Decimal("6"), status="approved")
    TimeEntryFactory(engagement=engagement, worked_on=monday, hours=Decimal("5.5"), status="submitted")
    TimeEntryFactory(engagement=engagement, worked_on=monday, hours=Decimal("3"), status="draft")
    TimeEntryFactory(
        engagement=engagement, worked_on=monday - dt.timedelta(days=7), hours=Decimal("4"), status="approved"
    )
    TimeEntryFactory(
        engagement=engagement, worked_on=monday - dt.timedelta(weeks=8), hours=Decimal("9"), status="approved"
    )
    body = owner.get(f"{base}/engagements/{engagement.uuid}/hours").json()
    assert body["weekly_hour_cap"] == "10.00" and len(body["weeks"]) == 8
    assert body["weeks"][0]["week_start"] == (monday - dt.timedelta(weeks=7)).isoformat()
    this_week, last_week = body["weeks"][-1], body["weeks"][-2]
    assert this_week == {
        "week_start": monday.isoformat(),
        "approved": "6.00",
        "waiting": "5.50",
        "cap": "10.00",
        "left": "-1.50",
        "percent": 115,
        "over": True,
    }
    assert last_week["approved"] == "4.00" and last_week["left"] == "6.00" and last_week["over"] is False
    assert all(w["approved"] == "0" for w in body["weeks"][:-2])


# --- Ratings ---------------------------------------------------------------------------------------


def test_ratings_are_added_and_listed(personas: Personas, owner: Client, base: str, ann: Any):
    engagement = EngagementFactory(contractor=ann, status="completed")
    RatingFactory(engagement=engagement, overall=3)
    url = f"{base}/engagements/{engagement.uuid}/ratings"
    created = send(
        owner, "post", url, {"on": "2026-12-01", "overall": 5, "quality": 4, "would_rehire": True, "text": "Great."}
    )
    assert created.status_code == 201 and created.json()["shared_with_contractor"] is False
    assert [r["overall"] for r in owner.get(url).json()] == [3, 5]
    assert send(owner, "post", url, {"on": "2026-12-01", "overall": 6}).status_code == 422
    card = owner.get(f"{base}/contractors/{ann.uuid}/scorecard").json()
    assert next(p for p in card["parts"] if p["name"] == "ratings")["value"] is not None


# --- Customer commitments --------------------------------------------------------------------------


def test_commitments_crud_with_their_engagements(personas: Personas, owner: Client, base: str, ann: Any):
    url = f"{base}/commitments"
    created = send(
        owner,
        "post",
        url,
        {"ref": "cc-launch", "customer": "Bakery Co", "title": "New site", "promised_on": "2027-02-01"},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["buffer_days"] == 0 and body["status"] == "open" and body["engagements"] == []
    duplicate = send(
        owner, "post", url, {"ref": "cc-launch", "customer": "B", "title": "T", "promised_on": "2027-02-01"}
    )
    assert duplicate.status_code == 400
    assert errors(duplicate) == {"$.ref": "Another commitment already uses the ref 'cc-launch'."}
    engagement = EngagementFactory(contractor=ann, ref="e-site")
    send(owner, "patch", f"{base}/engagements/{engagement.uuid}", {"customer_commitment": body["id"]})
    one = f"{url}/{body['id']}"
    assert [e["ref"] for e in owner.get(one).json()["engagements"]] == ["e-site"]
    assert send(owner, "patch", one, {"buffer_days": 3, "status": "delivered"}).json()["buffer_days"] == 3
    assert owner.get(f"{url}?status=delivered").json()["count"] == 1
    assert owner.get(f"{url}?status=open").json()["count"] == 0
    assert send(owner, "patch", one, {"buffer_days": 400}).status_code == 422
    assert owner.delete(one).status_code == 204
    engagement.refresh_from_db()
    assert engagement.customer_commitment is None


def test_reading_roles_read_and_cannot_write(personas: Personas, base: str, ann: Any):
    engagement = EngagementFactory(contractor=ann)
    viewer = token_client(personas.viewer, personas.workspace)
    assert viewer.get(f"{base}/engagements/{engagement.uuid}/brief").status_code == 200
    response = send(viewer, "put", f"{base}/engagements/{engagement.uuid}/brief", {"goals": "x"})
    assert response.status_code == 403
    contractor = token_client(personas.contractor, personas.workspace)
    assert contractor.get(f"{base}/engagements").status_code == 403


def test_lists_take_the_same_queries_for_few_or_many_rows(personas: Personas, owner: Client, base: str, ann: Any):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    engagement = EngagementFactory(contractor=ann)
    promise = CustomerCommitmentFactory(workspace=personas.workspace)

    def rows(n: int) -> None:
        for _ in range(n):
            other = EngagementFactory(
                contractor=ContractorFactory(workspace=personas.workspace), customer_commitment=promise
            )
            CheckInFactory(engagement=engagement)
            TimeEntryFactory(engagement=other)
            CustomerCommitmentFactory(workspace=personas.workspace).engagements.add(other)

    urls = [
        f"{base}/engagements",
        f"{base}/time-entries",
        f"{base}/engagements/{engagement.uuid}/check-ins",
        f"{base}/commitments",
        f"{base}/engagements/{engagement.uuid}/hours",
    ]

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
