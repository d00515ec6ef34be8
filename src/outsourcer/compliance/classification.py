"""Worker status: read a classification assessment against the IRS common-law categories, the ABC test
where the workspace's state uses one, and the FLSA test in force on the day (all as data in
`data/classification.json`). It informs the business; it does not decide anyone's status and is not
legal advice. Rule comply/classification-risk, the web page, the API and the CLI all read `result_of`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "classification.json"

DISCLAIMER = (
    "This reads your answers against the published tests to show where the risk lies. It is not legal or tax "
    "advice and does not decide anyone's status; when the result is unclear, ask an employment lawyer or "
    "accountant, or the IRS itself with Form SS-8."
)


@dataclass(frozen=True)
class Question:
    id: str
    category: str
    abc: str | None
    question: str
    employee_sign: str


@dataclass(frozen=True)
class AbcState:
    region: str
    name: str
    citation: str
    prong_b_by_location: bool


@dataclass(frozen=True)
class FlsaVersion:
    id: str
    starts: dt.date
    name: str
    factors: tuple[str, ...]
    note: str


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return dict(json.loads(DATA.read_text()))


def questions() -> tuple[Question, ...]:
    return tuple(Question(**row) for row in _data()["questions"])


def category_label(category: str) -> str:
    return str(_data()["categories"][category])


def abc_prong_text(prong: str) -> str:
    return str(_data()["abc_prongs"][prong])


def thresholds() -> tuple[int, int]:
    """How many answers toward employment make a warning, and an error."""
    found = _data()["thresholds"]
    return int(found["warning_at"]), int(found["error_at"])


def abc_state(*, country: str, region: str) -> AbcState | None:
    """The ABC-test state a workspace is in, if any (region codes like `CA` or `CA-LOS_ANGELES`)."""
    if country.upper() != "US" or not region:
        return None
    state = region.upper().split("-", 1)[0]
    for row in _data()["abc_states"]:
        if row["region"] == state:
            return AbcState(**row)
    return None


def flsa_version(on: dt.date) -> FlsaVersion | None:
    """The FLSA independent-contractor test in force on `on` (the latest that had started)."""
    found = None
    for row in _data()["flsa_versions"]:
        starts = dt.date.fromisoformat(row["from"])
        if starts <= on:
            found = FlsaVersion(
                id=row["id"], starts=starts, name=row["name"], factors=tuple(row["factors"]), note=row["note"]
            )
    return found


@dataclass(frozen=True)
class Result:
    toward: tuple[Question, ...]  # answers pointing toward employment
    unanswered: tuple[Question, ...]
    by_category: dict[str, int]  # how many answers toward employment in each IRS category
    abc: AbcState | None
    abc_failed: tuple[str, ...]  # prongs the answers say cannot be shown ("A", "B", "C")
    flsa: FlsaVersion | None
    severity: str | None  # "error", "warning" or None
    level: str  # "high", "elevated" or "low": the headline a person reads
    reasons: tuple[str, ...]  # why the severity is what it is, in words

    @property
    def count(self) -> int:
        return len(self.toward)


def result_of(answers: dict[str, bool | None], *, country: str, region: str, on: dt.date) -> Result:
    """What an assessment's answers say, for a workspace in `country`/`region`, on `on`."""
    asked = questions()
    toward = tuple(q for q in asked if answers.get(q.id) is True)
    unanswered = tuple(q for q in asked if answers.get(q.id) is None)
    by_category = {c: sum(1 for q in toward if q.category == c) for c in _data()["categories"]}
    state = abc_state(country=country, region=region)
    failed = tuple(sorted({q.abc for q in toward if q.abc})) if state else ()
    warning_at, error_at = thresholds()
    reasons: list[str] = []
    severity: str | None = None
    core = answers.get("core_to_our_business") is True
    if state and core:
        severity = "error"
        reasons.append(
            f"{state.name} uses the ABC test ({state.citation}) and the work is part of your usual business, so "
            f"prong B cannot be shown"
            + (" unless the work is done outside all of your places of business" if state.prong_b_by_location else "")
        )
    if len(toward) >= error_at:
        severity = "error"
        reasons.append(f"{len(toward)} of {len(asked)} answers point toward employment ({error_at} or more)")
    elif len(toward) >= warning_at:
        severity = severity or "warning"
        reasons.append(f"{len(toward)} of {len(asked)} answers point toward employment ({warning_at} or more)")
    level = {"error": "high", "warning": "elevated", None: "low"}[severity]
    return Result(
        toward=toward,
        unanswered=unanswered,
        by_category=by_category,
        abc=state,
        abc_failed=failed,
        flsa=flsa_version(on),
        severity=severity,
        level=level,
        reasons=tuple(reasons),
    )
