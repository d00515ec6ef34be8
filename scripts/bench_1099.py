#!/usr/bin/env python
"""Benchmark of the 1099-NEC year-end report over a million paid invoices.

    .venv/bin/python scripts/bench_1099.py [--invoices 1000000] [--payees 2000] [--repeat 5]
        [--database-url postgres://.../an_empty_database] [--explain]

Generates one workspace of `--payees` contractors (US individuals, sole proprietors and LLCs, some
corporations, some with legal services, foreign contractors with W-8BENs, some with no tax status;
W-9s for most) and `--invoices` invoices paid in 2026 through every channel, in USD, EUR, GBP and a
currency with no rate (JPY), one in a hundred with backup withholding, written with `bulk_create` in
batches under a progress bar. It runs in a throwaway SQLite data directory, or in the given EMPTY
PostgreSQL database, then times the report (`payments.tax.tax_report`, the CSV, and the health
check's tax loader) `--repeat` times and prints a Markdown table. The report sums in the database
(GROUP BY payee, status, channel, currency), so its rows grow with payees, never with invoices.
Timing limits live here, never in the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--payees", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=10_000, help="invoices per bulk insert")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each kind (the median is shown)")
    parser.add_argument("--database-url", default="", help="an EMPTY PostgreSQL database; default: SQLite")
    parser.add_argument("--explain", action="store_true", help="print the database's plan for the grouped sums")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="outsourcer-bench-1099-")
    try:
        return run(args, data_dir)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)  # the SQLite file of a million invoices: about 280 MB


def run(args: argparse.Namespace, data_dir: str) -> int:
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
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from outsourcer.accounts.models import Workspace
    from outsourcer.checks.registry import CheckContext
    from outsourcer.contractors.models import Contractor, Document
    from outsourcer.engagements.models import Engagement
    from outsourcer.payments import tax
    from outsourcer.payments.models import Invoice

    call_command("migrate", verbosity=0)
    rng = random.Random(1099)  # noqa: S311 - a repeatable data set, not a secret
    ws = Workspace.objects.create(
        name="Bench 1099",
        slug=f"bench-1099-{rng.randrange(10**9)}",
        time_zone="UTC",
        country="US",
        region="NY",
        base_currency="USD",
        fx_rates={"EUR": "1.08", "GBP": "1.27"},
    )

    # Payees: their tax profiles decide what counts.
    profiles = [
        ({"us_person": True, "entity_type": "individual"}, 40),
        ({"us_person": True, "entity_type": "sole_proprietor"}, 15),
        ({"us_person": True, "entity_type": "single_member_llc"}, 10),
        ({"us_person": True, "entity_type": "llc_partnership"}, 5),
        ({"us_person": True, "entity_type": "c_corporation"}, 5),
        ({"us_person": True, "entity_type": "s_corporation", "legal_services": True}, 3),
        ({"us_person": False, "entity_type": "individual", "country": "DE"}, 15),
        ({"us_person": None}, 7),
    ]
    population = [p for p, _ in profiles]
    weights = [w for _, w in profiles]
    contractors = []
    for i in range(args.payees):
        profile = {"country": "US", **rng.choices(population, weights)[0]}
        contractors.append(
            Contractor(
                workspace=ws,
                ref=f"c{i}",
                name=f"Payee {i:05d}",
                tin_verified=rng.random() < 0.9,
                stage="approved",
                **profile,
            )
        )
    Contractor.objects.bulk_create(contractors, batch_size=1000)
    contractors = list(Contractor.objects.filter(workspace=ws).order_by("pk"))
    documents = []
    for c in contractors:
        if c.us_person is True and rng.random() < 0.92:
            documents.append(Document(workspace=ws, contractor=c, kind="w9", signed_on=dt.date(2025, 1, 2)))
        if c.us_person is False:
            signed = dt.date(rng.randint(2021, 2026), rng.randint(1, 12), 1)
            documents.append(Document(workspace=ws, contractor=c, kind="w8ben", signed_on=signed))
    Document.objects.bulk_create(documents, batch_size=1000)
    Engagement.objects.bulk_create(
        [
            Engagement(
                workspace=ws,
                contractor=c,
                ref=f"e{i}",
                title=f"Work {i}",
                kind="ongoing",
                status="active",
                rate_model="hourly",
                rate_currency="USD",
                rate_amount=Decimal(50),
            )
            for i, c in enumerate(contractors)
        ],
        batch_size=1000,
    )
    engagement_ids = list(Engagement.objects.filter(workspace=ws).order_by("pk").values_list("pk", flat=True))

    channels = ["ach", "wire", "check", "card", "paypal", "payment_app", "platform", "other"]
    channel_weights = [45, 10, 5, 15, 12, 5, 5, 3]
    currencies = ["USD", "EUR", "GBP", "JPY"]
    currency_weights = [85, 10, 4, 1]
    first = dt.date(2026, 1, 1)
    columns = [TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
    started = time.perf_counter()
    with Progress(*columns) as progress:
        bar = progress.add_task(f"writing {args.invoices:,} paid invoices", total=args.invoices)
        written = 0
        while written < args.invoices:
            size = min(args.batch, args.invoices - written)
            rows = []
            for n in range(written, written + size):
                amount = Decimal(rng.randint(5_000, 400_000)) / 100
                withheld = (amount * Decimal("0.24")).quantize(Decimal("0.01")) if n % 100 == 0 else None
                rows.append(
                    Invoice(
                        workspace=ws,
                        engagement_id=rng.choice(engagement_ids),
                        ref=f"i{n}",
                        amount=amount,
                        currency=rng.choices(currencies, currency_weights)[0],
                        status="paid",
                        paid_on=first + dt.timedelta(days=rng.randrange(365)),
                        channel=rng.choices(channels, channel_weights)[0],
                        backup_withholding=withheld,
                    )
                )
            Invoice.objects.bulk_create(rows, batch_size=args.batch)
            written += size
            progress.advance(bar, size)
    load_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum (PostgreSQL) or a long-running app would have done

    if args.explain:
        with CaptureQueriesContext(connection) as ctx:
            tax.payment_groups(workspace=ws, years=[2026])
        sql = ctx.captured_queries[-1]["sql"]
        with connection.cursor() as cursor:
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
            cursor.execute(prefix + sql)
            print("\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall()))

    def timed(run: object) -> tuple[float, int]:
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            run()  # type: ignore[operator]
            elapsed = time.perf_counter() - began
        return elapsed * 1000, len(ctx.captured_queries)

    as_of = dt.date(2026, 12, 15)
    report = tax.tax_report(workspace=ws, year=2026, as_of=as_of)  # warm: the first read pays the cache
    runs = {
        "the report (`tax_report`, year 2026)": lambda: tax.tax_report(workspace=ws, year=2026, as_of=as_of),
        "the report and its CSV": lambda: tax.report_csv(tax.tax_report(workspace=ws, year=2026, as_of=as_of)),
        "the web page's year selector (`report_years`)": lambda: tax.report_years(workspace=ws, today=as_of),
        "the health check's tax loader (2025-2026, open invoices too)": lambda: (
            CheckContext(workspace=ws, as_of=as_of).tax_payments
        ),
    }
    results = {name: [timed(run) for _ in range(args.repeat)] for name, run in runs.items()}

    print(
        f"\n{args.invoices:,} paid invoices, {args.payees:,} payees on {connection.vendor}; "
        f"written in {load_seconds:.0f} s ({load_seconds / args.invoices * 1e6:.0f} µs an invoice)."
    )
    print(
        f"The report: {len(report.lines):,} payees, {len(report.forms):,} forms, box 1 "
        f"${report.compensation_total:,.2f}, {report.unconvertible_count:,} invoices with no FX rate.\n"
    )
    print("| what | median ms | min ms | max ms | queries |")
    print("|---|--:|--:|--:|--:|")
    for name, measured in results.items():
        times = [m[0] for m in measured]
        print(
            f"| {name} | {statistics.median(times):,.0f} | {min(times):,.0f} | {max(times):,.0f} | {measured[-1][1]} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
