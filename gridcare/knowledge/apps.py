from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "gridcare.knowledge"
    label = "knowledge"
    verbose_name = "营销服务知识库"
