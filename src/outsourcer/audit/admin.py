from django.contrib import admin
from django.http import HttpRequest

from outsourcer.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is evidence, so not even an operator edits it here."""

    list_display = ("created_at", "actor_label", "face", "action", "object_repr", "workspace")
    list_filter = ("face", "action")
    search_fields = ("actor_label", "object_repr", "action")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
