"""The public survey link /s/<token>/ (no sign-in; gridcare.assessment.survey_views)."""

from django.urls import path

from gridcare.assessment import survey_views

app_name = "survey"

urlpatterns = [
    path("<str:token>/", survey_views.survey_page, name="answer"),
    path("<str:token>/done/", survey_views.survey_done, name="done"),
]
