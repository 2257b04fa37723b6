from django.urls import path

from gridcare.billing import views

app_name = "billing"
urlpatterns = [
    path("runs/", views.runs, name="runs"),
    path("runs/<int:run_id>/", views.run, name="run"),
    path("arrears/", views.arrears, name="arrears"),
    path("readings/", views.readings, name="readings"),
    path("readings/exceptions/<int:exception_id>/", views.exception_resolution, name="resolve"),
    path("waivers/<int:waiver_id>/decide/", views.waiver_decision, name="waiver_decide"),
    path("accounts/<str:account_no>/", views.account, name="account"),
    path("accounts/<str:account_no>/pay/", views.counter_payment, name="pay"),
    path("accounts/<str:account_no>/waiver/", views.waiver_create, name="waiver"),
    path("accounts/<str:account_no>/bills/<str:period>.pdf", views.bill_document, name="bill_pdf"),
    path("accounts/<str:account_no>/receipts/<int:payment_id>.pdf", views.receipt_document, name="receipt_pdf"),
]
