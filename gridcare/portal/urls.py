from django.urls import path

from gridcare.invoicing import portal_views as invoice_views
from gridcare.knowledge import portal_views as help_views
from gridcare.portal import (
    home_visit_views,
    news_views,
    pay_views,
    prefs_views,
    request_views,
    service_views,
    usage_views,
    views,
    visit_views,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("logout/", views.logout, name="logout"),
    path("elderly/", views.elderly, name="elderly"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<str:account_no>/unbind/", views.unbind, name="unbind"),
    path("accounts/<str:account_no>/bills/", views.bills, name="bills"),
    # paying online (BILL-4): pay_views
    path("pay/orders/", pay_views.history, name="pay_orders"),
    path("pay/orders/<str:order_no>/", pay_views.result, name="pay_result"),
    path("pay/orders/<str:order_no>/go/", pay_views.go, name="pay_go"),
    path("pay/orders/<str:order_no>/receipt.pdf", pay_views.receipt, name="pay_receipt"),
    path("pay/sim/<str:order_no>/", pay_views.simulated, name="pay_sim"),
    path("pay/<str:account_no>/", pay_views.pay, name="pay"),
    # paid value-added services (WO-10): service_views
    path("services/", service_views.catalogue, name="services"),
    path("services/new/", service_views.order_new, name="service_new"),
    path("services/orders/", service_views.order_list, name="service_orders"),
    path("services/orders/<str:order_no>/", service_views.order_detail, name="service_order"),
    path("services/orders/<str:order_no>/pay/", service_views.order_pay, name="service_pay"),
    path("services/orders/<str:order_no>/cancel/", service_views.order_cancel, name="service_cancel"),
    path("services/orders/<str:order_no>/receipt.pdf", service_views.order_receipt, name="service_receipt"),
    # bills in depth, usage, outages, message settings, public notices (SELF-2, SELF-3): usage_views, news_views, prefs_views
    path("accounts/<str:account_no>/bills/<str:period>/", usage_views.bill, name="bill"),
    path("accounts/<str:account_no>/bills/<str:period>/pdf/", usage_views.bill_pdf_view, name="bill_pdf"),
    path("accounts/<str:account_no>/usage/", usage_views.usage_page, name="usage"),
    path("usage/", usage_views.usage_home, name="usage_home"),
    path("outages/", news_views.outages, name="outages"),
    path("notices/", news_views.notices, name="notices"),
    path("notices/<int:publication_id>/", news_views.notice, name="notice"),
    path("preferences/", prefs_views.preferences, name="preferences"),
    # hall visits and requests (HALL-2, WO-1, WO-5): visit_views, request_views
    path("service/", visit_views.service, name="service"),
    path("visits/halls/", visit_views.halls, name="visit_halls"),
    path("visits/halls/<str:hall_code>/ticket/", visit_views.take, name="visit_take"),
    path("visits/halls/<str:hall_code>/book/", visit_views.book, name="visit_book"),
    path("visits/tickets/", visit_views.tickets, name="visit_tickets"),
    path("visits/tickets/<int:ticket_id>/", visit_views.ticket, name="visit_ticket"),
    path("visits/tickets/<int:ticket_id>/cancel/", visit_views.ticket_cancel_view, name="visit_ticket_cancel"),
    path("visits/tickets/<int:ticket_id>/rate/", visit_views.ticket_rate, name="visit_ticket_rate"),
    path("visits/appointments/", visit_views.appointments, name="visit_appointments"),
    path(
        "visits/appointments/<str:reference>/cancel/",
        visit_views.appointment_cancel_view,
        name="visit_appointment_cancel",
    ),
    # home service and the mobile service rounds (WO-9): home_visit_views
    path("home-visits/", home_visit_views.home_visits, name="home_visits"),
    path("home-visits/<int:visit_id>/cancel/", home_visit_views.home_visit_cancel, name="home_visit_cancel"),
    path("rounds/", home_visit_views.rounds, name="rounds"),
    path("requests/", request_views.requests, name="requests"),
    path("requests/new/<str:kind>/", request_views.new, name="request_new"),
    path("requests/<str:number>/", request_views.detail, name="request"),
    path("requests/<str:number>/callback/", request_views.callback, name="request_callback"),
    path("requests/<str:number>/rate/", request_views.rate, name="request_rate"),
    path("requests/<str:number>/survey/", request_views.survey, name="request_survey"),
    # e-invoices (数电发票, BILL-8): the bound accounts' invoices and their PDFs (gridcare.invoicing)
    path("invoices/", invoice_views.invoices, name="invoices"),
    path("invoices/<int:invoice_id>/pdf/", invoice_views.invoice_document, name="invoice_pdf"),
    # the help: the knowledge base's public articles (gridcare.knowledge, SELF-1)
    path("help/", help_views.help_page, name="help"),
    path("help/<int:article_id>/", help_views.help_article, name="help_article"),
    path("help/<int:article_id>/feedback/", help_views.help_feedback, name="help_feedback"),
]
