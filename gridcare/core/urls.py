from django.urls import path

from gridcare.core import views

app_name = "calendar"

urlpatterns = [
    path("", views.calendar_list, name="list"),
    path("<int:year>/", views.calendar_year, name="year"),
]
