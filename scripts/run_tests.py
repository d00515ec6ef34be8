#!/usr/bin/env python
"""Run the whole suite: once on SQLite, once on PostgreSQL, side by side.

Extra arguments go to pytest. Outside CI a missing PostgreSQL skips that run with a clear note; in
CI (CI=true) it is a failure. Redis and Chromium are checked by the tests that need them, the same way.

The two runs go at the same time, one a core: the SQLite run prints as it goes, the PostgreSQL
run's output is kept in test-results/postgresql.log and printed when it ends. Each run has a Redis
database of its own (15 and 14), since the Redis tests empty theirs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_URL = os.environ.get("OUTSOURCER_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/outsourcer")
REDIS_URL = os.environ.get("OUTSOURCER_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PG_REDIS_URL = os.environ.get("OUTSOURCER_TEST_REDIS_URL_PG", REDIS_URL.rsplit("/", 1)[0] + "/14")


def postgres_reachable(url: str) -> str | None:
    try:
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, connect_timeout=3):
            return None
    except Exception as exc:
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


COUNTS = {"passed": 0, "failed": 0, "skipped": 0, "errors": 0}
SUMMARY_FILE = Path("test-results") / "summary.txt"


def _count(last: str) -> None:
    for number, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)\b", last):
        COUNTS["errors" if word.startswith("error") else word] += int(number)


def _closing(line: str, last: str) -> str:
    return line if re.search(r"\d+ (passed|failed|skipped|errors?) ", line + " ") else last


def pytest_start(env: dict[str, str], args: list[str], log: Path | None) -> subprocess.Popen[str]:
    out = log.open("w") if log is not None else subprocess.PIPE
    return subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "pytest", *args], env=env, stdout=out, stderr=subprocess.STDOUT, text=True, bufsize=1
    )


def pytest_follow(label: str, proc: subprocess.Popen[str], started: float) -> int:
    """Echo a run's output as it comes; add its closing counts to COUNTS."""
    print(f"\n=== {label} ===", flush=True)
    last = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)
        last = _closing(line, last)
    code = proc.wait()
    _count(last)
    print(f"=== {label}: exit {code} in {time.monotonic() - started:.0f}s ===", flush=True)
    return code


def pytest_collect(label: str, proc: subprocess.Popen[str], log: Path, started: float) -> int:
    """Wait for a run that wrote to `log`, then print it whole and count it."""
    code = proc.wait()
    print(f"\n=== {label} ===", flush=True)
    last = ""
    for line in log.read_text(errors="replace").splitlines(keepends=True):
        sys.stdout.write(line)
        last = _closing(line, last)
    _count(last)
    print(f"=== {label}: exit {code} in {time.monotonic() - started:.0f}s ===", flush=True)
    return code


def main() -> int:
    args = sys.argv[1:]
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    results: dict[str, int | str] = {}
    started = time.monotonic()
    SUMMARY_FILE.parent.mkdir(exist_ok=True)

    problem = postgres_reachable(PG_URL)
    pg_proc = None
    pg_log = SUMMARY_FILE.parent / "postgresql.log"
    if problem is None:
        pg_env = {**base, "DATABASE_URL": PG_URL, "OUTSOURCER_TEST_REDIS_URL": PG_REDIS_URL}
        pg_proc = pytest_start(pg_env, args, pg_log)
        print(f"PostgreSQL run started beside the SQLite one; its output: {pg_log}", flush=True)
    sqlite_proc = pytest_start({**base, "OUTSOURCER_TEST_REDIS_URL": REDIS_URL}, args, None)
    results["SQLite"] = pytest_follow("SQLite", sqlite_proc, started)

    if pg_proc is not None:
        results["PostgreSQL"] = pytest_collect("PostgreSQL", pg_proc, pg_log, started)
    elif IN_CI:
        print(f"PostgreSQL is required in CI but not reachable at {PG_URL}: {problem}", file=sys.stderr)
        results["PostgreSQL"] = 1
    else:
        print(
            f"\nSKIPPED the PostgreSQL run: no server at {PG_URL} ({problem}). "
            "Set OUTSOURCER_TEST_DATABASE_URL to point at one."
        )
        results["PostgreSQL"] = "skipped"

    failed_total = COUNTS["failed"] + COUNTS["errors"]
    line = f"{COUNTS['passed']} passed, {failed_total} failed, {COUNTS['skipped']} skipped"
    SUMMARY_FILE.write_text(line + "\n")
    print(
        "\nSummary: "
        + ", ".join(f"{k}: {'passed' if v == 0 else v if isinstance(v, str) else 'FAILED'}" for k, v in results.items())
    )
    # pytest's 5 means "no tests collected": with a filter that is fine, never for the whole suite.
    failed = [k for k, v in results.items() if isinstance(v, int) and v not in (0, 5 if args else 0)]
    print(f"tests: {line}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
