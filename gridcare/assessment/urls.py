from django.urls import path

from gridcare.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.figures, name="figures"),
    path("export/", views.figures_export, name="figures_export"),
    path("<str:level>/<int:key>/", views.drill, name="drill"),
]
