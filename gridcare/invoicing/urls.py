from django.urls import path

from gridcare.invoicing import views

app_name = "invoicing"
urlpatterns = [
    path("", views.invoices, name="invoices"),
    path("<int:invoice_id>/", views.invoice, name="invoice"),
    path("<int:invoice_id>/pdf/", views.invoice_document, name="invoice_pdf"),
    path("accounts/<str:account_no>/title/", views.title, name="title"),
]
