"""Billing across a meter exchange (换表): pure arithmetic, no database.

The usage of the first bill after an exchange is the old meter's part, (removal − last reading) ×
old multiplier, plus the new meter's, (current − installation) × new multiplier, so nothing the
customer used is lost or counted twice. Time-of-use registers (峰, 谷) are counted the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

ZERO = Decimal(0)


@dataclass(frozen=True)
class Span:
    """A meter's register from one reading to the next, and the meter's multiplier (倍率)."""

    start: Decimal
    end: Decimal
    multiplier: int

    @property
    def kwh(self) -> Decimal:
        return (self.end - self.start) * self.multiplier


@dataclass(frozen=True)
class ExchangeUsage:
    kwh: Decimal
    old_kwh: Decimal  # 换表电量: the old meter's part
    new_kwh: Decimal


def exchange_usage(old: Span, new: Span) -> ExchangeUsage:
    """The usage of the bill across the exchange: the old meter's span plus the new meter's."""
    return ExchangeUsage(kwh=old.kwh + new.kwh, old_kwh=old.kwh, new_kwh=new.kwh)


def exchange_problems(
    *,
    last_register: Decimal,
    last_read_on: date | None,
    removal_register: Decimal,
    installation_register: Decimal,
    exchanged_on: date,
    old_installed_on: date,
    today: date,
    register_pairs: dict[str, tuple[Decimal | None, Decimal | None]] | None = None,
) -> dict[str, str]:
    """One Chinese message per bad field of an exchange (an empty dict: none)."""
    errors: dict[str, str] = {}
    if removal_register < last_register:
        errors["removal_register"] = _("拆表示数 %(r)s 不能小于上次抄表示数 %(l)s。") % {
            "r": removal_register,
            "l": last_register,
        }
    if installation_register < 0:
        errors["installation_register"] = _("装表示数不能为负。")
    if exchanged_on > today:
        errors["exchanged_on"] = _("换表日期不能晚于今天。")
    elif last_read_on is not None and exchanged_on < last_read_on:
        errors["exchanged_on"] = _("换表日期不能早于上次抄表日期 %(d)s。") % {"d": last_read_on.isoformat()}
    elif exchanged_on < old_installed_on:
        errors["exchanged_on"] = _("换表日期不能早于旧表装表日期 %(d)s。") % {"d": old_installed_on.isoformat()}
    for field, (start, end) in (register_pairs or {}).items():
        if start is None or end is None:
            errors[field] = _("分时电能表须填写此示数。")
        elif end < start:
            errors[field] = _("拆表示数不能小于上次抄表示数 %(l)s。") % {"l": start}
    return errors
