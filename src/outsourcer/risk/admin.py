"""The operator's view of the risk register: read-only, because every change goes through the services, which
keep the audit trail and tell the health check. Workspace members use the register's pages, API and CLI."""

from django.contrib import admin
from django.http import HttpRequest

from outsourcer.risk.models import Risk


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ("ref", "title", "category", "likelihood", "impact", "status", "review_on", "workspace")
    list_filter = ("category", "status")
    search_fields = ("ref", "title", "owner")
    list_select_related = ("workspace",)
    raw_id_fields = ("engagement", "contractor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
