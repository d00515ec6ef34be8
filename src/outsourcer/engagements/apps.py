from django.apps import AppConfig


class EngagementsConfig(AppConfig):
    name = "outsourcer.engagements"
    label = "engagements"
    verbose_name = "Engagements"
