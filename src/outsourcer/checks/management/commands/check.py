"""`outsourcer check --workspace NAME`: the health check from the command line.

The name is Django's own `check` (the system checks, as in `outsourcer check --deploy`), so this
command is both: with `--workspace` it runs the health check, without it Django's checks, unchanged.
"""

from __future__ import annotations

import datetime as dt
import io
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand
from rich.console import Console
from rich.table import Table
from rich.text import Text

from outsourcer.accounts.door import door_for_operator
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.checks.models import CheckRun
from outsourcer.checks.report import as_of_problem, at_or_above, check_report, summary_line
from outsourcer.checks.services import check_run
from outsourcer.core.actor import Actor
from outsourcer.core.cli import dump_json

SEVERITIES = ("info", "warning", "error")
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
HEALTH_OPTIONS = ("as_of", "json", "min_severity", "fail_on")


class Command(SystemCheckCommand):
    help = (
        "Run the health check on a workspace (--workspace) and report its open findings; exits 1 when "
        "one is at or above --fail-on. Without --workspace: Django's system checks (e.g. --deploy)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)  # type: ignore[arg-type]
        health = parser.add_argument_group("health check")
        health.add_argument("--workspace", help="name, slug or UUID of the workspace to check")
        health.add_argument("--as-of", help="check as of this day, YYYY-MM-DD (default: today in its zone)")
        health.add_argument("--json", action="store_true", help="print the report as JSON")
        health.add_argument(
            "--min-severity", choices=SEVERITIES, help="list only findings at or above this (default info)"
        )
        health.add_argument(
            "--fail-on",
            choices=(*SEVERITIES, "none"),
            help="exit 1 when a listed finding is at or above this (default error; none: never)",
        )

    def handle(self, *app_labels: Any, **options: Any) -> None:
        if options["workspace"] is None:
            given = [f"--{name.replace('_', '-')}" for name in HEALTH_OPTIONS if options[name]]
            if given:
                raise CommandError(f"{', '.join(given)} need --workspace: the workspace to check.", returncode=2)
            super().handle(*app_labels, **options)
            return
        if app_labels or options["deploy"] or options["tags"] or options["list_tags"]:
            raise CommandError(
                "App labels, --deploy, --tag and --list-tags are for Django's system checks; "
                "run them without --workspace.",
                returncode=2,
            )
        self._health_check(options)

    def _health_check(self, options: dict[str, Any]) -> None:
        as_of = _parse_day(options["as_of"]) if options["as_of"] else None
        min_severity = options["min_severity"] or "info"
        fail_on = options["fail_on"] or "error"
        try:
            workspace = door_for_operator(name=options["workspace"]).workspace
        except WorkspaceLookupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        result = check_run(actor=Actor.cli(), workspace=workspace, as_of=as_of, trigger=CheckRun.Trigger.CLI)
        report = check_report(result, min_severity=min_severity)
        if options["json"]:
            self.stdout.write(dump_json(report))
        else:
            self._table(report)
        failing = [f for f in report["findings"] if fail_on != "none" and at_or_above(f["severity"], fail_on)]
        if failing:
            raise CommandError(
                f"{len(failing)} open finding(s) at or above {fail_on} (--fail-on {fail_on}).", returncode=1
            )

    def _table(self, report: dict[str, Any]) -> None:
        console = Console(record=True, width=160, file=io.StringIO(), markup=False)  # names are text, never markup
        if report["findings"]:
            table = Table(title=f"Health check of {report['workspace']} as of {report['as_of']}")
            for column in ("Severity", "Rule", "Subject", "Message", "Fix"):
                table.add_column(column, overflow="fold")
            for f in report["findings"]:
                subject = f["subject"]
                table.add_row(
                    Text(f["severity"], style=SEVERITY_STYLE[f["severity"]]),
                    f["rule"],
                    f"{subject['label']} ({subject['kind']} {subject['ref']})".replace(" )", ")"),
                    f["message"],
                    f["fix"],
                )
            console.print(table)
        else:
            console.print(f"Health check of {report['workspace']} as of {report['as_of']}: nothing to list.")
        console.print(summary_line(report["summary"]))
        self.stdout.write(console.export_text().rstrip("\n"))


def _parse_day(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {text!r}.", returncode=2) from exc
    if problem := as_of_problem(day):
        raise CommandError(f"--as-of: {problem}", returncode=2)
    return day
