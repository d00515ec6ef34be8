"""The audit trail: who did what to which object, through which face, with the changed fields."""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    workspace = models.ForeignKey(
        "accounts.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the trail still reads right after a user is deleted.
    actor_label = models.CharField(max_length=254)
    face = models.CharField(max_length=10)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_uuid = models.UUIDField(null=True, blank=True)
    object_repr = models.CharField(max_length=200)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-created_at", "-id"]
        indexes: ClassVar[list[Any]] = [
            models.Index(fields=["workspace", "-created_at", "-id"], name="audit_newest_first")
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_repr}"
