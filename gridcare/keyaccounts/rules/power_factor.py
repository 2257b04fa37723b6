"""Power factor and its adjustment of the electricity charge (力调电费). Pure code.

Source: 水利电力部、国家物价局《功率因数调整电费办法》（(83)水电财字第215号，1983年12月2日），
still the national rule. Its standards (考核标准):

- 0.90: high-voltage industrial customers of 160 kVA and more, and high-voltage-supplied
  customers with load-tap-changing transformers;
- 0.85: other customers of 100 kVA (100 kW) and more, and large agricultural pumping stations;
- 0.80: agriculture of 100 kVA (100 kW) and more, and wholesale (趸售) customers.

Its table (功率因数调整电费表), for a monthly power factor rounded to two places: at the standard
nothing changes; above it the charge is reduced (减收) by the amounts of ``REDUCTIONS`` (in per
cent, the last one for every higher factor up to 1.00); below it the charge is increased (增收)
by 0.5 % for each 0.01 down to 0.20 below the standard (10 %), then by 1 % for each 0.01 down to
0.25 below it (15 %), and by 2 % for each further 0.01. The percentage applies to the month's
charge (here: the energy charge of the period, ``rules.diagnosis``).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

STANDARDS = (Decimal("0.90"), Decimal("0.85"), Decimal("0.80"))
# Reductions above the standard, in per cent: 0.01 above, 0.02 above, …; the last holds to 1.00.
REDUCTIONS: dict[Decimal, tuple[Decimal, ...]] = {
    Decimal("0.90"): tuple(Decimal(v) for v in ("0.15", "0.30", "0.45", "0.60", "0.75")),
    Decimal("0.85"): tuple(Decimal(v) for v in ("0.1", "0.2", "0.3", "0.4", "0.5", "0.65", "0.80", "0.95", "1.10")),
    Decimal("0.80"): tuple(
        Decimal(v) for v in ("0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0", "1.15", "1.30")
    ),
}
PLACES = Decimal("0.01")


def power_factor(kwh: Decimal, kvarh: Decimal) -> Decimal | None:
    """cos φ = kWh / √(kWh² + kvarh²), to two places (half-up) as the table reads it; None when
    there is no energy at all."""
    if kwh <= 0 and kvarh <= 0:
        return None
    value = float(kwh) / math.hypot(float(kwh), float(kvarh))
    return Decimal(repr(value)).quantize(PLACES, rounding=ROUND_HALF_UP)


def pf_adjustment_percent(pf: Decimal, standard: Decimal) -> Decimal:
    """The table's adjustment in per cent for factor ``pf`` at ``standard``: positive an increase
    (增收), negative a reduction (减收), 0 at the standard."""
    if standard not in REDUCTIONS:
        raise ValueError(f"no table for the standard {standard}")
    steps = int(((pf.quantize(PLACES, rounding=ROUND_HALF_UP) - standard) / PLACES).to_integral_value())
    if steps >= 0:
        table = REDUCTIONS[standard]
        return -table[min(steps, len(table)) - 1] if steps else Decimal(0)
    below = -steps
    if below <= 20:
        return Decimal("0.5") * below
    if below <= 25:
        return Decimal(10) + (below - 20)
    return Decimal(15) + 2 * (below - 25)
