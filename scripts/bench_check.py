#!/usr/bin/env python
"""Benchmark of the health check: time and query count of a whole-workspace check.

    .venv/bin/python scripts/bench_check.py [--tasks 1000] [--repeat 5] [--database-url postgres://.../empty_db]

Generates a workspace of `--tasks` varied tasks (a seeded mix that fires every plan rule) in a
throwaway SQLite data directory, or in the given empty PostgreSQL database, then times three kinds of
run: the first (every finding is new), a repeat over unchanged data, and a run after a tenth of the
tasks changed. Prints a Markdown table. Timing limits live here, never in the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each kind (the median is shown)")
    parser.add_argument("--profile", action="store_true", help="profile one run after changes instead")
    parser.add_argument("--database-url", default="", help="an EMPTY PostgreSQL database; default: SQLite")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="outsourcer-bench-check-")
    os.environ.update({"OUTSOURCER_DATA_DIR": data_dir, "OUTSOURCER_DEBUG": "0", "OUTSOURCER_SECRET_KEY": "b" * 50})
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "outsourcer.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from outsourcer.accounts.models import Workspace
    from outsourcer.checks.services import check_run
    from outsourcer.core.actor import Actor
    from outsourcer.planning.models import Task

    call_command("migrate", verbosity=0)
    rng = random.Random(7)  # noqa: S311 - a repeatable data set, not a secret
    ws = Workspace.objects.create(name="Bench", slug=f"bench-{rng.randrange(10**9)}", time_zone="UTC")
    statuses = ["in_house", "candidate", "outsourced", "retired"]
    Task.objects.bulk_create(
        [
            Task(
                workspace=ws,
                ref=f"t{i}",
                name=f"Task {i}",
                category=rng.choice(["bookkeeping", "design", "seo", "billing"]),
                hours_per_month=rng.randint(0, 60),
                effectiveness=rng.randint(1, 5),
                business_value=rng.randint(1, 5),
                knowledge=rng.choice(["none", "basic", "working", "expert"]),
                market_rate_per_hour=rng.randint(20, 120),
                status=rng.choice(statuses),
            )
            for i in range(args.tasks)
        ],
        batch_size=1000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    actor = Actor.cli()

    def timed() -> tuple[float, int, int]:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = check_run(actor=actor, workspace=ws)
            elapsed = time.perf_counter() - started
        return elapsed * 1000, len(ctx.captured_queries), len(result.open)

    if args.profile:  # where the time of a run after changes goes
        import cProfile

        timed()
        changed_refs = [f"t{i}" for i in range(0, args.tasks, 10)]
        Task.objects.filter(workspace=ws, ref__in=changed_refs).update(
            effectiveness=1, business_value=2, status="in_house", hours_per_month=30
        )
        cProfile.runctx("timed()", globals(), locals(), sort="cumtime")
        return 0
    first = timed()  # every finding new
    repeats = [timed() for _ in range(args.repeat)]
    changed = []
    for _ in range(args.repeat):
        sample = rng.sample(range(args.tasks), max(1, args.tasks // 10))
        Task.objects.filter(workspace=ws, ref__in=[f"t{i}" for i in sample]).update(
            hours_per_month=rng.randint(8, 60), status="in_house", effectiveness=1, business_value=2
        )
        changed.append(timed())

    print(f"{args.tasks:,} tasks on {connection.vendor}, {first[2]:,} open findings after the first run\n")
    print("| run | median ms | queries |")
    print("|---|--:|--:|")
    print(f"| first (every finding new) | {first[0]:.0f} | {first[1]} |")
    print(f"| again, data unchanged | {statistics.median(r[0] for r in repeats):.0f} | {repeats[-1][1]} |")
    print(f"| after a tenth of the tasks changed | {statistics.median(r[0] for r in changed):.0f} | {changed[-1][1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
