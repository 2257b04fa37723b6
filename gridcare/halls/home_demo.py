"""The demo's home visits and mobile-round timetable (WO-9), so ``make run`` shows them: a few
requests through the services (one scheduled with a clerk of the hall), and for each rural supply
unit a week of published stops and a draft. Idempotent: nothing is added when some exist."""

from __future__ import annotations

from datetime import time, timedelta

from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import business_date, now
from gridcare.customers import rules as customer_rules
from gridcare.customers.models import Account, TransformerArea
from gridcare.halls import home_selectors
from gridcare.halls.home_forms import visit_days
from gridcare.halls.models import HomeVisit, MobileRoundStop, RoundStatus
from gridcare.halls.services.home_visits import HomeVisitAsk, home_visit_request_by_customer, home_visit_schedule
from gridcare.org.access import Scope
from gridcare.org.models import AreaType, SupplyUnit

SYSTEM = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)
ASKS = (
    ("account_change", "elderly", "八十多岁独居，办理过户"),
    ("meter_test", "disabled", "轮椅出行不便"),
    ("payment", "ill", "术后卧床"),
)
VILLAGES = (("东岭村", "村委会广场"), ("西塘村", "文化礼堂门口"), ("南山村", "小卖部旁"))


def seed_home_visits() -> int:
    if HomeVisit.objects.exists():
        return 0
    accounts = Account.objects.filter(hall__isnull=False).exclude(customer__contacts__phone="").order_by("pk")
    made: list[HomeVisit] = []
    for account in accounts[:50]:  # the first three whose phone is a mobile the clerk can call
        if len(made) == len(ASKS):
            break
        purpose, reason, note = ASKS[len(made)]
        phone = account.customer.contacts.exclude(phone="").values_list("phone", flat=True).first() or ""
        try:
            customer_rules.normalise_phone(phone)
        except InvalidInput:
            continue
        ask = HomeVisitAsk(purpose=purpose, reason=reason, note=note, phone=phone)
        made.append(home_visit_request_by_customer(account=account, ask=ask)[0])
    days = visit_days()
    if made and days:
        clerk = home_selectors.visiting_clerks(made[0].hall).first()
        if clerk is not None:
            home_visit_schedule(
                scope=SYSTEM, actor=None, visit=made[0], day=days[0], start="09:30", clerk=clerk.employee_no
            )
    return len(made)


def seed_round_stops() -> int:
    if MobileRoundStop.objects.exists():
        return 0
    made = 0
    today, at = business_date(), now()
    for unit in SupplyUnit.objects.filter(area_type=AreaType.RURAL).order_by("code"):
        areas = list(TransformerArea.objects.filter(feeder__unit=unit).order_by("code")[: len(VILLAGES)])
        for n, (area, (village, place)) in enumerate(zip(areas, VILLAGES, strict=False)):
            MobileRoundStop.objects.create(
                unit=unit,
                village=village,
                area=area,
                day=today + timedelta(days=n + 1),
                starts_at=time(9, 0),
                ends_at=time(11, 30),
                place=place,
                status=RoundStatus.DRAFT if n == len(areas) - 1 else RoundStatus.PUBLISHED,
                created_at=at,
                published_at=None if n == len(areas) - 1 else at,
            )
            made += 1
    return made


def seed_home_services() -> str:
    visits, stops = seed_home_visits(), seed_round_stops()
    return f"home service demo: {visits} home visits, {stops} mobile-round stops"
