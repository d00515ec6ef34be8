from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "outsourcer.compliance"
    label = "compliance"
    verbose_name = "Agreements and worker status"
