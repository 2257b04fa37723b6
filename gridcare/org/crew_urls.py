from django.urls import path

from gridcare.org import views

app_name = "crews"
urlpatterns = [
    path("", views.crews, name="list"),
    path("<int:crew_id>/", views.crew_change, name="change"),
    path("<int:crew_id>/deactivate/", views.crew_deactivate, name="deactivate"),
    path("<int:crew_id>/reactivate/", views.crew_reactivate, name="reactivate"),
]
