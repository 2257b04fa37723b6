"""Reads of the load data (KEY-3/4): imports and their problems, an account's diagnosis from the
store and its tariff (through billing's selectors), and the remote-service worklist."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import QuerySet

from gridcare.billing.rules.intervals import Band
from gridcare.billing.selectors import tariff_in_force
from gridcare.customers.models import Account
from gridcare.keyaccounts.loads_access import finding_filter, import_filter
from gridcare.keyaccounts.loads_conf import key_decimal, key_int
from gridcare.keyaccounts.models import Finding, LoadImport
from gridcare.keyaccounts.rules import diagnosis as rules
from gridcare.keyaccounts.store import LoadStore, load_store, month_of
from gridcare.org.access import Scope


def import_list(*, scope: Scope, status: str = "") -> QuerySet[LoadImport]:
    rows = LoadImport.objects.filter(import_filter(scope)).select_related("imported_by__staff")
    return rows.filter(status=status) if status else rows


def thresholds() -> rules.Thresholds:
    return rules.Thresholds(
        base_jump_percent=key_decimal("BASE_JUMP_PERCENT"),
        base_jump_days=key_int("BASE_JUMP_DAYS"),
        base_jump_min_kw=key_decimal("BASE_JUMP_MIN_KW"),
        weekend_night_percent=key_decimal("WEEKEND_NIGHT_PERCENT"),
        night_from_hour=key_int("NIGHT_FROM_HOUR"),
        night_to_hour=key_int("NIGHT_TO_HOUR"),
        demand_alert_percent=key_decimal("DEMAND_ALERT_PERCENT"),
    )


def tariff_terms(account: Account, *, on: date) -> rules.Tariff:
    """The account's tariff in force on ``on`` as the diagnosis needs it: its bands and prices
    (a tariff without TOU prices: one price for all), the power-factor standard (the tariff's,
    else the setting), the basic-charge prices (the tariff's, else the settings)."""
    tariff = tariff_in_force(code=account.tariff_code, on=on) if account.tariff_code else None
    price = tariff.price if tariff else Decimal(0)
    prices = rules.TouPrices(
        peak=(tariff.peak_price if tariff and tariff.peak_price is not None else price),
        flat=price,
        valley=(tariff.valley_price if tariff and tariff.valley_price is not None else price),
    )
    bands = [Band(p.kind, p.starts, p.ends) for p in tariff.tou_periods.all()] if tariff else []
    return rules.Tariff(
        bands=bands,
        prices=prices,
        contract_kva=account.contract_capacity_kva,
        pf_standard=(tariff.pf_standard if tariff and tariff.pf_standard else key_decimal("PF_STANDARD")),
        capacity_price=(tariff.capacity_price if tariff and tariff.capacity_price else key_decimal("CAPACITY_PRICE")),
        demand_price=(tariff.demand_price if tariff and tariff.demand_price else key_decimal("DEMAND_PRICE")),
        demand_floor_percent=key_decimal("DEMAND_FLOOR_PERCENT"),
    )


def beijing_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC) - timedelta(hours=8)


def last_twelve_months(last: date) -> list[str]:
    """The 12 months ending with ``last``'s month."""
    months, day = [], last.replace(day=1)
    for _ in range(12):
        months.append(month_of(day))
        day = (day - timedelta(days=1)).replace(day=1)
    return sorted(months)


def account_diagnosis(
    *, account: Account, first: date, last: date, shift_percent: Decimal | None = None, store: LoadStore | None = None
) -> rules.Diagnosis:
    """The diagnosis of ``account`` over the Beijing days ``first``..``last``."""
    store = store or load_store()
    readings = store.read(
        account_no=account.account_no, start=beijing_midnight(first), end=beijing_midnight(last + timedelta(days=1))
    )
    series = rules.LoadSeries(readings.ts, readings.kw, readings.kvar, readings.interval_minutes or 15)
    months = store.monthly(months=last_twelve_months(last), account_nos=[account.account_no])
    return rules.diagnose(
        series,
        first=first,
        last=last,
        tariff=tariff_terms(account, on=last),
        monthly_max_kw=[(m.month, m.max_kw) for m in months],
        shift_percent=key_decimal("SHIFT_PERCENT") if shift_percent is None else shift_percent,
        thresholds=thresholds(),
    )


def finding_list(*, scope: Scope, status: str = "", kind: str = "", account_no: str = "") -> QuerySet[Finding]:
    """The findings of the accounts in the caller's reach, the latest first."""
    rows = Finding.objects.filter(finding_filter(scope)).select_related(
        "account__customer", "account__key_account_manager"
    )
    if status:
        rows = rows.filter(status=status)
    if kind:
        rows = rows.filter(kind=kind)
    if account_no:
        rows = rows.filter(account__account_no=account_no[:10])
    return rows.order_by("-last_day", "-id")
