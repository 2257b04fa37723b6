from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from gridcare.portal.access import portal_session, signed_in_customer


def portal(request: HttpRequest) -> dict[str, Any]:
    """The portal pages' customer and 长辈模式 (the customer's choice, else the session's)."""
    if not request.path.startswith("/portal/"):
        return {}
    customer = signed_in_customer(request)
    elderly = customer.elderly_mode if customer is not None else bool(portal_session(request).get("elderly"))
    return {"portal_customer": customer, "portal_elderly": elderly}
