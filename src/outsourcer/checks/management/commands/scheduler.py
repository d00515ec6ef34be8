"""Enqueue the daily health check on a timer; `outsourcer serve` runs one beside the worker."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from outsourcer.checks.tasks import run_due_checks


class Command(BaseCommand):
    help = "Enqueue the daily health check for workspaces not checked in the last day, every --every minutes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--every", type=int, default=15, help="minutes between rounds (default 15)")
        parser.add_argument("--once", action="store_true", help="enqueue one round, then exit (for cron)")

    def handle(self, *args: Any, **options: Any) -> None:
        every = max(1, options["every"])
        while True:
            # The job picks the due workspaces itself, so two schedulers only cost a second look.
            run_due_checks.enqueue()
            if options["once"]:
                self.stdout.write("Enqueued the daily health check.")
                return
            time.sleep(every * 60)
