from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "outsourcer.risk"
    label = "risk"
    verbose_name = "Risks, exit plans and access"
