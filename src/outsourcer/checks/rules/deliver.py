"""deliver/*: you answer for the finished work (RULES.md, "deliver").

Every rule is about one milestone. Milestones are read once, with the date of their first accepted
review and their number of reviews counted by the database; stored originality matches once, of each
milestone's latest submission only. The index itself (MinHash with LSH, verified by exact Jaccard) is
kept up to date in the background, see `deliverables/originality.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from outsourcer.checks.registry import CheckContext, Hit, register
from outsourcer.checks.rules.manage import milestone_subject, plural
from outsourcer.checks.rules.vet import date_text
from outsourcer.deliverables.models import OPEN_STATUSES, Milestone
from outsourcer.deliverables.originality import LSH_THRESHOLD
from outsourcer.engagements.models import CustomerCommitment, Engagement, Status


def _who(ctx: CheckContext, engagement: Engagement) -> str:
    return f"{engagement.title} with {ctx.contractors[engagement.contractor_id].name}"


def _where(ctx: CheckContext, milestone: Milestone) -> str:
    """`Home page (Website rebuild with Vistula Digital)`."""
    return f"{milestone.title} ({_who(ctx, ctx.engagement_by_pk[milestone.engagement_id])})"


# Work that is over: its milestones are history, neither late nor a risk any more.
ENDED = frozenset({Status.COMPLETED, Status.TERMINATED})


def _live(ctx: CheckContext, milestone: Milestone) -> bool:
    """A milestone whose engagement has not ended: a draft being prepared, or work active or paused."""
    return ctx.engagement_by_pk[milestone.engagement_id].status not in ENDED


def is_overdue(milestone: Milestone, today: dt.date) -> bool:
    """Not submitted yet (or sent back and not submitted again) and past its due date."""
    return milestone.status in OPEN_STATUSES and milestone.due_on < today


def minus_working_days(day: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday to Friday) before `day`; never before the calendar's first day."""
    while days > 0 and day > dt.date.min:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


@register(
    id="deliver/overdue",
    severity="warning",
    title="A milestone is late",
    checks=(
        "A milestone that has not been submitted (planned, in progress, or sent back for a revision that has not "
        "come back) is past its due date, in an engagement that has not ended: active, paused, or a draft (whose "
        "date passed before the work began). Milestones of completed or terminated engagements, and cancelled "
        "milestones, are not judged."
    ),
    why=(
        "A missed date that nobody mentions is the start of a slipping project: the later you ask, the fewer "
        "choices you have, and anything promised on top of it slips too."
    ),
    fix=(
        "Ask the contractor where the work stands and agree a new date (record it on the milestone), or cancel "
        "the milestone if the work is no longer needed."
    ),
    source="seed 000",
)
def overdue(ctx: CheckContext) -> Iterator[Hit]:
    for milestone in ctx.milestones:
        if not is_overdue(milestone, ctx.as_of) or not _live(ctx, milestone):
            continue
        days = (ctx.as_of - milestone.due_on).days
        if ctx.engagement_by_pk[milestone.engagement_id].status == Status.DRAFT:
            what = "the engagement is still a draft: the date passed before the work began"
        elif milestone.status == Milestone.Status.REVISION_REQUESTED:
            what = "the revision asked for has not been submitted"
        else:
            what = "it has not been submitted"
        yield Hit(
            subject=milestone_subject(ctx, milestone),
            message=(
                f"{_where(ctx, milestone)} was due on {date_text(milestone.due_on)}, {plural(days, 'day')} ago, "
                f"and {what}."
            ),
            facts={"due_on": milestone.due_on.isoformat(), "status": milestone.status},
        )


@register(
    id="deliver/unreviewed-to-customer",
    severity="error",
    title="Work reached the customer unreviewed",
    checks="A milestone was delivered to a customer with no accepted review on or before the day it was delivered.",
    why=(
        "Your customer holds you, not your contractor, responsible for what they receive; work that goes out "
        "unchecked puts your name on mistakes you could have caught."
    ),
    fix=(
        "Review the milestone against the brief's acceptance criteria now and tell the customer of anything that "
        "needs correcting; from now on, record an accepted review before you deliver."
    ),
    source="seed 000",
)
def unreviewed_to_customer(ctx: CheckContext) -> Iterator[Hit]:
    for milestone in ctx.milestones:
        delivered = milestone.delivered_to_customer_on
        accepted = milestone.first_accepted
        if delivered is None or (accepted is not None and accepted <= delivered):
            continue
        engagement = ctx.engagement_by_pk[milestone.engagement_id]
        commitment = ctx.commitments.get(engagement.customer_commitment_id)
        customer = commitment.customer if commitment else "the customer"
        if accepted is not None:
            why = f"it was accepted only on {date_text(accepted)}"
        elif milestone.review_count:
            why = f"none of its {plural(milestone.review_count, 'review')} accepted it"
        else:
            why = "it has never been reviewed"
        yield Hit(
            subject=milestone_subject(ctx, milestone),
            message=(
                f"{_where(ctx, milestone)} went to {customer} on {date_text(delivered)} with no accepted review "
                f"on or before that day: {why}."
            ),
            facts={
                "delivered_to_customer_on": delivered.isoformat(),
                "first_accepted_review": accepted.isoformat() if accepted else "",
                "reviews": milestone.review_count,
            },
        )


@register(
    id="deliver/commitment-at-risk",
    severity="error",
    title="A promise to your customer is at risk",
    checks=(
        "A milestone (not accepted or cancelled) of an engagement linked to an open customer commitment is due "
        "later than the promised date minus the commitment's buffer_days working days (Monday to Friday), or is "
        "overdue. The engagement has not ended: active, paused, or a draft (a plan that breaks the promise is "
        "best caught before it starts); milestones of completed or terminated engagements are not judged."
    ),
    why=(
        "You promised your customer a date, and your own review needs time between the contractor's delivery and "
        "that date; a contractor date that eats the buffer, or has already slipped, means the promise will "
        "likely be broken."
    ),
    fix=(
        "Agree an earlier date with the contractor, move part of the work elsewhere, or talk to your customer "
        "now about a new date, while there is still time to plan around it."
    ),
    source="seed 000",
)
def commitment_at_risk(ctx: CheckContext) -> Iterator[Hit]:
    done = {Milestone.Status.ACCEPTED, Milestone.Status.CANCELLED}
    for milestone in ctx.milestones:
        if milestone.status in done or not _live(ctx, milestone):
            continue
        engagement = ctx.engagement_by_pk[milestone.engagement_id]
        commitment: CustomerCommitment | None = ctx.commitments.get(engagement.customer_commitment_id)
        if commitment is None or commitment.status != CustomerCommitment.Status.OPEN:
            continue
        latest = minus_working_days(commitment.promised_on, commitment.buffer_days)
        late = is_overdue(milestone, ctx.as_of)
        if not late and milestone.due_on <= latest:
            continue
        promise = f"{commitment.title} to {commitment.customer} on {date_text(commitment.promised_on)}"
        if late:
            message = (
                f"{_where(ctx, milestone)} was due on {date_text(milestone.due_on)} and has not been submitted; "
                f"you promised {promise}."
            )
        else:
            buffer = plural(commitment.buffer_days, "working day")
            message = (
                f"{_where(ctx, milestone)} is due on {date_text(milestone.due_on)}, after {date_text(latest)}, the "
                f"last day that leaves {buffer} for your own review before you deliver {promise}."
            )
        yield Hit(
            subject=milestone_subject(ctx, milestone),
            message=message,
            facts={
                "commitment": commitment.ref,
                "due_on": milestone.due_on.isoformat(),
                "promised_on": commitment.promised_on.isoformat(),
                "buffer_days": commitment.buffer_days,
                "overdue": late,
            },
        )


def _other(match: dict[str, Any]) -> tuple[str, str]:
    """What a matched text is, in words, and a stable key for it."""
    title = match["other__reference_text__title"]
    if title is not None:
        return f"the reference text {title!r}", f"reference:{title}"
    milestone = match["other__submission__milestone__title"]
    engagement = match["other__submission__milestone__engagement__title"]
    return f"the submission for {milestone} ({engagement})", f"milestone:{match['other__submission__milestone__ref']}"


@register(
    id="deliver/originality",
    severity="warning",
    title="A submission needs an originality review",
    checks=(
        "The latest submission of a milestone has wording so close to another submission in the workspace (of "
        "another milestone) or to one of the workspace's reference texts that their similarity is at or above "
        "the policy's originality_threshold (default 0.5). Similarity is the share of five-word runs the two "
        f"texts have in common (Jaccard), found with MinHash and LSH and then counted exactly; matches below "
        f"{LSH_THRESHOLD} are not kept, so a threshold set lower is treated as {LSH_THRESHOLD}."
    ),
    why=(
        "Work you pass on as your own must be original, or licensed; text that largely repeats another piece "
        "may be reused from an earlier client, lifted from elsewhere, or simply quote the brief. Only a person "
        "reading both can tell which."
    ),
    fix=(
        "Open the milestone, read the matching passages side by side, and decide: a quote or template is fine; "
        "otherwise ask the contractor for an explanation and an original version before the work goes out."
    ),
    source="seed 001 #5",
)
def originality(ctx: CheckContext) -> Iterator[Hit]:
    by_milestone: dict[int, list[dict[str, Any]]] = {}
    for match in ctx.originality_matches:  # most similar first
        by_milestone.setdefault(match["submission__milestone_id"], []).append(match)
    for milestone in ctx.milestones:
        matches = by_milestone.get(milestone.pk)
        if not matches:
            continue
        best = matches[0]
        other, _ = _other(best)
        more = f", and to {plural(len(matches) - 1, 'other text')}" if len(matches) > 1 else ""
        submitted = best["submission__submitted_on"]
        yield Hit(
            subject=milestone_subject(ctx, milestone),
            message=(
                f"The submission of {date_text(submitted)} for {_where(ctx, milestone)} is "
                f"{best['similarity']:.0%} similar to {other}{more}; it needs review (a quote, a shared template "
                "and reused work all look alike to this check)."
            ),
            facts={
                "submitted_on": submitted.isoformat(),
                "threshold": ctx.originality_threshold,
                "matches": {_other(m)[1]: round(m["similarity"], 2) for m in matches},
            },
        )
