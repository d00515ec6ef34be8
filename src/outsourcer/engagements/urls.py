"""Pages of the engagements app, under /w/<uuid>/."""

from django.urls import path  # noqa: F401

app_name = "engagements"

urlpatterns: list = []
