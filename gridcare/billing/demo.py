"""Demo billing data: the tariffs of two provinces (Zhejiang and Beijing), a few months of
readings and bills for the demo accounts, some payments and prepaid balances.

Tariff figures are modelled on the two provinces' published catalogues (residential tiers and
thresholds as published; commercial and industrial figures rounded) and satisfy the SPEC's
rules (tier increments 0.05 / 0.30, peak/valley at least 3:1)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from decimal import Decimal as D
from typing import Any

import numpy as np
from django.db import transaction

from gridcare.billing.conf import billing_str
from gridcare.billing.models import (
    Bill,
    BillRun,
    DebitAgreement,
    DemandBasis,
    Payment,
    PaymentChannel,
    PrepaidBalance,
    Reading,
    RunStatus,
    Tariff,
    TariffKind,
    TierPeriod,
    TouPeriod,
)
from gridcare.billing.models.payments import PAYER_CHANNELS
from gridcare.billing.services.bill_notify import bill_notify
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.payments import PaymentIn, channel_max, payment_post
from gridcare.core.bulk import insert_rows
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account, CustomerClass
from gridcare.customers.selectors import active_account_classes
from gridcare.org.access import Scope

D0 = date(2024, 1, 1)

# Zhejiang's residential yearly tiers, which its residential peak/valley tariff keeps.
ZJ_RESIDENTIAL_TIERS: dict[str, Any] = {
    "kind": TariffKind.TIERED,
    "price": D("0.538"),
    "tier_period": TierPeriod.YEARLY,
    "tier1_kwh": D(2760),
    "tier2_kwh": D(4800),
    "tier2_price": D("0.588"),
    "tier3_price": D("0.838"),
}

PROVINCE_TARIFFS: dict[str, list[dict[str, Any]]] = {
    "ZJ": [
        {"code": "RES-TIER", "name": "浙江居民生活用电(年阶梯)", **ZJ_RESIDENTIAL_TIERS},
        {
            # 一户一表居民峰谷电价: 峰 08:00-22:00, 谷 22:00-08:00; the tiers' increments on top.
            "code": "RES-TOU",
            "name": "浙江居民生活用电(峰谷,年阶梯)",
            **ZJ_RESIDENTIAL_TIERS,
            "peak_price": D("0.568"),
            "valley_price": D("0.288"),
        },
        {
            "code": "COM-TOU",
            "name": "浙江一般工商业(分时)",
            "kind": TariffKind.TOU,
            "price": D("0.6590"),
            "peak_price": D("1.0197"),
            "valley_price": D("0.3010"),
        },
        {
            "code": "IND-2PART",
            "name": "浙江大工业(两部制)",
            "kind": TariffKind.TWO_PART,
            "price": D("0.6279"),
            "peak_price": D("1.0416"),
            "valley_price": D("0.2879"),
            "basis": DemandBasis.CAPACITY,
            "capacity_price": D("30"),
            "demand_price": D("40"),
            "pf_standard": D("0.90"),
        },
        {"code": "AGR-FLAT", "name": "浙江农业生产用电", "kind": TariffKind.FLAT, "price": D("0.4974")},
    ],
    "BJ": [
        {
            "code": "RES-TIER",
            "name": "北京居民生活用电(年阶梯)",
            "kind": TariffKind.TIERED,
            "price": D("0.4883"),
            "tier_period": TierPeriod.YEARLY,
            "tier1_kwh": D(2880),
            "tier2_kwh": D(4800),
            "tier2_price": D("0.5383"),
            "tier3_price": D("0.7883"),
        },
        {
            "code": "RES-TIER-M",
            "name": "居民生活用电(月阶梯)",
            "kind": TariffKind.TIERED,
            "price": D("0.4883"),
            "tier_period": TierPeriod.MONTHLY,
            "tier1_kwh": D(240),
            "tier2_kwh": D(400),
            "tier2_price": D("0.5383"),
            "tier3_price": D("0.7883"),
        },
        {
            "code": "COM-TOU",
            "name": "北京一般工商业(分时)",
            "kind": TariffKind.TOU,
            "price": D("0.7782"),
            "peak_price": D("1.2491"),
            "valley_price": D("0.3073"),
        },
        {
            "code": "IND-2PART",
            "name": "北京大工业(两部制)",
            "kind": TariffKind.TWO_PART,
            "price": D("0.6264"),
            "peak_price": D("1.0307"),
            "valley_price": D("0.2986"),
            "basis": DemandBasis.DEMAND,
            "capacity_price": D("32"),
            "demand_price": D("48"),
            "pf_standard": D("0.90"),
        },
        {"code": "AGR-FLAT", "name": "北京农业生产用电", "kind": TariffKind.FLAT, "price": D("0.4815")},
    ],
}

# 峰 8:00-11:00, 13:00-19:00 (ZJ-like); 谷 22:00-08:00 (split at midnight); the rest 平.
TOU_BANDS = (
    ("valley", time(0, 0), time(8, 0)),
    ("peak", time(8, 0), time(11, 0)),
    ("flat", time(11, 0), time(13, 0)),
    ("peak", time(13, 0), time(19, 0)),
    ("flat", time(19, 0), time(22, 0)),
    ("valley", time(22, 0), time(23, 59, 59)),
)
# Residential peak/valley (Zhejiang): no flat band; the valley runs past midnight (ends < starts).
RESIDENTIAL_TOU_BANDS = (("peak", time(8, 0), time(22, 0)), ("valley", time(22, 0), time(8, 0)))
BANDS = {"RES-TOU": RESIDENTIAL_TOU_BANDS}
# Every RESIDENTIAL_TOU_SHARE-th demo residential account takes the residential TOU tariff.
RESIDENTIAL_TOU_SHARE = 5


def seed_tariffs() -> int:
    """Create the two provinces' tariffs if missing. Returns how many were created."""
    created = 0
    for province, tariffs in PROVINCE_TARIFFS.items():
        for fields in tariffs:
            tariff, made = Tariff.objects.get_or_create(
                code=fields["code"], province=province, effective_from=D0, defaults=fields
            )
            created += made
            if made and tariff.peak_price is not None:
                TouPeriod.objects.bulk_create(
                    TouPeriod(tariff=tariff, kind=kind, starts=a, ends=b)
                    for kind, a, b in BANDS.get(tariff.code, TOU_BANDS)
                )
    return created


DEMO_PERIODS = ("2026-08", "2026-09", "2026-10")
LOW = {"residential": 2_000, "commercial": 10_000, "large_industrial": 5_000_000, "agricultural": 5_000}
HIGH = {"residential": 80_000, "commercial": 800_000, "large_industrial": 200_000_000, "agricultural": 300_000}
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
    "batch_id",
)


def seed_readings(periods: Sequence[str], *, seed: int = 11) -> int:
    """A month's readings for every active account without one, by class (bulk insert; the
    benchmark uses this for a million accounts)."""
    rows = active_account_classes()
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    cls = np.array([r[1] for r in rows], dtype=object)
    # Residential peak/valley meters have no flat band: the rest of the month is peak.
    two_band = np.array([r[2] == "RES-TOU" for r in rows], dtype=bool)
    rng = np.random.default_rng(seed)
    written = 0
    for period in periods:
        have = set(Reading.objects.filter(period=period).values_list("account_id", flat=True))
        kwh = np.zeros(len(ids), dtype=np.int64)
        for name, low in LOW.items():
            mask = cls == name
            kwh[mask] = rng.integers(low, HIGH[name], int(mask.sum()))
        peak = kwh * rng.integers(20, 45, len(ids)) // 100
        valley = kwh * rng.integers(15, 40, len(ids)) // 100
        peak = np.where(two_band, kwh - valley, peak)
        kvarh = np.where(cls == "large_industrial", kwh * rng.integers(20, 75, len(ids)) // 100, 0)
        demand = np.where(cls == "large_industrial", rng.integers(10_000, 400_000, len(ids)), 0)
        keep = [i for i, account_id in enumerate(ids.tolist()) if account_id not in have]

        def f(a: np.ndarray, keep: list[int] = keep) -> list[float]:
            yuan: list[float] = (a[keep] / 100).tolist()  # numpy types tolist() as Any
            return yuan

        n = len(keep)
        with transaction.atomic():
            written += insert_rows(
                Reading,
                READING_COLUMNS,
                zip(
                    ids[keep].tolist(),
                    [period] * n,
                    [f"{period}-28"] * n,
                    f(kwh),
                    f(kwh),
                    f(peak),
                    f(kwh - peak - valley),
                    f(valley),
                    f(kvarh),
                    f(demand),
                    ["valid"] * n,
                    [None] * n,
                    strict=True,
                ),
            )
    return written


def seed_billing(*, payers: int = 300) -> str:
    """Tariffs, three months of readings, bill runs, prepaid balances, bank-debit agreements
    and some payments for the demo city. Idempotent: a second call adds nothing."""
    seed_tariffs()
    first_time = not PrepaidBalance.objects.exists()
    accounts = list(Account.objects.order_by("id").values_list("id", flat=True)[: max(payers * 10, 1)])
    if first_time:
        PrepaidBalance.objects.bulk_create(
            PrepaidBalance(account_id=a, balance=Decimal(100 + (a % 7) * 20)) for a in accounts[::50]
        )
        DebitAgreement.objects.bulk_create(
            DebitAgreement(account_id=a, bank_code="ICBC", bank_account=f"62220200{a:08d}") for a in accounts[1::40]
        )
        _residential_tou_accounts()
    readings = seed_readings(DEMO_PERIODS)
    # A bill run row (and its events) each time would make a second call add rows: run a
    # period only when it has no finished run yet or this call brought new readings.
    billed = sum(bill_run_start(period=p).billed for p in DEMO_PERIODS if readings or not _billed(p))
    posted = _demo_payments(payers)
    queued = bill_notify(period=DEMO_PERIODS[-1])
    return f"{readings:,} readings, {billed:,} bills, {posted} payments, {queued:,} bill messages"


def _billed(period: str) -> bool:
    return BillRun.objects.filter(period=period, scope_key="*", status=RunStatus.FINISHED).exists()


def _residential_tou_accounts() -> int:
    """Some residential accounts of the company's province take its residential TOU tariff."""
    if "RES-TOU" not in {t["code"] for t in PROVINCE_TARIFFS.get(billing_str("PROVINCE"), [])}:
        return 0
    residential = Account.objects.filter(customer_class=CustomerClass.RESIDENTIAL, tariff_code="RES-TIER")
    chosen = list(residential.order_by("id").values_list("id", flat=True)[::RESIDENTIAL_TOU_SHARE])
    return Account.objects.filter(pk__in=chosen).update(tariff_code="RES-TOU")


def _demo_payments(payers: int) -> int:
    everyone = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)
    channels = [c.value for c in PAYER_CHANNELS if c != PaymentChannel.BANK_DEBIT]
    posted = 0
    # The same accounts every time, so a second call finds its payments already posted.
    first = list(Account.objects.order_by("id").values_list("id", flat=True)[:payers])
    bills = Bill.objects.filter(period="2026-08", account_id__in=first).select_related("account")
    for i, bill in enumerate(bills.order_by("id")):
        txn = f"DEMO-{bill.account.account_no}-{bill.period}"
        if bill.amount == bill.paid or Payment.objects.filter(channel_txn_id=txn).exists():
            continue
        paid_at = datetime.combine(bill.due_date - timedelta(days=i % 20), time(10, i % 60), tzinfo=SHANGHAI)
        amount = bill.amount - bill.paid + Decimal(i % 3 * 10)
        channel = channels[i % len(channels)]
        limit = channel_max(channel)
        if limit is not None and amount > limit:  # a large account pays by card at the counter
            channel = PaymentChannel.COUNTER_CARD
        data = PaymentIn(channel, txn, bill.account.account_no, amount, paid_at)
        _, created = payment_post(scope=everyone, actor=None, data=data, history=True)
        posted += created
    return posted
