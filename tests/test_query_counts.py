"""The number of queries behind every page does not grow with the number of rows.

Each page is measured with 5 rows of everything a workspace can hold, then with 50; the two counts
must be equal, and both under a ceiling. New kinds of rows join through ROW_MAKERS.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from outsourcer.accounts.models import Role, Workspace
from outsourcer.accounts.services import api_token_create, invitation_create, workspace_update
from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor
from outsourcer.planning.scoring import STATUSES
from tests.conftest import Personas, login_client
from tests.factories import (
    ContractorFactory,
    DocumentFactory,
    EngagementFactory,
    FindingFactory,
    InterviewFactory,
    MembershipFactory,
    RatingFactory,
    RedFlagFactory,
    ReferenceCheckFactory,
    TaskFactory,
    UserFactory,
    WorkspaceFactory,
)
from tests.urlconf import fill, sample_values, web_pages

CEILING = 25


def _members(ws: Workspace, owner, n: int) -> None:
    for _ in range(n):
        MembershipFactory(workspace=ws, user=UserFactory(), role=Role.VIEWER)


def _invitations(ws: Workspace, owner, n: int) -> None:
    for i in range(n):
        invitation_create(actor=Actor.cli(), workspace=ws, email=f"q{i}-{ws.invitations.count()}@x.test", role="viewer")


def _tokens(ws: Workspace, owner, n: int) -> None:
    for i in range(n):
        api_token_create(actor=Actor.cli(), workspace=ws, user=owner, name=f"t{i}", read_only=True)


def _audit(ws: Workspace, owner, n: int) -> None:
    for i in range(n):
        workspace_update(actor=Actor(user=owner, face="web"), workspace=ws, data={"region": f"R{i}-{n}"})


def _workspaces(ws: Workspace, owner, n: int) -> None:
    for _ in range(n):
        MembershipFactory(workspace=WorkspaceFactory(), user=owner, role=Role.OWNER)


def _tasks(ws: Workspace, owner, n: int) -> None:
    for i in range(n):
        # Varied scores, so every recommendation, quadrant and plan rule has rows.
        TaskFactory(workspace=ws, effectiveness=1 + i % 5, business_value=1 + (i // 5) % 5, status=STATUSES[i % 3])


def _findings(ws: Workspace, owner, n: int) -> None:
    check_run(actor=Actor.cli(), workspace=ws)  # the real findings of the rows above, and a trend point
    for i in range(n):
        FindingFactory(workspace=ws, severity=("error", "warning", "info")[i % 3])


def _contractors(ws: Workspace, owner, n: int) -> None:
    stages = ("prospect", "vetting", "trial", "approved", "preferred", "inactive", "blocked")
    for i in range(n):
        contractor = ContractorFactory(workspace=ws, stage=stages[i % len(stages)])
        ReferenceCheckFactory(contractor=contractor)
        InterviewFactory(contractor=contractor)
        DocumentFactory(contractor=contractor)
        RedFlagFactory(contractor=contractor, resolved=bool(i % 2))
        trial = EngagementFactory(contractor=contractor, kind="trial", status=("active", "completed")[i % 2])
        RatingFactory(engagement=trial, would_rehire=bool(i % 3))
        EngagementFactory(contractor=contractor, kind=("project", "ongoing")[i % 2])


ROW_MAKERS: list[Callable[[Workspace, object, int], None]] = [
    _members,
    _invitations,
    _tokens,
    _audit,
    _workspaces,
    _tasks,
    _contractors,
    _findings,
]

GET_PAGES = [p for p in web_pages() if isinstance(p.policy, dict) and p.policy.get("GET")]
GET_PAGES += [p for p in web_pages() if p.policy == "account"]


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", GET_PAGES, ids=lambda p: p.name)
def test_queries_do_not_grow_with_rows(page, personas: Personas):
    ws, owner = personas.workspace, personas.owner
    client = login_client(owner)
    url = fill(page.route, sample_values(page.args, ws, owner))
    for make in ROW_MAKERS:
        make(ws, owner, 5)
    client.get(url)  # warm the session and per-process caches
    small = _count(client, url)
    for make in ROW_MAKERS:
        make(ws, owner, 45)
    large = _count(client, url)
    assert small == large, f"{url}: {small} queries with 5 rows, {large} with 50"
    assert large <= CEILING, f"{url}: {large} queries"
