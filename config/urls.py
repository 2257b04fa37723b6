from django.contrib import admin
from django.urls import include, path

from config.api import api
from gridcare.core import confirmations

urlpatterns = [
    path("", include("gridcare.org.urls")),
    path("customers/", include("gridcare.customers.urls")),
    path("workorders/", include("gridcare.workorders.urls")),
    path("billing/", include("gridcare.billing.urls")),
    path("halls/", include("gridcare.halls.urls")),
    path("notices/", include("gridcare.notices.urls")),
    path("calendar/", include("gridcare.core.urls")),
    path("jobs/", include("gridcare.jobs.urls")),
    path("assessment/", include("gridcare.assessment.urls")),
    path("portal/", include("gridcare.portal.urls")),
    path("key-accounts/", include("gridcare.keyaccounts.urls")),
    path("planning/", include("gridcare.planning.urls")),
    path("knowledge/", include("gridcare.knowledge.urls")),
    path("invoices/", include("gridcare.invoicing.urls")),
    path("s/", include("gridcare.assessment.survey_urls")),  # a survey's SMS link (no sign-in)
    path("confirmations/dismiss/", confirmations.dismiss, name="dismiss_confirmation"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]

# The site's own error pages (gridcare.core.errors): Chinese by default, the navigation, a way back.
handler403 = "gridcare.core.errors.permission_denied"
handler404 = "gridcare.core.errors.page_not_found"
handler500 = "gridcare.core.errors.server_error"
