"""The scale-out path: Redis as the cache (login throttling) and RQ as the task backend."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.conftest import PASSWORD, Personas, require_service
from tests.settings import TEST_REDIS_URL as REDIS_URL

pytestmark = pytest.mark.redis


def redis_available() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture
def redis_settings(settings):
    require_service(redis_available(), f"Redis at {REDIS_URL}")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "outsourcer-test",
        }
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    yield settings
    redis.Redis.from_url(REDIS_URL).flushdb()


def test_login_throttle_counts_in_redis(client, personas: Personas, redis_settings):
    import redis

    redis_settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        client.post("/accounts/login/", {"username": personas.owner.email, "password": "nope"})
    keys = redis.Redis.from_url(REDIS_URL).keys("outsourcer-test*login-fail*")
    assert keys, "the failures were not counted in Redis"
    response = client.post("/accounts/login/", {"username": personas.owner.email, "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.django_db(transaction=True)
def test_invitation_email_goes_through_an_rq_worker(redis_settings):
    from django_rq import get_queue
    from rq import SimpleWorker

    from outsourcer.accounts.services import invitation_create
    from outsourcer.core.actor import Actor
    from tests.factories import WorkspaceFactory

    ws = WorkspaceFactory(name="Queue Co")
    invitation_create(actor=Actor.cli(), workspace=ws, email="queued@example.test", role="viewer")
    queue = get_queue("default")
    assert queue.count == 1 and mail.outbox == []  # queued after commit, not sent in the request
    from django_tasks_rq import Job

    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
    assert [m.to for m in mail.outbox] == [["queued@example.test"]]
