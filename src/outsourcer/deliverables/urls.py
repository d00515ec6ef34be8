"""Pages of the deliverables app, under /w/<uuid>/."""

from django.urls import path

from outsourcer.deliverables import views

app_name = "deliverables"

urlpatterns = [
    path("deliverables/", views.milestone_list_page, name="list"),
    path(
        "engagements/<uuid:engagement>/milestones/",
        views.engagement_milestones_page,
        name="engagement_milestones",
    ),
    path("milestones/<uuid:milestone>/", views.milestone_detail, name="milestone"),
    path("milestones/<uuid:milestone>/edit/", views.milestone_edit, name="milestone_edit"),
    path("milestones/<uuid:milestone>/submissions/new/", views.submission_new, name="submission_new"),
    path("milestones/<uuid:milestone>/reviews/new/", views.review_new, name="review_new"),
    path("milestones/<uuid:milestone>/deliver/", views.deliver, name="deliver"),
    path("reviews/<uuid:review>/share/", views.review_share, name="review_share"),
    path("submission-files/<uuid:submission_file>/", views.submission_file, name="submission_file"),
    path("commitments/timeline/", views.timeline, name="timeline"),
    path("reference-texts/", views.reference_texts, name="reference_texts"),
    path(
        "reference-texts/<uuid:reference_text>/delete/",
        views.reference_text_delete_view,
        name="reference_text_delete",
    ),
]
