"""Pages of the compliance app, under /w/<uuid>/: the overview, an engagement's written agreement (terms,
printable page, PDF, signing with the signed copy) and its worker-status assessments."""

from django.urls import path

from outsourcer.compliance import views, views_classification

app_name = "compliance"

urlpatterns = [
    # Agreements (views).
    path("engagements/<uuid:engagement>/agreement/", views.agreement, name="agreement"),
    path("engagements/<uuid:engagement>/agreement/print/", views.agreement_print, name="agreement_print"),
    path("engagements/<uuid:engagement>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("engagements/<uuid:engagement>/agreement/sign/", views.agreement_sign, name="agreement_sign"),
    # Worker status and the overview (views_classification).
    path("compliance/", views_classification.overview, name="overview"),
    path("engagements/<uuid:engagement>/classification/", views_classification.classification, name="classification"),
    path("classifications/<uuid:assessment>/", views_classification.assessment, name="assessment"),
]
