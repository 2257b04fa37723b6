"""Demo organisation: one company, three supply units, four halls, staff for every role, and two
or three repair crews per unit (created through ``org.services``, so each has its history row).

Idempotent: rows are found by their codes and created only when missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from gridcare.org.access import scope_for
from gridcare.org.models import AreaType, Company, Counter, Crew, Hall, PasswordAge, Role, Staff, SupplyUnit
from gridcare.org.services import crew_create

COMPANY = ("HZ", "国网示范市供电公司")
UNITS = (
    # code, name, area type, ID-number region code of its district
    ("SC", "上城供电服务中心", AreaType.URBAN, "330102"),
    ("XS", "萧山区供电公司", AreaType.RURAL, "330109"),
    ("CA", "淳安县供电公司", AreaType.REMOTE, "330127"),
)
HALLS = (
    # code, unit, name, address, counters
    ("H01", "SC", "上城中心营业厅", "上城区解放路138号", 6),
    ("H02", "SC", "钱江新城营业厅", "上城区富春路220号", 4),
    ("H03", "XS", "萧山城厢营业厅", "萧山区人民路58号", 5),
    ("H04", "CA", "千岛湖营业厅", "淳安县千岛湖镇新安大街9号", 3),
)
# Where the halls are (WGS-84), for the outlet-network page (PLAN-3): Hangzhou's districts.
HALL_PLACES = {
    "H01": ("30.253000", "120.170000"),
    "H02": ("30.246000", "120.211000"),
    "H03": ("30.165000", "120.268000"),
    "H04": ("29.605000", "119.042000"),
}
CREWS = (
    # unit, crew name, leader
    ("SC", "抢修一班", "陈建国"),
    ("SC", "抢修二班", "林志强"),
    ("SC", "配电运维班", "何晓东"),
    ("XS", "抢修一班", "沈国平"),
    ("XS", "抢修二班", "钱永红"),
    ("XS", "城厢配网班", "孔德明"),
    ("CA", "抢修一班", "方卫东"),
    ("CA", "千岛湖供电所抢修班", "余海波"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: Role
    unit: str | None
    hall: str | None


def demo_users() -> list[DemoUser]:
    """Every demo sign-in, in the order the README lists them."""
    users = [
        DemoUser("admin", "系统管理员", Role.ADMINISTRATOR, None, None),
        DemoUser("agent1", "95598坐席 周敏", Role.AGENT_95598, None, None),
        DemoUser("agent2", "95598坐席 吴磊", Role.AGENT_95598, None, None),
        DemoUser("planner", "规划员 郑洁", Role.PLANNER, None, None),
    ]
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    k = 0
    for code, *_rest in UNITS:
        unit_code = f"HZ-{code}"
        low = code.lower()
        users += [
            DemoUser(f"{low}.supervisor", f"{surnames[k]}监察", Role.SUPERVISOR, unit_code, None),
            DemoUser(f"{low}.kam", f"{surnames[k + 1]}客户经理", Role.KEY_ACCOUNT_MANAGER, unit_code, None),
            DemoUser(f"{low}.community", f"{surnames[k + 2]}社区经理", Role.COMMUNITY_MANAGER, unit_code, None),
            DemoUser(f"{low}.billing", f"{surnames[k + 3]}核算员", Role.BILLING_CLERK, unit_code, None),
        ]
        k += 4
    for hall_code, unit, hall_name, _address, counters in HALLS:
        low = hall_code.lower()
        unit_code = f"HZ-{unit}"
        users += [
            DemoUser(f"{low}.manager", f"{hall_name}经理", Role.HALL_MANAGER, unit_code, hall_code),
            DemoUser(f"{low}.guide", f"{hall_name}引领员", Role.HALL_GUIDE, unit_code, hall_code),
        ]
        users += [
            DemoUser(f"{low}.c{n}", f"{hall_name}{n}号窗营业员", Role.COUNTER_CLERK, unit_code, hall_code)
            for n in range(1, counters + 1)
        ]
    return users


@transaction.atomic
def seed_org(*, password: str) -> Company:
    company, _ = Company.objects.get_or_create(code=COMPANY[0], defaults={"name": COMPANY[1]})
    for code, name, area_type, _region in UNITS:
        SupplyUnit.objects.get_or_create(
            code=f"HZ-{code}", defaults={"company": company, "name": name, "area_type": area_type}
        )
    for code, unit, name, address, counters in HALLS:
        hall, _ = Hall.objects.get_or_create(
            code=code,
            defaults={"unit": SupplyUnit.objects.get(code=f"HZ-{unit}"), "name": name, "address": address},
        )
        if hall.latitude is None and code in HALL_PLACES:  # a database seeded before halls had places
            lat, lon = HALL_PLACES[code]
            Hall.objects.filter(pk=hall.pk).update(latitude=Decimal(lat), longitude=Decimal(lon))
        for n in range(1, counters + 1):
            Counter.objects.get_or_create(hall=hall, number=n, defaults={"name": f"{n}号窗口"})
    _seed_staff(company, password)
    _seed_crews()
    return company


def _seed_crews() -> None:
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        return
    scope = scope_for(admin)
    for unit, name, leader in CREWS:
        if not Crew.objects.filter(unit__code=f"HZ-{unit}", name=name).exists():
            crew_create(scope=scope, actor=admin, unit=f"HZ-{unit}", name=name, leader=leader)


def _seed_staff(company: Company, password: str) -> None:
    User = get_user_model()
    # Hash once: forty PBKDF2 runs would make the first `make run` wait half a minute.
    hashed = make_password(password)
    units = {u.code: u for u in SupplyUnit.objects.filter(company=company)}
    halls = {h.code: h for h in Hall.objects.filter(unit__company=company)}
    for person in demo_users():
        if User.objects.filter(username=person.username).exists():
            continue
        is_admin = person.role == Role.ADMINISTRATOR
        user = User.objects.create(username=person.username, password=hashed, is_staff=is_admin, is_superuser=is_admin)
        PasswordAge.objects.create(user=user, set_at=timezone.now())  # the demo password counts as set now
        Staff.objects.create(
            user=user,
            # From the username, not the list position: a role added to the demo later must not
            # take the number of someone already seeded.
            employee_no=f"D-{person.username}",
            name=person.name,
            role=person.role,
            company=company,
            unit=units[person.unit] if person.unit else (halls[person.hall].unit if person.hall else None),
            hall=halls[person.hall] if person.hall else None,
        )
