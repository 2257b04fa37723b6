"""One customer never reaches another's data (issue 15, security): 张三 has one of everything the
portal keeps for a customer (an account with a bill, a paid payment order, a paid service order,
a ticket, an appointment, a fault report, a home visit, an e-invoice of his payment); 李四 (with an
e-invoice of his own), signed in with his own account,
walks every portal page and every /api/v1/portal/ operation with 张三's numbers in the path, by
GET and by POST (or PUT, DELETE). Each answers 李四 404 (a page that is only an action: 405 to a GET), as for a number that does not exist, and
writes nothing; the same paths answer 张三 without a 404 or an error. A route added later with a
path parameter fails the walk until it is listed here."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone
from pytest_django import Settings

from gridcare.billing.models import PaymentOrder, ServiceOrder
from gridcare.billing.services import service_catalogue as catalogue
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City
from gridcare.core.timezone import business_date
from gridcare.halls.models import HomeVisit
from gridcare.invoicing.models import Invoice
from gridcare.invoicing.services import invoices_work
from gridcare.org.access import scope_for
from gridcare.portal import urls as portal_urls
from gridcare.portal.models import Binding
from gridcare.portal.tests.conftest import Customer
from gridcare.portal.tests.visit_helpers import clock, halls, page_client, written

__all__ = ["clock", "halls"]

# The path parameters naming something of a customer's, and those naming what everyone may see.
OWNED = {"account_no", "period", "order_no", "ticket_id", "reference", "number", "visit_id", "invoice_id"}
# article_id: the public help (knowledge).
PUBLIC = {"hall_code", "kind", "publication_id", "article_id"}

# A body each POST or PUT would accept from its owner, so that 李四's 404 is about the owner.
PAGE_BODIES: dict[str, dict[str, str]] = {
    "pay": {"purpose": "bill", "amount": "1.00", "provider": "simulated", "key": "0" * 32, "confirmed": "1"},
    "pay_sim": {"action": "confirm"},
    "visit_ticket_rate": {"rating": "satisfied"},
    "request_callback": {"satisfied": "1"},
    "request_rate": {"score": "5"},
    "service_pay": {"provider": "simulated", "confirmed": "1"},
}
API_BODIES: dict[str, dict[str, Any]] = {
    "POST /api/v1/portal/accounts/{account_no}/payment-orders": {
        "purpose": "bill",
        "amount": "1.00",
        "provider": "simulated",
    },
    "POST /api/v1/portal/service-orders/{order_no}/pay": {"provider": "simulated"},
    "POST /api/v1/portal/tickets/{ticket_id}/rating": {"rating": "satisfied"},
    "POST /api/v1/portal/requests/{number}/callback": {"satisfied": True},
    "POST /api/v1/portal/requests/{number}/rating": {"score": 5},
}


def _json(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    if method.lower() == "get":
        return client.get(url)
    call = getattr(client, method.lower())
    return call(url, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def zhangs(halls: City, zhang: Customer, li: Customer, settings: Settings) -> dict[str, str]:
    """张三's things, made through the portal as he would make them; the values of the path
    parameters that name them (``order_no`` twice: the payment order's and the service order's)."""
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }
    catalogue.service_item_create(
        scope=scope_for(halls.admin),
        actor=halls.admin,
        code="METER-TEST",
        data=catalogue.ItemData(
            name="电能表校验", category="testing", unit="次", price=Decimal("30.00"), valid_from=business_date()
        ),
    )
    issued_bill(halls.account, "2026-10", "88.00", date(2030, 1, 25))
    no = halls.account.account_no
    api, pages = zhang.api(), page_client(zhang.user)

    def made(url: str, body: dict[str, Any]) -> Any:
        answer = _json(api, "POST", url, body)
        assert answer.status_code in (200, 201), (url, answer.content)
        return answer.json()

    paid = made(f"/api/v1/portal/accounts/{no}/payment-orders", {"purpose": "bill", "provider": "simulated"})
    pages.post(f"/portal/pay/sim/{paid['order_no']}/", {"action": "confirm"})
    service = made(
        "/api/v1/portal/service-orders", {"account_no": no, "lines": [{"code": "METER-TEST", "quantity": 1}]}
    )
    service_pay = made(f"/api/v1/portal/service-orders/{service['order_no']}/pay", {"provider": "simulated"})
    pages.post(f"/portal/pay/sim/{service_pay['order_no']}/", {"action": "confirm"})
    assert set(PaymentOrder.objects.values_list("status", flat=True)) == {"paid"}
    assert ServiceOrder.objects.get().status == "paid"
    ticket = made("/api/v1/portal/tickets", {"hall": "H1", "business_type": "payment", "account_no": no})
    booked = made(
        "/api/v1/portal/appointments",
        {"hall": "H1", "business_type": "payment", "date": "2026-11-24", "start": "10:00", "account_no": no},
    )
    order = made("/api/v1/portal/requests", {"type": "fault", "account_no": no, "text": "家里突然停电了"})
    visit = made("/api/v1/portal/home-visits", {"account_no": no, "purpose": "meter_test", "reason": "elderly"})
    # An e-invoice each: 张三's of his bill's payment, 李四's of a payment at the counter.
    his = PaymentIn("wechat", "LI-1", halls.other_unit_account.account_no, Decimal("50.00"), timezone.now())
    payment_post(scope=scope_for(halls.admin), actor=halls.admin, data=his)
    assert invoices_work().issued == 2
    invoice = Invoice.objects.get(account=halls.account)
    assert Invoice.objects.exclude(account=halls.account).count() == 1
    return {
        "account_no": no,
        "period": "2026-10",
        "payment_order_no": paid["order_no"],
        "service_order_no": service["order_no"],
        "ticket_id": str(ticket["id"]),
        "reference": booked["reference"],
        "number": order["number"],
        "visit_id": str(visit["id"]),
        "invoice_id": str(invoice.pk),
        "hall_code": "H1",
        "kind": "fault",
    }


def everything() -> tuple[Any, ...]:
    return (
        written(),
        list(PaymentOrder.objects.order_by("pk").values_list("pk", "status")),
        list(ServiceOrder.objects.order_by("pk").values_list("pk", "status")),
        list(HomeVisit.objects.order_by("pk").values_list("pk", "status")),
        list(Binding.objects.order_by("pk").values_list("pk", "unbound_at")),
    )


def _value(name: str, param: str, values: dict[str, str]) -> str:
    if param == "order_no":
        return values["service_order_no" if name.startswith("service") else "payment_order_no"]
    return values[param]


def test_every_portal_page_answers_another_customer_404_and_writes_nothing(
    zhangs: dict[str, str], zhang: Customer, li: Customer
) -> None:
    walked = []
    for pattern in portal_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        params = set(re.findall(r"<(?:\w+:)?(\w+)>", str(pattern.pattern)))
        assert params <= OWNED | PUBLIC, f"{pattern.name}: list its parameters in OWNED or PUBLIC"
        if not params & OWNED:
            continue
        name = str(pattern.name)
        url = reverse(f"portal:{name}", kwargs={p: _value(name, p, zhangs) for p in params})
        before = everything()
        theirs = page_client(li.user)
        assert theirs.get(url).status_code in (404, 405), f"GET {url} as 李四"  # 405: an action's URL
        assert theirs.post(url, PAGE_BODIES.get(name, {"confirmed": "1"})).status_code == 404, f"POST {url} as 李四"
        assert everything() == before, url
        mine = page_client(zhang.user).get(url).status_code
        assert mine in (200, 302, 405), f"GET {url} as 张三: {mine}"
        walked.append(name)
    assert sorted(walked) == sorted(
        [
            "unbind",
            "bills",
            "pay_result",
            "pay_go",
            "pay_receipt",
            "pay_sim",
            "pay",
            "service_order",
            "service_pay",
            "service_cancel",
            "service_receipt",
            "bill",
            "bill_pdf",
            "usage",
            "visit_ticket",
            "visit_ticket_cancel",
            "visit_ticket_rate",
            "visit_appointment_cancel",
            "home_visit_cancel",
            "request",
            "request_callback",
            "request_rate",
            "request_survey",
            "invoice_pdf",
        ]
    )


def test_every_portal_operation_answers_another_customer_404_and_writes_nothing(
    zhangs: dict[str, str], zhang: Customer, li: Customer
) -> None:
    doc = zhang.api().get("/api/v1/openapi.json").json()
    walked = []
    for path, operations in doc["paths"].items():
        if not path.startswith("/api/v1/portal/"):
            continue
        params = set(re.findall(r"\{(\w+)\}", path))
        assert params <= OWNED | PUBLIC, f"{path}: list its parameters in OWNED or PUBLIC"
        if not params & OWNED:
            continue
        name = "service" if path.startswith("/api/v1/portal/service-orders/") else ""
        url = path
        for p in params:
            url = url.replace("{" + p + "}", _value(name, p, zhangs))
        for method in operations:
            label = f"{method.upper()} {path}"
            before = everything()
            theirs = _json(li.api(), method, url, API_BODIES.get(label))
            assert theirs.status_code == 404, f"{label} as 李四: {theirs.status_code} {theirs.content[:200]!r}"
            assert everything() == before, label
            if method == "get":
                mine = zhang.api().get(url).status_code
                assert mine == 200, f"{label} as 张三: {mine}"
            walked.append(label)
    assert sorted(walked) == sorted(
        [
            "DELETE /api/v1/portal/accounts/{account_no}",
            "GET /api/v1/portal/accounts/{account_no}/bills",
            "POST /api/v1/portal/accounts/{account_no}/payment-orders",
            "GET /api/v1/portal/payment-orders/{order_no}",
            "GET /api/v1/portal/service-orders/{order_no}",
            "POST /api/v1/portal/service-orders/{order_no}/pay",
            "GET /api/v1/portal/accounts/{account_no}/bills/{period}",
            "GET /api/v1/portal/accounts/{account_no}/bills/{period}/pdf",
            "GET /api/v1/portal/accounts/{account_no}/usage",
            "GET /api/v1/portal/accounts/{account_no}/usage/daily",
            "GET /api/v1/portal/accounts/{account_no}/forecast",
            "GET /api/v1/portal/tickets/{ticket_id}",
            "POST /api/v1/portal/tickets/{ticket_id}/cancel",
            "POST /api/v1/portal/tickets/{ticket_id}/rating",
            "POST /api/v1/portal/appointments/{reference}/cancel",
            "GET /api/v1/portal/requests/{number}",
            "POST /api/v1/portal/requests/{number}/callback",
            "POST /api/v1/portal/requests/{number}/rating",
            "POST /api/v1/portal/home-visits/{visit_id}/cancel",
        ]
    )
