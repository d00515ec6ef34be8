from django.urls import path

from outsourcer.audit import views

app_name = "audit"

urlpatterns = [path("activity/", views.activity, name="activity")]
