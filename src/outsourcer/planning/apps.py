from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "outsourcer.planning"
    label = "planning"
