"""Money is Decimal yuan with two places, rounded half-up at the documented points."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import BigIntegerField, DecimalField, F, QuerySet, Sum
from django.db.models.functions import Cast, Round

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def yuan(value: Decimal | int | str) -> Decimal:
    """Round to the fen, half-up (the rounding used on Chinese electricity bills)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_fen(value: Decimal) -> int:
    return int(yuan(value) * 100)


class MoneySum(Sum):
    """SUM of a money column or expression, as Decimal yuan with two places on every database
    (also used for the other two-place decimals, kWh).

    Every money total in the project goes through this (``aggregate(total=MoneySum("amount"))``,
    ``annotate(owed=MoneySum(F("amount") - F("paid")))``): SQLite keeps decimals as doubles, and a
    plain ``Sum`` of them came back as float noise (``220130284.620000``). Each row is summed in
    whole fen (an exact integer sum on SQLite and PostgreSQL alike) and turned back into yuan; an
    empty set sums to 0.00.
    """

    def __init__(self, expression: Any, **extra: Any) -> None:
        value = F(expression) if isinstance(expression, str) else expression
        fen = Cast(Round(value * 100), BigIntegerField())
        super().__init__(fen, output_field=DecimalField(max_digits=20, decimal_places=2), **extra)

    def convert_value(self, value: Any, expression: Any, connection: Any) -> Decimal:
        return ZERO if value is None else (Decimal(int(value)) / 100).quantize(CENT)


def money_total(rows: QuerySet[Any], expression: Any) -> Decimal:
    """The total of a money column or expression over ``rows``."""
    total: Decimal | None = rows.aggregate(total=MoneySum(expression))["total"]
    return ZERO if total is None else total  # an empty queryset is not asked at all
