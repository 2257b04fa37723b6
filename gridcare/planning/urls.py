from django.urls import URLPattern, path

from gridcare.planning import views

app_name = "planning"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    # staffing plans (PLAN-1), the simulated hall day (PLAN-2), the outlet network (PLAN-3): each
    # part's paths are added here as it is built.
]
