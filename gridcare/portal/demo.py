"""The demo's portal customer: phone 13800000000 with the demo city's first account bound, so a
newcomer can sign in on the first ``make run`` (the code is in the worker's output)."""

from __future__ import annotations

from gridcare.core import timezone as tz
from gridcare.customers.models import Account
from gridcare.portal.models import Binding, PortalUser
from gridcare.portal.pay import customer_ref

DEMO_PHONE = "13800000000"


def seed_portal() -> str:
    """The demo customer and their binding (once); returns a sentence for the seed's output."""
    account = Account.objects.order_by("pk").first()
    if account is None:
        return "portal demo: no accounts"
    now = tz.now()
    user, _created = PortalUser.objects.get_or_create(phone=DEMO_PHONE, defaults={"created_at": now})
    if not Binding.objects.filter(user=user, account=account, unbound_at__isnull=True).exists():
        Binding.objects.create(user=user, account=account, bound_at=now, proof="name")
    return f"portal demo: sign in at /portal/ with {DEMO_PHONE} (account {account.account_no} bound)"


def demo_customer_ref() -> str:
    """The demo customer as billing's orders name them ("portal:<id>"), or "" before the seed."""
    user = PortalUser.objects.filter(phone=DEMO_PHONE).first()
    return customer_ref(user) if user is not None else ""
