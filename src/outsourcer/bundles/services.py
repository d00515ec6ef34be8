"""Importing a workspace bundle: validated in full first, stored all or nothing, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from outsourcer.accounts.models import Role, User, Workspace
from outsourcer.accounts.services import membership_set, workspace_create, workspace_update
from outsourcer.accounts.settings_rules import parse_hhmm
from outsourcer.audit.services import audit_record
from outsourcer.bundles.selectors import workspace_holds_data
from outsourcer.bundles.validation import BundleError, BundleInvalid, bundle_validate, handover_of
from outsourcer.checks.models import CheckRun
from outsourcer.checks.tasks import run_check
from outsourcer.compliance.models import ANSWER_FIELDS, Agreement, ClassificationAssessment
from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck, Stage
from outsourcer.contractors.selectors import duplicates_among
from outsourcer.core.actor import Actor
from outsourcer.deliverables.models import Milestone, Review, Submission, SubmissionFile
from outsourcer.engagements.models import (
    Brief,
    BriefVersion,
    CheckIn,
    CommunicationPlan,
    CustomerCommitment,
    Engagement,
    Kind,
    Rating,
    Status,
    TimeEntry,
)
from outsourcer.engagements.services.brief import BRIEF_LIST_FIELDS, BRIEF_TEXT_FIELDS, brief_content
from outsourcer.payments.models import BilledTime, Invoice, InvoiceEvent
from outsourcer.planning.models import Task, TaskStatus
from outsourcer.risk.models import AccessGrant, ExitPlan, Risk

# Comparing every pair costs n^2 fuzzy matches (about a second for 500 contractors): past this many
# the scan is skipped, and the import says so.
DUPLICATE_SCAN_LIMIT = 500


class BundleConflict(Exception):
    """The target holds data and the caller did not ask to replace it."""


@dataclass(frozen=True)
class ImportResult:
    workspace: Workspace
    created: bool
    counts: dict[str, int]
    # What was imported but deserves a look, e.g. contractors that may be the same person.
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "workspace": self.workspace.name,
            "slug": self.workspace.slug,
            "id": str(self.workspace.uuid),
            "created": self.created,
            "counts": self.counts,
            "warnings": self.warnings,
        }


def workspace_fields(section: dict[str, Any]) -> dict[str, Any]:
    """The bundle's `workspace` object as the fields `Workspace` stores (the name is the caller's)."""
    hours = section.get("working_hours") or {}
    hourly = section.get("owner_hourly_value")
    return {
        "kind": section.get("kind", Workspace.Kind.SMALL_BUSINESS),
        "base_currency": section["base_currency"],
        "country": section.get("country", ""),
        "region": section.get("region", ""),
        "time_zone": hours.get("timezone", "UTC"),
        "work_start": parse_hhmm(hours.get("start", "09:00")),
        "work_end": parse_hhmm(hours.get("end", "17:00")),
        "work_days": sorted(hours.get("days") or [1, 2, 3, 4, 5]),
        "owner_hourly_value": Decimal(hourly) if hourly is not None else None,
        "fx_rates": dict(section.get("fx_rates") or {}),
        "policy": dict(section.get("policy") or {}),
    }


def task_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The bundle's `task` as the fields `Task` stores."""

    def money(key: str) -> Decimal | None:
        return Decimal(item[key]) if item.get(key) is not None else None

    return {
        "ref": item["ref"],
        "name": item["name"],
        "category": item.get("category", ""),
        "hours_per_month": Decimal(str(item["hours_per_month"])),
        "effectiveness": item["effectiveness"],
        "business_value": item["business_value"],
        "knowledge": item.get("knowledge", ""),
        "inhouse_cost_per_hour": money("inhouse_cost_per_hour"),
        "market_rate_per_hour": money("market_rate_per_hour"),
        "recurring": item.get("recurring", True),
        "status": item.get("status", TaskStatus.IN_HOUSE),
    }


def _decimal(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def contractor_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The bundle's `contractor` as the fields `Contractor` stores (its records aside)."""
    hours = item.get("working_hours")
    tax = item.get("tax") or {}
    return {
        "ref": item["ref"],
        "kind": item["kind"],
        "name": item["name"],
        "email": item.get("email", "").strip().lower(),  # as the directory stores it
        "country": item.get("country", ""),
        "region": item.get("region", ""),
        "time_zone": hours["timezone"] if hours else "",
        "work_start": parse_hhmm(hours["start"]) if hours else None,
        "work_end": parse_hhmm(hours["end"]) if hours else None,
        "work_days": sorted(hours.get("days") or [1, 2, 3, 4, 5]) if hours else [],
        "skills_text": Contractor.skills_to_text(item.get("skills") or []),
        "hourly_rate": _decimal(item.get("hourly_rate")),
        "currency": item.get("currency", ""),
        "stage": item.get("stage", Stage.PROSPECT),
        "source": item.get("source", ""),
        "notes": item.get("notes", ""),
        "us_person": tax.get("us_person"),
        "entity_type": tax.get("entity_type", ""),
        "legal_services": tax.get("legal_services"),
        "tin_verified": tax.get("tin_verified"),
        "works_in_us": tax.get("works_in_us"),
    }


def reference_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": item["name"],
        "contact": item.get("contact", ""),
        "relationship": item.get("relationship", ""),
        "checked_on": _day(item.get("checked_on")),
        "outcome": item.get("outcome", ""),
        "met_deadlines": item.get("met_deadlines"),
        "notes": item.get("notes", ""),
    }


def interview_fields(item: dict[str, Any]) -> dict[str, Any]:
    scores = item.get("scores") or {}
    return {
        "held_on": _day(item["held_on"]),
        "interviewer": item.get("interviewer", ""),
        "medium": item.get("medium", ""),
        **{f"score_{name}": scores.get(name) for name in Interview.SCORES},
        "identity_verified": item.get("identity_verified", False),
        "notes": item.get("notes", ""),
    }


def document_fields(item: dict[str, Any]) -> dict[str, Any]:
    """A document's metadata; its file is not part of a bundle."""
    return {
        "kind": item["kind"],
        "title": item.get("title", ""),
        "signed_on": _day(item.get("signed_on")),
        "expires_on": _day(item.get("expires_on")),
    }


def red_flag_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": item["kind"],
        "noted_on": _day(item["noted_on"]),
        "notes": item.get("notes", ""),
        "resolved": item.get("resolved", False),
    }


def engagement_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The bundle's `engagement` as the fields `Engagement` stores (its contractor, tasks and ratings aside)."""
    rate = item["rate"]
    return {
        "ref": item["ref"],
        "title": item["title"],
        "kind": item.get("kind", Kind.PROJECT),
        "status": item["status"],
        "start_on": _day(item.get("start_on")),
        "end_on": _day(item.get("end_on")),
        "work_location": item.get("work_location", ""),
        "rate_model": rate["model"],
        "rate_currency": rate["currency"],
        "rate_amount": _decimal(rate.get("amount")),
        "weekly_hour_cap": _decimal(rate.get("weekly_hour_cap")),
        "retainer_included_hours": _decimal(rate.get("retainer_included_hours")),
        "commission_percent": _decimal(rate.get("commission_percent")),
        "commission_base": rate.get("commission_base", ""),
        "budget_cap": _decimal(item.get("budget_cap")),
        "payment_terms_days": item.get("payment_terms_days"),
        "ended_reason": item.get("ended_reason", ""),
    }


def rating_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "on": _day(item["on"]),
        "overall": item["overall"],
        **{name: item.get(name) for name in ("quality", "timeliness", "communication", "value_for_money")},
        "would_rehire": item.get("would_rehire"),
        "text": item.get("text", ""),
        "shared_with_contractor": item.get("shared_with_contractor", False),
    }


def commitment_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "ref": item["ref"],
        "customer": item["customer"],
        "title": item["title"],
        "promised_on": _day(item["promised_on"]),
        "buffer_days": item.get("buffer_days", 0),
        "status": item.get("status", CustomerCommitment.Status.OPEN),
    }


def brief_fields(item: dict[str, Any]) -> dict[str, Any] | None:
    """The bundle's `brief` as the brief's editor stores it (trimmed, no blank lines); None when it says nothing."""
    brief = item.get("brief") or {}
    fields: dict[str, Any] = {name: str(brief.get(name) or "").strip() for name in BRIEF_TEXT_FIELDS}
    for name in BRIEF_LIST_FIELDS:
        fields[name] = [line.strip() for line in brief.get(name) or [] if line.strip()]
    return fields if any(fields.values()) else None


def communication_fields(item: dict[str, Any]) -> dict[str, Any] | None:
    plan = item.get("communication") or {}
    fields: dict[str, Any] = {
        "point_person": str(plan.get("point_person") or "").strip(),
        "escalation_contact": str(plan.get("escalation_contact") or "").strip(),
        "channels": list(plan.get("channels") or []),
        "important_topics_channel": plan.get("important_topics_channel", ""),
        "cadence": plan.get("cadence", ""),
        "needs_overlap_hours": _decimal(plan.get("needs_overlap_hours")),
    }
    return fields if any(value not in ("", [], None) for value in fields.values()) else None


def milestone_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "ref": item["ref"],
        "title": item["title"],
        "due_on": _day(item["due_on"]),
        "amount": _decimal(item.get("amount")),
        "status": item.get("status", Milestone.Status.PLANNED),
        "submitted_on": _day(item.get("submitted_on")),
        "delivered_to_customer_on": _day(item.get("delivered_to_customer_on")),
    }


def review_fields(item: dict[str, Any], criteria: list[str]) -> dict[str, Any]:
    """A review; the criteria it answered are the brief's, as a review made in Outsourcer keeps them."""
    met = list(item.get("criteria_met") or [])
    return {
        "reviewed_on": _day(item["reviewed_on"]),
        "reviewer": item.get("reviewer", ""),
        "decision": item["decision"],
        "criteria_met": met,
        "criteria": list(criteria) if met else [],
        "feedback": item.get("feedback", ""),
        "shared_with_contractor": item.get("shared_with_contractor", False),
    }


def time_entry_fields(item: dict[str, Any], now: dt.datetime) -> dict[str, Any]:
    """Hours as logged; those past draft count as submitted at the import (the bundle has no time of day)."""
    status = item.get("status", TimeEntry.Status.DRAFT)
    return {
        "worked_on": _day(item["worked_on"]),
        "hours": Decimal(str(item["hours"])),
        "description": item.get("description", ""),
        "status": status,
        "submitted_at": None if status == TimeEntry.Status.DRAFT else now,
    }


def invoice_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The bundle's `invoice` as the fields `Invoice` stores (its engagement and milestone aside); a bundle
    carries no file, note or portal origin."""
    return {
        "ref": item["ref"],
        "number": item.get("number", ""),
        "issued_on": _day(item.get("issued_on")),
        "received_on": _day(item.get("received_on")),
        "amount": Decimal(item["amount"]),
        "currency": item["currency"],
        "due_on": _day(item.get("due_on")),
        "status": item["status"],
        "paid_on": _day(item.get("paid_on")),
        "channel": item.get("channel", ""),
        "backup_withholding": _decimal(item.get("backup_withholding")),
    }


# The note of the one event an imported invoice starts its history with.
INVOICE_IMPORT_NOTE = "imported"


def check_in_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "on": _day(item["on"]),
        "kind": item.get("kind", CheckIn.Kind.STATUS_UPDATE),
        "initiated_by": item.get("initiated_by", CheckIn.Initiator.US),
        "notes": item.get("notes", ""),
    }


def risk_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The bundle's `risk` as the fields `Risk` stores (its engagement and contractor aside)."""
    return {
        "ref": item["ref"],
        "category": item["category"],
        "title": item["title"],
        "likelihood": item["likelihood"],
        "impact": item["impact"],
        "mitigation": item.get("mitigation", ""),
        "owner": item.get("owner", ""),
        "status": item.get("status", Risk.Status.OPEN),
        "review_on": _day(item.get("review_on")),
    }


def exit_plan_fields(item: dict[str, Any], contractors: dict[str, Contractor]) -> dict[str, Any] | None:
    """The engagement's `exit_plan` as `ExitPlan` stores it; None when it says nothing. `handover_to` is
    in-house, a contractor of the bundle by ref, or else a person's name."""
    plan = item.get("exit_plan") or {}
    kind, name = handover_of(plan.get("handover_to"), contractors)
    fields: dict[str, Any] = {
        "steps": plan.get("steps", ""),
        "handover_kind": kind,
        "handover_person": name if kind == ExitPlan.Handover.PERSON else "",
        "handover_contractor": contractors[name] if kind == ExitPlan.Handover.CONTRACTOR else None,
        "data_return": plan.get("data_return"),
        "reviewed_on": _day(plan.get("reviewed_on")),
    }
    return fields if any(value not in ("", None) for value in fields.values()) else None


def access_grant_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "system": item["system"],
        "level": item.get("level", ""),
        "shared_credential": item.get("shared_credential", False),
        "granted_on": _day(item["granted_on"]),
        "expires_on": _day(item.get("expires_on")),
        "revoked_on": _day(item.get("revoked_on")),
    }


# The clauses an agreement of the bundle says it holds; one left out is taken as missing (the health
# check then asks about it), never assumed.
CLAUSE_FIELDS = (
    "independent_contractor_clause",
    "ip_assignment",
    "confidentiality",
    "payment_date_stated",
    "termination_clause",
)


def agreement_fields(item: dict[str, Any], workspace: Workspace, contractor: Contractor) -> dict[str, Any] | None:
    """The engagement's `agreement`: its signing date and clauses, the parties named from the workspace and
    the contractor as a new agreement names them; the other terms keep their defaults. None when empty."""
    agreement = item.get("agreement") or {}
    if not agreement:
        return None
    return {
        "business_name": workspace.name,
        "contractor_name": contractor.name,
        "contractor_email": contractor.email,
        "signed_on": _day(agreement.get("signed_on")),
        **{name: agreement.get(name, False) for name in CLAUSE_FIELDS},
    }


def classification_fields(item: dict[str, Any]) -> dict[str, Any] | None:
    """The engagement's `classification` as one assessment (an answer left out is unanswered); None when empty.
    Validation has made sure a non-empty one has its `assessed_on`."""
    answers = item.get("classification") or {}
    if not answers:
        return None
    return {
        "assessed_on": _day(answers["assessed_on"]),
        **{name: answers.get(name) for name in ANSWER_FIELDS},
        "reasonable_basis": answers.get("reasonable_basis", ""),
    }


RECORDS: tuple[tuple[str, type[Any], Any], ...] = (
    ("references", ReferenceCheck, reference_fields),
    ("interviews", Interview, interview_fields),
    ("documents", Document, document_fields),
    ("red_flags", RedFlag, red_flag_fields),
)


def _refuse_if_papers_retained(workspace: Workspace) -> None:
    """A replace deletes every document, and a bundle carries no files: signed agreements a freelancer law says
    to keep (`Document.retain_until`) must not go that way."""
    from outsourcer.core.timezones import today_in

    kept = Document.objects.filter(workspace=workspace, retain_until__gte=today_in(workspace.time_zone))
    first = kept.order_by("-retain_until").first()
    if first is not None:
        raise BundleConflict(
            f"{workspace.name} keeps {kept.count()} signed document(s) that the law says to keep (the last until "
            f"{first.retain_until:%d %B %Y}); replacing the workspace would delete them. Import into a new "
            "workspace instead."
        )


def _clear(workspace: Workspace) -> None:
    """Remove the rows a bundle replaces; uploaded files (documents, submissions) go once the import has landed."""
    files = list(Document.objects.filter(workspace=workspace).exclude(file="").values_list("file", flat=True))
    files += SubmissionFile.objects.filter(workspace=workspace).exclude(file="").values_list("file", flat=True)
    files += Invoice.objects.filter(workspace=workspace).exclude(file="").values_list("file", flat=True)

    def delete_files() -> None:
        for name in files:
            default_storage.delete(name)

    if files:
        transaction.on_commit(delete_files)
    # Invoices first (an engagement with invoices cannot go), with their history and billed time; then
    # with its engagements go their briefs, plans, check-ins, time, ratings, task links, milestones,
    # submissions, reviews and the originality index of those submissions, their agreements, assessments,
    # exit plans, access grants, offboarding ticks and risks; the contractors' risks go with them, and the
    # workspace's own risks (of neither) here.
    Invoice.objects.filter(workspace=workspace).delete()
    Risk.objects.filter(workspace=workspace).delete()
    Engagement.objects.filter(workspace=workspace).delete()
    CustomerCommitment.objects.filter(workspace=workspace).delete()
    Contractor.objects.filter(workspace=workspace).delete()  # their records with them
    Task.objects.filter(workspace=workspace).delete()


def possible_duplicates(contractors: list[Contractor]) -> list[str]:
    """Pairs of the bundle's contractors that may be the same, as the directory judges on adding one."""
    if len(contractors) > DUPLICATE_SCAN_LIMIT:
        return [
            f"The {len(contractors)} contractors were not compared with each other for possible duplicates: "
            f"more than {DUPLICATE_SCAN_LIMIT} take too long to compare pair by pair."
        ]
    warnings = []
    for i, contractor in enumerate(contractors):
        for match in duplicates_among(name=contractor.name, email=contractor.email, candidates=contractors[:i]):
            other = match.contractor
            reason = match.reason.split(" (", 1)[0]  # the reason names the other contractor; we name both
            if "email" in reason:
                reason = f"{reason}: {other.email}"
            warnings.append(
                f"{other.name} ({other.ref}) and {contractor.name} ({contractor.ref}) may be the same contractor "
                f"({reason})."
            )
    return warnings


def _store_sections(*, actor: Actor, workspace: Workspace, document: dict[str, Any]) -> list[str]:
    """Replace the workspace's rows with the bundle's, section by section, inside the caller's transaction.

    Returns the warnings worth showing (possible duplicate contractors).
    """
    _clear(workspace)
    tasks = Task.objects.bulk_create(
        [Task(workspace=workspace, **task_fields(item)) for item in document.get("tasks") or []], batch_size=1000
    )
    items = document.get("contractors") or []
    contractors = [Contractor(workspace=workspace, **contractor_fields(item)) for item in items]
    warnings = possible_duplicates(contractors)
    Contractor.objects.bulk_create(contractors, batch_size=1000)
    for key, model, fields in RECORDS:
        model.objects.bulk_create(
            [
                model(workspace=workspace, contractor=contractor, **fields(record))
                for contractor, item in zip(contractors, items, strict=True)
                for record in item.get(key) or []
            ],
            batch_size=1000,
        )
    by_ref = {c.ref: c for c in contractors}
    commitments = CustomerCommitment.objects.bulk_create(
        [
            CustomerCommitment(workspace=workspace, **commitment_fields(item))
            for item in document.get("customer_commitments") or []
        ],
        batch_size=1000,
    )
    promise = {c.ref: c for c in commitments}
    items = document.get("engagements") or []
    engagements = Engagement.objects.bulk_create(
        [
            Engagement(
                workspace=workspace,
                contractor=by_ref[item["contractor_ref"]],
                customer_commitment=promise.get(item.get("customer_commitment_ref", "")),
                **engagement_fields(item),
            )
            for item in items
        ],
        batch_size=1000,
    )
    task_pk = {t.ref: t.pk for t in tasks}
    Engagement.tasks.through.objects.bulk_create(
        [
            Engagement.tasks.through(engagement_id=engagement.pk, task_id=task_pk[ref])
            for engagement, item in zip(engagements, items, strict=True)
            for ref in item.get("task_refs") or []
        ],
        batch_size=1000,
    )
    Rating.objects.bulk_create(
        [
            Rating(workspace=workspace, engagement=engagement, **rating_fields(rating))
            for engagement, item in zip(engagements, items, strict=True)
            for rating in item.get("ratings") or []
        ],
        batch_size=1000,
    )
    pairs = list(zip(engagements, items, strict=True))
    milestones, billed = _store_work(workspace, pairs)
    _store_safeguards(workspace, pairs, by_ref)
    _store_risks(workspace, document.get("risks") or [], {e.ref: e for e in engagements}, by_ref)
    _store_invoices(
        actor=actor,
        workspace=workspace,
        items=document.get("invoices") or [],
        engagements={e.ref: e for e in engagements},
        milestones=milestones,
        billed=billed,
    )
    return warnings


def _store_safeguards(
    workspace: Workspace, engagements: list[tuple[Engagement, dict[str, Any]]], contractors: dict[str, Contractor]
) -> None:
    """Each engagement's agreement, assessment, exit plan and access grants, in bulk. The bundle has no history
    of them: an agreement without its signed copy, one assessment (by no one), no offboarding ticks."""
    agreements = [(e, agreement_fields(item, workspace, e.contractor)) for e, item in engagements]
    Agreement.objects.bulk_create(
        [Agreement(workspace=workspace, engagement=e, **fields) for e, fields in agreements if fields],
        batch_size=1000,
    )
    assessments = [(e, classification_fields(item)) for e, item in engagements]
    ClassificationAssessment.objects.bulk_create(
        [ClassificationAssessment(workspace=workspace, engagement=e, **fields) for e, fields in assessments if fields],
        batch_size=1000,
    )
    plans = [(e, exit_plan_fields(item, contractors)) for e, item in engagements]
    ExitPlan.objects.bulk_create(
        [ExitPlan(workspace=workspace, engagement=e, **fields) for e, fields in plans if fields], batch_size=1000
    )
    AccessGrant.objects.bulk_create(
        [
            AccessGrant(workspace=workspace, engagement=e, **access_grant_fields(grant))
            for e, item in engagements
            for grant in item.get("access_grants") or []
        ],
        batch_size=1000,
    )


def _store_risks(
    workspace: Workspace,
    items: list[dict[str, Any]],
    engagements: dict[str, Engagement],
    contractors: dict[str, Contractor],
) -> None:
    Risk.objects.bulk_create(
        [
            Risk(
                workspace=workspace,
                engagement=engagements.get(item.get("engagement_ref", "")),
                contractor=contractors.get(item.get("contractor_ref", "")),
                **risk_fields(item),
            )
            for item in items
        ],
        batch_size=1000,
    )


def _store_invoices(
    *,
    actor: Actor,
    workspace: Workspace,
    items: list[dict[str, Any]],
    engagements: dict[str, Engagement],
    milestones: dict[str, Milestone],
    billed: list[tuple[TimeEntry, str]],
) -> None:
    """The invoices, each with the time entries it billed and a history of one step: imported, in its status,
    by whoever imported it (the bundle has no history)."""
    invoices = Invoice.objects.bulk_create(
        [
            Invoice(
                workspace=workspace,
                engagement=engagements[item["engagement_ref"]],
                milestone=milestones.get(item.get("milestone_ref", "")),
                **invoice_fields(item),
            )
            for item in items
        ],
        batch_size=1000,
    )
    by_ref = {i.ref: i for i in invoices}
    BilledTime.objects.bulk_create(
        [BilledTime(invoice=by_ref[ref], time_entry=entry) for entry, ref in billed], batch_size=1000
    )
    now = timezone.now()
    user = actor.user if actor.user is not None and actor.user.pk else None
    InvoiceEvent.objects.bulk_create(
        [
            InvoiceEvent(
                workspace=workspace,
                invoice=invoice,
                from_status="",
                to_status=invoice.status,
                at=now,
                by=user,
                by_label=actor.label[:254],
                note=INVOICE_IMPORT_NOTE,
            )
            for invoice in invoices
        ],
        batch_size=1000,
    )


def _store_work(
    workspace: Workspace, engagements: list[tuple[Engagement, dict[str, Any]]]
) -> tuple[dict[str, Milestone], list[tuple[TimeEntry, str]]]:
    """Each engagement's brief, plan, check-ins, time, milestones with their submission and reviews.

    Everything is bulk-created: an import of ten thousand time entries is a few statements, not ten
    thousand. Submitted text is indexed for originality once the import has landed. Returns the
    milestones by ref and the time entries an invoice billed, with that invoice's ref.
    """
    now = timezone.now()
    briefs = [(e, brief_fields(item)) for e, item in engagements]
    stored = Brief.objects.bulk_create(
        [Brief(workspace=workspace, engagement=e, **fields) for e, fields in briefs if fields], batch_size=1000
    )
    _record_briefs_as_sent(workspace, stored, now)
    criteria = {e.pk: fields["acceptance_criteria"] if fields else [] for e, fields in briefs}
    plans = [(e, communication_fields(item)) for e, item in engagements]
    CommunicationPlan.objects.bulk_create(
        [CommunicationPlan(workspace=workspace, engagement=e, **fields) for e, fields in plans if fields],
        batch_size=1000,
    )
    CheckIn.objects.bulk_create(
        [
            CheckIn(workspace=workspace, engagement=e, **check_in_fields(check_in))
            for e, item in engagements
            for check_in in item.get("check_ins") or []
        ],
        batch_size=1000,
    )
    logged = [(e, entry) for e, item in engagements for entry in item.get("time_entries") or []]
    entries = TimeEntry.objects.bulk_create(
        [TimeEntry(workspace=workspace, engagement=e, **time_entry_fields(entry, now)) for e, entry in logged],
        batch_size=1000,
    )
    billed = [
        (stored, entry["invoice_ref"])
        for stored, (_e, entry) in zip(entries, logged, strict=True)
        if entry.get("invoice_ref")
    ]
    pairs = [(e, milestone) for e, item in engagements for milestone in item.get("milestones") or []]
    milestones = Milestone.objects.bulk_create(
        [Milestone(workspace=workspace, engagement=e, **milestone_fields(item)) for e, item in pairs], batch_size=1000
    )
    # One submission per milestone that carries its text: the bundle keeps the latest delivery only.
    # Stored oldest first: the order they are recorded in decides which text is the earlier (originality).
    delivered = sorted(
        (
            (dt.date.fromisoformat(item["submitted_on"]), item["ref"], milestone, item)
            for milestone, (_e, item) in zip(milestones, pairs, strict=True)
            if item.get("submission_text")
        ),
        key=lambda row: (row[0], row[1]),
    )
    submissions = Submission.objects.bulk_create(
        [
            Submission(workspace=workspace, milestone=milestone, submitted_on=day, text=item["submission_text"])
            for day, _ref, milestone, item in delivered
        ],
        batch_size=500,
    )
    submission_of = {s.milestone_id: s for s in submissions}
    Review.objects.bulk_create(
        [
            Review(
                workspace=workspace,
                milestone=milestone,
                submission=submission_of.get(milestone.pk),
                **review_fields(review, criteria[e.pk]),
            )
            for milestone, (e, item) in zip(milestones, pairs, strict=True)
            for review in item.get("reviews") or []
        ],
        batch_size=1000,
    )
    _index_after_commit(submissions)
    return {m.ref: m for m in milestones}, billed


BRIEF_IMPORT_NOTE = "Recorded at import"


def _record_briefs_as_sent(workspace: Workspace, briefs: list[Brief], now: dt.datetime) -> None:
    """The brief of an engagement past draft was sent before it started, but the bundle carries no sent
    copies: record it as version 1, so its contractor reads the brief the work was done to. A draft's
    brief stays unsent until someone sends it."""
    BriefVersion.objects.bulk_create(
        [
            BriefVersion(
                workspace=workspace,
                brief=brief,
                number=1,
                content=brief_content(brief),
                sent_at=now,
                note=BRIEF_IMPORT_NOTE,
            )
            for brief in briefs
            if brief.engagement.status != Status.DRAFT
        ],
        batch_size=1000,
    )


def _index_after_commit(submissions: list[Submission]) -> None:
    """Queue the originality index of submitted text, oldest first, so each text is compared with the earlier ones.

    Registered before the import's check, so with a backend that runs jobs in order the check sees the matches.
    """
    ids = [s.pk for s in sorted(submissions, key=lambda s: (s.submitted_on, s.pk)) if s.text.strip()]
    if ids:
        transaction.on_commit(lambda: _enqueue_index(ids), robust=True)


def _enqueue_index(ids: list[int]) -> None:
    from outsourcer.deliverables.tasks import index_submission

    for submission_id in ids:
        index_submission.enqueue(submission_id=submission_id)


def index_unindexed_submissions(*, workspace: Workspace) -> int:
    """Index now, oldest first, every submitted text of the workspace the index does not hold yet.

    For when the findings must show at once (the demo), whatever task backend is configured: a queued
    index job that runs later only indexes the same texts again.
    """
    from outsourcer.deliverables.services import originality_index_submission

    pending = (
        Submission.objects.filter(workspace=workspace, originality_doc__isnull=True)
        .exclude(text="")
        .select_related("workspace")
        .order_by("submitted_on", "pk")
    )
    count = 0
    for submission in pending:
        if submission.text.strip():
            originality_index_submission(submission=submission)
            count += 1
    return count


def _check_after_commit(workspace: Workspace) -> None:
    """The health check reads what was imported, in the background, once the import has landed."""
    workspace_id = str(workspace.uuid)
    transaction.on_commit(lambda: run_check.enqueue(workspace_id=workspace_id, trigger=CheckRun.Trigger.IMPORT))


def _counts(document: dict[str, Any]) -> dict[str, int]:
    return {"workspace": 1} | {key: len(value) for key, value in document.items() if isinstance(value, list)}


@contextmanager
def _model_errors_as_bundle_errors() -> Iterator[None]:
    """A rule the schema cannot state, found by the model layer, still names its place in the bundle."""
    try:
        yield
    except ValidationError as exc:
        names = {
            "time_zone": "working_hours.timezone",
            "work_start": "working_hours.start",
            "work_end": "working_hours.end",
            "work_days": "working_hours.days",
        }
        raise BundleInvalid(
            [
                BundleError(f"$.workspace.{names.get(field, field)}", " ".join(messages))
                for field, messages in exc.message_dict.items()
            ]
        ) from exc


def _checked(document: Any) -> dict[str, Any]:
    errors = bundle_validate(document)
    if errors:
        raise BundleInvalid(errors)
    return document


def bundle_import_new(*, actor: Actor, document: Any, name: str, owner: User | None) -> ImportResult:
    """Create a workspace called `name` from the bundle, with `owner` as its owner (or no members)."""
    document = _checked(document)
    name = name.strip() or document["workspace"]["name"]
    with _model_errors_as_bundle_errors(), transaction.atomic():
        workspace = workspace_create(actor=actor, name=name, owner=owner, **workspace_fields(document["workspace"]))
        warnings = _store_sections(actor=actor, workspace=workspace, document=document)
        _check_after_commit(workspace)
        result = ImportResult(workspace=workspace, created=True, counts=_counts(document), warnings=warnings)
        audit_record(
            actor=actor, action="bundle.import", obj=workspace, workspace=workspace, changes={"counts": result.counts}
        )
    return result


def bundle_import_into(
    *, actor: Actor, document: Any, workspace: Workspace, replace: bool, owner: User | None = None
) -> ImportResult:
    """Load the bundle into an existing workspace; one that holds data needs `replace`.

    `owner`, when given, is made an owner in the same transaction: all of it happens, or none.
    """
    document = _checked(document)
    with _model_errors_as_bundle_errors(), transaction.atomic():
        locked = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if not replace and workspace_holds_data(workspace=locked):
            raise BundleConflict(
                f"{locked.name} already holds data; importing would replace it. Ask for replace "
                "(--replace on the command line) to go ahead."
            )
        _refuse_if_papers_retained(locked)
        workspace_update(actor=actor, workspace=locked, data=workspace_fields(document["workspace"]))
        warnings = _store_sections(actor=actor, workspace=locked, document=document)
        _check_after_commit(locked)
        if owner is not None:
            membership_set(actor=actor, workspace=locked, user=owner, role=Role.OWNER)
        result = ImportResult(workspace=locked, created=False, counts=_counts(document), warnings=warnings)
        audit_record(
            actor=actor,
            action="bundle.import",
            obj=locked,
            workspace=locked,
            changes={"counts": result.counts, "replace": replace},
        )
    return result


__all__ = ["BundleConflict", "BundleError", "BundleInvalid", "ImportResult", "bundle_import_into", "bundle_import_new"]
