"""The customer's API under /api/v1/portal/ (SELF-2), for the 网上国网-style app and the portal
pages' own calls. Signing in is open; everything else takes the customer's ``gcp_`` token (or the
portal session), never a staff credential, and sees only the customer's bound accounts."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from axes.helpers import get_client_ip_address
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.org.api import ErrorOut
from gridcare.portal import selectors
from gridcare.portal.access import CUSTOMER, request_customer
from gridcare.portal.services import auth, bindings

router = Router(tags=["portal"])

PUBLIC_ERRORS = {422: ErrorOut, 429: ErrorOut}
CUSTOMER_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}


class PortalCodeIn(Schema):
    phone: str


class PortalCodeOut(Schema):
    detail: str


class PortalTokenIn(Schema):
    phone: str
    code: str


class PortalTokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105 - the scheme's name, not a secret


class PortalBindIn(Schema):
    account_no: str
    name: str = ""
    id_last6: str = ""


class PortalAccountOut(Schema):
    account_no: str
    holder: str  # the holder's name, masked
    address: str
    unit: str
    customer_class: str
    amount_due: Decimal
    prepaid_balance: Decimal
    bound_at: str


class PortalBillOut(Schema):
    period: str
    kwh: Decimal
    kwh_peak: Decimal
    kwh_flat: Decimal
    kwh_valley: Decimal
    energy_charge: Decimal
    basic_charge: Decimal
    pf_adjustment: Decimal
    amount: Decimal
    paid: Decimal
    penalty_to_date: Decimal
    status: str
    status_label: str
    issued_at: datetime
    due_date: date


@router.post("/portal/auth/code", auth=None, response={202: PortalCodeOut, **PUBLIC_ERRORS})
def portal_code(request: HttpRequest, payload: PortalCodeIn) -> tuple[int, dict[str, str]]:
    """Send a six-digit sign-in code to ``phone`` by SMS (valid 5 minutes). The answer is the same
    whether or not the phone is a known customer's; asking too often is a 429."""
    auth.code_request(phone=payload.phone, address=get_client_ip_address(request))
    return 202, {"detail": _("验证码已发送，5分钟内有效。")}


@router.post("/portal/auth/token", auth=None, response={200: PortalTokenOut, **PUBLIC_ERRORS})
def portal_token(request: HttpRequest, payload: PortalTokenIn) -> dict[str, str]:
    """Exchange the phone and its code for the app's bearer token (``Authorization: Bearer gcp_…``)."""
    user = auth.code_verify(phone=payload.phone, code=payload.code)
    return {"token": auth.token_issue(user=user), "token_type": "Bearer"}


@router.post("/portal/auth/logout", auth=CUSTOMER, response={204: None, 401: ErrorOut})
def portal_logout(request: HttpRequest) -> tuple[int, None]:
    """End the token this request carries (the app's sign-out)."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        auth.token_revoke(token=header[7:].strip())
    return 204, None


def _account_out(binding: Any) -> dict[str, Any]:
    return selectors.account_summary(binding, on=business_date()).__dict__


@router.get("/portal/accounts", auth=CUSTOMER, response={200: list[PortalAccountOut], 401: ErrorOut})
def portal_accounts(request: HttpRequest) -> list[dict[str, Any]]:
    """The accounts bound to the signed-in customer, with what each owes today."""
    return [_account_out(b) for b in selectors.bindings(request_customer(request))]


@router.post("/portal/accounts", auth=CUSTOMER, response={201: PortalAccountOut, **CUSTOMER_ERRORS})
def portal_bind(request: HttpRequest, payload: PortalBindIn) -> tuple[int, dict[str, Any]]:
    """Bind an account: ``account_no`` with the holder's ``name`` or the ID number's last six
    characters ``id_last6``. Binding one already bound gives it again."""
    binding = bindings.account_bind(
        user=request_customer(request), account_no=payload.account_no, name=payload.name, id_last6=payload.id_last6
    )
    return 201, _account_out(selectors.bindings(binding.user).get(pk=binding.pk))


@router.delete("/portal/accounts/{account_no}", auth=CUSTOMER, response={204: None, **CUSTOMER_ERRORS})
def portal_unbind(request: HttpRequest, account_no: str) -> tuple[int, None]:
    """Unbind an account (a number not bound is a 404, like a missing one)."""
    bindings.account_unbind(user=request_customer(request), account_no=account_no)
    return 204, None


def _bill_out(today: date) -> Any:
    def dress(bill: Any) -> dict[str, Any]:
        return {
            "period": bill.period,
            "kwh": bill.kwh,
            "kwh_peak": bill.kwh_peak,
            "kwh_flat": bill.kwh_flat,
            "kwh_valley": bill.kwh_valley,
            "energy_charge": bill.energy_charge,
            "basic_charge": bill.basic_charge,
            "pf_adjustment": bill.pf_adjustment,
            "amount": bill.amount,
            "paid": bill.paid_total,
            "penalty_to_date": bill_penalty(bill, today),
            "status": bill.status,
            "status_label": bill.get_status_display(),
            "issued_at": bill.issued_at,
            "due_date": bill.due_date,
        }

    return dress


@router.get(
    "/portal/accounts/{account_no}/bills", auth=CUSTOMER, response={200: list[PortalBillOut], **CUSTOMER_ERRORS}
)
def portal_bills(
    request: HttpRequest, response: HttpResponse, account_no: str, page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """The bills of a bound account, newest first, with the penalty to date of each (pages of
    ``?page=``; the total in X-Total-Count)."""
    account = selectors.bound_account(request_customer(request), account_no)
    return api_page(
        response, selectors.account_bills(account), page=page, page_size=page_size, dress=_bill_out(business_date())
    )


from gridcare.portal.pay_api import router as pay_router  # noqa: E402 - paying online (BILL-4)

router.add_router("", pay_router)

from gridcare.portal.service_api import router as service_router  # noqa: E402 - paid services (WO-10)

router.add_router("", service_router)

from gridcare.portal.usage_api import router as usage_router  # noqa: E402 - bills in depth, usage, outages, settings, notices

router.add_router("", usage_router)

from gridcare.portal.request_api import router as request_router  # noqa: E402 - requests (WO-1, WO-5)
from gridcare.portal.visit_api import router as visit_router  # noqa: E402 - hall visits (HALL-2)

router.add_router("", visit_router)
router.add_router("", request_router)

from gridcare.portal.home_visit_api import router as home_visit_router  # noqa: E402 - home service, mobile rounds (WO-9)

router.add_router("", home_visit_router)
