"""The rule catalogue: every health-check rule is one small unit registered here.

A rule has an id (`stage/name`), a severity, its texts (what it checks, why it matters, how to fix
it, where the advice comes from) and an `evaluate` function that reads the workspace through set-based
queries (see `CheckContext`) and yields one `Hit` per subject it fires on. The rules reference page
(web and docs/rules.md) is made from this catalogue, so the two cannot drift.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from outsourcer.accounts.models import Workspace
from outsourcer.checks.models import Severity

STAGES: dict[str, str] = {
    "plan": "Plan",
    "vet": "Vet",
    "brief": "Brief",
    "manage": "Manage",
    "deliver": "Deliver",
    "money": "Pay",
    "risk": "Risk",
    "comply": "Comply",
}


@dataclass(frozen=True)
class Subject:
    """What a finding is about: its kind, its public id, its bundle ref and a label a person reads."""

    kind: str
    uuid: str
    ref: str
    label: str

    @property
    def key(self) -> str:
        """Findings are keyed by ref where there is one, so a snooze survives an export and re-import."""
        return self.ref or self.uuid


@dataclass(frozen=True)
class Hit:
    subject: Subject
    message: str
    # The data that made the rule fire; a snooze or dismissal lasts until it changes.
    facts: dict[str, Any]
    severity: str | None = None  # when a rule has two levels (warning / error)

    @property
    def fingerprint(self) -> str:
        text = json.dumps(self.facts, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


class CheckContext:
    """What rules read: the workspace, the reference date, the policy, and data loaded once.

    Rules that need the same rows share one query through the cached properties below, so a whole
    check costs a bounded number of queries, however many rows or rules there are.
    """

    def __init__(self, *, workspace: Workspace, as_of: dt.date) -> None:
        self.workspace = workspace
        self.as_of = as_of
        self.policy = workspace.effective_policy

    @cached_property
    def tasks(self) -> list[Any]:
        from outsourcer.planning.selectors import task_list

        # Only the columns rules read: on 10,000 tasks, building full rows cost most of a check.
        return list(
            task_list(workspace=self.workspace).only(
                "uuid", "ref", "name", "hours_per_month", "effectiveness", "business_value", "knowledge", "status"
            )
        )


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    title: str
    checks: str  # when it fires, in a sentence
    why: str  # the mistake it prevents
    fix: str
    source: str
    evaluate: Callable[[CheckContext], Iterable[Hit]] = field(compare=False, repr=False)
    severities: tuple[str, ...] = ()  # every level it can raise, when more than one

    @property
    def stage(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def stage_label(self) -> str:
        return STAGES[self.stage]

    @property
    def levels(self) -> tuple[str, ...]:
        return self.severities or (self.severity,)

    @property
    def anchor(self) -> str:
        return self.id.replace("/", "-")


CATALOGUE: dict[str, Rule] = {}


def register(
    *,
    id: str,
    severity: str,
    title: str,
    checks: str,
    why: str,
    fix: str,
    source: str,
    severities: tuple[str, ...] = (),
) -> Callable[[Callable[[CheckContext], Iterable[Hit]]], Callable[[CheckContext], Iterable[Hit]]]:
    """Add a rule to the catalogue; used as a decorator on its evaluate function."""
    if severity not in Severity.values:
        raise ValueError(f"{id}: unknown severity {severity!r}")

    def decorate(func: Callable[[CheckContext], Iterable[Hit]]) -> Callable[[CheckContext], Iterable[Hit]]:
        if id in CATALOGUE:
            raise ValueError(f"rule {id} is registered twice")
        if id.split("/", 1)[0] not in STAGES:
            raise ValueError(f"rule {id} names no known stage")
        CATALOGUE[id] = Rule(
            id=id,
            severity=severity,
            title=title,
            checks=checks,
            why=why,
            fix=fix,
            source=source,
            evaluate=func,
            severities=severities,
        )
        return func

    return decorate


def rules() -> list[Rule]:
    """Every registered rule, in the catalogue's order (stage by stage, as RULES.md lists them)."""
    from outsourcer.checks import rules as _rules  # noqa: F401 - importing registers them

    order = list(STAGES)
    return sorted(CATALOGUE.values(), key=lambda r: (order.index(r.stage), list(CATALOGUE).index(r.id)))


def rule_get(rule_id: str) -> Rule | None:
    rules()
    return CATALOGUE.get(rule_id)
