"""A scratch PostgreSQL database for tests that run the app in a separate process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import require_service

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def admin_url() -> str:
    return os.environ.get("OUTSOURCER_TEST_PG_ADMIN_URL", DEFAULT_URL)


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(admin_url(), connect_timeout=3):
            return True
    except Exception:
        return False


@contextmanager
def pg_scratch_database(name: str) -> Iterator[str]:
    """A new, empty database named after `name` and this process (the SQLite and PostgreSQL runs of the suite
    go side by side: each needs its own)."""
    require_service(pg_available(), f"PostgreSQL at {admin_url()}")
    import psycopg

    name = f"{name}_{os.getpid()}"

    with psycopg.connect(admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url().rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(admin_url(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
