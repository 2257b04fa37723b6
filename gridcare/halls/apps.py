from django.apps import AppConfig


class HallsConfig(AppConfig):
    name = "gridcare.halls"
    label = "halls"
    verbose_name = "营业厅"
