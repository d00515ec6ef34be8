import io
import sys
from argparse import ArgumentParser
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from outsourcer.accounts.door import door_for_operator
from outsourcer.accounts.models import Workspace
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.core.actor import Actor
from outsourcer.core.cli import dump_json
from outsourcer.planning.csv_io import KNOWLEDGE, CsvInvalid
from outsourcer.planning.models import Task, TaskStatus
from outsourcer.planning.schemas import TaskOut
from outsourcer.planning.selectors import task_list, tasks_csv
from outsourcer.planning.services import task_create, tasks_import_csv

# What the model calls a field, as the operator typed it.
OPTION_NAMES = {
    "hours_per_month": "--hours",
    "business_value": "--business-value",
    "inhouse_cost_per_hour": "--inhouse-cost",
    "market_rate_per_hour": "--market-rate",
    "recurring": "--one-off",
}


def _task_json(task: Task) -> dict[str, Any]:
    """A task as the API shows it, so scripts read the same fields from both."""
    return TaskOut.from_orm(task).model_dump(mode="json")


def _decimal(text: str | None, option: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0:
        raise CommandError(f"{option} must be a number, zero or more (not {text!r}).", returncode=2)
    return value


class Command(BaseCommand):
    help = "The time audit of a workspace: list, add, import and export its tasks (CSV as `outsourcer plan` reads)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,add,import,export}")

        listing = actions.add_parser("list", help="show the tasks, by name")
        listing.add_argument("--workspace", required=True, help="name, slug or UUID")
        listing.add_argument("--status", choices=TaskStatus.values)
        listing.add_argument("--search", default="", help="part of the name, category or ref")
        listing.add_argument("--json", action="store_true")

        add = actions.add_parser("add", help="add one task")
        add.add_argument("--workspace", required=True, help="name, slug or UUID")
        add.add_argument("--name", required=True)
        add.add_argument("--hours", required=True, help="hours a month it takes in-house (0 to 744)")
        add.add_argument("--effectiveness", required=True, type=int, help="how well it is done in-house: 1 to 5")
        add.add_argument("--business-value", required=True, type=int, help="how close to the core: 1 to 5")
        add.add_argument("--category", default="", help="e.g. bookkeeping, seo, design")
        add.add_argument("--knowledge", choices=KNOWLEDGE, help="how much the business knows about the work")
        add.add_argument("--inhouse-cost", help="loaded in-house cost per hour (else the owner's hourly value)")
        add.add_argument("--market-rate", help="what contractors charge per hour, fees included")
        add.add_argument("--one-off", action="store_true", help="work done once, not every month")
        add.add_argument("--ref", help="a ref of your own (made up when not given)")
        add.add_argument("--status", choices=TaskStatus.values, default=TaskStatus.IN_HOUSE)
        add.add_argument("--json", action="store_true")

        load = actions.add_parser("import", help="load a time audit CSV (read in full first; all or nothing)")
        load.add_argument("file", help="time audit CSV, or - for standard input")
        load.add_argument("--workspace", required=True, help="name, slug or UUID")
        load.add_argument("--replace", action="store_true", help="remove the tasks the file does not name")
        load.add_argument("--json", action="store_true")

        export = actions.add_parser("export", help="write the time audit as CSV (standard output by default)")
        export.add_argument("--workspace", required=True, help="name, slug or UUID")
        export.add_argument("--output", "-o", help="file to write instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            workspace = door_for_operator(name=options["workspace"]).workspace
        except WorkspaceLookupError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        getattr(self, f"_{options['action']}")(workspace, options)

    def _list(self, workspace: Workspace, options: dict[str, Any]) -> None:
        tasks = list(task_list(workspace=workspace, status=options["status"] or "", search=options["search"]))
        if options["json"]:
            self.stdout.write(dump_json([_task_json(t) for t in tasks]))
            return
        if not tasks:
            self.stdout.write(f"{workspace.name} has no tasks{' with that status' if options['status'] else ''}.")
            return
        table = Table(title=f"Time audit: {workspace.name}")
        for column, justify in (
            ("Ref", "left"),
            ("Task", "left"),
            ("Category", "left"),
            ("Hours / mo", "right"),
            ("Done well", "right"),
            ("Value", "right"),
            ("Knowledge", "left"),
            ("Status", "left"),
        ):
            table.add_column(column, justify=justify)  # type: ignore[arg-type]
        for t in tasks:
            table.add_row(
                t.ref,
                t.name,
                t.category,
                str(t.hours_per_month),
                str(t.effectiveness),
                str(t.business_value),
                t.knowledge,
                TaskStatus(t.status).label,
            )
        console = Console(record=True, width=160, file=io.StringIO(), markup=False)  # names are text, never markup
        console.print(table)
        self.stdout.write(console.export_text().rstrip("\n"))

    def _add(self, workspace: Workspace, options: dict[str, Any]) -> None:
        data = {
            "ref": (options["ref"] or "").strip(),
            "name": options["name"].strip(),
            "category": options["category"].strip(),
            "hours_per_month": _decimal(options["hours"], "--hours"),
            "effectiveness": options["effectiveness"],
            "business_value": options["business_value"],
            "knowledge": options["knowledge"],
            "inhouse_cost_per_hour": _decimal(options["inhouse_cost"], "--inhouse-cost"),
            "market_rate_per_hour": _decimal(options["market_rate"], "--market-rate"),
            "recurring": not options["one_off"],
            "status": options["status"],
        }
        try:
            task = task_create(actor=Actor.cli(), workspace=workspace, data=data)
        except ValidationError as exc:
            details = exc.message_dict if hasattr(exc, "error_dict") else {"name": exc.messages}
            for field, messages in details.items():
                self.stderr.write(f"{OPTION_NAMES.get(field, '--' + field.replace('_', '-'))}: {' '.join(messages)}")
            raise CommandError("The task was not added.", returncode=2) from exc
        task.refresh_from_db()  # the values as stored: "8" hours reads back as "8.00"
        if options["json"]:
            self.stdout.write(dump_json(_task_json(task)))
        else:
            self.stdout.write(self.style.SUCCESS(f"Added {task.name} ({task.ref}) to {workspace.name}."))

    def _import(self, workspace: Workspace, options: dict[str, Any]) -> None:
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {name}: {exc}", returncode=2) from exc
        try:
            result = tasks_import_csv(actor=Actor.cli(), workspace=workspace, text=text, replace=options["replace"])
        except CsvInvalid as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(exc.errors)} problem(s) in {name}; nothing was imported.", returncode=2) from exc
        if options["json"]:
            self.stdout.write(dump_json(result.as_dict()))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Imported {name} into {workspace.name}: {result.created} added, "
                    f"{result.updated} updated, {result.removed} removed."
                )
            )

    def _export(self, workspace: Workspace, options: dict[str, Any]) -> None:
        text = tasks_csv(workspace=workspace)
        if options["output"]:
            out = Path(options["output"])
            partial = out.with_name(out.name + ".partial")
            try:
                partial.write_text(text, encoding="utf-8")
                partial.replace(out)
            except OSError as exc:
                raise CommandError(f"Cannot write {out}: {exc.strerror}.", returncode=2) from exc
            self.stderr.write(f"Wrote {out}.")
        else:
            self.stdout.write(text, ending="")
