from django.apps import AppConfig


class VettingConfig(AppConfig):
    """Vetting reads the directory and the engagements (trials, ratings): it sits above both."""

    name = "outsourcer.vetting"
    label = "vetting"
    verbose_name = "Vetting"
