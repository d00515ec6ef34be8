"""Enqueue the daily health check and the reminders on a timer; `outsourcer serve` runs one beside the worker."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from outsourcer.checks.tasks import run_due_checks
from outsourcer.reminders.tasks import send_daily_digests, send_due_reminders

# Finished jobs kept in the database queue this long, then pruned once a day.
KEEP_RESULTS_DAYS = 14
DAY_SECONDS = 24 * 60 * 60
# Reminders and digests are enqueued once an hour; each is sent once however often the jobs run.
REMINDER_SECONDS = 60 * 60


class Command(BaseCommand):
    help = (
        "Enqueue the daily health check for workspaces not checked in the last day, every --every minutes, "
        "and the reminders and daily digests every hour; with the database queue, also prune finished job "
        "results older than 14 days once a day."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--every", type=int, default=15, help="minutes between rounds (default 15)")
        parser.add_argument("--once", action="store_true", help="enqueue one round, then exit (for cron)")

    def handle(self, *args: Any, **options: Any) -> None:
        every = max(1, options["every"])
        pruned_at = 0.0
        reminded_at: float | None = None
        while True:
            # The job picks the due workspaces itself, so two schedulers only cost a second look.
            run_due_checks.enqueue()
            if reminded_at is None or time.monotonic() - reminded_at >= REMINDER_SECONDS or options["once"]:
                send_due_reminders.enqueue()
                send_daily_digests.enqueue()
                reminded_at = time.monotonic()
            if time.monotonic() - pruned_at >= DAY_SECONDS or options["once"]:
                self._prune()
                pruned_at = time.monotonic()
            if options["once"]:
                self.stdout.write("Enqueued the daily health check and the reminders.")
                return
            time.sleep(every * 60)

    def _prune(self) -> None:
        """The database queue keeps every finished job; without pruning its table only grows."""
        if str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_db"):
            call_command("prune_db_task_results", "--min-age-days", str(KEEP_RESULTS_DAYS), verbosity=0)
