from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from outsourcer.accounts.emails import invitation_token
from outsourcer.accounts.models import Invitation, Membership, Role, User, Workspace
from outsourcer.accounts.services import (
    AccountError,
    invitation_create,
    invitation_from_token,
    membership_change_role,
    membership_remove,
)
from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
from tests.conftest import PASSWORD, Personas, login_client


def link_in(message) -> str:
    match = re.search(r"https?://[^\s]+", message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path


def test_signup_creates_a_workspace_owned_by_the_new_user(client: Client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "name": "Dana Lee",
            "email": "Dana@Example.test",
            "password": PASSWORD,
            "workspace_name": "Lee Bakery",
            "kind": "small_business",
            "base_currency": "EUR",
            "time_zone": "Europe/Berlin",
        },
    )
    ws = Workspace.objects.get(name="Lee Bakery")
    assert response.status_code == 302 and response["Location"] == f"/w/{ws.uuid}/"
    user = User.objects.get(email="dana@example.test")
    assert user.password.startswith(("argon2", "md5"))  # md5 only under the test settings
    assert Membership.objects.get(user=user, workspace=ws).role == Role.OWNER
    assert ws.base_currency == "EUR" and ws.time_zone == "Europe/Berlin"
    assert client.get(f"/w/{ws.uuid}/").status_code == 200
    assert {"user.create", "workspace.create", "member.add"} <= set(AuditEntry.objects.values_list("action", flat=True))


def test_signup_refuses_a_weak_password_and_a_taken_email(client: Client, personas: Personas):
    data = {
        "name": "X",
        "email": personas.owner.email,
        "password": "password",
        "workspace_name": "W",
        "kind": "freelancer",
        "base_currency": "USD",
        "time_zone": "UTC",
    }
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    data["password"] = PASSWORD
    response = client.post("/accounts/signup/", data)
    assert "already exists" in response.content.decode()
    assert not Workspace.objects.filter(name="W").exists()


def test_login_with_email_and_password(client: Client, personas: Personas):
    response = client.post("/accounts/login/", {"username": "OWNER@acme.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_login_is_throttled_after_repeated_failures(client: Client, personas: Personas, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post("/accounts/login/", {"username": personas.owner.email, "password": "wrong"})
        assert response.status_code == 200
    # Even the right password is refused while the lock holds.
    response = client.post("/accounts/login/", {"username": personas.owner.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    # Another account from another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post("/accounts/login/", {"username": personas.viewer.email, "password": PASSWORD}).status_code == 302


def test_invitation_by_email_for_a_new_person(personas: Personas, django_capture_on_commit_callbacks):
    owner = login_client(personas.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            f"/w/{personas.workspace.uuid}/members/", {"email": "newbie@example.test", "role": "viewer"}
        )
    assert mail.outbox, "the email goes out once the transaction commits"
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newbie@example.test"] and "Acme Design" in message.subject
    url = link_in(message)
    visitor = Client()
    page = visitor.get(url)
    assert page.status_code == 200 and "newbie@example.test" in page.content.decode()
    response = visitor.post(url, {"name": "New Bie", "password": PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="newbie@example.test")
    assert Membership.objects.get(user=user, workspace=personas.workspace).role == Role.VIEWER
    # The link works once.
    assert Client().get(url).status_code == 410


def test_invitation_for_an_existing_user_who_is_signed_in(personas: Personas):
    invitation = invitation_create(
        actor=Actor.cli(), workspace=personas.workspace, email=personas.outsider.email, role=Role.MANAGER
    )
    client = login_client(personas.outsider)
    url = f"/accounts/invitation/{invitation_token(invitation)}/"
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=personas.outsider, workspace=personas.workspace).role == Role.MANAGER


def test_invitation_for_someone_else_is_refused(personas: Personas):
    invitation = invitation_create(
        actor=Actor.cli(), workspace=personas.workspace, email="someone@else.test", role=Role.OWNER
    )
    client = login_client(personas.outsider)
    response = client.post(f"/accounts/invitation/{invitation_token(invitation)}/")
    assert response.status_code == 200
    assert "This invitation is for someone@else.test" in response.content.decode()
    assert not Membership.objects.filter(user=personas.outsider, workspace=personas.workspace).exists()


def test_invitation_links_expire_and_can_be_withdrawn(personas: Personas, settings):
    invitation = invitation_create(actor=Actor.cli(), workspace=personas.workspace, email="late@x.test", role="viewer")
    token = invitation_token(invitation)
    settings.INVITATION_MAX_AGE_SECONDS = -1
    with pytest.raises(AccountError, match="expired"):
        invitation_from_token(token)
    settings.INVITATION_MAX_AGE_SECONDS = 3600
    owner = login_client(personas.owner)
    owner.post(f"/w/{personas.workspace.uuid}/invitations/{invitation.uuid}/revoke/")
    with pytest.raises(AccountError, match="withdrawn"):
        invitation_from_token(token)
    with pytest.raises(AccountError, match="not valid"):
        invitation_from_token(token[:-2] + "xx")


def test_password_reset_by_email(client: Client, personas: Personas):
    response = client.post("/accounts/password-reset/", {"email": personas.viewer.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    url = link_in(mail.outbox[0])
    form_page = client.get(url, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "a-brand-new-passphrase-9", "new_password2": "a-brand-new-passphrase-9"}
    )
    assert response.status_code == 302
    personas.viewer.refresh_from_db()
    assert personas.viewer.check_password("a-brand-new-passphrase-9")


def test_password_reset_for_an_unknown_email_reveals_nothing(client: Client, db):
    response = client.post("/accounts/password-reset/", {"email": "nobody@x.test"})
    assert response.status_code == 302 and mail.outbox == []


def test_switching_workspaces_remembers_the_last_one(personas: Personas):
    from tests.factories import MembershipFactory

    MembershipFactory(user=personas.owner, workspace=personas.other_workspace, role=Role.VIEWER)
    client = login_client(personas.owner)
    assert client.get(f"/w/{personas.other_workspace.uuid}/").status_code == 200
    assert client.get("/")["Location"] == f"/w/{personas.other_workspace.uuid}/"
    client.get(f"/w/{personas.workspace.uuid}/")
    assert client.get("/")["Location"] == f"/w/{personas.workspace.uuid}/"
    page = client.get(f"/w/{personas.workspace.uuid}/").content.decode()
    assert f"/w/{personas.other_workspace.uuid}/" in page  # the switcher offers the other one


def test_the_last_owner_stays(personas: Personas):
    owner_membership = Membership.objects.get(user=personas.owner, workspace=personas.workspace)
    with pytest.raises(AccountError, match="at least one owner"):
        membership_change_role(actor=Actor.cli(), membership=owner_membership, role=Role.VIEWER)
    with pytest.raises(AccountError, match="last owner"):
        membership_remove(actor=Actor.cli(), membership=owner_membership)
    manager = Membership.objects.get(user=personas.manager, workspace=personas.workspace)
    membership_change_role(actor=Actor.cli(), membership=manager, role=Role.OWNER)
    membership_change_role(actor=Actor.cli(), membership=owner_membership, role=Role.VIEWER)
    assert Membership.objects.get(pk=owner_membership.pk).role == Role.VIEWER


def test_owner_changes_a_role_on_the_members_page(personas: Personas):
    membership = Membership.objects.get(user=personas.viewer, workspace=personas.workspace)
    response = login_client(personas.owner).post(
        f"/w/{personas.workspace.uuid}/members/{membership.uuid}/", {"role": "manager"}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.MANAGER
    entry = AuditEntry.objects.filter(action="member.role").latest("id")
    assert entry.changes == {"role": ["viewer", "manager"]} and entry.face == "web"
    assert entry.actor == personas.owner


def test_viewer_posting_settings_is_refused_and_nothing_changes(personas: Personas):
    response = login_client(personas.viewer).post(f"/w/{personas.workspace.uuid}/settings/", {"name": "Hacked"})
    assert response.status_code == 403
    personas.workspace.refresh_from_db()
    assert personas.workspace.name == "Acme Design"


def test_settings_form_saves_policy_and_fx(personas: Personas):
    ws = personas.workspace
    data = {
        "name": "Acme Design",
        "kind": "agency",
        "base_currency": "USD",
        "country": "US",
        "region": "CA",
        "time_zone": "America/Los_Angeles",
        "work_start": "08:00",
        "work_end": "16:00",
        "work_days": ["1", "2", "3"],
        "owner_hourly_value": "95.50",
        "fx_rates_text": "EUR=1.08\nGBP = 1.27",
        "silence_days": "10",
        "trial_required_above": "1500",
    }
    response = login_client(personas.owner).post(f"/w/{ws.uuid}/settings/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ws.refresh_from_db()
    assert ws.fx_rates == {"EUR": "1.08", "GBP": "1.27"}
    assert ws.policy == {"silence_days": 10, "trial_required_above": "1500"}
    assert ws.policy_value("silence_days") == 10 and ws.policy_value("min_overlap_hours") == 2
    assert ws.work_days == [1, 2, 3]
    entry = AuditEntry.objects.filter(action="workspace.update").latest("id")
    assert entry.changes["time_zone"] == ["America/New_York", "America/Los_Angeles"]


def test_settings_form_refuses_bad_fx(personas: Personas):
    ws = personas.workspace
    data = {
        "name": "Acme",
        "kind": "agency",
        "base_currency": "USD",
        "time_zone": "UTC",
        "work_start": "08:00",
        "work_end": "16:00",
        "work_days": ["1"],
        "fx_rates_text": "EURO=abc",
    }
    response = login_client(personas.owner).post(f"/w/{ws.uuid}/settings/", data)
    assert response.status_code == 200 and "Write each rate as CODE=rate" in response.content.decode()
    ws.refresh_from_db()
    assert ws.name == "Acme Design"


def test_api_tokens_are_stored_hashed_and_shown_once(personas: Personas):
    client = login_client(personas.manager)
    response = client.post(f"/w/{personas.workspace.uuid}/tokens/", {"name": "Zapier", "access": "write"})
    key = re.search(r"osk_[0-9a-f]{8}_[\w-]+", response.content.decode()).group(0)
    token = personas.manager.api_tokens.get()
    import hashlib

    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest() and not token.read_only
    assert key not in json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert key not in client.get(f"/w/{personas.workspace.uuid}/tokens/").content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get(f"/api/v1/workspaces/{personas.workspace.uuid}").status_code == 200
    client.post(f"/w/{personas.workspace.uuid}/tokens/{token.uuid}/revoke/")
    assert api.get(f"/api/v1/workspaces/{personas.workspace.uuid}").status_code == 401


def test_a_viewer_can_only_hold_read_only_tokens(personas: Personas):
    client = login_client(personas.viewer)
    response = client.post(f"/w/{personas.workspace.uuid}/tokens/", {"name": "x", "access": "write"})
    assert "read-only tokens" in response.content.decode()
    assert not personas.viewer.api_tokens.exists()


def test_contractor_sees_the_portal_not_the_workspace(personas: Personas):
    response = login_client(personas.contractor).get(f"/w/{personas.workspace.uuid}/", follow=True)
    assert response.redirect_chain == [(f"/w/{personas.workspace.uuid}/portal/", 302)]
    page = response.content.decode()
    assert personas.owner.email in page and "Nothing has been shared with you yet" in page
    assert "/settings/" not in page and "/members/" not in page


def test_invitation_model_is_open_until_used(personas: Personas):
    invitation = invitation_create(actor=Actor.cli(), workspace=personas.workspace, email="a@b.test", role="viewer")
    assert invitation.is_open
    again = invitation_create(actor=Actor.cli(), workspace=personas.workspace, email="a@b.test", role="manager")
    invitation.refresh_from_db()
    assert not invitation.is_open and again.is_open  # a new invitation replaces the old one
    assert Invitation.objects.filter(email="a@b.test", revoked_at=None).count() == 1


def test_sign_up_can_be_closed(client: Client, db, settings):
    settings.ALLOW_SIGNUP = False
    response = client.post(
        "/accounts/signup/",
        {
            "name": "X",
            "email": "x@x.test",
            "password": PASSWORD,
            "workspace_name": "X",
            "kind": "freelancer",
            "base_currency": "USD",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 403 and not User.objects.exists()


def test_a_password_like_the_email_is_refused_at_sign_up(client: Client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "name": "Quentin",
            "email": "quentin.tarantula@x.test",
            "password": "quentin.tarantula",
            "workspace_name": "Q",
            "kind": "freelancer",
            "base_currency": "USD",
            "time_zone": "UTC",
        },
    )
    assert "too similar" in response.content.decode()


def test_client_address_behind_trusted_proxies(rf, settings):
    from outsourcer.core.http import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4", REMOTE_ADDR="10.0.0.1")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.1"  # no proxy trusted: the header may be made up
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "1.2.3.4"  # what our load balancer saw, not what the client claimed


def test_the_lock_lasts_the_whole_window_after_the_latest_failure(client: Client, personas: Personas, settings):
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    settings.LOGIN_FAILURE_WINDOW_SECONDS = 3600
    for _ in range(2):
        client.post("/accounts/login/", {"username": personas.owner.email, "password": "wrong"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM outsourcer_cache")
        expiries = [row[0] for row in cursor.fetchall()]
    assert expiries
    soonest = min(e if timezone.is_aware(e) else timezone.make_aware(e, dt.UTC) for e in expiries)
    assert soonest > timezone.now() + dt.timedelta(minutes=55)  # not the cache's 5-minute default


def test_removing_a_member_revokes_their_tokens(personas: Personas):
    from outsourcer.accounts.services import api_token_create

    token, raw = api_token_create(
        actor=Actor.cli(), workspace=personas.workspace, user=personas.manager, name="script", read_only=False
    )
    membership = Membership.objects.get(user=personas.manager, workspace=personas.workspace)
    membership_remove(actor=Actor.cli(), membership=membership)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/me").status_code == 401


def test_only_writing_roles_hold_read_write_tokens(personas: Personas):
    from outsourcer.accounts.services import api_token_create

    with pytest.raises(AccountError, match="read-only"):
        api_token_create(
            actor=Actor.cli(), workspace=personas.workspace, user=personas.viewer, name="x", read_only=False
        )


def test_a_password_reset_lifts_the_lockout(
    client: Client, personas: Personas, settings, django_capture_on_commit_callbacks
):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": personas.viewer.email, "password": "wrong"})
    assert client.post("/accounts/login/", {"username": personas.viewer.email, "password": PASSWORD}).status_code == 429
    client.post("/accounts/password-reset/", {"email": personas.viewer.email})
    form_page = client.get(link_in(mail.outbox[-1]), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh-passphrase-77", "new_password2": "fresh-passphrase-77"},
    )
    assert (
        client.post(
            "/accounts/login/", {"username": personas.viewer.email, "password": "fresh-passphrase-77"}
        ).status_code
        == 302
    )


def test_reset_links_use_the_base_url_not_the_host_header(personas: Personas, settings):
    settings.BASE_URL = "https://outsourcer.example.com"
    settings.ALLOWED_HOSTS = ["*"]  # even where the host check is too loose
    Client(HTTP_HOST="evil.example").post(
        "/accounts/password-reset/", {"email": personas.viewer.email}, HTTP_HOST="evil.example"
    )
    body = mail.outbox[-1].body
    assert "https://outsourcer.example.com/accounts/reset/" in body and "evil.example" not in body


def test_no_link_is_stored_in_the_task_queue(personas: Personas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django_tasks_db.models import DBTaskResult

    invitation_create(actor=Actor.cli(), workspace=personas.workspace, email="q@x.test", role="viewer")
    Client().post("/accounts/password-reset/", {"email": personas.viewer.email})
    stored = json.dumps(list(DBTaskResult.objects.values_list("args_kwargs", flat=True)))
    assert "http" not in stored and "/reset/" not in stored and "/invitation/" not in stored
