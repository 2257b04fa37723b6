"""Builders for the online-payment tests: RSA keys made here, and the notifications WeChat Pay and
Alipay would send, signed with the provider's private key (the app verifies with the public one)."""

from __future__ import annotations

import base64
import json
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any
from urllib.parse import urlencode

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gridcare.billing.services.providers.alipay import sign_content
from gridcare.billing.services.providers.base import RawNotification

APIV3_KEY = "0123456789abcdefghijklmnopqrstuv"  # 32 bytes
MCHID = "1900000109"
APPID = "wxd678efh567hg6787"
PLATFORM_SERIAL = "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"
ALIPAY_APP_ID = "2021000000000001"


@cache
def key(name: str) -> RSAPrivateKey:
    """A 2048-bit RSA key per name (made once per test process)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_pem(name: str) -> str:
    return (
        key(name)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )


def public_pem(name: str) -> str:
    return (
        key(name)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def public_der_b64(name: str) -> str:
    """Alipay's habit: the public key as bare Base64 DER."""
    der = (
        key(name).public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return base64.b64encode(der).decode()


def rsa_sign(name: str, message: bytes) -> str:
    return base64.b64encode(key(name).sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def wechat_conf(**more: Any) -> dict[str, Any]:
    return {
        "ENABLED": True,
        "APPID": APPID,
        "MCHID": MCHID,
        "MERCHANT_SERIAL": "MERCHANT01",
        "MERCHANT_PRIVATE_KEY": private_pem("merchant"),
        "PLATFORM_PUBLIC_KEY": public_pem("wechat-platform"),
        "PLATFORM_SERIAL": PLATFORM_SERIAL,
        "APIV3_KEY": APIV3_KEY,
        "NOTIFY_URL": "https://pay.example.cn/api/v1/payments/notify/wechat",
        "API_BASE": "https://api.mch.weixin.qq.com",
        "TIMEOUT_SECONDS": 5,
        "MAX_SKEW_SECONDS": 300,
        **more,
    }


def alipay_conf(**more: Any) -> dict[str, Any]:
    return {
        "ENABLED": True,
        "APP_ID": ALIPAY_APP_ID,
        "APP_PRIVATE_KEY": private_pem("alipay-app"),
        "ALIPAY_PUBLIC_KEY": public_der_b64("alipay"),
        "NOTIFY_URL": "https://pay.example.cn/api/v1/payments/notify/alipay",
        "GATEWAY": "https://openapi.alipay.com/gateway.do",
        **more,
    }


@dataclass(frozen=True)
class Signed:
    headers: dict[str, str]
    body: bytes

    def raw(self) -> RawNotification:
        return RawNotification.of(self.headers, self.body)


def wechat_headers(body: bytes, *, signer: str = "wechat-platform", timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = secrets.token_hex(16)
    message = f"{ts}\n{nonce}\n{body.decode()}\n".encode()
    return {
        "Wechatpay-Timestamp": ts,
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": rsa_sign(signer, message),
        "Wechatpay-Serial": PLATFORM_SERIAL,
        "Content-Type": "application/json",
    }


def wechat_notification(
    order_no: str,
    amount: Decimal,
    *,
    txn_id: str = "4200001234202612011234567890",
    state: str = "SUCCESS",
    apiv3_key: str = APIV3_KEY,
    mchid: str = MCHID,
    signer: str = "wechat-platform",
    timestamp: int | None = None,
) -> Signed:
    """A WeChat Pay API v3 payment notification: the transaction encrypted with AEAD_AES_256_GCM
    under the APIv3 key, the body signed by the platform's private key."""
    transaction = {
        "appid": APPID,
        "mchid": mchid,
        "out_trade_no": order_no,
        "transaction_id": txn_id,
        "trade_type": "MWEB",
        "trade_state": state,
        "trade_state_desc": "支付成功",
        "success_time": "2026-12-01T10:34:56+08:00",
        "amount": {"total": int(amount * 100), "payer_total": int(amount * 100), "currency": "CNY"},
    }
    nonce = secrets.token_hex(6)
    ciphertext = AESGCM(apiv3_key.encode()).encrypt(nonce.encode(), json.dumps(transaction).encode(), b"transaction")
    body = json.dumps(
        {
            "id": "EV-2018022511223320873",
            "create_time": "2026-12-01T10:34:57+08:00",
            "resource_type": "encrypt-resource",
            "event_type": "TRANSACTION.SUCCESS",
            "summary": "支付成功",
            "resource": {
                "original_type": "transaction",
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": base64.b64encode(ciphertext).decode(),
                "associated_data": "transaction",
                "nonce": nonce,
            },
        }
    ).encode()
    return Signed(wechat_headers(body, signer=signer, timestamp=timestamp), body)


def alipay_params(
    order_no: str, amount: Decimal, *, state: str = "TRADE_SUCCESS", txn_id: str = "2026120122001"
) -> dict[str, str]:
    return {
        "notify_time": "2026-12-01 10:35:00",
        "notify_type": "trade_status_sync",
        "notify_id": "ac05099524730693a8b330c5ecf72da9786",
        "app_id": ALIPAY_APP_ID,
        "charset": "utf-8",
        "version": "1.0",
        "trade_no": txn_id,
        "out_trade_no": order_no,
        "trade_status": state,
        "total_amount": f"{amount:.2f}",
        "subject": "电费缴费",
        "gmt_payment": "2026-12-01 10:34:56",
        "fund_bill_list": '[{"amount":"88.00","fundChannel":"ALIPAYACCOUNT"}]',
    }


def alipay_notification(params: dict[str, str], *, signer: str = "alipay") -> Signed:
    """Alipay's asynchronous notification: a form, RSA2-signed by Alipay's private key over the
    sorted parameters without sign and sign_type."""
    signed = {
        **params,
        "sign_type": "RSA2",
        "sign": rsa_sign(signer, sign_content(params, leave_out=("sign", "sign_type"))),
    }
    return Signed({"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, urlencode(signed).encode())
