"""Reminders about risks and access: a risk whose review date has come, access ending within a week or left
open after its engagement ended, an exit plan of running work not reviewed for 180 days. Each reaches the
business's owners and managers once per occasion, as every other reminder does (digest preference too)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from outsourcer.reminders.models import Delivery, ReminderPreference, ReminderSent
from outsourcer.reminders.services import Kind, reminder_key, reminders_planned, reminders_send
from outsourcer.risk.models import ExitPlan
from outsourcer.risk.schemas_access import EXIT_REVIEW_DAYS, EXPIRING_DAYS
from tests.conftest import Personas
from tests.factories import (
    AccessGrantFactory,
    ContractorFactory,
    EngagementFactory,
    ExitPlanFactory,
    RiskFactory,
)

# Every test commits for real (its own transactions), so emails leave after commit as in production.
pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2027, 1, 13)
BUSINESS = ("manager@acme.test", "owner@acme.test")
RISK_KINDS = {Kind.RISK_REVIEW, Kind.ACCESS_EXPIRING, Kind.ACCESS_LEFT_OPEN, Kind.EXIT_PLAN_REVIEW}


def planned(p: Personas, day: dt.date = TODAY) -> dict[str, list[str]]:
    """Each of the new kinds planned on `day`: kind -> the recipients, sorted."""
    found: dict[str, list[str]] = {}
    for r in reminders_planned(workspace=p.workspace, today=day):
        if r.kind in RISK_KINDS:
            found.setdefault(r.kind, []).append(r.recipient)
    return {kind: sorted(who) for kind, who in found.items()}


@pytest.fixture
def engagement(personas: Personas):
    contractor = ContractorFactory(workspace=personas.workspace, name="Rosa Díaz", stage="approved", email="")
    return EngagementFactory(contractor=contractor, title="Website copy", status="active", start_on=None)


def test_a_risk_review_reaches_the_business_once_on_its_date(personas, engagement):
    risk = RiskFactory(engagement=engagement, title="Only Rosa knows the CMS", review_on=TODAY + dt.timedelta(days=1))
    RiskFactory(engagement=engagement, review_on=TODAY - dt.timedelta(days=5), status="closed")
    assert planned(personas) == {}

    day = TODAY + dt.timedelta(days=1)
    assert planned(personas, day) == {Kind.RISK_REVIEW: list(BUSINESS)}
    assert reminders_send(workspace=personas.workspace, today=day).sent == 2
    message = mail.outbox[0]
    assert message.subject == "[Acme Design] Risk review due today: Only Rosa knows the CMS"
    assert f"/risks/{risk.uuid}/" in message.body and "likelihood 2 x impact 3" in message.body
    later = day + dt.timedelta(days=3)
    assert reminders_send(workspace=personas.workspace, today=later).sent == 0  # the same review date
    assert ReminderSent.objects.filter(key=reminder_key("risk_review", risk.uuid, day, "owner@acme.test")).exists()

    risk.review_on = later + dt.timedelta(days=30)  # reviewed: the next date is a new occasion
    risk.save()
    assert reminders_send(workspace=personas.workspace, today=later + dt.timedelta(days=30)).sent == 2


def test_access_ending_within_a_week_is_reminded_once(personas, engagement):
    ending = AccessGrantFactory(
        engagement=engagement, system="Webflow", granted_on=TODAY, expires_on=TODAY + dt.timedelta(days=EXPIRING_DAYS)
    )
    AccessGrantFactory(
        engagement=engagement, system="CMS", granted_on=TODAY, expires_on=TODAY + dt.timedelta(days=EXPIRING_DAYS + 1)
    )
    AccessGrantFactory(engagement=engagement, granted_on=TODAY, expires_on=TODAY, revoked_on=TODAY)
    assert planned(personas) == {Kind.ACCESS_EXPIRING: list(BUSINESS)}

    assert reminders_send(workspace=personas.workspace, today=TODAY).sent == 2
    message = mail.outbox[0]
    assert message.subject == "[Acme Design] Access ends in 7 days, on Wed 20 Jan 2027: Webflow of Rosa Díaz"
    assert f"/engagements/{engagement.uuid}/exit/" in message.body
    # Three days on, Webflow is not reminded again; the CMS, now within the week, is.
    assert reminders_send(workspace=personas.workspace, today=TODAY + dt.timedelta(days=3)).sent == 2
    assert {m.subject.split(": ")[-1] for m in mail.outbox[2:]} == {"CMS of Rosa Díaz"}
    key = reminder_key("access_expiring", ending.uuid, ending.expires_on, "manager@acme.test")
    assert ReminderSent.objects.filter(key=key, state="sent").exists()


def test_access_left_open_is_reminded_once_per_grant(personas, engagement):
    ended = EngagementFactory(contractor=engagement.contractor, title="Shop photos", status="completed")
    shop = AccessGrantFactory(
        engagement=ended, system="Shopify", shared_credential=True, granted_on=dt.date(2026, 10, 1), expires_on=None
    )
    # Ending within the week but on an ended engagement: left open, not "ending".
    AccessGrantFactory(
        engagement=ended, system="Dropbox", granted_on=dt.date(2026, 10, 1), expires_on=TODAY + dt.timedelta(days=2)
    )
    payroll = AccessGrantFactory(
        engagement=engagement,
        system="Payroll",
        granted_on=dt.date(2026, 10, 1),
        expires_on=TODAY - dt.timedelta(days=1),
    )
    assert planned(personas) == {Kind.ACCESS_LEFT_OPEN: sorted(BUSINESS * 3)}

    assert reminders_send(workspace=personas.workspace, today=TODAY).sent == 6
    subjects = sorted({m.subject for m in mail.outbox})
    assert subjects == [f"[Acme Design] Access left open: {s} of Rosa Díaz" for s in ("Dropbox", "Payroll", "Shopify")]
    shopify = next(m for m in mail.outbox if "Shopify" in m.subject)
    assert "although the engagement is completed" in shopify.body and "change its password too" in shopify.body
    late = next(m for m in mail.outbox if "Payroll" in m.subject)
    assert "although the access was to end on Tue 12 Jan 2027" in late.body
    # Days pass with nothing done: no new email; the keys name the day each should have closed.
    assert reminders_send(workspace=personas.workspace, today=TODAY + dt.timedelta(days=10)).sent == 0
    assert ReminderSent.objects.filter(
        key=reminder_key("access_left_open", payroll.uuid, payroll.expires_on, "owner@acme.test")
    ).exists()
    assert ReminderSent.objects.filter(
        key=reminder_key("access_left_open", shop.uuid, shop.granted_on, "owner@acme.test")
    ).exists()
    shop.revoked_on = TODAY
    shop.save()
    assert Kind.ACCESS_LEFT_OPEN in planned(personas)  # Dropbox and Payroll remain
    assert len(planned(personas)[Kind.ACCESS_LEFT_OPEN]) == 4


def test_an_exit_plan_not_reviewed_for_180_days_on_running_work(personas, engagement):
    last = TODAY - dt.timedelta(days=EXIT_REVIEW_DAYS - 1)
    plan = ExitPlanFactory(engagement=engagement, reviewed_on=last)
    done = EngagementFactory(contractor=engagement.contractor, status="completed")
    ExitPlanFactory(engagement=done, reviewed_on=dt.date(2025, 1, 1))
    assert planned(personas) == {}

    day = TODAY + dt.timedelta(days=1)
    assert planned(personas, day) == {Kind.EXIT_PLAN_REVIEW: list(BUSINESS)}
    assert reminders_send(workspace=personas.workspace, today=day).sent == 2
    assert mail.outbox[0].subject == "[Acme Design] Exit plan not reviewed for 180 days: Website copy"
    assert f"last reviewed on {last:%a} {last.day} {last:%b %Y}" in mail.outbox[0].body
    assert reminders_send(workspace=personas.workspace, today=day + dt.timedelta(days=20)).sent == 0

    # Never reviewed: counted from the day it was written.
    paused = EngagementFactory(contractor=engagement.contractor, title="Paused job", status="paused", start_on=None)
    unreviewed = ExitPlanFactory(engagement=paused, reviewed_on=None)
    written = timezone.now() - dt.timedelta(days=400)
    ExitPlan.objects.filter(pk=unreviewed.pk).update(created_at=written)
    mail.outbox.clear()
    assert reminders_send(workspace=personas.workspace, today=day + dt.timedelta(days=20)).sent == 2
    assert "and never reviewed since" in mail.outbox[0].body
    plan.reviewed_on = day
    plan.save()
    assert Kind.EXIT_PLAN_REVIEW in planned(personas, day + dt.timedelta(days=21))  # the paused job's, still
    assert len(planned(personas, day + dt.timedelta(days=21))[Kind.EXIT_PLAN_REVIEW]) == 2


def test_these_reminders_follow_each_person_s_preference(personas, engagement):
    ReminderPreference.objects.create(workspace=personas.workspace, user=personas.manager, delivery=Delivery.DAILY)
    ReminderPreference.objects.create(workspace=personas.workspace, user=personas.owner, delivery=Delivery.OFF)
    RiskFactory(engagement=engagement, review_on=TODAY)
    result = reminders_send(workspace=personas.workspace, today=TODAY)
    assert (result.sent, result.digest, result.off) == (0, 1, 1)
    assert ReminderSent.objects.get(recipient="manager@acme.test").state == "digest"
    assert reminders_send(workspace=personas.workspace, today=TODAY).digest == 0  # kept once


def test_nothing_is_planned_in_another_workspace_s_name(personas):
    foreign = EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace), status="completed")
    AccessGrantFactory(engagement=foreign, granted_on=dt.date(2026, 10, 1))
    RiskFactory(engagement=foreign, review_on=TODAY)
    assert planned(personas) == {}
