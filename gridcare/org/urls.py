from django.contrib.auth import views as auth_views
from django.urls import include, path

from gridcare.org import search, views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search.search, name="search"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("security/", include("gridcare.org.security_urls")),
    path("crews/", include("gridcare.org.crew_urls")),
]
