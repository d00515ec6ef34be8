"""The health check as data: the report the CLI prints and the API answers, and the rules reference.

One place builds each shape, so `outsourcer check --json` and `POST /checks` cannot drift apart, and
docs/rules.md (made by `outsourcer rules --markdown`) cannot drift from the catalogue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from outsourcer.accounts.models import Workspace
from outsourcer.checks.models import SEVERITY_ORDER, CheckRun, Finding, Severity
from outsourcer.checks.registry import STAGES, Rule, rules
from outsourcer.checks.selectors import finding_is_quiet
from outsourcer.checks.services import CheckResult

# The dates a check may be run "as of": wide enough for any real question, narrow enough that
# rules adding or taking days from it never leave the calendar.
AS_OF_MIN = dt.date(2000, 1, 1)
AS_OF_MAX = dt.date(2999, 12, 31)


def as_of_problem(day: dt.date) -> str:
    """Why a reference date is refused, or an empty string."""
    if not AS_OF_MIN <= day <= AS_OF_MAX:
        return f"The date must be between {AS_OF_MIN.isoformat()} and {AS_OF_MAX.isoformat()}."
    return ""


def at_or_above(severity: str, floor: str) -> bool:
    return SEVERITY_ORDER[Severity(severity)] >= SEVERITY_ORDER[Severity(floor)]


def finding_state(finding: Finding, *, today: dt.date) -> str:
    """open, snoozed, dismissed or resolved: the same reading as the selectors' state filters."""
    if finding.resolved_at is not None:
        return "resolved"
    if finding.dismissed_at is not None:
        return "dismissed"
    return "snoozed" if finding_is_quiet(finding, today=today) else "open"


def _most_severe_first(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (-SEVERITY_ORDER[Severity(f.severity)], f.rule, f.subject_label, f.subject_key),
    )


def finding_brief(finding: Finding) -> dict[str, Any]:
    """A finding as the health-check output lists it (DESIGN.md, "Health check output")."""
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "subject": {"kind": finding.subject_kind, "ref": finding.subject_ref, "label": finding.subject_label},
        "message": finding.message,
        "fix": finding.fix,
    }


def check_report(result: CheckResult, *, min_severity: str = Severity.INFO) -> dict[str, Any]:
    """What one run found: the open findings at or above `min_severity`, most severe first, and a summary.

    The summary counts every open finding, whatever `min_severity` leaves out of the list, so a
    script reads the whole state of the workspace from it.
    """
    listed = [f for f in _most_severe_first(result.open) if at_or_above(f.severity, min_severity)]
    counts = {s: sum(1 for f in result.open if f.severity == s) for s in Severity.values}
    return {
        "workspace": result.workspace.name,
        "as_of": result.as_of.isoformat(),
        "findings": [finding_brief(f) for f in listed],
        "summary": {
            "error": counts[Severity.ERROR],
            "warning": counts[Severity.WARNING],
            "info": counts[Severity.INFO],
            "total": len(result.open),
            "quiet": len(result.quiet),
            "new": result.run.new,
            "resolved": result.run.resolved,
        },
    }


def summary_line(summary: dict[str, Any]) -> str:
    """The report's summary as one sentence, for the terminal."""

    def n(count: int, word: str) -> str:
        return f"{count} {word}{'' if count == 1 or word == 'info' else 's'}"

    if summary["total"]:
        head = (
            f"{n(summary['total'], 'open finding')}: {n(summary['error'], 'error')}, "
            f"{n(summary['warning'], 'warning')}, {summary['info']} info"
        )
    else:
        head = "No open findings"
    return (
        f"{head}; {summary['quiet']} snoozed or dismissed; "
        f"{summary['new']} new and {summary['resolved']} resolved by this check."
    )


def check_run_list(*, workspace: Workspace) -> QuerySet[CheckRun]:
    """The workspace's check runs, newest first: the trend as data."""
    return CheckRun.objects.filter(workspace=workspace).order_by("-created_at", "-pk")


# --- The rule catalogue -----------------------------------------------------------------------------


def rule_dict(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "stage": rule.stage,
        "severity": rule.severity,
        "levels": list(rule.levels),
        "title": rule.title,
        "checks": rule.checks,
        "why": rule.why,
        "fix": rule.fix,
        "source": rule.source,
    }


def rule_catalogue() -> list[dict[str, Any]]:
    return [rule_dict(rule) for rule in rules()]


SEVERITY_MEANING = {
    Severity.ERROR: "act now: money, the law, security or a promise to a customer is at stake.",
    Severity.WARNING: "fix soon: a mistake that will cost you if it stays.",
    Severity.INFO: "worth considering: a chance to do better rather than a problem.",
}

INTRO = """\
The health check reads a whole workspace and reports the classic outsourcing mistakes it can see in
the data. Each one it sees is a **finding**: one rule firing on one subject (a task, a contractor,
an engagement...), with a message giving the numbers that made it fire and the fix you can take.
The check runs by itself after every change to the data it reads, after every import and every
day, and whenever you ask: from the health-check page, with `outsourcer check --workspace NAME`, or
with `POST /api/v1/workspaces/{ws}/checks`. Running it again on the same data changes nothing; a
finding whose problem is gone is marked resolved.

Every finding has a severity:

{severities}

A finding that does not apply can be **snoozed** until a date, or **dismissed** with a reason. Either
way it stays quiet only while the data behind it stays the same: when that data changes (say the
task's hours or status), the finding is open again, so a quieted finding never hides a new problem.

Thresholds that a business may want to set differently come from the workspace's policy (the
workspace settings, or `policy` in the API and the bundle); where a rule below names one, the number
given is the default. The source names where the advice comes from: the numbered articles on
outsourcing mistakes the catalogue was built from (`seed 004 #5` is article 004, mistake 5), or a
research note on law and practice."""


def _levels(rule: Rule) -> str:
    return " or ".join(f"**{level}**" for level in rule.levels)


def rules_markdown() -> str:
    """The rules reference (docs/rules.md), made from the catalogue."""
    catalogue = rules()
    by_stage: dict[str, list[Rule]] = {}
    for rule in catalogue:
        by_stage.setdefault(rule.stage, []).append(rule)
    severities = "\n".join(f"- **{s}**: {text}" for s, text in SEVERITY_MEANING.items())
    lines = [
        "# Health-check rules",
        "",
        "<!-- Generated by `outsourcer rules --markdown` from the rule catalogue "
        "(src/outsourcer/checks/rules/). Do not edit: change the rule, then regenerate. -->",
        "",
        INTRO.replace("{severities}", severities),
        "",
        f"{len(catalogue)} rules in {len(by_stage)} {'stage' if len(by_stage) == 1 else 'stages'}:",
        "",
        "| rule | severity | title |",
        "|---|---|---|",
    ]
    lines += [f"| [`{r.id}`](#{r.anchor}) | {' or '.join(r.levels)} | {r.title} |" for r in catalogue]
    for stage, label in STAGES.items():
        if stage not in by_stage:
            continue
        lines += ["", f"## {label}"]
        for rule in by_stage[stage]:
            lines += [
                "",
                f'<a id="{rule.anchor}"></a>',
                "",
                f"### {rule.id}",
                "",
                f"{_levels(rule)}: {rule.title}",
                "",
                f"**What it checks.** {rule.checks}",
                "",
                f"**Why it matters.** {rule.why}",
                "",
                f"**How to fix it.** {rule.fix}",
                "",
                f"**Source.** {rule.source}",
            ]
    return "\n".join(lines) + "\n"
