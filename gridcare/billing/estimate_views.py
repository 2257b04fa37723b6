"""估抄 page: /billing/readings/estimated/, the estimated readings waiting for a true-up."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridcare.billing.estimate_selectors import estimates_waiting
from gridcare.core.paging import paginate, sort_rows
from gridcare.core.views import staff_required
from gridcare.org.access import Capability, can, request_scope, require

ORDERS: dict[str, tuple[str, ...]] = {
    "period": ("period", "account__account_no"),
    "account": ("account__account_no", "period"),
    "kwh": ("kwh", "account__account_no"),
}


@staff_required
def estimated_readings(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.METER_EXCHANGE)
    rows, sorting = sort_rows(request, estimates_waiting(scope=scope), ORDERS)
    context = {
        "rows": paginate(request, rows),
        "sorting": sorting,
        "can_bill": can(scope, Capability.BILLING_OFFICE),
    }
    return render(request, "billing/estimated_readings.html", context)
