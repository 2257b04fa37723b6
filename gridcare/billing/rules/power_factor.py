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


def pf_standards(text: str) -> list[tuple[str, Decimal, Decimal]]:
    """The configured table "class:from kVA:standard,…" (GRIDCARE_PF_STANDARDS) as rows; a row
    that does not read, or a standard that is none of the three, is a configuration error."""
    rows = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        customer_class, kva, standard = part.split(":")
        value = Decimal(standard)
        if value not in CAPS:
            raise ValueError(f"power-factor standard {standard} is not 0.90, 0.85 or 0.80")
        rows.append((customer_class.strip(), Decimal(kva), value))
    return rows


def pf_standard_for(
    *,
    customer_class: str,
    capacity_kva: Decimal,
    minimum_kva: Decimal,
    table: list[tuple[str, Decimal, Decimal]],
    tariff_standard: Decimal | None = None,
) -> Decimal | None:
    """The power-factor standard an account is assessed by (None: not assessed): the tariff's own
    (a two-part tariff's), else the first row of ``table`` for its class it reaches, from
    ``minimum_kva`` (100 kVA) on."""
    if tariff_standard is not None:
        return tariff_standard
    if capacity_kva < minimum_kva:
        return None
    for row_class, from_kva, standard in table:
        if row_class == customer_class and capacity_kva >= from_kva:
            return standard
    return None
