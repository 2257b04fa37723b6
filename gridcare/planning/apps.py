from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "gridcare.planning"
    label = "planning"
    verbose_name = "服务规划"
