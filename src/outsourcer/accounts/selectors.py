"""Reads for accounts and workspaces."""

from __future__ import annotations

import uuid

from django.db.models import Count, QuerySet

from outsourcer.accounts.models import ApiToken, Invitation, Membership, User, Workspace


class WorkspaceLookupError(Exception):
    pass


class WorkspaceAmbiguous(WorkspaceLookupError):
    pass


def workspace_list_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("workspace")
        .annotate(member_count=Count("workspace__memberships"))
        .order_by("workspace__name")
    )


def workspace_find(*, name: str) -> Workspace:
    """A workspace by UUID, slug or exact name, for the command line. Ambiguity is an error."""
    try:
        return Workspace.objects.get(uuid=uuid.UUID(name))
    except (ValueError, Workspace.DoesNotExist):
        pass
    by_slug = Workspace.objects.filter(slug=name).first()
    if by_slug is not None:
        return by_slug
    matches = list(Workspace.objects.filter(name=name)[:3])
    if not matches:
        raise WorkspaceLookupError(f"No workspace named {name!r}.")
    if len(matches) > 1:
        raise WorkspaceAmbiguous(
            f"More than one workspace is named {name!r}; give its slug or UUID instead: "
            + ", ".join(f"{w.slug} ({w.uuid})" for w in matches)
        )
    return matches[0]


def member_list(*, workspace: Workspace) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=workspace).select_related("user").order_by("user__email")


def invitation_open_list(*, workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(workspace=workspace, accepted_at=None, revoked_at=None).select_related(
        "invited_by"
    )


def api_token_list(*, workspace: Workspace, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(workspace=workspace, user=user)


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The active token this key belongs to, with its user and workspace, or None."""
    if not raw:
        return None
    token = (
        ApiToken.objects.select_related("user", "workspace")
        .filter(key_hash=ApiToken.hash_key(raw), revoked_at=None, user__is_active=True)
        .first()
    )
    if token is not None:
        token.touch()
    return token
