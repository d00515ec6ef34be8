from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "outsourcer.payments"
    label = "payments"
    verbose_name = "Invoices, payments and budgets"
