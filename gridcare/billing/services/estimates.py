"""Estimated readings (估抄) and the readings that follow a meter exchange (换表).

- ``estimate_missing``: at the start of a bill run, one set-based step writes an estimated
  reading for every account of the run that has none, from its own history
  (``rules.estimates.estimate_usage``), unless it has had ``ESTIMATE_MAX_CONSECUTIVE`` estimates
  in a row (then it waits for a real reading and is counted missing, as before).
- ``carries``: what an imported reading carries: the old meter's part of a pending exchange and
  the pending estimates it trues up.
- ``true_up_bases``: what the estimated bills a true-up reading covers charged, for the bill run
  and the single-account path alike (``rules.estimates.true_up_charges``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef

from gridcare.billing.conf import billing_bool, billing_int
from gridcare.billing.models import Bill, BillStatus, Reading, ReadingStatus
from gridcare.billing.rules.bill_dates import period_start
from gridcare.billing.rules.estimates import (
    TrueUpBasis,
    estimate_usage,
    may_estimate,
    previous_periods,
    same_month_last_year,
)
from gridcare.core.bulk import insert_rows
from gridcare.customers.models import Account, AccountStatus, MeterExchange

ZERO = Decimal(0)
READING_COLUMNS = (
    "account_id",
    "period",
    "read_on",
    "register",
    "kwh",
    "kwh_peak",
    "kwh_flat",
    "kwh_valley",
    "kvarh",
    "max_demand_kw",
    "status",
    "split_source",
    "estimated",
    "true_up_kwh",
)


def _missing_accounts(period: str, unit_id: int | None) -> list[int]:
    accounts = Account.objects.filter(status=AccountStatus.ACTIVE)
    if unit_id:
        accounts = accounts.filter(supply_unit_id=unit_id)
    return list(
        accounts.filter(
            ~Exists(Reading.objects.filter(account=OuterRef("pk"), period=period)),
            ~Exists(Bill.objects.filter(account=OuterRef("pk"), period=period)),
            ~Exists(MeterExchange.objects.filter(account=OuterRef("pk"), readings__isnull=True)),
        ).values_list("pk", flat=True)
    )


@dataclass
class _History:
    actual: dict[str, tuple[Decimal, Decimal, Decimal]] = field(default_factory=dict)
    estimated: set[str] = field(default_factory=set)
    last: tuple[str, Decimal] | None = None  # (period, register) of the newest reading
    multiplier: int = 1


def _histories(period: str, ids: Sequence[int]) -> dict[int, _History]:
    wanted = {same_month_last_year(period), *previous_periods(period, 12)}
    out: dict[int, _History] = defaultdict(_History)
    rows = (
        Reading.objects.filter(account_id__in=ids, period__in=wanted, period__lt=period)
        .order_by("account_id", "period")
        .values_list("account_id", "period", "kwh", "kwh_peak", "kwh_valley", "register", "estimated", "true_up_kwh")
    )
    for account_id, p, kwh, peak, valley, register, estimated, trued in rows:
        h = out[account_id]
        if estimated:
            h.estimated.add(p)
        elif not trued:  # a true-up's kWh is not one month's usage
            h.actual[p] = (kwh, peak, valley)
        h.last = (p, register)
    from gridcare.customers.models import Meter

    for account_id, multiplier in Meter.objects.filter(account_id__in=ids, removed_on__isnull=True).values_list(
        "account_id", "multiplier"
    ):
        out[account_id].multiplier = multiplier
    return out


def _consecutive(period: str, estimated: set[str]) -> int:
    count = 0
    for p in previous_periods(period, 24):
        if p not in estimated:
            break
        count += 1
    return count


def estimate_missing(*, period: str, unit_id: int | None) -> int:
    """Write the estimated readings of ``period`` (setting ESTIMATE_MISSING_READINGS); the number
    written. Idempotent: an account with a reading of the period is never estimated again."""
    if not billing_bool("ESTIMATE_MISSING_READINGS"):
        return 0
    ids = _missing_accounts(period, unit_id)
    if not ids:
        return 0
    histories = _histories(period, ids)
    limit = billing_int("ESTIMATE_MAX_CONSECUTIVE")
    read_on = period_start(period)
    rows = []
    for account_id in ids:
        h = histories.get(account_id)
        if h is None or h.last is None or not may_estimate(_consecutive(period, h.estimated), limit):
            continue
        estimate = estimate_usage(period, h.actual)
        if estimate is None:
            continue
        register = h.last[1] + (estimate.kwh / h.multiplier).quantize(Decimal("0.01"))
        flat = estimate.kwh - estimate.peak - estimate.valley
        rows.append(
            (account_id, period, read_on, register, estimate.kwh, estimate.peak, flat, estimate.valley)
            + (ZERO, ZERO, ReadingStatus.VALID.value, "", True, ZERO)
        )
    with transaction.atomic():
        insert_rows(Reading, READING_COLUMNS, ([_db(v) for v in row] for row in rows))
    return len(rows)


def _db(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    return value


@dataclass
class Carry:
    """What an account's next actual reading carries: the pending meter exchanges (the old
    meters' kWh, the register the new meter started at) and the pending estimates."""

    exchanges: list[MeterExchange] = field(default_factory=list)
    estimates: list[Reading] = field(default_factory=list)
    last_actual_register: Decimal | None = None

    @property
    def previous(self) -> Decimal | None:
        """The register this reading's usage counts from (None: the file's 上次示数)."""
        if self.exchanges:
            return self.exchanges[-1].installation_register
        return self.last_actual_register if self.estimates else None

    def old_parts(self) -> tuple[Decimal, Decimal, Decimal]:
        return (
            sum((e.old_kwh for e in self.exchanges), ZERO),
            sum((e.old_kwh_peak for e in self.exchanges), ZERO),
            sum((e.old_kwh_valley for e in self.exchanges), ZERO),
        )

    def estimated_parts(self) -> tuple[Decimal, Decimal, Decimal]:
        return (
            sum((r.kwh for r in self.estimates), ZERO),
            sum((r.kwh_peak for r in self.estimates), ZERO),
            sum((r.kwh_valley for r in self.estimates), ZERO),
        )


def carries(account_ids: Iterable[int]) -> dict[int, Carry]:
    ids = list(account_ids)
    out: dict[int, Carry] = defaultdict(Carry)
    for exchange in MeterExchange.objects.filter(account_id__in=ids, readings__isnull=True).order_by(
        "exchanged_on", "id"
    ):
        out[exchange.account_id].exchanges.append(exchange)
    pending = Reading.objects.filter(account_id__in=ids, estimated=True, trued_up_by__isnull=True).order_by("period")
    for reading in pending:
        out[reading.account_id].estimates.append(reading)
    for account_id in [a for a, c in out.items() if c.estimates]:
        last = (
            Reading.objects.filter(account_id=account_id, estimated=False)
            .order_by("-period")
            .values_list("register", flat=True)
            .first()
        )
        out[account_id].last_actual_register = last
    return dict(out)


def carries_settle(readings: Iterable[Reading], found: dict[int, Carry]) -> None:
    """Link the estimates each new reading trues up (inside the import's transaction)."""
    for reading in readings:
        carry = found.get(reading.account_id)
        if carry and carry.estimates:
            Reading.objects.filter(pk__in=[r.pk for r in carry.estimates]).update(trued_up_by=reading.pk)


def true_up_bases(*, period: str, account_ids: Sequence[int]) -> dict[int, TrueUpBasis]:
    """The true-up readings of ``period`` among ``account_ids`` and what their estimated bills
    charged: few accounts, one small query on the readings' (period, account) index."""
    if not len(account_ids):
        return {}
    query = Reading.objects.filter(
        period=period,
        account_id__gte=int(min(account_ids)),
        account_id__lte=int(max(account_ids)),
        true_up_kwh__gt=0,
    ).values_list("pk", "account_id", "true_up_kwh")
    found_ups = list(query)
    ups = {pk: account_id for pk, account_id, _kwh in found_ups}
    deducted = {account_id: kwh for _pk, account_id, kwh in found_ups}
    if not ups:
        return {}
    wanted = set(int(a) for a in account_ids)
    estimates = Reading.objects.filter(trued_up_by__in=list(ups)).values_list(
        "account_id", "period", "kwh_peak", "kwh_valley"
    )
    bills = {
        (b.account_id, b.period): b
        for b in Bill.objects.filter(account_id__in=list(ups.values()), segment=0)
        .exclude(status=BillStatus.CANCELLED)
        .only("account_id", "period", "energy_charge", "prior_kwh")
    }
    out: dict[int, TrueUpBasis] = {}
    covered: dict[int, list[Bill]] = defaultdict(list)
    split: dict[int, tuple[Decimal, Decimal]] = defaultdict(lambda: (ZERO, ZERO))
    for account_id, p, peak, valley in estimates:
        if (account_id, p) in bills:
            covered[account_id].append(bills[(account_id, p)])
            split[account_id] = (split[account_id][0] + peak, split[account_id][1] + valley)
    for account_id, found in covered.items():
        if account_id not in wanted:
            continue
        found.sort(key=lambda b: b.period)
        out[account_id] = TrueUpBasis(
            billed_energy=sum((b.energy_charge for b in found), ZERO),
            months=len(found),
            first_prior_kwh=found[0].prior_kwh,
            true_up_kwh=deducted[account_id],
            estimated_peak=split[account_id][0],
            estimated_valley=split[account_id][1],
        )
    return out


def estimated_account_ids(*, period: str, account_ids: Sequence[int]) -> set[int]:
    """The accounts among ``account_ids`` (in id order) billed for ``period`` from an estimate."""
    if not len(account_ids):
        return set()
    return set(
        Reading.objects.filter(
            period=period,
            account_id__gte=int(min(account_ids)),
            account_id__lte=int(max(account_ids)),
            estimated=True,
        ).values_list("account_id", flat=True)
    )
