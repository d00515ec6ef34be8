"""risk/*: know what could go wrong and how you would leave (RULES.md, "risk").

"Active" work is an engagement that is active or paused. The rules read loaders of `CheckContext`:
the risk register, exit plans, access grants not revoked, what each contractor was paid in the last
12 months (summed by the database per contractor and currency), the engagements with their tasks and
the contractors: a fixed number of queries, whatever the number of rows.

risk/concentration: RULES.md's closing condition, "and no other approved contractor has that skill",
is read as belonging to both halves: a dependency is a risk when nobody is ready to take the work over.
So it fires when one contractor was paid more than half of what all contractors were paid (invoices paid
in the 365 days up to the check's date, converted into the base currency with
`payments.selectors.convert`; amounts with no exchange rate are left out and named), also when they are
the only one paid, and no other approved or preferred contractor lists any of their skills (a contractor
with no skills listed has no one shown ready); or when a contractor is the only one with running work in a
task category and no other approved or preferred contractor lists that category. Its facts are the
reasons (spend, and which categories), not the amounts, so a dismissal holds while the dependency is the
same kind, however the amounts move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from outsourcer.checks.registry import SPEND_WINDOW_DAYS, CheckContext, Hit, Subject, register
from outsourcer.checks.rules.manage import plural
from outsourcer.checks.rules.plan import _words
from outsourcer.checks.rules.vet import amount, and_list, contractor_subject, date_text, engagement_subject
from outsourcer.contractors.models import Stage
from outsourcer.engagements.models import ENDED, Engagement, Kind, Status
from outsourcer.payments.selectors import cents, convert
from outsourcer.risk.models import CORE_AREAS, HIGH_SCORE, AccessGrant, Category, Risk

# Contractors that could take work over (risk/concentration).
STANDBY = frozenset({Stage.APPROVED, Stage.PREFERRED})


def _who(ctx: CheckContext, engagement: Engagement) -> str:
    return f"{engagement.title} with {ctx.contractors[engagement.contractor_id].name}"


def _subject(ctx: CheckContext, engagement: Engagement) -> Subject:
    return engagement_subject(engagement, ctx.contractors[engagement.contractor_id])


def area_text(category: str) -> str:
    return Category(category).label.lower()


def _grant_text(grant: AccessGrant) -> str:
    level = f" ({AccessGrant.Level(grant.level).label.lower()})" if grant.level else ""
    return f"{grant.system}{level}"


# --- risk/no-register ------------------------------------------------------------------------------------


@register(
    id="risk/no-register",
    severity="warning",
    title="Risks not thought through",
    checks=(
        "An engagement in progress (active or paused) that is not a paid trial has no risk recorded in one or more "
        "of the four areas: strategic, operational, technology and security, financial. The risks that count are "
        "those recorded for the engagement and those recorded for its contractor as a whole; any status counts "
        "(a closed risk was still thought about). The message lists the areas with none."
    ),
    why=(
        "Most outsourcing losses were foreseeable: the contractor who vanishes mid-project, the shared password "
        "that outlives the work, the invoice that doubles. Writing down what could go wrong in each area, before "
        "it does, is what lets you decide how much to rely on one person and what you would do instead."
    ),
    fix=(
        "Open the engagement's risks and add at least one for each area named, with its likelihood and impact "
        "(1 to 5) and what you will do about it; the suggested risks are a starting point."
    ),
    source="seed 001 #5",
)
def no_register(ctx: CheckContext) -> Iterator[Hit]:
    by_engagement: dict[int, set[str]] = {}
    by_contractor: dict[int, set[str]] = {}
    for risk in ctx.risks:
        if risk.engagement_id is not None:
            by_engagement.setdefault(risk.engagement_id, set()).add(risk.category)
        elif risk.contractor_id is not None:
            by_contractor.setdefault(risk.contractor_id, set()).add(risk.category)
    for engagement in ctx.running_engagements:
        if engagement.kind == Kind.TRIAL:
            continue
        covered = by_engagement.get(engagement.pk, set()) | by_contractor.get(engagement.contractor_id, set())
        missing = [area for area in CORE_AREAS if area not in covered]
        if not missing:
            continue
        names = ", ".join(area_text(area) for area in missing)
        none = " (none of the four areas)" if len(missing) == len(CORE_AREAS) else ""
        yield Hit(
            subject=_subject(ctx, engagement),
            message=f"{_who(ctx, engagement)} has no risk recorded for {names}{none}.",
            facts={"missing": [str(area) for area in missing]},
        )


# --- risk/unmitigated ------------------------------------------------------------------------------------


def risk_subject(risk: Risk) -> Subject:
    return Subject(kind="risk", uuid=str(risk.uuid), ref=risk.ref, label=risk.title)


def _risk_owner(ctx: CheckContext, risk: Risk) -> str:
    """What the risk is about, in words: its engagement, its contractor, or the whole workspace."""
    if risk.engagement_id is not None and risk.engagement_id in ctx.engagement_by_pk:
        return _who(ctx, ctx.engagement_by_pk[risk.engagement_id])
    if risk.contractor_id is not None and risk.contractor_id in ctx.contractors:
        return ctx.contractors[risk.contractor_id].name
    return "the whole workspace"


@register(
    id="risk/unmitigated",
    severity="warning",
    title="A high risk has no mitigation",
    checks=(
        f"An open risk whose likelihood times impact (each 1 to 5) is {HIGH_SCORE} or more has no mitigation "
        "written down. Mitigated, accepted and closed risks are not read."
    ),
    why=(
        "A high risk you have written down but not answered is a decision put off: when it happens there is no "
        "plan, and the register gave a false sense of being covered."
    ),
    fix=(
        "Write what you will do to make it less likely or less harmful (a second contractor, a backup, a smaller "
        "first milestone), or, if you choose to live with it, mark it accepted and say why."
    ),
    source="seed 001 #5",
)
def unmitigated(ctx: CheckContext) -> Iterator[Hit]:
    for risk in ctx.risks:
        if risk.status != Risk.Status.OPEN or risk.score < HIGH_SCORE or risk.mitigation.strip():
            continue
        yield Hit(
            subject=risk_subject(risk),
            message=(
                f"The {area_text(risk.category)} risk {risk.ref} \u201c{risk.title}\u201d ({_risk_owner(ctx, risk)}) "
                f"is open at likelihood {risk.likelihood} x impact {risk.impact} = {risk.score} ({HIGH_SCORE} or more "
                "is high) and has no mitigation."
            ),
            facts={"likelihood": risk.likelihood, "impact": risk.impact, "mitigation": ""},
        )


# --- risk/no-exit-plan -----------------------------------------------------------------------------------


@register(
    id="risk/no-exit-plan",
    severity="warning",
    title="No way out planned",
    checks=(
        "An engagement in progress (active or paused) that is ongoing work, or that has access grants not yet "
        "revoked, has no exit plan, or one whose steps are empty."
    ),
    why=(
        "Ongoing work and access to your systems are what make leaving hard: without steps written down in calm "
        "times, an abrupt end leaves you without the files, the passwords or anyone to take over."
    ),
    fix=(
        "Write the exit plan on the engagement: the steps to take back the work and the data, who takes over (in "
        "house, a named person or another approved contractor), and review it when the work changes."
    ),
    source="seed 001 #5",
)
def no_exit_plan(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in ctx.running_engagements:
        grants = ctx.open_access.get(engagement.pk, [])
        ongoing = engagement.kind == Kind.ONGOING
        if not (ongoing or grants):
            continue
        plan = ctx.exit_plans.get(engagement.pk)
        if plan is not None and plan.steps.strip():
            continue
        why = []
        if ongoing:
            why.append("is ongoing work")
        if grants:
            why.append(f"has access to {and_list([g.system for g in grants])}")
        lacks = "has no exit plan" if plan is None else "has an exit plan with no steps"
        yield Hit(
            subject=_subject(ctx, engagement),
            message=f"{_who(ctx, engagement)} {and_list(why)} but {lacks}.",
            facts={
                "ongoing": ongoing,
                "access": [g.system for g in grants],
                "exit_plan": plan is not None,
            },
        )


# --- risk/access-not-revoked -----------------------------------------------------------------------------


def _ended_text(engagement: Engagement) -> str:
    verb = "was completed" if engagement.status == Status.COMPLETED else "was terminated"
    return f"the engagement {verb}" + (f" on {date_text(engagement.end_on)}" if engagement.end_on else "")


@register(
    id="risk/access-not-revoked",
    severity="error",
    title="Access left open",
    checks=(
        "An access grant is not revoked although its engagement is completed or terminated, or its expiry date has "
        "passed (it expires at the end of its expiry day). One finding per engagement, listing each system and why "
        "it should be closed."
    ),
    why=(
        "Accounts that outlive the work are how former contractors, or whoever takes over their laptop, reach your "
        "data: removing access as soon as it is not needed, and at its expiry, is the plainest of the security "
        "controls."
    ),
    fix=(
        "Remove the contractor's account or change the password in each system named, then mark the grant revoked "
        "with the day (the offboarding checklist of an ended engagement does them all)."
    ),
    source="research 6 (ISO/IEC 27001 A.5.18; NIST SP 800-53 AC-2, PS-4)",
)
def access_not_revoked(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in ctx.engagements:
        ended = engagement.status in ENDED
        found: list[tuple[AccessGrant, str]] = []
        for grant in ctx.open_access.get(engagement.pk, []):
            if ended:
                found.append((grant, _ended_text(engagement)))
            elif grant.expires_on is not None and grant.expires_on < ctx.as_of:
                found.append((grant, f"it expired on {date_text(grant.expires_on)}"))
        if not found:
            continue
        listed = [f"{_grant_text(grant)}: {reason}" for grant, reason in found]
        yield Hit(
            subject=_subject(ctx, engagement),
            message=(
                f"{_who(ctx, engagement)} still has {plural(len(found), 'access grant')} that should be closed: "
                f"{'; '.join(listed)}."
            ),
            facts={
                "status": engagement.status,
                "grants": [
                    {"system": g.system, "expires_on": g.expires_on.isoformat() if g.expires_on else None}
                    for g, _reason in found
                ],
            },
        )


# --- risk/shared-credentials -----------------------------------------------------------------------------


@register(
    id="risk/shared-credentials",
    severity="warning",
    title="A shared login",
    checks="An access grant not yet revoked uses a shared credential (a login others use too). One finding per "
    "engagement, listing the systems.",
    why=(
        "With a shared login you cannot tell who did what, and you cannot take one person's access away without "
        "changing it for everyone, so in practice it is never taken away."
    ),
    fix=(
        "Give the contractor an account of their own, with only the rights the work needs and an expiry date; then "
        "change the shared password and record the grant without a shared credential."
    ),
    source="research 6 (ISO/IEC 27001 A.5.18; NIST SP 800-53 AC-6)",
)
def shared_credentials(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in ctx.engagements:
        shared = [g for g in ctx.open_access.get(engagement.pk, []) if g.shared_credential]
        if not shared:
            continue
        yield Hit(
            subject=_subject(ctx, engagement),
            message=(
                f"{_who(ctx, engagement)} uses a shared login for {and_list([_grant_text(g) for g in shared])}: "
                "nobody can tell their actions apart from others', and their access cannot be removed on its own."
            ),
            facts={"systems": [g.system for g in shared]},
        )


# --- risk/concentration ----------------------------------------------------------------------------------


def share_text(part: Decimal, whole: Decimal) -> str:
    """`75%`; with one decimal where whole percents would say half or all when it is neither."""
    exact = part * 100 / whole
    rounded = exact.to_integral_value(rounding=ROUND_HALF_UP)
    if rounded in (50, 100) and exact != rounded:
        return f"{exact.quantize(Decimal('0.1'), rounding=ROUND_DOWN)}%"
    return f"{rounded}%"


def _spend(ctx: CheckContext) -> tuple[dict[int, Decimal], Decimal, dict[str, Decimal]]:
    """What each contractor was paid in the window, in the base currency, the total, and what could not be
    converted (currency -> amount)."""
    base = ctx.workspace.base_currency
    paid: dict[int, Decimal] = {}
    unconvertible: dict[str, Decimal] = {}
    for contractor_id, sums in ctx.paid_last_year.items():
        for currency, total in sums.items():
            value = convert(ctx.workspace, total, currency, base)
            if value is None:
                unconvertible[currency] = unconvertible.get(currency, Decimal(0)) + total
            else:
                paid[contractor_id] = paid.get(contractor_id, Decimal(0)) + value
    paid = {pk: cents(value) for pk, value in paid.items()}
    return paid, sum(paid.values(), Decimal(0)), unconvertible


def _sole_categories(ctx: CheckContext) -> dict[int, list[tuple[str, list[Engagement]]]]:
    """For each contractor: the task categories where they alone have running work and no other approved or
    preferred contractor lists the category among their skills, with that work."""
    work: dict[str, dict[int, list[Engagement]]] = {}
    for engagement in ctx.running_engagements:
        for task in ctx.engagement_tasks.get(engagement.pk, []):
            if task.category:
                found = work.setdefault(task.category, {}).setdefault(engagement.contractor_id, [])
                if engagement not in found:
                    found.append(engagement)
    skills = {pk: {_words(s) for s in c.skills} for pk, c in ctx.contractors.items() if c.stage in STANDBY}
    sole: dict[int, list[tuple[str, list[Engagement]]]] = {}
    for category in sorted(work):
        if len(work[category]) != 1:
            continue
        [(contractor_id, engagements)] = work[category].items()
        words = _words(category)
        if any(words in known for pk, known in skills.items() if pk != contractor_id):
            continue
        engagements.sort(key=lambda e: (e.title, e.ref))
        sole.setdefault(contractor_id, []).append((category, engagements))
    return sole


def _standby_for(ctx: CheckContext, contractor: Any) -> list[str]:
    """Other approved or preferred contractors who list one of `contractor`'s skills: who could take over."""
    mine = {_words(s) for s in contractor.skills}
    return [
        other.name
        for pk, other in ctx.contractors.items()
        if pk != contractor.pk and other.stage in STANDBY and mine & {_words(s) for s in other.skills}
    ]


def _window_start(ctx: CheckContext) -> dt.date:
    return ctx.as_of - dt.timedelta(days=SPEND_WINDOW_DAYS - 1)


@register(
    id="risk/concentration",
    severity="info",
    title="Relying on one contractor",
    checks=(
        "One contractor was paid more than half of what all contractors were paid in the last 12 months (invoices "
        f"paid in the {SPEND_WINDOW_DAYS} days up to the check's date, converted into the base currency at the "
        "workspace's exchange rates; amounts with no rate are left out and named), also when they are the only "
        "one paid, and no other approved or preferred contractor lists any of their skills; or a contractor is the "
        "only one with work in progress (active or paused) in a task category, and "
        "no other approved or preferred contractor lists that category among their skills. One finding per "
        "contractor, giving the share and the amounts, or the categories."
    ),
    why=(
        "When most of the money, or all of one kind of work, goes to one person, their illness, a better offer or "
        "a price rise becomes your problem overnight. Knowing where you depend on one contractor is the first step "
        "to having someone else ready."
    ),
    fix=(
        "Vet and approve a second contractor with the skill, give them a small piece of the work so they know your "
        "business, and keep the exit plan of the main engagement current."
    ),
    source="seed 001 #5, seed 003 #4",
)
def concentration(ctx: CheckContext) -> Iterator[Hit]:
    paid, total, unconvertible = _spend(ctx)
    sole = _sole_categories(ctx)
    base = ctx.workspace.base_currency
    for contractor in ctx.contractors.values():
        sentences: list[str] = []
        facts: dict[str, Any] = {}
        mine = paid.get(contractor.pk, Decimal(0))
        if total > 0 and mine * 2 > total and not _standby_for(ctx, contractor):
            others = len([v for pk, v in paid.items() if pk != contractor.pk and v > 0])
            share = "all" if others == 0 else share_text(mine, total)
            left_out = (
                f" ({and_list([amount(v, c) for c, v in sorted(unconvertible.items())])} with no exchange rate "
                "left out)"
                if unconvertible
                else ""
            )
            sentences.append(
                f"{contractor.name} was paid {amount(mine, base)} of the {amount(total, base)} paid to "
                f"{plural(others + 1, 'contractor')} in the 12 months from {date_text(_window_start(ctx))} to "
                f"{date_text(ctx.as_of)} ({share}){left_out}, and no other approved or preferred contractor lists "
                "any of their skills."
            )
            facts["spend"] = "all" if others == 0 else "over half"
        categories = sole.get(contractor.pk, [])
        if categories:
            parts = [
                f"{_words(category)} ({and_list([e.title for e in engagements])})"
                for category, engagements in categories
            ]
            them = "it" if len(categories) == 1 else "them"
            sentences.append(
                f"{contractor.name} is the only contractor with work in progress in {and_list(parts)}, and no other "
                f"approved or preferred contractor lists {them} among their skills."
            )
            facts["categories"] = [category for category, _work in categories]
        if sentences:
            yield Hit(subject=contractor_subject(contractor), message=" ".join(sentences), facts=facts)
