from django.urls import path

from gridcare.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:name>/", views.detail, name="detail"),
    path("<slug:name>/runs/export/", views.runs_export, name="runs_export"),
    path("<slug:name>/run/", views.run, name="run"),
]
