from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "outsourcer.core"
    label = "core"
    verbose_name = "Outsourcer core"
