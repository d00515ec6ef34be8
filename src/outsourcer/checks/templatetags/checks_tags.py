"""Template helpers of the health check, also used by the workspace overview.

`accounts` may not import `checks` (the health check reads the other apps, never the other way), so
the overview's health card comes from here: only its template names this library.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

from outsourcer.checks.models import Finding
from outsourcer.checks.registry import rule_get
from outsourcer.checks.selectors import check_last_run, finding_counts, finding_is_quiet
from outsourcer.core.timezones import today_in

register = template.Library()

# Where each kind of subject is shown: URL name and the name of its UUID argument. Later stages add theirs.
# Categories have no page of their own: their findings name the contractors.
SUBJECT_PAGES: dict[str, tuple[str, str]] = {
    "task": ("planning:task_edit", "task"),
    "contractor": ("vetting:contractor", "contractor"),
    "engagement": ("engagements:detail", "engagement"),
    "milestone": ("deliverables:milestone", "milestone"),
    "invoice": ("payments:invoice", "invoice"),
    "risk": ("risk:risk", "risk"),
}


def subject_url(finding: Finding, workspace: Any = None) -> str | None:
    """The page of the object a finding is about, or None when its kind has no page (yet).

    Pass the workspace when you have it: reading `finding.workspace` costs a query per finding.
    """
    page = SUBJECT_PAGES.get(finding.subject_kind)
    if page is None or finding.subject_uuid is None:
        return None
    name, arg = page
    ws = (workspace or finding.workspace).uuid
    try:
        return reverse(name, kwargs={"ws": ws, arg: finding.subject_uuid})
    except NoReverseMatch:  # a page not (yet) installed: the finding is shown without a link
        return None


register.filter("subject_url", subject_url)


def finding_state(finding: Finding, today: dt.date) -> str:
    """`resolved`, `dismissed`, `snoozed` or `open`: the one word shown beside a finding."""
    if finding.resolved_at is not None:
        return "resolved"
    if finding.dismissed_at is not None:
        return "dismissed"
    return "snoozed" if finding_is_quiet(finding, today=today) else "open"


register.filter("finding_state", finding_state)


@register.filter
def rule_anchor(rule_id: str) -> str:
    """The rules reference anchor of a rule id (`plan/no-knowledge` -> `plan-no-knowledge`)."""
    rule = rule_get(str(rule_id))
    return rule.anchor if rule else str(rule_id).replace("/", "-")


@register.filter
def fact_label(key: Any) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def fact_value(value: Any) -> str:
    return str(value).replace("_", " ") if isinstance(value, str) else str(value)


@register.inclusion_tag("checks/_health_summary.html")
def health_summary(workspace: Any) -> dict[str, Any]:
    """Open findings by severity and when the check last ran: three queries, however many findings."""
    counts = finding_counts(workspace=workspace, today=today_in(workspace.time_zone))
    return {"workspace": workspace, "counts": counts["by_severity"], "last_run": check_last_run(workspace=workspace)}
