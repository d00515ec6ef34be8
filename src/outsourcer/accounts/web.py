"""The workspace door for web views: `@workspace_view` opens it before the view runs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from outsourcer.accounts.door import Action, ObjectNotFound, WorkspaceAccess, WorkspaceNotFound, door_open

SESSION_LAST_WORKSPACE = "last_workspace"

View = Callable[..., HttpResponseBase]


def workspace_view(*, get: Action | None = "read", post: Action | None = None) -> Callable[[View], View]:
    """Open the door for the `ws` URL argument with the action each HTTP method needs.

    The chosen actions are kept on the view (`door_policy`) so the permission-matrix test can
    read them from the URL conf: a new page is covered without anyone listing it.
    """
    policy = {"GET": get, "POST": post}

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, ws: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            action = policy.get(request.method or "GET") if request.method != "HEAD" else get
            if action is None:
                return HttpResponse(status=405, headers={"Allow": ", ".join(m for m, a in policy.items() if a)})
            try:
                access = door_open(user=request.user, workspace=ws, action=action)
            except WorkspaceNotFound as exc:
                raise Http404("No such workspace.") from exc
            request.session[SESSION_LAST_WORKSPACE] = str(access.workspace.uuid)
            request.access = access  # type: ignore[attr-defined]
            try:
                return view(request, access, *args, **kwargs)
            except ObjectNotFound as exc:
                raise Http404(str(exc)) from exc

        wrapper.door_policy = policy  # type: ignore[attr-defined]
        return wrapper

    return decorate


def public_view(view: View) -> View:
    """Marks a view that needs no workspace (login, sign-up, ...), for the permission matrix."""
    view.door_policy = "public"  # type: ignore[attr-defined]
    return view


def account_view(view: View) -> View:
    """A signed-in page that is not about one workspace (workspace list, profile)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.door_policy = "account"  # type: ignore[attr-defined]
    return wrapper


def render_access(
    request: HttpRequest, access: WorkspaceAccess, template: str, context: dict[str, Any]
) -> HttpResponse:
    return render(request, template, {"access": access, "workspace": access.workspace, **context})
