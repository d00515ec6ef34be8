#!/usr/bin/env python
"""Run the whole suite: once on SQLite, once on PostgreSQL.

Extra arguments go to pytest. Outside CI a missing PostgreSQL skips that run with a clear note; in
CI (CI=true) it is a failure. Redis and Chromium are checked by the tests that need them, the same way.
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


def pytest_run(label: str, env: dict[str, str], args: list[str]) -> int:
    """Run pytest, echoing its output, and add its closing counts to COUNTS."""
    print(f"\n=== {label} ===", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "pytest", *args], env=env, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    last = ""
    assert proc.stdout is not None
    for line in proc.stdout:
        sys.stdout.write(line)
        if re.search(r"\d+ (passed|failed|skipped|errors?) ", line + " "):
            last = line
    code = proc.wait()
    for number, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)\b", last):
        COUNTS["errors" if word.startswith("error") else word] += int(number)
    print(f"=== {label}: exit {code} in {time.monotonic() - started:.0f}s ===", flush=True)
    return code


def main() -> int:
    args = sys.argv[1:]
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    results: dict[str, int | str] = {}
    results["SQLite"] = pytest_run("SQLite", base, args)

    problem = postgres_reachable(PG_URL)
    if problem is None:
        results["PostgreSQL"] = pytest_run("PostgreSQL", {**base, "DATABASE_URL": PG_URL}, args)
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
    SUMMARY_FILE.parent.mkdir(exist_ok=True)
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
