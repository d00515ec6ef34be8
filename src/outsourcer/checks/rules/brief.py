"""brief/*: saying clearly what you want (RULES.md, "brief").

Every rule here is about one engagement that is a draft or in progress (active or paused): a brief
and a communication plan matter before the work starts, and for as long as it runs. The briefs and
plans are read once each through `CheckContext`, however many engagements there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from outsourcer.checks.registry import CheckContext, Hit, register
from outsourcer.checks.rules.vet import and_list, engagement_subject
from outsourcer.engagements.briefs import brief_completeness
from outsourcer.engagements.models import IMPORTANT_CHANNELS, RUNNING, Channel, Engagement, Status

# "A draft or active engagement": not yet started, or in progress (paused included).
OPEN_WORK = frozenset({Status.DRAFT, *RUNNING})


def _open_work(ctx: CheckContext, statuses: frozenset[str] = OPEN_WORK) -> Iterator[Engagement]:
    for engagement in ctx.engagements:
        if engagement.status in statuses:
            yield engagement


def _who(ctx: CheckContext, engagement: Engagement) -> str:
    return f"{engagement.title} with {ctx.contractors[engagement.contractor_id].name}"


def _score(brief: Any) -> int:
    if brief is None:
        return 0
    content = {
        part: getattr(brief, part)
        for part in ("goals", "context", "deliverables", "acceptance_criteria", "out_of_scope", "constraints")
    }
    return brief_completeness(content).score


def _items(value: Any) -> list[str]:
    return [str(v).strip() for v in value or [] if str(v).strip()]


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@register(
    id="brief/missing-goals",
    severity="warning",
    title="A brief without goals",
    checks=(
        "An engagement that is a draft or in progress (active or paused) has no goals in its brief, or no brief at all."
    ),
    why=(
        "A contractor who does not know why the work exists can only follow instructions to the letter; knowing "
        "the business goal lets them make the many small decisions the brief never mentions the way you would."
    ),
    fix=(
        "Open the engagement's brief and write, in a few sentences, the business goal the work serves and how "
        "you will know it helped; then send the brief again if the contractor already has it."
    ),
    source="seeds 001 #1, 003 #2",
)
def missing_goals(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in _open_work(ctx):
        brief = ctx.briefs.get(engagement.pk)
        if brief is not None and brief.goals.strip():
            continue
        status = Status(engagement.status).label.lower()
        if brief is None:
            message = f"{_who(ctx, engagement)} ({status}) has no brief yet, so nothing says what the work is for."
        else:
            message = (
                f"The brief for {_who(ctx, engagement)} ({status}) does not say what the work is for: it has no "
                f"goals (brief completeness {_score(brief)} of 100)."
            )
        yield Hit(
            subject=engagement_subject(engagement, ctx.contractors[engagement.contractor_id]),
            message=message,
            facts={"status": engagement.status, "brief": brief is not None, "goals": ""},
        )


@register(
    id="brief/no-acceptance-criteria",
    severity="warning",
    title="No way to judge the work",
    checks=(
        "An engagement that is a draft or in progress (active or paused) has a brief without deliverables or "
        "without acceptance criteria (or no brief at all)."
    ),
    why=(
        "Without a list of what is handed over and how you will judge it, done means whatever each side thinks "
        "it means; reviews turn into arguments and the work you receive is not the work you needed."
    ),
    fix=(
        "List each deliverable in the brief, and for each one write a criterion you can check when it arrives "
        "(a measure, a format, a standard it must meet); reviews then go through the criteria one by one."
    ),
    source="seeds 003 #5, 000",
)
def no_acceptance_criteria(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in _open_work(ctx):
        brief = ctx.briefs.get(engagement.pk)
        deliverables = _items(brief.deliverables) if brief else []
        criteria = _items(brief.acceptance_criteria) if brief else []
        if deliverables and criteria:
            continue
        who = _who(ctx, engagement)
        if brief is None:
            message = f"{who} has no brief yet: no deliverables and no acceptance criteria."
        elif not deliverables and not criteria:
            message = f"The brief for {who} lists no deliverables and no acceptance criteria."
        elif not criteria:
            message = (
                f"The brief for {who} lists {_count(len(deliverables), 'deliverable', 'deliverables')} but no "
                "acceptance criteria to judge them by."
            )
        else:
            message = (
                f"The brief for {who} has {_count(len(criteria), 'acceptance criterion', 'acceptance criteria')} "
                "but lists no deliverables."
            )
        yield Hit(
            subject=engagement_subject(engagement, ctx.contractors[engagement.contractor_id]),
            message=message,
            facts={"deliverables": len(deliverables), "acceptance_criteria": len(criteria)},
        )


@register(
    id="brief/no-point-person",
    severity="warning",
    title="Nobody named to go to",
    checks=(
        "An engagement that is a draft or in progress (active or paused) has no point person, or no escalation "
        "contact, in its communication plan."
    ),
    why=(
        "A contractor who does not know whom to ask guesses, or asks everyone; and when something goes wrong "
        "with no one named to escalate to, the problem waits until it is too late to fix cheaply."
    ),
    fix=(
        "In the engagement's communication plan, name the person the contractor goes to with a question or a "
        "new task, and the person they contact when that does not work or something goes wrong."
    ),
    source="seed 002",
)
def no_point_person(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in _open_work(ctx):
        plan = ctx.communication_plans.get(engagement.pk)
        point = plan.point_person.strip() if plan else ""
        escalation = plan.escalation_contact.strip() if plan else ""
        if point and escalation:
            continue
        who = _who(ctx, engagement)
        if plan is None:
            message = f"{who} has no communication plan: nobody is named as point person or escalation contact."
        elif not point and not escalation:
            message = f"The communication plan for {who} names no point person and no escalation contact."
        elif not point:
            message = (
                f"The communication plan for {who} names {escalation} to escalate to, but no point person for "
                "day-to-day questions."
            )
        else:
            message = (
                f"The communication plan for {who} names {point} as point person, but nobody to escalate to "
                "when something goes wrong."
            )
        yield Hit(
            subject=engagement_subject(engagement, ctx.contractors[engagement.contractor_id]),
            message=message,
            facts={"point_person": point, "escalation_contact": escalation},
        )


@register(
    id="brief/no-important-channel",
    severity="info",
    title="Important topics left to writing",
    checks=(
        "An engagement in progress (active or paused) has no channel for important topics in its communication "
        "plan: a phone call, a video call or meeting in person."
    ),
    why=(
        "Email and chat are fine for routine work, but a change of direction, a missed deadline or a quality "
        "problem is easily misread in writing; talking it through settles in minutes what messages drag out."
    ),
    fix=(
        "Agree with the contractor how important topics are discussed (phone, video or in person) and record it "
        "in the communication plan."
    ),
    source="seed 001 #1",
)
def no_important_channel(ctx: CheckContext) -> Iterator[Hit]:
    spoken = {c.value for c in IMPORTANT_CHANNELS}
    for engagement in _open_work(ctx, frozenset(RUNNING)):
        plan = ctx.communication_plans.get(engagement.pk)
        if plan is not None and plan.important_topics_channel in spoken:
            continue
        channels = [str(Channel(c).label).lower() for c in (plan.channels if plan else []) if c in Channel.values]
        if channels:
            listed = f"its channels are {and_list(channels)}"
        else:
            listed = "its plan lists no channels at all" if plan else "it has no communication plan"
        yield Hit(
            subject=engagement_subject(engagement, ctx.contractors[engagement.contractor_id]),
            message=(
                f"{_who(ctx, engagement)} has no channel set for important topics (phone, video or in person); "
                f"{listed}."
            ),
            facts={"important_topics_channel": "", "channels": ", ".join(plan.channels) if plan else ""},
        )
