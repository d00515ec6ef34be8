from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "outsourcer.deliverables"
    label = "deliverables"
    verbose_name = "Deliverables"
