from django.urls import path

from gridcare.notices import peak_shift_views, publication_views, views

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
    # peak-shift orders (错峰, NOTE-2)
    path("peak-shifts/", peak_shift_views.peak_shift_list, name="peak_shifts"),
    path("peak-shifts/new/", peak_shift_views.peak_shift_new, name="peak_shift_new"),
    # public notices and service publicity (SELF-3)
    path("publications/", publication_views.publication_list, name="publications"),
    path("publications/new/", publication_views.publication_new, name="publication_new"),
    path("publications/<int:publication_id>/", publication_views.publication_detail, name="publication"),
    path(
        "publications/<int:publication_id>/publish/",
        publication_views.publication_publish,
        name="publication_publish",
    ),
    path(
        "publications/<int:publication_id>/withdraw/",
        publication_views.publication_withdraw,
        name="publication_withdraw",
    ),
    path(
        "publications/<int:publication_id>/article/",
        publication_views.publication_article,
        name="publication_article",
    ),
]
