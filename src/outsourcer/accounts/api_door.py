"""The workspace door for the REST API: session or token auth, then `api_door`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from outsourcer.accounts.door import Action, WorkspaceAccess, WorkspaceNotFound, door_open
from outsourcer.accounts.models import ApiToken
from outsourcer.accounts.selectors import api_token_authenticate

F = TypeVar("F", bound=Callable[..., Any])


class TokenAuth(HttpBearer):
    """`Authorization: Bearer osk_...`; the token names its user and its one workspace."""

    openapi_description = "A personal API token, created on a workspace's API tokens page."

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        api_token = api_token_authenticate(raw=token)
        if api_token is not None:
            request.auth_user = api_token.user  # type: ignore[attr-defined]
            request.api_token = api_token  # type: ignore[attr-defined]
        return api_token


class BrowserSession(SessionAuth):
    """The signed-in browser; unsafe methods need the CSRF token as on any form."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            request.auth_user = user  # type: ignore[attr-defined]
            request.api_token = None  # type: ignore[attr-defined]
        return user


AUTH = [TokenAuth(), BrowserSession()]


def requires(action: Action | Literal["account"]) -> Callable[[F], F]:
    """Declare the action an operation needs; the permission-matrix test reads it."""

    def decorate(func: F) -> F:
        func.door_action = action  # type: ignore[attr-defined]
        return func

    return decorate


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def api_door(request: HttpRequest, ws: uuid.UUID, action: Action) -> WorkspaceAccess:
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None and token.workspace.uuid != ws:
        # A token opens one workspace; any other looks absent, exactly as to an outsider.
        raise WorkspaceNotFound
    if token is not None and token.read_only and request.method not in SAFE_METHODS:
        # Whatever the operation declares, a read-only token changes nothing (not even other tokens).
        door_open(user=request.auth_user, workspace=ws, action="portal")  # type: ignore[attr-defined]
        raise PermissionDenied("This API token is read-only.")
    return door_open(
        user=request.auth_user,  # type: ignore[attr-defined]
        workspace=ws,
        action=action,
        read_only=bool(token and token.read_only),
    )


def session_only(request: HttpRequest) -> None:
    if getattr(request, "api_token", None) is not None:
        raise PermissionDenied("This operation needs a signed-in browser session, not a workspace token.")
