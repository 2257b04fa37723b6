from django.urls import path

from gridcare.customers import meter_views, views

app_name = "customers"
urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.create, name="create"),
    path("worklist/", views.worklist, name="worklist"),
    path("worklist.csv", views.worklist_export, name="worklist_export"),
    path("unmask-audit/", views.unmask_audit, name="unmask_audit"),
    path("unmask-audit/export/", views.unmask_audit_export, name="unmask_audit_export"),
    path("unmask-audit/alerts/<int:alert_id>/ack/", views.unmask_alert_ack, name="unmask_alert_ack"),
    path("<str:account_no>/", views.detail, name="detail"),
    path("<str:account_no>/unmask/", views.unmask, name="unmask"),
    path("<str:account_no>/meter-exchange/", meter_views.meter_exchange, name="meter_exchange"),
    path("<str:account_no>/change/<str:kind>/", views.change, name="change"),
]
