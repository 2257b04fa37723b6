"""The WeChat Pay and Alipay adapters and the providers' webhook (BILL-4; issue 15), with keys made
in the test: the provider's notification is signed with its private key as the provider would,
the app verifies with the public key from the settings. A bad signature, a tampered body, another
merchant, an old timestamp or a wrong APIv3 key is refused, and nothing changes."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.test import Client
from pytest_django import Settings

from gridcare.billing.exceptions import BadNotification, ProviderFailed
from gridcare.billing.models import Bill, Payment, PaymentOrder, PaymentOrderEvent
from gridcare.billing.services import payment_orders as orders
from gridcare.billing.services.providers import PROVIDERS
from gridcare.billing.services.providers.alipay import sign_content
from gridcare.billing.tests import payment_helpers as h
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City

NOTIFY = "/api/v1/payments/notify/"


@pytest.fixture(autouse=True)
def _providers(settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {
        "simulated": {"ENABLED": True, "KEY": "test-simulated-key"},
        "wechat": h.wechat_conf(),
        "alipay": h.alipay_conf(),
    }


def _order(town: City, provider: str, amount: str = "88.00") -> PaymentOrder:
    issued_bill(town.account, "2026-10", amount, date(2030, 1, 25))
    order, _ = orders.payment_order_create(
        account=town.account, purpose="bill", provider=provider, origin="app", customer_ref="portal:1"
    )
    return order


def _state() -> tuple[Any, ...]:
    return (
        Payment.objects.count(),
        list(PaymentOrder.objects.values_list("status", "payment_id")),
        PaymentOrderEvent.objects.count(),
        list(Bill.objects.values_list("paid", flat=True)),
    )


def _post(client: Client, provider: str, signed: h.Signed) -> Any:
    headers = {k: v for k, v in signed.headers.items() if k != "Content-Type"}
    return client.post(
        NOTIFY + provider, data=signed.body, content_type=signed.headers["Content-Type"], headers=headers
    )


# --- WeChat Pay ---------------------------------------------------------------------------------


def test_a_wechat_notification_posts_the_payment_once_and_answers_success(town: City) -> None:
    order = _order(town, "wechat")
    assert order.channel == "wechat"  # WeChat's payments are the WeChat channel's (its statement)
    note = h.wechat_notification(order.order_no, order.amount)
    client = Client()
    first = _post(client, "wechat", note)
    again = _post(client, "wechat", note)  # WeChat retries until it hears SUCCESS
    assert (first.status_code, first.json()) == (200, {"code": "SUCCESS"})
    assert (again.status_code, again.json()) == (200, {"code": "SUCCESS"})
    payment = Payment.objects.get()
    assert (payment.channel, payment.channel_txn_id, payment.amount) == (
        "wechat",
        "4200001234202612011234567890",
        Decimal("88.00"),
    )
    assert PaymentOrder.objects.get().status == "paid"
    assert Bill.objects.get().paid == Decimal("88.00")


def _wechat_forgeries(order: PaymentOrder) -> dict[str, h.Signed]:
    good = h.wechat_notification(order.order_no, order.amount)
    envelope = json.loads(good.body)
    envelope["summary"] = "tampered"
    tampered = json.dumps(envelope).encode()
    return {
        "signed by another key": h.wechat_notification(order.order_no, order.amount, signer="intruder"),
        "body changed after signing": h.Signed(good.headers, tampered),
        "no signature": h.Signed({"Content-Type": "application/json"}, good.body),
        "another platform serial": h.Signed(good.headers | {"Wechatpay-Serial": "OTHER"}, good.body),
        "an hour old": h.wechat_notification(order.order_no, order.amount, timestamp=1_700_000_000),
        "another APIv3 key": h.wechat_notification(
            order.order_no, order.amount, apiv3_key="ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"
        ),
        "another merchant": h.wechat_notification(order.order_no, order.amount, mchid="1900000999"),
        "a signature that is no Base64": h.Signed(good.headers | {"Wechatpay-Signature": "%%%"}, good.body),
    }


def test_forged_wechat_notifications_are_refused_and_change_nothing(town: City) -> None:
    order = _order(town, "wechat")
    before = _state()
    client = Client()
    for name, forged in _wechat_forgeries(order).items():
        with pytest.raises(BadNotification):
            orders.payment_order_notified(provider="wechat", notification=forged.raw())
        answer = _post(client, "wechat", forged)
        assert answer.status_code == 401, name
        assert answer.json()["detail"].startswith("支付通知未通过验证，已拒绝："), name
    assert _state() == before


def test_a_closed_wechat_payment_fails_the_order_and_a_pending_one_waits(town: City) -> None:
    order = _order(town, "wechat")
    pending = orders.payment_order_notified(
        provider="wechat", notification=h.wechat_notification(order.order_no, order.amount, state="USERPAYING").raw()
    )
    assert pending.order.status == "created"
    closed = orders.payment_order_notified(
        provider="wechat", notification=h.wechat_notification(order.order_no, order.amount, state="CLOSED").raw()
    )
    assert (closed.order.status, closed.created) == ("failed", False)
    assert not Payment.objects.exists()


class _WeChatApi(BaseHTTPRequestHandler):
    """Plays WeChat Pay's H5 order endpoint: checks the merchant's signature, answers signed."""

    seen: list[dict[str, Any]] = []
    fail = False

    def do_POST(self) -> None:  # noqa: N802 - the handler's name is http.server's
        body = self.rfile.read(int(self.headers["Content-Length"]))
        auth = self.headers["Authorization"]
        assert auth.startswith("WECHATPAY2-SHA256-RSA2048 ")
        fields = dict(part.split("=", 1) for part in auth.split(" ", 1)[1].split(","))
        fields = {k: v.strip('"') for k, v in fields.items()}
        message = f"POST\n{self.path}\n{fields['timestamp']}\n{fields['nonce_str']}\n{body.decode()}\n".encode()
        h.key("merchant").public_key().verify(
            base64.b64decode(fields["signature"]), message, padding.PKCS1v15(), hashes.SHA256()
        )
        type(self).seen.append({"path": self.path, "auth": fields, "body": json.loads(body)})
        status = 500 if type(self).fail else 200
        answer = json.dumps({"h5_url": "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1&package=1"})
        data = answer.encode()
        self.send_response(status)
        for name, value in h.wechat_headers(data).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def wechat_api(settings: Settings) -> Iterator[type[_WeChatApi]]:
    _WeChatApi.seen, _WeChatApi.fail = [], False
    server = ThreadingHTTPServer(("127.0.0.1", 0), _WeChatApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    conf = dict(settings.GRIDCARE_PAYMENT_PROVIDERS)
    conf["wechat"] = h.wechat_conf(API_BASE=f"http://127.0.0.1:{server.server_address[1]}")
    settings.GRIDCARE_PAYMENT_PROVIDERS = conf
    yield _WeChatApi
    server.shutdown()
    server.server_close()


def test_a_wechat_order_is_placed_signed_and_sends_the_customer_to_h5(town: City, wechat_api: Any) -> None:
    order = _order(town, "wechat")
    url = orders.payment_order_start(
        order=order, client_ip="10.1.2.3", return_url="https://portal.example.cn/portal/pay/orders/x/"
    )
    assert url == (
        "https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1&package=1"
        "&redirect_url=https%3A%2F%2Fportal.example.cn%2Fportal%2Fpay%2Forders%2Fx%2F"
    )
    [call] = wechat_api.seen
    assert call["path"] == "/v3/pay/transactions/h5"
    assert (call["auth"]["mchid"], call["auth"]["serial_no"]) == (h.MCHID, "MERCHANT01")
    body = call["body"]
    assert (body["out_trade_no"], body["amount"], body["appid"]) == (
        order.order_no,
        {"total": 8800, "currency": "CNY"},
        h.APPID,
    )
    assert body["scene_info"] == {"payer_client_ip": "10.1.2.3", "h5_info": {"type": "Wap"}}
    assert body["notify_url"] == "https://pay.example.cn/api/v1/payments/notify/wechat"


def test_a_wechat_order_that_wechat_refuses_fails_with_a_message(town: City, wechat_api: Any) -> None:
    wechat_api.fail = True
    order = _order(town, "wechat")
    with pytest.raises(ProviderFailed) as failed:
        orders.payment_order_start(order=order, client_ip="10.1.2.3", return_url="https://x/")
    assert failed.value.message == "微信支付未能下单，请稍后重试或选择其他支付方式。"
    order.refresh_from_db()
    assert order.status == "failed"


# --- Alipay ------------------------------------------------------------------------------------


def test_an_alipay_order_is_a_signed_gateway_address(town: City) -> None:
    order = _order(town, "alipay")
    assert order.channel == "alipay"
    url = orders.payment_order_start(order=order, client_ip="10.1.2.3", return_url="https://portal.example.cn/back/")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://openapi.alipay.com/gateway.do"
    params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    signature = base64.b64decode(params["sign"])
    h.key("alipay-app").public_key().verify(
        signature, sign_content(params, leave_out=("sign",)), padding.PKCS1v15(), hashes.SHA256()
    )
    biz = json.loads(params["biz_content"])
    assert (params["method"], params["sign_type"], params["app_id"], params["return_url"]) == (
        "alipay.trade.wap.pay",
        "RSA2",
        h.ALIPAY_APP_ID,
        "https://portal.example.cn/back/",
    )
    assert (biz["out_trade_no"], biz["total_amount"], biz["product_code"]) == (order.order_no, "88.00", "QUICK_WAP_WAY")


def test_an_alipay_notification_posts_once_and_answers_the_text_success(town: City) -> None:
    order = _order(town, "alipay")
    note = h.alipay_notification(h.alipay_params(order.order_no, order.amount))
    client = Client()
    first = _post(client, "alipay", note)
    again = _post(client, "alipay", note)
    finished = _post(  # TRADE_FINISHED follows TRADE_SUCCESS for the same trade: nothing more
        client, "alipay", h.alipay_notification(h.alipay_params(order.order_no, order.amount, state="TRADE_FINISHED"))
    )
    for answer in (first, again, finished):
        assert (answer.status_code, answer.content, answer["Content-Type"]) == (
            200,
            b"success",
            "text/plain; charset=utf-8",
        )
    payment = Payment.objects.get()
    assert (payment.channel, payment.channel_txn_id, payment.amount) == ("alipay", "2026120122001", Decimal("88.00"))


def test_forged_alipay_notifications_are_refused_and_change_nothing(town: City) -> None:
    order = _order(town, "alipay")
    params = h.alipay_params(order.order_no, order.amount)
    good = h.alipay_notification(params)
    tampered = good.body.replace(b"total_amount=88.00", b"total_amount=8.00")
    assert tampered != good.body
    forgeries = {
        "signed by another key": h.alipay_notification(params, signer="intruder"),
        "amount changed after signing": h.Signed(good.headers, tampered),
        "no signature": h.Signed(good.headers, good.body.split(b"&sign_type=")[0]),
        "another app": h.alipay_notification(params | {"app_id": "2021000000000999"}),
        "not a form": h.Signed(good.headers, b"\xff\xfe"),
    }
    before = _state()
    client = Client()
    for name, forged in forgeries.items():
        answer = _post(client, "alipay", forged)
        assert answer.status_code == 401, (name, answer.content)
        assert answer.content != b"success"
    assert _state() == before


def test_a_signed_alipay_notification_of_another_amount_is_refused(town: City) -> None:
    order = _order(town, "alipay")
    answer = _post(Client(), "alipay", h.alipay_notification(h.alipay_params(order.order_no, Decimal("8.80"))))
    assert (answer.status_code, answer.json()["detail"]) == (
        422,
        "支付通知的金额 8.80 元与订单金额 88.00 元不符，未入账。",
    )
    assert not Payment.objects.exists()


# --- the webhook itself -----------------------------------------------------------------------------


def test_the_webhook_refuses_a_provider_that_is_off_or_unknown(town: City, settings: Settings) -> None:
    settings.GRIDCARE_PAYMENT_PROVIDERS = {"simulated": {"ENABLED": True}, "wechat": {"ENABLED": False}}
    client = Client()
    off = client.post(NOTIFY + "wechat", data=b"{}", content_type="application/json")
    unknown = client.post(NOTIFY + "paypal", data=b"{}", content_type="application/json")
    assert (off.status_code, off.json()) == (404, {"detail": "微信支付 暂未开通。", "errors": {}})
    assert (unknown.status_code, unknown.json()["detail"]) == (404, "没有这种支付方式。")


def test_the_simulated_provider_through_the_webhook(town: City) -> None:
    order = _order(town, "simulated")
    simulated = PROVIDERS["simulated"]
    raw = simulated.notification(order_no=order.order_no, amount=order.amount)  # type: ignore[attr-defined]
    client = Client()
    answer = client.post(
        NOTIFY + "simulated",
        data=raw.body,
        content_type="application/json",
        headers={"X-Sim-Signature": raw.headers["x-sim-signature"]},
    )
    assert (answer.status_code, answer.json()) == (200, {"code": "SUCCESS"})
    assert Payment.objects.get().channel == "app"  # the simulated provider posts under where the customer came from
    forged = client.post(
        NOTIFY + "simulated", data=raw.body, content_type="application/json", headers={"X-Sim-Signature": "00"}
    )
    assert forged.status_code == 401
    assert Payment.objects.count() == 1


def test_odd_bodies_never_break_the_webhook(town: City) -> None:
    """Signed or not, whatever a body holds is a refusal in the house's shape, never a 500."""
    client = Client()
    simulated = PROVIDERS["simulated"]
    odd = [b"", b"\xff\xfe\x00", b"[]", b"null", b'{"a":' * 50, b"a=1&a=2", b"x" * 70_000]
    signed_simulated = [
        json.dumps(body).encode()
        for body in (
            {},
            {"state": "SUCCESS"},
            {"state": "SUCCESS", "order_no": "PO1", "txn_id": "T", "amount": "abc", "paid_at": "2026-12-01T10:00:00"},
            {"state": "SUCCESS", "order_no": ["PO1"], "txn_id": 5, "amount": "1", "paid_at": "x"},
            {
                "state": "REFUNDED",
                "order_no": "PO1",
                "txn_id": "T",
                "amount": "1",
                "paid_at": "2026-12-01T10:00:00+08:00",
            },
        )
    ]
    signed_wechat = [
        json.dumps(body).encode()
        for body in (
            {},
            {"resource": "x"},
            {"resource": {"algorithm": "AEAD_AES_256_GCM", "nonce": "n", "ciphertext": "%%"}},
        )
    ]
    for provider in ("simulated", "wechat", "alipay"):
        for body in odd:
            answer = client.post(NOTIFY + provider, data=body, content_type="application/json")
            assert answer.status_code in (401, 404, 422), (provider, body[:20], answer.status_code)
            assert set(answer.json()) == {"detail", "errors"}
    for body in signed_simulated:
        answer = client.post(
            NOTIFY + "simulated",
            data=body,
            content_type="application/json",
            headers={"X-Sim-Signature": simulated.sign(body)},  # type: ignore[attr-defined]
        )
        assert answer.status_code in (401, 404), (body, answer.status_code)
    for body in signed_wechat:
        answer = _post(client, "wechat", h.Signed(h.wechat_headers(body), body))
        assert answer.status_code == 401, (body, answer.content)
    for params in (
        {"app_id": h.ALIPAY_APP_ID},
        {"app_id": h.ALIPAY_APP_ID, "out_trade_no": "PO1", "trade_status": "TRADE_SUCCESS", "total_amount": "x"},
    ):
        assert _post(client, "alipay", h.alipay_notification(params)).status_code == 401
    assert not Payment.objects.exists()
