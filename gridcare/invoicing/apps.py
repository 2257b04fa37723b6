from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "gridcare.invoicing"
    label = "invoicing"
    verbose_name = "电子发票"
