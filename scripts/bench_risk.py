#!/usr/bin/env python
"""Benchmark of the risk and compliance rules: a whole check over a workspace of many engagements.

    .venv/bin/python scripts/bench_risk.py [--engagements 2000] [--repeat 3] [--database-url postgres://.../empty_db]

Generates, in a throwaway SQLite data directory (or the given EMPTY PostgreSQL database), a workspace of
`--engagements` running engagements spread over one contractor per ten engagements, each with three
risks, two access grants (a tenth of them shared, a tenth expired), an agreement (a tenth unsigned) and a
classification assessment (a third with answers pointing toward employment), and a W-8BEN or W-9 per
contractor. Then times a whole health check: the first run (every finding new) and repeats over unchanged
data, with the query count of each. Timing limits live here, never in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engagements", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3, help="repeat runs over unchanged data (median shown)")
    parser.add_argument("--database-url", default="", help="an EMPTY PostgreSQL database; default: SQLite")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="outsourcer-bench-risk-")
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
    from outsourcer.compliance.models import ANSWER_FIELDS, Agreement, ClassificationAssessment
    from outsourcer.contractors.models import Contractor, Document
    from outsourcer.core.actor import Actor
    from outsourcer.engagements.models import Engagement
    from outsourcer.risk.models import AccessGrant, Risk

    call_command("migrate", verbosity=0)
    rng = random.Random(7)  # noqa: S311 - a repeatable data set, not a secret
    today = dt.date(2026, 12, 1)
    ws = Workspace.objects.create(
        name="Bench", slug=f"bench-{rng.randrange(10**9)}", time_zone="UTC", country="US", region="NY"
    )
    n = args.engagements
    contractors = Contractor.objects.bulk_create(
        [
            Contractor(
                workspace=ws, ref=f"c{i}", name=f"Contractor {i}", country="US", region="NY", stage="approved",
                us_person=True, skills_text="\ndesign\n",
            )
            for i in range(max(1, n // 10))
        ],
        batch_size=1000,
    )  # fmt: skip
    Document.objects.bulk_create(
        [
            Document(workspace=ws, contractor=c, kind="w9", signed_on=dt.date(2026, 1, 5), expires_on=None)
            for c in contractors
        ],
        batch_size=1000,
    )
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                workspace=ws, ref=f"e{i}", contractor=contractors[i % len(contractors)], title=f"Engagement {i}",
                kind=rng.choice(["project", "ongoing"]), status="active",
                start_on=today - dt.timedelta(days=rng.randint(10, 400)),
                rate_model="fixed", rate_currency="USD", rate_amount=Decimal(rng.randint(500, 9000)),
                budget_cap=Decimal(9000), payment_terms_days=15,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )  # fmt: skip
    categories = ["strategic", "operational", "technology_security", "financial"]
    Risk.objects.bulk_create(
        [
            Risk(
                workspace=ws, ref=f"r{e.pk}-{k}", engagement=e, category=categories[(e.pk + k) % 4],
                title=f"Risk {k}", likelihood=rng.randint(1, 5), impact=rng.randint(1, 5),
                mitigation="" if rng.random() < 0.2 else "Watch it.",
            )
            for e in engagements
            for k in range(3)
        ],
        batch_size=1000,
    )  # fmt: skip
    AccessGrant.objects.bulk_create(
        [
            AccessGrant(
                workspace=ws, engagement=e, system=f"System {k}", level="write",
                shared_credential=rng.random() < 0.1, granted_on=today - dt.timedelta(days=200),
                expires_on=today - dt.timedelta(days=3) if rng.random() < 0.1 else today + dt.timedelta(days=90),
            )
            for e in engagements
            for k in range(2)
        ],
        batch_size=1000,
    )  # fmt: skip
    Agreement.objects.bulk_create(
        [
            Agreement(
                workspace=ws, engagement=e, signed_on=None if rng.random() < 0.1 else today - dt.timedelta(days=30)
            )
            for e in engagements
        ],
        batch_size=1000,
    )
    ClassificationAssessment.objects.bulk_create(
        [
            ClassificationAssessment(
                workspace=ws, engagement=e, assessed_on=today - dt.timedelta(days=20),
                **{name: rng.random() < (0.4 if i % 3 == 0 else 0.05) for name in ANSWER_FIELDS},
            )
            for i, e in enumerate(engagements)
        ],
        batch_size=1000,
    )  # fmt: skip
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    actor = Actor.cli()

    def timed() -> tuple[float, int, int]:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            result = check_run(actor=actor, workspace=ws, as_of=today)
            elapsed = time.perf_counter() - started
        return elapsed * 1000, len(ctx.captured_queries), len(result.open)

    first = timed()
    repeats = [timed() for _ in range(args.repeat)]
    print(f"{n:,} engagements on {connection.vendor}, {first[2]:,} open findings after the first run\n")
    print("| run | median ms | queries |")
    print("|---|--:|--:|")
    print(f"| first (every finding new) | {first[0]:.0f} | {first[1]} |")
    print(f"| again, data unchanged | {statistics.median(r[0] for r in repeats):.0f} | {repeats[-1][1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
