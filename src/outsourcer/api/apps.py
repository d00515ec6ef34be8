from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "outsourcer.api"
    label = "api"
