from django.urls import URLPattern, path, register_converter

from gridcare.keyaccounts import loads_views, plans_views, portfolio_views, visits_views

app_name = "keyaccounts"


class AccountNo:
    """A 户号 in a path: ten digits, so no other path of the app is taken for an account."""

    regex = r"[0-9]{10}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(AccountNo, "account_no")

urlpatterns: list[URLPattern] = [
    # the portfolio, visits and plans (KEY-1/2)
    path("", portfolio_views.portfolio, name="portfolio"),
    path("export/", portfolio_views.portfolio_export, name="portfolio_export"),
    path("assignments/", portfolio_views.assignments, name="assignments"),
    path("needs/", portfolio_views.needs, name="needs"),
    path("outages/<int:outage_id>/", portfolio_views.outage, name="outage"),
    path("peak-shifts/<int:order_id>/", portfolio_views.peak_shift, name="peak_shift"),
    path("visits/", visits_views.calendar_page, name="visits"),
    path("visits/<int:visit_id>/", visits_views.visit, name="visit"),
    path("needs/<int:need_id>/status/", visits_views.need_status, name="need_status"),
    path("follow-ups/<int:follow_up_id>/done/", visits_views.follow_up_done, name="follow_up_done"),
    path("plans/due/", plans_views.plans_due, name="plans_due"),
    path("plans/<int:plan_id>/", plans_views.plan, name="plan"),
    path("plans/<int:plan_id>/pdf/", plans_views.plan_file, name="plan_pdf"),
    # load data, diagnosis and findings (KEY-3/4)
    path("loads/", loads_views.loads, name="loads"),
    path("loads/<int:import_id>/", loads_views.load, name="load"),
    path("findings/", loads_views.findings, name="findings"),
    path("findings/<int:finding_id>/status/", loads_views.finding_status, name="finding_status"),
    path("<account_no:account_no>/diagnosis/", loads_views.diagnosis, name="diagnosis"),
    path("<account_no:account_no>/diagnosis.pdf", loads_views.diagnosis_file, name="diagnosis_pdf"),
    path("<account_no:account_no>/", portfolio_views.account, name="account"),
    path("<account_no:account_no>/visits/new/", visits_views.visit_new, name="visit_new"),
    path("<account_no:account_no>/plans/new/", plans_views.plan_new, name="plan_new"),
]
