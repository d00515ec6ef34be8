from django.urls import path

from outsourcer.bundles import views

app_name = "bundles"

urlpatterns = [
    path("bundle/", views.bundle_page, name="page"),
    path("bundle/export/", views.bundle_download, name="export"),
]
