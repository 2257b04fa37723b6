"""Power-factor adjustment (力调电费, BILL-1) for every account the national rule covers: 100 kVA
and above, not only two-part tariffs, by the standard of its class from configuration (0.90 large
industry, 0.85 commerce, 0.80 agriculture), when its meter measured reactive energy; the bill run
gives exactly what the rules functions give."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from gridcare.billing.models import Bill
from gridcare.billing.rules.compute import Usage, bill_charges
from gridcare.billing.rules.power_factor import pf_standard_for, pf_standards
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import billable, by_the_rules, reading, tariffs
from gridcare.core.money import yuan
from gridcare.core.testing import City, make_account

TABLE = pf_standards("large_industrial:100:0.90,commercial:100:0.85,agricultural:100:0.80")


def test_the_standard_of_each_class_from_100_kva() -> None:
    def standard(cls: str, kva: str, own: str | None = None) -> D | None:
        return pf_standard_for(
            customer_class=cls,
            capacity_kva=D(kva),
            minimum_kva=D(100),
            table=TABLE,
            tariff_standard=None if own is None else D(own),
        )

    assert standard("commercial", "100") == D("0.85")
    assert standard("commercial", "99.9") is None
    assert standard("agricultural", "160") == D("0.80")
    assert standard("large_industrial", "315") == D("0.90")
    assert standard("residential", "200") is None
    assert standard("commercial", "50", own="0.90") == D("0.90")  # a tariff's own standard wins
    with pytest.raises(ValueError):
        pf_standards("commercial:100:0.95")


@pytest.mark.django_db
def test_a_commercial_account_of_160_kva_pays_for_a_poor_power_factor() -> None:
    found = tariffs()
    com, res = found["COM-TOU"], found["RES-TIER"]
    # 10,000 kWh and 7,500 kvarh: cos φ 0.80 against 0.85, 5 hundredths below: +2.5% of the energy charge
    usage = Usage(kwh=D(10000), peak=D(3000), flat=D(4000), valley=D(3000), kvarh=D(7500))
    charges = bill_charges(tariff=com, usage=usage, prior_kwh=D(0), capacity_kva=D(160), customer_class="commercial")
    assert charges.adjustment == yuan(charges.energy * D("0.025"))
    assert charges.adjustment > 0 and charges.total == charges.energy + charges.adjustment
    # the same account under 100 kVA, or without reactive metering, or a household: no adjustment
    for kva, kvarh, tariff, cls in ((D(80), D(7500), com, "commercial"), (D(160), D(0), com, "commercial")):
        same = bill_charges(
            tariff=tariff,
            usage=Usage(kwh=D(10000), peak=D(3000), flat=D(4000), valley=D(3000), kvarh=kvarh),
            prior_kwh=D(0),
            capacity_kva=kva,
            customer_class=cls,
        )
        assert same.adjustment == 0
    home = bill_charges(
        tariff=res,
        usage=Usage(kwh=D(300), kvarh=D(200)),
        prior_kwh=D(0),
        capacity_kva=D(120),
        customer_class="residential",
    )
    assert home.adjustment == 0


@pytest.mark.django_db
def test_the_bill_run_adjusts_exactly_as_the_rules(town: City) -> None:
    tariffs()
    good = billable(make_account(501, town.unit, town.hall, "甲商店", customer_class="commercial"), capacity=D(200))
    poor = billable(make_account(502, town.unit, town.hall, "乙农场", customer_class="agricultural"), capacity=D(100))
    small = billable(make_account(503, town.unit, town.hall, "丙小店", customer_class="commercial"), capacity=D(50))
    reading(good, "2026-09", D(20000), peak="6000", valley="6000", kvarh="4000")  # cos φ 0.98: a reduction
    reading(poor, "2026-09", D(8000), kvarh="8000")  # cos φ 0.71 against 0.80: 9 hundredths, +4.5%
    reading(small, "2026-09", D(5000), kvarh="5000")
    bill_run_start(period="2026-09", chunk_size=2)
    bills = {b.account_id: b for b in Bill.objects.select_related("tariff", "account")}
    assert bills[good.pk].pf_adjustment < 0 and bills[poor.pk].pf_adjustment > 0
    assert bills[poor.pk].pf_adjustment == yuan(bills[poor.pk].energy_charge * D("0.045"))
    assert bills[good.pk].pf_adjustment == yuan(-bills[good.pk].energy_charge * D("0.011"))
    assert bills[small.pk].pf_adjustment == 0
    for bill in bills.values():
        assert bill.amount == by_the_rules(bill)[1] == bill.energy_charge + bill.basic_charge + bill.pf_adjustment
