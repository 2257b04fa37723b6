"""The customer's outages and the public notices of their area (SELF-2, SELF-3):
/portal/outages/ (planned and fault outages cutting off a bound account, coming and past) and
/portal/notices/ (tariff changes, hall hours, outages, campaigns published for their area)."""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gridcare.notices.selectors import publication_area_label
from gridcare.portal import usage_selectors as usage
from gridcare.portal.access import customer_required, request_customer
from gridcare.portal.models import Binding, PortalUser

HOME_NOTICES = 3


@customer_required
def outages(request: HttpRequest) -> HttpResponse:
    found = usage.my_outages(request_customer(request))
    context = {"coming": [o for o in found if o.coming], "past": [o for o in found if not o.coming], "here": "outages"}
    return render(request, "portal/outages.html", context)


@customer_required
def notices(request: HttpRequest) -> HttpResponse:
    rows = [(p, publication_area_label(p)) for p in usage.my_publications(request_customer(request))]
    return render(request, "portal/notices.html", {"rows": rows, "here": "notices"})


@customer_required
def notice(request: HttpRequest, publication_id: int) -> HttpResponse:
    found = usage.my_publication(request_customer(request), publication_id)
    return render(request, "portal/notice.html", {"p": found, "area": publication_area_label(found)})


def home_news(customer: PortalUser, bound: Sequence[Binding]) -> dict[str, object]:
    """What the home page shows of these: the coming outages of the customer's accounts and the
    latest notices of their area (``bound``: the customer's bindings, read once for the page)."""
    return {
        "coming_outages": [o for o in usage.my_outages(customer, bound=bound) if o.coming],
        "latest_notices": usage.my_publications(customer, limit=HOME_NOTICES, bound=bound),
    }
