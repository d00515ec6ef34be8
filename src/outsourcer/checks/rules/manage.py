"""manage/*: running the work (RULES.md, "manage").

Check-ins are summed by the database per engagement (the latest date, and the status requests and
meetings we started in the last 14 days), time entries per engagement and day over the weeks and the
month the rules look at, ratings per engagement: a fixed number of queries however long the history.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from outsourcer.checks.registry import (
    CHECK_IN_WINDOW_DAYS,
    HOUR_CAP_WEEKS,
    CheckContext,
    Hit,
    RatingStats,
    Subject,
    last_full_month,
    register,
)
from outsourcer.checks.rules.vet import and_list, contractor_subject, date_text, engagement_subject
from outsourcer.deliverables.models import Milestone, Review
from outsourcer.engagements.models import Engagement, RateModel, Status
from outsourcer.engagements.selectors import silent_since


def hours(value: Decimal | float | int) -> str:
    """`5.5 h`, `16 h`: hours as a person writes them."""
    text = f"{Decimal(str(value)).normalize():f}"
    return f"{text} h"


def number(value: Decimal | float | int) -> str:
    return f"{Decimal(str(value)).normalize():f}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _who(ctx: CheckContext, engagement: Engagement) -> str:
    return f"{engagement.title} with {ctx.contractors[engagement.contractor_id].name}"


def _subject(ctx: CheckContext, engagement: Engagement) -> Subject:
    return engagement_subject(engagement, ctx.contractors[engagement.contractor_id])


def milestone_subject(ctx: CheckContext, milestone: Milestone) -> Subject:
    engagement = ctx.engagement_by_pk[milestone.engagement_id]
    label = f"{milestone.title} ({engagement.title})"
    return Subject(kind="milestone", uuid=str(milestone.uuid), ref=milestone.ref, label=label)


@register(
    id="manage/silence",
    severity="warning",
    title="No word for too long",
    checks=(
        "An engagement in progress (active or paused) has had no check-in for more than the policy's "
        "silence_days (default 14) days up to the check's date. An engagement with no check-in at all counts "
        "from its start date; one with neither a check-in nor a start date is not judged."
    ),
    why=(
        "Silence rarely means all is well: small misunderstandings grow, priorities drift, and the first you "
        "hear of a problem is a missed deadline. A short regular check-in costs little and catches it early."
    ),
    fix=(
        "Get in touch with the contractor (a short status update or a call), record it as a check-in, and agree "
        "a cadence in the communication plan that both sides keep."
    ),
    source="seed 003 #2",
)
def silence(ctx: CheckContext) -> Iterator[Hit]:
    limit = int(ctx.policy["silence_days"])
    for engagement in ctx.running_engagements:
        stats = ctx.check_ins.get(engagement.pk)
        last = stats.last if stats else None  # the latest up to the check's date
        since = silent_since(last_check_in=last, start_on=engagement.start_on)
        if since is None or (ctx.as_of - since).days <= limit:
            continue
        days = (ctx.as_of - since).days
        if last is not None:
            quiet = f"has had no check-in for {days} days (the last on {date_text(last)})"
        else:
            quiet = f"has had no check-in in the {days} days since it started on {date_text(since)}"
        yield Hit(
            subject=_subject(ctx, engagement),
            message=f"{_who(ctx, engagement)} {quiet}; the policy allows {limit}.",
            facts={
                "last_check_in": last.isoformat() if last else "",
                "start_on": engagement.start_on.isoformat() if engagement.start_on else "",
                "silence_days": limit,
            },
        )


@register(
    id="manage/micromanaging",
    severity="warning",
    title="Checking in too often",
    checks=(
        f"In the {CHECK_IN_WINDOW_DAYS} days up to the check's date, you started more status requests and "
        "meetings with the contractor of an engagement in progress (active or paused) than twice the policy's "
        "max_check_ins_per_week (default 3 a week). Check-ins the contractor started, status updates and "
        "feedback do not count."
    ),
    why=(
        "Asking for status every day tells a professional you do not trust them, takes their time from the work "
        "itself and makes you the bottleneck; good contractors leave clients who hover."
    ),
    fix=(
        "Agree a cadence and stick to it: a weekly update from the contractor, a call when something important "
        "comes up, and milestones to judge the work by instead of the hours behind it."
    ),
    source="seed 004 #4",
)
def micromanaging(ctx: CheckContext) -> Iterator[Hit]:
    per_week = ctx.policy["max_check_ins_per_week"]
    limit = 2 * Decimal(str(per_week))
    for engagement in ctx.running_engagements:
        stats = ctx.check_ins.get(engagement.pk)
        if stats is None:
            continue
        total = stats.status_requests + stats.meetings
        if total <= limit:
            continue
        parts = [
            plural(n, one, many)
            for n, one, many in (
                (stats.status_requests, "status request", None),
                (stats.meetings, "meeting", None),
            )
            if n
        ]
        contractor = ctx.contractors[engagement.contractor_id]
        yield Hit(
            subject=_subject(ctx, engagement),
            message=(
                f"In the {CHECK_IN_WINDOW_DAYS} days to {date_text(ctx.as_of)} you started {and_list(parts)} with "
                f"{contractor.name} on {engagement.title}: {total} in two weeks, more than the {number(limit)} "
                f"the policy allows ({number(per_week)} a week)."
            ),
            facts={
                "status_requests": stats.status_requests,
                "meetings": stats.meetings,
                "max_check_ins_per_week": per_week,
            },
        )


DECISION_WORDS = {
    Review.Decision.REVISION_REQUESTED: "requested a revision",
    Review.Decision.REJECTED: "rejected the work",
}


@register(
    id="manage/no-feedback",
    severity="info",
    title="Feedback not given",
    checks=(
        "A review of a milestone (any of its reviews, not only the latest) requested a revision or rejected the "
        "work without any feedback; or a completed engagement has no rating; or a contractor with completed "
        "engagements has never been shown a rating (none of their ratings is shared with them)."
    ),
    why=(
        "Work sent back without a word of why comes back wrong again, and a contractor who never hears how they "
        "did cannot improve; your ratings are also what the scorecard ranks contractors by next time."
    ),
    fix=(
        "Review again with feedback that says what to change; rate each engagement when it ends; and share a "
        "rating with the contractor, with a sentence on what went well and what to do differently."
    ),
    source="seed 003 #5",
)
def no_feedback(ctx: CheckContext) -> Iterator[Hit]:
    for milestone in ctx.milestones:
        silent = ctx.reviews_without_feedback.get(milestone.pk)
        if not silent:
            continue
        review = silent[-1]  # the latest of them speaks for the milestone; the others are counted
        engagement = ctx.engagement_by_pk[milestone.engagement_id]
        by = f" ({review.reviewer})" if review.reviewer else ""
        earlier = len(silent) - 1
        more = f"; {plural(earlier, 'earlier review')} did the same" if earlier else ""
        facts: dict[str, Any] = {
            "decision": review.decision,
            "reviewed_on": review.reviewed_on.isoformat(),
            "feedback": "",
        }
        if earlier:
            facts["reviews_without_feedback"] = len(silent)
        yield Hit(
            subject=milestone_subject(ctx, milestone),
            message=(
                f"The review of {milestone.title} ({_who(ctx, engagement)}) on {date_text(review.reviewed_on)}{by} "
                f"{DECISION_WORDS[review.decision]} without any feedback{more}, so the contractor cannot tell what "
                "to change."
            ),
            facts=facts,
        )
    completed: dict[int, list[Engagement]] = {}
    rated: dict[int, list[RatingStats]] = {}  # each contractor's ratings, over all their engagements
    for engagement in ctx.engagements:
        if engagement.pk in ctx.ratings:
            rated.setdefault(engagement.contractor_id, []).append(ctx.ratings[engagement.pk])
        if engagement.status != Status.COMPLETED:
            continue
        completed.setdefault(engagement.contractor_id, []).append(engagement)
        if ctx.ratings.get(engagement.pk) is None:
            yield Hit(
                subject=_subject(ctx, engagement),
                message=f"{_who(ctx, engagement)} is completed but has no rating: nothing records how the work went.",
                facts={"status": engagement.status, "ratings": 0},
            )
    for pk, contractor in ctx.contractors.items():
        done = completed.get(pk)
        if not done:
            continue
        mine = rated.get(pk, [])
        total, shared = sum(r.total for r in mine), sum(r.shared for r in mine)
        if shared:
            continue
        done.sort(key=lambda e: (e.title, e.ref))
        on_file = "no rating on file" if not total else f"{plural(total, 'rating')} on file, none shared with them"
        yield Hit(
            subject=contractor_subject(contractor),
            message=(
                f"{contractor.name} has completed {and_list([e.title for e in done])} but has never been shown a "
                f"rating ({on_file})."
            ),
            facts={"completed": ", ".join(sorted(e.ref for e in done)), "ratings": total, "shared": 0},
        )


@register(
    id="manage/underused-retainer",
    severity="info",
    title="A retainer you do not use",
    checks=(
        "An engagement in progress (active or paused) paid as a retainer had fewer approved hours in the last "
        "full calendar month than half the hours the retainer includes. An engagement that started during that "
        "month is not judged."
    ),
    why=(
        "A retainer buys the contractor's time whether you use it or not; month after month of unused hours is "
        "money spent for nothing, or a sign the work has moved elsewhere."
    ),
    fix=(
        "Give the contractor the work the retainer was meant for, or agree fewer included hours (or hourly "
        "billing) for the months ahead."
    ),
    source="seed 003 #4",
)
def underused_retainer(ctx: CheckContext) -> Iterator[Hit]:
    first, _last = last_full_month(ctx.as_of)
    for engagement in ctx.running_engagements:
        included = engagement.retainer_included_hours
        if engagement.rate_model != RateModel.RETAINER or not included:
            continue
        if engagement.start_on is not None and engagement.start_on > first:
            continue
        approved = ctx.approved_hours_last_month.get(engagement.pk, Decimal(0))
        if approved * 2 >= included:
            continue
        used = f"only {hours(approved)} were approved" if approved else "no hours were approved"
        yield Hit(
            subject=_subject(ctx, engagement),
            message=(
                f"{_who(ctx, engagement)} is a retainer that includes {hours(included)} a month, but {used} in "
                f"{first:%B %Y}, under half of them ({hours(included / 2)})."
            ),
            facts={"month": f"{first:%Y-%m}", "approved_hours": number(approved), "included_hours": number(included)},
        )


@register(
    id="manage/over-hour-cap",
    severity="warning",
    title="Hours over the weekly cap",
    checks=(
        f"An engagement in progress (active or paused) paid by the hour has more hours approved or waiting for "
        f"approval in one ISO week (Monday to Sunday) of the last {HOUR_CAP_WEEKS}, the current week included, "
        "than its weekly hour cap."
    ),
    why=(
        "A weekly cap is how hourly work stays within budget; hours past it are spent without anyone deciding "
        "to spend them, and approved, they are owed."
    ),
    fix=(
        "Talk with the contractor before approving more: raise the cap if the work needs it, or agree what to "
        "leave out; reject the hours you did not agree to, with a reason."
    ),
    source="seed 003 #3",
)
def over_hour_cap(ctx: CheckContext) -> Iterator[Hit]:
    for engagement in ctx.running_engagements:
        cap = engagement.weekly_hour_cap
        if engagement.rate_model != RateModel.HOURLY or cap is None:
            continue
        over = {week: total for week, total in ctx.weekly_hours.get(engagement.pk, {}).items() if total > cap}
        if not over:
            continue
        worst = max(over, key=lambda week: (over[week], week))
        more = f"; {len(over)} of the last {HOUR_CAP_WEEKS} weeks were over it" if len(over) > 1 else ""
        yield Hit(
            subject=_subject(ctx, engagement),
            message=(
                f"{_who(ctx, engagement)} has {hours(over[worst])} approved or waiting for approval in the week of "
                f"{date_text(worst)}, over its weekly cap of {hours(cap)}{more}."
            ),
            facts={
                "weekly_hour_cap": number(cap),
                "weeks_over": {week.isoformat(): number(total) for week, total in sorted(over.items())},
            },
        )
