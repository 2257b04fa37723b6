"""The public survey link /s/<token>/ (no sign-in; gridcare.assessment.survey_views)."""

from django.urls import path

from gridcare.assessment import survey_views

app_name = "survey"

urlpatterns = [
    # The evaluation pad's QR code after a rating: the survey offered for that ticket.
    path("pad/<int:ticket_id>/<str:token>/", survey_views.pad_offer, name="pad_offer"),
    path("<str:token>/", survey_views.survey_page, name="answer"),
    path("<str:token>/done/", survey_views.survey_done, name="done"),
]
