#!/usr/bin/env python
"""Benchmark harness: generate a workspace, serve it, load it over loopback, print a Markdown table.

    .venv/bin/python scripts/bench.py [--members 200] [--audit 20000] [--contractors 10000] [--seconds 10]

Everything happens in a throwaway data directory; the server is `outsourcer serve` in production mode
on 127.0.0.1, and the load comes from this process (threads with keep-alive connections), bounded
in time. Timing limits belong here, never in the test suite.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "outsourcer"

GENERATE = """
import os
from outsourcer.accounts.models import Membership, Role, User, Workspace
from outsourcer.accounts.services import api_token_create
from outsourcer.audit.models import AuditEntry
from outsourcer.core.actor import Actor
members, audit = int(os.environ["BENCH_MEMBERS"]), int(os.environ["BENCH_AUDIT"])
ws = Workspace.objects.get(slug="brightline-studio")
owner = User.objects.get(email="owner@brightline.example")
users = User.objects.bulk_create([User(email=f"bench{i}@example.test", name=f"Bench {i}") for i in range(members)])
Membership.objects.bulk_create([Membership(user=u, workspace=ws, role=Role.VIEWER) for u in users])
AuditEntry.objects.bulk_create([
    AuditEntry(workspace=ws, actor=owner, actor_label=owner.email, face="api", action="workspace.update",
               object_type="accounts.workspace", object_uuid=ws.uuid, object_repr=ws.name,
               changes={"region": [str(i), str(i + 1)]})
    for i in range(audit)
], batch_size=2000)
from django.db import connection
with connection.cursor() as cursor:  # the statistics autovacuum would gather within a minute
    cursor.execute("ANALYZE")
_token, raw = api_token_create(actor=Actor.cli(), workspace=ws, user=owner, name="bench", read_only=True)

# A directory of BENCH_CONTRACTORS people, seeded, with the records vetting keeps.
import datetime as dt, random
from decimal import Decimal
from outsourcer.contractors.models import Contractor, Interview, RedFlag, ReferenceCheck
rng = random.Random(11)
zones = [("America/Chicago", 9, 17), ("Europe/Warsaw", 8, 16), ("Asia/Manila", 9, 18), ("Europe/London", 9, 17),
         ("Asia/Kolkata", 18, 2), ("Australia/Sydney", 9, 17), ("America/New_York", 10, 18)]
skills = ["bookkeeping", "design", "seo", "web development", "copywriting", "social media", "billing", "email"]
first = ["Ann", "Bo", "Chen", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivo", "Jun", "Kai", "Lena", "Marta", "Noor"]
last = ["Lee", "Nowak", "Santos", "Patel", "Smith", "Garcia", "Kim", "Müller", "Rossi", "Silva", "Tanaka", "Okafor"]
n = int(os.environ.get("BENCH_CONTRACTORS", "0"))
people = []
for i in range(n):
    zone, start, end = rng.choice(zones)
    people.append(Contractor(
        workspace=ws, ref=f"bench-{i}", name=f"{rng.choice(first)} {rng.choice(last)} {i}",
        email=f"bench{i}@contractors.example", time_zone=zone, work_start=dt.time(start), work_end=dt.time(end),
        work_days=[1, 2, 3, 4, 5], skills_text=Contractor.skills_to_text(rng.sample(skills, 2)),
        hourly_rate=Decimal(rng.randint(15, 150)), currency="USD",
        stage=rng.choice(["prospect", "vetting", "trial", "approved", "preferred", "inactive"]),
    ))
people = Contractor.objects.bulk_create(people, batch_size=2000)
ReferenceCheck.objects.bulk_create([
    ReferenceCheck(workspace=ws, contractor=c, name="A client", checked_on=dt.date(2026, 10, 1),
                   outcome=rng.choice(["positive", "mixed", "negative"])) for c in people], batch_size=2000)
Interview.objects.bulk_create([
    Interview(workspace=ws, contractor=c, held_on=dt.date(2026, 10, 2), score_skills=rng.randint(1, 5),
              score_communication=rng.randint(1, 5), identity_verified=True) for c in people], batch_size=2000)
RedFlag.objects.bulk_create([
    RedFlag(workspace=ws, contractor=c, kind="other", noted_on=dt.date(2026, 10, 3)) for c in people[::50]])

from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
session = import_module(settings.SESSION_ENGINE).SessionStore()
session[SESSION_KEY] = str(owner.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = owner.get_session_auth_hash()
session.create()
from django.db import connection as _connection
with _connection.cursor() as cursor:
    cursor.execute("ANALYZE")
print(raw, ws.uuid, f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited before it answered")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not answer within 60 s")


def load(port: int, path: str, headers: dict[str, str], seconds: float, connections: int) -> dict[str, float]:
    """Keep `connections` keep-alive clients busy for `seconds`; return throughput and latency."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    with lock:
                        errors[0] += 1
            except OSError:
                with lock:
                    errors[0] += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    begun = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - begun
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else 0.0,
        "errors": errors[0],
    }


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if match is None:
        raise SystemExit(f"cannot read wrk's latency {text!r}")
    number, unit = match.groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def load_wrk(port: int, path: str, headers: dict[str, str], seconds: float, connections: int) -> dict[str, float]:
    """The same measurement with wrk (C, event loop), so the load generator costs less CPU than ours."""
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    out = subprocess.run([*argv, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": total,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "p99": _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),  # type: ignore[union-attr]
        "errors": (int(bad.group(1)) if bad else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--audit", type=int, default=20000)
    parser.add_argument("--contractors", type=int, default=0, help="directory size to generate and measure")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--tool",
        choices=["wrk", "python"],
        default="wrk" if shutil.which("wrk") else "python",
        help="load generator (wrk when installed)",
    )
    parser.add_argument("--database-url", default="", help="PostgreSQL URL of an empty database (default SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="outsourcer-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("OUTSOURCER_", "DJANGO_", "DATABASE_URL"))}
        env.update(OUTSOURCER_DATA_DIR=tmp, OUTSOURCER_SECRET_KEY="bench-" + "k" * 50, OUTSOURCER_HTTPS="0")
        if args.database_url:
            env["DATABASE_URL"] = args.database_url
        run = {"env": env, "check": True, "capture_output": True, "text": True}
        subprocess.run([str(BIN), "demo"], **run)  # noqa: S603
        out = subprocess.run(  # noqa: S603
            [str(BIN), "shell", "--no-imports", "-c", GENERATE],
            **{
                **run,
                "env": {
                    **env,
                    "BENCH_MEMBERS": str(args.members),
                    "BENCH_AUDIT": str(args.audit),
                    "BENCH_CONTRACTORS": str(args.contractors),
                },
            },
        ).stdout.split()
        token, ws, cookie = out[-3], out[-2], out[-1]
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [str(BIN), "serve", "--port", str(port), "--workers", str(args.workers), "--no-worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_up(port, server)
            auth = {"Authorization": f"Bearer {token}"}
            targets = [
                ("GET /healthz", "/healthz", {}),
                ("GET /api/v1/openapi.json", "/api/v1/openapi.json", {}),
                (f"GET members ({args.members + 3} rows, API)", f"/api/v1/workspaces/{ws}/members", auth),
                (f"GET activity (first 50 of {args.audit}, API)", f"/api/v1/workspaces/{ws}/activity", auth),
                ("GET workspace (API)", f"/api/v1/workspaces/{ws}", auth),
            ]
            if args.contractors:
                web = {"Cookie": cookie}
                n = f"{args.contractors:,}"
                targets += [
                    (f"GET directory, search a name (web, {n} contractors)", f"/w/{ws}/contractors/?q=Lena", web),
                    (
                        f"GET directory, skill + stage (web, {n})",
                        f"/w/{ws}/contractors/?skill=design&stage=approved",
                        web,
                    ),
                    (f"GET directory, overlap >= 2 h (web, {n})", f"/w/{ws}/contractors/?overlap=2", web),
                    (f"GET directory, standing good (web, {n})", f"/w/{ws}/contractors/?standing=good", web),
                    (f"GET contractors, skill (API, {n})", f"/api/v1/workspaces/{ws}/contractors?skill=seo", auth),
                ]
            rows = []
            measure = load_wrk if args.tool == "wrk" else load
            for label, path, headers in targets:
                load(port, path, headers, 1, 2)  # warm up
                rows.append((label, measure(port, path, headers, args.seconds, args.connections)))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    engine = "PostgreSQL" if args.database_url else "SQLite (WAL)"
    print(
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{engine}; gunicorn {args.workers} workers x 4 threads; {args.connections} connections, "
        f"{args.seconds:.0f} s per row; load by {args.tool} over 127.0.0.1.\n"
    )
    print("| request | requests/s | median ms | p99 ms | requests | errors |")
    print("|---|--:|--:|--:|--:|--:|")
    for label, r in rows:
        print(
            f"| {label} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['requests']:.0f} | {r['errors']:.0f} |"
        )
    print("\n" + json.dumps({label: r for label, r in rows}))


if __name__ == "__main__":
    main()
