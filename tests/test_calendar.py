"""The calendar feed: one secret address per person with their due dates across workspaces, parsed
back with icalendar. A contractor sees only their own milestones; a reset kills the old address."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from outsourcer.accounts.models import Role
from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from outsourcer.reminders.models import CalendarFeed
from outsourcer.reminders.services import calendar_feed_create, calendar_feed_delete, calendar_feed_touch
from tests.conftest import Personas
from tests.factories import (
    ContractorFactory,
    CustomerCommitmentFactory,
    EngagementFactory,
    MembershipFactory,
    MilestoneFactory,
    WorkspaceFactory,
)

BASE = "https://outsourcer.example.test"
pytestmark = pytest.mark.usefixtures("base_url")


@pytest.fixture
def base_url():
    with override_settings(BASE_URL=BASE):
        yield


def world(p: Personas) -> dict:
    """Acme: the contractor persona's engagement (and a draft one), another contractor's, a customer promise;
    Other Co (where the owner is no member) has a milestone too."""
    ws = p.workspace
    rosa = ContractorFactory(workspace=ws, name="Rosa Lind", portal_user=p.contractor)
    ben = ContractorFactory(workspace=ws, name="Ben Ode")
    promise = CustomerCommitmentFactory(
        workspace=ws, customer="Northwind", title="New website", promised_on=dt.date(2027, 1, 29)
    )
    mine = EngagementFactory(contractor=rosa, title="Website copy", status="active", customer_commitment=promise)
    rows = {
        "rosa": MilestoneFactory(engagement=mine, title="Home page draft", due_on=dt.date(2027, 1, 15)),
        "rosa_cancelled": MilestoneFactory(engagement=mine, due_on=dt.date(2027, 1, 16), status="cancelled"),
        "rosa_draft": MilestoneFactory(
            engagement=EngagementFactory(contractor=rosa, status="draft"), title="Next job", due_on=dt.date(2027, 2, 1)
        ),
        "ben": MilestoneFactory(
            engagement=EngagementFactory(contractor=ben, title="Bookkeeping", status="active"),
            title="January books",
            due_on=dt.date(2027, 2, 5),
            status="accepted",
        ),
        "promise": promise,
        "foreign": MilestoneFactory(
            engagement=EngagementFactory(contractor=ContractorFactory(workspace=p.other_workspace)),
            due_on=dt.date(2027, 1, 20),
        ),
    }
    return rows


def feed_url(user) -> str:
    _feed, raw = calendar_feed_create(actor=Actor.cli(user), user=user)
    return f"/calendar/{raw}.ics"


def fetch(url: str) -> Calendar:
    response = Client().get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_an_owner_sees_every_milestone_and_promise_of_their_workspace(personas):
    rows = world(personas)
    calendar = fetch(feed_url(personas.owner))
    assert str(calendar["X-WR-CALNAME"]) == "Outsourcer: due dates"
    found = events(calendar)
    expected = {f"{rows[k].uuid}@outsourcer" for k in ("rosa", "rosa_draft", "ben", "promise")}
    assert set(found) == expected  # not the cancelled one, nor Other Co's

    due = found[f"{rows['rosa'].uuid}@outsourcer"]
    assert due.decoded("DTSTART") == dt.date(2027, 1, 15)  # an all-day event: a date, not a time
    assert not isinstance(due.decoded("DTSTART"), dt.datetime)
    assert due.decoded("DTEND") == dt.date(2027, 1, 16)
    assert str(due["SUMMARY"]) == "Due: Home page draft (Rosa Lind)"
    ws = personas.workspace
    link = f"{BASE}/w/{ws.uuid}/milestones/{rows['rosa'].uuid}/"
    assert str(due["URL"]) == link
    description = str(due["DESCRIPTION"])
    assert "Engagement: Website copy" in description and "Contractor: Rosa Lind" in description
    assert "Workspace: Acme Design" in description and description.endswith(link)

    promise = found[f"{rows['promise'].uuid}@outsourcer"]
    assert str(promise["SUMMARY"]) == "Promised to Northwind: New website"
    assert promise.decoded("DTSTART") == dt.date(2027, 1, 29)
    assert str(promise["URL"]) == f"{BASE}/w/{ws.uuid}/commitments/{rows['promise'].uuid}/"


def test_a_contractor_sees_only_their_own_milestones(personas):
    rows = world(personas)
    found = events(fetch(feed_url(personas.contractor)))
    # Not Ben's milestone, not the customer's promise, not a draft the portal does not show yet.
    assert set(found) == {f"{rows['rosa'].uuid}@outsourcer"}
    event = found[f"{rows['rosa'].uuid}@outsourcer"]
    assert str(event["SUMMARY"]) == "Due: Home page draft"
    assert str(event["URL"]) == f"{BASE}/w/{personas.workspace.uuid}/portal/milestones/{rows['rosa'].uuid}/"
    assert "Contractor:" not in str(event["DESCRIPTION"])
    assert "Ben" not in str(fetch(feed_url(personas.contractor)).to_ical())


def test_a_viewer_sees_the_business_dates_and_a_member_of_two_workspaces_sees_both(personas):
    rows = world(personas)
    beta = WorkspaceFactory(name="Beta")
    MembershipFactory(workspace=beta, user=personas.viewer, role=Role.CONTRACTOR)
    theirs = ContractorFactory(workspace=beta, portal_user=personas.viewer)
    beta_due = MilestoneFactory(
        engagement=EngagementFactory(contractor=theirs, status="paused"), title="Beta logo", due_on=dt.date(2027, 3, 1)
    )
    MilestoneFactory(engagement=EngagementFactory(contractor=ContractorFactory(workspace=beta)))  # someone else's
    found = events(fetch(feed_url(personas.viewer)))
    expected = {f"{rows[k].uuid}@outsourcer" for k in ("rosa", "rosa_draft", "ben", "promise")}
    assert set(found) == expected | {f"{beta_due.uuid}@outsourcer"}
    # With more than one workspace, each summary says which.
    assert str(found[f"{beta_due.uuid}@outsourcer"]["SUMMARY"]) == "Due: Beta logo · Beta"
    assert str(found[f"{rows['ben'].uuid}@outsourcer"]["SUMMARY"]) == "Due: January books (Ben Ode) · Acme Design"


def test_uids_are_stable_and_the_feed_follows_changes(personas):
    rows = world(personas)
    url = feed_url(personas.owner)
    before = events(fetch(url))
    rows["rosa"].due_on = dt.date(2027, 1, 22)
    rows["rosa"].save()
    after = events(fetch(url))
    assert set(after) == set(before)
    assert after[f"{rows['rosa'].uuid}@outsourcer"].decoded("DTSTART") == dt.date(2027, 1, 22)


def test_reset_makes_a_new_address_and_the_old_one_stops_at_once(personas):
    world(personas)
    old = feed_url(personas.owner)
    assert Client().get(old).status_code == 200
    new = feed_url(personas.owner)  # the reset
    assert new != old
    gone = Client().get(old)
    assert gone.status_code == 404
    assert gone["Content-Type"] == "text/plain; charset=utf-8"
    assert Client().get(new).status_code == 200
    assert CalendarFeed.objects.filter(user=personas.owner).count() == 1
    assert [e.action for e in AuditEntry.objects.filter(object_type="reminders.calendarfeed").order_by("id")] == [
        "calendar_feed.create",
        "calendar_feed.reset",
    ]
    assert calendar_feed_delete(actor=Actor.cli(), user=personas.owner)
    assert Client().get(new).status_code == 404


def test_only_the_hash_of_the_token_is_kept(personas):
    url = feed_url(personas.owner)
    raw = url.removeprefix("/calendar/").removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=personas.owner)
    assert feed.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(feed.prefix + "_") and len(raw) > 40
    stored = [str(v) for v in CalendarFeed.objects.values_list().get()]
    stored += [str(v) for e in AuditEntry.objects.all() for v in (e.changes, e.object_repr)]
    assert not any(raw in value for value in stored)


@pytest.mark.parametrize(
    "token",
    ["nope", "x" * 5000, "ünïcödé", "%00", "abc.ics", "' OR 1=1 --", "a%2Fb", "..%2F..%2Fetc%2Fpasswd"],
)
def test_unknown_or_odd_tokens_are_404_never_500(personas, token):
    feed_url(personas.owner)
    response = Client().get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    if "%2F" not in token:  # a slash never reaches the feed: it is the site's own "not found" page
        assert response["Cache-Control"] == "no-store"
        assert response.content == b"No such calendar.\n"


def test_a_deactivated_user_s_feed_stops(personas):
    url = feed_url(personas.owner)
    personas.owner.is_active = False
    personas.owner.save()
    assert Client().get(url).status_code == 404


def test_the_feed_only_answers_reads(personas):
    url = feed_url(personas.owner)
    assert Client().post(url).status_code == 405
    assert Client().head(url).status_code == 200


def test_odd_titles_are_escaped_not_broken(personas):
    ws = personas.workspace
    engagement = EngagementFactory(contractor=ContractorFactory(workspace=ws, name="Zoë; Co, Ltd"), status="active")
    title = "Part 1, part 2; notes\\n \u2014 \U0001f680 BEGIN:VEVENT"
    milestone = MilestoneFactory(engagement=engagement, title=title, due_on=dt.date(2027, 1, 15))
    found = events(fetch(feed_url(personas.owner)))
    assert str(found[f"{milestone.uuid}@outsourcer"]["SUMMARY"]) == f"Due: {title} (Zoë; Co, Ltd)"
    assert len(found) == 1


def test_the_last_day_of_the_calendar_is_an_event_not_a_500(personas):
    ws = personas.workspace
    engagement = EngagementFactory(contractor=ContractorFactory(workspace=ws), status="active")
    far = MilestoneFactory(engagement=engagement, title="Someday", due_on=dt.date.max)
    promise = CustomerCommitmentFactory(workspace=ws, title="Forever", promised_on=dt.date.max)
    near = MilestoneFactory(engagement=engagement, title="Soon", due_on=dt.date(2027, 1, 15))
    found = events(fetch(feed_url(personas.owner)))
    for row in (far, promise):
        event = found[f"{row.uuid}@outsourcer"]
        # No day follows it to end on: an all-day event without an end lasts its one day (RFC 5545).
        assert event.decoded("DTSTART") == dt.date(9999, 12, 31) and "DTEND" not in event
    assert found[f"{near.uuid}@outsourcer"].decoded("DTEND") == dt.date(2027, 1, 16)


def test_last_used_is_noted_at_most_once_a_minute(personas):
    url = feed_url(personas.owner)
    feed = CalendarFeed.objects.get(user=personas.owner)
    assert feed.last_used_at is None
    Client().get(url)
    first = CalendarFeed.objects.get(pk=feed.pk).last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as ctx:
        Client().get(url)
    assert not [q for q in ctx.captured_queries if q["sql"].startswith("UPDATE")]
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == first
    feed.refresh_from_db()
    calendar_feed_touch(feed=feed, now=first + dt.timedelta(seconds=61))
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == first + dt.timedelta(seconds=61)


def test_the_feed_costs_the_same_queries_for_few_or_many_dates(personas):
    url = feed_url(personas.owner)
    other = WorkspaceFactory(name="Gamma")
    MembershipFactory(workspace=other, user=personas.owner, role=Role.CONTRACTOR)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for ws in (personas.workspace, other):
            contractor = ContractorFactory(workspace=ws, portal_user=personas.owner)
            for _ in range(n):
                engagement = EngagementFactory(contractor=contractor, status="active")
                MilestoneFactory(engagement=engagement, due_on=timezone.now().date() + dt.timedelta(days=3))
                CustomerCommitmentFactory(workspace=ws, promised_on=timezone.now().date())

    add(2)
    count()  # the first read notes the feed's use; later ones within the minute do not write
    small = count()
    add(20)
    assert count() == small <= 6
