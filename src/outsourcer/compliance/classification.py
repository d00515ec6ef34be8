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


def abc_states() -> tuple[AbcState, ...]:
    return tuple(AbcState(**row) for row in _data()["abc_states"])


def abc_prongs() -> dict[str, str]:
    return dict(_data()["abc_prongs"])


def categories() -> dict[str, str]:
    return dict(_data()["categories"])


def flsa_versions() -> tuple[FlsaVersion, ...]:
    """Every FLSA test in the data, oldest first."""
    rows = sorted(_data()["flsa_versions"], key=lambda row: row["from"])
    return tuple(
        FlsaVersion(
            id=row["id"],
            starts=dt.date.fromisoformat(row["from"]),
            name=row["name"],
            factors=tuple(row["factors"]),
            note=row["note"],
        )
        for row in rows
    )


def flsa_version(on: dt.date) -> FlsaVersion | None:
    """The FLSA independent-contractor test in force on `on` (the latest that had started)."""
    found = None
    for version in flsa_versions():
        if version.starts <= on:
            found = version
    return found


@dataclass(frozen=True)
class Factors:
    """The answers toward employment of one IRS category."""

    category: str
    label: str
    signs: tuple[Question, ...]

    @property
    def count(self) -> int:
        return len(self.signs)


PRONG_STATE_TEXT = {
    "cannot_show": "your answers say this cannot be shown",
    "unsure": "not sure: a question about it was answered \u201cnot sure\u201d",
    "nothing_against": "nothing in your answers stands against it",
}


@dataclass(frozen=True)
class Prong:
    """One prong of the ABC test, as the answers leave it."""

    prong: str  # "A", "B" or "C"
    text: str  # what must be shown
    state: str  # "cannot_show", "unsure" or "nothing_against"
    note: str  # New Jersey's location alternative for prong B

    @property
    def state_text(self) -> str:
        return PRONG_STATE_TEXT[self.state]


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

    @property
    def factors(self) -> tuple[Factors, ...]:
        """The answers toward employment, grouped by IRS category in the questionnaire's order (every
        category, even one with none)."""
        return tuple(
            Factors(category=c, label=label, signs=tuple(q for q in self.toward if q.category == c))
            for c, label in _data()["categories"].items()
        )

    @property
    def prongs(self) -> tuple[Prong, ...]:
        """The ABC test's three prongs as the answers leave them; empty outside an ABC-test state."""
        if self.abc is None:
            return ()
        found = []
        for prong, text in _data()["abc_prongs"].items():
            if prong in self.abc_failed:
                state = "cannot_show"
            elif any(q.abc == prong for q in self.unanswered):
                state = "unsure"
            else:
                state = "nothing_against"
            note = ""
            if prong == "B" and self.abc.prong_b_by_location:
                note = (
                    f"In {self.abc.name} this prong is also met when the work is done outside all of your places "
                    "of business."
                )
            found.append(Prong(prong=prong, text=text, state=state, note=note))
        return tuple(found)

    @property
    def ss8_suggested(self) -> bool:
        return self.level in ("high", "elevated")


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


# --- Words for people, and when to look again ---------------------------------------------------------

# The grounds that count as a reasonable basis for treating a worker as a contractor (Section 530 of the
# Revenue Act of 1978), in our own words.
REASONABLE_BASIS_GROUNDS = (
    "a court decision or a published IRS ruling on work like this, or a ruling the IRS gave you",
    "a past IRS audit of your business that did not reclassify workers doing this kind of work",
    "a long-standing practice of a significant part of your industry",
    "written advice from a lawyer or an accountant",
)
REASONABLE_BASIS_HELP = (
    "Why treating them as a contractor is reasonable, written now, at the time of the decision, not after a "
    "question is asked. Grounds that count: "
    + "; ".join(REASONABLE_BASIS_GROUNDS)
    + ". Name the source (case, ruling, audit year, who advised you and when)."
)
LEVEL_TEXT = {
    "high": "High risk: this looks like employment",
    "elevated": "Elevated risk: some signs of employment",
    "low": "Low risk: reads as independent contracting",
}
SS8_TEXT = (
    "Still unsure? You or the contractor can ask the IRS to decide with Form SS-8. An answer takes six "
    "months or more, and only for an arrangement that already exists."
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def explanation(result: Result) -> str:
    """What the result means, in plain words."""
    asked = len(questions())
    n = result.count
    parts: list[str] = []
    if result.level == "high":
        why = []
        if result.abc is not None and "B" in result.abc_failed:
            unless = (
                " unless it is done outside all of your places of business" if result.abc.prong_b_by_location else ""
            )
            why.append(f"in {result.abc.name} work that is part of your usual business counts as employment{unless}")
        _warning_at, error_at = thresholds()
        if n >= error_at:
            why.append(f"{n} of {asked} answers point toward employment, and {error_at} or more is a high count")
        parts.append(
            "This looks more like employment than contracting: " + "; ".join(why) + ". "
            "If the contractor were found to be an employee you would owe back employment taxes and penalties"
            + (f", and in {result.abc.name} wages and benefits under state law too" if result.abc else "")
            + ". Change how the work is arranged, or get advice before it goes on."
        )
    elif result.level == "elevated":
        parts.append(
            f"{n} of {asked} answers point toward employment. No single answer decides: the IRS and the courts "
            "weigh the whole relationship. Each factor below is something you can change (pay for the result, "
            "let them choose their hours and tools, keep the work to a defined piece), and the reasonable basis "
            "matters more the closer the call."
        )
    else:
        parts.append(
            f"{_plural(n, 'answer')} of {asked} point{'s' if n == 1 else ''} toward employment. As answered, the "
            "relationship reads as independent contracting; that holds only while the facts stay as answered."
        )
    if result.abc is not None and result.level != "high":
        parts.append(
            f"{result.abc.name} uses the ABC test: the contractor counts as an employee unless you can show all "
            "three prongs below."
        )
    if result.unanswered:
        parts.append(
            f"{_plural(len(result.unanswered), 'question')} {'was' if len(result.unanswered) == 1 else 'were'} "
            "answered \u201cnot sure\u201d; the result is only as good as the answers, so find out and reassess."
        )
    return " ".join(parts)


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    try:
        return day.replace(year=year, month=month)
    except ValueError:  # 29-31 of a shorter month: its last day
        return (day.replace(day=1, year=year, month=month) + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(
            days=1
        )


def reassess_every_months() -> int:
    return int(_data()["reassess"]["every_months"])


def long_running_days() -> int:
    return int(_data()["reassess"]["long_running_days"])


def reassess_periodically(*, kind: str, start_on: dt.date | None, end_on: dt.date | None) -> bool:
    """Whether an engagement is reassessed on a schedule: ongoing, open-ended (no end date), or set to run
    longer than `long_running_days` from its start to its end."""
    if kind == "ongoing" or end_on is None:
        return True
    if start_on is None:
        return False
    return (end_on - start_on).days > long_running_days()


def assessment_expected(*, kind: str, start_on: dt.date | None, today: dt.date) -> bool:
    """Whether work in progress should have an assessment by now: ongoing, or running longer than
    `long_running_days` since it started (rule comply/classification-unassessed)."""
    if kind == "ongoing":
        return True
    return start_on is not None and (today - start_on).days > long_running_days()


def reassess_by(assessed_on: dt.date) -> dt.date:
    return _add_months(assessed_on, reassess_every_months())


def reassess_text(*, periodic: bool, assessed_on: dt.date) -> str:
    if periodic:
        return (
            f"Reassess by {reassess_by(assessed_on):%-d %B %Y}, or sooner if the work changes: ongoing, open-ended "
            f"or long work (over {long_running_days()} days) is looked at again every {reassess_every_months()} "
            "months."
        )
    return (
        "Reassess when the work changes: new duties, more hours, a longer term, your staff starting to do the "
        "same work, or the contractor stopping work for others."
    )
