from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from pydantic import field_validator

from gridcare.core.exceptions import InvalidInput
from gridcare.customers import selectors, services
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.models import AccountStatus
from gridcare.customers.rules import normalise_capacity_kva
from gridcare.org.access import scope_for
from gridcare.org.api import ERRORS, ErrorOut, scoped_get

router = Router(tags=["customers"])


class CustomerIn(Schema):
    name: str
    customer_class: str = Field(description="residential | commercial | large_industrial | agricultural")
    address: str
    supply_unit: str
    id_number: str | None = None
    phone: str | None = None
    hall: str | None = None
    feeder: str | None = None
    transformer_area: str | None = None
    tariff_code: str = ""
    contract_capacity_kva: Decimal = Field(Decimal(0), description="kVA, 0 to 999999, one decimal place at most")
    importance_grade: str = ""
    meter_no: str | None = None

    @field_validator("contract_capacity_kva", mode="before")
    @classmethod
    def _capacity(cls, value: Any) -> Decimal:
        # The service's own check, here so that "1e300", NaN or 1.25 get its Chinese message.
        try:
            return normalise_capacity_kva(value)
        except InvalidInput as exc:
            raise ValueError(str(exc.message)) from None


class AccountOut(Schema):
    account_no: str
    customer_name: str
    customer_class: str
    customer_class_label: str
    status: str
    status_label: str
    address: str
    supply_unit: str
    supply_unit_name: str
    hall: str | None
    feeder: str | None
    transformer_area: str | None
    tariff_code: str
    contract_capacity_kva: Decimal
    importance_grade: str
    opened_on: date
    phones: list[str]
    id_number: str


class UnmaskIn(Schema):
    reason_code: str = Field(
        "",
        description="Why (required): identity_check 办理业务核实身份 | caller_check 客户来电核实 | "
        "arrears_contact 欠费催缴联系 | outage_contact 停电通知联系 | work_order_callback 工单回访 | other 其他",
    )
    reason_text: str = Field("", description="The reason in words (required; longer for other)")
    reason: str = Field("", description="Older name of reason_text, still accepted")


class UnmaskOut(Schema):
    id_number: str
    phones: list[str]
    at: datetime


class AccountTransferIn(Schema):
    new_name: str
    new_id_number: str
    new_phone: str


class RenameIn(Schema):
    new_name: str


class TariffIn(Schema):
    customer_class: str
    tariff_code: str = ""


class StatusIn(Schema):
    status: Literal["active", "suspended", "closed"]
    reason: str = ""


class PhoneIn(Schema):
    phone: str


@router.post("/customers", response={201: AccountOut, **ERRORS})
def customer_create(request: HttpRequest, payload: CustomerIn) -> tuple[int, dict[str, Any]]:
    scope = scope_for(request.user)
    account = services.customer_create(scope=scope, actor=request.user, data=services.NewCustomer(**payload.dict()))
    return 201, selectors.account_card(account).as_dict()


@router.get("/accounts", response=list[AccountOut])
def account_search(request: HttpRequest, q: str = "") -> list[dict[str, Any]]:
    scope = scope_for(request.user)
    return [selectors.account_card(a).as_dict() for a in selectors.account_search(scope=scope, q=q)]


@router.get("/accounts/{account_no}", response={200: AccountOut, 404: ErrorOut})
def account_detail(request: HttpRequest, account_no: str) -> dict[str, Any]:
    account = account_get_for_scope(scope=scope_for(request.user), account_no=account_no)
    return selectors.account_card(account).as_dict()


@router.post("/accounts/{account_no}/unmask", response={200: UnmaskOut, 429: ErrorOut, **ERRORS})
def account_unmask(request: HttpRequest, account_no: str, payload: UnmaskIn) -> dict[str, Any]:
    """Full phones and ID number of one account's holder. Needs reason_code and reason_text;
    each look is audited; over the caller's hourly or daily limit: 429, nothing shown."""
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    return services.account_unmask(
        scope=scope,
        actor=request.user,
        account=account,
        reason=payload.reason_text or payload.reason,
        reason_code=payload.reason_code,
    )


@router.post("/accounts/{account_no}/transfer", response={200: AccountOut, **ERRORS})
def account_transfer(request: HttpRequest, account_no: str, payload: AccountTransferIn) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    account = services.account_transfer(scope=scope, actor=request.user, account=account, **payload.dict())
    return selectors.account_card(account).as_dict()


@router.post("/accounts/{account_no}/rename", response={200: AccountOut, **ERRORS})
def account_rename(request: HttpRequest, account_no: str, payload: RenameIn) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    account = services.account_rename(scope=scope, actor=request.user, account=account, new_name=payload.new_name)
    return selectors.account_card(account).as_dict()


@router.post("/accounts/{account_no}/tariff", response={200: AccountOut, **ERRORS})
def account_change_tariff(request: HttpRequest, account_no: str, payload: TariffIn) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    account = services.account_change_tariff(
        scope=scope,
        actor=request.user,
        account=account,
        customer_class=payload.customer_class,
        tariff_code=payload.tariff_code,
    )
    return selectors.account_card(account).as_dict()


@router.post("/accounts/{account_no}/status", response={200: AccountOut, **ERRORS})
def account_status(request: HttpRequest, account_no: str, payload: StatusIn) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    account = services.account_transition(
        scope=scope, actor=request.user, account=account, to=AccountStatus(payload.status), reason=payload.reason
    )
    return selectors.account_card(account_get_for_scope(scope=scope, account_no=account_no)).as_dict()


@router.post("/accounts/{account_no}/phone", response={200: AccountOut, **ERRORS})
def account_phone(request: HttpRequest, account_no: str, payload: PhoneIn) -> dict[str, Any]:
    scope, account = scoped_get(request, account_get_for_scope, account_no=account_no)
    services.contact_set_phone(scope=scope, actor=request.user, account=account, phone=payload.phone)
    return selectors.account_card(account).as_dict()


from gridcare.customers.meter_api import router as meter_router  # noqa: E402 - 换表 (issue 19)

router.add_router("", meter_router)
