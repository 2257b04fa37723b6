"""估抄 through the API: GET /api/v1/readings/estimated, the estimates waiting for true-up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.billing.estimate_selectors import estimates_waiting
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS

router = Router(tags=["billing"])
LIMIT = 500


class EstimatedReadingOut(Schema):
    account_no: str
    period: str
    read_on: date
    estimated_register: Decimal
    kwh: Decimal
    kwh_peak: Decimal
    kwh_valley: Decimal


@router.get("/readings/estimated", response={200: list[EstimatedReadingOut], **ERRORS})
def estimated_readings(request: HttpRequest, period: str = "", offset: int = 0) -> list[dict[str, Any]]:
    """Estimated readings not yet trued up by an actual reading, of the accounts in reach
    (at most 500 from ``offset``; ``period`` YYYY-MM narrows them)."""
    scope = require(scope_for(request.user), Capability.METER_EXCHANGE)
    rows = estimates_waiting(scope=scope)
    if period:
        rows = rows.filter(period=period[:7])
    offset = max(0, min(offset, 10**9))
    return [
        {
            "account_no": r.account.account_no,
            "period": r.period,
            "read_on": r.read_on,
            "estimated_register": r.register,
            "kwh": r.kwh,
            "kwh_peak": r.kwh_peak,
            "kwh_valley": r.kwh_valley,
        }
        for r in rows[offset : offset + LIMIT]
    ]
