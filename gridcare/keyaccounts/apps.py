from django.apps import AppConfig


class KeyAccountsConfig(AppConfig):
    name = "gridcare.keyaccounts"
    label = "keyaccounts"
    verbose_name = "大客户服务"
