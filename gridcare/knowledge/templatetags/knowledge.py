"""``{% bill_advice account period portal=False %}``: the energy-saving advice of a bill whose
usage is unusual (SELF-4), with the reason and links to the articles, for the staff bill page
(billing/account.html) and the portal's bill page: one line in each, no change to their views."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from gridcare.customers.models import Account
from gridcare.knowledge import selectors

register = template.Library()


@register.inclusion_tag("knowledge/_bill_advice.html")
def bill_advice(account: Account, period: str | None = None, portal: bool = False) -> dict[str, Any]:
    """``period`` None: the account's latest bill."""
    period = period or selectors.latest_period(account)
    advice = (
        selectors.bill_advice(account=account, period=period, public=portal, on=timezone.localdate())
        if period
        else None
    )
    return {"advice": advice, "portal": portal, "period": period}
