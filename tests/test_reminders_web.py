"""The reminder settings page: each member's own delivery preference and calendar feed."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from outsourcer.audit.models import AuditEntry
from outsourcer.reminders.models import CalendarFeed, ReminderPreference, ReminderSent
from tests.conftest import login_client


def page(personas) -> str:
    return reverse("reminders:settings", kwargs={"ws": personas.workspace.uuid})


def feed_path(html: str) -> str:
    match = re.search(r'id="feed-url">https?://[^/]+(/calendar/[^<]+\.ics)</code>', html)
    assert match, "the new calendar address is shown"
    return match.group(1)


@pytest.mark.parametrize(
    ("persona", "lines"),
    [
        ("owner", 6),
        ("manager", 6),
        ("contractor", 2),
    ],
)
def test_members_who_get_reminders_see_what_and_can_choose_how(personas, persona, lines):
    response = login_client(personas.user(persona)).get(page(personas))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Reminders</h1>" in html
    assert len(response.context["what_you_get"]) == lines
    if persona != "contractor":  # invoices to pay reach the business only
        assert "An approved or scheduled invoice due to be paid within 3 days." in response.context["what_you_get"]
    assert 'name="delivery" value="each"' in html and "checked" in html
    assert "As they happen" in html and "One daily digest" in html and "Never" in html
    assert 'aria-current="page">Reminders</a>' in html  # in the sidebar, for contractors too
    assert "You have no calendar feed yet." in html


def test_a_contractor_is_told_only_about_their_own_work(personas):
    html = login_client(personas.contractor).get(page(personas)).content.decode()
    assert "A milestone of yours due within 3 days" in html
    assert "waiting for approval" not in html and "check-in" not in html
    assert "the milestones of your own engagements" in html


def test_a_viewer_gets_no_reminder_emails_and_is_told_so(personas):
    html = login_client(personas.viewer).get(page(personas)).content.decode()
    assert "As a viewer you get no reminder emails in Acme Design" in html
    assert 'name="delivery"' not in html
    assert "Create my calendar feed" in html


def test_saving_the_preference(personas):
    client = login_client(personas.manager)
    response = client.post(page(personas), {"action": "preference", "delivery": "daily"}, follow=True)
    assert response.redirect_chain == [(page(personas), 302)]
    assert "Reminders: one daily digest. Saved." in response.content.decode()
    assert ReminderPreference.objects.get(user=personas.manager, workspace=personas.workspace).delivery == "daily"
    assert 'value="daily" required id="id_delivery_1" checked' in response.content.decode()
    assert AuditEntry.objects.filter(action="reminders.preference", actor=personas.manager).exists()


def test_a_bad_choice_is_a_400_with_the_reason(personas):
    client = login_client(personas.owner)
    response = client.post(page(personas), {"action": "preference", "delivery": "hourly"})
    assert response.status_code == 400
    assert "Select a valid choice. hourly is not one of the available choices." in response.content.decode()
    assert not ReminderPreference.objects.exists()
    response = client.post(page(personas), {})
    assert response.status_code == 400
    assert "Nothing to change" in response.content.decode()


def test_create_shows_the_address_once_then_only_its_start(personas):
    client = login_client(personas.contractor)
    response = client.post(page(personas), {"action": "feed_create"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    path = feed_path(html)
    assert "copy it now" in html
    assert Client().get(path).status_code == 200

    again = client.get(page(personas)).content.decode()
    feed = CalendarFeed.objects.get(user=personas.contractor)
    assert path not in again and 'id="feed-url"' not in again
    assert f"…/calendar/{feed.prefix}_…" in again
    assert "Reset the address" in again and "Turn off" in again


def test_reset_and_turn_off_from_the_page(personas):
    client = login_client(personas.owner)
    first = feed_path(client.post(page(personas), {"action": "feed_create"}).content.decode())
    second = feed_path(client.post(page(personas), {"action": "feed_reset"}).content.decode())
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    response = client.post(page(personas), {"action": "feed_delete"}, follow=True)
    assert "Calendar feed turned off. Its address no longer works." in response.content.decode()
    assert Client().get(second).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_the_feed_belongs_to_the_person_not_the_workspace(personas):
    """The owner's reset in one workspace is their feed everywhere; another member's feed is untouched."""
    owner = login_client(personas.owner)
    manager = login_client(personas.manager)
    mine = feed_path(owner.post(page(personas), {"action": "feed_create"}).content.decode())
    theirs = feed_path(manager.post(page(personas), {"action": "feed_create"}).content.decode())
    owner.post(page(personas), {"action": "feed_reset"})
    assert Client().get(mine).status_code == 404
    assert Client().get(theirs).status_code == 200


def test_the_latest_reminders_to_me_are_listed(personas):
    ws = personas.workspace
    ReminderSent.objects.create(
        workspace=ws,
        key="a",
        kind="overdue",
        recipient="owner@acme.test",
        subject_line="[Acme Design] Overdue since Sun 10 Jan 2027: Case studies",
        body="…",
        state="sent",
    )
    ReminderSent.objects.create(
        workspace=ws, key="b", kind="silence", recipient="manager@acme.test", subject_line="Not mine", body="…"
    )
    html = login_client(personas.owner).get(page(personas)).content.decode()
    assert "Overdue since Sun 10 Jan 2027: Case studies" in html and "Milestone overdue" in html
    assert "Not mine" not in html
