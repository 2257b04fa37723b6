"""Security review finding 17 (notices): times, months, loads and dates are checked on the API and
the pages with a Chinese message (422 on the API), never a 500, and nothing is written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridcare.core.testing import City, api_client, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice, Outage, OutageStatus
from gridcare.notices.signature import sign
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import MORNING, SECRET
from gridcare.notices.tests.helpers import queue, send

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)
WINDOW = "应在30天前至366天后之间。"


@pytest.fixture(autouse=True)
def _clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _outage(starts_at: str, ends_at: str) -> dict[str, Any]:
    return {"kind": "emergency", "reason": "变压器故障", "starts_at": starts_at, "ends_at": ends_at, "areas": ["T1"]}


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "errors"),
    [
        ("0001-01-01T00:00:00+08:00", "2026-11-24T12:00:00+08:00", {"starts_at": WINDOW}),
        ("2026-11-24T08:00:00+08:00", "9999-12-31T23:59:59-12:00", {"ends_at": WINDOW}),
        ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59+08:00", {"starts_at": WINDOW, "ends_at": WINDOW}),
        ("2026-11-24T08:00:00+08:00", "2026-12-30T08:00:00+08:00", {"ends_at": "一次停电不能超过720小时。"}),
    ],
)
def test_an_implausible_outage_time_is_refused_with_its_reason(
    town: City, starts_at: str, ends_at: str, errors: dict[str, str]
) -> None:
    response = _post(api_client(town.planner), "/api/v1/outages", _outage(starts_at, ends_at))
    assert response.status_code == 422
    assert response.json() == {"detail": "停电未登记。", "errors": errors}
    assert (Outage.objects.count(), Notice.objects.count()) == (0, 0)


def test_an_outage_time_without_a_zone_is_shanghai_time(town: City) -> None:
    response = _post(api_client(town.planner), "/api/v1/outages", _outage("2026-11-24T08:00:00", "2026-11-24T12:00:00"))
    assert response.status_code == 201
    assert Outage.objects.values_list("starts_at", flat=True).get() == datetime(2026, 11, 24, 8, 0, tzinfo=SHANGHAI)


def test_the_outage_page_refuses_year_one_and_writes_nothing(town: City) -> None:
    form = {"kind": "emergency", "reason": "变压器故障", "starts_at": "0001-01-01T00:00", "ends_at": "2026-11-24T12:00"}
    page = signed_in(town.planner).post("/notices/outages/new/", {**form, "areas": "T1"})
    assert page.status_code == 200 and WINDOW in page.content.decode()
    assert Outage.objects.count() == 0


@pytest.mark.parametrize(
    "restored_at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00", "2026-11-25T09:00:00"]
)
def test_an_implausible_restoration_time_is_refused_and_changes_nothing(town: City, restored_at: str) -> None:
    client = api_client(town.planner)
    outage = _post(client, "/api/v1/outages", {**_outage("2026-11-24T08:00:00+08:00", "2026-11-24T12:00:00+08:00")})
    number = outage.json()["id"]
    response = _post(client, f"/api/v1/outages/{number}/restore", {"restored_at": restored_at})
    assert response.status_code == 422
    assert response.json()["errors"] == {"restored_at": "应晚于停电开始时间，且不晚于现在。"}
    assert Outage.objects.values_list("status", "restored_at").get() == (OutageStatus.ANNOUNCED, None)


@pytest.mark.parametrize("month", ["0001-01", "9999-12", "1999-12", "2028-01"])
def test_a_reliability_month_outside_the_records_is_refused(town: City, month: str) -> None:
    response = api_client(town.planner).get(f"/api/v1/outages/reliability?unit=U1&month={month}")
    assert response.status_code == 422
    assert response.json() == {"detail": "月份格式不正确。", "errors": {"month": "月份应在 2000-01 至 2027-12 之间。"}}


@pytest.mark.parametrize(
    ("day", "limit_kw", "errors"),
    [
        ("2026-12-01", 10**30, {"limit_kw": "负荷上限不能超过10000000 kW。"}),
        ("2026-12-01", 2**63, {"limit_kw": "负荷上限不能超过10000000 kW。"}),
        ("9999-12-31", 800, {"day": "错峰日期应在今天至366天后之间。"}),
        ("0001-01-01", 800, {"day": "错峰日期应在今天至366天后之间。"}),
        ("2026-11-23", 800, {"day": "错峰日期应在今天至366天后之间。"}),
    ],
)
def test_an_implausible_peak_shifting_order_is_refused(
    town: City, day: str, limit_kw: int, errors: dict[str, str]
) -> None:
    order = {"feeders": ["F1"], "day": day, "start": "10:00", "end": "12:00", "limit_kw": limit_kw}
    response = _post(api_client(town.kam), "/api/v1/notices/peak-shift", order)
    assert response.status_code == 422
    assert response.json() == {"detail": "错峰通知未发布。", "errors": errors}
    assert Notice.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-12:00", "2020-01-01T00:00:00+08:00"])
def test_a_receipt_with_an_implausible_handset_time_is_taken_as_now(
    gateway: LocalSmsGateway, monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    notice = queue()
    send(MORNING)
    arrived = MORNING + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: arrived)
    body = json.dumps({"receipts": [{**r, "at": at} for r in gateway.receipts()]}).encode()
    response = Client().post(
        "/api/v1/notices/receipts", body, content_type="application/json", headers={"X-Signature": sign(SECRET, body)}
    )
    assert response.json() == {"applied": 1, "ignored": 0, "unknown": 0}
    notice.refresh_from_db()
    assert (notice.status, notice.delivered_at) == ("delivered", arrived)
