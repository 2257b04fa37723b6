from django.urls import URLPattern, path

from gridcare.knowledge import classing_views, views

app_name = "knowledge"

urlpatterns: list[URLPattern] = [
    path("", views.search_page, name="search"),
    path("suggest/", views.suggest, name="suggest"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<int:article_id>/", views.article_page, name="article"),
    path("articles/<int:article_id>/feedback/", views.feedback, name="feedback"),
    path("articles/<int:article_id>/used/", views.used, name="used"),
    path("articles/<int:article_id>/new-version/", views.version_new, name="version_new"),
    path("versions/<int:version_id>/", views.version_page, name="version"),
    path("versions/<int:version_id>/submit/", views.version_submit, name="version_submit"),
    path("versions/<int:version_id>/review/", views.version_review, name="version_review"),
    path("review/", views.review_queue, name="review"),
    path("figures/", views.figures_page, name="figures"),
    path("articles/<int:article_id>/classing/", classing_views.article_classing, name="article_classing"),
    path("categories/", classing_views.category_list, name="categories"),
    path("categories/<int:category_id>/rename/", classing_views.category_rename, name="category_rename"),
    path("categories/<int:category_id>/move/", classing_views.category_move, name="category_move"),
    path("categories/<int:category_id>/retire/", classing_views.category_retire, name="category_retire"),
]
