from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "outsourcer.core"
    label = "core"
    verbose_name = "Outsourcer core"

    def ready(self) -> None:
        from outsourcer.core import checks  # noqa: F401 - registers the checks
