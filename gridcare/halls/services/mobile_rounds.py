"""The mobile service rounds (流动服务车, WO-9): each supply unit keeps a timetable of stops (a
village, the 台区 it serves, a day, a time and a place), drafted and then published for the
portal; the day before a published stop, the customers of its 台区 who have not opted out of
reminders are reminded once (``mobile_round_reminders``, the worker's job).

Supervisors keep their unit's timetable, administrators every unit's (``MOBILE_ROUND_EDIT``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.events import actor_user
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.timezone import business_date, now
from gridcare.customers.models import TransformerArea
from gridcare.customers.selectors import account_phones, phones_opted_out
from gridcare.halls import home_selectors
from gridcare.halls.home_rules import PLACE_MAX, VILLAGE_MAX, round_days_ahead, text_problem
from gridcare.halls.models import MobileRoundStop, RoundStatus
from gridcare.halls.rules import clock_text
from gridcare.notices.services import notice_enqueue
from gridcare.org.access import Capability, Path, Reach, Scope, require
from gridcare.org.models import SupplyUnit

Actor = User | AnonymousUser | None
TEMPLATE = "mobile_round_reminder"

# The one transition table of a stop: a draft is published or dropped; a published one cancelled.
ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundStatus.DRAFT: frozenset({RoundStatus.PUBLISHED, RoundStatus.CANCELLED}),
    RoundStatus.PUBLISHED: frozenset({RoundStatus.CANCELLED}),
}


@dataclass(frozen=True)
class StopData:
    """A stop as typed: the unit's and the 台区's codes, the village, day, times and place."""

    unit: str
    area: str
    village: str
    day: str | date
    start: str | time
    end: str | time
    place: str


def _clock(raw: object) -> time | None:
    if isinstance(raw, time):
        return raw
    try:
        return datetime.strptime(str(raw or "").strip()[:5], "%H:%M").time()  # noqa: DTZ007 - a clock time
    except ValueError:
        return None


def _day(raw: object) -> date | None:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip()[:10])
    except ValueError:
        return None


def _words(value: object, field: str, limit: int, errors: dict[str, str]) -> str:
    text, problem = text_problem(value, limit=limit, required=True)
    messages = {"missing": _("请填写此项。"), "long": _("最多%(n)d字。") % {"n": limit}, "control": _("含有无效字符。")}
    if problem is not None:
        errors[field] = messages[problem]
    return text


def _unit(scope: Scope, code: object, errors: dict[str, str]) -> SupplyUnit | None:
    unit = None
    if isinstance(code, str) and code.strip():
        unit = SupplyUnit.objects.filter(scope.filter(Reach.UNIT, Path.unit_of("")), code=code.strip()).first()
    if unit is None:
        errors["unit"] = _("请选择您所在的供电所。")
    return unit


def _area(unit: SupplyUnit | None, code: object, errors: dict[str, str]) -> TransformerArea | None:
    area = None
    if unit is not None and isinstance(code, str) and code.strip():
        area = TransformerArea.objects.filter(feeder__unit=unit, code=code.strip()).first()
    if area is None:
        errors["area"] = _("请选择该供电所的台区。")
    return area


def _checked(scope: Scope, data: StopData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    unit = _unit(scope, data.unit, errors)
    found: dict[str, Any] = {
        "unit": unit,
        "area": _area(unit, data.area, errors),
        "village": _words(data.village, "village", VILLAGE_MAX, errors),
        "place": _words(data.place, "place", PLACE_MAX, errors),
    }
    day, start, end = _day(data.day), _clock(data.start), _clock(data.end)
    today = business_date()
    if day is None:
        errors["day"] = _("日期格式应为YYYY-MM-DD，例如2026-11-24。")
    elif not today <= day <= today + timedelta(days=round_days_ahead()):
        errors["day"] = _("日期须在今天至%(n)d天内。") % {"n": round_days_ahead()}
    if start is None:
        errors["start"] = _("时间格式应为HH:MM，例如09:00。")
    if end is None:
        errors["end"] = _("时间格式应为HH:MM，例如09:00。")
    elif start is not None and end <= start:
        errors["end"] = _("结束时间须晚于开始时间。")
    if errors:
        raise InvalidInput(_("站点信息有误，请按提示修改。"), errors=errors)
    return found | {"day": day, "starts_at": start, "ends_at": end}


def round_stop_save(
    *, scope: Scope, actor: Actor, data: StopData, stop: MobileRoundStop | None = None, publish: bool = False
) -> MobileRoundStop:
    """Add a stop to the unit's timetable (a draft, or published at once), or correct one that is
    not cancelled."""
    require(scope, Capability.MOBILE_ROUND_EDIT)
    fields = _checked(scope, data)
    with transaction.atomic():
        if stop is None:
            stop = MobileRoundStop.objects.create(**fields, created_by=actor_user(actor), created_at=now())
        else:
            if stop.status == RoundStatus.CANCELLED:
                raise Conflict(_("该站点已取消，不能修改。"))
            for name, value in fields.items():
                setattr(stop, name, value)
            stop.save(update_fields=list(fields))
        if publish and stop.status == RoundStatus.DRAFT:
            round_stop_transition(scope=scope, actor=actor, stop=stop, to=RoundStatus.PUBLISHED)
    return stop


def round_stop_transition(*, scope: Scope, actor: Actor, stop: MobileRoundStop, to: str) -> MobileRoundStop:
    """Publish a draft (customers see it) or cancel a stop."""
    require(scope, Capability.MOBILE_ROUND_EDIT)
    if to not in ROUND_TRANSITIONS.get(stop.status, frozenset()):
        raise Conflict(
            _("该站点当前为“%(status)s”，不能改为“%(to)s”。")
            % {
                "status": RoundStatus(stop.status).label,
                "to": RoundStatus(to).label if to in RoundStatus.values else to,
            }
        )
    changes: dict[str, Any] = {"status": to}
    if to == RoundStatus.PUBLISHED:
        changes["published_at"] = now()
    updated = MobileRoundStop.objects.filter(pk=stop.pk, status=stop.status).update(**changes)
    if not updated:
        raise Conflict(_("该站点的状态刚被他人改变，请刷新后重试。"))
    for name, value in changes.items():
        setattr(stop, name, value)
    return stop


def reminder_key(stop: MobileRoundStop, phone: str) -> str:
    return f"mobile_round:{stop.pk}:{phone}"


@transaction.atomic
def mobile_round_reminders(*, today: date | None = None) -> int:
    """Remind the customers of tomorrow's published stops' 台区, once per stop and phone, except
    the phones that opted out of reminders; returns how many messages were queued. Running it
    again queues none (the dedupe key)."""
    day = (today or business_date()) + timedelta(days=1)
    queued = 0
    for stop in home_selectors.stops_of_day(day):
        accounts: dict[str, int] = {}
        for account, _area, phone in account_phones(area_ids=[stop.area_id]):
            accounts.setdefault(phone, account)  # a phone of several accounts: its first one
        phones = sorted(accounts)
        skipped = phones_opted_out(phones=phones)
        for phone in phones:
            if phone in skipped:
                continue
            made = notice_enqueue(
                template_code=TEMPLATE,
                variables={
                    "day": f"{stop.day.month}月{stop.day.day}日",
                    "start": clock_text(stop.starts_at),
                    "end": clock_text(stop.ends_at),
                    "village": stop.village,
                    "place": stop.place,
                },
                recipient=phone,
                account_id=accounts.get(phone),
                dedupe_key=reminder_key(stop, phone),
            )
            queued += made is not None
    return queued
