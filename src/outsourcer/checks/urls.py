"""Health check pages, under /w/<uuid>/health/."""

from django.urls import path

from outsourcer.checks import views

app_name = "checks"

urlpatterns = [
    path("health/", views.dashboard, name="dashboard"),
    path("health/run/", views.run, name="run"),
    path("health/findings/", views.findings, name="findings"),
    path("health/findings/<uuid:finding>/", views.finding_detail, name="finding"),
    path("health/findings/<uuid:finding>/snooze/", views.finding_snooze, name="finding_snooze"),
    path("health/findings/<uuid:finding>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
    path("health/findings/<uuid:finding>/reopen/", views.finding_reopen, name="finding_reopen"),
    path("health/rules/", views.rules_reference, name="rules"),
]
