"""Reminders sent by email, each exactly once, and the per-user calendar feed of due dates."""

from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from django.db import models

from outsourcer.core.models import PublicModel


class Delivery(models.TextChoices):
    EACH = "each", "As they happen"
    DAILY = "daily", "One daily digest"
    OFF = "off", "Never"


class ReminderPreference(models.Model):
    """How one member of one workspace wants their reminders."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    delivery = models.CharField(max_length=8, choices=Delivery.choices, default=Delivery.EACH)

    class Meta:
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["user", "workspace"], name="one_reminder_preference"),
        ]

    def __str__(self) -> str:
        return f"Reminder settings: {self.get_delivery_display().lower()}"


class ReminderSent(models.Model):
    """The claim that a reminder went (or goes) out: its key is unique, so two workers cannot both send it."""

    class State(models.TextChoices):
        CLAIMED = "claimed", "Being sent"
        SENT = "sent", "Sent"
        DIGEST = "digest", "Waiting for the daily digest"

    workspace = models.ForeignKey("accounts.Workspace", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)  # kind:subject:occasion:recipient
    kind = models.CharField(max_length=40)
    recipient = models.EmailField(max_length=254)
    subject_line = models.CharField(max_length=300)
    body = models.TextField(max_length=20000)
    state = models.CharField(max_length=8, choices=State.choices, default=State.CLAIMED)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-pk"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(fields=["workspace", "key"], name="reminder_sent_once"),
        ]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["state", "recipient"], name="reminder_state_recipient")]

    def __str__(self) -> str:
        return self.key


class CalendarFeed(PublicModel):
    """A user's secret iCalendar address; only the SHA-256 of its token is kept, and it can be reset."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed {self.prefix}…"

    @staticmethod
    def hash_token(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
