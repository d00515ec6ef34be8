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
                "uuid",
                "ref",
                "name",
                "category",
                "hours_per_month",
                "effectiveness",
                "business_value",
                "knowledge",
                "status",
            )
        )

    @cached_property
    def task_by_pk(self) -> dict[int, Any]:
        return {task.pk: task for task in self.tasks}

    # The vetting data: every loader is one query filtered by workspace (no `IN` list of ids, which
    # would grow with the workspace), reading only the columns the rules use.

    @cached_property
    def contractors(self) -> dict[int, Any]:
        """Contractors by primary key."""
        from outsourcer.contractors.models import Contractor

        rows = Contractor.objects.filter(workspace=self.workspace).only(
            "uuid", "ref", "name", "stage", "skills_text", "time_zone", "work_start", "work_end", "work_days"
        )
        return {c.pk: c for c in rows.order_by("name", "ref")}

    def _by_contractor(self, rows: Iterable[Any]) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = {}
        for row in rows:
            found.setdefault(row.contractor_id, []).append(row)
        return found

    @cached_property
    def references(self) -> dict[int, list[Any]]:
        """Reference checks by contractor, oldest first."""
        from outsourcer.contractors.models import ReferenceCheck

        rows = ReferenceCheck.objects.filter(workspace=self.workspace).only(
            "contractor_id", "name", "checked_on", "outcome"
        )
        return self._by_contractor(rows.order_by("checked_on", "pk"))

    @cached_property
    def interviews(self) -> dict[int, list[Any]]:
        from outsourcer.contractors.models import Interview

        rows = Interview.objects.filter(workspace=self.workspace).only("contractor_id", "held_on", "identity_verified")
        return self._by_contractor(rows.order_by("held_on", "pk"))

    @cached_property
    def open_red_flags(self) -> dict[int, list[Any]]:
        """Unresolved red flags by contractor, oldest first."""
        from outsourcer.contractors.models import RedFlag

        rows = RedFlag.objects.filter(workspace=self.workspace, resolved=False).only(
            "contractor_id", "kind", "noted_on"
        )
        return self._by_contractor(rows.order_by("noted_on", "pk"))

    @cached_property
    def engagements(self) -> list[Any]:
        """Every engagement (trials too), by ref."""
        from outsourcer.engagements.models import Engagement

        return list(
            Engagement.objects.filter(workspace=self.workspace)
            .only("uuid", "ref", "title", "kind", "status", "contractor_id", "budget_cap", "rate_currency")
            .order_by("ref")
        )

    @cached_property
    def running_engagements(self) -> list[Any]:
        """Engagements in progress: active or paused ("active" in the rules' sense)."""
        from outsourcer.engagements.models import RUNNING

        return [e for e in self.engagements if e.status in RUNNING]

    @cached_property
    def engagement_tasks(self) -> dict[int, list[Any]]:
        """The tasks linked to each running engagement, from the tasks loaded above."""
        from outsourcer.engagements.models import RUNNING, Engagement

        links = Engagement.tasks.through.objects.filter(
            engagement__workspace=self.workspace, engagement__status__in=RUNNING
        ).order_by("engagement_id", "task_id")
        found: dict[int, list[Any]] = {}
        for engagement_id, task_id in links.values_list("engagement_id", "task_id"):
            if task_id in self.task_by_pk:
                found.setdefault(engagement_id, []).append(self.task_by_pk[task_id])
        return found

    @cached_property
    def running_work_by_task(self) -> dict[int, list[str]]:
        """For each task in active work, the titles of the engagements it is linked to."""
        titles = {e.pk: e.title for e in self.running_engagements}
        found: dict[int, list[str]] = {}
        for engagement_id, tasks in self.engagement_tasks.items():
            for task in tasks:
                found.setdefault(task.pk, []).append(titles[engagement_id])
        return found


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
