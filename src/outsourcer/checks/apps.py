from django.apps import AppConfig


class ChecksConfig(AppConfig):
    name = "outsourcer.checks"
    label = "checks"
    verbose_name = "Health check"
