"""Tariff administration (BILL-1): versions per province with effective dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gridcare.billing import rules
from gridcare.billing.conf import billing_str, rule_decimal
from gridcare.billing.exceptions import BillingError
from gridcare.billing.models import Tariff, TariffKind, TierPeriod, TouPeriod
from gridcare.billing.rules.bill_dates import day_error
from gridcare.billing.rules.numbers import decimal_error
from gridcare.core.timezone import business_date
from gridcare.customers.models import CustomerClass


def tariffs_in_force(*, province: str, on: date) -> dict[str, Tariff]:
    """The version of every tariff code that applies on ``on``."""
    found: dict[str, Tariff] = {}
    rows = Tariff.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on), province=province, effective_from__lte=on
    ).order_by("code", "-effective_from")
    for tariff in rows:
        found.setdefault(tariff.code, tariff)
    return found


def tariffs_for_class(*, customer_class: str, on: date | None = None) -> list[Tariff]:
    """The tariffs in force in the company's province that an account of ``customer_class`` may
    take, by name: what the account pages offer in their picker."""
    found = tariffs_in_force(province=billing_str("PROVINCE"), on=on or business_date())
    fitting = [t for t in found.values() if rules.tariff_fits_class(t.kind, customer_class)]
    return sorted(fitting, key=lambda t: t.name)


def tariff_choices(*, on: date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Picker choices grouped by customer class: (class label, [(code, tariff name), …])."""
    return [
        (str(label), [(t.code, t.name) for t in tariffs_for_class(customer_class=value, on=on)])
        for value, label in CustomerClass.choices
    ]


def tariff_code_error(
    *, code: str, customer_class: str, on: date | None = None, capacity_kva: Decimal | None = None
) -> str | None:
    """Why an account of ``customer_class`` (and ``capacity_kva``, when known) cannot take tariff
    ``code`` (None: it can). An account with a code that names no tariff in force would be left
    out of every bill run; large industry and the two-part tariff are for 315 kVA and above."""
    found = tariffs_in_force(province=billing_str("PROVINCE"), on=on or business_date()).get(code)
    if found is None:
        return str(_("电价 %(code)s 不存在或未生效，请从列表中选择。") % {"code": code})
    if not rules.tariff_fits_class(found.kind, customer_class):
        label = CustomerClass(customer_class).label if customer_class in CustomerClass.values else customer_class
        return str(_("“%(name)s”不适用于%(cls)s用户，请选择该用电类别的电价。") % {"name": found.name, "cls": label})
    if capacity_kva is not None:
        minimum = rule_decimal("TWO_PART_MIN_KVA")
        problem = rules.two_part_capacity_problem(
            kind=found.kind, customer_class=customer_class, capacity_kva=capacity_kva, minimum_kva=minimum
        )
        values = {"kva": f"{capacity_kva:f}", "min": f"{minimum:f}", "name": found.name}
        if problem == "industrial_small":
            return str(
                _("大工业用电须受电容量 %(min)s kVA 及以上（本户 %(kva)s kVA），请按一般工商业用电办理。") % values
            )
        if problem == "two_part_small":
            return str(
                _("“%(name)s”为两部制电价，适用于受电容量 %(min)s kVA 及以上的用户（本户 %(kva)s kVA）。") % values
            )
    return None


def tou_min_ratio() -> Decimal:
    """The least peak/valley price ratio in force: 3:1, or 4:1 where the province's peak-valley
    load gap (GRIDCARE_TOU_PEAK_VALLEY_LOAD_GAP_PERCENT) exceeds 40%."""
    return rules.tou_min_ratio(
        load_gap_percent=rule_decimal("TOU_PEAK_VALLEY_LOAD_GAP_PERCENT"),
        base=rule_decimal("TOU_MIN_PEAK_VALLEY_RATIO"),
        wide=rule_decimal("TOU_MIN_PEAK_VALLEY_RATIO_WIDE_GAP"),
        wide_gap_percent=rule_decimal("TOU_WIDE_GAP_PERCENT"),
    )


def _tier_errors(t: Tariff) -> dict[str, str]:
    errors: dict[str, str] = {}
    if t.tier_period not in (TierPeriod.MONTHLY, TierPeriod.YEARLY):
        errors["tier_period"] = _("阶梯电价须按月或按年分档。")
    if t.tier1_kwh is None or t.tier2_kwh is None or t.tier1_kwh <= 0 or t.tier2_kwh <= t.tier1_kwh:
        errors["tier2_kwh"] = _("二档上限须大于一档上限。")
    increments = (rule_decimal("TIER2_INCREMENT"), rule_decimal("TIER3_INCREMENT"))
    if t.tier2_price is None or t.tier2_price != t.price + increments[0]:
        errors["tier2_price"] = _("二档电价应为一档电价加 %(inc)s 元。") % {"inc": increments[0]}
    if t.tier3_price is None or t.tier3_price != t.price + increments[1]:
        errors["tier3_price"] = _("三档电价应为一档电价加 %(inc)s 元。") % {"inc": increments[1]}
    return errors


def _tou_errors(t: Tariff) -> dict[str, str]:
    if t.peak_price is None or t.valley_price is None:
        return {"peak_price": _("分时电价须填写峰、谷电价。")}
    least = tou_min_ratio()
    if not rules.tou_ratio_ok(t.peak_price, t.valley_price, least):
        return {"peak_price": _("峰谷电价比不得低于 %(r)s:1。") % {"r": f"{least:f}"}}
    return {}


def _residential_tou_errors(t: Tariff) -> dict[str, str]:
    """A residential tariff may carry peak/valley prices (居民峰谷电价, priced with the tiers on
    top). The 3:1 ratio of the NDRC 2021 notice is for commercial and industrial users, so it is
    not asked here; the peak must lie above and the valley below the flat (tier-1) price."""
    if t.peak_price is None and t.valley_price is None:
        return {}
    if t.peak_price is None or t.valley_price is None:
        return {"peak_price": _("居民峰谷电价须同时填写峰、谷电价。")}
    if not t.valley_price < t.price < t.peak_price:
        return {"peak_price": _("居民峰谷电价须峰段高于、谷段低于一档电价。")}
    return {}


def _two_part_errors(t: Tariff) -> dict[str, str]:
    errors: dict[str, str] = {}
    if t.basis == "capacity" and not t.capacity_price:
        errors["capacity_price"] = _("按容量计收须填写容量电价。")
    elif t.basis == "demand" and not t.demand_price:
        errors["demand_price"] = _("按需量计收须填写需量电价。")
    elif t.basis not in ("capacity", "demand"):
        errors["basis"] = _("请选择基本电费计收方式。")
    if t.pf_standard is not None and t.pf_standard not in (Decimal("0.90"), Decimal("0.85"), Decimal("0.80")):
        errors["pf_standard"] = _("功率因数考核标准应为 0.90、0.85 或 0.80。")
    return errors


# Every Decimal a tariff carries, checked against its column before any rule compares it.
TARIFF_NUMBERS = (
    "price",
    "tier1_kwh",
    "tier2_kwh",
    "tier2_price",
    "tier3_price",
    "peak_price",
    "valley_price",
    "capacity_price",
    "demand_price",
    "pf_standard",
)


def _number_errors(t: Tariff) -> dict[str, str]:
    """Finite, within the column's digits and places, not negative; dates in the accepted window."""
    errors: dict[str, str] = {}
    for name in TARIFF_NUMBERS:
        value = getattr(t, name)
        if value is not None and (error := decimal_error(value, Tariff._meta.get_field(name))):
            errors[name] = error
    for name in ("effective_from", "effective_to"):
        value = getattr(t, name)
        if isinstance(value, date) and (error := day_error(value)):
            errors[name] = error
        elif name == "effective_from" and not isinstance(value, date):
            errors[name] = str(_("请填写生效日期。"))
    return errors


def tariff_validate(t: Tariff) -> None:
    if errors := _number_errors(t):
        raise BillingError(_("电价参数有误。"), errors=errors)
    errors = {}
    if t.price is None or t.price <= 0:
        errors["price"] = _("电价须大于零。")
    if t.effective_to is not None and t.effective_to < t.effective_from:
        errors["effective_to"] = _("失效日期不得早于生效日期。")
    if t.kind == TariffKind.TIERED:
        errors |= _tier_errors(t) | _residential_tou_errors(t)
    if t.kind == TariffKind.TOU or (t.kind == TariffKind.TWO_PART and t.peak_price is not None):
        errors |= _tou_errors(t)
    if t.kind == TariffKind.TWO_PART:
        errors |= _two_part_errors(t)
    for name in ("price", "tier2_price", "tier3_price", "peak_price", "valley_price"):
        value = getattr(t, name)
        if value is not None and value.as_tuple().exponent < -4:
            errors[name] = _("电价最多保留四位小数。")
    if errors:
        raise BillingError(_("电价参数有误。"), errors=errors)


@transaction.atomic
def tariff_create(*, tou_periods: Sequence[TouPeriod] = (), **fields: Any) -> Tariff:
    """Add a tariff version; the previous open version of the code ends the day before.
    ``tou_periods`` (e.g. the previous version's) are copied onto the new version."""
    tariff = Tariff(**fields)
    tariff_validate(tariff)
    if Tariff.objects.filter(code=tariff.code, province=tariff.province, effective_from=tariff.effective_from).exists():
        raise BillingError(_("该电价在此生效日期已有版本。"), errors={"effective_from": _("已存在。")})
    previous = (
        Tariff.objects.select_for_update()
        .filter(code=tariff.code, province=tariff.province, effective_from__lt=tariff.effective_from)
        .filter(effective_to__isnull=True)
        .first()
    )
    if previous is not None:
        previous.effective_to = date.fromordinal(tariff.effective_from.toordinal() - 1)
        previous.save(update_fields=["effective_to"])
    tariff.save()
    TouPeriod.objects.bulk_create(
        TouPeriod(tariff=tariff, kind=p.kind, starts=p.starts, ends=p.ends) for p in tou_periods
    )
    return tariff


def tariff_versions(*, province: str) -> QuerySet[Tariff]:
    """Every version of the province's tariffs, newest first per code."""
    return Tariff.objects.filter(province=province).prefetch_related("tou_periods").order_by("code", "-effective_from")
