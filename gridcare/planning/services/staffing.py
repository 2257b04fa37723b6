"""The staffing plan's writes (PLAN-1): a plan made for a hall and days (``plan_create``), adopted
after its simulation (``plan_adopt``, superseding the earlier adopted plan of the same hall and
days), and the roster a hall enters (``roster_save``). Everything is checked first; then one
transaction writes the rows and their history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.events import Actor, actor_user
from gridcare.core.timezone import business_date, now
from gridcare.halls.figures import wait_target_minutes
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Counter, Hall
from gridcare.planning import selectors_staffing as reads
from gridcare.planning.events import PlanningEventType, planning_event
from gridcare.planning.exceptions import PlanConflict, PlanRefused
from gridcare.planning.models import PlanStatus, Roster, StaffingPlan, StaffingSlot
from gridcare.planning.rules.staffing import (
    after_diversion,
    counters_needed,
    leaving_share,
    mean_handling_seconds,
    opening_slots,
    slot_of,
    slot_start,
)

_MAX_WAIT_MINUTES = 120


@dataclass(frozen=True)
class PlanAsk:
    """What the planner asks for (page form or API body), not yet checked."""

    first_day: Any
    last_day: Any
    wait_target_minutes: Any = None
    share_target_percent: Any = None
    diversion_percent: Any = None


@dataclass(frozen=True)
class PlanInput:
    first_day: date
    last_day: date
    wait_target_minutes: int
    share_target_percent: Decimal
    diversion_percent: Decimal


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        return None


def _percent(value: Any, *, low: Decimal, high: Decimal) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value)[:20])
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or not low <= number <= high:
        return None
    return number.quantize(Decimal("0.01"))


def _minutes(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip()[:4])
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and 1 <= value <= _MAX_WAIT_MINUTES else None


def plan_input(ask: PlanAsk, *, today: date) -> PlanInput:
    """The checked plan request: every bad field's message at once (PlanRefused, 422)."""
    conf = reads.staffing_settings()
    errors: dict[str, str] = {}
    first, last = _day(ask.first_day), _day(ask.last_day)
    if first is None:
        errors["first_day"] = _("请填写开始日期（年-月-日）。")
    elif first < today or first > today + timedelta(days=int(conf["DAYS_AHEAD"])):
        errors["first_day"] = _("开始日期须在今天到 %(n)s 天之后之间。") % {"n": conf["DAYS_AHEAD"]}
    if last is None:
        errors["last_day"] = _("请填写结束日期（年-月-日）。")
    elif first is not None and not first <= last < first + timedelta(days=int(conf["MAX_DAYS"])):
        errors["last_day"] = _("结束日期须不早于开始日期，且计划最长 %(n)s 天。") % {"n": conf["MAX_DAYS"]}
    wait = wait_target_minutes() if ask.wait_target_minutes in (None, "") else _minutes(ask.wait_target_minutes)
    if wait is None:
        errors["wait_target_minutes"] = _("平均等候目标须为 1 到 %(n)s 分钟的整数。") % {"n": _MAX_WAIT_MINUTES}
    share_given = ask.share_target_percent not in (None, "")
    share = _percent(
        ask.share_target_percent if share_given else conf["SHARE_TARGET_PERCENT"],
        low=Decimal("1"),
        high=Decimal("99.9"),
    )
    if share is None:
        errors["share_target_percent"] = _("办理比例目标须为 1 到 99.9 之间的百分数。")
    diversion_given = ask.diversion_percent not in (None, "")
    diversion = _percent(ask.diversion_percent if diversion_given else 0, low=Decimal(0), high=Decimal(100))
    if diversion is None:
        errors["diversion_percent"] = _("自助分流比例须为 0 到 100 之间的百分数。")
    if errors:
        raise PlanRefused(_("排班计划的条件有误，请修改后再提交。"), errors=errors)
    assert first and last and wait and share is not None and diversion is not None
    return PlanInput(first, last, wait, share, diversion)


@dataclass(frozen=True)
class SlotFigures:
    day: date
    slot: int
    arrivals: Decimal
    needed: int
    open: int | None
    leaving_needed: Decimal | None = None  # % expected to leave unserved (Erlang A)
    leaving_open: Decimal | None = None


def _percent_of(share: float | None) -> Decimal | None:
    return None if share is None else Decimal(str(round(100 * share, 2)))


def _leaving(
    arrivals: float, aht: float, counters: int | None, target: float, patience: float | None
) -> Decimal | None:
    share = leaving_share(
        arrivals=arrivals, aht_seconds=aht, counters=counters, wait_target_seconds=target, patience_seconds=patience
    )
    return _percent_of(share)


def plan_figures(
    hall: Hall, wanted: PlanInput, *, today: date
) -> tuple[list[SlotFigures], dict[str, Any], float | None]:
    """The half hours of the plan (forecast arrivals after diversion, counters needed and open,
    the share expected to leave with each), the forecast's backtest and the mean patience in
    minutes the leaving was reckoned with (the hall's estimate, else the setting). Reads only."""
    found = reads.forecast(hall, first=wanted.first_day, last=wanted.last_day, today=today)
    if not found.history.arrivals:
        raise PlanRefused(_("该营业厅近期没有取号记录，无法预测到达量。"))
    divertible = reads.divertible(hall)
    share = float(wanted.diversion_percent) / 100
    target = wanted.wait_target_minutes * 60
    within = float(wanted.share_target_percent) / 100
    slots = opening_slots(hall.opens_at, hall.closes_at)
    patience_minutes, _estimated = reads.patience_minutes(hall)
    patience = None if patience_minutes is None else patience_minutes * 60
    rows: list[SlotFigures] = []
    for day, counts in sorted(found.days.items()):
        if not counts:
            continue  # closed that day (no working day, no history of days off)
        open_ = reads.open_counters(hall, day, slots, found.history)
        for slot in slots:
            per_kind = after_diversion(
                {k: n for (k, s), n in counts.items() if s == slot}, divertible=divertible, share=share
            )
            arrivals = sum(per_kind.values())
            aht = mean_handling_seconds(per_kind, found.history.handling)
            needed = counters_needed(
                arrivals=arrivals, aht_seconds=aht, wait_target_seconds=target, share_within=within
            )

            rows.append(
                SlotFigures(
                    day,
                    slot,
                    Decimal(str(round(arrivals, 2))),
                    needed,
                    open_[slot],
                    _leaving(arrivals, aht, needed, target, patience),
                    _leaving(arrivals, aht, open_[slot], target, patience),
                )
            )
    return rows, found.backtest.as_dict(), patience_minutes


def plan_create(*, scope: Scope, actor: Actor, hall: Hall, ask: PlanAsk) -> StaffingPlan:
    """A draft plan for ``hall`` (from the caller's reach). The same draft asked again (a double
    click) gives the one already made; changing a figure makes a new one."""
    require(scope, Capability.PLAN_EDIT)
    at = now()
    today = business_date(at)
    wanted = plan_input(ask, today=today)
    rows, backtest, patience = plan_figures(hall, wanted, today=today)
    if not rows:
        raise PlanRefused(
            _("所选日期营业厅均不营业，没有可排班的时段。"), errors={"first_day": _("所选日期营业厅均不营业。")}
        )
    same = {
        "hall": hall,
        "first_day": wanted.first_day,
        "last_day": wanted.last_day,
        "wait_target_minutes": wanted.wait_target_minutes,
        "share_target_percent": wanted.share_target_percent,
        "diversion_percent": wanted.diversion_percent,
    }
    with transaction.atomic():
        Hall.objects.select_for_update().filter(pk=hall.pk).first()  # one plan at a time per hall
        existing = StaffingPlan.objects.filter(status=PlanStatus.DRAFT, **same).order_by("-id").first()
        if existing is not None:
            return existing
        creator = actor_user(actor)
        assert creator is not None  # require() let a staff member in
        plan = StaffingPlan.objects.create(
            **same,
            forecast=backtest,
            patience_minutes=None if patience is None else Decimal(str(round(patience, 2))),
            created_by=creator,
            created_at=at,
        )
        StaffingSlot.objects.bulk_create(
            StaffingSlot(
                plan=plan,
                day=r.day,
                slot=slot_start(r.slot),
                arrivals=r.arrivals,
                needed=r.needed,
                open=r.open,
                leaving_needed=r.leaving_needed,
                leaving_open=r.leaving_open,
            )
            for r in rows
        )
        planning_event(
            PlanningEventType.PLAN_CREATED,
            actor=actor,
            at=at,
            plan=plan,
            hall=hall,
            first_day=f"{wanted.first_day}",
            last_day=f"{wanted.last_day}",
        )
    return plan


def plan_adopt(*, scope: Scope, actor: Actor, plan: StaffingPlan) -> StaffingPlan:
    """The plan becomes the hall's plan for its days; the earlier adopted plan of the same hall
    overlapping them is superseded. Refused before anything is written: a plan not simulated,
    or no longer a draft."""
    require(scope, Capability.PLAN_EDIT)
    at = now()
    with transaction.atomic():
        fresh = StaffingPlan.objects.select_for_update().get(pk=plan.pk)
        if fresh.status != PlanStatus.DRAFT:
            raise PlanConflict(_("该计划已采用或已被替代，不能再采用。"))
        if not fresh.simulation:
            raise PlanRefused(_("请先对该计划做仿真检验，再采用。"))
        earlier = StaffingPlan.objects.select_for_update().filter(
            hall_id=fresh.hall_id,
            status=PlanStatus.ADOPTED,
            first_day__lte=fresh.last_day,
            last_day__gte=fresh.first_day,
        )
        superseded = list(earlier)
        for old in superseded:
            old.status = PlanStatus.SUPERSEDED
            old.save(update_fields=["status"])
            planning_event(PlanningEventType.PLAN_SUPERSEDED, actor=actor, at=at, plan=old, hall=old.hall, by=fresh.pk)
        fresh.status = PlanStatus.ADOPTED
        fresh.adopted_by = actor_user(actor)
        fresh.adopted_at = at
        fresh.save(update_fields=["status", "adopted_by", "adopted_at"])
        planning_event(
            PlanningEventType.PLAN_ADOPTED,
            actor=actor,
            at=at,
            plan=fresh,
            hall=fresh.hall,
            superseded=[p.pk for p in superseded],
        )
    return fresh


# -- the roster ------------------------------------------------------------------------------


def _slot_key(value: Any) -> int | None:
    if isinstance(value, time):
        return slot_of(value) if value.minute in (0, 30) and not value.second else None
    text = str(value)[:5]
    try:
        moment = time.fromisoformat(text) if len(text) == 5 else None
    except ValueError:
        return None
    return None if moment is None or moment.minute not in (0, 30) else slot_of(moment)


def _count(value: Any, most: int) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip()[:4])
    return value if isinstance(value, int) and 0 <= value <= most else None


def roster_save(*, scope: Scope, actor: Actor, hall: Hall, day: Any, counters: Any) -> list[Roster]:
    """The counters ``hall`` opens in each half hour of ``day`` (``counters``: half-hour start
    "HH:MM" → a number, None or "" for "not entered"): the day's entries are replaced."""
    require(scope, Capability.PLAN_EDIT)
    at = now()
    today = business_date(at)
    errors: dict[str, str] = {}
    when = _day(day)
    ahead = int(reads.staffing_settings()["DAYS_AHEAD"])
    if when is None or not today - timedelta(days=7) <= when <= today + timedelta(days=ahead):
        errors["day"] = _("日期须在一周前到 %(n)s 天之后之间。") % {"n": ahead}
    most = max(Counter.objects.filter(hall=hall).count(), 1)
    open_slots = set(opening_slots(hall.opens_at, hall.closes_at))
    entries: dict[int, int] = {}
    if not isinstance(counters, dict):
        errors["counters"] = _("请按时段填写开放窗口数。")
        counters = {}
    for key, value in list(counters.items())[:200]:
        slot = _slot_key(key)
        name = f"counters.{str(key)[:5]}"
        if slot is None or slot not in open_slots:
            errors[name] = _("%(slot)s 不是营业时间内的半小时时段。") % {"slot": str(key)[:5]}
            continue
        if value is None or value == "":
            continue
        number = _count(value, most)
        if number is None:
            errors[name] = _("开放窗口数须为 0 到 %(n)s 的整数。") % {"n": most}
        else:
            entries[slot] = number
    if errors:
        raise PlanRefused(_("排班有误，请修改后再提交。"), errors=errors)
    assert when is not None
    who = actor_user(actor)
    assert who is not None  # require() let a staff member in
    with transaction.atomic():
        Roster.objects.filter(hall=hall, day=when).delete()
        made = Roster.objects.bulk_create(
            Roster(hall=hall, day=when, slot=slot_start(s), counters=n, entered_by=who, entered_at=at)
            for s, n in sorted(entries.items())
        )
        planning_event(
            PlanningEventType.ROSTER_ENTERED, actor=actor, at=at, hall=hall, day=f"{when}", slots=len(entries)
        )
    return made
