"""The load-data, diagnosis and remote-service settings (GRIDCARE_KEY_ACCOUNTS), typed."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings


def key_decimal(name: str) -> Decimal:
    return Decimal(str(settings.GRIDCARE_KEY_ACCOUNTS[name]))


def key_int(name: str) -> int:
    return int(settings.GRIDCARE_KEY_ACCOUNTS[name])


def key_str(name: str) -> str:
    return str(settings.GRIDCARE_KEY_ACCOUNTS[name])
