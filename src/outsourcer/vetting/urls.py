"""Contractor directory, vetting records, the pipeline board and trials, under /w/<uuid>/contractors/."""

from django.urls import path

from outsourcer.vetting import views_directory as directory
from outsourcer.vetting import views_records as records

app_name = "vetting"

urlpatterns = [
    # The directory, a contractor's page, the scorecard weights (views_directory).
    path("contractors/", directory.directory, name="directory"),
    path("contractors/new/", directory.contractor_new, name="contractor_new"),
    path("contractors/scorecard/", directory.scorecard_weights, name="scorecard_weights"),
    path("contractors/<uuid:contractor>/", directory.contractor_detail, name="contractor"),
    path("contractors/<uuid:contractor>/edit/", directory.contractor_edit, name="contractor_edit"),
    path("contractors/<uuid:contractor>/delete/", directory.contractor_delete, name="contractor_delete"),
    path(
        "contractors/<uuid:contractor>/portal-invite/",
        directory.contractor_portal_invite,
        name="contractor_portal_invite",
    ),
    # The board, stage moves, records, documents and trials (views_records).
    path("contractors/board/", records.board, name="board"),
    path("contractors/<uuid:contractor>/stage/", records.contractor_stage, name="contractor_stage"),
    path("contractors/<uuid:contractor>/references/new/", records.reference_new, name="reference_new"),
    path("contractors/<uuid:contractor>/interviews/new/", records.interview_new, name="interview_new"),
    path("contractors/<uuid:contractor>/documents/new/", records.document_new, name="document_new"),
    path("contractors/<uuid:contractor>/red-flags/new/", records.red_flag_new, name="red_flag_new"),
    path("contractors/<uuid:contractor>/trial/", records.trial_new, name="trial_new"),
    path("references/<uuid:reference>/", records.reference_edit, name="reference_edit"),
    path("interviews/<uuid:interview>/", records.interview_edit, name="interview_edit"),
    path("documents/<uuid:document>/", records.document_edit, name="document_edit"),
    path("documents/<uuid:document>/file", records.document_file, name="document_file"),
    path("red-flags/<uuid:red_flag>/", records.red_flag_edit, name="red_flag_edit"),
    path("trials/<uuid:engagement>/finish/", records.trial_finish, name="trial_finish"),
]
