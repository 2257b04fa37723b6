"""The simulated provider (for the demo and the tests): its own page in the portal plays the
provider's cashier; confirming there makes the notification a provider would send — a JSON body
signed with HMAC-SHA256 under the configured key (header ``X-Sim-Signature``, hex) — and hands it
to the same handler the real webhook calls."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcare.billing.services.providers.base import (
    OrderToStart,
    Outcome,
    Provider,
    ProviderNotice,
    RawNotification,
    json_object,
    refused,
    text_field,
)

HEADER = "x-sim-signature"
STATES = {"SUCCESS": Outcome.PAID, "FAILED": Outcome.FAILED}


class Simulated(Provider):
    code = "simulated"
    label = gettext_lazy("模拟支付（演示）")

    def key(self) -> bytes:
        configured = str(self.conf().get("KEY") or "")
        if configured:
            return configured.encode()
        return hmac.new(settings.SECRET_KEY.encode(), b"gridcare.payments.simulated", hashlib.sha256).digest()

    def sign(self, body: bytes) -> str:
        return hmac.new(self.key(), body, hashlib.sha256).hexdigest()

    def start(self, order: OrderToStart) -> str:
        return reverse("portal:pay_sim", args=[order.order_no])

    def txn_id(self, order_no: str) -> str:
        """One transaction per order: confirming twice sends the same notification twice."""
        return f"SIM{order_no}"

    def notification(
        self, *, order_no: str, amount: Decimal, state: str = "SUCCESS", paid_at: datetime | None = None
    ) -> RawNotification:
        """The signed notification the cashier page sends when the customer confirms (or fails)."""
        body = json.dumps(
            {
                "order_no": order_no,
                "txn_id": self.txn_id(order_no),
                "amount": str(amount),
                "state": state,
                "paid_at": (paid_at or timezone.now()).isoformat(),
            },
            sort_keys=True,
        ).encode()
        return RawNotification.of({"Content-Type": "application/json", HEADER: self.sign(body)}, body)

    def verify(self, raw: RawNotification) -> ProviderNotice:
        given = raw.headers.get(HEADER, "")
        if not given or not hmac.compare_digest(given.encode(), self.sign(raw.body).encode()):
            raise refused(_("签名不正确"))
        data = json_object(raw.body)
        state = text_field(data, "state")
        if state not in STATES:
            raise refused(_("未知的交易状态 %(state)s") % {"state": state})
        try:
            amount = Decimal(text_field(data, "amount"))
            paid_at = datetime.fromisoformat(text_field(data, "paid_at"))
        except (InvalidOperation, ValueError) as exc:
            raise refused(_("金额或时间格式不正确")) from exc
        return ProviderNotice(
            order_no=text_field(data, "order_no"),
            outcome=STATES[state],
            provider_txn_id=text_field(data, "txn_id"),
            amount=amount,
            paid_at=paid_at if paid_at.tzinfo is not None else None,
            state=state,
        )
