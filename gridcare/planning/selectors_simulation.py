"""The simulated hall day's reads (PLAN-2): a request checked field by field and turned into a
``rules.simulation.HallDay`` (with the hall's recorded handling times, priorities, patience and
calling policy when a hall is named), and run. Nothing is written: the API and the page show the
answer; a staffing plan's run is stored by ``services.simulations.plan_simulate``."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from gridcare.core.timezone import business_date
from gridcare.halls.models import BusinessType, HallPolicy, Kind
from gridcare.halls.selectors import ServiceHistory, policy_for, service_history
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Hall
from gridcare.planning.access import hall_get_for_scope
from gridcare.planning.exceptions import PlanRefused
from gridcare.planning.rules.simulation import PRIORITIES, HallDay, ServiceTimes, SimulationResult, simulate

# Fewer recorded handling times than this and a hall's times are no distribution to draw from.
MIN_SAMPLES = 20
DISTRIBUTIONS = ("exponential", "empirical")
MAX_SEED = 2**32 - 1


def limits() -> dict[str, int]:
    return dict(settings.GRIDCARE_PLANNING_SIMULATION)


@dataclass(frozen=True)
class SimulationAsk:
    """What a caller asks to simulate (the API's body, the page's form), not yet checked."""

    counters: Any
    hours: Any
    arrivals_per_hour: Any
    replications: Any
    seed: Any
    distribution: Any = "exponential"
    mean_minutes: Any = None
    hall: Any = None
    business_type: Any = None
    warmup_hours: Any = None
    patience_minutes: Any = None
    diversion_percent: Any = None


@dataclass(frozen=True)
class SimulationRun:
    """A simulation's answer and what it was run with, for the sentences that explain it."""

    result: SimulationResult
    day: HallDay
    hall: Hall | None
    business_type: str  # its label, or ""
    samples: int  # recorded handling times drawn from (0: exponential)
    patience_from_history: bool


def _number(value: Any, *, low: float, high: float, whole: bool = False) -> float | None:
    """``value`` as a finite number within [low, high] (a whole one if ``whole``), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or not low <= value <= high or (whole and value != int(value)):
        return None
    return float(value)


def _per_hour(value: Any, *, hours: int, high: float, whole: bool) -> tuple[float, ...] | None:
    """A number for every hour, or one number per hour (exactly ``hours`` of them)."""
    values = value if isinstance(value, list | tuple) else [value] * max(hours, 1)
    if len(values) != hours:
        return None
    checked = [_number(v, low=0, high=high, whole=whole) for v in values]
    return None if any(v is None for v in checked) else tuple(float(v or 0) for v in checked)


class _Checks:
    """The request's fields checked one by one, one Chinese message per bad field."""

    def __init__(self, ask: SimulationAsk) -> None:
        self.ask = ask
        self.errors: dict[str, str] = {}
        self.limit = limits()

    def whole(self, name: str, low: int, high: int, message: str) -> int:
        found = _number(getattr(self.ask, name), low=low, high=high, whole=True)
        if found is None:
            self.errors[name] = message
            return low
        return int(found)

    def optional(self, name: str, low: float, high: float, message: str) -> float | None:
        value = getattr(self.ask, name)
        if value is None or value == "":
            return None
        found = _number(value, low=low, high=high)
        if found is None:
            self.errors[name] = message
        return found

    def schedule(self, hours: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
        lim = self.limit
        if "hours" in self.errors:  # a list per hour cannot be checked against bad hours
            return (1.0,) * hours, (0.0,) * hours
        counters = _per_hour(self.ask.counters, hours=hours, high=lim["MAX_COUNTERS"], whole=True)
        if counters is None or not any(counters):
            self.errors["counters"] = _(
                "窗口数应为 0 至 %(n)s 的整数（或每小时一个，共 %(h)s 个），且至少一小时有窗口开放。"
            ) % {
                "n": lim["MAX_COUNTERS"],
                "h": hours,
            }
        rates = _per_hour(self.ask.arrivals_per_hour, hours=hours, high=lim["MAX_ARRIVALS_PER_HOUR"], whole=False)
        if rates is None:
            self.errors["arrivals_per_hour"] = _(
                "每小时到达人数应为 0 至 %(n)s 的数（或每小时一个，共 %(h)s 个）。"
            ) % {
                "n": lim["MAX_ARRIVALS_PER_HOUR"],
                "h": hours,
            }
        return counters or (0.0,) * hours, rates or (0.0,) * hours


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise PlanRefused(_("仿真参数有误，请按提示修改。"), errors=errors)


def _business_type(hall: Hall | None, code: Any, errors: dict[str, str]) -> BusinessType | None:
    if code in (None, ""):
        return None
    if hall is None:
        errors["business_type"] = _("按业务类型仿真须同时选择营业厅。")
        return None
    found = BusinessType.objects.filter(hall=hall, kind=str(code)[:20].replace("\x00", ""), active=True).first()
    if found is None:
        errors["business_type"] = _("该营业厅没有启用此业务类型。")
    return found


def hall_history(hall: Hall | None, business_type: BusinessType | None = None) -> ServiceHistory | None:
    """The hall's recorded service of the last HISTORY_DAYS days (None without a hall)."""
    if hall is None:
        return None
    since = business_date() - timedelta(days=limits()["HISTORY_DAYS"])
    return service_history(hall=hall, since=since, business_type_id=business_type.pk if business_type else None)


def _service(ask: SimulationAsk, history: ServiceHistory | None, errors: dict[str, str]) -> ServiceTimes:
    if ask.distribution not in DISTRIBUTIONS:
        errors["service.distribution"] = _("办理时长分布应为指数分布或按实际办理时长。")
        return ServiceTimes()
    if ask.distribution == "empirical":
        if history is None:
            errors["service.hall"] = _("按实际办理时长仿真须选择营业厅。")
        elif len(history.handling_minutes) < MIN_SAMPLES:
            errors["service.hall"] = _(
                "该营业厅近 %(d)s 天办结的业务不足 %(n)s 笔，无法按实际办理时长仿真，请改用指数分布。"
            ) % {
                "d": limits()["HISTORY_DAYS"],
                "n": MIN_SAMPLES,
            }
        else:
            return ServiceTimes(samples=tuple(history.handling_minutes))
        return ServiceTimes()
    mean = _number(ask.mean_minutes, low=0.1, high=480) if ask.mean_minutes not in (None, "") else None
    if mean is None and ask.mean_minutes not in (None, ""):
        errors["service.mean_minutes"] = _("平均办理时长应为 0.1 至 480 分钟。")
    elif mean is None and history is not None and len(history.handling_minutes) >= MIN_SAMPLES:
        mean = sum(history.handling_minutes) / len(history.handling_minutes)
    elif mean is None:
        errors["service.mean_minutes"] = _("请填写平均办理时长（或选择有办理记录的营业厅）。")
    return ServiceTimes(mean_minutes=mean or 10.0)


def patience_of(asked: float | None, history: ServiceHistory | None) -> tuple[float | None, bool]:
    """The mean patience to simulate (None: nobody leaves) and whether it came from the history:
    the request's when given (0: nobody leaves), else the hall's estimate, else the setting."""
    if asked is not None:
        return (asked or None), False
    if history is not None and history.left > 0:
        return history.waited_minutes / history.left, True
    default = limits()["DEFAULT_PATIENCE_MINUTES"]
    return (float(default) or None), False


def priority_shares(history: ServiceHistory | None) -> tuple[float, ...]:
    """The hall's mix of priority classes; everybody normal without a history."""
    counts = history.priorities if history is not None else {}
    if not sum(counts.values()):
        counts = {"normal": 1}
    return tuple(float(counts.get(p, 0)) for p in PRIORITIES)


def ageing_minutes(hall: Hall | None) -> float:
    if hall is None:
        return float(HallPolicy._meta.get_field("ageing_minutes").get_default())
    return float(policy_for(hall).ageing_minutes)


def customers_of(day: HallDay) -> float:
    """The customers one run of ``day`` expects (warm-up included, diverted ones not)."""
    arrivals = sum(day.arrivals_per_hour) * day.period_minutes / 60 + day.arrivals_per_hour[0] * day.warmup_minutes / 60
    return arrivals * (1 - day.diversion_share)


def simulation_run(*, scope: Scope, ask: SimulationAsk) -> SimulationRun:
    """Check ``ask`` (PLAN_VIEW; a hall outside the caller's is 404) and simulate it."""
    require(scope, Capability.PLAN_VIEW)
    lim = limits()
    checks = _Checks(ask)
    hours = checks.whole(
        "hours", 1, lim["MAX_HOURS"], _("营业时长应为 1 至 %(n)s 小时的整数。") % {"n": lim["MAX_HOURS"]}
    )
    counters, rates = checks.schedule(hours)
    replications = checks.whole(
        "replications",
        2,
        lim["MAX_REPLICATIONS"],
        _("重复次数应为 2 至 %(n)s 的整数。") % {"n": lim["MAX_REPLICATIONS"]},
    )
    seed = checks.whole("seed", 0, MAX_SEED, _("随机种子应为 0 至 %(n)s 的整数。") % {"n": MAX_SEED})
    warmup = checks.optional(
        "warmup_hours", 0, lim["MAX_WARMUP_HOURS"], _("预热时长应为 0 至 %(n)s 小时。") % {"n": lim["MAX_WARMUP_HOURS"]}
    )
    patience = checks.optional("patience_minutes", 0, 480, _("平均耐心时长应为 0 至 480 分钟（0 表示无人离开）。"))
    diversion = checks.optional("diversion_percent", 0, 95, _("自助分流比例应为 0 至 95（%）。"))
    errors = checks.errors
    hall = hall_get_for_scope(scope=scope, hall_code=ask.hall) if ask.hall not in (None, "") else None
    business_type = _business_type(hall, ask.business_type, errors)
    history = hall_history(hall, business_type)
    service = _service(ask, history, errors)
    _refuse(errors)
    mean_patience, estimated = patience_of(patience, history)
    day = HallDay(
        counters=tuple(int(c) for c in counters),
        arrivals_per_hour=rates,
        service=service,
        warmup_minutes=(warmup or 0.0) * 60,
        patience_minutes=mean_patience,
        diversion_share=(diversion or 0.0) / 100,
        priority_shares=priority_shares(history),
        ageing_minutes=ageing_minutes(hall),
    )
    if customers_of(day) * replications > lim["MAX_CUSTOMERS"]:
        _refuse({"replications": too_many(customers_of(day), lim["MAX_CUSTOMERS"])})
    return SimulationRun(
        result=simulate(day, replications=replications, seed=seed),
        day=day,
        hall=hall,
        business_type=str(Kind(business_type.kind).label) if business_type else "",
        samples=len(service.samples),
        patience_from_history=estimated,
    )


def too_many(customers: float, most: int) -> str:
    """The refusal of a run larger than the setting allows, with the replications that fit."""
    fits = max(int(most // max(customers, 1.0)), 0)
    return _("每次仿真约 %(c)s 位客户，超过上限 %(m)s 人次，重复次数至多 %(r)s 次。") % {
        "c": math.ceil(customers),
        "m": most,
        "r": fits,
    }
