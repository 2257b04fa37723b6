"""The issuing interface of e-invoices (数电发票): one small Protocol, a simulated issuer by
default and the provider's HTTP adapter switched on by configuration
(GRIDCARE_EINVOICE_PROVIDER = "http", with HTTP_URL, HTTP_APP_ID, HTTP_SECRET).

Each request carries the invoice's own serial (``GC<id>``, saved on the row when a worker claims
it, sent in the body and as ``Idempotency-Key``): a provider that already issued for that serial
answers with the same invoice, and so does the simulated issuer, so a worker that died between
the call and its commit retries without a second invoice."""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from django.utils import timezone

from gridcare.core.timezone import SHANGHAI
from gridcare.invoicing import rules
from gridcare.invoicing.conf import einvoice_int, einvoice_str
from gridcare.invoicing.exceptions import IssuerError


@dataclass(frozen=True)
class IssueRequest:
    serial: str  # "GC<invoice id>": the provider's idempotency key
    invoice_id: int
    kind: str  # "blue" or "red"
    attempt: int  # 1 for the first try
    seller_name: str
    seller_tax_number: str
    buyer_name: str
    buyer_tax_number: str
    title_kind: str
    item_name: str
    tax_code: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    rate: Decimal
    original_number: str  # a red invoice's blue one
    on: date


@dataclass(frozen=True)
class Issued:
    number: str
    verification_code: str
    issued_at: datetime


class Issuer(Protocol):
    name: str

    def issue(self, request: IssueRequest) -> Issued:
        """Issue the invoice, or raise IssuerError (temporary or not)."""
        ...


class SimulatedIssuer:
    """Issues at once: the number from the invoice's id and date, the code from its values (the
    same invoice, the same answer). Refuses each invoice's first ``failures`` attempts as a busy
    provider would (tests and drills: GRIDCARE_EINVOICE_SIMULATED_FAILURES)."""

    name = "simulated"
    # What the simulated platform has issued, by key: a repeated key is the same invoice (as the
    # provider's platform answers a retry), whatever the day of the retry.
    made: dict[IssueRequest, Issued] = {}

    def __init__(self, *, failures: int = 0, province: str = "33") -> None:
        self.failures = failures
        self.province = province

    def issue(self, request: IssueRequest) -> Issued:
        if request.attempt <= self.failures:
            raise IssuerError("模拟开票平台暂时不可用", temporary=True)
        same = replace(request, attempt=0, on=date.min)  # the key and what it is for
        if same in self.made:
            return self.made[same]
        number = rules.simulated_number(serial=request.invoice_id, on=request.on, province=self.province)
        code = rules.simulated_code(number=number, gross=request.gross, buyer_tax_number=request.buyer_tax_number)
        issued = Issued(number=number, verification_code=code, issued_at=timezone.now())
        self.made[same] = issued
        return issued


class HttpIssuer:
    """The provider's interface (a 税控服务商's or the 乐企 platform's gateway): a JSON POST
    signed with HMAC-SHA256 of the body under the app's secret; the answer carries the number,
    the verification code and the time, or an error code (5xx and timeouts are temporary)."""

    name = "http"

    def __init__(self, *, url: str, app_id: str, secret: str, timeout: int) -> None:
        self.url, self.app_id, self.secret, self.timeout = url, app_id, secret, timeout

    def body(self, request: IssueRequest) -> bytes:
        payload: dict[str, Any] = {
            "serial": request.serial,
            "type": "red" if request.kind == "red" else "blue",
            "seller": {"name": request.seller_name, "tax_number": request.seller_tax_number},
            "buyer": {"name": request.buyer_name, "tax_number": request.buyer_tax_number, "kind": request.title_kind},
            "items": [
                {
                    "name": request.item_name,
                    "tax_code": request.tax_code,
                    "amount": str(request.net),
                    "tax_rate": str(request.rate),
                    "tax": str(request.tax),
                }
            ],
            "total": str(request.gross),
            "original_number": request.original_number,
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()

    def signature(self, body: bytes) -> str:
        return hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()

    def issue(self, request: IssueRequest) -> Issued:
        if not self.url.startswith(("https://", "http://")):
            raise IssuerError("开票平台地址未配置", temporary=False)
        body = self.body(request)
        http = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "X-App-Id": self.app_id,
                "Idempotency-Key": request.serial,
                "X-Signature": self.signature(body),
            },
        )
        try:
            with urllib.request.urlopen(http, timeout=self.timeout) as answer:  # noqa: S310
                data = json.loads(answer.read().decode())
        except urllib.error.HTTPError as exc:
            raise IssuerError(f"开票平台返回 {exc.code}", temporary=exc.code >= 500) from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise IssuerError("开票平台无响应", temporary=True) from exc
        return self.answer(data)

    @staticmethod
    def answer(data: Any) -> Issued:
        if not isinstance(data, dict) or data.get("code") not in (0, "0"):
            message = str(data.get("message", "")) if isinstance(data, dict) else ""
            raise IssuerError(f"开票平台拒绝：{message[:200]}", temporary=False)
        try:
            number = str(data["number"])
            issued_at = datetime.fromisoformat(str(data["issued_at"]))
        except (KeyError, ValueError) as exc:
            raise IssuerError("开票平台应答格式不正确", temporary=True) from exc
        if not (number.isdigit() and len(number) == 20):
            raise IssuerError("开票平台返回的发票号码不是 20 位数字", temporary=True)
        if issued_at.tzinfo is None:  # the platform's local time is Beijing time
            issued_at = issued_at.replace(tzinfo=SHANGHAI)
        return Issued(number=number, verification_code=str(data.get("verification_code", ""))[:20], issued_at=issued_at)


def issuer_for() -> Issuer:
    """The issuer configuration names (GRIDCARE_EINVOICE_PROVIDER)."""
    if einvoice_str("PROVIDER") == "http":
        return HttpIssuer(
            url=einvoice_str("HTTP_URL"),
            app_id=einvoice_str("HTTP_APP_ID"),
            secret=einvoice_str("HTTP_SECRET"),
            timeout=einvoice_int("HTTP_TIMEOUT_SECONDS"),
        )
    return SimulatedIssuer(failures=einvoice_int("SIMULATED_FAILURES"))
