"""Pages of the deliverables app, under /w/<uuid>/."""

from django.urls import path  # noqa: F401

app_name = "deliverables"

urlpatterns: list = []
