from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from gridcare.billing import rules
from gridcare.billing.models import Tariff, TariffKind, TierPeriod
from gridcare.billing.rules.engine import energy_fen
from gridcare.billing.tests.helpers import usage_arrays

TIERED = Tariff(
    kind=TariffKind.TIERED,
    price=Decimal("0.4883"),
    tier_period=TierPeriod.YEARLY,
    tier1_kwh=Decimal(2880),
    tier2_kwh=Decimal(4800),
    tier2_price=Decimal("0.5383"),
    tier3_price=Decimal("0.7883"),
)
TOU = Tariff(kind=TariffKind.TOU, price=Decimal("0.6590"), peak_price=Decimal("1.0197"), valley_price=Decimal("0.3010"))
FLAT = Tariff(kind=TariffKind.FLAT, price=Decimal("0.4974"))

centi = st.integers(min_value=0, max_value=10**9)


@settings(max_examples=50)
@given(st.lists(st.tuples(centi, centi, st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=50))
def test_the_batch_engine_gives_the_rules_functions_result_for_every_account(
    rows: list[tuple[int, int, int, int]],
) -> None:
    kwh, peak, flat, valley, prior = usage_arrays(rows)
    tiered = energy_fen(TIERED, kwh, peak, flat, valley, prior)
    tou = energy_fen(TOU, kwh, peak, flat, valley, prior)
    flat_fen = energy_fen(FLAT, kwh, peak, flat, valley, prior)
    for i in range(len(rows)):
        d = [Decimal(int(x[i])) / 100 for x in (kwh, peak, flat, valley, prior)]
        expected_tiered = rules.tiered_charge(
            d[0],
            (Decimal(2880), Decimal(4800)),
            (Decimal("0.4883"), Decimal("0.5383"), Decimal("0.7883")),
            prior_kwh=d[4],
        )
        expected_tou = rules.tou_charge(
            {"peak": d[1], "flat": d[2], "valley": d[3]},
            {"peak": Decimal("1.0197"), "flat": Decimal("0.6590"), "valley": Decimal("0.3010")},
        )
        assert Decimal(int(tiered[i])) / 100 == expected_tiered
        assert Decimal(int(tou[i])) / 100 == expected_tou
        assert Decimal(int(flat_fen[i])) / 100 == rules.flat_charge(d[0], Decimal("0.4974"))
