"""What every payment provider offers billing (BILL-4): starting a payment for an order (the address
the customer pays at), verifying a notification (its signature first: nothing of an unverified
body is read), and the answer the provider expects when a notification was taken."""

from __future__ import annotations

import base64
import binascii
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.x509 import load_pem_x509_certificate
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gridcare.billing.exceptions import BadNotification, ProviderUnavailable


@dataclass(frozen=True)
class RawNotification:
    """A notification as it came: its headers (names in lower case) and its body, unread."""

    headers: Mapping[str, str]
    body: bytes

    @classmethod
    def of(cls, headers: Mapping[str, str], body: bytes) -> RawNotification:
        return cls(headers={k.lower(): v for k, v in headers.items()}, body=body)


class Outcome(StrEnum):
    PAID = "paid"
    FAILED = "failed"  # closed or refused at the provider: nothing was paid
    PENDING = "pending"  # the customer has not paid yet: nothing to do


@dataclass(frozen=True)
class ProviderNotice:
    """What a verified notification says."""

    order_no: str
    outcome: Outcome
    provider_txn_id: str
    amount: Decimal | None
    paid_at: datetime | None
    state: str  # the provider's own word for it (SUCCESS, TRADE_SUCCESS …)


@dataclass(frozen=True)
class Acknowledgement:
    """The answer that tells the provider its notification was taken (it retries otherwise)."""

    status: int
    content_type: str
    body: bytes


@dataclass(frozen=True)
class OrderToStart:
    order_no: str
    amount: Decimal
    description: str
    expires_at: datetime
    client_ip: str
    return_url: str  # absolute: where the provider sends the customer back


JSON_SUCCESS = Acknowledgement(200, "application/json", b'{"code":"SUCCESS"}')


class Provider(ABC):
    code: str
    required: tuple[str, ...] = ()

    @property
    @abstractmethod
    def label(self) -> str | Promise: ...

    def conf(self) -> dict[str, Any]:
        found = settings.GRIDCARE_PAYMENT_PROVIDERS.get(self.code, {})
        return dict(found) if isinstance(found, dict) else {}

    def enabled(self) -> bool:
        return bool(self.conf().get("ENABLED"))

    def missing(self) -> list[str]:
        """The settings this provider needs that are empty."""
        conf = self.conf()
        return [name for name in self.required if not str(conf.get(name) or "").strip()]

    def channel(self, origin: str) -> str:
        """The payment channel its payments are posted under (``origin``: where the customer came from)."""
        return origin

    @abstractmethod
    def start(self, order: OrderToStart) -> str:
        """The address the customer pays the order at."""

    @abstractmethod
    def verify(self, raw: RawNotification) -> ProviderNotice:
        """The notification's content, once its signature verifies; else ``BadNotification``."""

    def acknowledgement(self) -> Acknowledgement:
        return JSON_SUCCESS


def refused(reason: str) -> BadNotification:
    return BadNotification(_("支付通知未通过验证，已拒绝：%(reason)s") % {"reason": reason})


def json_object(data: bytes | str) -> dict[str, Any]:
    try:
        found = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise refused(_("内容不是有效的 JSON")) from exc
    if not isinstance(found, dict):
        raise refused(_("内容不是 JSON 对象"))
    return found


def text_field(data: Mapping[str, Any], name: str, *, max_length: int = 64) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > max_length:
        raise refused(_("缺少字段 %(name)s") % {"name": name})
    return value


def b64(value: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise refused(_("签名不是有效的 Base64")) from exc


# --- keys from the settings: a PEM text, the path of a PEM file, or bare Base64 DER (Alipay's habit) ---


def _key_bytes(provider: str, name: str, value: str) -> bytes:
    text = value.strip().replace("\\n", "\n")
    if text.startswith("-----BEGIN"):
        return text.encode()
    path = Path(text)
    if len(text) < 1024 and path.is_file():
        return path.read_bytes()
    try:
        der = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise unusable_key(provider, name) from exc
    return der


def unusable_key(provider: str, name: str) -> ProviderUnavailable:
    return ProviderUnavailable(
        _("支付方式 %(provider)s 的密钥 %(name)s 无法读取，请联系管理员。") % {"provider": provider, "name": name}
    )


def public_key(provider: str, name: str, value: str) -> RSAPublicKey:
    data = _key_bytes(provider, name, value)
    try:
        if data.startswith(b"-----BEGIN CERTIFICATE"):
            key: object = load_pem_x509_certificate(data).public_key()
        elif data.startswith(b"-----BEGIN"):
            key = serialization.load_pem_public_key(data)
        else:
            key = serialization.load_der_public_key(data)
    except ValueError as exc:
        raise unusable_key(provider, name) from exc
    if not isinstance(key, RSAPublicKey):
        raise unusable_key(provider, name)
    return key


def private_key(provider: str, name: str, value: str) -> RSAPrivateKey:
    data = _key_bytes(provider, name, value)
    try:
        if data.startswith(b"-----BEGIN"):
            key: object = serialization.load_pem_private_key(data, password=None)
        else:
            key = serialization.load_der_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise unusable_key(provider, name) from exc
    if not isinstance(key, RSAPrivateKey):
        raise unusable_key(provider, name)
    return key
