"""Pages of the engagements app, under /w/<uuid>/."""

from django.urls import path

from outsourcer.engagements import views, views_work

app_name = "engagements"

urlpatterns = [
    # The list, the form and the overview (views).
    path("engagements/", views.engagement_list_page, name="list"),
    path("engagements/new/", views.engagement_new, name="new"),
    path("engagements/<uuid:engagement>/", views.engagement_detail, name="detail"),
    path("engagements/<uuid:engagement>/edit/", views.engagement_edit, name="edit"),
    path("engagements/<uuid:engagement>/status/", views.engagement_status, name="status"),
    path("engagements/<uuid:engagement>/delete/", views.engagement_delete_page, name="delete"),
    path("engagements/<uuid:engagement>/ratings/new/", views.rating_new, name="rating_new"),
    # The tabs where the work is set up and run (views_work).
    path("engagements/<uuid:engagement>/brief/", views_work.brief, name="brief"),
    path("engagements/<uuid:engagement>/brief/score/", views_work.brief_score, name="brief_score"),
    path("engagements/<uuid:engagement>/brief/send/", views_work.brief_send_page, name="brief_send"),
    path("engagements/<uuid:engagement>/communication/", views_work.communication, name="communication"),
    path("engagements/<uuid:engagement>/check-ins/", views_work.check_ins, name="check_ins"),
    path("check-ins/<uuid:check_in>/", views_work.check_in_edit, name="check_in_edit"),
    path("engagements/<uuid:engagement>/time/", views_work.time, name="time"),
    path("time/<uuid:time_entry>/", views_work.time_entry, name="time_entry"),
    path("time/<uuid:time_entry>/decide/", views_work.time_entry_decide_page, name="time_entry_decide"),
    # The promises to customers that engagements serve (views).
    path("commitments/", views.commitments, name="commitments"),
    path("commitments/new/", views.commitment_new, name="commitment_new"),
    path("commitments/<uuid:commitment>/", views.commitment_edit, name="commitment"),
]
