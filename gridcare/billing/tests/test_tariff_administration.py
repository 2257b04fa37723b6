from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from gridcare.billing.models import Tariff, TariffKind
from gridcare.billing.rules import tou_min_ratio, two_part_capacity_problem
from gridcare.billing.services.tariffs import tariff_create, tariffs_in_force
from gridcare.billing.tests.helpers import tariffs, tiered_tariff_fields
from gridcare.core.exceptions import InvalidInput


def test_the_demo_carries_the_tariffs_of_two_provinces(db: None) -> None:
    tariffs()
    assert list(Tariff.objects.order_by("province").values_list("province", flat=True).distinct()) == ["BJ", "ZJ"]
    zj = tariffs_in_force(province="ZJ", on=date(2026, 10, 1))
    assert set(zj) == {"RES-TIER", "RES-TOU", "COM-TOU", "IND-2PART", "AGR-FLAT"}
    assert (zj["RES-TIER"].tier1_kwh, zj["RES-TIER"].tier2_kwh) == (Decimal("2760.00"), Decimal("4800.00"))


def test_a_new_version_takes_over_from_its_effective_date(db: None) -> None:
    tariffs()
    new = tariff_create(**tiered_tariff_fields())
    old = Tariff.objects.get(province="ZJ", code="RES-TIER", effective_from=date(2024, 1, 1))
    assert old.effective_to == date(2026, 12, 31)
    assert tariffs_in_force(province="ZJ", on=date(2026, 12, 31))["RES-TIER"] == old
    assert tariffs_in_force(province="ZJ", on=date(2027, 1, 1))["RES-TIER"] == new


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"tier2_price": Decimal("0.600")}, "tier2_price"),  # tier 2 must be tier 1 + 0.05
        ({"tier3_price": Decimal("0.900")}, "tier3_price"),  # tier 3 must be tier 1 + 0.30
        ({"tier2_kwh": Decimal(2000)}, "tier2_kwh"),
        ({"price": Decimal("0.55812")}, "price"),
    ],
)
def test_tariffs_that_break_the_rules_are_refused(db: None, changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        tariff_create(**tiered_tariff_fields(**changes))
    assert field in refused.value.errors
    assert not Tariff.objects.exists()


def test_a_tou_tariff_needs_a_peak_valley_ratio_of_three(db: None) -> None:
    fields = {
        "code": "COM-TOU",
        "province": "ZJ",
        "name": "工商业",
        "kind": TariffKind.TOU,
        "effective_from": date(2027, 1, 1),
        "price": Decimal("0.65"),
        "peak_price": Decimal("0.89"),
        "valley_price": Decimal("0.30"),
    }
    with pytest.raises(InvalidInput):
        tariff_create(**fields)
    assert tariff_create(**{**fields, "peak_price": Decimal("0.90")}).pk is not None


def test_where_the_load_gap_exceeds_40_percent_the_ratio_is_four(db: None, settings: Any) -> None:
    """NDRC 2021: 3:1 in general, 4:1 where the province's peak-valley load gap exceeds 40%."""
    settings.GRIDCARE_RULES = {**settings.GRIDCARE_RULES, "TOU_PEAK_VALLEY_LOAD_GAP_PERCENT": Decimal("42.5")}
    fields = {
        "code": "COM-TOU",
        "province": "ZJ",
        "name": "工商业",
        "kind": TariffKind.TOU,
        "effective_from": date(2027, 1, 1),
        "price": Decimal("0.65"),
        "peak_price": Decimal("1.19"),
        "valley_price": Decimal("0.30"),
    }
    with pytest.raises(InvalidInput) as refused:
        tariff_create(**fields)
    assert refused.value.errors == {"peak_price": "峰谷电价比不得低于 4:1。"}
    assert not Tariff.objects.exists()
    assert tariff_create(**{**fields, "peak_price": Decimal("1.20")}).pk is not None
    # exactly 40% is no wider than 40%: 3:1
    settings.GRIDCARE_RULES = {**settings.GRIDCARE_RULES, "TOU_PEAK_VALLEY_LOAD_GAP_PERCENT": Decimal("40")}
    assert tariff_create(**{**fields, "code": "COM-TOU2", "peak_price": Decimal("0.90")}).pk is not None


def test_the_two_part_capacity_rule() -> None:
    def problem(kind: str, customer_class: str, kva: str) -> str:
        return two_part_capacity_problem(
            kind=kind, customer_class=customer_class, capacity_kva=Decimal(kva), minimum_kva=Decimal(315)
        )

    assert problem("two_part", "large_industrial", "315") == ""
    assert problem("two_part", "large_industrial", "314.9") == "industrial_small"
    assert problem("two_part", "commercial", "200") == "two_part_small"
    assert problem("two_part", "commercial", "400") == ""  # commerce may choose it from 315 kVA
    assert problem("tou", "commercial", "400") == ""
    assert problem("tou", "commercial", "50") == ""
    assert tou_min_ratio(
        load_gap_percent=Decimal("40.01"), base=Decimal(3), wide=Decimal(4), wide_gap_percent=Decimal(40)
    ) == Decimal(4)
