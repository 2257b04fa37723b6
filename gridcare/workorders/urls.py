from django.urls import path

from gridcare.workorders import causes_views, views

app_name = "workorders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("export/", views.order_list_export, name="list_export"),
    path("new/", views.intake, name="intake"),
    path("suggest/", views.suggest, name="suggest"),
    path("lookup/", views.account_lookup, name="lookup"),
    path("figures/", views.figures, name="figures"),
    path("figures.xlsx", views.figures_export, name="figures_export"),
    # 投诉原因 (ASSESS-6), before the order's "<number>/".
    path("causes/", causes_views.cause_list, name="causes"),
    path("causes/<int:cause_id>/", causes_views.cause_edit, name="cause_edit"),
    path("causes/<int:cause_id>/<str:action>/", causes_views.cause_state, name="cause_state"),
    path("connections/", views.connections, name="connections"),
    path("connections/export/", views.connections_export, name="connections_export"),
    path("connections/<str:number>/advance/", views.connection_advance, name="connection_advance"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:kind>/", views.act, name="act"),
]
