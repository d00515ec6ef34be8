"""Reading a workspace out as a bundle: the same data always gives the same bytes."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, OuterRef, Prefetch, Subquery

from outsourcer.accounts.models import Workspace
from outsourcer.bundles.validation import BUNDLE_FORMAT, BUNDLE_VERSION, IN_HOUSE_WORDS
from outsourcer.compliance.models import ANSWER_FIELDS, Agreement, ClassificationAssessment
from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck
from outsourcer.contractors.selectors import contractor_detail
from outsourcer.deliverables.models import Milestone, Review, Submission
from outsourcer.engagements.models import (
    Brief,
    CheckIn,
    CommunicationPlan,
    CustomerCommitment,
    Engagement,
    Rating,
    TimeEntry,
)
from outsourcer.payments.models import Invoice
from outsourcer.planning.models import Task
from outsourcer.risk.models import AccessGrant, ExitPlan, Risk


def _money(value: Any) -> str:
    return f"{value:.2f}"


def workspace_section(workspace: Workspace) -> dict[str, Any]:
    ws = workspace
    section: dict[str, Any] = {"name": ws.name, "kind": ws.kind, "base_currency": ws.base_currency}
    if ws.country:
        section["country"] = ws.country
    if ws.region:
        section["region"] = ws.region
    section["working_hours"] = {
        "timezone": ws.time_zone,
        "start": ws.work_start.strftime("%H:%M"),
        "end": ws.work_end.strftime("%H:%M"),
        "days": ws.working_days,
    }
    if ws.owner_hourly_value is not None:
        section["owner_hourly_value"] = _money(ws.owner_hourly_value)
    if ws.fx_rates:
        section["fx_rates"] = {code: str(ws.fx_rates[code]) for code in sorted(ws.fx_rates)}
    if ws.policy:
        section["policy"] = {key: ws.policy[key] for key in sorted(ws.policy)}
    return section


def _hours(value: Decimal) -> int | float:
    """A JSON number, written the shortest way: 12 for 12.00, 12.5 for 12.50."""
    return int(value) if value == value.to_integral_value() else float(value)


def task_item(task: Task) -> dict[str, Any]:
    item: dict[str, Any] = {"ref": task.ref, "name": task.name}
    if task.category:
        item["category"] = task.category
    item |= {
        "hours_per_month": _hours(task.hours_per_month),
        "effectiveness": task.effectiveness,
        "business_value": task.business_value,
    }
    if task.knowledge:
        item["knowledge"] = task.knowledge
    if task.inhouse_cost_per_hour is not None:
        item["inhouse_cost_per_hour"] = _money(task.inhouse_cost_per_hour)
    if task.market_rate_per_hour is not None:
        item["market_rate_per_hour"] = _money(task.market_rate_per_hour)
    item["recurring"] = task.recurring
    item["status"] = task.status
    return item


def _set(item: dict[str, Any], key: str, value: Any) -> None:
    """Write an optional field only when it holds something: no empty strings, no nulls."""
    if value is not None and value != "":
        item[key] = value.isoformat() if isinstance(value, dt.date) else value


def _dated(day: dt.date | None, *rest: Any) -> tuple[Any, ...]:
    """A stable order for records, the same on every database: by date, undated last, then the rest."""
    return (day is None, day or dt.date.min, *rest)


def reference_item(ref: ReferenceCheck) -> dict[str, Any]:
    item: dict[str, Any] = {"name": ref.name}
    for key in ("contact", "relationship", "checked_on", "outcome", "met_deadlines", "notes"):
        _set(item, key, getattr(ref, key))
    return item


def interview_item(interview: Interview) -> dict[str, Any]:
    item: dict[str, Any] = {"held_on": interview.held_on.isoformat()}
    _set(item, "interviewer", interview.interviewer)
    _set(item, "medium", interview.medium)
    if interview.scores:
        item["scores"] = interview.scores
    item["identity_verified"] = interview.identity_verified
    _set(item, "notes", interview.notes)
    return item


def document_item(document: Document) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": document.kind}
    for key in ("title", "signed_on", "expires_on"):
        _set(item, key, getattr(document, key))
    return item


def red_flag_item(flag: RedFlag) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": flag.kind, "noted_on": flag.noted_on.isoformat()}
    _set(item, "notes", flag.notes)
    item["resolved"] = flag.resolved
    return item


def contractor_item(contractor: Contractor) -> dict[str, Any]:
    """A contractor with its records (prefetched, see `contractor_detail`); document files stay out."""
    c = contractor
    item: dict[str, Any] = {"ref": c.ref, "kind": c.kind, "name": c.name}
    for key in ("email", "country", "region"):
        _set(item, key, getattr(c, key))
    if c.has_hours:
        assert c.work_start is not None and c.work_end is not None
        item["working_hours"] = {
            "timezone": c.time_zone,
            "start": c.work_start.strftime("%H:%M"),
            "end": c.work_end.strftime("%H:%M"),
            "days": c.working_days,
        }
    if c.skills:
        item["skills"] = c.skills
    if c.hourly_rate is not None:
        item["hourly_rate"] = _money(c.hourly_rate)
    _set(item, "currency", c.currency)
    item["stage"] = c.stage
    _set(item, "source", c.source)
    tax: dict[str, Any] = {}
    for key in ("us_person", "entity_type", "legal_services", "tin_verified", "works_in_us"):
        _set(tax, key, getattr(c, key))
    if tax:
        item["tax"] = tax
    references = sorted(c.referencecheck_set.all(), key=lambda r: _dated(r.checked_on, r.name, r.pk))
    interviews = sorted(c.interview_set.all(), key=lambda i: (i.held_on, i.pk))
    documents = sorted(c.document_set.all(), key=lambda d: (d.kind, *_dated(d.signed_on, d.title, d.pk)))
    flags = sorted(c.redflag_set.all(), key=lambda f: (f.noted_on, f.pk))
    if references:
        item["references"] = [reference_item(r) for r in references]
    if interviews:
        item["interviews"] = [interview_item(i) for i in interviews]
    if documents:
        item["documents"] = [document_item(d) for d in documents]
    if flags:
        item["red_flags"] = [red_flag_item(f) for f in flags]
    _set(item, "notes", c.notes)
    return item


def _number(value: Decimal | None) -> int | float | None:
    return None if value is None else _hours(value)


def rating_item(rating: Rating) -> dict[str, Any]:
    item: dict[str, Any] = {"on": rating.on.isoformat(), "overall": rating.overall}
    for key in ("quality", "timeliness", "communication", "value_for_money", "would_rehire", "text"):
        _set(item, key, getattr(rating, key))
    item["shared_with_contractor"] = rating.shared_with_contractor
    return item


def commitment_item(commitment: CustomerCommitment) -> dict[str, Any]:
    """A promise to a customer; its notes are the workspace's own and not part of the format."""
    c = commitment
    return {
        "ref": c.ref,
        "customer": c.customer,
        "title": c.title,
        "promised_on": c.promised_on.isoformat(),
        "buffer_days": c.buffer_days,
        "status": c.status,
    }


def brief_item(brief: Brief) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("goals", "context", "deliverables", "acceptance_criteria", "out_of_scope", "constraints"):
        value = getattr(brief, key)
        if value:
            item[key] = list(value) if isinstance(value, list) else value
    return item


def communication_item(plan: CommunicationPlan) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for key in ("point_person", "escalation_contact"):
        _set(item, key, getattr(plan, key))
    if plan.channels:
        item["channels"] = list(plan.channels)
    for key in ("important_topics_channel", "cadence"):
        _set(item, key, getattr(plan, key))
    _set(item, "needs_overlap_hours", _number(plan.needs_overlap_hours))
    return item


def review_item(review: Review, criteria: int) -> dict[str, Any]:
    """A review; its answers are written when they line up with the brief's criteria as they are now
    (a review made before the brief changed is kept without them: the format has no place for the old list)."""
    item: dict[str, Any] = {"reviewed_on": review.reviewed_on.isoformat()}
    _set(item, "reviewer", review.reviewer)
    item["decision"] = review.decision
    if review.criteria_met and len(review.criteria_met) == criteria:
        item["criteria_met"] = [bool(v) for v in review.criteria_met]
    _set(item, "feedback", review.feedback)
    item["shared_with_contractor"] = review.shared_with_contractor
    return item


def milestone_item(milestone: Milestone, criteria: int) -> dict[str, Any]:
    """A milestone with its latest submitted text (annotated, see `bundle_export`) and its reviews (prefetched)."""
    m = milestone
    item: dict[str, Any] = {"ref": m.ref, "title": m.title, "due_on": m.due_on.isoformat()}
    if m.amount is not None:
        item["amount"] = _money(m.amount)
    item["status"] = m.status
    _set(item, "submitted_on", m.submitted_on)
    _set(item, "submission_text", getattr(m, "latest_text", None))
    reviews = sorted(m.reviews.all(), key=lambda r: (r.reviewed_on, r.pk))
    if reviews:
        item["reviews"] = [review_item(r, criteria) for r in reviews]
    _set(item, "delivered_to_customer_on", m.delivered_to_customer_on)
    return item


def time_entry_item(entry: TimeEntry) -> dict[str, Any]:
    """A time entry; `invoice_ref` names the invoice that billed it (annotated, see `bundle_export`)."""
    item: dict[str, Any] = {"worked_on": entry.worked_on.isoformat(), "hours": _hours(entry.hours)}
    _set(item, "description", entry.description)
    item["status"] = entry.status
    _set(item, "invoice_ref", getattr(entry, "invoice_ref", None))
    return item


def invoice_item(invoice: Invoice) -> dict[str, Any]:
    """An invoice and its payment; its file, note and history stay out (the format has no place for them)."""
    i = invoice
    item: dict[str, Any] = {"ref": i.ref, "engagement_ref": i.engagement.ref}
    for key in ("number", "issued_on", "received_on"):
        _set(item, key, getattr(i, key))
    item["amount"] = _money(i.amount)
    item["currency"] = i.currency
    _set(item, "due_on", i.due_on)
    item["status"] = i.status
    _set(item, "paid_on", i.paid_on)
    _set(item, "channel", i.channel)
    if i.backup_withholding is not None:
        item["backup_withholding"] = _money(i.backup_withholding)
    if i.milestone is not None:
        item["milestone_ref"] = i.milestone.ref
    return item


def check_in_item(check_in: CheckIn) -> dict[str, Any]:
    item: dict[str, Any] = {"on": check_in.on.isoformat(), "kind": check_in.kind, "initiated_by": check_in.initiated_by}
    _set(item, "notes", check_in.notes)
    return item


# The clauses an agreement holds, in the order the bundle writes them.
CLAUSES = ("independent_contractor_clause", "ip_assignment", "confidentiality", "payment_date_stated",
           "termination_clause")  # fmt: skip


def agreement_item(agreement: Agreement) -> dict[str, Any]:
    """The signing date and the clauses; the parties, terms and the signed copy are not part of the format."""
    item: dict[str, Any] = {}
    _set(item, "signed_on", agreement.signed_on)
    for name in CLAUSES:
        item[name] = getattr(agreement, name)
    return item


def classification_item(assessment: ClassificationAssessment) -> dict[str, Any]:
    """One assessment: its day, the answers given (unanswered ones left out) and the recorded basis."""
    item: dict[str, Any] = {"assessed_on": assessment.assessed_on.isoformat()}
    for name in ANSWER_FIELDS:
        _set(item, name, getattr(assessment, name))
    _set(item, "reasonable_basis", assessment.reasonable_basis)
    return item


def exit_plan_item(plan: ExitPlan) -> dict[str, Any]:
    """`handover_to` is "in-house", the other contractor's ref, or the person's name."""
    item: dict[str, Any] = {}
    _set(item, "steps", plan.steps)
    if plan.handover_kind == ExitPlan.Handover.IN_HOUSE:
        item["handover_to"] = IN_HOUSE_WORDS[0]
    elif plan.handover_kind == ExitPlan.Handover.CONTRACTOR and plan.handover_contractor is not None:
        item["handover_to"] = plan.handover_contractor.ref
    elif plan.handover_kind == ExitPlan.Handover.PERSON:
        _set(item, "handover_to", plan.handover_person.strip())
    _set(item, "data_return", plan.data_return)
    _set(item, "reviewed_on", plan.reviewed_on)
    return item


def access_grant_item(grant: AccessGrant) -> dict[str, Any]:
    """A grant; its notes are the workspace's own and not part of the format."""
    item: dict[str, Any] = {"system": grant.system}
    _set(item, "level", grant.level)
    item["shared_credential"] = grant.shared_credential
    for key in ("granted_on", "expires_on", "revoked_on"):
        _set(item, key, getattr(grant, key))
    return item


def risk_item(risk: Risk) -> dict[str, Any]:
    r = risk
    item: dict[str, Any] = {"ref": r.ref}
    if r.engagement is not None:
        item["engagement_ref"] = r.engagement.ref
    if r.contractor is not None:
        item["contractor_ref"] = r.contractor.ref
    item |= {"category": r.category, "title": r.title, "likelihood": r.likelihood, "impact": r.impact}
    _set(item, "mitigation", r.mitigation)
    _set(item, "owner", r.owner)
    item["status"] = r.status
    _set(item, "review_on", r.review_on)
    return item


def _one(engagement: Engagement, name: str) -> Any:
    """A one-to-one row loaded with `select_related`, or None when there is none."""
    try:
        return getattr(engagement, name)
    except ObjectDoesNotExist:
        return None


def engagement_item(engagement: Engagement) -> dict[str, Any]:
    """An engagement with everything it holds (loaded by `bundle_export`); its contractor as `contractor_ref`."""
    e = engagement
    item: dict[str, Any] = {
        "ref": e.ref,
        "contractor_ref": e.contractor.ref,
        "title": e.title,
        "kind": e.kind,
        "status": e.status,
    }
    task_refs = sorted(t.ref for t in e.tasks.all())
    if task_refs:
        item["task_refs"] = task_refs
    if e.customer_commitment is not None:
        item["customer_commitment_ref"] = e.customer_commitment.ref
    for key in ("start_on", "end_on", "work_location"):
        _set(item, key, getattr(e, key))
    rate: dict[str, Any] = {"model": e.rate_model, "currency": e.rate_currency}
    if e.rate_amount is not None:
        rate["amount"] = _money(e.rate_amount)
    for key in ("weekly_hour_cap", "retainer_included_hours", "commission_percent"):
        _set(rate, key, _number(getattr(e, key)))
    _set(rate, "commission_base", e.commission_base)
    item["rate"] = rate
    if e.budget_cap is not None:
        item["budget_cap"] = _money(e.budget_cap)
    _set(item, "payment_terms_days", e.payment_terms_days)
    brief = _one(e, "brief")
    if brief is not None and (content := brief_item(brief)):
        item["brief"] = content
    plan = _one(e, "communication")
    if plan is not None and (content := communication_item(plan)):
        item["communication"] = content
    agreement = _one(e, "agreement")
    if agreement is not None:
        item["agreement"] = agreement_item(agreement)
    assessments = list(e.classifications.all())  # latest first
    if assessments:
        item["classification"] = classification_item(assessments[0])
    plan = _one(e, "exit_plan")
    if plan is not None and (content := exit_plan_item(plan)):
        item["exit_plan"] = content
    grants = sorted(e.access_grants.all(), key=lambda g: (g.granted_on, g.system, g.pk))
    if grants:
        item["access_grants"] = [access_grant_item(g) for g in grants]
    criteria = len(brief.acceptance_criteria) if brief is not None else 0
    milestones = sorted(e.milestones.all(), key=lambda m: (m.due_on, m.ref))
    if milestones:
        item["milestones"] = [milestone_item(m, criteria) for m in milestones]
    entries = sorted(e.time_entries.all(), key=lambda t: (t.worked_on, t.pk))
    if entries:
        item["time_entries"] = [time_entry_item(t) for t in entries]
    check_ins = sorted(e.check_ins.all(), key=lambda c: (c.on, c.pk))
    if check_ins:
        item["check_ins"] = [check_in_item(c) for c in check_ins]
    ratings = sorted(e.ratings.all(), key=lambda r: (r.on, r.pk))
    if ratings:
        item["ratings"] = [rating_item(r) for r in ratings]
    _set(item, "ended_reason", e.ended_reason)
    return item


# What an invoice's entry in a bundle reads.
INVOICE_COLUMNS = (
    "ref", "number", "issued_on", "received_on", "amount", "currency", "due_on", "status", "paid_on", "channel",
    "backup_withholding", "engagement_id", "milestone_id",
)  # fmt: skip


RISK_COLUMNS = (
    "ref", "category", "title", "likelihood", "impact", "mitigation", "owner", "status", "review_on",
    "engagement_id", "contractor_id",
)  # fmt: skip


def bundle_export(*, workspace: Workspace) -> dict[str, Any]:
    """The whole workspace as a bundle, in a fixed number of queries however much it holds."""
    document: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "workspace": workspace_section(workspace),
    }
    tasks = [task_item(t) for t in Task.objects.filter(workspace=workspace).order_by("ref")]
    if tasks:
        document["tasks"] = tasks
    contractors = [contractor_item(c) for c in contractor_detail(workspace=workspace).order_by("ref")]
    if contractors:
        document["contractors"] = contractors
    commitments = [commitment_item(c) for c in CustomerCommitment.objects.filter(workspace=workspace).order_by("ref")]
    if commitments:
        document["customer_commitments"] = commitments
    latest_text = Submission.objects.filter(milestone=OuterRef("pk")).order_by("-pk").values("text")
    milestones = Milestone.objects.annotate(latest_text=Subquery(latest_text[:1])).prefetch_related("reviews")
    entries = TimeEntry.objects.annotate(invoice_ref=F("billed__invoice__ref"))
    engagements = (
        Engagement.objects.filter(workspace=workspace)
        .select_related(
            "contractor",
            "customer_commitment",
            "brief",
            "communication",
            "agreement",
            "exit_plan",
            "exit_plan__handover_contractor",
        )
        .prefetch_related(
            Prefetch("tasks", queryset=Task.objects.only("pk", "ref")),
            Prefetch("classifications", queryset=ClassificationAssessment.objects.order_by("-assessed_on", "-pk")),
            "access_grants",
            "ratings",
            Prefetch("milestones", queryset=milestones),
            Prefetch("time_entries", queryset=entries),
            "check_ins",
        )
        .order_by("ref")
    )
    if engagements:
        document["engagements"] = [engagement_item(e) for e in engagements]
    invoices = (
        Invoice.objects.filter(workspace=workspace)
        .select_related("engagement", "milestone")
        .only("engagement__ref", "milestone__ref", *INVOICE_COLUMNS)
        .order_by("ref")
    )
    if invoices:
        document["invoices"] = [invoice_item(i) for i in invoices]
    risks = (
        Risk.objects.filter(workspace=workspace)
        .select_related("engagement", "contractor")
        .only("engagement__ref", "contractor__ref", *RISK_COLUMNS)
        .order_by("ref")
    )
    if risks:
        document["risks"] = [risk_item(r) for r in risks]
    return document


def bundle_dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def workspace_holds_data(*, workspace: Workspace) -> bool:
    """Whether the workspace has rows in any section besides its own settings."""
    return (
        Task.objects.filter(workspace=workspace).exists()
        or Contractor.objects.filter(workspace=workspace).exists()
        or Engagement.objects.filter(workspace=workspace).exists()
        or CustomerCommitment.objects.filter(workspace=workspace).exists()
        or Risk.objects.filter(workspace=workspace).exists()
    )
