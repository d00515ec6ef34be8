"""Pages of the payments app, under /w/<uuid>/: invoices, what to pay, budgets."""

from django.urls import path

from outsourcer.payments import views, views_budgets, views_tax

app_name = "payments"

urlpatterns = [
    # Invoices and their path to payment (views).
    path("invoices/", views.invoices, name="invoices"),
    path("invoices/new/", views.invoice_new, name="invoice_new"),
    path("invoices/<uuid:invoice>/", views.invoice_detail, name="invoice"),
    path("invoices/<uuid:invoice>/edit/", views.invoice_edit, name="invoice_edit"),
    path("invoices/<uuid:invoice>/status/", views.invoice_status, name="invoice_status"),
    path("invoices/<uuid:invoice>/file", views.invoice_file, name="invoice_file"),
    # What to pay and when (views_budgets).
    path("payables/", views_budgets.payables_page, name="payables"),
    path("payables/this-week.csv", views_budgets.payables_csv, name="payables_csv"),
    # Budgets, spend and forecast (views_budgets).
    path("budgets/", views_budgets.budgets, name="budgets"),
    path("engagements/<uuid:engagement>/budget/", views_budgets.budget, name="budget"),
    # US year-end tax forms (views_tax; the rules in tax.py).
    path("tax/1099/<int:year>/", views_tax.tax_report, name="tax_report"),
    path("tax/1099/<int:year>.csv", views_tax.tax_report_csv, name="tax_report_csv"),
]
