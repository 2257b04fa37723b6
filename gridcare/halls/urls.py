from django.urls import path

from gridcare.halls import home_views, views

app_name = "halls"
urlpatterns = [
    path("", views.index, name="index"),
    # home service (上门服务) and the mobile service rounds (流动服务车), WO-9: home_views
    path("home-visits/", home_views.queue, name="home_visits"),
    path("home-visits/new/", home_views.new, name="home_visit_new"),
    path("home-visits/my-day/", home_views.my_day, name="home_my_day"),
    path("home-visits/<int:visit_id>/", home_views.detail, name="home_visit"),
    path("home-visits/<int:visit_id>/<str:action>/", home_views.act, name="home_visit_act"),
    path("rounds/", home_views.rounds, name="rounds"),
    path("rounds/<int:stop_id>/", home_views.round_stop, name="round_stop"),
    path("<str:hall_code>/kiosk/", views.kiosk, name="kiosk"),
    path("<str:hall_code>/guide/", views.guide, name="guide"),
    path("<str:hall_code>/board/", views.board, name="board"),
    path("<str:hall_code>/board/events/", views.board_events, name="board_events"),
    path("<str:hall_code>/floor/", views.floor, name="floor"),
    path("<str:hall_code>/floor/events/", views.floor_events, name="floor_events"),
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
    path("counter/<int:counter_id>/events/", views.console_events, name="console_events"),
    path("counter/<int:counter_id>/<str:action>/", views.console_action, name="console_action"),
    path("pad/<int:counter_id>/", views.pad, name="pad"),
]
