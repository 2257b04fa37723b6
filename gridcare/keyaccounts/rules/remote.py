"""The nightly remote-service check of one key account's day (KEY-4). Pure code.

From the day's figures of the load store (energy, maximum kW and kVA, kvarh, how many readings)
and the same weekday of the weeks before, what a manager should look at:

- ``overload``: the day's maximum apparent power (kW where kvar is unknown) above the contract
  capacity × ``overload_percent``;
- ``low_power_factor``: the day's power factor (kWh and kvarh) below the account's standard;
- ``usage_deviation``: the day's energy with |z| above ``usage_z`` against the same weekday of the
  ``usage_weeks`` weeks before (at least ``usage_min_weeks`` of them, and some spread): a meter
  fault or theft is possible;
- ``missing_data``: more than ``missing_percent`` % of the day's readings absent (no readings at
  all counts when the account had data in the weeks before).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gridcare.keyaccounts.rules.power_factor import power_factor


@dataclass(frozen=True)
class Day:
    readings: int
    interval_minutes: int
    kwh: float
    max_kw: float
    max_kva: float
    kvarh: float | None


@dataclass(frozen=True)
class RemoteThresholds:
    overload_percent: Decimal = Decimal(100)
    usage_z: Decimal = Decimal(3)
    usage_weeks: int = 8
    usage_min_weeks: int = 4
    missing_percent: Decimal = Decimal(5)


def usage_z(kwh: float, history: Sequence[float]) -> float | None:
    """z of ``kwh`` against ``history`` (sample standard deviation); None without spread."""
    if len(history) < 2:
        return None
    mean = sum(history) / len(history)
    spread = math.sqrt(sum((h - mean) ** 2 for h in history) / (len(history) - 1))
    return None if spread == 0 else (kwh - mean) / spread


def day_findings(
    day: Day | None,
    *,
    same_weekdays: Sequence[float],
    had_data: bool,
    contract_kva: Decimal,
    pf_standard: Decimal,
    t: RemoteThresholds,
) -> list[tuple[str, dict[str, str]]]:
    """What the day shows, as (kind, the figures behind it)."""
    if day is None:
        return [("missing_data", {"missing": "100", "readings": "0"})] if had_data else []
    found: list[tuple[str, dict[str, str]]] = []
    expected = 1440 // max(day.interval_minutes, 1)
    missing = max(expected - day.readings, 0) * 100 / expected
    if missing > float(t.missing_percent):
        found.append(("missing_data", {"missing": f"{missing:.0f}", "readings": str(day.readings)}))
    limit = float(contract_kva * t.overload_percent / 100)
    if contract_kva > 0 and day.max_kva > limit:
        found.append(("overload", {"max_kva": f"{day.max_kva:.1f}", "contract_kva": f"{contract_kva.normalize():f}"}))
    if day.kvarh is not None:
        pf = power_factor(Decimal(repr(day.kwh)), Decimal(repr(abs(day.kvarh))))
        if pf is not None and pf < pf_standard:
            found.append(("low_power_factor", {"pf": str(pf), "standard": str(pf_standard)}))
    history = list(same_weekdays)[-t.usage_weeks :]
    z = usage_z(day.kwh, history) if len(history) >= t.usage_min_weeks else None
    if z is not None and abs(z) > float(t.usage_z):
        mean = sum(history) / len(history)
        found.append(("usage_deviation", {"kwh": f"{day.kwh:.0f}", "usual": f"{mean:.0f}", "z": f"{z:.1f}"}))
    return found
