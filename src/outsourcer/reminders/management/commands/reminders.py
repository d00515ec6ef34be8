"""`outsourcer reminders --once`: send the due reminders and daily digests now (for cron and tests).

`outsourcer serve` already does this every hour through its scheduler and worker; this command is for
a machine that runs jobs from cron instead, and for looking at what would go out (`--dry-run`).
"""

from __future__ import annotations

import datetime as dt
import io
import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from outsourcer.accounts.door import door_for_operator
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.reminders.services import SendResult, digests_send_all, reminders_send_all

AS_OF_RANGE_DAYS = 3660
EVERY_MAX = 7 * 24 * 60  # a week of minutes: anything longer is a typo, and a far larger one overflows the sleep


class Command(BaseCommand):
    help = (
        "Send the reminders that are due (each exactly once) and the daily digests; with --once a single "
        "round, else one every --every minutes. --dry-run lists what would go out and sends nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit (for cron)")
        parser.add_argument(
            "--every",
            type=_minutes,
            default=60,
            help=f"minutes between rounds without --once, 1 to {EVERY_MAX} (a week); default 60",
        )
        parser.add_argument(
            "--as-of", help="act as if today were this day, YYYY-MM-DD (digests then go out whatever the hour)"
        )
        parser.add_argument("--dry-run", action="store_true", help="list what would be sent; send and record nothing")
        parser.add_argument("--workspace", help="only this workspace (name, slug or UUID); default: all")
        parser.add_argument("--no-digest", action="store_true", help="leave the daily digests out of this round")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = _parse_day(options["as_of"]) if options["as_of"] else None
        workspaces = None
        if options["workspace"]:
            try:
                workspaces = [door_for_operator(name=options["workspace"]).workspace]
            except WorkspaceLookupError as exc:
                raise CommandError(str(exc), returncode=2) from exc
        every = options["every"]
        while True:
            self._round(as_of=as_of, workspaces=workspaces, dry_run=options["dry_run"], digest=not options["no_digest"])
            if options["once"] or options["dry_run"]:
                return
            time.sleep(every * 60)

    def _round(self, *, as_of: dt.date | None, workspaces: Any, dry_run: bool, digest: bool) -> None:
        reminders = reminders_send_all(as_of=as_of, dry_run=dry_run, workspaces=workspaces)
        digests = digests_send_all(as_of=as_of, dry_run=dry_run, workspaces=workspaces) if digest else SendResult()
        if dry_run:
            self._table("Reminders (dry run: nothing sent)", reminders)
            if digest:
                self._table("Daily digests (dry run: nothing sent)", digests)
        self.stdout.write(
            f"Reminders: {reminders.sent} sent, {reminders.digest} kept for a digest, "
            f"{reminders.already} sent before, {reminders.off} turned off, {reminders.failed} failed. "
            f"Digests: {digests.sent} sent, {digests.failed} failed."
            if not dry_run
            else f"{reminders.planned} reminder(s) and {digests.planned} digest(s) due; nothing sent (--dry-run)."
        )
        if reminders.failed or digests.failed:
            raise CommandError("Some emails could not be sent; they are retried on the next run.", returncode=1)

    def _table(self, title: str, result: SendResult) -> None:
        console = Console(record=True, width=160, file=io.StringIO(), markup=False)  # subjects are text, not markup
        if not result.lines:
            console.print(f"{title}: none.")
        else:
            table = Table(title=title)
            for column in ("Workspace", "To", "Subject", "Would be"):
                table.add_column(column, overflow="fold")
            for line in result.lines:
                table.add_row(*line)
            console.print(table)
        self.stdout.write(console.export_text().rstrip("\n"))


def _minutes(text: str) -> int:
    """`--every`: whole minutes from 1 to EVERY_MAX; argparse turns a refusal into exit status 2."""
    try:
        minutes = int(text)
    except ValueError:
        minutes = 0
    if not 1 <= minutes <= EVERY_MAX:
        raise ArgumentTypeError(f"give whole minutes from 1 to {EVERY_MAX} (a week), not {text!r}")
    return minutes


def _parse_day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {text!r}.", returncode=2) from exc
    if abs((day - dt.date.today()).days) > AS_OF_RANGE_DAYS:
        raise CommandError("--as-of must be within ten years of today.", returncode=2)
    return day
