from __future__ import annotations

import hmac
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.security import APIKeyHeader

from gridcare.core.paging import api_page
from gridcare.notices import reliability, selectors
from gridcare.notices.access import outage_get_for_scope
from gridcare.notices.conf import notice_setting
from gridcare.notices.services import campaigns, outages
from gridcare.notices.services.receipts import Receipt, receipts_apply
from gridcare.notices.signature import sign
from gridcare.org.access import scope_for
from gridcare.org.api import ERRORS, ErrorOut, scoped_get

router = Router(tags=["notices"])


class GatewaySignature(APIKeyHeader):
    """Receipts come from the SMS gateway, not a person: the body is signed with the shared
    secret (GRIDCARE_NOTICE_RECEIPT_SECRET), hex HMAC-SHA256 in ``X-Signature``."""

    param_name = "X-Signature"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        secret = str(notice_setting("RECEIPT_SECRET"))
        if not secret or not key:
            return None
        return "gateway" if hmac.compare_digest(key, sign(secret, request.body)) else None


class ReceiptIn(Schema):
    message_id: str = ""
    out_id: str = ""
    status: Literal["delivered", "failed"]
    error: str = ""
    at: datetime | None = None


class ReceiptsIn(Schema):
    receipts: list[ReceiptIn]


class ReceiptsOut(Schema):
    applied: int
    ignored: int
    unknown: int


@router.post("/notices/receipts", auth=GatewaySignature(), response={200: ReceiptsOut, 422: ErrorOut})
def receipts(request: HttpRequest, payload: ReceiptsIn) -> dict[str, int]:
    summary = receipts_apply(
        receipts=[
            Receipt(message_id=r.message_id, delivered=r.status == "delivered", out_id=r.out_id, error=r.error, at=r.at)
            for r in payload.receipts
        ]
    )
    return {"applied": summary.applied, "ignored": summary.ignored, "unknown": summary.unknown}


class OutageIn(Schema):
    kind: Literal["planned", "temporary", "emergency", "fault"]
    reason: str
    starts_at: datetime
    ends_at: datetime
    feeders: list[str] = []
    areas: list[str] = []


class OutageOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    restored_at: datetime | None
    feeders: list[str]
    areas: list[str]
    affected_accounts: int
    notices_queued: int


class RestoreIn(Schema):
    restored_at: datetime | None = None


@router.post("/outages", response={201: OutageOut, **ERRORS})
def outage_create(request: HttpRequest, payload: OutageIn) -> tuple[int, dict[str, Any]]:
    outage = outages.outage_register(
        scope=scope_for(request.user), actor=request.user, data=outages.NewOutage(**payload.dict())
    )
    return 201, selectors.outage_card(outage)


@router.get("/outages", response={200: list[OutageOut], 422: ErrorOut})
def outage_list(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """Outages, newest first, a page at a time (``?page=``, ``?page_size=``); the body stays a
    list and the headers carry X-Total-Count, X-Page, X-Page-Size and X-Page-Count."""
    outages_in_scope = selectors.outage_list(scope=scope_for(request.user))
    return api_page(response, outages_in_scope, page=page, page_size=page_size, dress=selectors.outage_card)


class PartOut(Schema):
    outages: int
    interruptions: int
    customer_minutes: Decimal
    saifi: Decimal
    saidi: Decimal


class ReliabilityOut(Schema):
    unit_code: str
    unit_name: str
    month: str
    customers_served: int
    planned: PartOut
    fault: PartOut
    total: PartOut
    reliability_percent: Decimal | None
    target_percent: Decimal | None
    meets_target: bool | None
    unrestored: int


@router.get("/outages/reliability", response={200: ReliabilityOut, **ERRORS})
def outage_reliability(request: HttpRequest, unit: str, month: str) -> reliability.Reliability:
    """SAIFI/SAIDI of a supply unit (its code) for a month (YYYY-MM), planned vs fault (PLAN-4)."""
    return reliability.unit_reliability(scope=scope_for(request.user), unit_code=unit, month=month)


@router.get("/outages/{outage_id}", response={200: OutageOut, 404: ErrorOut})
def outage_detail(request: HttpRequest, outage_id: int) -> dict[str, Any]:
    return selectors.outage_card(outage_get_for_scope(scope=scope_for(request.user), outage_id=outage_id))


@router.post("/outages/{outage_id}/restore", response={200: OutageOut, **ERRORS})
def outage_restore(request: HttpRequest, outage_id: int, payload: RestoreIn) -> dict[str, Any]:
    scope, outage = scoped_get(request, outage_get_for_scope, outage_id=outage_id)
    outage = outages.outage_restore(scope=scope, actor=request.user, outage=outage, restored_at=payload.restored_at)
    return selectors.outage_card(outage)


@router.post("/outages/{outage_id}/cancel", response={200: OutageOut, **ERRORS})
def outage_cancel(request: HttpRequest, outage_id: int) -> dict[str, Any]:
    scope, outage = scoped_get(request, outage_get_for_scope, outage_id=outage_id)
    return selectors.outage_card(outages.outage_cancel(scope=scope, actor=request.user, outage=outage))


class PeakShiftIn(Schema):
    feeders: list[str]
    day: date
    start: time
    end: time
    limit_kw: int


class QueuedOut(Schema):
    queued: int
    order_id: int  # the stored order (the one issued before, when it is the same order again)
    key_accounts: int


@router.post("/notices/peak-shift", response={200: QueuedOut, **ERRORS})
def peak_shift(request: HttpRequest, payload: PeakShiftIn) -> dict[str, int]:
    """Issue a peak-shift order (错峰): stored, and a message queued to every key account behind
    the feeders; the same order again queues none and answers the stored order."""
    order = campaigns.PeakShift(**payload.dict())
    done = campaigns.peak_shift_issue(scope=scope_for(request.user), actor=request.user, order=order)
    return {"queued": done.queued, "order_id": done.order.pk, "key_accounts": done.order.key_accounts}


from gridcare.notices.inbound_api import router as inbound_router  # noqa: E402 - the gateway's inbound SMS (NOTE-3)

router.add_router("", inbound_router)
