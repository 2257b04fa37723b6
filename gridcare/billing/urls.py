from django.urls import path

from gridcare.billing import office_views, service_views, views

app_name = "billing"
urlpatterns = [
    path("runs/", views.runs, name="runs"),
    path("runs/export/", views.runs_export, name="runs_export"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("arrears/", views.arrears, name="arrears"),
    path("arrears/export/", views.arrears_export, name="arrears_export"),
    path("arrears/overdue/export/", views.arrears_export, {"kind": "overdue"}, name="overdue_export"),
    path("readings/", views.readings, name="readings"),
    path("readings/exceptions/export/", views.exceptions_export, name="exceptions_export"),
    path("readings/exceptions/<int:exception_id>/", views.exception_resolution, name="resolve"),
    path("waivers/<int:waiver_id>/decide/", views.waiver_decision, name="waiver_decide"),
    path("dunning/", office_views.dunning, name="dunning"),
    path("dunning/export/", office_views.dunning_export, name="dunning_export"),
    path("dunning/bills/<int:bill_id>/step/", office_views.dunning_step, name="dunning_step"),
    path("dunning/reconnections/export/", office_views.reconnections_export, name="reconnections_export"),
    path("dunning/reconnections/<int:step_id>/done/", office_views.reconnection, name="reconnection"),
    path("reconciliations/", office_views.reconciliations, name="reconciliations"),
    path("reconciliations/export/", office_views.reconciliations_export, name="reconciliations_export"),
    path("reconciliations/<int:reconciliation_id>/", office_views.reconciliation, name="reconciliation"),
    path("debit/", office_views.debit_batches, name="debit_batches"),
    path("debit/export/", office_views.debit_batches_export, name="debit_batches_export"),
    path("debit/<int:batch_id>/", office_views.debit_batch, name="debit_batch"),
    path("debit/<int:batch_id>/file.csv", office_views.debit_file, name="debit_file"),
    path("tariffs/", office_views.tariffs, name="tariffs"),
    path("tariffs/<int:tariff_id>/new/", office_views.tariff_new, name="tariff_new"),
    path("services/", service_views.services, name="services"),
    path("services/new/", service_views.service_new, name="service_new"),
    path("services/<int:item_id>/", service_views.service, name="service"),
    path("services/<int:item_id>/active/", service_views.service_active, name="service_active"),
    path("service-orders/", service_views.service_orders_page, name="service_orders"),
    path("service-orders/new/", service_views.service_order_new, name="service_order_new"),
    path("service-orders/<str:order_no>/", service_views.service_order, name="service_order"),
    path("service-orders/<str:order_no>/act/", service_views.service_order_act, name="service_order_act"),
    path(
        "service-orders/<str:order_no>/receipt.pdf", service_views.service_order_receipt, name="service_order_receipt"
    ),
    path("accounts/<str:account_no>/", views.account, name="account"),
    path("accounts/<str:account_no>/pay/", views.counter_payment, name="pay"),
    path("accounts/<str:account_no>/waiver/", views.waiver_create, name="waiver"),
    path("accounts/<str:account_no>/bills/<str:period>.pdf", views.bill_document, name="bill_pdf"),
    path("accounts/<str:account_no>/receipts/<int:payment_id>.pdf", views.receipt_document, name="receipt_pdf"),
]
