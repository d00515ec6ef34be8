"""What the health check found, and each run it made (the trend is read from the runs)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from outsourcer.accounts.models import WorkspaceOwned


class Severity(models.TextChoices):
    ERROR = "error", "Error"
    WARNING = "warning", "Warning"
    INFO = "info", "Info"


SEVERITY_ORDER = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


class Finding(WorkspaceOwned):
    """One mistake seen on one subject. Found again, it is the same row: the check is idempotent.

    `fingerprint` hashes the data that made the rule fire. A snooze or a dismissal keeps the
    fingerprint it was given for (`quiet_fingerprint`); when the data behind the finding changes,
    the finding speaks again.
    """

    rule = models.CharField(max_length=64)
    stage = models.CharField(max_length=16)
    severity = models.CharField(max_length=8, choices=Severity.choices)
    subject_kind = models.CharField(max_length=32)
    # Its bundle ref where it has one (stable across export and import), else its UUID.
    subject_key = models.CharField(max_length=64)
    subject_uuid = models.UUIDField(null=True, blank=True)
    subject_ref = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(max_length=200)
    message = models.TextField()
    fix = models.TextField()
    facts = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=64)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(blank=True)
    quiet_fingerprint = models.CharField(max_length=64, blank=True)
    quieted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-last_seen", "rule"]
        constraints: ClassVar[list[Any]] = [
            models.UniqueConstraint(
                fields=["workspace", "rule", "subject_kind", "subject_key"], name="finding_one_per_rule_and_subject"
            )
        ]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["workspace", "resolved_at", "severity"], name="finding_ws_open_sev"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} on {self.subject_label}"


class CheckRun(WorkspaceOwned):
    """One run of the check over a workspace, with what was open after it: the trend's points."""

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Run by hand"
        IMPORT = "import", "After an import"
        CHANGE = "change", "After a change"
        SCHEDULE = "schedule", "Daily schedule"
        CLI = "cli", "Command line"
        API = "api", "API"

    as_of = models.DateField()
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    infos = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at"]
        indexes: ClassVar[list[Any]] = [models.Index(fields=["workspace", "-created_at"], name="checkrun_ws_recent")]

    def __str__(self) -> str:
        return f"as of {self.as_of:%-d %b %Y}"

    @property
    def open_total(self) -> int:
        return self.errors + self.warnings + self.infos
