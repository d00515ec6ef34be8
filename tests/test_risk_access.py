"""Leaving well: exit plans, access grants, the access register with its alert, and the offboarding checklist;
the services and selectors they stand on, then the pages (forms, who may do what, other workspaces)."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from outsourcer.core.timezones import today_in
from outsourcer.payments.services import invoice_create, invoice_set_status
from outsourcer.risk.models import AccessGrant, ExitPlan, OffboardingStep
from outsourcer.risk.schemas_access import EXPIRING_DAYS, grant_state
from outsourcer.risk.selectors import access_left_open, offboarding_checklist
from outsourcer.risk.services import (
    access_grant_create,
    access_revoke_all,
    exit_plan_save,
    offboarding_tick,
    offboarding_untick,
)
from tests.conftest import Personas, login_client
from tests.factories import (
    AccessGrantFactory,
    ContractorFactory,
    EngagementFactory,
    ExitPlanFactory,
    RatingFactory,
)

ACTOR = Actor.cli()
DAY = dt.date(2026, 11, 1)


def words(response) -> str:
    """The page's text without tags, spaces squeezed: what a reader sees."""
    return " ".join(re.sub(r"<[^>]+>", " ", html.unescape(response.content.decode())).split())


def url(name: str, personas: Personas, **kwargs: object) -> str:
    return reverse(f"risk:{name}", kwargs={"ws": personas.workspace.uuid, **kwargs})


@pytest.fixture
def today(personas: Personas) -> dt.date:
    return today_in(personas.workspace.time_zone)


@pytest.fixture
def owner(personas: Personas) -> Client:
    return login_client(personas.owner)


@pytest.fixture
def viewer(personas: Personas) -> Client:
    return login_client(personas.viewer)


@pytest.fixture
def engagement(personas: Personas):
    contractor = ContractorFactory(workspace=personas.workspace, name="Rosa Díaz", stage="approved")
    return EngagementFactory(contractor=contractor, title="Website copy", status="active")


# --- Exit plans -----------------------------------------------------------------------------------------


def test_an_exit_plan_hands_over_only_to_another_approved_contractor_of_the_workspace(personas, engagement):
    ws = personas.workspace
    vetting = ContractorFactory(workspace=ws, name="Vic Vetting", stage="vetting")
    elsewhere = ContractorFactory(workspace=personas.other_workspace, stage="approved")
    for other, words_ in (
        (vetting, "not approved yet"),
        (engagement.contractor, "someone other than the engagement's contractor"),
        (elsewhere, "this workspace's contractors"),
        (None, "Choose the contractor"),
    ):
        with pytest.raises(ValidationError) as exc:
            exit_plan_save(
                actor=ACTOR, engagement=engagement, data={"handover_kind": "contractor", "handover_contractor": other}
            )
        assert words_ in " ".join(exc.value.message_dict["handover_contractor"])
    assert not ExitPlan.objects.exists()

    preferred = ContractorFactory(workspace=ws, name="Pia Preferred", stage="preferred")
    plan = exit_plan_save(
        actor=ACTOR, engagement=engagement,
        data={"steps": "Export", "handover_kind": "contractor", "handover_contractor": preferred},
    )  # fmt: skip
    assert plan.handover_contractor == preferred
    assert AuditEntry.objects.filter(action="exit_plan.create").count() == 1


def test_a_person_needs_a_name_and_changing_the_kind_clears_the_other_fields(personas, engagement):
    with pytest.raises(ValidationError) as exc:
        exit_plan_save(actor=ACTOR, engagement=engagement, data={"handover_kind": "person", "handover_person": "  "})
    assert "handover_person" in exc.value.message_dict
    plan = exit_plan_save(
        actor=ACTOR, engagement=engagement, data={"handover_kind": "person", "handover_person": "Maya Chen"}
    )
    assert plan.handover_person == "Maya Chen"
    plan = exit_plan_save(actor=ACTOR, engagement=engagement, data={"handover_kind": "in_house"})
    assert plan.handover_person == "" and plan.handover_contractor is None
    assert ExitPlan.objects.filter(engagement=engagement).count() == 1  # one plan, changed


# --- Access grants and the register's selectors ---------------------------------------------------------


def test_grant_state_and_the_expiring_window():
    grant = AccessGrant(granted_on=DAY)
    assert grant_state(grant, DAY) == "open"
    grant.expires_on = DAY + dt.timedelta(days=EXPIRING_DAYS)
    assert grant_state(grant, DAY) == "expires_soon"
    assert grant_state(grant, DAY - dt.timedelta(days=1)) == "open"
    assert grant_state(grant, grant.expires_on) == "expires_soon"  # its last day
    assert grant_state(grant, grant.expires_on + dt.timedelta(days=1)) == "expired"
    grant.revoked_on = DAY
    assert grant_state(grant, grant.expires_on + dt.timedelta(days=1)) == "revoked"


def test_access_left_open_is_open_access_on_ended_engagements_or_past_its_end_date(personas, engagement):
    ws = personas.workspace
    on = dt.date(2026, 12, 1)
    ended = EngagementFactory(contractor=engagement.contractor, status="completed")
    terminated = EngagementFactory(contractor=engagement.contractor, status="terminated")
    left = {
        AccessGrantFactory(engagement=ended, system="CMS", expires_on=None),
        AccessGrantFactory(engagement=terminated, system="Bank", expires_on=on + dt.timedelta(days=30)),
        AccessGrantFactory(engagement=engagement, system="Expired", expires_on=on - dt.timedelta(days=1)),
    }
    AccessGrantFactory(engagement=ended, system="Revoked", revoked_on=on)
    AccessGrantFactory(engagement=engagement, system="Ends today", expires_on=on)
    AccessGrantFactory(engagement=engagement, system="No end", expires_on=None)
    AccessGrantFactory(
        engagement=EngagementFactory(
            contractor=ContractorFactory(workspace=personas.other_workspace), status="completed"
        )
    )
    assert set(access_left_open(workspace=ws, today=on)) == left


def test_revoking_all_closes_only_this_engagement_s_open_grants(personas, engagement):
    late = AccessGrantFactory(engagement=engagement, granted_on=dt.date(2026, 12, 5))
    early = AccessGrantFactory(engagement=engagement, granted_on=DAY)
    done = AccessGrantFactory(engagement=engagement, revoked_on=dt.date(2026, 11, 10))
    other = AccessGrantFactory(engagement=EngagementFactory(contractor=engagement.contractor))

    assert access_revoke_all(actor=ACTOR, engagement=engagement, on=dt.date(2026, 12, 1)) == 2
    for grant in (late, early, done, other):
        grant.refresh_from_db()
    assert early.revoked_on == dt.date(2026, 12, 1)
    assert late.revoked_on == late.granted_on  # never before it was granted
    assert done.revoked_on == dt.date(2026, 11, 10)  # the first date stays
    assert other.revoked_on is None
    assert AuditEntry.objects.filter(action="access.update").count() == 2
    assert access_revoke_all(actor=ACTOR, engagement=engagement) == 0


def test_a_grant_cannot_end_or_be_revoked_before_it_was_granted(engagement):
    for field in ("expires_on", "revoked_on"):
        with pytest.raises(ValidationError) as exc:
            access_grant_create(
                actor=ACTOR, engagement=engagement,
                data={"system": "CMS", "granted_on": DAY, field: DAY - dt.timedelta(days=1)},
            )  # fmt: skip
        assert field in exc.value.message_dict


# --- The offboarding checklist --------------------------------------------------------------------------


def test_the_checklist_reads_access_and_rating_from_the_data_and_the_rest_from_ticks(personas, engagement):
    grant = AccessGrantFactory(engagement=engagement, system="CMS")
    with pytest.raises(ValidationError) as exc:
        offboarding_tick(actor=ACTOR, engagement=engagement, step="data")
    assert "completed or terminated" in " ".join(exc.value.messages)

    engagement.status = "completed"
    engagement.save()
    states = {i.key: i.done for i in offboarding_checklist(engagement=engagement)}
    assert states == {
        "access": False, "data": False, "assets": False, "final_invoice": False, "handover": False, "rating": False,
    }  # fmt: skip
    with pytest.raises(ValidationError):
        offboarding_tick(actor=ACTOR, engagement=engagement, step="coffee")

    offboarding_tick(actor=ACTOR, engagement=engagement, step="data", note="Files are back")
    offboarding_tick(actor=ACTOR, engagement=engagement, step="data")  # twice: still one tick
    access_revoke_all(actor=ACTOR, engagement=engagement, on=dt.date(2026, 12, 1))
    RatingFactory(engagement=engagement)
    items = {i.key: i for i in offboarding_checklist(engagement=engagement)}
    assert [k for k, i in items.items() if i.done] == ["access", "data", "rating"]
    assert "Files are back" in items["data"].detail
    assert OffboardingStep.objects.filter(engagement=engagement).count() == 1
    grant.refresh_from_db()
    assert grant.revoked_on == dt.date(2026, 12, 1)

    assert offboarding_untick(actor=ACTOR, engagement=engagement, step="data") is True
    assert offboarding_untick(actor=ACTOR, engagement=engagement, step="data") is False
    assert not {i.key: i.done for i in offboarding_checklist(engagement=engagement)}["data"]


# --- The exit page --------------------------------------------------------------------------------------


def test_the_exit_page_saves_a_plan_and_lists_the_engagement_s_access(personas, owner, engagement):
    ws = personas.workspace
    pool = ContractorFactory(workspace=ws, name="Pia Preferred", stage="preferred")
    ContractorFactory(workspace=ws, name="Vic Vetting", stage="vetting")
    AccessGrantFactory(engagement=engagement, system="Webflow editor", shared_credential=True)
    AccessGrantFactory(engagement=EngagementFactory(contractor=engagement.contractor), system="Elsewhere")
    page = owner.get(url("exit", personas, engagement=engagement.uuid))
    assert page.status_code == 200
    text = words(page)
    assert "Webflow editor" in text and "Shared login" in text and "Elsewhere" not in text
    choices = page.context["form"].fields["handover_contractor"].choices
    assert [label for _value, label in choices] == ["Choose a contractor", "Pia Preferred (Preferred)"]
    assert "offboarding" not in page.content.decode()  # no banner while it runs

    response = owner.post(
        url("exit", personas, engagement=engagement.uuid),
        {"steps": "Export the site\nClose the editor seat", "handover_kind": "contractor",
         "handover_contractor": str(pool.uuid), "data_return": "yes", "reviewed_on": "2026-11-20"},
    )  # fmt: skip
    assert response.status_code == 302
    plan = ExitPlan.objects.get(engagement=engagement)
    assert (plan.handover_contractor, plan.data_return, plan.reviewed_on) == (pool, True, dt.date(2026, 11, 20))
    assert "Pia Preferred" in words(owner.get(response["Location"]))


def test_the_exit_form_refuses_a_person_without_a_name_and_a_contractor_outside_the_pool(personas, owner, engagement):
    vetting = ContractorFactory(workspace=personas.workspace, stage="vetting")
    target = url("exit", personas, engagement=engagement.uuid)
    response = owner.post(target, {"handover_kind": "person", "handover_person": ""})
    assert response.status_code == 400
    assert "Name the person" in words(response)
    for other in (vetting, engagement.contractor):
        response = owner.post(target, {"handover_kind": "contractor", "handover_contractor": str(other.uuid)})
        assert response.status_code == 400
        assert response.context["form"].errors["handover_contractor"]
    assert not ExitPlan.objects.exists()


def test_an_ended_engagement_s_exit_page_points_to_offboarding(personas, owner, engagement):
    engagement.status = "terminated"
    engagement.save()
    AccessGrantFactory(engagement=engagement)
    page = owner.get(url("exit", personas, engagement=engagement.uuid))
    assert "This engagement is terminated" in words(page)
    assert "1 access grant is still open" in words(page)
    assert url("offboarding", personas, engagement=engagement.uuid) in page.content.decode()


def test_a_viewer_reads_the_exit_page_and_changes_nothing(personas, viewer, engagement):
    AccessGrantFactory(engagement=engagement, system="CMS")
    page = viewer.get(url("exit", personas, engagement=engagement.uuid))
    assert page.status_code == 200
    assert "Save the exit plan" not in words(page) and "Add a grant" not in words(page)
    assert ">Revoke<" not in page.content.decode()
    assert viewer.post(url("exit", personas, engagement=engagement.uuid), {"steps": "x"}).status_code == 403
    assert not ExitPlan.objects.exists()


# --- One grant ------------------------------------------------------------------------------------------


def test_recording_correcting_and_deleting_a_grant(personas, owner, engagement, today):
    new = url("grant_new", personas, engagement=engagement.uuid)
    assert owner.get(new).context["form"].initial["granted_on"] == today
    bad = owner.post(new, {"system": "Bank portal", "granted_on": "2026-11-10", "expires_on": "2026-11-01"})
    assert bad.status_code == 400 and "cannot expire before" in words(bad)
    response = owner.post(
        new, {"system": "Bank portal", "level": "read", "granted_on": "2026-11-10", "shared_credential": "on"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#access")
    grant = AccessGrant.objects.get(system="Bank portal")
    assert (grant.level, grant.shared_credential, grant.engagement) == ("read", True, engagement)

    page = url("grant", personas, grant=grant.uuid)
    response = owner.post(page, {"system": "Bank portal", "level": "", "granted_on": "2026-11-10"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.level == "" and grant.shared_credential is False
    assert owner.post(page, {"delete": "1"}).status_code == 302
    assert not AccessGrant.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(action="access.delete").count() == 1


def test_revoking_a_grant_on_a_day_and_going_back_where_asked(personas, owner, engagement, today):
    grant = AccessGrantFactory(engagement=engagement, granted_on=DAY)
    revoke = url("grant_revoke", personas, grant=grant.uuid)
    early = owner.post(revoke, {"on": "2026-10-01"})
    assert early.status_code == 400 and "before it was granted" in words(early)
    grant.refresh_from_db()
    assert grant.revoked_on is None

    back = url("access", personas) + "?open=on"
    response = owner.post(revoke, {"on": "2026-11-15", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    grant.refresh_from_db()
    assert grant.revoked_on == dt.date(2026, 11, 15)

    other = AccessGrantFactory(engagement=engagement, granted_on=DAY)
    response = owner.post(url("grant_revoke", personas, grant=other.uuid), {"next": "https://evil.example/"})
    assert response["Location"] == url("exit", personas, engagement=engagement.uuid) + "#access"
    other.refresh_from_db()
    assert other.revoked_on == today
    assert owner.get(url("grant_revoke", personas, grant=other.uuid)).status_code == 405


def test_grants_of_another_workspace_are_not_found(personas, owner):
    foreign = AccessGrantFactory(
        engagement=EngagementFactory(contractor=ContractorFactory(workspace=personas.other_workspace))
    )
    assert owner.get(url("grant", personas, grant=foreign.uuid)).status_code == 404
    assert owner.post(url("grant_revoke", personas, grant=foreign.uuid)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_on is None
    assert foreign.system not in words(owner.get(url("access", personas)))


# --- The access register --------------------------------------------------------------------------------


def test_the_register_alerts_to_access_left_open_and_revokes_it(personas, owner, engagement, today):
    ended = EngagementFactory(contractor=engagement.contractor, title="Old site", status="completed")
    left = [AccessGrantFactory(engagement=ended, system=s, granted_on=DAY, expires_on=None) for s in ("CMS", "DNS")]
    past = AccessGrantFactory(
        engagement=engagement, system="Payroll", granted_on=DAY, expires_on=today - dt.timedelta(days=2)
    )
    soon = AccessGrantFactory(engagement=engagement, system="Analytics", granted_on=DAY, expires_on=today)
    AccessGrantFactory(engagement=engagement, system="Drive", granted_on=DAY, revoked_on=DAY)

    page = owner.get(url("access", personas))
    text = words(page)
    assert "3 grants left open" in text
    assert "Revoke all 2 of this engagement" in text  # the ended engagement's, not the running one's
    assert text.count("Revoke all") == 1
    assert "Expires soon" in text and "Revoked" in text and "5 grants" in text
    assert [r.grant.system for r in page.context["rows"]][-1] == "Drive"  # open ones first

    only_open = owner.get(url("access", personas) + "?open=on")
    assert "4 open grants" in words(only_open) and "Drive" not in [r.grant.system for r in only_open.context["rows"]]

    here = url("access", personas)
    response = owner.post(url("offboarding", personas, engagement=ended.uuid), {"action": "revoke_all", "next": here})
    assert response.status_code == 302 and response["Location"] == here
    assert all(AccessGrant.objects.get(pk=g.pk).revoked_on == today for g in left)
    response = owner.post(url("grant_revoke", personas, grant=past.uuid), {"next": here})
    assert response["Location"] == here
    assert "left open" not in words(owner.get(here))
    soon.refresh_from_db()
    assert soon.revoked_on is None


def test_the_register_is_empty_and_read_only_for_a_viewer(personas, viewer, engagement):
    assert "No access recorded yet" in words(viewer.get(url("access", personas)))
    AccessGrantFactory(engagement=EngagementFactory(contractor=engagement.contractor, status="completed"))
    page = viewer.get(url("access", personas))
    assert "1 grant left open" in words(page)
    assert "/revoke/" not in page.content.decode()


# --- The offboarding page -------------------------------------------------------------------------------


def test_offboarding_ticks_only_once_the_engagement_ended(personas, owner, engagement):
    page = url("offboarding", personas, engagement=engagement.uuid)
    assert "Offboarding starts when the engagement is completed or terminated" in words(owner.get(page))
    refused = owner.post(page, {"action": "tick", "step": "data"})
    assert refused.status_code == 400
    assert "completed or terminated" in words(refused)
    assert not OffboardingStep.objects.exists()
    assert owner.post(page, {"action": "dance"}).status_code == 400
    assert owner.post(page, {"action": "tick", "step": "rating"}).status_code == 400  # not a manual step


def test_the_offboarding_page_walks_through_every_step(personas, owner, engagement, today):
    engagement.status = "completed"
    engagement.save()
    AccessGrantFactory(engagement=engagement, system="CMS", granted_on=DAY)
    AccessGrantFactory(engagement=engagement, system="Shared inbox", granted_on=DAY, shared_credential=True)
    ExitPlanFactory(engagement=engagement, handover_kind="person", handover_person="Maya Chen")
    invoice_create(actor=ACTOR, engagement=engagement, data={"number": "F-9", "amount": Decimal("900")})
    paid = invoice_create(actor=ACTOR, engagement=engagement, data={"number": "F-1", "amount": Decimal("100")})
    invoice_set_status(actor=ACTOR, invoice=paid, status="approved")
    invoice_set_status(actor=ACTOR, invoice=paid, status="paid", paid_on=DAY, channel="ach")
    target = url("offboarding", personas, engagement=engagement.uuid)

    page = owner.get(target)
    text = words(page)
    assert "0 of 6 done" in text
    assert "Shared inbox (admin)" not in text and "Shared inbox (write): a shared login" in text
    assert "No. F-9" in text and "No. F-1" not in text  # only the invoice still open
    assert "Maya Chen takes the work over" in text
    assert reverse("engagements:rating_new", kwargs={"ws": personas.workspace.uuid, "engagement": engagement.uuid}) in (
        page.content.decode()
    )

    assert owner.post(target, {"action": "revoke_all"}).status_code == 302
    assert not AccessGrant.objects.filter(engagement=engagement, revoked_on__isnull=True).exists()
    assert owner.post(target, {"action": "tick", "step": "assets", "note": "Laptop back"}).status_code == 302
    assert owner.post(target, {"action": "tick", "step": "handover"}).status_code == 302
    text = words(owner.get(target))
    assert "3 of 6 done" in text and "Laptop back" in text and "by owner@acme.test" in text
    assert owner.post(target, {"action": "untick", "step": "handover"}).status_code == 302
    assert "2 of 6 done" in words(owner.get(target))


def test_a_viewer_reads_the_checklist_but_cannot_tick(personas, viewer, engagement):
    engagement.status = "completed"
    engagement.save()
    page = viewer.get(url("offboarding", personas, engagement=engagement.uuid))
    assert page.status_code == 200 and "Mark done" not in words(page)
    response = viewer.post(url("offboarding", personas, engagement=engagement.uuid), {"action": "tick", "step": "data"})
    assert response.status_code == 403
    assert not OffboardingStep.objects.exists()


def test_the_engagement_page_links_to_exit_access_and_offboarding(personas, owner, engagement):
    detail = reverse("engagements:detail", kwargs={"ws": personas.workspace.uuid, "engagement": engagement.uuid})
    content = owner.get(detail).content.decode()
    assert url("exit", personas, engagement=engagement.uuid) in content
    assert url("offboarding", personas, engagement=engagement.uuid) not in content
    engagement.status = "completed"
    engagement.save()
    assert url("offboarding", personas, engagement=engagement.uuid) in owner.get(detail).content.decode()
