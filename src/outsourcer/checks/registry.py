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
from decimal import Decimal
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
            "uuid", "ref", "name", "stage", "skills_text", "time_zone", "work_start", "work_end", "work_days",
            "kind", "country", "region", "us_person", "entity_type", "legal_services", "tin_verified",
        )  # fmt: skip
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
            .only(
                "uuid",
                "ref",
                "title",
                "kind",
                "status",
                "contractor_id",
                "customer_commitment_id",
                "start_on",
                "budget_cap",
                "rate_currency",
                "rate_model",
                "weekly_hour_cap",
                "retainer_included_hours",
                "rate_amount",
                "payment_terms_days",
                "end_on",
                "work_location",
            )
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

    @cached_property
    def engagement_by_pk(self) -> dict[int, Any]:
        return {e.pk: e for e in self.engagements}

    # Briefs, the running of the work and what is delivered: again one query each, filtered by
    # workspace, reading only the columns the rules use; dated rows only as far back as a rule looks,
    # and summed by the database where a rule needs totals.

    @cached_property
    def briefs(self) -> dict[int, Any]:
        """Briefs by engagement (every part: the messages give the completeness score)."""
        from outsourcer.engagements.models import Brief

        rows = Brief.objects.filter(workspace=self.workspace).only(
            "engagement_id", "goals", "context", "deliverables", "acceptance_criteria", "out_of_scope", "constraints"
        )
        return {b.engagement_id: b for b in rows}

    @cached_property
    def communication_plans(self) -> dict[int, Any]:
        """Communication plans by engagement."""
        from outsourcer.engagements.models import CommunicationPlan

        rows = CommunicationPlan.objects.filter(workspace=self.workspace).only(
            "engagement_id", "point_person", "escalation_contact", "channels", "important_topics_channel",
            "needs_overlap_hours",
        )  # fmt: skip
        return {p.engagement_id: p for p in rows}

    @cached_property
    def check_ins(self) -> dict[int, CheckInStats]:
        """For each engagement: its latest check-in up to the reference date, and the status requests
        and meetings we started in the `CHECK_IN_WINDOW_DAYS` days that end on it, counted by the database."""
        from django.db.models import Count, Max, Q

        from outsourcer.engagements.models import CheckIn

        since = self.as_of - dt.timedelta(days=CHECK_IN_WINDOW_DAYS - 1)
        ours = Q(on__gte=since, initiated_by=CheckIn.Initiator.US)
        rows = (
            CheckIn.objects.filter(workspace=self.workspace, on__lte=self.as_of)
            .values("engagement_id")
            .annotate(
                last=Max("on"),
                status_requests=Count("pk", filter=ours & Q(kind=CheckIn.Kind.STATUS_REQUEST)),
                meetings=Count("pk", filter=ours & Q(kind=CheckIn.Kind.MEETING)),
            )
            .order_by()
        )
        return {
            row["engagement_id"]: CheckInStats(
                last=row["last"], status_requests=row["status_requests"], meetings=row["meetings"]
            )
            for row in rows
        }

    @cached_property
    def _hours_by_day(self) -> list[dict[str, Any]]:
        """Submitted and approved hours per engagement, day and status, for the days the time rules read:
        the last `HOUR_CAP_WEEKS` ISO weeks (up to the reference date) and the last full calendar month."""
        from django.db.models import Sum

        from outsourcer.engagements.models import TimeEntry

        first_week = week_start(self.as_of) - dt.timedelta(weeks=HOUR_CAP_WEEKS - 1)
        month_first, _ = last_full_month(self.as_of)
        return [
            dict(row)
            for row in TimeEntry.objects.filter(
                workspace=self.workspace,
                worked_on__gte=min(first_week, month_first),
                worked_on__lte=self.as_of,
                status__in=(TimeEntry.Status.SUBMITTED, TimeEntry.Status.APPROVED),
            )
            .values("engagement_id", "worked_on", "status")
            .annotate(total=Sum("hours"))
            .order_by()
        ]

    @cached_property
    def weekly_hours(self) -> dict[int, dict[dt.date, Decimal]]:
        """Submitted plus approved hours of each engagement by ISO week (its Monday), last `HOUR_CAP_WEEKS` weeks."""
        first_week = week_start(self.as_of) - dt.timedelta(weeks=HOUR_CAP_WEEKS - 1)
        found: dict[int, dict[dt.date, Decimal]] = {}
        for row in self._hours_by_day:
            if row["worked_on"] >= first_week:
                weeks = found.setdefault(row["engagement_id"], {})
                monday = week_start(row["worked_on"])
                weeks[monday] = weeks.get(monday, Decimal(0)) + row["total"]
        return found

    @cached_property
    def approved_hours_last_month(self) -> dict[int, Decimal]:
        """Approved hours of each engagement in the last full calendar month."""
        from outsourcer.engagements.models import TimeEntry

        first, last = last_full_month(self.as_of)
        found: dict[int, Decimal] = {}
        for row in self._hours_by_day:
            if row["status"] == TimeEntry.Status.APPROVED and first <= row["worked_on"] <= last:
                found[row["engagement_id"]] = found.get(row["engagement_id"], Decimal(0)) + row["total"]
        return found

    @cached_property
    def milestones(self) -> list[Any]:
        """Every milestone, by due date, with the date of its first accepted review and how many reviews it has."""
        from django.db.models import Count, Min, Q

        from outsourcer.deliverables.models import Milestone, Review

        return list(
            Milestone.objects.filter(workspace=self.workspace)
            .only(
                "uuid",
                "ref",
                "title",
                "engagement_id",
                "due_on",
                "status",
                "submitted_on",
                "delivered_to_customer_on",
            )
            .annotate(
                first_accepted=Min("reviews__reviewed_on", filter=Q(reviews__decision=Review.Decision.ACCEPTED)),
                review_count=Count("reviews"),
            )
            .order_by("due_on", "ref")
        )

    @cached_property
    def milestone_by_pk(self) -> dict[int, Any]:
        return {m.pk: m for m in self.milestones}

    @cached_property
    def reviews_without_feedback(self) -> dict[int, list[Any]]:
        """Each milestone's reviews that requested a revision or rejected the work with no feedback (blank
        counts as none), oldest first."""
        from django.db.models.functions import Length, Trim

        from outsourcer.deliverables.models import Review

        rows = (
            Review.objects.filter(
                workspace=self.workspace, decision__in=(Review.Decision.REVISION_REQUESTED, Review.Decision.REJECTED)
            )
            .annotate(feedback_chars=Length(Trim("feedback")))
            .filter(feedback_chars=0)
            .only("milestone_id", "reviewed_on", "decision", "reviewer")
            .order_by("milestone_id", "reviewed_on", "pk")
        )
        found: dict[int, list[Any]] = {}
        for review in rows:
            found.setdefault(review.milestone_id, []).append(review)
        return found

    @cached_property
    def ratings(self) -> dict[int, RatingStats]:
        """How many ratings each engagement has, and how many of them the contractor was shown."""
        from django.db.models import Count, Q

        from outsourcer.engagements.models import Rating

        rows = (
            Rating.objects.filter(workspace=self.workspace)
            .values("engagement_id")
            .annotate(total=Count("pk"), shared=Count("pk", filter=Q(shared_with_contractor=True)))
            .order_by()
        )
        return {row["engagement_id"]: RatingStats(total=row["total"], shared=row["shared"]) for row in rows}

    @cached_property
    def commitments(self) -> dict[int, Any]:
        """Customer commitments by primary key."""
        from outsourcer.engagements.models import CustomerCommitment

        rows = CustomerCommitment.objects.filter(workspace=self.workspace).only(
            "uuid", "ref", "customer", "title", "promised_on", "buffer_days", "status"
        )
        return {c.pk: c for c in rows}

    @cached_property
    def originality_threshold(self) -> float:
        """The policy's threshold; below the index's own floor, matches are not stored, so the floor counts."""
        from outsourcer.deliverables.originality import LSH_THRESHOLD

        return max(float(self.policy["originality_threshold"]), LSH_THRESHOLD)

    @cached_property
    def originality_matches(self) -> list[dict[str, Any]]:
        """Stored near-duplicates at or above the threshold, of each milestone's latest submission only
        (a revision replaces what came before), most similar first, with what the other text is."""
        from django.db.models import OuterRef, Subquery

        from outsourcer.deliverables.models import OriginalityMatch, Submission

        latest = (
            Submission.objects.filter(milestone_id=OuterRef("submission__milestone_id"))
            .order_by("-pk")
            .values("pk")[:1]
        )
        return [
            dict(row)
            for row in OriginalityMatch.objects.filter(
                workspace=self.workspace, similarity__gte=self.originality_threshold, submission_id=Subquery(latest)
            )
            .values(
                "pk",
                "similarity",
                "submission__milestone_id",
                "submission__submitted_on",
                "other__submission__submitted_on",
                "other__submission__milestone__ref",
                "other__submission__milestone__title",
                "other__submission__milestone__engagement__title",
                "other__reference_text__title",
            )
            .order_by("-similarity", "pk")
        ]

    # Money (money/*): due dates are `payments.dues`', committed spend is `payments.selectors.budgets_for`'s,
    # the same numbers the payables and budget pages show.

    @cached_property
    def money_invoices(self) -> list[Any]:
        """Invoices still to pay, and those paid in the on-time window up to the reference date
        (`payments.selectors.ON_TIME_WINDOW_DAYS`), with their engagement and contractor: one query."""
        from django.db.models import Q

        from outsourcer.payments.models import OPEN, Invoice, Status
        from outsourcer.payments.selectors import ON_TIME_WINDOW_DAYS

        since = self.as_of - dt.timedelta(days=ON_TIME_WINDOW_DAYS)
        return list(
            Invoice.objects.filter(workspace=self.workspace)
            .filter(Q(status__in=OPEN) | Q(status=Status.PAID, paid_on__gt=since, paid_on__lte=self.as_of))
            .select_related("engagement__contractor", "engagement__workspace")
            .order_by("ref")
        )

    @cached_property
    def invoice_dues(self) -> dict[int, Any]:
        """The due date (`payments.dues.DueDate`, or None) of each of `money_invoices`: one more query at most."""
        from outsourcer.payments.dues import due_dates

        return due_dates(self.money_invoices)

    @cached_property
    def budgets(self) -> dict[int, Any]:
        """Committed spend (`payments.selectors.Budget`) of each running engagement with a budget cap."""
        from outsourcer.payments.selectors import budgets_for

        capped = [e for e in self.running_engagements if e.budget_cap is not None]
        return budgets_for(engagements=capped, workspace=self.workspace)

    @cached_property
    def contractor_ratings(self) -> dict[int, tuple[int, int]]:
        """For each contractor: the sum of their ratings' overall scores and how many there are."""
        from django.db.models import Count, Sum

        from outsourcer.engagements.models import Rating

        rows = (
            Rating.objects.filter(workspace=self.workspace)
            .values("engagement__contractor_id")
            .annotate(total=Sum("overall"), count=Count("pk"))
            .order_by()
        )
        return {row["engagement__contractor_id"]: (row["total"], row["count"]) for row in rows}

    # US tax papers and payments (comply/*): what counts, thresholds and expiry are `payments.tax`'s;
    # invoices are summed by the database, so each loader is one query whatever the number of invoices.

    @cached_property
    def tax_years(self) -> list[int]:
        """The calendar years the tax rules read: last year (its forms are due early this year) and this one."""
        from outsourcer.payments.tax import first_year

        return [y for y in (self.as_of.year - 1, self.as_of.year) if y >= first_year()]

    @cached_property
    def tax_payments(self) -> list[Any]:
        """Invoices paid in `tax_years` up to the reference date, and approved or scheduled ones not paid
        yet, summed per contractor, year, status, channel and currency (`payments.tax.PaymentGroup`)."""
        from outsourcer.payments.tax import payment_groups

        if not self.tax_years:
            return []
        return payment_groups(workspace=self.workspace, years=self.tax_years, paid_through=self.as_of, open_too=True)

    @cached_property
    def tax_documents(self) -> dict[int, list[Any]]:
        """W-9, W-8BEN and W-8BEN-E documents by contractor, oldest signed first."""
        from outsourcer.payments.tax import tax_documents

        return tax_documents(workspace=self.workspace)

    # Risks, exit plans and access (risk/*), agreements, worker-status assessments and contractors'
    # documents (comply/*): one query each, filtered by workspace, reading only the columns the rules use.

    @cached_property
    def risks(self) -> list[Any]:
        """Every risk of the register, by ref."""
        from outsourcer.risk.models import Risk

        return list(
            Risk.objects.filter(workspace=self.workspace)
            .only("uuid", "ref", "title", "category", "likelihood", "impact", "mitigation", "status",
                  "engagement_id", "contractor_id")
            .order_by("ref")
        )  # fmt: skip

    @cached_property
    def exit_plans(self) -> dict[int, Any]:
        """Exit plans by engagement."""
        from outsourcer.risk.models import ExitPlan

        return {
            p.engagement_id: p for p in ExitPlan.objects.filter(workspace=self.workspace).only("engagement_id", "steps")
        }

    @cached_property
    def open_access(self) -> dict[int, list[Any]]:
        """Access grants not revoked, by engagement, by system."""
        from outsourcer.risk.models import AccessGrant

        rows = (
            AccessGrant.objects.filter(workspace=self.workspace, revoked_on__isnull=True)
            .only("engagement_id", "system", "level", "shared_credential", "granted_on", "expires_on")
            .order_by("engagement_id", "system", "pk")
        )
        found: dict[int, list[Any]] = {}
        for grant in rows:
            found.setdefault(grant.engagement_id, []).append(grant)
        return found

    @cached_property
    def agreements(self) -> dict[int, Any]:
        """Agreements by engagement: whether signed, and which clauses they hold."""
        from outsourcer.compliance.models import REQUIRED_CLAUSES, Agreement

        rows = Agreement.objects.filter(workspace=self.workspace).only("engagement_id", "signed_on", *REQUIRED_CLAUSES)
        return {a.engagement_id: a for a in rows}

    @cached_property
    def latest_classifications(self) -> dict[int, Any]:
        """The latest worker-status assessment of each engagement (later assessed, then later recorded)."""
        from outsourcer.compliance.models import ANSWER_FIELDS, ClassificationAssessment

        rows = (
            ClassificationAssessment.objects.filter(workspace=self.workspace)
            .only("engagement_id", "assessed_on", *ANSWER_FIELDS)
            .order_by("engagement_id", "-assessed_on", "-pk")
        )
        found: dict[int, Any] = {}
        for assessment in rows:
            found.setdefault(assessment.engagement_id, assessment)
        return found

    @cached_property
    def latest_documents(self) -> dict[int, list[Any]]:
        """Each contractor's latest document of each kind: a renewed paper replaces the one before it.
        Latest is the later signed; one with no signing date counts as older than any dated one, and
        between equals the one recorded last wins. By contractor, in kind order."""
        from outsourcer.compliance.documents import latest_of_each_kind
        from outsourcer.contractors.models import Document

        rows = Document.objects.filter(workspace=self.workspace).only(
            "contractor_id", "kind", "title", "signed_on", "expires_on"
        )
        latest = latest_of_each_kind(rows.order_by("pk"))
        found: dict[int, list[Any]] = {}
        for (contractor_id, _kind), document in sorted(latest.items(), key=lambda item: item[0]):
            found.setdefault(contractor_id, []).append(document)
        return found

    @cached_property
    def paid_last_year(self) -> dict[int, dict[str, Decimal]]:
        """What each contractor was paid in the `SPEND_WINDOW_DAYS` days up to the reference date, summed by
        the database per contractor and currency (unconverted: `payments.selectors.convert` does that)."""
        from django.db.models import Sum

        from outsourcer.payments.models import Invoice, Status

        since = self.as_of - dt.timedelta(days=SPEND_WINDOW_DAYS)
        rows = (
            Invoice.objects.filter(
                workspace=self.workspace, status=Status.PAID, paid_on__gt=since, paid_on__lte=self.as_of
            )
            .values("engagement__contractor_id", "currency")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        found: dict[int, dict[str, Decimal]] = {}
        for row in rows:
            found.setdefault(row["engagement__contractor_id"], {})[row["currency"]] = row["total"]
        return found


# How far back `manage/micromanaging` counts check-ins, and `manage/over-hour-cap` weekly hours.
CHECK_IN_WINDOW_DAYS = 14
HOUR_CAP_WEEKS = 8
# How far back `risk/concentration` adds up what each contractor was paid: the last 12 months.
SPEND_WINDOW_DAYS = 365


@dataclass(frozen=True)
class CheckInStats:
    last: dt.date
    status_requests: int  # initiated by us in the last CHECK_IN_WINDOW_DAYS days
    meetings: int


@dataclass(frozen=True)
class RatingStats:
    total: int
    shared: int


def week_start(day: dt.date) -> dt.date:
    """The Monday of the ISO week holding `day`."""
    return day - dt.timedelta(days=day.weekday())


def last_full_month(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the calendar month before the one holding `day`."""
    last = day.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


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
