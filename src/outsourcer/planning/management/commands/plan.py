import io
from argparse import ArgumentParser
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from outsourcer.accounts.door import door_for_operator
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.core.cli import dump_json
from outsourcer.planning.csv_io import CsvInvalid, parse_text
from outsourcer.planning.scoring import Plan, plan_tasks
from outsourcer.planning.selectors import plan_for_workspace

MONEY_CEILING = Decimal(10) ** 12  # as the money columns: larger is a typo, and would overflow the sums
LABELS = {
    "outsource_first": "Outsource first",
    "outsource": "Outsource",
    "outsource_with_oversight": "Outsource with oversight",
    "keep": "Keep",
    "reconsider": "Reconsider",
}


class Command(BaseCommand):
    help = (
        "Rank a time audit into an outsourcing plan: a CSV file (no database needed) or the tasks "
        "of a workspace (--workspace)."
    )
    requires_system_checks: list[str] = []  # a plan from a file touches no database
    requires_migrations_checks = False

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", help="time audit CSV (columns in docs/planning.md)")
        parser.add_argument("--workspace", help="plan a workspace's stored tasks instead: name, slug or UUID")
        parser.add_argument("--owner-hourly-value", help="what an hour of the owner's time is worth")
        parser.add_argument("--currency", help="ISO code the file's money columns are in (default USD; files only)")
        parser.add_argument(
            "--top",
            type=int,
            default=50,
            help="rows of the table to show (default 50; 0 for all); --json always has all",
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["workspace"]):
            raise CommandError("Give a time audit FILE or --workspace NAME (one of the two, not both).", returncode=2)
        owner_value = None
        if options["owner_hourly_value"]:
            try:
                owner_value = Decimal(options["owner_hourly_value"])
                if not owner_value.is_finite() or not 0 <= owner_value < MONEY_CEILING:
                    raise InvalidOperation
            except InvalidOperation as exc:
                raise CommandError(
                    "--owner-hourly-value must be a number, zero or more (and below 10^12).", returncode=2
                ) from exc
        if options["workspace"]:
            plan = self._workspace_plan(options["workspace"], owner_value, currency=options["currency"])
        else:
            plan = self._file_plan(options["file"], owner_value, currency=options["currency"] or "USD")
        if options["json"]:
            self.stdout.write(dump_json(plan.as_dict()))
        else:
            self._table(plan, top=options["top"])

    def _file_plan(self, name: str, owner_value: Decimal | None, *, currency: str) -> Plan:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {name}: {exc}", returncode=2) from exc
        currency = currency.upper()
        if len(currency) != 3 or not currency.isalpha():
            raise CommandError("--currency must be a three-letter code such as USD.", returncode=2)
        try:
            tasks = parse_text(text)
        except CsvInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) in {name}.", returncode=2) from exc
        return plan_tasks(tasks, owner_hourly_value=owner_value, currency=currency)

    def _workspace_plan(self, name: str, owner_value: Decimal | None, *, currency: str | None) -> Plan:
        try:
            workspace = door_for_operator(name=name).workspace
        except WorkspaceLookupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if currency and currency.upper() != workspace.base_currency:
            raise CommandError(
                f"--currency is for files: {workspace.name} plans in its base currency, {workspace.base_currency}.",
                returncode=2,
            )
        return plan_for_workspace(workspace=workspace, owner_hourly_value=owner_value).plan

    def _table(self, plan: Plan, *, top: int) -> None:
        table = Table(title="Outsourcing plan", show_lines=False)
        for column, justify in (
            ("#", "right"),
            ("Task", "left"),
            ("Quadrant", "left"),
            ("Do", "left"),
            ("Hours freed / mo", "right"),
            (f"Saving / mo ({plan.currency})", "right"),
            ("Shape", "left"),
            ("Role", "left"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        shown = plan.tasks if top <= 0 else plan.tasks[:top]
        for p in shown:
            saving = "n/a" if p.monthly_saving is None else f"{p.monthly_saving:,}"
            table.add_row(
                str(p.rank),
                p.task.name,
                p.quadrant,
                LABELS[p.recommendation],
                str(p.hours_freed_per_month),
                saving,
                p.shape,
                p.role,
            )
        console = Console(record=True, width=160, file=io.StringIO(), markup=False)  # names are text, never markup
        console.print(table)
        if len(shown) < len(plan.tasks):
            console.print(f"... and {len(plan.tasks) - len(shown):,} more tasks (--top 0 shows all; --json has all).")
        totals = plan.totals
        console.print(
            f"Hours freed per month: {totals['hours_freed_per_month']}   "
            f"Monthly saving: {plan.currency} {Decimal(totals['monthly_saving']):,}"
        )
        self.stdout.write(console.export_text().rstrip("\n"))
