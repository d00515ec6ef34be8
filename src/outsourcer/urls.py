from django.contrib import admin
from django.urls import include, path

from outsourcer.accounts import views as account_views
from outsourcer.api.api import api
from outsourcer.bundles import views as bundle_views
from outsourcer.core import views as core_views
from outsourcer.reminders import views as reminder_views

workspace_patterns = [
    path("", include("outsourcer.accounts.workspace_urls")),
    path("", include("outsourcer.audit.urls")),
    path("", include("outsourcer.bundles.urls")),
    path("", include("outsourcer.planning.urls")),
    path("", include("outsourcer.vetting.urls")),
    path("", include("outsourcer.engagements.urls")),
    path("", include("outsourcer.deliverables.urls")),
    path("", include("outsourcer.payments.urls")),
    path("", include("outsourcer.risk.urls")),
    path("", include("outsourcer.compliance.urls")),
    path("", include("outsourcer.portal.urls")),
    path("", include("outsourcer.reminders.urls")),
    path("", include("outsourcer.checks.urls")),
]

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("outsourcer.accounts.urls")),
    path("workspaces/import/", bundle_views.import_new, name="import_new"),
    # A person's calendar of due dates, by its secret address (see docs/reminders.md).
    path("calendar/<str:feed_token>.ics", reminder_views.feed, name="reminders_feed"),
    path("w/<uuid:ws>/", include(workspace_patterns)),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "outsourcer.core.views.forbidden"
handler404 = "outsourcer.core.views.not_found"
handler500 = "outsourcer.core.views.server_error"
