"""What the `engagements`, `time`, `milestones` and `commitments` commands share: opening the workspace,
finding an engagement by ref or id, printing tables and JSON, and refusing bad input with exit status 2.

(A module whose name starts with an underscore is not a command of its own.)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Model, QuerySet
from rich.table import Table

from outsourcer.accounts.door import ObjectNotFound, WorkspaceAccess, door_for_operator
from outsourcer.accounts.selectors import WorkspaceLookupError
from outsourcer.core.cli import as_api, dump_json, table_text
from outsourcer.engagements.models import Engagement

M = TypeVar("M", bound=Model)


def refuse(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def day_text(value: str | dt.date | None) -> str:
    if value is None or value == "":
        return "-"
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%d %b %Y}"


def hours_text(value: str | Decimal | None) -> str:
    """Hours as a person writes them: "3.5", "10", "-1.25"."""
    if value is None:
        return "-"
    number = Decimal(value).normalize()
    return f"{number:f}"


class WorkspaceCommand(BaseCommand):
    """A command with subcommands (`action`), each `_<action>(access, options)`, over one workspace."""

    # What the services call a field, as the operator typed it.
    option_names: dict[str, str] = {}

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            access = door_for_operator(name=options["workspace"])
        except WorkspaceLookupError as exc:
            raise refuse(str(exc)) from exc
        getattr(self, f"_{options['action'].replace('-', '_')}")(access, options)

    def find_row(self, access: WorkspaceAccess, rows: QuerySet[M], text: str, noun: str) -> M:
        """The workspace's row of `rows` with the ref `text`, else with the public id `text`; refused otherwise."""
        scoped = access.scope(rows)
        found = scoped.filter(ref=text).first()
        if found is not None:
            return found
        try:
            return access.get(scoped, text)
        except ObjectNotFound as exc:
            raise refuse(f"No {noun} {text!r} in {access.workspace.name} (give a ref or an id).") from exc

    def find_engagement(self, access: WorkspaceAccess, text: str) -> Engagement:
        rows = Engagement.objects.select_related("contractor", "workspace", "customer_commitment")
        return self.find_row(access, rows, text, "engagement")

    def invalid(self, exc: ValidationError, what: str) -> CommandError:
        """Each refusal on stderr, by the option the operator typed; the summary as the error."""
        details = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for field, messages in details.items():
            name = self.option_names.get(field, "--" + field.replace("_", "-")) if field else "error"
            self.stderr.write(f"{name}: {' '.join(messages)}")
        return refuse(what)

    def print_table(self, table: Table) -> None:
        self.stdout.write(table_text(table))

    def print_json(self, schema: Any, data: Any) -> None:
        """`data` (one object or a list of them) as the API gives it through `schema`."""
        if isinstance(data, list):
            self.stdout.write(dump_json([as_api(schema, row) for row in data]))
        else:
            self.stdout.write(dump_json(as_api(schema, data)))

    @staticmethod
    def table(title: str | None, columns: list[tuple[str, str]], *, whole: tuple[str, ...] = ()) -> Table:
        """A table with these (name, justify) columns; the `whole` ones are never cut or wrapped (ids to copy)."""
        table = Table(title=title)
        for column, justify in columns:
            keep = {"no_wrap": True, "min_width": 36} if column in whole else {}
            table.add_column(column, justify=justify, **keep)  # type: ignore[arg-type]
        return table
