"""Typed access to the settings billing reads (GRIDCARE_RULES, GRIDCARE_BILLING)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def rule_decimal(name: str) -> Decimal:
    value = settings.GRIDCARE_RULES[name]
    assert isinstance(value, Decimal)
    return value


def rule_int(name: str) -> int:
    value = settings.GRIDCARE_RULES[name]
    assert isinstance(value, int)
    return value


def rule_bool(name: str) -> bool:
    return bool(settings.GRIDCARE_RULES[name])


def billing_decimal(name: str) -> Decimal:
    value = settings.GRIDCARE_BILLING[name]
    assert isinstance(value, Decimal)
    return value


def billing_int(name: str) -> int:
    value = settings.GRIDCARE_BILLING[name]
    assert isinstance(value, int)
    return value


def billing_str(name: str) -> str:
    return str(settings.GRIDCARE_BILLING[name])


def billing_bool(name: str) -> bool:
    return bool(settings.GRIDCARE_BILLING[name])


def arrears_int(name: str) -> int:
    value = settings.GRIDCARE_ARREARS[name]
    assert isinstance(value, int)
    return value


def arrears_decimal(name: str) -> Decimal:
    value = settings.GRIDCARE_ARREARS[name]
    assert isinstance(value, Decimal)
    return value
