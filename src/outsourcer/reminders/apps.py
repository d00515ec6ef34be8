from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "outsourcer.reminders"
    label = "reminders"
    verbose_name = "Reminders and calendar feeds"
