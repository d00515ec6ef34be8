"""plan/*: deciding what to outsource (RULES.md, "plan")."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from outsourcer.checks.registry import CheckContext, Hit, Subject, register
from outsourcer.planning.models import Knowledge, Task, TaskStatus


def task_subject(task: Task) -> Subject:
    return Subject(kind="task", uuid=str(task.uuid), ref=task.ref, label=task.name)


def _handed_out(ctx: CheckContext, task: Task) -> str:
    """How the task is in someone else's hands, in words; empty when it is not."""
    titles = ctx.running_work_by_task.get(task.pk, [])
    if titles:
        return f"is in active work ({', '.join(titles)})"
    return "is outsourced" if task.status == TaskStatus.OUTSOURCED else ""


def _hours(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text} h"


@register(
    id="plan/outsourcing-core",
    severity="warning",
    title="Core work handed out",
    checks=(
        "A task rated 5 of 5 for business value (the core of the business) is marked outsourced or is "
        "linked to an active engagement."
    ),
    why=(
        "The work that makes your business what it is should stay in your hands: handing it out puts "
        "your reputation, your know-how and your edge in someone else's care."
    ),
    fix=(
        "Bring the task back in-house, or keep the strategy and the final say yourself and outsource only "
        "a well-defined part of it; then lower its business value or split it into two tasks."
    ),
    source="seeds 004 #2, 001 #4",
)
def outsourcing_core(ctx: CheckContext) -> Iterator[Hit]:
    for task in ctx.tasks:
        how = _handed_out(ctx, task)
        if task.business_value == 5 and how:
            yield Hit(
                subject=task_subject(task),
                message=(
                    f"{task.name} is core to the business (business value 5 of 5) and {how} "
                    f"({_hours(task.hours_per_month)} a month)."
                ),
                facts={"business_value": task.business_value, "handed_out": how},
            )


@register(
    id="plan/no-knowledge",
    severity="warning",
    title="Outsourcing work you know nothing about",
    checks="A task whose knowledge is 'none' is marked outsourced or is linked to an active engagement.",
    why=(
        "If nobody in the business understands the work, nobody can brief it well, judge a quote, or "
        "tell good results from bad ones; you cannot steer what you cannot read."
    ),
    fix=(
        "Learn the basics before you hand it out, or bring in a trusted adviser who knows the field to "
        "write the brief and review the work; then record the knowledge you now have."
    ),
    source="seed 004 #5",
)
def no_knowledge(ctx: CheckContext) -> Iterator[Hit]:
    for task in ctx.tasks:
        how = _handed_out(ctx, task)
        if task.knowledge == Knowledge.NONE and how:
            yield Hit(
                subject=task_subject(task),
                message=(
                    f"{task.name} {how}, but the business knows nothing about this work "
                    f"(knowledge: none), so nobody can judge what comes back."
                ),
                facts={"knowledge": task.knowledge, "handed_out": how},
            )


@register(
    id="plan/not-outsourcing-enough",
    severity="info",
    title="Work worth handing out, still done in-house",
    checks=(
        "A task done in-house is rated 2 or lower for effectiveness and 3 or lower for business value, "
        "and takes 8 hours a month or more."
    ),
    why=(
        "Hours spent doing work you do poorly and that is not your core are hours taken from the work "
        "that grows the business; a specialist would likely do it better and faster."
    ),
    fix=(
        "Open the plan, make the task a candidate for vetting, and find someone to take it on; start "
        "with a small paid trial."
    ),
    source="seeds 004 #1, 001 #2",
)
def not_outsourcing_enough(ctx: CheckContext) -> Iterator[Hit]:
    for task in ctx.tasks:
        if (
            task.status == TaskStatus.IN_HOUSE
            and task.effectiveness <= 2
            and task.business_value <= 3
            and task.hours_per_month >= 8
        ):
            yield Hit(
                subject=task_subject(task),
                message=(
                    f"{task.name} takes {_hours(task.hours_per_month)} a month in-house, though you rate "
                    f"your effectiveness at it {task.effectiveness} of 5 and its business value "
                    f"{task.business_value} of 5."
                ),
                facts={
                    "status": task.status,
                    "effectiveness": task.effectiveness,
                    "business_value": task.business_value,
                    "hours_per_month": str(task.hours_per_month),
                },
            )


# Tasks this small are pieces of one person's month, not jobs for two.
SMALL_TASK_HOURS = Decimal(20)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _words(name: str) -> str:
    """A category or a skill as plain words: `social_media`, `Social-Media` and `social media` are alike."""
    return " ".join(name.replace("_", " ").replace("-", " ").lower().split())


@register(
    id="plan/split-duties",
    severity="info",
    title="Small duties split between contractors",
    checks=(
        "Two or more active engagements with different contractors cover tasks of the same category, each of "
        "those tasks under 20 hours a month, and one of those contractors lists the category among their skills "
        "(underscores and hyphens read as spaces). The finding is about the category."
    ),
    why=(
        "Splitting small duties between two people doubles the briefing, the check-ins and the invoices for the "
        "same amount of work; one person who can do both learns your business faster and may offer a better rate "
        "for more hours."
    ),
    fix=(
        "Ask the contractor who lists the skill whether they have room for the other tasks of the category, and "
        "move them over as the other engagement ends."
    ),
    source="seed 003 #4",
)
def split_duties(ctx: CheckContext) -> Iterator[Hit]:
    # category -> contractor pk -> the small tasks of that category in their running engagements
    split: dict[str, dict[int, list[Task]]] = {}
    for engagement in ctx.running_engagements:
        for task in ctx.engagement_tasks.get(engagement.pk, []):
            if task.category and task.hours_per_month < SMALL_TASK_HOURS:
                tasks = split.setdefault(task.category, {}).setdefault(engagement.contractor_id, [])
                if task not in tasks:
                    tasks.append(task)
    for category in sorted(split):
        by_contractor = split[category]
        if len(by_contractor) < 2:
            continue
        words = _words(category)
        people = sorted((ctx.contractors[pk] for pk in by_contractor), key=lambda c: (c.name, c.ref))
        skilled = [c for c in people if words in {_words(s) for s in c.skills}]
        if not skilled:
            continue
        shares = [(c, sorted(by_contractor[c.pk], key=lambda t: (t.name, t.ref))) for c in people]
        parts = [
            f"{c.name} ({'; '.join(f'{t.name}, {_hours(t.hours_per_month)} a month' for t in tasks)})"
            for c, tasks in shares
        ]
        names = _and([c.name for c in skilled])
        if len(skilled) == 1:
            who = f"{names} lists {words} among their skills and could take it all"
        else:
            who = f"{names} list {words} among their skills; one of them could take it all"
        label = words[:1].upper() + words[1:]
        yield Hit(
            subject=Subject(kind="category", uuid="", ref=category[:64], label=label),
            message=f"{label} work is split between {_and(parts)}; {who}.",
            facts={
                "tasks": "; ".join(f"{t.ref} {t.hours_per_month} h ({c.ref})" for c, tasks in shares for t in tasks),
                "skilled": ", ".join(c.ref for c in skilled),
            },
        )
