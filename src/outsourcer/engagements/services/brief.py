"""Writes for the brief (versioned once sent) and the communication plan."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from outsourcer.audit.services import apply_changes, audit_record
from outsourcer.core.actor import Actor
from outsourcer.core.signals import workspace_data_changed
from outsourcer.engagements.models import (
    IMPORTANT_CHANNELS,
    Brief,
    BriefVersion,
    Channel,
    CommunicationPlan,
    Engagement,
)

BRIEF_TEXT_FIELDS = ("goals", "context", "out_of_scope", "constraints")
BRIEF_LIST_FIELDS = ("deliverables", "acceptance_criteria")
BRIEF_FIELDS = frozenset(BRIEF_TEXT_FIELDS + BRIEF_LIST_FIELDS)
COMMUNICATION_FIELDS = frozenset(
    {"point_person", "escalation_contact", "channels", "important_topics_channel", "cadence", "needs_overlap_hours"}
)
MAX_ITEMS = 100
MAX_ITEM_LENGTH = 2000


def brief_content(brief: Brief | None) -> dict[str, Any]:
    """The brief as the bundle's `brief` object (every key, empty where nothing is written)."""
    if brief is None:
        return {**dict.fromkeys(BRIEF_TEXT_FIELDS, ""), **{name: [] for name in BRIEF_LIST_FIELDS}}
    return {
        **{name: getattr(brief, name) for name in BRIEF_TEXT_FIELDS},
        **{name: list(getattr(brief, name)) for name in BRIEF_LIST_FIELDS},
    }


def _list(field: str, value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        raise ValidationError({field: ["Give a list of lines."]})
    items = [str(item).strip() for item in value if str(item).strip()]
    if len(items) > MAX_ITEMS:
        raise ValidationError({field: [f"At most {MAX_ITEMS} lines."]})
    if any(len(item) > MAX_ITEM_LENGTH for item in items):
        raise ValidationError({field: [f"Each line is at most {MAX_ITEM_LENGTH} characters."]})
    return items


def brief_latest_version(brief: Brief | None) -> BriefVersion | None:
    if brief is None or brief.pk is None:
        return None
    return brief.versions.order_by("-number").first()


def brief_changed_since_sent(brief: Brief | None) -> bool:
    """True when a sent brief was edited afterwards: the contractor is reading an older version."""
    latest = brief_latest_version(brief)
    return latest is not None and latest.content != brief_content(brief)


def brief_save(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> Brief:
    """Create or change the brief; lists may come as lists or as newline-separated text."""
    unknown = set(data) - BRIEF_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    clean = {
        name: (_list(name, value) if name in BRIEF_LIST_FIELDS else str(value or "").strip())
        for name, value in data.items()
    }
    workspace = engagement.workspace
    with transaction.atomic():
        brief = Brief.objects.filter(engagement=engagement).first() or Brief(workspace=workspace, engagement=engagement)
        created = brief.pk is None
        changes = apply_changes(brief, clean)
        if not changes and not created:
            return brief
        brief.full_clean(exclude=["workspace", "engagement"], validate_unique=False, validate_constraints=False)
        brief.save()
        audit_record(actor=actor, action="brief.save", obj=engagement, workspace=workspace, changes=changes)
        workspace_data_changed.send(sender=Brief, workspace=workspace)
    return brief


def brief_send(*, actor: Actor, engagement: Engagement, note: str = "") -> BriefVersion:
    """Freeze the brief as the next version, show it in the portal and email the contractor a link.

    Sending an unchanged brief again is refused: the contractor already has this version.
    """
    from outsourcer.engagements.tasks import send_brief_email

    brief = Brief.objects.filter(engagement=engagement).first()
    content = brief_content(brief)
    if brief is None or not any(content.values()):
        raise ValidationError({"brief": ["Write the brief before sending it."]})
    with transaction.atomic():
        # Two sends at once: the second waits here, then numbers its version after the first one's.
        brief = Brief.objects.select_for_update().get(pk=brief.pk)
        content = brief_content(brief)
        latest = brief_latest_version(brief)
        if latest is not None and latest.content == content:
            raise ValidationError({"brief": [f"Version {latest.number} was sent already and nothing changed since."]})
        version = BriefVersion.objects.create(
            workspace=engagement.workspace,
            brief=brief,
            number=(latest.number + 1) if latest else 1,
            content=content,
            sent_at=timezone.now(),
            sent_by=actor.user if actor.user is not None and actor.user.pk else None,
            note=note.strip()[:500],
        )
        audit_record(
            actor=actor, action="brief.send", obj=engagement, workspace=engagement.workspace,
            changes={"version": version.number},
        )  # fmt: skip
        if engagement.contractor.email:
            version_id = version.pk
            transaction.on_commit(lambda: send_brief_email.enqueue(version_id=version_id))
    return version


def communication_save(*, actor: Actor, engagement: Engagement, data: dict[str, Any]) -> CommunicationPlan:
    unknown = set(data) - COMMUNICATION_FIELDS
    if unknown:
        raise ValidationError({field: ["This field cannot be set."] for field in sorted(unknown)})
    data = dict(data)
    if "channels" in data:
        channels = list(dict.fromkeys(data["channels"] or []))
        bad = [c for c in channels if c not in Channel.values]
        if bad:
            raise ValidationError({"channels": [f"Unknown channel: {', '.join(map(str, bad))}."]})
        data["channels"] = channels
    for name in ("point_person", "escalation_contact", "important_topics_channel", "cadence"):
        if name in data:
            data[name] = str(data[name] or "").strip()
    important = data.get("important_topics_channel")
    if important and important not in IMPORTANT_CHANNELS:
        raise ValidationError({"important_topics_channel": ["Important topics go by phone, video or in person."]})
    workspace = engagement.workspace
    with transaction.atomic():
        plan = CommunicationPlan.objects.filter(engagement=engagement).first() or CommunicationPlan(
            workspace=workspace, engagement=engagement
        )
        created = plan.pk is None
        changes = apply_changes(plan, data)
        if not changes and not created:
            return plan
        plan.full_clean(exclude=["workspace", "engagement"], validate_unique=False, validate_constraints=False)
        plan.save()
        audit_record(actor=actor, action="communication.save", obj=engagement, workspace=workspace, changes=changes)
        workspace_data_changed.send(sender=CommunicationPlan, workspace=workspace)
    return plan
