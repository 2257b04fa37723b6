from django.urls import path

from gridcare.workorders import causes_views, desk_views, views

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
    # the desk (issue 18), before the order's "<number>/"
    path("inbox/", desk_views.inbox, name="inbox"),
    path("inbox/count/", desk_views.inbox_count, name="inbox_count"),
    path("inbox/<int:item_id>/done/", desk_views.inbox_done, name="inbox_done"),
    path("open-orders/", desk_views.open_orders, name="open_orders"),
    path("searches/", desk_views.search_save, name="search_save"),
    path("searches/<int:search_id>/delete/", desk_views.search_delete, name="search_delete"),
    path("triage/", desk_views.triage_page, name="triage"),
    path("connections/", views.connections, name="connections"),
    path("connections/export/", views.connections_export, name="connections_export"),
    path("connections/<str:number>/advance/", views.connection_advance, name="connection_advance"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:kind>/", views.act, name="act"),
    path("<str:number>/attachments/", desk_views.attachment_upload, name="attachment_upload"),
    path("<str:number>/attachments/<int:attachment_id>/", desk_views.attachment_download, name="attachment_download"),
    path("<str:number>/notes/", desk_views.note, name="note"),
    path("<str:number>/urge/", desk_views.urge, name="urge"),
    path("<str:number>/merge/", desk_views.merge, name="merge"),
]
