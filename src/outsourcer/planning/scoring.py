"""The outsourcing plan: which work to hand out first, what it frees and what it saves.

Pure functions over plain values, so the web page, the API and `outsourcer plan FILE.csv` (which
needs no database) rank the same tasks the same way. docs/planning.md explains the model with a
worked example.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

Knowledge = Literal["none", "basic", "working", "expert"]
# A task's status, as the bundle has it. Retired work is no longer done: it has no place in a plan.
STATUSES = ("in_house", "candidate", "outsourced", "retired")
Recommendation = Literal["outsource_first", "outsource", "outsource_with_oversight", "keep", "reconsider"]

CENT = Decimal("0.01")
# Share of the freed hours that steering and reviewing an outsourced task still takes, by how much
# the business knows about the work: knowing little makes oversight cost more, not less.
OVERSIGHT_SHARE = {
    "none": Decimal("0.25"),
    "basic": Decimal("0.15"),
    "working": Decimal("0.10"),
    "expert": Decimal("0.10"),
}
# Weights of the priority score; each term grows as the task becomes a better thing to hand out.
W_EFFECTIVENESS = 3.0
W_VALUE = 2.0
W_HOURS = 1.5


@dataclass(frozen=True)
class TaskInput:
    name: str
    hours_per_month: Decimal
    effectiveness: int
    business_value: int
    category: str = ""
    knowledge: Knowledge | None = None
    inhouse_cost_per_hour: Decimal | None = None
    market_rate_per_hour: Decimal | None = None
    recurring: bool = True
    ref: str = ""
    status: str = "in_house"


@dataclass
class PlannedTask:
    task: TaskInput
    rank: int
    score: float
    quadrant: str
    recommendation: Recommendation
    hours_freed_per_month: Decimal
    monthly_saving: Decimal | None
    shape: str
    role: str
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.task.name,
            "ref": self.task.ref or None,
            "rank": self.rank,
            "score": round(self.score, 3),
            "quadrant": self.quadrant,
            "recommendation": self.recommendation,
            "hours_freed_per_month": str(self.hours_freed_per_month),
            "monthly_saving": None if self.monthly_saving is None else str(self.monthly_saving),
            "shape": self.shape,
            "role": self.role,
            "reasons": self.reasons,
        }


@dataclass
class Plan:
    currency: str
    tasks: list[PlannedTask]

    @property
    def roles(self) -> list[dict[str, Any]]:
        grouped: dict[str, list[PlannedTask]] = defaultdict(list)
        for planned in self.tasks:
            if planned.role:
                grouped[planned.role].append(planned)
        return [
            {
                "role": role,
                "tasks": [p.task.name for p in items],
                "hours_per_month": str(sum((p.task.hours_per_month for p in items), Decimal(0))),
            }
            for role, items in sorted(grouped.items(), key=lambda kv: min(p.rank for p in kv[1]))
        ]

    @property
    def totals(self) -> dict[str, str]:
        freed = sum((p.hours_freed_per_month for p in self.tasks), Decimal(0))
        savings = [p.monthly_saving for p in self.tasks if p.monthly_saving is not None and p.hours_freed_per_month]
        return {
            "hours_freed_per_month": str(freed),
            "monthly_saving": str(sum(savings, Decimal(0)).quantize(CENT)),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "tasks": [p.as_dict() for p in self.tasks],
            "roles": self.roles,
            "totals": self.totals,
        }


def quadrant(task: TaskInput) -> str:
    good = task.effectiveness >= 4
    core = task.business_value >= 4
    if core:
        return "core, done well" if good else "core, done poorly"
    return "peripheral, done well" if good else "peripheral, done poorly"


def priority(task: TaskInput) -> float:
    """Higher first. Lower effectiveness, lower business value and more hours each raise it."""
    hours = float(task.hours_per_month)
    return (
        W_EFFECTIVENESS * (5 - task.effectiveness) + W_VALUE * (5 - task.business_value) + W_HOURS * math.log1p(hours)
    )


def _recommend(task: TaskInput) -> tuple[Recommendation, list[str]]:
    reasons: list[str] = []
    if task.business_value == 5:
        reasons.append("It is core to the business (value 5): keep control of it.")
        if task.effectiveness <= 2:
            reasons.append("You do it poorly in-house, so bring in help you steer closely, or rethink it.")
            return "outsource_with_oversight", reasons
        return "keep", reasons
    if task.knowledge == "none":
        reasons.append(
            "You know nothing about this work, so you could not brief it or judge the result: "
            "hand it out only with someone who can oversee it."
        )
        return "outsource_with_oversight", reasons
    if task.effectiveness >= 4 and task.business_value >= 4:
        reasons.append("You do it well and it matters: it is yours to keep.")
        return "keep", reasons
    if task.effectiveness <= 2 and task.business_value <= 3:
        reasons.append("You do it poorly and it is not core: a specialist will do it better.")
        return "outsource_first", reasons
    if task.business_value == 4:
        reasons.append("It matters to the business: hand it out, but review the work closely.")
        return "outsource_with_oversight", reasons
    if task.effectiveness >= 4:
        reasons.append("You do it well, but it is not core: your hours are worth more elsewhere.")
    else:
        reasons.append("It is not core, and others can do it at least as well.")
    return "outsource", reasons


def _cost_per_hour(task: TaskInput, owner_hourly_value: Decimal | None) -> Decimal | None:
    return task.inhouse_cost_per_hour if task.inhouse_cost_per_hour is not None else owner_hourly_value


def _order(task: TaskInput) -> tuple[Any, ...]:
    """Score first; ties broken by every field, so the same tasks in any order give the same plan."""
    return (
        -priority(task),
        task.name,
        task.ref,
        task.category,
        task.hours_per_month,
        task.effectiveness,
        task.business_value,
        task.knowledge or "",
        task.inhouse_cost_per_hour or Decimal(-1),
        task.market_rate_per_hour or Decimal(-1),
        task.recurring,
        task.status,
    )


def plan_tasks(tasks: list[TaskInput], *, owner_hourly_value: Decimal | None = None, currency: str = "USD") -> Plan:
    """Rank the tasks and recommend what to do with each; the result is the same for the same input."""
    scored = sorted((t for t in tasks if t.status != "retired"), key=_order)
    planned: list[PlannedTask] = []
    for rank, task in enumerate(scored, start=1):
        recommendation, reasons = _recommend(task)
        handed_out = recommendation in ("outsource_first", "outsource", "outsource_with_oversight")
        hours = task.hours_per_month
        freed = Decimal(0)
        if handed_out:
            share = OVERSIGHT_SHARE[task.knowledge or "working"] if recommendation == "outsource_with_oversight" else 0
            freed = (hours * (1 - Decimal(share))).quantize(Decimal("0.1"), ROUND_HALF_UP)
        inhouse = _cost_per_hour(task, owner_hourly_value)
        saving: Decimal | None = None
        if not handed_out:
            saving = Decimal("0.00")
        elif inhouse is not None and task.market_rate_per_hour is not None:
            # The hours still spent steering it stay in-house; every hour of the work is bought outside.
            saving = (freed * inhouse - hours * task.market_rate_per_hour).quantize(CENT, ROUND_HALF_UP)
            if saving < 0:
                reasons.append("It costs more outside than in-house: the case rests on the hours it frees.")
        shape = ""
        if handed_out:
            shape = "ongoing or retainer" if task.recurring else "fixed price after a small paid trial"
        category = task.category.strip() or "general"
        planned.append(
            PlannedTask(
                task=task,
                rank=rank,
                score=priority(task),
                quadrant=quadrant(task),
                recommendation=recommendation,
                hours_freed_per_month=freed,
                monthly_saving=saving,
                shape=shape,
                role=f"{category.replace('_', ' ').capitalize()} contractor" if handed_out else "",
                reasons=reasons,
            )
        )
    return Plan(currency=currency, tasks=planned)
