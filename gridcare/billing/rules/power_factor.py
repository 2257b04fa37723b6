"""Power-factor adjustment (力调电费), by the national table (功率因数调整电费办法, 1983)
with standards 0.90, 0.85 and 0.80.

Above the standard the bill is reduced: 0.1% per 0.01 up to 0.90 and 0.15% per 0.01 above
0.90, capped (0.95 for standard 0.90, 0.94 for 0.85, 0.92 for 0.80). Below the standard it is
raised 0.5% per 0.01 for the first 0.20, 1% per 0.01 for the next 0.05, then 2% per 0.01.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from gridcare.core.money import yuan

HUNDREDTH = Decimal("0.01")
CAPS = {Decimal("0.90"): 95, Decimal("0.85"): 94, Decimal("0.80"): 92}


def power_factor(kwh: Decimal, kvarh: Decimal) -> Decimal:
    """cos φ = P / √(P² + Q²), rounded half-up to 0.01 as the table reads it."""
    if kwh < 0 or kvarh < 0:
        raise ValueError("energy cannot be negative")
    if kvarh == 0:
        return Decimal("1.00")
    if kwh == 0:
        return Decimal("0.00")
    with localcontext() as ctx:
        ctx.prec = 28
        value = kwh / (kwh * kwh + kvarh * kvarh).sqrt()
    return value.quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def pf_adjustment_rate(pf: Decimal, standard: Decimal) -> Decimal:
    """Adjustment as a fraction of the charge (negative = reduction)."""
    if standard not in CAPS:
        raise ValueError("standard must be 0.90, 0.85 or 0.80")
    p = int((pf.quantize(HUNDREDTH, rounding=ROUND_HALF_UP) * 100).to_integral_value())
    s = int(standard * 100)
    if p >= s:
        top = min(p, CAPS[standard])
        below_90 = max(0, min(top, 90) - s)
        above_90 = max(0, top - max(s, 90))
        percent = -(Decimal("0.10") * below_90 + Decimal("0.15") * above_90)
    else:
        steps = s - p
        percent = (
            Decimal("0.5") * min(steps, 20) + Decimal(1) * min(max(steps - 20, 0), 5) + Decimal(2) * max(steps - 25, 0)
        )
    return percent / 100


def pf_adjustment(charge: Decimal, pf: Decimal, standard: Decimal) -> Decimal:
    """The adjustment in yuan on ``charge`` (basic + energy), rounded half-up to the fen."""
    return yuan(charge * pf_adjustment_rate(pf, standard))
