"""The workspace door: the one way any face reaches a workspace and its rows.

Web views, API operations, CLI commands and jobs all ask `door_open` (or `door_for_operator` on the
command line) for a `WorkspaceAccess`, and reach rows only through `access.scope()` and
`access.get()`. A workspace the user is not a member of does not exist for them (404); a member whose
role lacks the permission is refused (403).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Model, QuerySet

from outsourcer.accounts.models import Membership, Role, Workspace
from outsourcer.accounts.selectors import workspace_find

Action = Literal["read", "write", "admin", "audit", "portal", "contribute"]
ACTIONS: tuple[Action, ...] = ("read", "write", "admin", "audit", "portal", "contribute")

# The permission matrix, in one place. `portal` is what a contractor may open: their own corner
# (the business's members see it as a preview). `contribute` is what a contractor may do there:
# submit work, log time; owners and managers may do it for them, viewers may not.
ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({"read", "write", "admin", "audit", "portal", "contribute"}),
    Role.MANAGER: frozenset({"read", "write", "portal", "contribute"}),
    Role.VIEWER: frozenset({"read", "portal"}),
    Role.CONTRACTOR: frozenset({"portal", "contribute"}),
}
WRITE_ACTIONS = frozenset({"write", "admin", "contribute"})

M = TypeVar("M", bound=Model)


class WorkspaceNotFound(Exception):
    """The workspace does not exist, or the caller is not a member: the same answer for both."""


class ObjectNotFound(Exception):
    """No such row in this workspace."""


@dataclass(frozen=True)
class WorkspaceAccess:
    workspace: Workspace
    user: Any | None
    role: str
    # A read-only API token narrows any role to reading.
    read_only: bool = False

    def can(self, action: Action) -> bool:
        if self.read_only and action in WRITE_ACTIONS:
            return False
        return action in ROLE_ACTIONS.get(self.role, frozenset())

    def require(self, action: Action) -> None:
        if not self.can(action):
            if self.read_only and action in WRITE_ACTIONS:
                raise PermissionDenied("This API token is read-only.")
            raise PermissionDenied(f"Your role ({self.role}) does not allow this.")

    def scope(self, queryset: QuerySet[M]) -> QuerySet[M]:
        return queryset.filter(workspace=self.workspace)

    def get(self, queryset: QuerySet[M], public_id: uuid.UUID | str) -> M:
        try:
            return self.scope(queryset).get(uuid=public_id)
        except (ObjectDoesNotExist, ValidationError, ValueError) as exc:
            raise ObjectNotFound(f"No such {queryset.model._meta.verbose_name}.") from exc

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


def door_open(
    *,
    user: Any,
    workspace: Workspace | uuid.UUID | str,
    action: Action = "read",
    read_only: bool = False,
) -> WorkspaceAccess:
    """Open the workspace for `user` if they are a member whose role allows `action`."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise WorkspaceNotFound
    lookup = {"workspace": workspace} if isinstance(workspace, Workspace) else {"workspace__uuid": workspace}
    try:
        membership = Membership.objects.select_related("workspace").get(user=user, **lookup)
    except (Membership.DoesNotExist, ValueError) as exc:
        raise WorkspaceNotFound from exc
    access = WorkspaceAccess(workspace=membership.workspace, user=user, role=membership.role, read_only=read_only)
    access.require(action)
    return access


def door_for_operator(*, name: str) -> WorkspaceAccess:
    """The command line's way in: the workspace by UUID, slug or exact name, opened as its owner.

    Whoever runs the command holds the database already, so no role is checked; an unknown or
    ambiguous name raises `WorkspaceLookupError` with a message for the operator.
    """
    return WorkspaceAccess(workspace=workspace_find(name=name), user=None, role=Role.OWNER)
