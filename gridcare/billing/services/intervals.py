"""Interval data summed into the month's reading (BILL-2): the peak/flat/valley kWh of a
reading are filled in from the account's load curve by its tariff's time-of-use bands.

Called inside the transaction of each import (intervals or monthly readings), so the split, the
exceptions it raises and the import itself are written together or not at all. The register's
kWh stays the billed total: peak and valley come from the intervals, flat is the rest. A
reading whose split came from the meter's own TOU registers (峰电量/谷电量 columns) is kept; a
reading already billed is not touched."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.utils import timezone

from gridcare.billing.conf import billing_str
from gridcare.billing.models import (
    Bill,
    ExceptionKind,
    ExceptionStatus,
    IntervalReading,
    Reading,
    ReadingException,
    ReadingStatus,
    SplitSource,
    Tariff,
)
from gridcare.billing.rules.bill_dates import period_bounds, period_start
from gridcare.billing.rules.intervals import Band, IntervalSummary, summarise_intervals
from gridcare.billing.services.tariffs import tariffs_in_force
from gridcare.core.events import actor_user
from gridcare.core.timezone import SHANGHAI

INTERVAL_KINDS = (ExceptionKind.GAP, ExceptionKind.OVERLAP, ExceptionKind.SPLIT)


@dataclass
class SplitResult:
    filled: int = 0  # readings whose split was (re)computed from intervals
    held: int = 0  # of which held with an interval exception
    skipped: int = 0  # billed, meter split, or a tariff without TOU bands


def _bands(period: str) -> dict[str, list[Band]]:
    tariffs: dict[str, Tariff] = tariffs_in_force(province=billing_str("PROVINCE"), on=period_start(period))
    return {
        code: [Band(p.kind, p.starts, p.ends) for p in tariff.tou_periods.all()] for code, tariff in tariffs.items()
    }


def _problems(reading: Reading, summary: IntervalSummary) -> list[tuple[str, dict[str, str]]]:
    found: list[tuple[str, dict[str, str]]] = []
    if summary.missing:
        minutes = int(summary.step.total_seconds() // 60)
        found.append((ExceptionKind.GAP, {"missing": str(summary.missing), "step_minutes": str(minutes)}))
    if summary.overlapping:
        starts = [s.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") for s in summary.overlapping[:5]]
        found.append((ExceptionKind.OVERLAP, {"count": str(len(summary.overlapping)), "starts": ", ".join(starts)}))
    peak, valley = summary.kwh["peak"], summary.kwh["valley"]
    if peak + valley > reading.kwh:
        found.append((ExceptionKind.SPLIT, {"peak": str(peak), "valley": str(valley), "kwh": str(reading.kwh)}))
    return found


def _apply(reading: Reading, summary: IntervalSummary, actor: User | None) -> bool:
    """Write the split and its exceptions; True when the reading is held for an interval problem."""
    now = timezone.now()
    # Exceptions of an earlier summation are superseded by this one.
    reading.exceptions.filter(kind__in=INTERVAL_KINDS, status=ExceptionStatus.OPEN).update(
        status=ExceptionStatus.CORRECTED, resolved_by=actor, resolved_at=now
    )
    problems = _problems(reading, summary)
    ReadingException.objects.bulk_create(
        ReadingException(reading=reading, kind=kind, detail=detail) for kind, detail in problems
    )
    if not any(kind == ExceptionKind.SPLIT for kind, _ in problems):
        reading.kwh_peak, reading.kwh_valley = summary.kwh["peak"], summary.kwh["valley"]
        reading.kwh_flat = reading.kwh - reading.kwh_peak - reading.kwh_valley
        reading.split_source = SplitSource.INTERVAL
    still_open = reading.exceptions.filter(status=ExceptionStatus.OPEN).exists()
    reading.status = ReadingStatus.HELD if still_open else ReadingStatus.VALID
    reading.save(update_fields=["kwh_peak", "kwh_flat", "kwh_valley", "split_source", "status"])
    return bool(problems)


def intervals_to_readings(
    *, account_ids: Iterable[int], periods: Iterable[str], actor: User | AnonymousUser | None
) -> SplitResult:
    """Fill in the split of every (account, period) reading that has interval data. Call it
    inside the importing transaction."""
    user = actor_user(actor)
    ids = sorted(set(account_ids))
    result = SplitResult()
    for period in sorted(set(periods)):
        start, end = period_bounds(period)
        # Most imports of monthly readings meet no interval data: one query finds out.
        with_curves = set(
            IntervalReading.objects.filter(account_id__in=ids, starts_at__gte=start, starts_at__lt=end)
            .values_list("account_id", flat=True)
            .distinct()
        )
        if not with_curves:
            continue
        readings = list(
            Reading.objects.select_for_update()
            .filter(account_id__in=sorted(with_curves), period=period)
            .exclude(split_source=SplitSource.METER)
            .select_related("account")
        )
        billed = set(
            Bill.objects.filter(account_id__in=sorted(with_curves), period=period).values_list("account_id", flat=True)
        )
        curves: dict[int, list[tuple[datetime, Decimal]]] = defaultdict(list)
        for account_id, at, kwh in IntervalReading.objects.filter(
            account_id__in=[r.account_id for r in readings], starts_at__gte=start, starts_at__lt=end
        ).values_list("account_id", "starts_at", "kwh"):
            curves[account_id].append((at, kwh))
        bands = _bands(period)
        for reading in readings:
            tariff_bands = bands.get(reading.account.tariff_code)
            if reading.account_id in billed or not tariff_bands or not curves[reading.account_id]:
                result.skipped += 1
                continue
            summary = summarise_intervals(
                curves[reading.account_id], period_start=start, period_end=end, bands=tariff_bands, tz=SHANGHAI
            )
            result.filled += 1
            result.held += _apply(reading, summary, user)
    return result
