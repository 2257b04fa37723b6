from django.urls import URLPattern, path  # noqa: F401 (the parts add their paths here)

app_name = "keyaccounts"

urlpatterns: list[URLPattern] = []
