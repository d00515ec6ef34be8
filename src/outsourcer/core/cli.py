"""Small helpers shared by the management commands: JSON output, tables and progress bars."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


def as_api(schema: Any, data: Any) -> Any:
    """Data exactly as the API answers it: the same schema, the same JSON encoder (times to the millisecond)."""
    from ninja.responses import NinjaJSONEncoder

    return json.loads(json.dumps(schema.model_validate(data).model_dump(), cls=NinjaJSONEncoder))


def table_text(table: Table, *, width: int = 160) -> str:
    """A rich table as plain text; cells are text, never markup, so a name like "[bold]x" prints as it is."""
    console = Console(record=True, width=width, file=io.StringIO(), markup=False)
    console.print(table)
    return console.export_text().rstrip("\n")


@contextmanager
def progress_bar(label: str, *, enabled: bool = True) -> Iterator[Any]:
    """Yield `update(done, total)`; draws a bar only on a terminal, so pipes and logs stay clean."""
    if not enabled or not sys.stderr.isatty():
        yield lambda done, total: None
        return
    with Progress(TextColumn(label), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
