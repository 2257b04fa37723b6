"""Coordinates as people type them (WGS-84 degrees, six decimals): a hall's or 台区's place for the
outlet-network studies (PLAN-3). Framework-free: the owners' services call ``coordinates``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

# Mainland China with a margin: a point outside is a typing slip (latitude and longitude swapped …).
LATITUDE = (Decimal("3"), Decimal("54"))
LONGITUDE = (Decimal("73"), Decimal("136"))
PLACES = Decimal("0.000001")


def _degrees(value: Any, bounds: tuple[Decimal, Decimal], message: str) -> tuple[Decimal | None, str]:
    text = str(value if value is not None else "").strip()[:30]
    try:
        found = Decimal(text)
    except InvalidOperation:
        return None, message
    if not found.is_finite() or not bounds[0] <= found <= bounds[1]:
        return None, message
    return found.quantize(PLACES, rounding=ROUND_HALF_UP), ""


def coordinates(latitude: Any, longitude: Any) -> tuple[Decimal | None, Decimal | None, dict[str, str]]:
    """The two degrees, or the errors by field (``latitude``, ``longitude``). Both empty: no place
    (None, None), which clears it."""
    if (
        str(latitude if latitude is not None else "").strip() == ""
        and str(longitude if longitude is not None else "").strip() == ""
    ):
        return None, None, {}
    errors: dict[str, str] = {}
    lat, problem = _degrees(latitude, LATITUDE, _("纬度应为 3 到 54 之间的数字（度，如 30.274085）。"))
    if problem:
        errors["latitude"] = problem
    lon, problem = _degrees(longitude, LONGITUDE, _("经度应为 73 到 136 之间的数字（度，如 120.155070）。"))
    if problem:
        errors["longitude"] = problem
    return lat, lon, errors
