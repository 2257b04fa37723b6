"""The payment providers' webhook (BILL-4, BILL-5): ``POST /api/v1/payments/notify/{provider}``.

No sign-in: the provider's signature over the body is the credential (``payment_order_notified``
verifies it before reading anything). Each provider gets the answer it expects when the
notification was taken — WeChat Pay ``{"code":"SUCCESS"}`` (200), Alipay the text ``success``, the
simulated provider the same JSON as WeChat — and anything else (a refusal in the house's JSON)
makes it retry: 401 for a bad signature, 404 for a provider that is off or an order that is not
ours, 409 for a second transaction on a paid order, 422 for another amount than the order's."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.billing.services.payment_orders import payment_order_notified
from gridcare.billing.services.providers import RawNotification
from gridcare.org.api import ErrorOut

router = Router()  # the billing router's tag


class NotifyOut(Schema):
    code: str


TAKEN = {
    "description": "通知已受理（微信支付、模拟支付：JSON；支付宝：文本 success）",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/NotifyOut"}},
        "text/plain": {"schema": {"type": "string", "enum": ["success"]}},
    },
}
BODY = {
    "required": False,
    "description": "支付平台的通知原文：微信支付为 JSON，支付宝为表单（按平台规则签名）",
    "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
    },
}


@router.post(
    "/payments/notify/{provider}",
    auth=None,
    response={200: NotifyOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    openapi_extra={"responses": {200: TAKEN}, "requestBody": BODY},
    summary="Payment provider notification",
)
def payment_notify(request: HttpRequest, provider: str) -> HttpResponse:
    """A payment provider's notification of an order (``provider``: simulated, wechat, alipay):
    verified by its signature, then the payment is posted exactly once."""
    result = payment_order_notified(
        provider=provider, notification=RawNotification.of(dict(request.headers.items()), request.body)
    )
    ack = result.acknowledgement
    return HttpResponse(ack.body, status=ack.status, content_type=ack.content_type)
