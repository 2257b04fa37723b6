"""The app's own bills in depth, usage, forecast, outages, message settings and public notices
(SELF-2, SELF-3, NOTE-3) under /api/v1/portal/, for the signed-in customer's bound accounts only
(any other account, bill or notice is the same 404 as a missing one; staff credentials are 401)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.billing.pdf import bill_pdf
from gridcare.core.timezone import business_date
from gridcare.customers.preferences import contact_preferences_set
from gridcare.notices.selectors import publication_area_label
from gridcare.org.api import ErrorOut
from gridcare.portal import selectors
from gridcare.portal import usage_selectors as usage
from gridcare.portal.access import CUSTOMER, request_customer

router = Router(tags=["portal"])

KWH = Decimal("0.01")
ERRORS = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class TierOut(Schema):
    tier: int
    low_kwh: Decimal  # the tier's band of the period's cumulative kWh: (low, high]
    high_kwh: Decimal | None
    kwh: Decimal  # this bill's kWh in it
    price: Decimal  # yuan/kWh (under time-of-use prices: the increment over tier 1)


class TiersOut(Schema):
    period_kind: str  # yearly / monthly
    prior_kwh: Decimal  # billed in the tier period before this bill
    after_kwh: Decimal
    increments_only: bool
    tiers: list[TierOut]


class SettlementOut(Schema):
    at: datetime
    channel: str
    penalty: Decimal
    principal: Decimal


class BillDetailOut(Schema):
    period: str
    status: str
    status_label: str
    tariff: str
    issued_at: datetime
    due_date: date
    kwh: Decimal
    kwh_peak: Decimal
    kwh_flat: Decimal
    kwh_valley: Decimal
    tier_usage: TiersOut | None
    energy_charge: Decimal
    basic_charge: Decimal
    pf_adjustment: Decimal
    adjustment: Decimal  # credit (negative) and debit notes the bill carries (issue 19)
    amount: Decimal
    paid: Decimal
    penalty_to_date: Decimal
    owed: Decimal
    payments: list[SettlementOut]
    pdf_url: str


def _kwh(value: Decimal) -> Decimal:
    return value.quantize(KWH)


def _detail_out(request: HttpRequest, account_no: str, d: usage.BillDetail) -> dict[str, Any]:
    b = d.bill
    tiers = None
    if d.tiers is not None:
        tiers = {
            "period_kind": d.tiers.period_kind,
            "prior_kwh": _kwh(d.tiers.prior_kwh),
            "after_kwh": _kwh(d.tiers.after_kwh),
            "increments_only": d.tiers.increments_only,
            "tiers": [
                {"tier": p.tier, "low_kwh": _kwh(p.low), "high_kwh": p.high, "kwh": _kwh(p.kwh), "price": p.price}
                for p in d.tiers.parts
            ],
        }
    return {
        "period": b.period,
        "status": b.status,
        "status_label": str(b.get_status_display()),
        "tariff": b.tariff.name,
        "issued_at": b.issued_at,
        "due_date": b.due_date,
        "kwh": b.kwh,
        "kwh_peak": b.kwh_peak,
        "kwh_flat": b.kwh_flat,
        "kwh_valley": b.kwh_valley,
        "tier_usage": tiers,
        "energy_charge": b.energy_charge,
        "basic_charge": b.basic_charge,
        "pf_adjustment": b.pf_adjustment,
        "adjustment": b.adjustment,
        "amount": b.amount,
        "paid": b.paid_total,
        "penalty_to_date": d.penalty_to_date,
        "owed": d.owed,
        "payments": [s.__dict__ for s in d.settlements],
        "pdf_url": request.build_absolute_uri(f"/portal/accounts/{account_no}/bills/{b.period}/pdf/"),
    }


@router.get("/portal/accounts/{account_no}/bills/{period}", auth=CUSTOMER, response={200: BillDetailOut, **ERRORS})
def portal_bill(request: HttpRequest, account_no: str, period: str) -> dict[str, Any]:
    """One bill of a bound account (``period`` YYYY-MM): its tier usage (阶梯电量), peak/flat/valley,
    charges, the penalty to date, what is still owed and what was paid against it."""
    account = selectors.bound_account(request_customer(request), account_no)
    detail = usage.bill_detail(account, period, today=business_date())
    return _detail_out(request, account.account_no, detail)


@router.get(
    "/portal/accounts/{account_no}/bills/{period}/pdf",
    auth=CUSTOMER,
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "电费通知单 PDF", "content": {"application/pdf": {}}}}},
)
def portal_bill_pdf(request: HttpRequest, account_no: str, period: str) -> HttpResponse:
    """The bill as the 电费通知单 PDF (billing's own)."""
    account = selectors.bound_account(request_customer(request), account_no)
    detail = usage.bill_detail(account, period, today=business_date())
    answer = HttpResponse(bill_pdf(detail.bill), content_type="application/pdf")
    answer["Content-Disposition"] = f'inline; filename="bill-{account.account_no}-{detail.bill.period}.pdf"'
    return answer


class MonthOut(Schema):
    period: str
    kwh: Decimal
    kwh_peak: Decimal
    kwh_flat: Decimal
    kwh_valley: Decimal
    amount: Decimal


@router.get("/portal/accounts/{account_no}/usage", auth=CUSTOMER, response={200: list[MonthOut], **ERRORS})
def portal_usage(request: HttpRequest, account_no: str, months: str = "36") -> list[dict[str, Any]]:
    """The billed kWh of each month of the last ``months`` (1-60, 36 by default), oldest first."""
    account = selectors.bound_account(request_customer(request), account_no)
    rows = usage.usage_months(account, months=usage.months_param(months), today=business_date())
    return [r.__dict__ for r in rows]


class DayOut(Schema):
    day: date
    kwh: Decimal


class DailyOut(Schema):
    available: bool  # False: the account has no interval (load-curve) data, so no daily usage
    days: list[DayOut]


@router.get("/portal/accounts/{account_no}/usage/daily", auth=CUSTOMER, response={200: DailyOut, **ERRORS})
def portal_usage_daily(request: HttpRequest, account_no: str, days: str = "30") -> dict[str, Any]:
    """The metered kWh of each of the last ``days`` days (1-92, 30 by default) from interval data;
    ``available`` is False for an account without interval data (no numbers are made up)."""
    account = selectors.bound_account(request_customer(request), account_no)
    found = usage.usage_daily(account, days=usage.days_param(days), today=business_date())
    return {"available": found.available, "days": [{"day": d, "kwh": k} for d, k in found.days]}


class ForecastOut(Schema):
    period: str
    available: bool  # False: nothing billed and no daily data to forecast from
    kwh: Decimal | None
    method: str  # daily (run-rate) / last_year (same month × trend) / recent (recent mean) / ""
    basis_kwh: Decimal | None
    trend: Decimal | None
    days: int
    amount: Decimal | None  # the energy charge it would come to at the latest tariff


@router.get("/portal/accounts/{account_no}/forecast", auth=CUSTOMER, response={200: ForecastOut, **ERRORS})
def portal_forecast(request: HttpRequest, account_no: str) -> dict[str, Any]:
    """This month's usage forecast and the energy charge it would come to (documented method:
    billing.rules.forecast)."""
    account = selectors.bound_account(request_customer(request), account_no)
    today = business_date()
    found = usage.forecast_of(account, today=today)
    if found is None:
        empty = {"kwh": None, "method": "", "basis_kwh": None, "trend": None, "days": 0, "amount": None}
        return {"period": f"{today:%Y-%m}", "available": False, **empty}
    f = found.forecast
    return {
        "period": found.period,
        "available": True,
        "kwh": f.kwh,
        "method": f.method,
        "basis_kwh": f.basis_kwh,
        "trend": f.trend,
        "days": f.days,
        "amount": found.amount,
    }


class PortalOutageOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    reason: str
    starts_at: datetime
    ends_at: datetime
    restored_at: datetime | None
    coming: bool
    account_nos: list[str]


@router.get("/portal/outages", auth=CUSTOMER, response={200: list[PortalOutageOut], 401: ErrorOut})
def portal_outages(request: HttpRequest) -> list[dict[str, Any]]:
    """Planned and fault outages that cut off any of the customer's bound accounts: coming and
    under way first (soonest first), then those of the past year."""
    return [o.__dict__ for o in usage.my_outages(request_customer(request))]


class PreferencesOut(Schema):
    account_no: str
    phone: str  # masked; empty: no contact phone on the account, nothing can be set
    channels: dict[str, str]  # bill / arrears / balance / service → sms / wechat / email (absent: default)
    opted_out: bool  # reminders only: outage notices always come
    invoice_email: str


class PreferencesIn(Schema):
    account_no: str
    channels: dict[str, str] = {}
    opted_out: bool = False
    invoice_email: str = ""


def _prefs_out(row: usage.AccountPreferences) -> dict[str, Any]:
    s = row.settings
    return {
        "account_no": row.account_no,
        "phone": row.phone,
        "channels": dict(s.channels) if s else {},
        "opted_out": s.opted_out if s else False,
        "invoice_email": s.invoice_email if s else "",
    }


@router.get("/portal/preferences", auth=CUSTOMER, response={200: list[PreferencesOut], 401: ErrorOut})
def portal_preferences(request: HttpRequest) -> list[dict[str, Any]]:
    """The message settings of each bound account (on its contact)."""
    return [_prefs_out(r) for r in usage.my_preferences(request_customer(request))]


@router.put("/portal/preferences", auth=CUSTOMER, response={200: PreferencesOut, **ERRORS})
def portal_preferences_put(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    """Save a bound account's message settings: a channel per kind of reminder (empty: the
    default way), opting out of reminders (outage notices cannot be opted out of), the e-invoice
    address. Recorded in the account's history; 409 when the account has no contact phone."""
    customer = request_customer(request)
    account = selectors.bound_account(customer, payload.account_no)
    contact_preferences_set(
        account=account,
        channels=payload.channels,
        opted_out=payload.opted_out,
        invoice_email=payload.invoice_email,
        source="portal",
    )
    row = next(r for r in usage.my_preferences(customer) if r.account_no == account.account_no)
    return _prefs_out(row)


class NoticeOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    area: str  # who it is for, in words
    published_at: datetime
    body: str


def _notice_out(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "title": p.title,
        "kind": p.kind,
        "kind_label": str(p.get_kind_display()),
        "area": publication_area_label(p),
        "published_at": p.published_at,
        "body": p.body,
    }


@router.get("/portal/notices", auth=CUSTOMER, response={200: list[NoticeOut], 401: ErrorOut})
def portal_notices(request: HttpRequest) -> list[dict[str, Any]]:
    """The public notices for the customer's area (tariff changes, hall hours, outages, campaigns),
    latest first."""
    return [_notice_out(p) for p in usage.my_publications(request_customer(request))]


@router.get("/portal/notices/{publication_id}", auth=CUSTOMER, response={200: NoticeOut, **ERRORS})
def portal_notice(request: HttpRequest, publication_id: str) -> dict[str, Any]:
    """One of them (another area's, a withdrawn or unpublished one: 404)."""
    return _notice_out(usage.my_publication(request_customer(request), publication_id))
