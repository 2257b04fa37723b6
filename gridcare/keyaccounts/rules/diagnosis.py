"""Energy diagnosis (节能诊断, KEY-3) of one account's load curve: pure functions on numpy arrays.

A load curve is a ``LoadSeries``: the start of every interval (``numpy.datetime64`` in UTC), its
mean active power in kW, and, where the meter has it, its reactive power in kvar (NaN where not
known). Times of day, days and weekdays are Beijing time (UTC+8, no daylight saving since 1991:
a fixed offset, so no time-zone database is needed here). Energy of an interval is its mean power
times its length (kW × minutes / 60 = kWh).

What the diagnosis says — the figures (``load_profile``), the hourly profiles, the day × time heat
map, the peak/flat/valley split by the tariff's time-of-use bands (``billing.rules.intervals``:
an interval belongs to the band containing its start), the saving from moving peak energy to the
valley, the power factor and its adjustment, the capacity against maximum-demand basic charge and
the anomalies — is computed here and nowhere else, so the page, the PDF and the API show the same
numbers. Money is ``Decimal`` yuan rounded half-up to the fen; kWh are rounded to 0.01 kWh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import numpy.typing as npt

from gridcare.billing.rules.intervals import Band, band_kind
from gridcare.keyaccounts.rules.power_factor import pf_adjustment_percent, power_factor

BEIJING = np.timedelta64(8, "h")
FEN = Decimal("0.01")
KWH = Decimal("0.01")
BAND_KINDS = ("peak", "flat", "valley")
FloatArray = npt.NDArray[np.float64]


def to_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def kwh_decimal(value: float) -> Decimal:
    """A float kWh as the diagnosis shows it: 0.01 kWh, half-up (through its shortest repr)."""
    return Decimal(repr(float(value))).quantize(KWH, rounding=ROUND_HALF_UP)


# -- the figures of a curve -----------------------------------------------------------------------
@dataclass(frozen=True)
class LoadProfile:
    energy_kwh: float
    max_kw: float
    mean_kw: float
    min_kw: float
    load_factor: float  # mean over max (0 when the maximum is 0)


def load_profile(kw: Sequence[float] | FloatArray, *, interval_minutes: int) -> LoadProfile:
    """Energy, maximum, mean and minimum (base) load and load factor of the readings ``kw``,
    each the mean power of one interval of ``interval_minutes``. No readings: all zero."""
    if interval_minutes <= 0:
        raise ValueError("interval_minutes must be positive")
    values = np.asarray(kw, dtype=np.float64)
    if values.size == 0:
        return LoadProfile(0.0, 0.0, 0.0, 0.0, 0.0)
    top, mean = float(values.max()), float(values.mean())
    return LoadProfile(
        energy_kwh=float(values.sum()) * interval_minutes / 60,
        max_kw=top,
        mean_kw=mean,
        min_kw=float(values.min()),
        load_factor=mean / top if top > 0 else 0.0,
    )


@dataclass(frozen=True)
class LoadSeries:
    starts: npt.NDArray[np.datetime64]  # datetime64[s], UTC, ascending
    kw: FloatArray
    kvar: FloatArray  # NaN where not known
    interval_minutes: int

    @classmethod
    def of(
        cls,
        starts: Sequence[datetime] | npt.NDArray[np.datetime64],
        kw: Sequence[float] | FloatArray,
        *,
        interval_minutes: int,
        kvar: Sequence[float | None] | FloatArray | None = None,
    ) -> LoadSeries:
        """A series from aware datetimes (or datetime64 in UTC), sorted by start."""
        if len(starts) and isinstance(starts[0], datetime):
            stamps = np.array([s.astimezone(UTC).replace(tzinfo=None) for s in starts], dtype="datetime64[s]")
        else:
            stamps = np.asarray(starts, dtype="datetime64[s]")
        power = np.asarray(kw, dtype=np.float64)
        reactive = (
            np.full(power.shape, np.nan)
            if kvar is None
            else np.array([np.nan if v is None else v for v in kvar], dtype=np.float64)
        )
        order = np.argsort(stamps, kind="stable")
        return cls(stamps[order], power[order], reactive[order], interval_minutes)

    @property
    def hours(self) -> float:
        return self.interval_minutes / 60

    @property
    def local(self) -> npt.NDArray[np.datetime64]:
        return (self.starts + BEIJING).astype("datetime64[m]")

    @property
    def local_days(self) -> npt.NDArray[np.datetime64]:
        return self.local.astype("datetime64[D]")

    @property
    def minute_of_day(self) -> npt.NDArray[np.int64]:
        return (self.local - self.local_days).astype(np.int64)

    @property
    def weekday(self) -> npt.NDArray[np.int64]:
        """Monday 0 … Sunday 6 (1970-01-01 was a Thursday)."""
        return (self.local_days.astype(np.int64) + 3) % 7

    @property
    def has_kvar(self) -> bool:
        return bool(np.isfinite(self.kvar).any())


def utc_datetime(stamp: np.datetime64) -> datetime:
    return datetime.fromtimestamp(int(stamp.astype("datetime64[s]").astype(np.int64)), tz=UTC)


def local_day(stamp: np.datetime64) -> date:
    return date.fromisoformat(str(stamp.astype("datetime64[D]")))


# -- when, and the profiles ------------------------------------------------------------------------
def peak_at(series: LoadSeries) -> datetime | None:
    """The start (UTC) of the first interval with the maximum load."""
    if series.kw.size == 0:
        return None
    return utc_datetime(series.starts[int(np.argmax(series.kw))])


def hourly_profile(series: LoadSeries, *, weekend: bool) -> list[float | None]:
    """The mean kW of each Beijing hour 0..23 over the working days (Mon-Fri) or the weekend
    (None: no reading in that hour)."""
    chosen = (series.weekday >= 5) == weekend
    hours = series.minute_of_day[chosen] // 60
    kw = series.kw[chosen]
    sums = np.bincount(hours, weights=kw, minlength=24)
    counts = np.bincount(hours, minlength=24)
    return [float(sums[h] / counts[h]) if counts[h] else None for h in range(24)]


@dataclass(frozen=True)
class HeatMap:
    days: list[date]
    slots: list[str]  # "00:00", "00:15", …
    values: list[list[float | None]]  # [day][slot] kW, None: no reading


def heat_map(series: LoadSeries, *, first: date, last: date) -> HeatMap:
    """Day × time of day (Beijing) of the days ``first``..``last``."""
    step = series.interval_minutes
    per_day = 1440 // step
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    grid = np.full((len(days), per_day), np.nan)
    if series.kw.size:
        row = (series.local_days - np.datetime64(first, "D")).astype(np.int64)
        col = series.minute_of_day // step
        inside = (row >= 0) & (row < len(days)) & (col < per_day)
        grid[row[inside], col[inside]] = series.kw[inside]
    slots = [f"{m // 60:02d}:{m % 60:02d}" for m in range(0, 1440, step)]
    values = [[None if np.isnan(v) else float(v) for v in line] for line in grid]
    return HeatMap(days=days, slots=slots, values=values)


# -- time-of-use split and the saving of shifting ----------------------------------------------------
@dataclass(frozen=True)
class TouPrices:
    peak: Decimal
    flat: Decimal
    valley: Decimal


def band_split(series: LoadSeries, bands: Sequence[Band]) -> dict[str, Decimal]:
    """kWh of the series in each band (peak, flat, valley), by the start of each interval; with
    no bands everything is flat."""
    minutes = series.minute_of_day
    kinds = np.array([BAND_KINDS.index(band_kind(time(m // 60, m % 60), bands)) for m in range(1440)])
    energy = np.bincount(kinds[minutes], weights=series.kw * series.hours, minlength=3)
    return {kind: kwh_decimal(energy[i]) for i, kind in enumerate(BAND_KINDS)}


def energy_charge(split: dict[str, Decimal], prices: TouPrices) -> Decimal:
    """The energy charge (电度电费) of a split at the tariff's band prices, to the fen."""
    return to_fen(split["peak"] * prices.peak + split["flat"] * prices.flat + split["valley"] * prices.valley)


def shift_saving(peak_kwh: Decimal, *, share_percent: Decimal, prices: TouPrices) -> Decimal:
    """What moving ``share_percent`` % of the peak energy to valley hours saves, to the fen:
    shifted kWh × (peak price − valley price)."""
    shifted = peak_kwh * share_percent / 100
    return to_fen(shifted * (prices.peak - prices.valley))


# -- basic charge: by capacity or by maximum demand ------------------------------------------------
@dataclass(frozen=True)
class BasicCharge:
    months: list[str]
    capacity_total: Decimal  # 按容量: contract kVA × price × months
    demand_total: Decimal  # 按需量: Σ billed demand × price
    demand_by_month: list[tuple[str, float, Decimal]]  # month, max kW, that month's demand charge
    cheaper: str  # "capacity", "demand" or "" (equal, or no months)

    @property
    def difference(self) -> Decimal:
        return abs(self.capacity_total - self.demand_total)


def basic_charge_compare(
    monthly_max_kw: Sequence[tuple[str, float]],
    *,
    contract_kva: Decimal,
    capacity_price: Decimal,
    demand_price: Decimal,
    demand_floor_percent: Decimal,
) -> BasicCharge:
    """Which basis of the basic charge (基本电费) would have been cheaper over the months given:
    by capacity every month pays contract kVA × capacity price; by demand each month pays its
    maximum demand (kW, at least ``demand_floor_percent`` % of the contract capacity, as the rule
    on 按需量 sets) × demand price."""
    floor = contract_kva * demand_floor_percent / 100
    by_month = []
    for month, top in monthly_max_kw:
        billed = max(kwh_decimal(top), floor)
        by_month.append((month, float(top), to_fen(billed * demand_price)))
    months = [m for m, _ in monthly_max_kw]
    capacity = to_fen(contract_kva * capacity_price * len(months))
    demand = sum((c for _, _, c in by_month), Decimal("0.00"))
    cheaper = "" if not months or capacity == demand else ("capacity" if capacity < demand else "demand")
    return BasicCharge(months, capacity, demand, by_month, cheaper)


# -- anomalies ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    base_jump_percent: Decimal = Decimal(30)  # a day's base load this far above the week before it
    base_jump_days: int = 7  # … the median of this many days before
    base_jump_min_kw: Decimal = Decimal(5)  # … and at least this many kW more (small loads are noise)
    weekend_night_percent: Decimal = Decimal(50)  # weekend night load against the working-day load
    night_from_hour: int = 0  # the night: from this Beijing hour …
    night_to_hour: int = 6  # … up to this one
    demand_alert_percent: Decimal = Decimal(95)  # demand above this share of the contract capacity


@dataclass(frozen=True)
class Gap:
    first: datetime  # UTC start of the first missing interval
    last: datetime  # … of the last one
    count: int


@dataclass(frozen=True)
class Anomaly:
    kind: str  # base_load_jump, weekend_night_load, demand_near_capacity, data_gap
    parameters: dict[str, str] = field(default_factory=dict)


def gaps(series: LoadSeries, *, start: datetime, end: datetime) -> list[Gap]:
    """The runs of missing intervals on the grid from ``start`` (inclusive) to ``end``
    (exclusive), both aware and on the grid."""
    step = np.timedelta64(series.interval_minutes, "m")
    first = np.datetime64(start.astimezone(UTC).replace(tzinfo=None), "s")
    stop = np.datetime64(end.astimezone(UTC).replace(tzinfo=None), "s")
    expected = np.arange(first, stop, step).astype("datetime64[s]")
    missing = expected[~np.isin(expected, series.starts)]
    if missing.size == 0:
        return []
    breaks = np.nonzero(np.diff(missing) != step)[0]
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [missing.size - 1]))
    return [
        Gap(utc_datetime(missing[a]), utc_datetime(missing[b]), int(b - a + 1))
        for a, b in zip(starts, ends, strict=True)
    ]


def daily_base_load(series: LoadSeries) -> list[tuple[date, float]]:
    """Each Beijing day's minimum load (its base load), in day order."""
    days = series.local_days
    found: list[tuple[date, float]] = []
    for day in np.unique(days):
        found.append((local_day(day), float(series.kw[days == day].min())))
    return found


def base_load_jumps(series: LoadSeries, t: Thresholds) -> list[Anomaly]:
    """Days whose base load rose more than ``base_jump_percent`` % (and ``base_jump_min_kw``)
    over the median base load of the ``base_jump_days`` days before (at least 3 of them); a run
    of such days is one jump, on its first day."""
    base = daily_base_load(series)
    found = []
    above = False  # the day before was already above its limit: the same jump, said once
    for i, (day, kw) in enumerate(base):
        before = [b for d, b in base[max(0, i - t.base_jump_days) : i] if (day - d).days <= t.base_jump_days]
        if len(before) < 3:
            above = False
            continue
        median = float(np.median(before))
        limit = max(median * (1 + float(t.base_jump_percent) / 100), median + float(t.base_jump_min_kw))
        if kw > limit and not above:
            found.append(
                Anomaly("base_load_jump", {"day": day.isoformat(), "before": f"{median:.1f}", "kw": f"{kw:.1f}"})
            )
        above = kw > limit
    return found


def weekend_night_load(series: LoadSeries, t: Thresholds) -> Anomaly | None:
    """The weekend nights' mean load when it is above ``weekend_night_percent`` % of the working
    days' mean load outside the night."""
    hour = series.minute_of_day // 60
    night = (hour >= t.night_from_hour) & (hour < t.night_to_hour)
    weekend = series.weekday >= 5
    nights, days = series.kw[weekend & night], series.kw[~weekend & ~night]
    if nights.size == 0 or days.size == 0 or days.mean() <= 0:
        return None
    share = float(nights.mean() / days.mean() * 100)
    if share <= float(t.weekend_night_percent):
        return None
    return Anomaly(
        "weekend_night_load",
        {"night_kw": f"{nights.mean():.1f}", "day_kw": f"{days.mean():.1f}", "percent": f"{share:.0f}"},
    )


def apparent_kva(series: LoadSeries) -> FloatArray:
    """Apparent power where kvar is known (√(kW² + kvar²)), else the kW itself."""
    return np.where(np.isfinite(series.kvar), np.hypot(series.kw, np.nan_to_num(series.kvar)), series.kw)


def demand_near_capacity(series: LoadSeries, *, contract_kva: Decimal, t: Thresholds) -> Anomaly | None:
    """The intervals whose demand exceeded ``demand_alert_percent`` % of the contract capacity."""
    if contract_kva <= 0 or series.kw.size == 0:
        return None
    limit = float(contract_kva) * float(t.demand_alert_percent) / 100
    over = np.nonzero(apparent_kva(series) > limit)[0]
    if over.size == 0:
        return None
    return Anomaly(
        "demand_near_capacity",
        {
            "count": str(over.size),
            "first": utc_datetime(series.starts[over[0]]).isoformat(),
            "top_kva": f"{apparent_kva(series).max():.1f}",
            "limit_kva": f"{limit:.1f}",
        },
    )


def anomalies(
    series: LoadSeries, *, start: datetime, end: datetime, contract_kva: Decimal, t: Thresholds
) -> tuple[list[Anomaly], list[Gap]]:
    """Every anomaly of the period and its gaps (each gap is also an anomaly, listed)."""
    found = base_load_jumps(series, t)
    for one in (weekend_night_load(series, t), demand_near_capacity(series, contract_kva=contract_kva, t=t)):
        if one is not None:
            found.append(one)
    holes = gaps(series, start=start, end=end)
    found += [
        Anomaly("data_gap", {"first": g.first.isoformat(), "last": g.last.isoformat(), "count": str(g.count)})
        for g in holes
    ]
    return found, holes


# -- the whole diagnosis ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Tariff:
    """What the diagnosis needs of the account's tariff and contract."""

    bands: Sequence[Band]
    prices: TouPrices
    contract_kva: Decimal
    pf_standard: Decimal | None  # None: no adjustment applies
    capacity_price: Decimal
    demand_price: Decimal
    demand_floor_percent: Decimal


@dataclass(frozen=True)
class Diagnosis:
    first: date
    last: date
    interval_minutes: int
    readings: int
    expected: int
    profile: LoadProfile
    peak_at: datetime | None
    weekday_hours: list[float | None]
    weekend_hours: list[float | None]
    heat: HeatMap
    split: dict[str, Decimal]
    energy_charge: Decimal
    shift_percent: Decimal
    shift_saving: Decimal
    kvarh: Decimal | None
    power_factor: Decimal | None
    pf_adjustment_percent: Decimal | None  # + surcharge, − reduction
    pf_adjustment: Decimal | None  # yuan on the energy charge
    basic: BasicCharge
    anomalies: list[Anomaly]
    gaps: list[Gap]


def diagnose(
    series: LoadSeries,
    *,
    first: date,
    last: date,
    tariff: Tariff,
    monthly_max_kw: Sequence[tuple[str, float]],
    shift_percent: Decimal,
    thresholds: Thresholds,
) -> Diagnosis:
    """The diagnosis of the Beijing days ``first``..``last`` of ``series`` (already cut to them);
    ``monthly_max_kw`` are the last 12 months' maximum demands for the basic-charge comparison."""
    start = datetime.combine(first, time.min, tzinfo=UTC) - timedelta(hours=8)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC) - timedelta(hours=8)
    split = band_split(series, tariff.bands)
    charge = energy_charge(split, tariff.prices)
    kvarh = kwh_decimal(float(np.nansum(series.kvar)) * series.hours) if series.has_kvar else None
    pf = power_factor(sum(split.values(), Decimal(0)), kvarh) if kvarh is not None else None
    percent = pf_adjustment_percent(pf, tariff.pf_standard) if pf is not None and tariff.pf_standard else None
    found, holes = anomalies(series, start=start, end=end, contract_kva=tariff.contract_kva, t=thresholds)
    return Diagnosis(
        first=first,
        last=last,
        interval_minutes=series.interval_minutes,
        readings=int(series.kw.size),
        expected=int((end - start) / timedelta(minutes=series.interval_minutes)),
        profile=load_profile(series.kw, interval_minutes=series.interval_minutes),
        peak_at=peak_at(series),
        weekday_hours=hourly_profile(series, weekend=False),
        weekend_hours=hourly_profile(series, weekend=True),
        heat=heat_map(series, first=first, last=last),
        split=split,
        energy_charge=charge,
        shift_percent=shift_percent,
        shift_saving=shift_saving(split["peak"], share_percent=shift_percent, prices=tariff.prices),
        kvarh=kvarh,
        power_factor=pf,
        pf_adjustment_percent=percent,
        pf_adjustment=to_fen(charge * percent / 100) if percent is not None else None,
        basic=basic_charge_compare(
            monthly_max_kw,
            contract_kva=tariff.contract_kva,
            capacity_price=tariff.capacity_price,
            demand_price=tariff.demand_price,
            demand_floor_percent=tariff.demand_floor_percent,
        ),
        anomalies=found,
        gaps=holes,
    )
