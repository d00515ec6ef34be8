from django.apps import AppConfig


class ContractorsConfig(AppConfig):
    name = "outsourcer.contractors"
    label = "contractors"
    verbose_name = "Contractors and vetting"
