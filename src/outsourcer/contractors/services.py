"""Writes for the contractor directory and its vetting records. Every face calls these."""

from __future__ import annotations

import secrets
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from outsourcer.accounts.models import Workspace
from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.contractors.models import Contractor, Document, Interview, RedFlag, ReferenceCheck
from outsourcer.contractors.selectors import PossibleDuplicate, contractor_possible_duplicates
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.core.timezones import is_iana_zone

CONTRACTOR_FIELDS = frozenset(
    {
        "ref", "kind", "name", "email", "country", "region", "time_zone", "work_start", "work_end", "work_days",
        "skills", "hourly_rate", "currency", "source", "notes", "us_person", "entity_type", "legal_services",
        "tin_verified", "works_in_us",
    }
)  # fmt: skip
# The stage moves through `contractor_set_stage` (vetting), where the approval gate lives.

R = TypeVar("R", bound=models.Model)


class PossibleDuplicates(Exception):
    """A new contractor looks like one already in the directory; the caller may go ahead anyway."""

    def __init__(self, matches: list[PossibleDuplicate]) -> None:
        self.matches = matches
        listed = "; ".join(f"{m.contractor.name} ({m.reason})" for m in matches)
        super().__init__(f"This may be someone already in the directory: {listed}.")


def contractor_new_ref(*, workspace: Workspace) -> str:
    taken = set(Contractor.objects.filter(workspace=workspace).values_list("ref", flat=True))
    while True:
        ref = f"c-{secrets.token_hex(4)}"
        if ref not in taken:
            return ref


def _prepare(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - CONTRACTOR_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    fields = dict(data)
    if "skills" in fields:
        skills = fields.pop("skills") or []
        if any(not isinstance(s, str) or len(s) > 64 or any(ch in s for ch in "\n\r\t") for s in skills):
            raise ValidationError({"skills": ["Each skill is one line of at most 64 characters."]})
        fields["skills_text"] = Contractor.skills_to_text(skills)
    if fields.get("email"):
        fields["email"] = fields["email"].strip().lower()
    return fields


def _clean(contractor: Contractor) -> None:
    contractor.full_clean(exclude=["workspace"], validate_unique=False, validate_constraints=False)
    errors: dict[str, list[str]] = {}
    if contractor.time_zone and not is_iana_zone(contractor.time_zone):
        errors["time_zone"] = [f"{contractor.time_zone!r} is not a known IANA time zone (e.g. Europe/Berlin)."]
    given = [contractor.time_zone != "", contractor.work_start is not None, contractor.work_end is not None]
    if any(given) and not all(given):
        errors["time_zone"] = ["Working hours need a time zone, a start and an end (or none of them)."]
    if contractor.work_start is not None and contractor.work_start == contractor.work_end:
        errors["work_end"] = ["The working day must end at another time than it starts."]
    days = contractor.work_days
    if not isinstance(days, list) or any(not isinstance(d, int) or not 1 <= d <= 7 for d in days):
        errors["work_days"] = ["Working days are ISO weekdays, 1 (Monday) to 7 (Sunday)."]
    elif len(set(days)) != len(days):
        errors["work_days"] = ["A working day is listed twice."]
    else:
        contractor.work_days = sorted(days)
    if contractor.hourly_rate is not None and not contractor.currency:
        errors["currency"] = ["Say which currency the hourly rate is in."]
    clash = Contractor.objects.filter(workspace_id=contractor.workspace_id, ref=contractor.ref)
    if clash.exclude(pk=contractor.pk).exists():
        errors["ref"] = [f"Another contractor already uses the ref {contractor.ref!r}."]
    if errors:
        raise ValidationError(errors)


def contractor_create(
    *, actor: Actor, workspace: Workspace, data: dict[str, Any], allow_duplicates: bool = False
) -> Contractor:
    """Add a contractor; one that may already be in the directory raises `PossibleDuplicates` unless allowed."""
    fields = _prepare(data)
    if not fields.get("ref"):
        fields["ref"] = contractor_new_ref(workspace=workspace)
    with transaction.atomic():
        contractor = Contractor(workspace=workspace, **fields)
        _clean(contractor)
        if not allow_duplicates:
            matches = contractor_possible_duplicates(workspace=workspace, name=contractor.name, email=contractor.email)
            if matches:
                raise PossibleDuplicates(matches)
        contractor.save()
        audit_record(actor=actor, action="contractor.create", obj=contractor, workspace=workspace)
        workspace_data_changed.send(sender=Contractor, workspace=workspace)
    return contractor


def contractor_update(*, actor: Actor, contractor: Contractor, data: dict[str, Any]) -> Contractor:
    fields = _prepare(data)
    if "ref" in fields and not fields["ref"]:
        del fields["ref"]
    with transaction.atomic():
        changes = apply_changes(contractor, fields)
        if changes:
            _clean(contractor)
            contractor.save()
            audit_record(
                actor=actor, action="contractor.update", obj=contractor, workspace=contractor.workspace, changes=changes
            )
            workspace_data_changed.send(sender=Contractor, workspace=contractor.workspace)
    return contractor


def contractor_delete(*, actor: Actor, contractor: Contractor) -> None:
    """Remove a contractor and their records; one with engagements is kept (the work history needs them)."""
    with transaction.atomic():
        if contractor.engagements.exists():
            raise ValidationError(
                {"contractor": ["This contractor has engagements; set the stage to inactive instead of deleting."]}
            )
        audit_record(
            actor=actor, action="contractor.delete", obj=contractor, workspace=contractor.workspace,
            changes={"ref": contractor.ref},
        )  # fmt: skip
        # The records go with the contractor; their stored files must too, once the delete has landed.
        files = [d.file for d in Document.objects.filter(contractor=contractor) if d.file.name]
        contractor.delete()
        for stored in files:
            transaction.on_commit(partial(stored.storage.delete, str(stored.name)))
        workspace_data_changed.send(sender=Contractor, workspace=contractor.workspace)


# --- Vetting records: one set of functions for the four kinds --------------------------------------

INTERVIEW_FIELDS = (
    "held_on interviewer medium score_skills score_communication score_values_fit score_reliability "
    "identity_verified notes"
)
RECORD_FIELDS: dict[type[models.Model], frozenset[str]] = {
    ReferenceCheck: frozenset({"name", "contact", "relationship", "checked_on", "outcome", "met_deadlines", "notes"}),
    Interview: frozenset(INTERVIEW_FIELDS.split()),
    RedFlag: frozenset({"kind", "noted_on", "notes", "resolved"}),
    Document: frozenset({"kind", "title", "signed_on", "expires_on"}),
}


def _record_clean(record: models.Model) -> None:
    record.full_clean(exclude=["workspace", "contractor", "file"], validate_unique=False, validate_constraints=False)
    if isinstance(record, Document) and record.signed_on and record.expires_on and record.expires_on < record.signed_on:
        raise ValidationError({"expires_on": ["A document cannot expire before it was signed."]})


def _label(model: type[models.Model]) -> str:
    return model._meta.model_name or "record"


def record_add(*, actor: Actor, contractor: Contractor, model: type[R], data: dict[str, Any]) -> R:
    """Add a reference check, an interview, a document (without its file) or a red flag."""
    unknown = set(data) - RECORD_FIELDS[model]
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    with transaction.atomic():
        record = model(workspace=contractor.workspace, contractor=contractor, **data)
        _record_clean(record)
        record.save()
        audit_record(
            actor=actor, action=f"{_label(model)}.create", obj=record, workspace=contractor.workspace,
            changes={"contractor": contractor.ref},
        )  # fmt: skip
        workspace_data_changed.send(sender=model, workspace=contractor.workspace)
    return record


def record_update(*, actor: Actor, record: R, data: dict[str, Any]) -> R:
    model = type(record)
    unknown = set(data) - RECORD_FIELDS[model]
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    with transaction.atomic():
        changes = apply_changes(record, data)
        if changes:
            _record_clean(record)
            record.save()
            workspace = record.workspace  # type: ignore[attr-defined]
            audit_record(
                actor=actor, action=f"{_label(model)}.update", obj=record, workspace=workspace, changes=changes
            )
            workspace_data_changed.send(sender=model, workspace=workspace)
    return record


def _refuse_if_retained(document: Document) -> None:
    """A signed agreement a freelancer-protection law says to keep cannot be deleted or replaced before then."""
    from django.utils import timezone

    if document.retain_until is not None and document.retain_until >= timezone.localdate():
        raise ValidationError(
            {"document": [f"The law says to keep this document until {document.retain_until:%d %B %Y}."]}
        )


def record_delete(*, actor: Actor, record: models.Model) -> None:
    workspace = record.workspace  # type: ignore[attr-defined]
    if isinstance(record, Document):
        _refuse_if_retained(record)
    with transaction.atomic():
        audit_record(actor=actor, action=f"{_label(type(record))}.delete", obj=record, workspace=workspace)
        if isinstance(record, Document) and record.file.name:
            name, storage = record.file.name, record.file.storage
            transaction.on_commit(lambda: storage.delete(name))
        record.delete()
        workspace_data_changed.send(sender=type(record), workspace=workspace)


# --- Document files --------------------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# What a signed agreement, a tax form or a certificate comes as; recognised by its first bytes, never
# by the name or the type the browser claims.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
)


def _sniff(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, suffix in SIGNATURES:
        if head.startswith(magic):
            return content_type, suffix
    return None


def read_paper_upload(upload: Any, *, default_name: str = "document") -> tuple[bytes, str, str, str]:
    """Check an uploaded paper (PDF, PNG or JPEG by its bytes, 10 MiB at most): its bytes, type, suffix and name.

    Documents and invoices are both stored this way; a refusal is a ValidationError on "file".
    """
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ValidationError({"file": ["The file is empty."]})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": [f"The file is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MiB."]})
    data = upload.read()
    kind = _sniff(data[:16])
    if kind is None:
        raise ValidationError({"file": ["Upload a PDF, PNG or JPEG file."]})
    content_type, suffix = kind
    original = str(getattr(upload, "name", "") or default_name)
    shown = "".join(ch for ch in original.rsplit("/", 1)[-1] if ch.isprintable())[:200] or f"{default_name}{suffix}"
    return data, content_type, suffix, shown


def document_attach_file(*, actor: Actor, document: Document, upload: Any) -> Document:
    """Store an uploaded copy of the document (PDF, PNG or JPEG, 10 MiB at most), replacing any earlier one."""
    from django.core.files.base import ContentFile

    if document.file:
        _refuse_if_retained(document)

    data, content_type, suffix, shown = read_paper_upload(upload)
    with transaction.atomic():
        old = document.file.name if document.file else ""
        document.file.save(f"upload{suffix}", ContentFile(data), save=False)  # named by `document_path`
        new = document.file.name
        document.file_name = shown
        document.content_type = content_type
        document.size = len(data)
        document.save()
        audit_record(
            actor=actor, action="document.upload", obj=document, workspace=document.workspace,
            changes={"file_name": shown, "size": len(data)},
        )  # fmt: skip
        if old and old != new:
            storage = document.file.storage
            transaction.on_commit(lambda: storage.delete(old))
    return document


def document_save(
    *, actor: Actor, contractor: Contractor, document: Document | None = None, data: dict[str, Any], upload: Any = None
) -> Document:
    """Add or change a document record and store its uploaded copy in one step.

    A refused file (ValidationError on "file") undoes the whole step: no record without the file the
    person meant to attach, and no change to an existing one.
    """
    if document is not None and document.contractor_id != contractor.pk:
        raise ValidationError({"document": ["This document belongs to another contractor."]})
    with transaction.atomic():
        if document is None:
            document = record_add(actor=actor, contractor=contractor, model=Document, data=data)
        else:
            document = record_update(actor=actor, record=document, data=data)
        if upload is not None:
            document_attach_file(actor=actor, document=document, upload=upload)
    return document


# --- The contractor portal -----------------------------------------------------------------------


def contractor_portal_invite(*, actor: Actor, contractor: Contractor) -> Any:
    """Invite the contractor, by their email, to a portal that shows only their own engagements."""
    from outsourcer.accounts.models import Membership, Role
    from outsourcer.accounts.services import AccountError, invitation_create

    if not contractor.email:
        raise ValidationError({"email": ["Add the contractor's email address first."]})
    if contractor.portal_user_id is not None:
        raise ValidationError({"email": ["This contractor already has portal access."]})
    member = Membership.objects.filter(workspace=contractor.workspace, user__email__iexact=contractor.email).first()
    if member is not None:
        if member.role != Role.CONTRACTOR:
            raise ValidationError(
                {
                    "email": [
                        f"{contractor.email} is a member as {member.role}; the portal needs a contractor's account."
                    ]
                }
            )
        contractor_link_portal_user(workspace=contractor.workspace, email=contractor.email, user=member.user)
        return None
    try:
        return invitation_create(
            actor=actor, workspace=contractor.workspace, email=contractor.email, role=Role.CONTRACTOR
        )
    except AccountError as exc:
        raise ValidationError({"email": [str(exc)]}) from exc


def contractor_link_portal_user(*, workspace: Workspace, email: str, user: Any) -> int:
    """Link the accepted invitation's account to the workspace's contractors with that email (not yet linked)."""
    rows = Contractor.objects.filter(workspace=workspace, email__iexact=email, portal_user__isnull=True)
    linked = 0
    for contractor in rows:
        contractor.portal_user = user
        contractor.save(update_fields=["portal_user", "updated_at"])
        audit_record(
            actor=Actor(user=user, face="web"), action="contractor.portal_linked", obj=contractor, workspace=workspace
        )
        linked += 1
    return linked
