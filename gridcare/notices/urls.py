from django.urls import path

from gridcare.notices import views

app_name = "notices"

urlpatterns = [
    path("", views.quality, name="quality"),
    path("templates/", views.templates, name="templates"),
    path("templates/<str:code>/", views.template_edit, name="template_edit"),
    path("templates/<str:code>/activate/", views.template_activate, name="template_activate"),
    path("outages/", views.outage_list, name="outages"),
    path("outages/export/", views.outage_list_export, name="outages_export"),
    path("reliability/", views.reliability_page, name="reliability"),
    path("outages/new/", views.outage_new, name="outage_new"),
    path("outages/<int:outage_id>/", views.outage_detail, name="outage_detail"),
    path("outages/<int:outage_id>/<str:action>/", views.outage_change, name="outage_change"),
]
