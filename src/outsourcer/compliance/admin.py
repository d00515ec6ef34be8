"""The operator's view of written agreements: read-only, because every change goes through the services, which
keep the audit trail, set how long the signed copy is kept and tell the health check. Workspace members use
the agreement's page, API and CLI."""

from django.contrib import admin
from django.http import HttpRequest

from outsourcer.compliance.models import Agreement


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ("engagement", "business_name", "contractor_name", "signed_on", "workspace")
    list_filter = ("signed_on",)
    search_fields = ("business_name", "contractor_name", "engagement__ref", "engagement__title")
    list_select_related = ("workspace", "engagement")
    raw_id_fields = ("engagement", "signed_document")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
