"""Load-data imports, an account's diagnosis and the remote-service findings in the API (KEY-3/4),
with the pages' access: KEY_LOAD_IMPORT to import and see the imports of one's reach,
KEY_DIAGNOSIS for a key account's diagnosis and the worklist, KEY_FINDING_HANDLE to move a
finding; accounts and findings outside the caller's reach are 404 like missing ones."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Schema

from gridcare.core.exceptions import InvalidInput
from gridcare.core.paging import api_page
from gridcare.core.timezone import business_date
from gridcare.keyaccounts import selectors_loads as selectors
from gridcare.keyaccounts.exceptions import ImportRefused
from gridcare.keyaccounts.loads_access import diagnosis_account_get, import_get_for_scope
from gridcare.keyaccounts.loads_conf import key_decimal, key_int
from gridcare.keyaccounts.models import Finding, LoadImport
from gridcare.keyaccounts.rules.diagnosis import Diagnosis
from gridcare.keyaccounts.services.loads import MB, load_import
from gridcare.keyaccounts.services.remote import finding_transition
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS

router = Router(tags=["key-accounts"])
MAX_DAYS = 366


class LoadProblemOut(Schema):
    row: int | None
    account_no: str
    kind: str
    kind_label: str
    detail: str
    blocking: bool


class LoadImportOut(Schema):
    id: int
    file_name: str
    status: str  # imported, refused
    interval_minutes: int
    rows: int
    accounts: int
    first_at: datetime | None
    last_at: datetime | None
    months: list[str]
    has_kvar: bool
    imported_at: datetime
    problems: int


class LoadImportDetailOut(LoadImportOut):
    problem_list: list[LoadProblemOut]


def _import_out(row: LoadImport) -> dict[str, Any]:
    return {
        "id": row.pk,
        "file_name": row.file_name,
        "status": row.status,
        "interval_minutes": row.interval_minutes,
        "rows": row.rows,
        "accounts": row.accounts,
        "first_at": row.first_at,
        "last_at": row.last_at,
        "months": row.months,
        "has_kvar": row.has_kvar,
        "imported_at": row.imported_at,
        "problems": row.problems.count(),
    }


def _detail_out(row: LoadImport) -> dict[str, Any]:
    problems = [
        {
            "row": p.row,
            "account_no": p.account_no,
            "kind": p.kind,
            "kind_label": str(p.get_kind_display()),
            "detail": p.detail,
            "blocking": p.blocking,
        }
        for p in row.problems.all()
    ]
    return {**_import_out(row), "problem_list": problems}


UPLOAD = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "interval_minutes": {"type": "integer", "enum": [15, 30, 60]},
                    },
                }
            }
        },
    }
}


def _interval(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return -1  # refused by the service on its field


@router.post("/key-accounts/loads", response={201: LoadImportDetailOut, **ERRORS}, openapi_extra=UPLOAD)
def loads_import(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    """Import a metering export (multipart ``file``: CSV or .xlsx; ``interval_minutes`` 15/30/60,
    detected when left out), KEY_LOAD_IMPORT. A file with any blocking problem is refused whole:
    422 naming the import, whose problems ``GET /key-accounts/loads/{id}`` lists; nothing stored."""
    scope = require(scope_for(request.user), Capability.KEY_LOAD_IMPORT)
    upload = request.FILES.get("file")
    data = upload.read(key_int("LOAD_FILE_MAX_MB") * MB + 1) if upload else b""
    done = load_import(
        scope=scope,
        actor=request.user,
        file_name=(upload.name or "") if upload else "",
        data=data,
        interval_minutes=_interval(request.POST.get("interval_minutes")),
    )
    if done.status == "refused":
        count = done.problems.filter(blocking=True).count()
        message = _("文件有 %(n)s 个问题，未导入（导入记录 %(id)s）。") % {"n": count, "id": done.pk}
        raise ImportRefused(message, errors={"file": message})
    return 201, _detail_out(done)


@router.get("/key-accounts/loads", response={200: list[LoadImportOut], **ERRORS})
def loads_list(
    request: HttpRequest, response: HttpResponse, status: str = "", page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """The imports made in the caller's reach, newest first (``status`` imported or refused)."""
    scope = require(scope_for(request.user), Capability.KEY_LOAD_IMPORT)
    rows = selectors.import_list(scope=scope, status=status[:10])
    return api_page(response, rows, page=page, page_size=page_size, dress=_import_out)


@router.get("/key-accounts/loads/{int:import_id}", response={200: LoadImportDetailOut, **ERRORS})
def loads_detail(request: HttpRequest, import_id: int) -> dict[str, Any]:
    """One import with its problems."""
    scope = require(scope_for(request.user), Capability.KEY_LOAD_IMPORT)
    return _detail_out(import_get_for_scope(scope=scope, import_id=import_id))


# -- the diagnosis ------------------------------------------------------------------------------
class DiagnosisOut(Schema):
    account_no: str
    start: date
    end: date
    interval_minutes: int
    readings: int
    expected: int
    energy_kwh: float
    max_kw: float
    mean_kw: float
    min_kw: float
    load_factor: float
    max_at: datetime | None
    weekday_hours: list[float | None]
    weekend_hours: list[float | None]
    split_kwh: dict[str, Decimal]  # peak, flat, valley
    energy_charge: Decimal
    shift_percent: Decimal
    shift_saving: Decimal
    kvarh: Decimal | None
    power_factor: Decimal | None
    pf_adjustment_percent: Decimal | None
    pf_adjustment: Decimal | None
    capacity_charge_12m: Decimal
    demand_charge_12m: Decimal
    cheaper_basis: str  # capacity, demand, "" (equal or no data)
    anomalies: list[dict[str, Any]]


def period(start: str, end: str) -> tuple[date, date]:
    """The days asked (default: the 30 days up to yesterday), refused on their field."""
    errors: dict[str, str] = {}
    yesterday = business_date() - timedelta(days=1)
    found: dict[str, date] = {}
    for name, value, default in (("start", start, yesterday - timedelta(days=29)), ("end", end, yesterday)):
        try:
            found[name] = date.fromisoformat(value[:10]) if value else default
        except ValueError:
            errors[name] = _("日期格式应为 YYYY-MM-DD。")
    if not errors and found["start"] > found["end"]:
        errors["end"] = _("结束日期不能早于开始日期。")
    if not errors and (found["end"] - found["start"]).days >= MAX_DAYS:
        errors["end"] = _("一次最多诊断 %(n)s 天。") % {"n": MAX_DAYS}
    if errors:
        raise InvalidInput(_("诊断期间有误。"), errors=errors)
    return found["start"], found["end"]


class _ShareField(forms.DecimalField):
    """A decimal whose refusal says each thing once (out of range and too many digits are one
    message here)."""

    def run_validators(self, value: Any) -> None:
        try:
            super().run_validators(value)
        except ValidationError as exc:
            raise ValidationError(list(dict.fromkeys(exc.messages))) from None


def shift_field() -> forms.DecimalField:
    """The share of the peak energy to move to the valley (percent, 0 to 100, one decimal), as
    the diagnosis page's field and the API's ``shift`` both check it."""
    wrong = gettext_lazy("请填写 0 到 100 之间的数。")
    return _ShareField(
        label=gettext_lazy("峰移谷比例（%）"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=1,
        error_messages={
            "invalid": wrong,
            "min_value": wrong,
            "max_value": wrong,
            "max_digits": wrong,
            "max_decimal_places": gettext_lazy("最多一位小数。"),
        },
    )


def shift_percent(value: str) -> Decimal:
    """``shift`` as asked (default SHIFT_PERCENT), refused on its field as the page refuses it."""
    try:
        found = shift_field().clean(value[:40])
    except ValidationError as exc:
        raise InvalidInput(_("峰移谷比例有误。"), errors={"shift": exc.messages[0]}) from exc
    return key_decimal("SHIFT_PERCENT") if found is None else Decimal(found)


def _asked(start: str, end: str, shift: str) -> tuple[date, date, Decimal]:
    """The period and the share to shift, every problem on its field at once."""
    errors: dict[str, Any] = {}
    days: tuple[date, date] | None = None
    share: Decimal | None = None
    try:
        days = period(start, end)
    except InvalidInput as exc:
        errors.update(exc.errors)
    try:
        share = shift_percent(shift)
    except InvalidInput as exc:
        errors.update(exc.errors)
    if days is None or share is None:
        raise InvalidInput(_("诊断条件有误。"), errors=errors)
    return days[0], days[1], share


def diagnosis_out(account_no: str, d: Diagnosis) -> dict[str, Any]:
    return {
        "account_no": account_no,
        "start": d.first,
        "end": d.last,
        "interval_minutes": d.interval_minutes,
        "readings": d.readings,
        "expected": d.expected,
        "energy_kwh": d.profile.energy_kwh,
        "max_kw": d.profile.max_kw,
        "mean_kw": d.profile.mean_kw,
        "min_kw": d.profile.min_kw,
        "load_factor": d.profile.load_factor,
        "max_at": d.peak_at,
        "weekday_hours": d.weekday_hours,
        "weekend_hours": d.weekend_hours,
        "split_kwh": d.split,
        "energy_charge": d.energy_charge,
        "shift_percent": d.shift_percent,
        "shift_saving": d.shift_saving,
        "kvarh": d.kvarh,
        "power_factor": d.power_factor,
        "pf_adjustment_percent": d.pf_adjustment_percent,
        "pf_adjustment": d.pf_adjustment,
        "capacity_charge_12m": d.basic.capacity_total,
        "demand_charge_12m": d.basic.demand_total,
        "cheaper_basis": d.basic.cheaper,
        "anomalies": [{"kind": a.kind, **a.parameters} for a in d.anomalies],
    }


@router.get("/key-accounts/{account_no}/diagnosis", response={200: DiagnosisOut, **ERRORS})
def account_diagnosis(
    request: HttpRequest, account_no: str, start: str = "", end: str = "", shift: str = ""
) -> dict[str, Any]:
    """The energy diagnosis of a key account for the Beijing days ``start``..``end`` (YYYY-MM-DD,
    default the 30 days up to yesterday), with the saving of moving ``shift`` percent of the peak
    energy to the valley (0 to 100, one decimal; default SHIFT_PERCENT): the same numbers as the
    page and the PDF."""
    scope = require(scope_for(request.user), Capability.KEY_DIAGNOSIS)
    account = diagnosis_account_get(scope=scope, account_no=account_no)
    first, last, share = _asked(start, end, shift)
    found = selectors.account_diagnosis(account=account, first=first, last=last, shift_percent=share)
    return diagnosis_out(account.account_no, found)


# -- the worklist -------------------------------------------------------------------------------
class FindingOut(Schema):
    id: int
    account_no: str
    customer: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    first_day: date
    last_day: date
    occurrences: int
    detail: dict[str, Any]
    note: str


class FindingStatusIn(Schema):
    status: str  # contacted, resolved, false_alarm
    note: str = ""


def _finding_out(f: Finding) -> dict[str, Any]:
    return {
        "id": f.pk,
        "account_no": f.account.account_no,
        "customer": f.account.customer.name,
        "kind": f.kind,
        "kind_label": str(f.get_kind_display()),
        "status": f.status,
        "status_label": str(f.get_status_display()),
        "first_day": f.first_day,
        "last_day": f.last_day,
        "occurrences": f.occurrences,
        "detail": f.detail,
        "note": f.note,
    }


@router.get("/key-accounts/findings", response={200: list[FindingOut], **ERRORS})
def findings_list(
    request: HttpRequest,
    response: HttpResponse,
    status: str = "",
    kind: str = "",
    account_no: str = "",
    page: int = 1,
    page_size: int | None = None,
) -> list[dict[str, Any]]:
    """The remote-service findings of the accounts in the caller's reach, latest first."""
    scope = require(scope_for(request.user), Capability.KEY_DIAGNOSIS)
    rows = selectors.finding_list(scope=scope, status=status[:20], kind=kind[:30], account_no=account_no)
    return api_page(response, rows, page=page, page_size=page_size, dress=_finding_out)


@router.post("/key-accounts/findings/{int:finding_id}/status", response={200: FindingOut, **ERRORS})
def finding_status(request: HttpRequest, finding_id: int, payload: FindingStatusIn) -> dict[str, Any]:
    """Move a finding: contacted, resolved or false_alarm (a note to close it); KEY_FINDING_HANDLE."""
    scope = scope_for(request.user)
    finding = finding_transition(
        scope=scope, actor=request.user, finding_id=finding_id, status=payload.status[:20], note=payload.note
    )
    return _finding_out(selectors.finding_list(scope=scope).get(pk=finding.pk))
