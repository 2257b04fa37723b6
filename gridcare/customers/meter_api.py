"""换表 through the API: POST /api/v1/accounts/{account_no}/meter-exchanges, and the list."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from gridcare.customers.access import account_get_for_scope
from gridcare.customers.meter_exchange import NewExchange, exchanges_of, meter_exchange_record
from gridcare.customers.models import MeterExchange
from gridcare.org.access import Capability, require
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["customers"])


class MeterExchangeIn(Schema):
    exchanged_on: str = Field(description="YYYY-MM-DD, not before the last reading, not after today")
    removal_register: str = Field(description="拆表示数 of the old meter, not below its last reading")
    new_meter_no: str = Field(max_length=100)
    installation_register: str = Field(description="装表示数 of the new meter")
    new_multiplier: str = Field("1", description="倍率 (CT ratio) of the new meter, 1 to 100000")
    last_peak: str | None = Field(
        None, description="time-of-use meters: the old meter's peak register at the last reading"
    )
    removal_peak: str | None = None
    last_valley: str | None = None
    removal_valley: str | None = None


class MeterExchangeOut(Schema):
    id: int
    account_no: str
    exchanged_on: date
    old_meter_no: str
    new_meter_no: str
    last_register: Decimal
    removal_register: Decimal
    old_multiplier: int
    installation_register: Decimal
    new_multiplier: int
    old_kwh: Decimal
    old_kwh_peak: Decimal
    old_kwh_valley: Decimal
    billed: bool
    created: bool = False


def exchange_out(exchange: MeterExchange, created: bool = False) -> dict[str, Any]:
    return {
        "id": exchange.pk,
        "account_no": exchange.account.account_no,
        "exchanged_on": exchange.exchanged_on,
        "old_meter_no": exchange.old_meter.meter_no,
        "new_meter_no": exchange.new_meter.meter_no,
        **{
            name: getattr(exchange, name)
            for name in (
                "last_register",
                "removal_register",
                "old_multiplier",
                "installation_register",
                "new_multiplier",
                "old_kwh",
                "old_kwh_peak",
                "old_kwh_valley",
            )
        },
        "billed": exchange.readings.exists(),
        "created": created,
    }


@router.post(
    "/accounts/{account_no}/meter-exchanges", response={200: MeterExchangeOut, 201: MeterExchangeOut, **ERRORS}
)
def meter_exchange_create(
    request: HttpRequest, account_no: str, payload: MeterExchangeIn
) -> tuple[int, dict[str, Any]]:
    """Record a meter exchange (换表): 201 the first time, 200 with the same exchange when the
    same one is sent again, 409 for another exchange of that day or a closed account."""
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    exchange, created = meter_exchange_record(
        scope=scope, actor=request.user, account=account, data=NewExchange(**payload.dict())
    )
    return (201 if created else 200), exchange_out(exchange, created)


@router.get("/accounts/{account_no}/meter-exchanges", response={200: list[MeterExchangeOut], **ERRORS})
def meter_exchange_list(request: HttpRequest, account_no: str) -> list[dict[str, Any]]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    require(scope, Capability.BILL_VIEW)
    return [exchange_out(e) for e in exchanges_of(account)]
