"""The SMS gateway's inbound webhook (NOTE-3): ``POST /api/v1/notices/inbound-sms``.

No sign-in: like the delivery receipts (``/api/v1/notices/receipts``), the gateway signs the raw
body with the shared secret (GRIDCARE_NOTICE_RECEIPT_SECRET), hex HMAC-SHA256 in ``X-Signature``;
a missing or wrong signature is a 401 and changes nothing. A reply TD/退订 opts the phone out of
reminders; the answer says what was done, so the gateway need not retry a message it delivered."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from gridcare.notices.api import GatewaySignature
from gridcare.notices.services.inbound import inbound_sms_handle
from gridcare.org.api import ErrorOut

router = Router()  # the notices router's tag


class InboundSmsIn(Schema):
    phone: str = Field(max_length=32)  # the sender's number (+86 and spaces allowed)
    text: str = Field(max_length=1000)
    message_id: str = Field("", max_length=100)  # the gateway's id, for its own log
    received_at: datetime | None = None


class InboundSmsOut(Schema):
    action: Literal["opted_out", "unchanged", "ignored"]
    contacts: int  # contacts opted out by this message


@router.post(
    "/notices/inbound-sms", auth=GatewaySignature(), response={200: InboundSmsOut, 401: ErrorOut, 422: ErrorOut}
)
def inbound_sms(request: HttpRequest, payload: InboundSmsIn) -> dict[str, object]:
    """A customer's SMS to the company's number: TD or 退订 opts the phone out of reminders
    (outage notices keep coming); any other text is ignored."""
    result = inbound_sms_handle(phone=payload.phone, text=payload.text)
    return {"action": result.action, "contacts": result.contacts}
