"""The words of each reminder: a subject line and a plain-text body, made when the reminder is planned.

Links point at OUTSOURCER_BASE_URL, never at a Host header; a contractor's link opens their portal,
everyone else's the business's own page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils.dateformat import format as date_format

from outsourcer.accounts.models import Workspace
from outsourcer.compliance.selectors import Reassessment
from outsourcer.core.text import email_subject, one_line
from outsourcer.deliverables.models import Milestone
from outsourcer.engagements.models import ENDED
from outsourcer.reminders.links import milestone_link, page_link, settings_link
from outsourcer.reminders.selectors import LeftOpen, PaymentDue, Silence, StaleExitPlan, TimeWaiting
from outsourcer.risk.models import AccessGrant, Risk

BODY_MAX = 20000


def day(value: dt.date) -> str:
    return date_format(value, "D j M Y")


def _when(due_on: dt.date, today: dt.date) -> str:
    days = (due_on - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days, on {day(due_on)}"


def _prefix(workspace: Workspace) -> str:
    return f"[{one_line(workspace.name)}] "


def _subject(workspace: Workspace, text: str) -> str:
    return email_subject(_prefix(workspace) + text)


def _body(template: str, context: dict[str, Any]) -> str:
    return render_to_string(f"reminders/email/{template}", context).strip()[:BODY_MAX] + "\n"


def milestone_due_soon(milestone: Milestone, today: dt.date, for_contractor: bool) -> tuple[str, str]:
    workspace = milestone.workspace
    when = _when(milestone.due_on, today)
    context = {
        "milestone": milestone,
        "engagement": milestone.engagement,
        "when": when,
        "due": day(milestone.due_on),
        "for_contractor": for_contractor,
        "url": milestone_link(milestone, for_contractor=for_contractor),
        "workspace": workspace,
    }
    return _subject(workspace, f"Due {when}: {milestone.title}"), _body("due_soon.txt", context)


def milestone_overdue(milestone: Milestone, today: dt.date, for_contractor: bool) -> tuple[str, str]:
    workspace = milestone.workspace
    late = (today - milestone.due_on).days
    context = {
        "milestone": milestone,
        "engagement": milestone.engagement,
        "due": day(milestone.due_on),
        "late": late,
        "for_contractor": for_contractor,
        "url": milestone_link(milestone, for_contractor=for_contractor),
        "workspace": workspace,
    }
    return _subject(workspace, f"Overdue since {day(milestone.due_on)}: {milestone.title}"), _body(
        "overdue.txt", context
    )


def time_waiting(waiting: TimeWaiting, *, workspace: Workspace, today: dt.date) -> tuple[str, str]:
    engagement = waiting.engagement
    entries = f"{waiting.entries} time entr{'y' if waiting.entries == 1 else 'ies'}"
    context = {
        "waiting": waiting,
        "engagement": engagement,
        "entries": entries,
        "since": day(waiting.since),
        "days": (today - waiting.since).days,
        "url": page_link(workspace, "engagements:time", engagement=engagement.uuid),
        "workspace": workspace,
    }
    return _subject(workspace, f"{entries} waiting for approval: {engagement.title}"), _body(
        "time_waiting.txt", context
    )


def silence(found: Silence, *, workspace: Workspace) -> tuple[str, str]:
    engagement = found.engagement
    context = {
        "silence": found,
        "engagement": engagement,
        "since": day(found.since),
        "limit": workspace.policy_value("silence_days"),
        "url": page_link(workspace, "engagements:check_ins", engagement=engagement.uuid),
        "workspace": workspace,
    }
    return _subject(workspace, f"No check-in for {found.days} days: {engagement.title}"), _body("silence.txt", context)


def _invoice_context(found: PaymentDue) -> dict[str, Any]:
    invoice = found.invoice
    workspace = invoice.workspace
    return {
        "invoice": invoice,
        "name": f"invoice {invoice.number}" if invoice.number else f"invoice {invoice.ref}",
        "amount": f"{invoice.amount:,.2f} {invoice.currency}",
        "engagement": invoice.engagement,
        "contractor": invoice.engagement.contractor,
        "preferred": found.preferred,
        "due": day(found.due.on),
        "basis": found.due.basis,
        "laws": [law.name for law in found.due.laws],
        "url": page_link(workspace, "payments:invoice", invoice=invoice.uuid),
        "workspace": workspace,
    }


def payment_due_soon(found: PaymentDue, today: dt.date) -> tuple[str, str]:
    context = {**_invoice_context(found), "when": _when(found.due.on, today)}
    subject = f"Payment due {context['when']}: {context['name']} of {context['contractor'].name}, {context['amount']}"
    return _subject(found.invoice.workspace, subject), _body("payment_due.txt", context)


def payment_overdue(found: PaymentDue, today: dt.date) -> tuple[str, str]:
    context = {**_invoice_context(found), "late": (today - found.due.on).days}
    who = context["contractor"].name + (", a preferred contractor" if found.preferred else "")
    subject = f"Payment overdue since {context['due']}: {context['name']} of {who}"
    return _subject(found.invoice.workspace, subject), _body("payment_overdue.txt", context)


def risk_review(risk: Risk, *, workspace: Workspace, today: dt.date) -> tuple[str, str]:
    assert risk.review_on is not None  # only risks with a review date are due
    late = (today - risk.review_on).days
    context = {
        "risk": risk,
        "engagement": risk.engagement,
        "due": day(risk.review_on),
        "late": late,
        "url": page_link(workspace, "risk:risk", risk=risk.uuid),
        "workspace": workspace,
    }
    when = "today" if late == 0 else f"since {day(risk.review_on)}"
    return _subject(workspace, f"Risk review due {when}: {risk.title}"), _body("risk_review.txt", context)


def reassess_status(due: Reassessment, *, workspace: Workspace, today: dt.date) -> tuple[str, str]:
    engagement = due.engagement
    context = {
        "engagement": engagement,
        "contractor": engagement.contractor,
        "assessed": day(due.assessment.assessed_on),
        "due": day(due.due),
        "late": (today - due.due).days,
        "url": page_link(workspace, "compliance:classification", engagement=engagement.uuid),
        "workspace": workspace,
    }
    subject = f"Worker status to look at again: {engagement.title} with {engagement.contractor.name}"
    return _subject(workspace, subject), _body("reassess_status.txt", context)


def _grant_context(grant: AccessGrant, workspace: Workspace) -> dict[str, Any]:
    engagement = grant.engagement
    return {
        "grant": grant,
        "engagement": engagement,
        "contractor": engagement.contractor,
        "url": page_link(workspace, "risk:exit", engagement=engagement.uuid),
        "register_url": page_link(workspace, "risk:access"),
        "workspace": workspace,
    }


def access_expiring(grant: AccessGrant, *, workspace: Workspace, today: dt.date) -> tuple[str, str]:
    assert grant.expires_on is not None  # only grants with an end date expire
    when = _when(grant.expires_on, today)
    context = {**_grant_context(grant, workspace), "when": when, "ends": day(grant.expires_on)}
    subject = f"Access ends {when}: {grant.system} of {grant.engagement.contractor.name}"
    return _subject(workspace, subject), _body("access_expiring.txt", context)


def access_left_open(found: LeftOpen, *, workspace: Workspace, today: dt.date) -> tuple[str, str]:
    grant = found.grant
    ended = grant.engagement.status in ENDED
    context = {**_grant_context(grant, workspace), "expired": not ended, "since": day(found.since)}
    subject = f"Access left open: {grant.system} of {grant.engagement.contractor.name}"
    return _subject(workspace, subject), _body("access_left_open.txt", context)


def exit_plan_stale(found: StaleExitPlan, *, workspace: Workspace, today: dt.date) -> tuple[str, str]:
    engagement = found.plan.engagement
    context = {
        "plan": found.plan,
        "engagement": engagement,
        "since": day(found.since),
        "days": (today - found.since).days,
        "reviewed": found.plan.reviewed_on is not None,
        "url": page_link(workspace, "risk:exit", engagement=engagement.uuid),
        "workspace": workspace,
    }
    subject = f"Exit plan not reviewed for {context['days']} days: {engagement.title}"
    return _subject(workspace, subject), _body("exit_plan_stale.txt", context)


def digest(workspace: Workspace, *, on: dt.date, items: list[tuple[str, str]]) -> tuple[str, str]:
    """One email that carries every reminder kept for the daily digest: (subject line, body) each."""
    count = len(items)
    prefix = _prefix(workspace)
    rows = [{"title": subject.removeprefix(prefix), "body": body.strip()} for subject, body in items]
    context = {"workspace": workspace, "on": day(on), "items": rows}
    subject = f"Your reminders for {day(on)}: {count} item{'s' if count != 1 else ''}"
    return _subject(workspace, subject), _body("digest.txt", context)


def footer(workspace: Workspace) -> str:
    """The closing lines of every reminder email: how to change or stop them."""
    return render_to_string(
        "reminders/email/footer.txt", {"workspace": workspace, "settings_url": settings_link(workspace)}
    )
