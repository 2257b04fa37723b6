"""The demo's paid services (WO-10): eight catalogue items at their prices (one rise to come), a
counter order paid in cash and a portal order to be paid for the demo customer's account, once."""

from __future__ import annotations

from decimal import Decimal

from gridcare.billing.models import Payment, ServiceItem, ServiceOrder, ServiceOrderEvent, ServicePrice
from gridcare.billing.service_demo import seed_paid_services
from gridcare.core.testing import City
from gridcare.core.timezone import business_date
from gridcare.notices.models import Notice


def _rows() -> tuple[int, ...]:
    return (
        ServiceItem.objects.count(),
        ServicePrice.objects.count(),
        ServiceOrder.objects.count(),
        ServiceOrderEvent.objects.count(),
        Payment.objects.count(),
        Notice.objects.count(),
    )


def test_the_demo_seeds_the_catalogue_and_two_orders_once(town: City) -> None:
    assert seed_paid_services(portal_ref="portal:7") == "paid services demo: 8 catalogue items, 2 service orders"
    today = business_date()
    prices = {i.code: i.prices.get(valid_from=today).price for i in ServiceItem.objects.all()}
    assert prices == {
        "LINE-REPAIR": Decimal("80.00"),
        "RCD-REPLACE": Decimal("120.00"),
        "SOCKET-REPLACE": Decimal("30.00"),
        "METER-CHECK": Decimal("50.00"),
        "SAFETY-CHECK": Decimal("150.00"),
        "EV-SURVEY": Decimal("100.00"),
        "EV-HOME-7KW": Decimal("1200.00"),
        "ENERGY-AUDIT": Decimal("200.00"),
    }
    rise = ServicePrice.objects.get(item__code="SAFETY-CHECK", valid_from__gt=today)
    assert (rise.price, rise.valid_from.day) == (Decimal("160.00"), 1)
    paid, ordered = ServiceOrder.objects.order_by("pk")
    assert (paid.account, paid.source, paid.status, paid.amount) == (town.account, "hall", "paid", Decimal("170.00"))
    assert (paid.payment.channel, paid.payment.to_service) == ("counter_cash", Decimal("170.00"))
    assert (ordered.account, ordered.source, ordered.status, ordered.amount, ordered.customer_ref) == (
        town.account,
        "portal",
        "ordered",
        Decimal("150.00"),
        "portal:7",
    )
    assert Notice.objects.filter(template_code="service_order_paid").count() == 1
    before = _rows()
    assert seed_paid_services(portal_ref="portal:7") == "paid services demo: 0 catalogue items, 0 service orders"
    assert _rows() == before
