from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import Tariff, TariffKind
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
