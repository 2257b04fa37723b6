"""Decimal inputs checked against the column they go into: finite, within its max_digits and
decimal_places, not below a minimum. Used by the services so that a caller other than the page
forms (admin, API, shell, a test) cannot reach the database with "1e300" or NaN."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _


def decimal_error(value: object, column: object, *, minimum: Decimal | None = Decimal(0)) -> str | None:
    """Why ``value`` does not fit the DecimalField ``column`` (a model's ``_meta.get_field``; None: it fits)."""
    # Read by attribute so the rule needs no django.db: any DecimalField carries both.
    places, digits = getattr(column, "decimal_places", None), getattr(column, "max_digits", None)
    assert isinstance(places, int) and isinstance(digits, int), "a DecimalField is expected"
    if not isinstance(value, Decimal) or not value.is_finite():
        return str(_("请输入有效的数字。"))
    if abs(value) >= Decimal(10) ** (digits - places):
        return str(_("数值超出允许范围（整数部分最多 %(n)s 位）。") % {"n": digits - places})
    if value != value.quantize(Decimal(1).scaleb(-places)):
        return str(_("最多保留 %(n)s 位小数。") % {"n": places})
    if minimum is not None and value < minimum:
        return str(_("不得小于 %(m)s。") % {"m": minimum})
    return None
