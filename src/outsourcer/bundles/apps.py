from django.apps import AppConfig


class BundlesConfig(AppConfig):
    name = "outsourcer.bundles"
    label = "bundles"
