"""Every page and API operation x every persona: each gets exactly what its role allows.

Pages and operations are discovered from the URL conf and the API, so a new one is covered without
anyone listing it; each must declare its door policy (see accounts/web.py and accounts/api_door.py).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from outsourcer.accounts.door import ROLE_ACTIONS, WRITE_ACTIONS
from outsourcer.accounts.models import User, Workspace
from tests.conftest import PERSONAS, Personas, login_client, token_client
from tests.factories import (
    BriefFactory,
    ContractorFactory,
    EngagementFactory,
    MilestoneFactory,
    TimeEntryFactory,
)
from tests.urlconf import (
    SAMPLES,
    VALUE_ARGS,
    SampleMaker,
    _portal_contractor,
    api_operations,
    fill,
    sample_values,
    web_pages,
)

WORKSPACE_PAGES = [p for p in web_pages() if isinstance(p.policy, dict)]
OTHER_PAGES = [p for p in web_pages() if not isinstance(p.policy, dict)]
DENIED = {403, 404}


class Multipart(dict):
    """A request body sent as a multipart form (fields and files, as an upload is), not as JSON."""


# Request bodies for API operations that take one; an operation with a body and no sample fails loudly.
# A body may be made for the workspace and caller at hand: `(workspace, user) -> dict`; a `Multipart` one is
# sent as a form with its files.
API_BODIES: dict[tuple[str, str], dict | Callable[[Workspace, User], dict]] = {
    ("POST", "/workspaces"): {"name": "Made by the matrix", "time_zone": "Europe/Berlin"},
    ("PATCH", "/workspaces/{ws}"): {"region": "NY"},
    ("PATCH", "/workspaces/{ws}/members/{member}"): {"role": "viewer"},
    ("POST", "/workspaces/{ws}/invitations"): {"email": "new.person@example.test", "role": "viewer"},
    ("PUT", "/workspaces/{ws}/bundle"): {
        "format": "outsourcer-bundle",
        "version": 1,
        "workspace": {"name": "Acme Design", "base_currency": "EUR"},
    },
    ("POST", "/workspaces/{ws}/tasks"): {
        "name": "Matrix task",
        "hours_per_month": "6.5",
        "effectiveness": 2,
        "business_value": 3,
        "market_rate_per_hour": "45.00",
    },
    ("PATCH", "/workspaces/{ws}/tasks/{task}"): {"hours_per_month": 12, "status": "candidate"},
    ("POST", "/workspaces/{ws}/tasks/import"): {
        "csv": "name,hours_per_month,effectiveness,business_value\nRow,4,2,2\n"
    },
    ("POST", "/workspaces/{ws}/checks"): {"as_of": "2030-01-15"},
    # A month ahead: a snooze must end after today (in any zone) and within a year.
    ("POST", "/workspaces/{ws}/findings/{finding}/snooze"): {
        "until": (dt.date.today() + dt.timedelta(days=30)).isoformat()
    },
    ("POST", "/workspaces/{ws}/findings/{finding}/dismiss"): {"reason": "We keep this in-house on purpose."},
    ("POST", "/workspaces/{ws}/findings/{finding}/reopen"): {},
    ("POST", "/workspaces/{ws}/contractors"): {
        "name": "Matrix Contractor",
        "email": "matrix@example.test",
        "working_hours": {"timezone": "Europe/Berlin", "start": "09:00", "end": "17:00"},
        "skills": ["design"],
        "hourly_rate": "40.00",
        "currency": "EUR",
    },
    ("PATCH", "/workspaces/{ws}/contractors/{contractor}"): {
        "hourly_rate": "50.00",
        "skills": ["bookkeeping", "payroll"],
    },
    ("POST", "/workspaces/{ws}/contractors/{contractor}/stage"): {"stage": "trial"},
    ("POST", "/workspaces/{ws}/contractors/{contractor}/references"): {
        "name": "Dana Reference",
        "checked_on": "2026-11-02",
        "outcome": "positive",
    },
    ("POST", "/workspaces/{ws}/contractors/{contractor}/interviews"): {
        "held_on": "2026-11-03",
        "scores": {"skills": 4},
    },
    ("POST", "/workspaces/{ws}/contractors/{contractor}/documents"): {"kind": "nda", "signed_on": "2026-11-05"},
    ("POST", "/workspaces/{ws}/contractors/{contractor}/red-flags"): {"kind": "other", "noted_on": "2026-11-04"},
    ("PATCH", "/workspaces/{ws}/references/{reference}"): {"outcome": "mixed"},
    ("PATCH", "/workspaces/{ws}/interviews/{interview}"): {"scores": {"reliability": 5}},
    ("PATCH", "/workspaces/{ws}/documents/{document}"): {"expires_on": "2027-01-10"},
    ("PATCH", "/workspaces/{ws}/red-flags/{red_flag}"): {"resolved": True},
    ("POST", "/workspaces/{ws}/contractors/{contractor}/trials"): {
        "title": "Matrix trial",
        "start_on": "2026-12-01",
        "end_on": "2026-12-14",
        "budget": "300",
    },
    ("POST", "/workspaces/{ws}/trials/{engagement}/finish"): {"passed": True, "overall": 4, "on": "2026-12-15"},
    ("PUT", "/workspaces/{ws}/scorecard-weights"): {"references": 2, "interviews": 2, "trial": 4, "ratings": 3},
    # Engagements: the sample engagement is an active trial, started 2026-11-01, with no brief.
    ("POST", "/workspaces/{ws}/engagements"): lambda workspace, user: {
        "contractor": str(ContractorFactory(workspace=workspace).uuid),
        "title": "Matrix engagement",
        "rate": {"model": "hourly", "amount": "55.00", "weekly_hour_cap": "20"},
    },
    ("PATCH", "/workspaces/{ws}/engagements/{engagement}"): {"title": "Matrix, renamed", "rate": {"amount": "450"}},
    ("POST", "/workspaces/{ws}/engagements/{engagement}/status"): {"status": "paused"},
    ("PUT", "/workspaces/{ws}/engagements/{engagement}/brief"): {
        "goals": "Win more local customers with a clearer website.",
        "deliverables": ["Home page copy"],
        "acceptance_criteria": ["Reads at grade 8 or below"],
    },
    ("POST", "/workspaces/{ws}/engagements/{engagement}/brief/send"): {"note": "The first version."},
    ("PUT", "/workspaces/{ws}/engagements/{engagement}/communication"): {
        "point_person": "Maya Chen",
        "channels": ["email", "video"],
        "important_topics_channel": "video",
        "cadence": "weekly",
        "needs_overlap_hours": "2",
    },
    ("POST", "/workspaces/{ws}/engagements/{engagement}/check-ins"): {"on": "2026-11-20", "kind": "meeting"},
    ("PATCH", "/workspaces/{ws}/check-ins/{check_in}"): {"notes": "Went through the draft together."},
    ("POST", "/workspaces/{ws}/engagements/{engagement}/time-entries"): {
        "worked_on": "2026-11-17",
        "hours": "2.5",
        "submit": True,
    },
    ("PATCH", "/workspaces/{ws}/time-entries/{time_entry}"): {"hours": "4"},
    ("POST", "/workspaces/{ws}/time-entries/{time_entry}/submit"): {},
    ("POST", "/workspaces/{ws}/time-entries/{time_entry}/decide"): {"approve": True},
    ("POST", "/workspaces/{ws}/engagements/{engagement}/ratings"): {"on": "2026-11-30", "overall": 4},
    ("POST", "/workspaces/{ws}/commitments"): {
        "customer": "Matrix customer",
        "title": "Matrix promise",
        "promised_on": "2027-02-01",
    },
    ("PATCH", "/workspaces/{ws}/commitments/{commitment}"): {"buffer_days": 5},
    # Deliverables: the sample milestone waits for review, with a text submission and a brief of two criteria.
    ("POST", "/workspaces/{ws}/engagements/{engagement}/milestones"): {"title": "Matrix", "due_on": "2027-01-15"},
    ("PATCH", "/workspaces/{ws}/milestones/{milestone}"): {"due_on": "2027-02-01"},
    ("POST", "/workspaces/{ws}/milestones/{milestone}/submissions"): {"text": "The revised home page copy."},
    ("POST", "/workspaces/{ws}/milestones/{milestone}/reviews"): {
        "reviewed_on": "2026-11-26",
        "decision": "accepted",
        "criteria_met": [True, True],
    },
    ("PATCH", "/workspaces/{ws}/reviews/{review}"): {"shared_with_contractor": False},
    ("POST", "/workspaces/{ws}/milestones/{milestone}/deliver"): {"on": "2026-12-01", "confirm_unreviewed": True},
    ("POST", "/workspaces/{ws}/reference-texts"): {
        "title": "Our about page",
        "text": "We design brands for small businesses in New York and have done so since 2009. Our studio works "
        "with bakeries, clinics and shops that want to look as good as they are, and we write every word ourselves.",
    },
    # The contractor portal: the contractor persona's samples are their own.
    ("POST", "/workspaces/{ws}/portal/milestones/{milestone}/submissions"): {"text": "Here is my revision."},
    ("POST", "/workspaces/{ws}/portal/engagements/{engagement}/time-entries"): {
        "worked_on": "2026-11-18",
        "hours": 1.5,
    },
    ("POST", "/workspaces/{ws}/portal/time-entries/{time_entry}/submit"): {},
    # Money: the sample invoice is approved (received 2026-11-02), of an active engagement.
    ("POST", "/workspaces/{ws}/invoices"): lambda workspace, user: {
        "engagement": str(EngagementFactory(contractor=ContractorFactory(workspace=workspace)).uuid),
        "number": "M-1",
        "amount": "750.00",
        "received_on": "2026-11-20",
    },
    ("PATCH", "/workspaces/{ws}/invoices/{invoice}"): {"number": "M-2", "amount": "800"},
    ("POST", "/workspaces/{ws}/invoices/{invoice}/status"): {
        "status": "paid",
        "paid_on": "2026-11-25",
        "channel": "ach",
    },
    ("POST", "/workspaces/{ws}/portal/engagements/{engagement}/invoices"): {
        "number": "P-7",
        "amount": "300.00",
        "issued_on": "2026-11-20",
    },
    # Agreements: the sample engagement's agreement is a draft until saved; signing uploads a PDF copy.
    ("PUT", "/workspaces/{ws}/engagements/{engagement}/agreement"): {
        "business_address": "1 Main Street, Brooklyn, NY 11201",
        "services": "Home page copy\nThree case studies",
        "total_value": None,
    },
    # Worker status: true points toward employment; left out is not sure.
    ("POST", "/workspaces/{ws}/engagements/{engagement}/classifications"): {
        "answers": {"provides_tools": True, "paid_by_time_not_result": False, "open_ended": None},
        "assessed_on": "2026-11-20",
        "reasonable_basis": "Written advice of our accountant.",
    },
    ("POST", "/workspaces/{ws}/engagements/{engagement}/agreement/sign"): lambda workspace, user: Multipart(
        signed_on="2026-11-02", file=SimpleUploadedFile("signed.pdf", b"%PDF-1.4\n%%EOF\n")
    ),
    # Risks: the sample risk is open, about an engagement; the suggestion key is one every engagement is offered.
    ("POST", "/workspaces/{ws}/risks"): lambda workspace, user: {
        "engagement": str(EngagementFactory(contractor=ContractorFactory(workspace=workspace)).uuid),
        "category": "operational",
        "title": "Matrix risk: the work slips past the customer's date",
        "likelihood": 3,
        "impact": 4,
    },
    ("PATCH", "/workspaces/{ws}/risks/{risk}"): {
        "status": "mitigated",
        "mitigation": "A second contractor is on call.",
    },
    ("POST", "/workspaces/{ws}/engagements/{engagement}/risk-suggestions/{key}"): {},
    # Access and exit: the sample grant is open (granted 2026-11-01); ticks need an ended engagement (API_SAMPLES).
    ("PUT", "/workspaces/{ws}/engagements/{engagement}/exit-plan"): {
        "steps": "Export the files\nClose the accounts",
        "handover_kind": "person",
        "handover_person": "Maya Chen",
        "data_return": True,
        "reviewed_on": "2026-11-20",
    },
    ("POST", "/workspaces/{ws}/engagements/{engagement}/access-grants"): {
        "system": "Matrix CMS",
        "level": "write",
        "granted_on": "2026-11-01",
        "expires_on": "2027-01-31",
    },
    ("PATCH", "/workspaces/{ws}/access-grants/{grant}"): {"level": "read", "expires_on": None},
    ("POST", "/workspaces/{ws}/access-grants/{grant}/revoke"): {"on": "2026-11-30"},
    ("POST", "/workspaces/{ws}/engagements/{engagement}/offboarding/revoke-all"): {},
    ("POST", "/workspaces/{ws}/engagements/{engagement}/offboarding/{step}"): {"note": "Files are back."},
}


def _draft_engagement(workspace: Workspace, user: User) -> str:
    return str(EngagementFactory(contractor=_portal_contractor(workspace, user), status="draft").uuid)


def _briefed_engagement(workspace: Workspace, user: User) -> str:
    return str(
        BriefFactory(engagement=EngagementFactory(contractor=_portal_contractor(workspace, user))).engagement.uuid
    )


def _milestone_without_work(workspace: Workspace, user: User) -> str:
    return str(MilestoneFactory(engagement=EngagementFactory(contractor=_portal_contractor(workspace, user))).uuid)


def _draft_time_entry(workspace: Workspace, user: User) -> str:
    engagement = EngagementFactory(contractor=_portal_contractor(workspace, user), rate_model="hourly")
    return str(TimeEntryFactory(engagement=engagement, status="draft").uuid)


def _received_invoice(workspace: Workspace, user: User) -> str:
    from decimal import Decimal

    from outsourcer.core.actor import Actor
    from outsourcer.payments.services import invoice_create

    engagement = EngagementFactory(contractor=_portal_contractor(workspace, user))
    return str(invoice_create(actor=Actor.cli(), engagement=engagement, data={"amount": Decimal("120.00")}).uuid)


def _completed_engagement(workspace: Workspace, user: User) -> str:
    return str(EngagementFactory(contractor=_portal_contractor(workspace, user), status="completed").uuid)


# Operations that need their object in another state than the shared sample of tests/urlconf.py.
API_SAMPLES: dict[tuple[str, str], dict[str, SampleMaker]] = {
    ("DELETE", "/workspaces/{ws}/engagements/{engagement}"): {"engagement": _draft_engagement},
    ("POST", "/workspaces/{ws}/engagements/{engagement}/brief/send"): {"engagement": _briefed_engagement},
    ("DELETE", "/workspaces/{ws}/milestones/{milestone}"): {"milestone": _milestone_without_work},
    ("POST", "/workspaces/{ws}/time-entries/{time_entry}/submit"): {"time_entry": _draft_time_entry},
    ("POST", "/workspaces/{ws}/portal/time-entries/{time_entry}/submit"): {"time_entry": _draft_time_entry},
    ("PATCH", "/workspaces/{ws}/invoices/{invoice}"): {"invoice": _received_invoice},
    ("DELETE", "/workspaces/{ws}/invoices/{invoice}"): {"invoice": _received_invoice},
    ("POST", "/workspaces/{ws}/engagements/{engagement}/offboarding/{step}"): {"engagement": _completed_engagement},
}


def op_values(op, workspace: Workspace, user: User) -> dict[str, str]:
    values = sample_values(op.args, workspace, user)
    for arg, make in API_SAMPLES.get((op.method, op.path), {}).items():
        values[arg] = make(workspace, user)
    return values


def allowed(persona: str, action: str | None) -> bool:
    if persona == "outsider":
        return False
    return action in ROLE_ACTIONS[persona]


def test_every_page_declares_its_door_policy():
    missing = [p.route for p in web_pages() if p.policy is None]
    assert not missing, f"views without a door policy (use @workspace_view, @account_view or @public_view): {missing}"


def test_every_api_operation_declares_its_action():
    missing = [f"{o.method} {o.path}" for o in api_operations() if o.action is None]
    assert not missing, f"API operations without @requires(...): {missing}"


@pytest.mark.parametrize("page", WORKSPACE_PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_workspace_pages(page, persona, method, personas: Personas):
    user = personas.user(persona)
    action = page.policy.get(method)
    url = fill(page.route, sample_values(page.args, personas.workspace, user))
    client = login_client(user)
    response = client.get(url) if method == "GET" else client.post(url, {})
    if action is None:
        assert response.status_code == 405, url
    elif allowed(persona, action):
        assert response.status_code not in DENIED | {405} and response.status_code < 500, (
            f"{persona} should be able to {method} {url} ({action}) but got {response.status_code}"
        )
    else:
        expected = 404 if persona == "outsider" else 403
        assert response.status_code == expected, f"{persona} {method} {url}: {response.status_code}"


@pytest.mark.parametrize("page", WORKSPACE_PAGES, ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_anonymous_is_sent_to_login(page, method, personas: Personas):
    url = fill(page.route, sample_values(page.args, personas.workspace, personas.owner))
    response = Client().get(url) if method == "GET" else Client().post(url, {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


@pytest.mark.parametrize(
    ("page", "method"),
    [(p, m) for p in WORKSPACE_PAGES if set(p.args) - {"ws"} - VALUE_ARGS for m in ("GET", "POST") if p.policy.get(m)],
    ids=lambda v: getattr(v, "name", v),
)
def test_objects_of_another_workspace_are_absent(page, method, personas: Personas):
    """The owner of Acme asks for an object of Other Co through Acme's URL: it does not exist."""
    foreign = sample_values(page.args, personas.other_workspace, personas.outsider)
    values = {**foreign, "ws": str(personas.workspace.uuid)}
    client = login_client(personas.owner)
    url = fill(page.route, values)
    response = client.get(url) if method == "GET" else client.post(url, {"role": "viewer", "remove": "1"})
    assert response.status_code == 404, url


@pytest.mark.parametrize("page", OTHER_PAGES, ids=lambda p: p.name or p.route)
def test_public_and_account_pages_never_fail(page, personas: Personas):
    url = fill(page.route, {arg: "x" for arg in page.args})
    anonymous = Client().get(url)
    if page.policy == "account":
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    else:
        assert anonymous.status_code < 500
    for persona in PERSONAS:
        assert login_client(personas.user(persona)).get(url).status_code < 500


# --- API ------------------------------------------------------------------------------------------

OPERATIONS = api_operations()


def _call(client: Client, op, url: str, body: dict | None):
    if isinstance(body, Multipart):
        return getattr(client, op.method.lower())(url, data=dict(body))
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return getattr(client, op.method.lower())(url, **kwargs)


def _body(op, personas: Personas, user: User | None = None) -> dict | None:
    if op.method in {"GET", "DELETE"}:
        return None
    key = (op.method, op.path)
    assert key in API_BODIES, f"add a sample request body for {op.method} {op.path} to API_BODIES"
    body = API_BODIES[key]
    return body(personas.workspace, user or personas.owner) if callable(body) else body


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: f"{o.method} {o.path}")
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("auth", ["token", "session"])
def test_api_operations(op, persona, auth, personas: Personas):
    user = personas.user(persona)
    client = token_client(user, personas.workspace) if auth == "token" else login_client(user)
    url = op.url(op_values(op, personas.workspace, user))
    response = _call(client, op, url, _body(op, personas, user))
    # Reading roles hold read-only tokens, and a read-only token never changes anything.
    read_only_token = persona in {"viewer", "contractor"}
    unsafe = op.method not in {"GET", "HEAD", "OPTIONS"}
    # JSON, but for nothing at all (204), the CSV an export answers with and an agreement's PDF.
    assert response["Content-Type"].startswith(("application/json", "text/csv", "application/pdf")) or (
        response.status_code == 204
    )
    if op.action == "account":
        if op.method == "POST" and auth == "token":
            assert response.status_code == 403  # creating workspaces needs the browser session
        else:
            assert response.status_code < 300, response.content
    elif allowed(persona, op.action) and not (auth == "token" and read_only_token and unsafe):
        assert response.status_code < 300, (
            f"{persona} {op.method} {url}: {response.status_code} {response.content[:300]}"
        )
    else:
        expected = 404 if persona == "outsider" else 403
        assert response.status_code == expected, f"{persona} {op.method} {url}: {response.status_code}"
        assert "message" in response.json()


UNSAFE = [o for o in OPERATIONS if o.method not in {"GET", "HEAD", "OPTIONS"}]
# Unsafe operations a reading role may still perform on its own things.
READER_WRITES = {("DELETE", "/workspaces/{ws}/tokens/{token}"), ("POST", "/workspaces")}


def test_unsafe_operations_declare_a_writing_action():
    loose = [
        f"{o.method} {o.path}"
        for o in UNSAFE
        if o.action not in WRITE_ACTIONS and (o.method, o.path) not in READER_WRITES
    ]
    assert not loose, f"unsafe operations that only declare reading: {loose}"


@pytest.mark.parametrize("op", [o for o in UNSAFE if o.action != "account"], ids=lambda o: f"{o.method} {o.path}")
def test_read_only_token_cannot_write(op, personas: Personas):
    client = token_client(personas.owner, personas.workspace, read_only=True)
    url = op.url(op_values(op, personas.workspace, personas.owner))
    response = _call(client, op, url, _body(op, personas))
    assert response.status_code == 403
    assert response.json()["message"] == "This API token is read-only."


@pytest.mark.parametrize("op", [o for o in OPERATIONS if "ws" in o.args], ids=lambda o: f"{o.method} {o.path}")
def test_token_opens_only_its_own_workspace(op, personas: Personas):
    """The outsider's token is valid, but for Other Co; Acme stays invisible to it."""
    client = token_client(personas.outsider, personas.other_workspace)
    url = op.url(op_values(op, personas.workspace, personas.owner))
    assert _call(client, op, url, _body(op, personas)).status_code == 404


@pytest.mark.parametrize(
    "op", [o for o in OPERATIONS if set(o.args) - {"ws"} - VALUE_ARGS], ids=lambda o: f"{o.method} {o.path}"
)
def test_api_objects_of_another_workspace_are_absent(op, personas: Personas):
    client = token_client(personas.owner, personas.workspace)
    foreign = op_values(op, personas.other_workspace, personas.outsider)
    url = op.url({**foreign, "ws": str(personas.workspace.uuid)})
    assert _call(client, op, url, _body(op, personas)).status_code == 404


@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: f"{o.method} {o.path}")
def test_api_without_credentials_is_401(op, personas: Personas):
    url = op.url({arg: str(personas.workspace.uuid) for arg in op.args})
    response = _call(Client(), op, url, _body(op, personas))
    assert response.status_code == 401
    assert response.json()["message"].startswith("Authentication required")


def test_samples_cover_every_argument():
    args = {a for p in WORKSPACE_PAGES for a in p.args} | {a for o in OPERATIONS for a in o.args}
    assert args - {"ws"} <= set(SAMPLES), f"add sample makers for {sorted(args - {'ws'} - set(SAMPLES))}"
