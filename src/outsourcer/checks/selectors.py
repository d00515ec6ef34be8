"""Reads for the health check: findings by state, the dashboard's counts, the trend."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from outsourcer.accounts.models import Workspace
from outsourcer.checks.models import SEVERITY_ORDER, CheckRun, Finding, Severity

State = Literal["open", "quiet", "snoozed", "dismissed", "resolved", "all"]
STATES: tuple[str, ...] = ("open", "snoozed", "dismissed", "quiet", "resolved", "all")


def finding_is_quiet(finding: Finding, *, today: dt.date) -> bool:
    if finding.dismissed_at is not None:
        return True
    return finding.snoozed_until is not None and finding.snoozed_until > today


def _state_q(state: str, today: dt.date) -> Q:
    unresolved = Q(resolved_at__isnull=True)
    snoozed = Q(snoozed_until__gt=today, dismissed_at__isnull=True)
    dismissed = Q(dismissed_at__isnull=False)
    return {
        "open": unresolved & ~dismissed & ~snoozed,
        "snoozed": unresolved & snoozed,
        "dismissed": unresolved & dismissed,
        "quiet": unresolved & (snoozed | dismissed),
        "resolved": ~unresolved,
        "all": Q(),
    }[state]


SEVERITY_RANK = Case(
    *[When(severity=s, then=Value(rank)) for s, rank in SEVERITY_ORDER.items()],
    default=Value(0),
    output_field=IntegerField(),
)


def finding_list(
    *,
    workspace: Workspace,
    today: dt.date,
    state: str = "open",
    severity: str = "",
    min_severity: str = "",
    stage: str = "",
    rule: str = "",
    subject_kind: str = "",
    subject_key: str = "",
) -> QuerySet[Finding]:
    """Findings, most severe first, then the oldest first (the longest-standing mistake leads)."""
    findings = Finding.objects.filter(workspace=workspace).filter(_state_q(state or "open", today))
    if severity:
        findings = findings.filter(severity=severity)
    if min_severity:
        floor = SEVERITY_ORDER[Severity(min_severity)]
        findings = findings.filter(severity__in=[s for s, r in SEVERITY_ORDER.items() if r >= floor])
    if stage:
        findings = findings.filter(stage=stage)
    if rule:
        findings = findings.filter(rule=rule)
    if subject_kind:
        findings = findings.filter(subject_kind=subject_kind)
    if subject_key:
        findings = findings.filter(subject_key=subject_key)
    return findings.annotate(severity_rank=SEVERITY_RANK).order_by("-severity_rank", "first_seen", "rule", "pk")


def finding_counts(*, workspace: Workspace, today: dt.date) -> dict[str, Any]:
    """Open findings by severity, by stage (each split by severity), and how many are quiet."""
    rows = (
        Finding.objects.filter(workspace=workspace)
        .filter(_state_q("open", today))
        .values("stage", "severity")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_severity = dict.fromkeys(Severity.values, 0)
    by_stage: dict[str, dict[str, int]] = {}
    for row in rows:
        by_severity[row["severity"]] += row["n"]
        by_stage.setdefault(row["stage"], dict.fromkeys(Severity.values, 0))[row["severity"]] += row["n"]
    quiet = Finding.objects.filter(workspace=workspace).filter(_state_q("quiet", today)).count()
    return {"by_severity": by_severity, "by_stage": by_stage, "total": sum(by_severity.values()), "quiet": quiet}


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    errors: int
    warnings: int
    infos: int

    @property
    def total(self) -> int:
        return self.errors + self.warnings + self.infos


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def check_trend(*, workspace: Workspace, days: int = 30) -> list[TrendPoint]:
    """The last run of each day over the last `days` days that had a run, oldest first."""
    runs = CheckRun.objects.filter(workspace=workspace).order_by("-created_at")[: days * 4]
    zone = _zone(workspace.time_zone)
    last_of_day: dict[dt.date, CheckRun] = {}
    for run in runs:
        # The day where the workspace is: an evening run in New York is not tomorrow's (UTC) point.
        day = run.created_at.astimezone(zone).date()
        last_of_day.setdefault(day, run)
    points = [
        TrendPoint(day=day, errors=r.errors, warnings=r.warnings, infos=r.infos) for day, r in last_of_day.items()
    ]
    return sorted(points, key=lambda p: p.day)[-days:]


def check_last_run(*, workspace: Workspace) -> CheckRun | None:
    return CheckRun.objects.filter(workspace=workspace).order_by("-created_at").first()


def workspaces_due_for_daily_check(*, now: dt.datetime) -> QuerySet[Workspace]:
    """Workspaces whose last check is more than a day old (or never ran): the daily job's work list."""
    recent = CheckRun.objects.filter(created_at__gt=now - dt.timedelta(hours=23, minutes=30)).values("workspace_id")
    return Workspace.objects.exclude(pk__in=recent).order_by("pk")
