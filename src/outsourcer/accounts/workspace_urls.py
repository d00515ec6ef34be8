"""Pages of one workspace, all under /w/<uuid>/."""

from django.urls import path

from outsourcer.accounts import views

app_name = "workspace"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.workspace_settings, name="settings"),
    path("members/", views.members, name="members"),
    path("members/<uuid:member>/", views.member_update, name="member_update"),
    path("invitations/<uuid:invitation>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:token>/revoke/", views.token_revoke, name="token_revoke"),
]
