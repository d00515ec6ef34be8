"""The demo workspace: a believable small business, loaded from the bundle shipped in the package."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from outsourcer.accounts.models import Role, User, Workspace
from outsourcer.accounts.services import membership_set, workspace_update
from outsourcer.bundles.services import bundle_import_into, bundle_import_new, index_unindexed_submissions
from outsourcer.checks.models import CheckRun
from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor

DEMO_BUNDLE = Path(__file__).resolve().parent / "data" / "demo.json"
# The demo is known by this id, never by its name: a real workspace that happens to share the
# name is left alone.
DEMO_WORKSPACE_ID = uuid.UUID("6d656d6f-0000-4000-8000-6272696768ff")
DEMO_OWNER = "owner@brightline.example"
DEMO_TEAM = [
    ("sam@brightline.example", "Sam Rivera", Role.MANAGER),
    ("books@brightline.example", "Priya Shah (bookkeeper)", Role.VIEWER),
]


@dataclass(frozen=True)
class DemoLogin:
    workspace: Workspace
    email: str
    password: str


def demo_document() -> dict[str, object]:
    document: dict[str, object] = json.loads(DEMO_BUNDLE.read_text(encoding="utf-8"))
    return document


def _user(email: str, name: str, password: str | None) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(email=email, name=name)
    user.name = name
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.is_active = True
    user.save()
    return user


def demo_load(*, password: str | None = None) -> DemoLogin:
    """Create the demo workspace, or reset it to the shipped bundle; (re)set the owner's password."""
    password = password or secrets.token_urlsafe(9)
    document = demo_document()
    name = str(document["workspace"]["name"])  # type: ignore[index]
    actor = Actor.cli()
    with transaction.atomic():
        owner = _user(DEMO_OWNER, "Alex Morgan", password)
        workspace = Workspace.objects.filter(uuid=DEMO_WORKSPACE_ID).first()
        if workspace is None:
            workspace = bundle_import_new(actor=actor, document=document, name=name, owner=owner).workspace
            Workspace.objects.filter(pk=workspace.pk).update(uuid=DEMO_WORKSPACE_ID)
            workspace.refresh_from_db()
        else:
            bundle_import_into(actor=actor, document=document, workspace=workspace, replace=True)
            workspace_update(actor=actor, workspace=workspace, data={"name": name})
        for email, member_name, role in [(DEMO_OWNER, "Alex Morgan", Role.OWNER), *DEMO_TEAM]:
            user = owner if email == DEMO_OWNER else _user(email, member_name, None)
            membership_set(actor=actor, workspace=workspace, user=user, role=role)
    # The first look at the demo shows the health check's findings, not an empty dashboard. The import
    # queued the originality index of the submitted texts; a database or Redis queue only runs it when a
    # worker does, so the demo indexes them here first (a queued job later indexes the same texts again).
    index_unindexed_submissions(workspace=workspace)
    check_run(actor=actor, workspace=workspace, trigger=CheckRun.Trigger.MANUAL)
    return DemoLogin(workspace=workspace, email=DEMO_OWNER, password=password)
