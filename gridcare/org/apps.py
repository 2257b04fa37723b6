from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "gridcare.org"
    label = "org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from gridcare.org import checks  # noqa: F401 - registers the sign-in settings checks
