"""vet/*: choosing whom (RULES.md, "vet").

"Active" work is an engagement that is active or paused. Contractor rules are about the contractor;
`vet/no-trial` and `vet/timezone-gap` are about one engagement. Everything is read through the
loaders of `CheckContext`, a fixed number of queries however many contractors there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from outsourcer.accounts.settings_rules import to_base_currency
from outsourcer.checks.registry import CheckContext, Hit, Subject, register
from outsourcer.contractors.models import Contractor, RedFlag, ReferenceCheck, Stage
from outsourcer.contractors.overlap import Hours, worst_day
from outsourcer.contractors.selectors import contractor_hours, workspace_hours
from outsourcer.engagements.models import Engagement, Kind, Status

# The days ahead whose working hours `vet/timezone-gap` compares.
OVERLAP_DAYS = 30


# --- Wording --------------------------------------------------------------------------------------


def contractor_subject(contractor: Contractor) -> Subject:
    return Subject(kind="contractor", uuid=str(contractor.uuid), ref=contractor.ref, label=contractor.name)


def engagement_subject(engagement: Engagement, contractor: Contractor) -> Subject:
    label = f"{engagement.title} with {contractor.name}"
    return Subject(kind="engagement", uuid=str(engagement.uuid), ref=engagement.ref, label=label)


def and_list(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def date_text(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not rest:
        return f"{hours} h"
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def amount(value: Decimal, currency: str) -> str:
    return f"{value:,.2f} {currency}"


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def hours_text(hours: Hours) -> str:
    """`Asia/Manila 09:00-18:00 Mon-Fri`: the hours as a person reads them."""
    days = sorted(hours.days)
    names = [WEEKDAYS[d - 1] for d in days]
    contiguous = len(days) > 2 and days == list(range(days[0], days[-1] + 1))
    listed = f"{names[0]}-{names[-1]}" if contiguous else ", ".join(names)
    return f"{hours.zone} {hours.start:%H:%M}-{hours.end:%H:%M} {listed}"


# --- Who is in active work ------------------------------------------------------------------------


def _running(ctx: CheckContext, *, trials: bool = True) -> dict[int, list[Engagement]]:
    """Each contractor's running engagements (with or without trials), by title."""
    found: dict[int, list[Engagement]] = {}
    for engagement in ctx.running_engagements:
        if trials or engagement.kind != Kind.TRIAL:
            found.setdefault(engagement.contractor_id, []).append(engagement)
    for engagements in found.values():
        engagements.sort(key=lambda e: (e.title, e.ref))
    return found


def _titles(engagements: list[Engagement]) -> str:
    return and_list([e.title for e in engagements])


def _refs(engagements: list[Engagement]) -> str:
    return ", ".join(sorted(e.ref for e in engagements))


def _in_work(ctx: CheckContext, *, trials: bool = True) -> Iterator[tuple[Contractor, list[Engagement]]]:
    """Contractors in active work, in the directory's order (by name), with that work."""
    running = _running(ctx, trials=trials)
    for pk, contractor in ctx.contractors.items():
        if pk in running:
            yield contractor, running[pk]


def _reference_summary(references: list[ReferenceCheck]) -> str:
    return "; ".join(f"{r.outcome or 'no outcome'} {r.checked_on or 'unchecked'}" for r in references) or "none"


# --- The rules ------------------------------------------------------------------------------------


@register(
    id="vet/no-references",
    severity="warning",
    title="Working without a checked reference",
    checks=(
        "A contractor with an active engagement other than a paid trial has no reference that was checked and "
        "came back positive or mixed."
    ),
    why=(
        "A reference is the cheapest way to learn how someone works before your money and your clients depend "
        "on it: whether they understand the field and meet their deadlines."
    ),
    fix=(
        "Ask the contractor for two recent clients, call or write to them, and record each check with its date "
        "and outcome on the contractor's page."
    ),
    source="seeds 002, 003 #1",
)
def no_references(ctx: CheckContext) -> Iterator[Hit]:
    for contractor, work in _in_work(ctx, trials=False):
        references = ctx.references.get(contractor.pk, [])
        if any(r.counts for r in references):
            continue
        on_file = f"{len(references)} on file" if references else "none on file"
        yield Hit(
            subject=contractor_subject(contractor),
            message=(
                f"{contractor.name} is working on {_titles(work)} with no checked reference that came back "
                f"positive or mixed ({on_file})."
            ),
            facts={"engagements": _refs(work), "references": _reference_summary(references)},
        )


@register(
    id="vet/negative-reference",
    severity="warning",
    title="A negative reference stands",
    checks=(
        "A contractor with an active engagement (a paid trial included) has a reference that came back negative, "
        "and no reference checked later came back positive."
    ),
    why=(
        "A former client who would not recommend someone is telling you what you are likely to live through; "
        "going ahead without an answer to it repeats their experience at your expense."
    ),
    fix=(
        "Talk it through with the contractor and with the referee, check a more recent reference, and record "
        "what you learn; if the concern holds, wind the work down."
    ),
    source="seed 002",
)
def negative_reference(ctx: CheckContext) -> Iterator[Hit]:
    for contractor, work in _in_work(ctx):
        references = ctx.references.get(contractor.pk, [])
        negatives = [r for r in references if r.outcome == ReferenceCheck.Outcome.NEGATIVE]
        if not negatives:
            continue
        # An undated negative counts as the oldest: any checked positive one outweighs it.
        worst = max(negatives, key=lambda r: (r.checked_on or dt.date.min, r.pk))
        since = worst.checked_on or dt.date.min
        if any(
            r.outcome == ReferenceCheck.Outcome.POSITIVE and r.checked_on is not None and r.checked_on > since
            for r in references
        ):
            continue
        when = f" on {date_text(worst.checked_on)}" if worst.checked_on else ""
        yield Hit(
            subject=contractor_subject(contractor),
            message=(
                f"{contractor.name} is working on {_titles(work)}, and the reference from {worst.name} came back "
                f"negative{when}, with no positive one checked since."
            ),
            facts={"engagements": _refs(work), "references": _reference_summary(references)},
        )


@register(
    id="vet/no-interview",
    severity="warning",
    title="Working without an interview",
    checks="A contractor with an active engagement other than a paid trial has never been interviewed.",
    why=(
        "Someone you have never spoken with will represent your business; an interview shows how they think, "
        "how they communicate and whether you can rely on them."
    ),
    fix=(
        "Hold a short video call about the work, score their skills, communication, values fit and reliability, "
        "and record the interview on the contractor's page."
    ),
    source="seed 003 #1",
)
def no_interview(ctx: CheckContext) -> Iterator[Hit]:
    for contractor, work in _in_work(ctx, trials=False):
        if ctx.interviews.get(contractor.pk):
            continue
        yield Hit(
            subject=contractor_subject(contractor),
            message=f"{contractor.name} is working on {_titles(work)} and has never been interviewed.",
            facts={"engagements": _refs(work), "interviews": 0},
        )


@register(
    id="vet/identity-unverified",
    severity="warning",
    title="Identity never verified",
    checks=(
        "A contractor with an active engagement (a paid trial included) has no interview in which their "
        "identity was verified."
    ),
    why=(
        "Fake profiles and borrowed portfolios are a common way to be scammed: until you have seen that the "
        "person matches their profile and documents, you do not know who holds your work and your data."
    ),
    fix=(
        "On a video call, compare the person with their profile photo and an ID document or a signed tax form, "
        "then record the interview with identity verified."
    ),
    source="seed 001 #5",
)
def identity_unverified(ctx: CheckContext) -> Iterator[Hit]:
    for contractor, work in _in_work(ctx):
        interviews = ctx.interviews.get(contractor.pk, [])
        if any(i.identity_verified for i in interviews):
            continue
        n = len(interviews)
        on_file = "no interview on file" if n == 0 else f"{n} interview{'s' if n > 1 else ''} on file"
        yield Hit(
            subject=contractor_subject(contractor),
            message=(
                f"{contractor.name} is working on {_titles(work)}, and no interview has verified their "
                f"identity ({on_file})."
            ),
            facts={"engagements": _refs(work), "interviews": n},
        )


@register(
    id="vet/no-trial",
    severity="warning",
    title="Big or ongoing work without a paid trial",
    checks=(
        "An active engagement of kind ongoing, or whose budget cap is above the policy's trial threshold "
        "(trial_required_above, default 2000 in the base currency), is with a contractor who has not completed "
        "a paid trial. A budget in a currency without an FX rate in the settings cannot be compared and is "
        "judged by its kind alone."
    ),
    why=(
        "A few paid days of real work show how someone works with you far better than a portfolio; committing "
        "a large budget or an open-ended arrangement first puts the most money on the least evidence."
    ),
    fix=(
        "Agree a small paid trial on a real piece of the work, with a fixed budget and a deadline, and record its "
        "outcome before the larger engagement goes on."
    ),
    source="seed 004 #3",
)
def no_trial(ctx: CheckContext) -> Iterator[Hit]:
    threshold = Decimal(str(ctx.policy["trial_required_above"]))
    base = ctx.workspace.base_currency
    trialled = {e.contractor_id for e in ctx.engagements if e.kind == Kind.TRIAL and e.status == Status.COMPLETED}
    for engagement in ctx.running_engagements:
        if engagement.kind == Kind.TRIAL or engagement.contractor_id in trialled:
            continue
        contractor = ctx.contractors[engagement.contractor_id]
        cap = engagement.budget_cap
        in_base = to_base_currency(ctx.workspace, cap, engagement.rate_currency) if cap is not None else None
        over = in_base is not None and in_base > threshold
        ongoing = engagement.kind == Kind.ONGOING
        if not (over or ongoing):
            continue
        budget = ""
        if over and cap is not None and in_base is not None:
            shown = amount(cap, engagement.rate_currency)
            if engagement.rate_currency != base:
                shown += f" ({amount(in_base, base)})"
            budget = f"a budget cap of {shown}, above the {amount(threshold, base)} that calls for a trial"
        name, title = contractor.name, engagement.title
        if ongoing and over:
            message = f"{title} is ongoing work with {name} and has {budget}; {name} has not completed a paid trial."
        elif ongoing:
            message = f"{title} is ongoing work with {name}, who has not completed a paid trial."
        else:
            message = f"{title} with {name} has {budget}, and {name} has not completed a paid trial."
        yield Hit(
            subject=engagement_subject(engagement, contractor),
            message=message,
            facts={
                "kind": engagement.kind,
                "budget_cap": f"{cap} {engagement.rate_currency}" if cap is not None else "",
                "budget_cap_in_base_currency": f"{in_base:.2f} {base}" if in_base is not None else "",
                "trial_required_above": f"{threshold} {base}",
                "completed_trials": 0,
            },
        )


@register(
    id="vet/red-flags",
    severity="error",
    title="Trusted despite a red flag",
    checks=(
        "A contractor who is approved, preferred or in active work (a paid trial included) has a red flag that "
        "is not resolved."
    ),
    why=(
        "Requests for payment up front or off the platform, a face that does not match the profile, copied work "
        "or a request for your passwords are how scams start; trusting someone with one of them open puts money "
        "and data at risk."
    ),
    fix=(
        "Pause any running work and payments, look into the flag with the contractor, and either mark it resolved "
        "with a note of what settled it or block the contractor."
    ),
    source="seed 001 #5",
)
def red_flags(ctx: CheckContext) -> Iterator[Hit]:
    running = _running(ctx)
    trusted = {Stage.APPROVED, Stage.PREFERRED}
    for pk, contractor in ctx.contractors.items():
        flags: list[RedFlag] = ctx.open_red_flags.get(pk, [])
        work = running.get(pk, [])
        is_trusted = contractor.stage in trusted
        if not flags or not (is_trusted or work):
            continue
        stage = Stage(contractor.stage).label.lower()
        if is_trusted and work:
            standing = f"is {stage} and working on {_titles(work)}"
        elif is_trusted:
            standing = f"is {stage}"
        else:
            standing = f"is working on {_titles(work)}"
        listed = and_list([f"{_flag_label(f)} (noted {date_text(f.noted_on)})" for f in flags])
        count = f"{len(flags)} unresolved red flag{'s' if len(flags) > 1 else ''}"
        yield Hit(
            subject=contractor_subject(contractor),
            message=f"{contractor.name} {standing} but has {count}: {listed}.",
            facts={
                "stage": contractor.stage,
                "red_flags": "; ".join(f"{f.kind} {f.noted_on}" for f in flags),
                **({"engagements": _refs(work)} if work else {}),
            },
        )


def _flag_label(flag: RedFlag) -> str:
    label = str(RedFlag.Kind(flag.kind).label)
    return label[:1].lower() + label[1:]


@register(
    id="vet/timezone-gap",
    severity="warning",
    title="Too little shared working time",
    checks=(
        "On the worst of your working days in the next 30 (from the check's date), your working hours and those "
        "of a contractor in an active engagement (a paid trial included) overlap by less than the engagement "
        "needs: the needed overlap hours of its communication plan when set, else the policy's "
        "min_overlap_hours (default 2). Time zones are IANA zones, so summer-time changes on either side count. "
        "A contractor without working hours on file is not judged."
    ),
    why=(
        "Without hours in common, every question waits a day for its answer; small misunderstandings grow into "
        "missed deadlines, and urgent problems wait overnight."
    ),
    fix=(
        "Agree a daily window that suits both sides and record it as the contractor's working hours, or choose "
        "someone in a nearer time zone for work that needs quick answers."
    ),
    source="seed 004 #3",
)
def timezone_gap(ctx: CheckContext) -> Iterator[Hit]:
    policy_needed = ctx.policy["min_overlap_hours"]
    business = workspace_hours(ctx.workspace)
    worst_by_hours: dict[Hours, Any] = {}  # contractors with the same hours share one computation
    for engagement in ctx.running_engagements:
        contractor = ctx.contractors[engagement.contractor_id]
        hours = contractor_hours(contractor)
        if hours is None:
            continue
        plan = ctx.communication_plans.get(engagement.pk)
        planned = plan.needs_overlap_hours if plan is not None else None
        needed = planned if planned is not None else policy_needed
        needed_minutes = round(float(needed) * 60)
        if hours not in worst_by_hours:
            worst_by_hours[hours] = worst_day(business, hours, start=ctx.as_of, days=OVERLAP_DAYS)
        worst = worst_by_hours[hours]
        if worst is None or worst.minutes >= needed_minutes:
            continue
        shared = "do not overlap at all" if worst.minutes == 0 else f"overlap by only {duration(worst.minutes)}"
        source = " (as its communication plan asks)" if planned is not None else ""
        facts: dict[str, Any] = {"min_overlap_hours": policy_needed}
        if planned is not None:  # only then: a finding quieted under the policy's value stays quiet
            facts["needs_overlap_hours"] = f"{planned.normalize():f}"
        yield Hit(
            subject=engagement_subject(engagement, contractor),
            message=(
                f"{engagement.title} with {contractor.name} needs {duration(needed_minutes)} of shared working time "
                f"a day{source}, but on {worst.day:%A} {date_text(worst.day)}, the worst working day of the next "
                f"{OVERLAP_DAYS}, your hours and theirs {shared}."
            ),
            facts={
                **facts,
                "workspace_hours": hours_text(business),
                "contractor_hours": hours_text(hours),
                "worst_overlap_minutes": worst.minutes,
            },
        )
