from django.urls import path

from gridcare.halls import views

app_name = "halls"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:hall_code>/kiosk/", views.kiosk, name="kiosk"),
    path("<str:hall_code>/guide/", views.guide, name="guide"),
    path("<str:hall_code>/board/", views.board, name="board"),
    path("<str:hall_code>/floor/", views.floor, name="floor"),
    path("<str:hall_code>/setup/", views.setup_page, name="setup"),
    path("<str:hall_code>/terminals/", views.terminals_page, name="terminals"),
    path("<str:hall_code>/figures/", views.figures_page, name="figures"),
    path("<str:hall_code>/figures.xlsx", views.figures_export, name="figures_export"),
    path("<str:hall_code>/counter/<int:number>/", views.counter_by_number, {"page": "console"}, name="console_at"),
    path("<str:hall_code>/pad/<int:number>/", views.pad_by_number, name="pad_at"),
    path("<str:hall_code>/devices/", views.devices_page, name="devices"),
    path("device/pair/<str:code>/", views.device_pair, name="device_pair"),
    path("t/<str:token>/", views.ticket_status, name="ticket_status"),
    path("counter/<int:counter_id>/", views.console, name="console"),
    path("counter/<int:counter_id>/<str:action>/", views.console_action, name="console_action"),
    path("pad/<int:counter_id>/", views.pad, name="pad"),
]
