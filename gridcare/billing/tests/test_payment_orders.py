"""Online payment orders (BILL-4, BILL-5; issue 15): made with every check, one per double click,
paid exactly once by the provider's signed notification through payment_post, refused when forged,
tampered or for another amount (nothing changed), closed when they expire or are cancelled."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from gridcare.billing.exceptions import AmountMismatch, BadNotification, ProviderUnavailable
from gridcare.billing.models import (
    Bill,
    BillStatus,
    Payment,
    PaymentOrder,
    PaymentOrderEvent,
    PrepaidBalance,
)
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.services.providers import PROVIDERS, RawNotification, configured_providers
from gridcare.billing.services.providers.simulated import HEADER, Simulated
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.testing import City, run_together
from gridcare.customers.models import AccountStatus

REF = "portal:1"
SIM: Simulated = PROVIDERS["simulated"]  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _providers(settings: SettingsWrapper) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": {"ENABLED": False},
        "alipay": {"ENABLED": False},
    }


def _order(town: City, **more: Any) -> PaymentOrder:
    args: dict[str, Any] = {
        "account": town.account,
        "purpose": "bill",
        "provider": "simulated",
        "origin": "web",
        "customer_ref": REF,
    }
    order, created = orders.payment_order_create(**(args | more))
    assert created
    return order


def _state() -> tuple[Any, ...]:
    return (
        Payment.objects.count(),
        list(PaymentOrder.objects.order_by("pk").values_list("status", "payment_id", "provider_txn_id")),
        PaymentOrderEvent.objects.count(),
        list(Bill.objects.order_by("pk").values_list("paid", "status")),
        PrepaidBalance.objects.count(),
    )


def test_a_bill_order_is_the_amount_due_and_expires_in_30_minutes(town: City) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    order = _order(town)
    assert (order.amount, order.purpose, order.channel, order.status) == (Decimal("88.00"), "bill", "web", "created")
    assert order.expires_at - order.created_at == timedelta(minutes=30)
    assert order.order_no.startswith("PO") and len(order.order_no) == 24
    assert list(order.events.values_list("type", "parameters")) == [
        ("created", {"amount": "88.00", "provider": "simulated", "purpose": "bill"})
    ]


@pytest.mark.parametrize(
    ("more", "field", "message"),
    [
        ({"amount": Decimal("0")}, "amount", "缴费金额必须大于零。"),
        ({"amount": Decimal("-5")}, "amount", "缴费金额必须大于零。"),
        ({"amount": Decimal("1.001")}, "amount", "缴费金额最多两位小数。"),
        ({"amount": Decimal("NaN")}, "amount", "缴费金额不是有效数字。"),
        ({"amount": Decimal("50000.01")}, "amount", "单笔缴费金额不能超过 50000.00 元（95598网站）。"),
        ({"purpose": "topup"}, "amount", "请填写预存金额。"),
        ({"purpose": "gift"}, "purpose", "缴费用途应为“缴纳电费”或“预存电费”。"),
        ({"provider": "paypal"}, "provider", "没有这种支付方式。"),
        ({"provider": "wechat"}, "provider", "微信支付 暂未开通。"),
        ({"origin": "kiosk"}, "origin", "缴费来源应为网站或App。"),
    ],
)
def test_a_refused_order_names_its_field_and_writes_nothing(
    town: City, more: dict[str, Any], field: str, message: str
) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    args: dict[str, Any] = {
        "account": town.account,
        "purpose": "bill",
        "provider": "simulated",
        "origin": "web",
        "customer_ref": REF,
    }
    with pytest.raises(InvalidInput) as refused:
        orders.payment_order_create(**(args | more))
    assert refused.value.errors[field] == message
    assert not PaymentOrder.objects.exists() and not PaymentOrderEvent.objects.exists()


def test_nothing_due_is_no_bill_order_but_may_be_topped_up(town: City) -> None:
    with pytest.raises(InvalidInput) as refused:
        _order(town)
    assert refused.value.errors == {
        "purpose": f"户号 {town.account.account_no} 当前没有应缴电费；如需预存，请选择“预存电费”。"
    }
    topup = _order(town, purpose="topup", amount=Decimal("200.00"))
    assert (topup.amount, topup.purpose) == (Decimal("200.00"), "topup")


def test_a_closed_account_is_not_topped_up(town: City) -> None:
    town.account.status = AccountStatus.CLOSED
    town.account.save(update_fields=["status"])
    with pytest.raises(InvalidInput) as refused:
        _order(town, purpose="topup", amount=Decimal("10.00"))
    assert refused.value.errors == {"purpose": f"户号 {town.account.account_no} 已销户，不能预存电费。"}
    assert not PaymentOrder.objects.exists()


def test_a_double_click_makes_one_order(town: City) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    args: dict[str, Any] = {
        "account": town.account,
        "purpose": "bill",
        "provider": "simulated",
        "origin": "web",
        "customer_ref": REF,
    }
    first, created = orders.payment_order_create(**args, idempotency_key="k1")
    again, created_again = orders.payment_order_create(**args, idempotency_key="k1")
    no_key, created_no_key = orders.payment_order_create(**args)  # the same open order
    assert (created, created_again, created_no_key) == (True, False, False)
    assert first.pk == again.pk == no_key.pk
    with pytest.raises(Conflict) as refused:
        orders.payment_order_create(**args | {"amount": Decimal("10.00")}, idempotency_key="k1")
    assert refused.value.errors == {"idempotency_key": "请为新的订单使用新的幂等键。"}
    other_customer, created_other = orders.payment_order_create(**args | {"customer_ref": "portal:2"})
    assert created_other and other_customer.pk != first.pk
    assert PaymentOrder.objects.count() == 2


def test_the_simulated_notification_twice_posts_one_payment(town: City) -> None:
    bill = issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    order = _order(town)
    note = SIM.notification(order_no=order.order_no, amount=order.amount)
    first = orders.payment_order_notified(provider="simulated", notification=note)
    after_first = _state()
    second = orders.payment_order_notified(provider="simulated", notification=note)
    assert (first.created, second.created) == (True, False)
    assert first.payment is not None and second.payment is not None and first.payment.pk == second.payment.pk
    assert _state() == after_first  # the retry changed nothing
    payment = Payment.objects.get()
    assert (payment.channel, payment.channel_txn_id, payment.amount, payment.posted_by) == (
        "web",
        f"SIM{order.order_no}",
        Decimal("88.00"),
        None,
    )
    bill.refresh_from_db()
    assert (bill.paid, bill.status) == (Decimal("88.00"), BillStatus.PAID)
    order.refresh_from_db()
    assert (order.status, order.payment_id, order.provider_txn_id) == ("paid", payment.pk, f"SIM{order.order_no}")
    assert order.paid_at == payment.paid_at
    assert list(order.events.values_list("type", flat=True)) == ["created", "paid"]
    assert first.acknowledgement.body == b'{"code":"SUCCESS"}'


def test_a_topup_goes_to_the_prepaid_balance(town: City) -> None:
    order = _order(town, purpose="topup", amount=Decimal("150.00"))
    orders.payment_order_notified(
        provider="simulated", notification=SIM.notification(order_no=order.order_no, amount=order.amount)
    )
    assert PrepaidBalance.objects.get(account=town.account).balance == Decimal("150.00")


def _forged(order: PaymentOrder) -> list[RawNotification]:
    good = SIM.notification(order_no=order.order_no, amount=order.amount)
    tampered = good.body.replace(b'"amount": "88.00"', b'"amount": "8.00"')
    assert tampered != good.body
    return [
        RawNotification.of({HEADER: "0" * 64}, good.body),  # a signature that is not the key's
        RawNotification.of({HEADER: good.headers[HEADER]}, tampered),  # the body changed after signing
        RawNotification.of({}, good.body),  # no signature
        RawNotification.of({HEADER: Simulated().sign(good.body).upper()}, good.body),  # not the hex it signs
    ]


def test_forged_or_tampered_notifications_are_refused_and_change_nothing(town: City, settings: SettingsWrapper) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    order = _order(town)
    before = _state()
    signed_before = SIM.notification(order_no=order.order_no, amount=order.amount)
    for raw in _forged(order):
        with pytest.raises(BadNotification) as refused:
            orders.payment_order_notified(provider="simulated", notification=raw)
        assert refused.value.status_code == 401
        assert refused.value.message == "支付通知未通过验证，已拒绝：签名不正确"
    settings.GRIDCARE_PAYMENT_PROVIDERS = {"simulated": {"ENABLED": True, "KEY": "another key"}}
    with pytest.raises(BadNotification):  # signed with the key of before
        orders.payment_order_notified(provider="simulated", notification=signed_before)
    assert _state() == before


def test_another_amount_is_refused_and_logged(town: City, caplog: pytest.LogCaptureFixture) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    order = _order(town)
    wrong = SIM.notification(order_no=order.order_no, amount=Decimal("8.80"))
    with caplog.at_level(logging.ERROR, logger="gridcare.payments"), pytest.raises(AmountMismatch) as refused:
        orders.payment_order_notified(provider="simulated", notification=wrong)
    assert refused.value.message == "支付通知的金额 8.80 元与订单金额 88.00 元不符，未入账。"
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert (order.status, order.payment_id) == ("created", None)
    assert list(order.events.values_list("type", "parameters"))[1:] == [
        (
            "notification_refused",
            {"reason": refused.value.message, "amount": "8.80", "expected": "88.00", "txn": f"SIM{order.order_no}"},
        )
    ]
    assert any(order.order_no in r.getMessage() for r in caplog.records)


def test_an_unknown_order_or_provider_is_refused(town: City) -> None:
    with pytest.raises(NotFound) as missing:
        orders.payment_order_notified(
            provider="simulated", notification=SIM.notification(order_no="PO000", amount=Decimal("1.00"))
        )
    assert missing.value.message == "没有这个支付订单。"
    with pytest.raises(ProviderUnavailable) as off:
        orders.payment_order_notified(provider="alipay", notification=RawNotification.of({}, b""))
    assert off.value.message == "支付宝 暂未开通。"
    assert not Payment.objects.exists()


class _Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: self.now)


def test_an_order_expires_when_read_after_30_minutes_and_a_late_payment_still_posts(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _Clock(monkeypatch)
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    order = _order(town)
    clock.now += timedelta(minutes=29, seconds=59)
    assert orders.payment_order_of(customer_ref=REF, order_no=order.order_no).status == "created"
    clock.now += timedelta(seconds=1)
    expired = orders.payment_order_of(customer_ref=REF, order_no=order.order_no)
    assert (expired.status, expired.closed_at) == ("expired", clock.now)
    assert orders.payment_order_of(customer_ref=REF, order_no=order.order_no).status == "expired"  # once
    assert list(expired.events.values_list("type", flat=True)) == ["created", "expired"]
    with pytest.raises(Conflict) as closed:
        orders.payment_order_start(order=expired, client_ip="10.0.0.1", return_url="https://x/")
    assert closed.value.message == "订单已过期，不能再支付。"
    # The customer paid at the provider just before: the money was taken, so it is posted.
    late = orders.payment_order_notified(
        provider="simulated",
        notification=SIM.notification(order_no=order.order_no, amount=order.amount, paid_at=clock.now),
    )
    assert late.created and late.order.status == "paid"
    assert late.order.events.last().parameters["late"] is True  # type: ignore[union-attr]


def test_the_expiry_job_closes_every_order_past_its_time(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = _Clock(monkeypatch)
    first = _order(town, purpose="topup", amount=Decimal("10.00"))
    clock.now += timedelta(minutes=20)
    second = _order(town, purpose="topup", amount=Decimal("20.00"))
    clock.now += timedelta(minutes=11)
    assert orders.payment_orders_expire() == 1
    assert orders.payment_orders_expire() == 0
    assert dict(PaymentOrder.objects.values_list("pk", "status")) == {first.pk: "expired", second.pk: "created"}
    assert list(first.events.values_list("type", flat=True)) == ["created", "expired"]


def test_a_cancelled_order_is_closed_once(town: City) -> None:
    order = _order(town, purpose="topup", amount=Decimal("10.00"))
    orders.payment_order_cancel(order=order)
    assert PaymentOrder.objects.get().status == "cancelled"
    with pytest.raises(Conflict) as again:
        orders.payment_order_cancel(order=order)
    assert again.value.message == "订单已取消，不能取消。"
    assert list(order.events.values_list("type", flat=True)) == ["created", "cancelled"]
    paid = _order(town, purpose="topup", amount=Decimal("20.00"))
    orders.payment_order_notified(
        provider="simulated", notification=SIM.notification(order_no=paid.order_no, amount=paid.amount)
    )
    with pytest.raises(Conflict):
        orders.payment_order_cancel(order=paid)
    assert PaymentOrder.objects.get(pk=paid.pk).status == "paid"


def test_a_failed_payment_closes_the_order(town: City) -> None:
    order = _order(town, purpose="topup", amount=Decimal("10.00"))
    result = orders.payment_order_notified(
        provider="simulated",
        notification=SIM.notification(order_no=order.order_no, amount=order.amount, state="FAILED"),
    )
    assert (result.order.status, result.payment, result.created) == ("failed", None, False)
    assert not Payment.objects.exists()


def test_a_customer_reads_only_their_own_orders(town: City) -> None:
    order = _order(town, purpose="topup", amount=Decimal("10.00"))
    assert orders.payment_order_of(customer_ref=REF, order_no=order.order_no).pk == order.pk
    for ref, number in (("portal:2", order.order_no), ("", order.order_no), (REF, "PO1"), (REF, "../x"), (REF, "９")):
        with pytest.raises(NotFound):
            orders.payment_order_of(customer_ref=ref, order_no=number)
    assert [o.pk for o in orders.payment_orders_of(customer_ref=REF)] == [order.pk]
    assert list(orders.payment_orders_of(customer_ref="portal:2")) == []


def test_an_unconfigured_provider_is_not_offered(settings: SettingsWrapper) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": False},
        "wechat": {"ENABLED": True, "APPID": "wx1"},
        "alipay": {"ENABLED": False},
    }
    assert configured_providers() == []
    with pytest.raises(ProviderUnavailable) as half:
        orders.provider_for("wechat")
    assert half.value.message == (
        "微信支付 的配置不完整（缺少 MCHID、MERCHANT_SERIAL、MERCHANT_PRIVATE_KEY、PLATFORM_PUBLIC_KEY、APIV3_KEY、"
        "NOTIFY_URL），暂不能使用。"
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_copies_of_one_notification_at_once_post_one_payment(town: City, settings: SettingsWrapper) -> None:
    bill = issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    order = _order(town)
    note = SIM.notification(order_no=order.order_no, amount=order.amount)

    def deliver(_: int) -> tuple[int | None, bool]:
        result = orders.payment_order_notified(provider="simulated", notification=note)
        return (result.payment.pk if result.payment else None), result.created

    results, errors = run_together(10, deliver)
    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 9 + [True]
    assert Payment.objects.count() == 1
    bill.refresh_from_db()
    assert bill.paid == Decimal("88.00")
    assert list(PaymentOrder.objects.get().events.values_list("type", flat=True)) == ["created", "paid"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key", ["click-1", ""])
def test_five_clicks_at_once_make_one_order(town: City, key: str) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))

    def click(_: int) -> tuple[int, bool]:
        order, created = orders.payment_order_create(
            account=town.account,
            purpose="bill",
            provider="simulated",
            origin="web",
            customer_ref=REF,
            idempotency_key=key,
        )
        return order.pk, created

    results, errors = run_together(5, click)
    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 4 + [True]
    assert PaymentOrder.objects.count() == 1
