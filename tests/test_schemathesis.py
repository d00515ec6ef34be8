"""Property-based requests over the whole OpenAPI document: whatever comes in, never a 500."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from outsourcer.accounts.services import api_token_create
from outsourcer.core.actor import Actor
from outsourcer.wsgi import application
from tests.conftest import Personas

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: a request must not close the connection the test transaction lives on."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def owner_key(personas: Personas) -> tuple[str, str]:
    _token, raw = api_token_create(
        actor=Actor.cli(), workspace=personas.workspace, user=personas.owner, name="fuzz", read_only=False
    )
    return raw, str(personas.workspace.uuid)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_server_errors(case, owner_key):
    key, ws = owner_key
    if case.path_parameters and "ws" in case.path_parameters:
        case.path_parameters["ws"] = ws  # mostly the real workspace, so requests get past the door
    response = case.call(headers={"Authorization": f"Bearer {key}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    )
    if response.status_code >= 400:
        assert "message" in response.json()
