"""Alipay (支付宝, 手机网站支付 ``alipay.trade.wap.pay``).

- Starting: the gateway address with the request's parameters, signed RSA2 (RSA-SHA256 over
  every parameter but ``sign``, sorted by name, as ``key=value`` joined by ``&``) with the app's
  private key; the customer pays there and comes back to ``return_url``.
- A notification (a form POST): ``sign`` is RSA2 over every non-empty parameter but ``sign`` and
  ``sign_type``, sorted the same way, verified with Alipay's public key; it must be this app's.
  Alipay expects the plain text ``success`` back.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.billing.models import PaymentChannel
from gridcare.billing.services.providers.base import (
    Acknowledgement,
    OrderToStart,
    Outcome,
    Provider,
    ProviderNotice,
    RawNotification,
    b64,
    private_key,
    public_key,
    refused,
)
from gridcare.core.timezone import SHANGHAI

PAID_STATES = {"TRADE_SUCCESS", "TRADE_FINISHED"}
FAILED_STATES = {"TRADE_CLOSED"}
TIME = "%Y-%m-%d %H:%M:%S"


def sign_content(params: dict[str, str], *, leave_out: tuple[str, ...]) -> bytes:
    return "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in leave_out and params[k] != "").encode()


class Alipay(Provider):
    code = "alipay"
    label = gettext_lazy("支付宝")
    required = ("APP_ID", "APP_PRIVATE_KEY", "ALIPAY_PUBLIC_KEY", "NOTIFY_URL")

    def channel(self, origin: str) -> str:
        return PaymentChannel.ALIPAY.value

    def acknowledgement(self) -> Acknowledgement:
        return Acknowledgement(200, "text/plain; charset=utf-8", b"success")

    def signed(self, params: dict[str, str]) -> dict[str, str]:
        key = private_key(self.code, "APP_PRIVATE_KEY", self.conf()["APP_PRIVATE_KEY"])
        content = sign_content(params, leave_out=("sign",))
        return {**params, "sign": base64.b64encode(key.sign(content, padding.PKCS1v15(), hashes.SHA256())).decode()}

    def start(self, order: OrderToStart) -> str:
        conf = self.conf()
        biz = {
            "out_trade_no": order.order_no,
            "total_amount": f"{order.amount:.2f}",
            "subject": order.description[:256],
            "product_code": "QUICK_WAP_WAY",
            "time_expire": order.expires_at.astimezone(SHANGHAI).strftime(TIME),
        }
        params = {
            "app_id": str(conf["APP_ID"]),
            "method": "alipay.trade.wap.pay",
            "format": "JSON",
            "charset": "utf-8",
            "sign_type": "RSA2",
            "timestamp": timezone.now().astimezone(SHANGHAI).strftime(TIME),
            "version": "1.0",
            "notify_url": str(conf["NOTIFY_URL"]),
            "return_url": order.return_url,
            "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")),
        }
        return f"{str(conf.get('GATEWAY') or '').rstrip('?')}?{urlencode(self.signed(params))}"

    def params(self, body: bytes) -> dict[str, str]:
        try:
            text = body.decode("ascii")
            charset = dict(parse_qsl(text, keep_blank_values=True, encoding="latin-1")).get("charset") or "utf-8"
            pairs = parse_qsl(text, keep_blank_values=True, encoding=charset, errors="strict", max_num_fields=200)
        except (UnicodeDecodeError, LookupError, ValueError) as exc:
            raise refused(_("内容不是有效的表单")) from exc
        params = dict(pairs)
        if len(params) != len(pairs):
            raise refused(_("参数重复"))
        return params

    def verify(self, raw: RawNotification) -> ProviderNotice:
        params = self.params(raw.body)
        if params.get("sign_type") != "RSA2" or not params.get("sign"):
            raise refused(_("缺少 RSA2 签名"))
        key = public_key(self.code, "ALIPAY_PUBLIC_KEY", self.conf()["ALIPAY_PUBLIC_KEY"])
        content = sign_content(params, leave_out=("sign", "sign_type"))
        try:
            key.verify(b64(params["sign"]), content, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise refused(_("签名不正确")) from exc
        if params.get("app_id") != self.conf()["APP_ID"]:
            raise refused(_("应用号不符"))
        order_no = params.get("out_trade_no", "")
        txn_id = params.get("trade_no", "")
        state = params.get("trade_status", "")
        if not order_no or len(order_no) > 64 or len(txn_id) > 64:
            raise refused(_("缺少字段 %(name)s") % {"name": "out_trade_no"})
        if state not in PAID_STATES:
            outcome = Outcome.FAILED if state in FAILED_STATES else Outcome.PENDING
            return ProviderNotice(order_no, outcome, txn_id, None, None, state)
        try:
            amount = Decimal(params.get("total_amount", ""))
            when = params.get("gmt_payment") or params.get("notify_time") or ""
            paid_at = datetime.strptime(when, TIME).replace(tzinfo=SHANGHAI)
        except (InvalidOperation, ValueError) as exc:
            raise refused(_("金额或时间格式不正确")) from exc
        if not txn_id:
            raise refused(_("缺少字段 %(name)s") % {"name": "trade_no"})
        return ProviderNotice(order_no, Outcome.PAID, txn_id, amount, paid_at, state)
