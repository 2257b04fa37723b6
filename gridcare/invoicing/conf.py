"""Typed access to settings.GRIDCARE_EINVOICE."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings


def _conf() -> dict[str, Any]:
    conf: dict[str, Any] = settings.GRIDCARE_EINVOICE
    return conf


def einvoice_int(name: str) -> int:
    return int(_conf()[name])


def einvoice_str(name: str) -> str:
    return str(_conf()[name])


def tax_rate() -> Decimal:
    value = _conf()["TAX_RATE"]
    assert isinstance(value, Decimal)
    return value


def since(today: date) -> date:
    """Payments and bills of this business date and after are invoiced: SINCE, but no further back
    than LOOKBACK_DAYS before ``today`` (a run reads a month of payments, not the whole history)."""
    earliest = today - timedelta(days=einvoice_int("LOOKBACK_DAYS"))
    text = einvoice_str("SINCE").strip()
    return max(date.fromisoformat(text), earliest) if text else earliest
