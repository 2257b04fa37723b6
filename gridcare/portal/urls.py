from django.urls import path

from gridcare.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login, name="login"),
    path("login/verify/", views.verify, name="verify"),
    path("logout/", views.logout, name="logout"),
    path("elderly/", views.elderly, name="elderly"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<str:account_no>/unbind/", views.unbind, name="unbind"),
    path("accounts/<str:account_no>/bills/", views.bills, name="bills"),
]
