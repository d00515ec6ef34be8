#!/usr/bin/env python
"""Benchmark of the originality check: one 2,000-word submission against many stored ones.

    .venv/bin/python scripts/bench_originality.py [--stored 100000] [--words 2000] [--repeat 5]
        [--database-url postgres://.../empty_db]

Generates `--stored` indexed submissions (short texts from a seeded vocabulary, plus a few planted
near-copies of the query so that verification has real work), in a throwaway SQLite data directory
or the given empty PostgreSQL database. Then times `originality_index_submission` for a fresh
`--words`-word submission: signature, band insert, candidate lookup, exact verification and storing
the matches, which is what the background job does. Prints a Markdown table. Timing limits live
here, never in the test suite.
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

from rich.progress import Progress


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--stored-words", type=int, default=120, help="length of each stored text")
    parser.add_argument("--words", type=int, default=2000, help="length of the submission checked")
    parser.add_argument("--planted", type=int, default=5, help="near-copies of the query among the stored")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="", help="an EMPTY PostgreSQL database; default: SQLite")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="outsourcer-bench-originality-")
    os.environ.update({"OUTSOURCER_DATA_DIR": data_dir, "OUTSOURCER_DEBUG": "0", "OUTSOURCER_SECRET_KEY": "b" * 50})
    os.environ["OUTSOURCER_TASKS_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.pop("DATABASE_URL", None)
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "outsourcer.settings"
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from outsourcer.accounts.models import Workspace
    from outsourcer.contractors.models import Contractor
    from outsourcer.deliverables import originality
    from outsourcer.deliverables.models import Milestone, OriginalityBand, OriginalityDoc, Submission
    from outsourcer.deliverables.services import originality_index_submission
    from outsourcer.engagements.models import Engagement

    call_command("migrate", verbosity=0)
    rng = random.Random(11)  # noqa: S311 - a repeatable data set, not a secret
    vocabulary = [f"w{n}" for n in range(20_000)]
    ws = Workspace.objects.create(name="Bench", slug=f"bench-{rng.randrange(10**9)}", time_zone="UTC")
    contractor = Contractor.objects.create(workspace=ws, ref="c1", name="Bench Contractor")
    engagement = Engagement.objects.create(
        workspace=ws, ref="e1", contractor=contractor, title="Bench", status="active", rate_currency="USD"
    )
    day = dt.date(2026, 11, 1)
    stored_milestone = Milestone.objects.create(
        workspace=ws, engagement=engagement, ref="m-stored", title="S", due_on=day
    )
    query_text = " ".join(rng.choices(vocabulary, k=args.words))
    query_words = query_text.split()

    def stored_text(i: int) -> str:
        if i < args.planted:  # a near-copy: the query with a tenth of its words replaced
            words = list(query_words)
            for j in rng.sample(range(len(words)), len(words) // 10):
                words[j] = rng.choice(vocabulary)
            return " ".join(words)
        return " ".join(rng.choices(vocabulary, k=args.stored_words))

    batch = 2000
    started = time.perf_counter()
    with Progress() as progress:
        bar = progress.add_task(f"indexing {args.stored:,} stored texts", total=args.stored)
        for offset in range(0, args.stored, batch):
            count = min(batch, args.stored - offset)
            texts = [stored_text(offset + i) for i in range(count)]
            with transaction.atomic():
                subs = Submission.objects.bulk_create(
                    [Submission(workspace=ws, milestone=stored_milestone, submitted_on=day, text=t) for t in texts]
                )
                sigs = [originality.signature(originality.shingle(t).shingle_set) for t in texts]
                docs = OriginalityDoc.objects.bulk_create(
                    [
                        OriginalityDoc(workspace=ws, submission=s, signature=originality.to_bytes(g))
                        for s, g in zip(subs, sigs, strict=True)
                    ]
                )
                OriginalityBand.objects.bulk_create(
                    [
                        OriginalityBand(workspace=ws, doc=d, key=k)
                        for d, g in zip(docs, sigs, strict=True)
                        for k in originality.band_keys(g)
                    ],
                    batch_size=5000,
                )
            progress.advance(bar, count)
    load_seconds = time.perf_counter() - started

    timings, queries, found = [], [], []
    for n in range(args.repeat):
        milestone = Milestone.objects.create(workspace=ws, engagement=engagement, ref=f"m-q{n}", title="Q", due_on=day)
        submission = Submission.objects.create(workspace=ws, milestone=milestone, submitted_on=day, text=query_text)
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            matches = originality_index_submission(submission=submission)
            timings.append((time.perf_counter() - t0) * 1000)
        queries.append(len(ctx.captured_queries))
        found.append(len(matches))
    engine = connection.vendor
    print(
        f"\n{args.stored:,} stored texts of {args.stored_words} words on {engine} (generated in {load_seconds:.0f} s)"
    )
    # Later runs also match the earlier runs' identical query submissions; the first run is the honest count.
    print("\n| what | median | min | max | queries | matches (first run) |")
    print("|---|---|---|---|---|---|")
    print(
        f"| index + check one {args.words:,}-word submission | {statistics.median(timings):.0f} ms | "
        f"{min(timings):.0f} ms | {max(timings):.0f} ms | {statistics.median(queries):.0f} | "
        f"{found[0]} of {args.planted} planted near-copies |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
