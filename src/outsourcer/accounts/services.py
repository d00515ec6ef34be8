"""Writes for accounts, workspaces, memberships, invitations and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from outsourcer.accounts.door import WorkspaceAccess
from outsourcer.accounts.emails import INVITATION_SALT
from outsourcer.accounts.models import (
    ApiToken,
    Invitation,
    Membership,
    Role,
    User,
    Workspace,
)
from outsourcer.accounts.settings_rules import workspace_settings_clean
from outsourcer.accounts.tasks import send_invitation_email
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.core.actor import Actor
from outsourcer.core.signals import invitation_accepted

TOKEN_PREFIX = "osk_"

WORKSPACE_FIELDS = frozenset(Workspace.SETTINGS_FIELDS)


class AccountError(Exception):
    """A request the rules refuse; the message is meant for the user."""


# --- Users ----------------------------------------------------------------------------------------


def user_create(*, email: str, password: str | None, name: str = "", actor: Actor | None = None) -> User:
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(f"An account for {email} already exists.")
    user = User.objects.create_user(email=email, password=password, name=name)
    audit_record(actor=actor or Actor(user=user, face="web"), action="user.create", obj=user, workspace=None)
    return user


# --- Workspaces -----------------------------------------------------------------------------------


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "workspace"
    slug, n = base, 2
    while Workspace.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def workspace_validate(data: dict[str, Any]) -> dict[str, Any]:
    """The settings in `data`, checked and normalised (see settings_rules)."""
    return workspace_settings_clean(data)


def workspace_create(*, actor: Actor, name: str, owner: User | None, **fields: Any) -> Workspace:
    unknown = set(fields) - WORKSPACE_FIELDS
    if unknown:
        raise AccountError(f"Unknown workspace fields: {', '.join(sorted(unknown))}")
    fields = workspace_validate(fields)
    with transaction.atomic():
        workspace = Workspace(name=name, slug=_unique_slug(name), **fields)
        workspace.full_clean()
        workspace.save()
        audit_record(
            actor=actor, action="workspace.create", obj=workspace, workspace=workspace, changes={"name": [None, name]}
        )
        if owner is not None:
            membership_add(actor=actor, workspace=workspace, user=owner, role=Role.OWNER)
    return workspace


def workspace_update(*, actor: Actor, workspace: Workspace, data: dict[str, Any]) -> Workspace:
    unknown = set(data) - WORKSPACE_FIELDS
    if unknown:
        raise AccountError(f"Unknown workspace fields: {', '.join(sorted(unknown))}")
    data = workspace_validate(data)
    with transaction.atomic():
        changes = apply_changes(workspace, data)
        if changes:
            workspace.full_clean()
            workspace.save()
            audit_record(actor=actor, action="workspace.update", obj=workspace, workspace=workspace, changes=changes)
    return workspace


def signup(*, email: str, password: str, name: str, workspace_name: str, **fields: Any) -> tuple[User, Workspace]:
    with transaction.atomic():
        user = user_create(email=email, password=password, name=name)
        actor = Actor(user=user, face="web")
        workspace = workspace_create(actor=actor, name=workspace_name, owner=user, **fields)
    return user, workspace


# --- Memberships ----------------------------------------------------------------------------------


def membership_add(*, actor: Actor, workspace: Workspace, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise AccountError(f"Unknown role {role!r}.")
    membership, created = Membership.objects.get_or_create(user=user, workspace=workspace, defaults={"role": role})
    if created:
        audit_record(
            actor=actor,
            action="member.add",
            obj=membership,
            workspace=workspace,
            changes={"user": [None, user.email], "role": [None, role]},
        )
    return membership


def membership_set(*, actor: Actor, workspace: Workspace, user: User, role: str) -> Membership:
    """Make `user` a member with exactly `role`, adding or changing as needed."""
    with transaction.atomic():
        membership = membership_add(actor=actor, workspace=workspace, user=user, role=role)
        if membership.role != role:
            membership = membership_change_role(actor=actor, membership=membership, role=role)
    return membership


def _locked(membership: Membership) -> tuple[Membership, int]:
    """The membership as stored now, and how many other owners the workspace has, both locked.

    Locking every owner row serialises two owners demoting each other at once (PostgreSQL; SQLite's
    immediate transactions already do), so the workspace is never left without one.
    """
    owners = list(Membership.objects.select_for_update().filter(workspace_id=membership.workspace_id, role=Role.OWNER))
    current = Membership.objects.select_for_update().select_related("user", "workspace").get(pk=membership.pk)
    return current, sum(1 for m in owners if m.pk != membership.pk)


def membership_change_role(*, actor: Actor, membership: Membership, role: str) -> Membership:
    if role not in Role.values:
        raise AccountError(f"Unknown role {role!r}.")
    with transaction.atomic():
        membership, other_owners = _locked(membership)
        if membership.role == Role.OWNER and role != Role.OWNER and other_owners == 0:
            raise AccountError("A workspace needs at least one owner; make someone else owner first.")
        changes = apply_changes(membership, {"role": role})
        if changes:
            membership.save(update_fields=["role", "updated_at"])
            audit_record(
                actor=actor, action="member.role", obj=membership, workspace=membership.workspace, changes=changes
            )
    return membership


def membership_remove(*, actor: Actor, membership: Membership) -> None:
    with transaction.atomic():
        membership, other_owners = _locked(membership)
        if membership.role == Role.OWNER and other_owners == 0:
            raise AccountError("The last owner cannot be removed.")
        # Their tokens go with their access, or a later invitation would bring old keys back to life.
        for token in ApiToken.objects.filter(
            workspace_id=membership.workspace_id, user_id=membership.user_id, revoked_at=None
        ):
            api_token_revoke(actor=actor, token=token)
        audit_record(
            actor=actor,
            action="member.remove",
            obj=membership,
            workspace=membership.workspace,
            changes={"user": [membership.user.email, None], "role": [membership.role, None]},
        )
        membership.delete()


# --- Invitations ----------------------------------------------------------------------------------


def invitation_create(*, actor: Actor, workspace: Workspace, email: str, role: str) -> Invitation:
    email = User.objects.normalize_email(email).lower()
    if role not in Role.values:
        raise AccountError(f"Unknown role {role!r}.")
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise AccountError(f"{email} is already a member of {workspace.name}.")
    with transaction.atomic():
        Invitation.objects.filter(workspace=workspace, email=email, accepted_at=None, revoked_at=None).update(
            revoked_at=timezone.now()
        )
        invitation = Invitation.objects.create(workspace=workspace, email=email, role=role, invited_by=actor.user)
        audit_record(
            actor=actor,
            action="invitation.create",
            obj=invitation,
            workspace=workspace,
            changes={"email": [None, email], "role": [None, role]},
        )
        # Only the id travels through the queue: the link is made when the email is, so it is never stored.
        public_id = str(invitation.uuid)
        transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id=public_id))
    return invitation


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link points to, or an AccountError saying why it cannot be used."""
    signer = signing.TimestampSigner(salt=INVITATION_SALT)
    try:
        public_id = signer.unsign(token, max_age=dt.timedelta(seconds=settings.INVITATION_MAX_AGE_SECONDS))
    except signing.SignatureExpired as exc:
        raise AccountError("This invitation has expired. Ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise AccountError("This invitation link is not valid.") from exc
    try:
        invitation = Invitation.objects.select_related("workspace").get(uuid=public_id)
    except (Invitation.DoesNotExist, ValueError) as exc:
        raise AccountError("This invitation link is not valid.") from exc
    if invitation.revoked_at is not None:
        raise AccountError("This invitation was withdrawn.")
    if invitation.accepted_at is not None:
        raise AccountError("This invitation was already used.")
    return invitation


def invitation_accept(*, invitation: Invitation, user: User, actor: Actor | None = None) -> Membership:
    if user.email.lower() != invitation.email.lower():
        raise AccountError(f"This invitation is for {invitation.email}; you are signed in as {user.email}.")
    actor = actor or Actor(user=user, face="web")
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise AccountError("This invitation was already used.")
        membership = membership_add(actor=actor, workspace=invitation.workspace, user=user, role=invitation.role)
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        audit_record(actor=actor, action="invitation.accept", obj=locked, workspace=invitation.workspace)
        invitation_accepted.send(sender=Invitation, invitation=locked, user=user)
    return membership


def invitation_revoke(*, actor: Actor, invitation: Invitation) -> None:
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("workspace").get(pk=invitation.pk)
        if not invitation.is_open:
            raise AccountError("Only an open invitation can be withdrawn.")
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="invitation.revoke", obj=invitation, workspace=invitation.workspace)


# --- API tokens -----------------------------------------------------------------------------------


def api_token_create(
    *, actor: Actor, workspace: Workspace, user: User, name: str, read_only: bool
) -> tuple[ApiToken, str]:
    """Return the token and its key; the key is shown once and never stored."""
    membership = Membership.objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        raise AccountError("Only a member of the workspace can hold a token for it.")
    if not read_only and not WorkspaceAccess(workspace=workspace, user=user, role=membership.role).can("write"):
        raise AccountError("Your role can only hold read-only tokens.")
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        return _token_store(
            actor=actor, user=user, workspace=workspace, name=name, prefix=prefix, raw=raw, read_only=read_only
        ), raw


def _token_store(
    *, actor: Actor, user: User, workspace: Workspace, name: str, prefix: str, raw: str, read_only: bool
) -> ApiToken:
    token = ApiToken.objects.create(
        user=user,
        workspace=workspace,
        name=name.strip() or "API token",
        prefix=prefix,
        key_hash=ApiToken.hash_key(raw),
        read_only=read_only,
    )
    audit_record(
        actor=actor,
        action="token.create",
        obj=token,
        workspace=workspace,
        changes={"name": [None, token.name], "read_only": [None, read_only]},
    )
    return token


def api_token_revoke(*, actor: Actor, token: ApiToken) -> None:
    with transaction.atomic():
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at", "updated_at"])
            audit_record(actor=actor, action="token.revoke", obj=token, workspace=token.workspace)


# --- Login throttling -----------------------------------------------------------------------------


def _throttle_keys(email: str, ip: str) -> list[str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]
    return [f"login-fail:email:{digest}", f"login-fail:ip:{ip}"]


def login_blocked(*, email: str, ip: str) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    # The IP allows more, so a shared office address is not locked out by one person.
    email_key, ip_key = _throttle_keys(email, ip)
    return (cache.get(email_key) or 0) >= limit or (cache.get(ip_key) or 0) >= limit * 4


def login_failed(*, email: str, ip: str) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _throttle_keys(email, ip):
        cache.add(key, 0, timeout=window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=window)
        # incr keeps Redis's expiry but resets the database cache's to its default: state it once more,
        # so on every backend the lock lasts the window after the latest failure.
        cache.touch(key, timeout=window)


def login_lock_lift(*, email: str) -> None:
    """After a good sign-in, or a password reset, the email's failures are forgiven."""
    cache.delete(_throttle_keys(email, "")[0])
