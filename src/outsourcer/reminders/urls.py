"""Pages of the reminders app, under /w/<uuid>/. The calendar feed itself is at the site root
(`calendar/<token>.ics`, named `reminders_feed`), since it belongs to a person, not a workspace."""

from django.urls import path

from outsourcer.reminders import views

app_name = "reminders"

urlpatterns = [
    path("reminders/", views.settings_page, name="settings"),
]
