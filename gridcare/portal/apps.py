from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gridcare.portal"
    label = "portal"
    verbose_name = "网上营业厅"
