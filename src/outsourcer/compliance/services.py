"""Writes for agreements and worker-status assessments. Every face calls these."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.compliance.models import ANSWER_FIELDS, Agreement, ClassificationAssessment
from outsourcer.compliance.selectors import agreement_draft, agreement_of, retention_until
from outsourcer.contractors.models import Document
from outsourcer.contractors.services import document_save
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.core.timezones import today_in
from outsourcer.engagements.models import Engagement

AGREEMENT_FIELDS = frozenset(
    {"business_name", "business_address", "business_email", "business_phone", "contractor_name",
     "contractor_address", "contractor_email", "contractor_phone", "services", "total_value", "payment_days",
     "invoice_deadline_days", "termination_notice_days", "governing_law", "extra_terms",
     "independent_contractor_clause", "ip_assignment", "confidentiality", "payment_date_stated",
     "termination_clause", "signed_on"}
)  # fmt: skip
CLASSIFICATION_FIELDS = frozenset({"assessed_on", "reasonable_basis", *ANSWER_FIELDS})


def _refuse_unknown(data: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})


def agreement_save(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> Agreement:
    """Create or change the engagement's agreement terms (created from the draft the first time)."""
    _refuse_unknown(data, AGREEMENT_FIELDS)
    with transaction.atomic():
        agreement = agreement_draft(engagement=engagement)
        created = agreement.pk is None
        changes = apply_changes(agreement, data)
        if created or changes:
            agreement.full_clean(exclude=["workspace", "engagement", "signed_document"], validate_unique=False)
            try:
                with transaction.atomic():
                    agreement.save()
            except IntegrityError:  # another request created it first: change that one
                found = agreement_of(engagement=engagement)
                if found is None:
                    raise
                agreement, created = found, False
                changes = apply_changes(agreement, data)
                agreement.full_clean(exclude=["workspace", "engagement", "signed_document"], validate_unique=False)
                agreement.save()
            audit_record(
                actor=actor, action="agreement.create" if created else "agreement.update", obj=agreement,
                workspace=engagement.workspace, changes={"engagement": engagement.ref, **changes},
            )  # fmt: skip
            workspace_data_changed.send(sender=Agreement, workspace=engagement.workspace)
    return agreement


def agreement_sign(*, actor: Actor, engagement: Engagement, signed_on: dt.date, upload: Any = None) -> Agreement:
    """Record that the agreement was signed, with the signed copy when one is uploaded. The copy is kept as a
    contractor document of kind agreement, held until the retention date the covering laws name."""
    if signed_on > today_in(engagement.workspace.time_zone) + dt.timedelta(days=1):
        raise ValidationError({"signed_on": ["The signing date cannot be in the future."]})
    with transaction.atomic():
        agreement = agreement_save(actor=actor, engagement=engagement, data={"signed_on": signed_on})
        keep = retention_until(engagement=engagement, signed_on=signed_on)
        if upload is not None:
            document = agreement.signed_document
            fields: dict[str, Any] = {
                "kind": Document.Kind.AGREEMENT,
                "title": f"Signed agreement: {engagement.title}"[:200],
                "signed_on": signed_on,
            }
            document = document_save(
                actor=actor, contractor=engagement.contractor, document=document, data=fields, upload=upload
            )
            agreement.signed_document = document
            agreement.save(update_fields=["signed_document"])
        if agreement.signed_document is not None and agreement.signed_document.retain_until != keep:
            # Set directly: retention is not a field a person edits on the document form.
            Document.objects.filter(pk=agreement.signed_document.pk).update(retain_until=keep)
            agreement.signed_document.retain_until = keep
    return agreement


def agreement_retention_refresh(*, engagement: Engagement) -> dt.date | None:
    """Keep a signed copy at least as long as the laws say, counted from the engagement's end once it has one:
    called when an engagement is saved (its end date or status may have moved). Never shortens."""
    agreement = Agreement.objects.filter(engagement=engagement, signed_on__isnull=False).first()
    if agreement is None or agreement.signed_on is None or agreement.signed_document_id is None:
        return None
    keep = retention_until(engagement=engagement, signed_on=agreement.signed_on)
    if keep is not None:
        Document.objects.filter(pk=agreement.signed_document_id).filter(
            models.Q(retain_until__isnull=True) | models.Q(retain_until__lt=keep)
        ).update(retain_until=keep)
    return keep


def classification_record(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> ClassificationAssessment:
    """Record one assessment of the worker-status questionnaire (a reassessment adds another)."""
    _refuse_unknown(data, CLASSIFICATION_FIELDS)
    if not data.get("assessed_on"):
        raise ValidationError({"assessed_on": ["Give the date of the assessment."]})
    day = data["assessed_on"]
    if isinstance(day, dt.date) and day > today_in(engagement.workspace.time_zone) + dt.timedelta(days=1):
        # The record shows what was known when the decision was made; it cannot be dated ahead.
        raise ValidationError({"assessed_on": ["An assessment cannot be dated in the future."]})
    with transaction.atomic():
        assessment = ClassificationAssessment(
            workspace=engagement.workspace, engagement=engagement, assessed_by=actor.user, **data
        )
        assessment.full_clean(exclude=["workspace", "engagement", "assessed_by"], validate_unique=False)
        assessment.save()
        audit_record(
            actor=actor, action="classification.record", obj=assessment, workspace=engagement.workspace,
            changes={"engagement": engagement.ref, "toward_employment": len(assessment.toward_employment)},
        )  # fmt: skip
        workspace_data_changed.send(sender=ClassificationAssessment, workspace=engagement.workspace)
    return assessment
