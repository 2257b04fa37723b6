from django.urls import path

from gridcare.org import views

app_name = "security"
urlpatterns = [
    path("", views.security_locks, name="locks"),
    path("unlock/", views.security_unlock, name="unlock"),
    path("tokens/", views.security_tokens, name="tokens"),
    path("tokens/export/", views.security_tokens_export, name="tokens_export"),
    path("tokens/<int:token_id>/revoke/", views.security_token_revoke, name="token_revoke"),
    path("events/", views.security_events, name="events"),
    path("events/export/", views.security_events_export, name="events_export"),
]
