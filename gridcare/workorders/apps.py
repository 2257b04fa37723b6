from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "gridcare.workorders"
    label = "workorders"
    verbose_name = "95598工单"
