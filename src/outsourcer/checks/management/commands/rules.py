"""`outsourcer rules`: the health-check rule catalogue; `--markdown` makes docs/rules.md."""

from __future__ import annotations

import io
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.table import Table

from outsourcer.checks.report import rule_catalogue, rules_markdown
from outsourcer.core.cli import dump_json


class Command(BaseCommand):
    help = "Print the health-check rule catalogue: a table, the rules reference as Markdown, or JSON."
    requires_system_checks: list[str] = []  # the catalogue is code: no database needed
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        shape = parser.add_mutually_exclusive_group()
        shape.add_argument("--markdown", action="store_true", help="the full rules reference (docs/rules.md)")
        shape.add_argument("--json", action="store_true", help="the catalogue as JSON, as GET /api/v1/rules")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["markdown"]:
            self.stdout.write(rules_markdown(), ending="")
            return
        catalogue = rule_catalogue()
        if options["json"]:
            self.stdout.write(dump_json(catalogue))
            return
        table = Table(title=f"Health-check rules ({len(catalogue)})")
        for column in ("Rule", "Severity", "Title", "Fires when"):
            table.add_column(column, overflow="fold")
        for rule in catalogue:
            table.add_row(rule["id"], " or ".join(rule["levels"]), rule["title"], rule["checks"])
        console = Console(record=True, width=160, file=io.StringIO(), markup=False)  # names are text, never markup
        console.print(table)
        console.print("`outsourcer rules --markdown` prints each rule's why, fix and source.")
        self.stdout.write(console.export_text().rstrip("\n"))
