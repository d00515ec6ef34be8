"""Shared fixtures: personas, factories, API clients, and the services the suite needs.

Outside CI a missing PostgreSQL, Redis or Chromium skips the tests that need it, with the reason
printed; with CI=true the same absence fails the run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from outsourcer.accounts.models import Membership, Role, User, Workspace

__all__ = ["PASSWORD"]
from outsourcer.accounts.services import api_token_create
from outsourcer.core.actor import Actor
from tests.factories import PASSWORD, MembershipFactory, UserFactory, WorkspaceFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    """Skip (locally) or fail (in CI) when a service the test needs is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available", pytrace=False)
    pytest.skip(f"{what} is not available on this machine")


@dataclass
class Personas:
    workspace: Workspace
    other_workspace: Workspace
    owner: User
    manager: User
    viewer: User
    contractor: User
    outsider: User

    def user(self, name: str) -> User:
        return getattr(self, name)  # type: ignore[no-any-return]

    def role(self, name: str) -> str | None:
        return None if name == "outsider" else name


PERSONAS = ("owner", "manager", "viewer", "contractor", "outsider")


@pytest.fixture
def personas(db: Any) -> Personas:
    """Acme has one member of each role; the outsider owns another workspace and is no member of Acme."""
    workspace = WorkspaceFactory(name="Acme Design")
    other = WorkspaceFactory(name="Other Co")
    users = {}
    for role in (Role.OWNER, Role.MANAGER, Role.VIEWER, Role.CONTRACTOR):
        users[role] = UserFactory(email=f"{role}@acme.test")
        MembershipFactory(user=users[role], workspace=workspace, role=role)
    outsider = UserFactory(email="outsider@other.test")
    MembershipFactory(user=outsider, workspace=other, role=Role.OWNER)
    return Personas(
        workspace=workspace,
        other_workspace=other,
        owner=users[Role.OWNER],
        manager=users[Role.MANAGER],
        viewer=users[Role.VIEWER],
        contractor=users[Role.CONTRACTOR],
        outsider=outsider,
    )


@pytest.fixture
def owner_client(client: Client, personas: Personas) -> Client:
    client.force_login(personas.owner)
    return client


def login_client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def token_client(user: User, workspace: Workspace, *, read_only: bool = False) -> Client:
    """A client that authenticates to the API with a fresh personal token."""
    if not Membership.objects.filter(user=user, workspace=workspace).exists():
        # An outsider holds a token for their own workspace, never for ours.
        workspace = Membership.objects.filter(user=user).first().workspace  # type: ignore[union-attr]
    role = Membership.objects.get(user=user, workspace=workspace).role
    # Reading roles may only hold read-only tokens; the matrix then shows what such a token reaches.
    read_only = read_only or role not in (Role.OWNER, Role.MANAGER)
    _token, raw = api_token_create(actor=Actor.cli(), workspace=workspace, user=user, name="test", read_only=read_only)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
