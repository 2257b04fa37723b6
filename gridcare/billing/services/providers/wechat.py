"""WeChat Pay API v3 (微信支付, H5 payment).

- Starting: ``POST /v3/pay/transactions/h5`` signed by the merchant (``Authorization:
  WECHATPAY2-SHA256-RSA2048``, RSA-SHA256 over "METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n" with the
  merchant's private key); WeChat's answer is verified like a notification; the customer pays at
  its ``h5_url`` and comes back to ``redirect_url``.
- A notification: ``Wechatpay-Signature`` is RSA-SHA256 over "timestamp\\nnonce\\nbody\\n", verified
  with the platform's public key (or certificate) of ``Wechatpay-Serial``; a timestamp further
  than MAX_SKEW_SECONDS from now is a replay; then the ``resource`` is decrypted with
  AEAD_AES_256_GCM under the APIv3 key, and must be this merchant's and app's.
"""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
from datetime import datetime
from decimal import Decimal
from urllib.parse import quote, urlsplit

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.billing.exceptions import BadNotification, ProviderFailed
from gridcare.billing.models import PaymentChannel
from gridcare.billing.services.providers.base import (
    OrderToStart,
    Outcome,
    Provider,
    ProviderNotice,
    RawNotification,
    b64,
    json_object,
    private_key,
    public_key,
    refused,
    text_field,
)
from gridcare.core.timezone import SHANGHAI

logger = logging.getLogger("gridcare.payments")

H5_PATH = "/v3/pay/transactions/h5"
FAILED_STATES = {"CLOSED", "PAYERROR", "REVOKED"}


def fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class WeChatPay(Provider):
    code = "wechat"
    label = gettext_lazy("微信支付")
    required = (
        "APPID",
        "MCHID",
        "MERCHANT_SERIAL",
        "MERCHANT_PRIVATE_KEY",
        "PLATFORM_PUBLIC_KEY",
        "APIV3_KEY",
        "NOTIFY_URL",
    )

    def channel(self, origin: str) -> str:
        return PaymentChannel.WECHAT.value

    # --- signatures --------------------------------------------------------------------------

    def authorization(self, method: str, url_path: str, body: str, *, timestamp: int, nonce: str) -> str:
        conf = self.conf()
        message = f"{method}\n{url_path}\n{timestamp}\n{nonce}\n{body}\n".encode()
        key = private_key(self.code, "MERCHANT_PRIVATE_KEY", conf["MERCHANT_PRIVATE_KEY"])
        signature = base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()
        return (
            f'WECHATPAY2-SHA256-RSA2048 mchid="{conf["MCHID"]}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{conf["MERCHANT_SERIAL"]}"'
        )

    def verify_signature(self, headers: dict[str, str] | RawNotification, body: bytes) -> None:
        """Wechatpay-Signature over "timestamp\\nnonce\\nbody\\n" with the platform's key."""
        found = headers.headers if isinstance(headers, RawNotification) else headers
        conf = self.conf()
        timestamp = found.get("wechatpay-timestamp", "")
        nonce = found.get("wechatpay-nonce", "")
        signature = found.get("wechatpay-signature", "")
        serial = found.get("wechatpay-serial", "")
        if not (timestamp and nonce and signature):
            raise refused(_("缺少签名"))
        expected_serial = str(conf.get("PLATFORM_SERIAL") or "")
        if expected_serial and serial != expected_serial:
            raise refused(_("平台证书序列号不符"))
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > int(conf.get("MAX_SKEW_SECONDS") or 300):
            raise refused(_("时间戳过期"))
        try:
            message = f"{timestamp}\n{nonce}\n{body.decode('utf-8')}\n".encode()
        except UnicodeDecodeError as exc:
            raise refused(_("内容不是 UTF-8")) from exc
        key = public_key(self.code, "PLATFORM_PUBLIC_KEY", conf["PLATFORM_PUBLIC_KEY"])
        try:
            key.verify(b64(signature), message, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise refused(_("签名不正确")) from exc

    def decrypt(self, resource: object) -> dict[str, object]:
        if not isinstance(resource, dict) or resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise refused(_("加密方式不是 AEAD_AES_256_GCM"))
        key = str(self.conf()["APIV3_KEY"]).encode()
        if len(key) != 32:
            raise refused(_("APIv3 密钥长度不是 32 字节"))
        nonce = text_field(resource, "nonce")
        ciphertext = text_field(resource, "ciphertext", max_length=65536)
        associated = resource.get("associated_data") or ""
        if not isinstance(associated, str):
            raise refused(_("缺少字段 %(name)s") % {"name": "associated_data"})
        try:
            plain = AESGCM(key).decrypt(nonce.encode(), b64(ciphertext), associated.encode() or None)
        except (InvalidTag, ValueError) as exc:
            raise refused(_("解密失败")) from exc
        return json_object(plain)

    # --- a notification ----------------------------------------------------------------------

    def verify(self, raw: RawNotification) -> ProviderNotice:
        self.verify_signature(raw, raw.body)
        envelope = json_object(raw.body)
        txn = self.decrypt(envelope.get("resource"))
        conf = self.conf()
        if txn.get("mchid") != conf["MCHID"] or txn.get("appid") != conf["APPID"]:
            raise refused(_("商户号或应用号不符"))
        state = text_field(txn, "trade_state")
        order_no = text_field(txn, "out_trade_no")
        amount_part = txn.get("amount")
        total = amount_part.get("total") if isinstance(amount_part, dict) else None
        if state != "SUCCESS":
            outcome = Outcome.FAILED if state in FAILED_STATES else Outcome.PENDING
            txn_id = str(txn.get("transaction_id") or "")[:64]
            return ProviderNotice(order_no, outcome, txn_id, None, None, state)
        if not isinstance(total, int) or isinstance(total, bool) or total <= 0:
            raise refused(_("金额格式不正确"))
        try:
            paid_at = datetime.fromisoformat(text_field(txn, "success_time"))
        except ValueError as exc:
            raise refused(_("支付时间格式不正确")) from exc
        return ProviderNotice(
            order_no=order_no,
            outcome=Outcome.PAID,
            provider_txn_id=text_field(txn, "transaction_id"),
            amount=Decimal(total).scaleb(-2),
            paid_at=paid_at if paid_at.tzinfo is not None else paid_at.replace(tzinfo=SHANGHAI),
            state=state,
        )

    # --- starting a payment ------------------------------------------------------------------

    def start(self, order: OrderToStart) -> str:
        conf = self.conf()
        body = json.dumps(
            {
                "appid": conf["APPID"],
                "mchid": conf["MCHID"],
                "description": order.description[:127],
                "out_trade_no": order.order_no,
                "time_expire": order.expires_at.astimezone(SHANGHAI).isoformat(timespec="seconds"),
                "notify_url": conf["NOTIFY_URL"],
                "amount": {"total": fen(order.amount), "currency": "CNY"},
                "scene_info": {"payer_client_ip": order.client_ip or "127.0.0.1", "h5_info": {"type": "Wap"}},
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        base = str(conf.get("API_BASE") or "").rstrip("/")
        if urlsplit(base).scheme not in ("https", "http"):
            raise ProviderFailed(_("微信支付接口地址配置有误，请联系管理员。"))
        auth = self.authorization("POST", H5_PATH, body, timestamp=int(time.time()), nonce=secrets.token_hex(16))
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above (https, or http for a test server)
            base + H5_PATH,
            data=body.encode(),
            method="POST",
            headers={
                "Authorization": auth,
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "gridcare",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=int(conf.get("TIMEOUT_SECONDS") or 10)) as answer:  # noqa: S310
                status, headers, content = answer.status, dict(answer.headers.items()), answer.read(65536)
        except urllib.error.HTTPError as exc:
            logger.warning("WeChat Pay refused order %s: HTTP %s %s", order.order_no, exc.code, exc.read(500))
            raise ProviderFailed(_("微信支付未能下单，请稍后重试或选择其他支付方式。")) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            logger.warning("WeChat Pay unreachable for order %s: %s", order.order_no, exc)
            raise ProviderFailed(_("微信支付暂时无法连接，请稍后重试或选择其他支付方式。")) from exc
        try:
            self.verify_signature({k.lower(): v for k, v in headers.items()}, content)
            h5_url = json_object(content).get("h5_url")
        except BadNotification as exc:
            logger.warning("WeChat Pay answer for order %s did not verify: %s", order.order_no, exc.message)
            raise ProviderFailed(_("微信支付的应答未通过验证，未能下单。")) from exc
        if status != 200 or not isinstance(h5_url, str) or not h5_url.startswith("https://"):
            raise ProviderFailed(_("微信支付未能下单，请稍后重试或选择其他支付方式。"))
        return f"{h5_url}&redirect_url={quote(order.return_url, safe='')}"
