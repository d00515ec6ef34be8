"""The contractor portal, under /w/<uuid>/portal/: a contractor's own engagements (a preview for members)."""

from django.urls import path

from outsourcer.portal import views, views_invoices

app_name = "portal"

urlpatterns = [
    path("portal/", views.home, name="home"),
    path("portal/engagements/<uuid:engagement>/", views.engagement, name="engagement"),
    path("portal/engagements/<uuid:engagement>/time/", views.time_log, name="time"),
    path("portal/milestones/<uuid:milestone>/", views.milestone, name="milestone"),
    path("portal/time/<uuid:time_entry>/", views.time_entry, name="time_entry"),
    path("portal/files/<uuid:submission_file>/", views.submission_file, name="submission_file"),
    path("portal/invoices/", views_invoices.invoices, name="invoices"),
    path("portal/engagements/<uuid:engagement>/invoices/new/", views_invoices.invoice_new, name="invoice_new"),
    path("portal/invoices/<uuid:invoice>/file", views_invoices.invoice_file, name="invoice_file"),
]
