"""Issue 11 item 2: a payment's time lies within the configured window around now and its
amount within the channel's maximum; absurd numbers answer 422, never 500, and write nothing."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gridcare.billing.models import Bill, Payment, PaymentAllocation, PrepaidBalance
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, api_client
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, payment_window: dict[str, object]) -> datetime:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return NOW


def _state() -> tuple[int, int, int, int, list[Decimal]]:
    return (
        Payment.objects.count(),
        PaymentAllocation.objects.count(),
        PrepaidBalance.objects.count(),
        Notice.objects.count(),
        list(Bill.objects.values_list("paid", flat=True)),
    )


def _post(town: City, body: str) -> tuple[int, dict[str, object]]:
    answer = api_client(town.clerk).post("/api/v1/payments", data=body, content_type="application/json")
    return answer.status_code, answer.json()


def _body(
    town: City, *, amount: str = "100.00", paid_at: str = "2026-11-20T09:30:00+08:00", channel: str = "wechat"
) -> str:
    # amount is spliced in raw so that JSON numbers like 1e26 reach the API as numbers.
    return (
        f'{{"channel": "{channel}", "channel_txn_id": "WX-1", "account_no": "{town.account.account_no}", '
        f'"amount": {amount}, "paid_at": "{paid_at}"}}'
    )


@pytest.mark.parametrize(
    ("paid_at", "message"),
    [
        ("0001-01-01T00:00:00+08:00", "缴费时间应在 15 天前至 10 分钟后之间（现在 2026-11-20 10:00）。"),
        ("2099-01-01T00:00:00+08:00", "缴费时间应在 15 天前至 10 分钟后之间（现在 2026-11-20 10:00）。"),
        ("2026-11-05T09:59:00+08:00", "缴费时间应在 15 天前至 10 分钟后之间（现在 2026-11-20 10:00）。"),
        ("2026-11-20T10:11:00+08:00", "缴费时间应在 15 天前至 10 分钟后之间（现在 2026-11-20 10:00）。"),
    ],
)
def test_a_paid_at_outside_the_window_is_refused_and_nothing_is_written(
    town: City, clock: datetime, paid_at: str, message: str
) -> None:
    issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    before = _state()
    status, body = _post(town, _body(town, paid_at=paid_at))
    assert (status, body["errors"]) == (422, {"paid_at": message})
    assert _state() == before


def test_the_edges_of_the_window_are_accepted(town: City, clock: datetime) -> None:
    issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    oldest = (NOW - timedelta(days=15)).isoformat()
    status, _ = _post(town, _body(town, paid_at=oldest))
    assert status == 201
    latest = (NOW + timedelta(minutes=10)).isoformat()
    status, _ = _post(town, _body(town, paid_at=latest).replace("WX-1", "WX-2"))
    assert status == 201
    assert Payment.objects.count() == 2


@pytest.mark.parametrize(
    ("amount", "channel", "message"),
    [
        ("999999999999.99", "wechat", "单笔缴费金额不能超过 50000.00 元（微信）。"),
        ("50000.01", "wechat", "单笔缴费金额不能超过 50000.00 元（微信）。"),
        ("5000.01", "kiosk", "单笔缴费金额不能超过 5000.00 元（自助缴费终端）。"),
        ("1e26", "wechat", "单笔缴费金额不能超过 50000.00 元（微信）。"),
        ("1e300", "counter_card", "单笔缴费金额不能超过 10000000.00 元（营业厅刷卡）。"),
        ('"NaN"', "wechat", "格式不正确。"),  # refused by the API's schema already
        ('"Infinity"', "wechat", "格式不正确。"),
        ("-5", "wechat", "缴费金额必须大于零。"),
        ("0", "wechat", "缴费金额必须大于零。"),
        ("10.001", "wechat", "缴费金额最多两位小数。"),
    ],
)
def test_an_implausible_amount_answers_422_and_writes_nothing(
    town: City, clock: datetime, amount: str, channel: str, message: str
) -> None:
    issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    before = _state()
    status, body = _post(town, _body(town, amount=amount, channel=channel))
    assert status == 422, body
    assert body["errors"] == {"amount": message}
    assert _state() == before


def test_the_channel_maximum_itself_is_accepted(town: City, clock: datetime) -> None:
    issued_bill(town.account, "2026-10", "100.00", date(2026, 11, 25))
    status, body = _post(town, _body(town, amount="50000.00"))
    assert status == 201
    assert (body["to_bills"], body["to_prepaid"]) == ("100.00", "49900.00")


def test_a_body_that_is_not_json_numbers_is_422_not_500(town: City, clock: datetime) -> None:
    status, body = _post(town, json.dumps({"channel": "wechat", "amount": {"x": 1}}))
    assert status == 422
    assert set(body) == {"detail", "errors"}
    assert Payment.objects.count() == 0
