"""Pages of the risk app, under /w/<uuid>/: the risk register with its heat map, an engagement's risks and
suggestions, its exit plan, access grants and offboarding, and the workspace's access register."""

from django.urls import path

from outsourcer.risk import views, views_access

app_name = "risk"

urlpatterns = [
    # The register (views).
    path("risks/", views.register, name="register"),
    path("risks/heat-map.svg", views.heat_map_svg, name="heat_map"),
    path("risks/new/", views.risk_new, name="risk_new"),
    path("risks/<uuid:risk>/", views.risk_detail, name="risk"),
    path("risks/<uuid:risk>/delete/", views.risk_delete, name="risk_delete"),
    path("engagements/<uuid:engagement>/risks/", views.engagement_risks, name="engagement_risks"),
    # Exit plans, access and offboarding (views_access).
    path("access/", views_access.access_register, name="access"),
    path("access/<uuid:grant>/", views_access.grant_detail, name="grant"),
    path("access/<uuid:grant>/revoke/", views_access.grant_revoke, name="grant_revoke"),
    path("engagements/<uuid:engagement>/exit/", views_access.engagement_exit, name="exit"),
    path("engagements/<uuid:engagement>/access/new/", views_access.grant_new, name="grant_new"),
    path("engagements/<uuid:engagement>/offboarding/", views_access.offboarding, name="offboarding"),
]
