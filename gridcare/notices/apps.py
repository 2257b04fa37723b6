from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "gridcare.notices"
    label = "notices"
    verbose_name = "客户通知"
