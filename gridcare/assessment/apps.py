from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "gridcare.assessment"
    label = "assessment"
    verbose_name = "优质服务考核"
