"""Reading a time audit from CSV: every problem named by row and column, nothing half-read."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from outsourcer.planning.scoring import STATUSES, TaskInput

COLUMNS = (
    "name",
    "category",
    "hours_per_month",
    "effectiveness",
    "business_value",
    "knowledge",
    "inhouse_cost_per_hour",
    "market_rate_per_hour",
    "recurring",
)
OPTIONAL_EXTRA = ("ref", "status")
# What `tasks_csv` writes: the design's columns, then the two that make a round trip exact.
EXPORT_COLUMNS = (*COLUMNS, *OPTIONAL_EXTRA)
REF_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
REQUIRED = ("name", "hours_per_month", "effectiveness", "business_value")
KNOWLEDGE = ("none", "basic", "working", "expert")
TRUE = {"1", "true", "yes", "y"}
FALSE = {"0", "false", "no", "n"}
MAX_HOURS = Decimal(744)  # every hour of a 31-day month


@dataclass(frozen=True, order=True)
class CsvError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class CsvInvalid(Exception):
    def __init__(self, errors: list[CsvError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the time audit")


def _money(text: str, row: int, column: str, errors: list[CsvError]) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(CsvError(row, column, f"{text!r} is not a number"))
        return None
    if not value.is_finite() or value < 0:
        errors.append(CsvError(row, column, f"{text!r} must be zero or more"))
        return None
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.append(CsvError(row, column, f"{text!r} has more than two decimals"))
        return None
    if value >= Decimal(10) ** 12:
        errors.append(CsvError(row, column, f"{text!r} is too large"))
        return None
    return value.quantize(Decimal("0.01"))


def _score(text: str, row: int, column: str, errors: list[CsvError]) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 5:  # '²' is a digit int() refuses
        errors.append(CsvError(row, column, f"{text!r} must be a whole number from 1 to 5"))
        return 0
    return int(text)


def _records(lines: Iterable[str], errors: list[CsvError]) -> Iterator[list[str]]:
    """The CSV's rows; what the csv module cannot read (a huge field, a NUL) ends them with an error."""
    reader = csv.reader(lines)
    row = 0
    while True:
        row += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            errors.append(CsvError(row, "", f"cannot be read as CSV ({exc})"))
            return
        if any("\x00" in value for value in values):  # Python 3.11's csv reads NUL; no database stores it
            errors.append(CsvError(row, "", "cannot be read as CSV (it holds a NUL character)"))
            return
        yield values


def parse_rows(lines: Iterable[str]) -> list[TaskInput]:
    """Parse a whole time audit; raise CsvInvalid with every problem found, or return every task."""
    errors: list[CsvError] = []
    reader = _records(lines, errors)
    first = next(reader, None)
    if first is None:
        raise CsvInvalid(errors or [CsvError(1, "", "the file is empty; the first row must name the columns")])
    header = [h.strip().lower() for h in first]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h not in COLUMNS and h not in OPTIONAL_EXTRA]
    errors += [CsvError(1, c, "required column is missing") for c in missing]
    errors += [CsvError(1, h or "(empty)", "unknown column") for h in unknown]
    if len(set(header)) != len(header):
        errors.append(CsvError(1, "", "a column is named twice"))
    if errors:
        raise CsvInvalid(errors)
    tasks: list[TaskInput] = []
    refs_seen: dict[str, int] = {}
    for row_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue  # blank lines are allowed
        if len(values) > len(header):
            errors.append(CsvError(row_number, "", f"{len(values)} values for {len(header)} columns"))
            continue
        cell = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        before = len(errors)
        name = cell["name"]
        if not name:
            errors.append(CsvError(row_number, "name", "a task needs a name"))
        elif len(name) > 200:
            errors.append(CsvError(row_number, "name", "at most 200 characters"))
        if len(cell.get("category", "")) > 64:
            errors.append(CsvError(row_number, "category", "at most 64 characters"))
        ref = cell.get("ref", "")
        if ref and not REF_RE.match(ref):
            errors.append(
                CsvError(row_number, "ref", f"{ref!r} may hold only letters, digits and _ . : - (64 at most)")
            )
        elif ref and ref in refs_seen:
            errors.append(CsvError(row_number, "ref", f"{ref!r} is already used on row {refs_seen[ref]}"))
        elif ref:
            refs_seen[ref] = row_number
        status = cell.get("status", "").lower() or "in_house"
        if status not in STATUSES:
            errors.append(CsvError(row_number, "status", f"{status!r} is not one of {', '.join(STATUSES)}"))
        hours = _money(cell["hours_per_month"], row_number, "hours_per_month", errors)
        if cell["hours_per_month"] == "":
            errors.append(CsvError(row_number, "hours_per_month", "required"))
        elif hours is not None and hours > MAX_HOURS:
            errors.append(CsvError(row_number, "hours_per_month", "a month has at most 744 hours"))
        effectiveness = _score(cell["effectiveness"], row_number, "effectiveness", errors)
        value = _score(cell["business_value"], row_number, "business_value", errors)
        knowledge = cell.get("knowledge", "").lower() or None
        if knowledge is not None and knowledge not in KNOWLEDGE:
            errors.append(CsvError(row_number, "knowledge", f"{knowledge!r} is not one of {', '.join(KNOWLEDGE)}"))
        recurring_text = cell.get("recurring", "").lower()
        if recurring_text not in TRUE | FALSE | {""}:
            errors.append(CsvError(row_number, "recurring", f"{recurring_text!r} is not yes or no"))
        inhouse = _money(cell.get("inhouse_cost_per_hour", ""), row_number, "inhouse_cost_per_hour", errors)
        market = _money(cell.get("market_rate_per_hour", ""), row_number, "market_rate_per_hour", errors)
        if len(errors) == before:
            tasks.append(
                TaskInput(
                    name=name,
                    hours_per_month=hours or Decimal(0),
                    effectiveness=effectiveness,
                    business_value=value,
                    category=cell.get("category", ""),
                    knowledge=knowledge,  # type: ignore[arg-type]
                    inhouse_cost_per_hour=inhouse,
                    market_rate_per_hour=market,
                    recurring=recurring_text not in FALSE,
                    ref=ref,
                    status=status,
                )
            )
    if errors:
        raise CsvInvalid(errors)
    return tasks


def header_columns(text: str) -> set[str]:
    """The columns a file names (call after `parse_text` accepted it): an update touches only these."""
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")), [])
    return {h.strip().lower() for h in first}


def parse_text(text: str) -> list[TaskInput]:
    return parse_rows(io.StringIO(text.lstrip("\ufeff"), newline=""))  # "" keeps a lone \r a line end


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cents(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def write_rows(tasks: Iterable[TaskInput]) -> str:
    """The time audit as CSV, in the columns `parse_rows` reads: export then import is the same audit."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for t in tasks:
        writer.writerow(
            [
                t.name,
                t.category,
                _number(t.hours_per_month),
                t.effectiveness,
                t.business_value,
                t.knowledge or "",
                _cents(t.inhouse_cost_per_hour),
                _cents(t.market_rate_per_hour),
                "yes" if t.recurring else "no",
                t.ref,
                t.status,
            ]
        )
    return out.getvalue()
