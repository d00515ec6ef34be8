from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "outsourcer.portal"
    label = "portal"
    verbose_name = "Contractor portal"
