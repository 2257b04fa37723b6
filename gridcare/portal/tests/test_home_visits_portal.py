"""The customer's home service and mobile rounds in the portal (WO-9; issue 15): asked for a bound
account (its address, the customer's phone), once per business; followed and cancelled before the
visit (asked first); another customer's request is a 404 on the page and in the API; the coming
stops of my 台区 only; staff credentials are no customer."""

from __future__ import annotations

import json
from datetime import timedelta

from gridcare.core.testing import City, api_client
from gridcare.halls.models import HomeVisit, MobileRoundStop, RoundStatus
from gridcare.halls.tests.appointments_helpers import TUESDAY
from gridcare.portal.tests.conftest import PHONE, Customer
from gridcare.portal.tests.visit_helpers import clock, halls, page_client

__all__ = ["clock", "halls"]


def _ask(customer: Customer, account_no: str, purpose: str = "meter_test") -> object:
    body = {"account_no": account_no, "purpose": purpose, "reason": "elderly", "note": "腿脚不便"}
    return customer.api().post("/api/v1/portal/home-visits", json.dumps(body), content_type="application/json")


def test_a_customer_asks_once_follows_and_cancels(halls: City, zhang: Customer) -> None:
    client = page_client(zhang.user)
    no = halls.account.account_no
    page = client.get("/portal/home-visits/").content.decode()
    assert f"{no} · 上城区解放路1号1幢101室" in page
    posted = client.post("/portal/home-visits/", {"account_no": no, "purpose": "payment", "reason": "ill", "note": ""})
    assert posted.status_code == 302
    again = client.post("/portal/home-visits/", {"account_no": no, "purpose": "payment", "reason": "ill", "note": ""})
    assert "无需重复提交" in client.get(again["Location"]).content.decode()
    visit = HomeVisit.objects.get()
    assert (visit.phone, visit.channel, visit.address, visit.account) == (
        PHONE,
        "portal",
        halls.account.address,
        halls.account,
    )
    asked = client.post(f"/portal/home-visits/{visit.pk}/cancel/")
    assert "确定取消吗" in asked.content.decode()
    assert HomeVisit.objects.get().status == "requested"
    client.post(f"/portal/home-visits/{visit.pk}/cancel/", {"confirmed": "1"})
    assert HomeVisit.objects.get().status == "cancelled"


def test_another_customers_request_is_a_404(halls: City, zhang: Customer, li: Customer) -> None:
    made = _ask(zhang, halls.account.account_no)
    assert made.status_code == 201, made.content  # type: ignore[attr-defined]
    assert _ask(zhang, halls.account.account_no).status_code == 200  # type: ignore[attr-defined]
    visit = HomeVisit.objects.get()
    assert li.api().post(f"/api/v1/portal/home-visits/{visit.pk}/cancel").status_code == 404
    assert page_client(li.user).post(f"/portal/home-visits/{visit.pk}/cancel/", {"confirmed": "1"}).status_code == 404
    assert li.api().get("/api/v1/portal/home-visits").json() == []
    assert [v["id"] for v in zhang.api().get("/api/v1/portal/home-visits").json()] == [visit.pk]
    refused = _ask(li, halls.account.account_no)  # not li's account
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert api_client(halls.clerk).get("/api/v1/portal/home-visits").status_code == 401
    assert HomeVisit.objects.get().status == "requested"


def test_bad_input_is_a_422_on_its_field(halls: City, zhang: Customer) -> None:
    body = {"account_no": halls.account.account_no, "purpose": "key_account", "reason": "other", "note": "x\x01"}
    answer = zhang.api().post("/api/v1/portal/home-visits", json.dumps(body), content_type="application/json")
    assert answer.status_code == 422 and set(answer.json()["errors"]) == {"purpose", "note"}
    assert HomeVisit.objects.count() == 0


def test_the_coming_stops_of_my_areas_only(halls: City, zhang: Customer, li: Customer) -> None:
    def stop(status: str, days: int = 1, area: object = None) -> MobileRoundStop:
        return MobileRoundStop.objects.create(
            unit=halls.unit,
            village=f"村{status}{days}",
            area=area or halls.area,
            day=TUESDAY + timedelta(days=days - 1),
            starts_at="09:00",
            ends_at="11:00",
            place="村委会",
            status=status,
            created_at=halls.account.opened_on and TUESDAY and halls.users["admin"].date_joined,
        )

    stop(RoundStatus.PUBLISHED)
    stop(RoundStatus.DRAFT)
    stop(RoundStatus.PUBLISHED, days=60)
    assert [s["village"] for s in zhang.api().get("/api/v1/portal/rounds").json()] == ["村published1"]
    assert li.api().get("/api/v1/portal/rounds").json() == []
    assert "村published1" in page_client(zhang.user).get("/portal/rounds/").content.decode()
