"""Demo customers: a deterministic city of N accounts with realistic Chinese names and addresses.

Account serials 1..N belong to the demo. Customers are made in batches of BATCH serials, each
from its own random stream (seed, batch), so any batch can be (re)built alone: a second run finds
complete batches and skips them, and ``--customers`` can grow the city later. Each batch is one
transaction of bulk inserts.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from django.db import transaction
from django.utils import timezone

from gridcare.core.bulk import insert_rows, reserve_ids
from gridcare.customers import rules
from gridcare.customers.models import (
    Account,
    ArchiveIssue,
    Contact,
    Customer,
    CustomerClass,
    Feeder,
    ImportanceGrade,
    Meter,
    TransformerArea,
)
from gridcare.customers.quality import archive_check
from gridcare.customers.services import account_sequence_catch_up
from gridcare.org.demo import UNITS
from gridcare.org.models import Hall, Role, Staff, SupplyUnit

BATCH = 10_000
FEEDERS_PER_UNIT = 5
AREAS_PER_FEEDER = 8

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国红志文辉鹏飞宇浩然欣怡子涵梓轩雨婷佳琪俊杰晓东海燕春梅秋菊德胜永福家豪思远"
STREETS = {
    "SC": (
        "解放路",
        "延安路",
        "建国南路",
        "望江路",
        "秋涛路",
        "凤起东路",
        "清泰街",
        "江城路",
    ),
    "XS": (
        "人民路",
        "市心中路",
        "金城路",
        "工人路",
        "育才路",
        "北干路",
        "萧绍路",
        "通惠路",
    ),
    "CA": (
        "新安大街",
        "环湖北路",
        "梦姑路",
        "青溪大道",
        "千岛湖大道",
        "排岭路",
        "睦州路",
        "淳杨线",
    ),
}
ESTATES = ("花园", "小区", "家园", "公寓", "新村", "苑", "嘉园", "府")
VILLAGES = ("村", "社区")
SHOPS = (
    "超市",
    "便利店",
    "餐饮店",
    "理发店",
    "药房",
    "服装店",
    "五金店",
    "汽修厂",
    "宾馆",
    "茶楼",
)
FIRMS = (
    "机械制造",
    "纺织印染",
    "化纤",
    "钢构",
    "电子科技",
    "食品加工",
    "塑料制品",
    "造纸",
)
FARMS = ("灌溉站", "家庭农场", "茶叶合作社", "养殖场", "排涝站")

# Class mix of a typical Chinese city's accounts.
CLASS_WEIGHTS = (
    (CustomerClass.RESIDENTIAL, 88),
    (CustomerClass.COMMERCIAL, 9),
    (CustomerClass.AGRICULTURAL, 2),
    (CustomerClass.LARGE_INDUSTRIAL, 1),
)
TARIFF_CODE: dict[str, str] = {
    CustomerClass.RESIDENTIAL: "RES-TIER",
    CustomerClass.COMMERCIAL: "COM-TOU",
    CustomerClass.LARGE_INDUSTRIAL: "IND-2PART",
    CustomerClass.AGRICULTURAL: "AGR-FLAT",
}
UNIT_WEIGHTS = (50, 30, 20)


@dataclass(slots=True)
class _Record:
    """One demo customer with its account, as plain values (no model instances: speed)."""

    serial: int
    name: str
    id_number: str
    mobile: str
    account_no: str
    customer_class: str
    address: str
    supply_unit_id: int
    hall_id: int
    transformer_area_id: int | None
    tariff_code: str
    contract_capacity_kva: Decimal
    importance_grade: str
    key_account_manager_id: int | None
    opened_on: date


@dataclass
class _Grid:
    units: list[SupplyUnit]
    areas: dict[int, list[int]]  # unit id → 台区 ids
    halls: dict[int, list[int]]  # unit id → hall ids
    kams: dict[int, int | None]  # unit id → key-account manager staff id


def area_place(centre: tuple[Decimal, Decimal], index: int) -> tuple[Decimal, Decimal]:
    """A 台区's demo place: on a sunflower spiral around its unit's first hall, out to ~7 km."""
    radius = 0.065 * math.sqrt((index + 1) / (FEEDERS_PER_UNIT * AREAS_PER_FEEDER))
    angle = index * 2.399963  # the golden angle
    lat = float(centre[0]) + radius * math.sin(angle)
    lon = float(centre[1]) + radius * math.cos(angle) / math.cos(math.radians(float(centre[0])))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")


def seed_grid() -> None:
    """Feeders and 台区 for every demo unit, each 台区 with its community manager and its place
    around the unit's first hall (for the outlet-network page)."""
    for code, name, _area, _region in UNITS:
        unit = SupplyUnit.objects.get(code=f"HZ-{code}")
        hall = Hall.objects.filter(unit=unit, latitude__isnull=False).order_by("code").first()
        centre = None
        if hall is not None and hall.latitude is not None and hall.longitude is not None:
            centre = (hall.latitude, hall.longitude)
        manager = Staff.objects.filter(unit=unit, role=Role.COMMUNITY_MANAGER).first()
        for f in range(1, FEEDERS_PER_UNIT + 1):
            feeder, _ = Feeder.objects.get_or_create(
                code=f"{code}-F{f:02d}",
                defaults={"unit": unit, "name": f"10kV {name[:2]}{f}号线"},
            )
            for a in range(1, AREAS_PER_FEEDER + 1):
                area, _ = TransformerArea.objects.get_or_create(
                    code=f"{code}-F{f:02d}-T{a:02d}",
                    defaults={
                        "feeder": feeder,
                        "name": f"{name[:2]}{f}号线{a}号台区",
                        "community_manager": manager,
                    },
                )
                if area.latitude is None and centre is not None:
                    lat, lon = area_place(centre, (f - 1) * AREAS_PER_FEEDER + a - 1)
                    TransformerArea.objects.filter(pk=area.pk).update(latitude=lat, longitude=lon)


def _load_grid() -> _Grid:
    units = [SupplyUnit.objects.get(code=f"HZ-{code}") for code, *_ in UNITS]
    grid = _Grid(units=units, areas={}, halls={}, kams={})
    for unit in units:
        grid.areas[unit.pk] = list(
            TransformerArea.objects.filter(feeder__unit=unit).order_by("code").values_list("pk", flat=True)
        )
        grid.halls[unit.pk] = list(Hall.objects.filter(unit=unit).order_by("code").values_list("pk", flat=True))
        grid.kams[unit.pk] = (
            Staff.objects.filter(unit=unit, role=Role.KEY_ACCOUNT_MANAGER).values_list("pk", flat=True).first()
        )
    return grid


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def id_number(rng: random.Random, region: str) -> str:
    born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 65 * 365))
    body = f"{region}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + rules.id_check_char(body)


def phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + str(rng.randrange(0, 10)) + f"{rng.randrange(0, 10**8):08d}"


def _address(rng: random.Random, unit_code: str, customer_class: str) -> str:
    street = rng.choice(STREETS[unit_code])
    if customer_class == CustomerClass.RESIDENTIAL:
        if unit_code == "CA" and rng.random() < 0.6:
            return f"{street}{rng.choice(SURNAMES)}家{rng.choice(VILLAGES)}{rng.randrange(1, 200)}号"
        estate = rng.choice(SURNAMES) + rng.choice("江湖山水景阳明新") + rng.choice(ESTATES)
        return f"{street}{rng.randrange(1, 400)}号{estate}{rng.randrange(1, 30)}幢{rng.randrange(1, 4)}单元{rng.randrange(1, 33)}0{rng.randrange(1, 5)}室"
    return f"{street}{rng.randrange(1, 900)}号"


def _business_name(rng: random.Random, customer_class: str) -> str:
    brand = rng.choice(SURNAMES) + rng.choice("鑫盛华泰恒达隆兴宏丰源")
    if customer_class == CustomerClass.COMMERCIAL:
        return f"{brand}{rng.choice(SHOPS)}"
    if customer_class == CustomerClass.LARGE_INDUSTRIAL:
        return f"示范市{brand}{rng.choice(FIRMS)}有限公司"
    return f"{rng.choice(SURNAMES)}家村{rng.choice(FARMS)}"


def _capacity(rng: random.Random, customer_class: str) -> Decimal:
    if customer_class == CustomerClass.RESIDENTIAL:
        return Decimal(rng.choice((4, 8, 8, 10, 12)))
    if customer_class == CustomerClass.COMMERCIAL:
        return Decimal(rng.choice((20, 30, 50, 80, 100, 160, 200)))
    if customer_class == CustomerClass.LARGE_INDUSTRIAL:
        return Decimal(rng.choice((315, 400, 630, 800, 1250, 2000, 3150, 5000)))
    return Decimal(rng.choice((10, 20, 30, 50, 100)))


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def _generate_batch(seed: int, batch: int, grid: _Grid) -> list[_Record]:
    """All BATCH demo records of one batch, whatever part of it is wanted, so the city is the
    same for a seed however it was grown."""
    rng = random.Random(f"gridcare-demo:{seed}:{batch}")
    opened_base = date(2010, 1, 1)
    out = []
    first = batch * BATCH + 1
    for serial in range(first, first + BATCH):
        unit_index = rng.choices(range(len(grid.units)), weights=UNIT_WEIGHTS)[0]
        unit = grid.units[unit_index]
        unit_code, region = UNITS[unit_index][0], UNITS[unit_index][3]
        cls = _pick(rng, CLASS_WEIGHTS)
        residential = cls == CustomerClass.RESIDENTIAL
        name = person_name(rng) if residential else _business_name(rng, cls)
        ident = id_number(rng, region) if residential else ""
        quality = rng.random()
        if residential and quality < 0.01:  # a legacy record keyed in wrongly
            ident = ident[:-1] + ("0" if ident[-1] != "0" else "1")
        mobile = "" if quality > 0.97 else phone(rng)
        if 0.96 < quality <= 0.97:
            mobile = mobile[:10]  # a number with a digit missing, from the paper era
        important = cls == CustomerClass.LARGE_INDUSTRIAL or (cls == CustomerClass.COMMERCIAL and quality < 0.02)
        out.append(
            _Record(
                serial=serial,
                name=name,
                id_number=ident,
                mobile=mobile,
                account_no=rules.account_no_from_serial(serial),
                customer_class=cls,
                address=_address(rng, unit_code, cls),
                supply_unit_id=unit.pk,
                hall_id=rng.choice(grid.halls[unit.pk]),
                transformer_area_id=None if rng.random() > 0.995 else rng.choice(grid.areas[unit.pk]),
                tariff_code=TARIFF_CODE[cls],
                contract_capacity_kva=_capacity(rng, cls),
                importance_grade=rng.choice((ImportanceGrade.FIRST, ImportanceGrade.SECOND)) if important else "",
                key_account_manager_id=grid.kams[unit.pk] if important else None,
                opened_on=opened_base + timedelta(days=rng.randrange(0, 5800)),
            )
        )
    return out


def _insert(records: list[_Record]) -> None:
    """Write a batch with plain-tuple bulk inserts (gridcare.core.bulk): at a million
    customers the ORM's bulk_create would take minutes."""
    now = timezone.now()
    with transaction.atomic():
        customer_ids = reserve_ids(Customer, len(records))
        account_ids = reserve_ids(Account, len(records))
        insert_rows(
            Customer,
            ("id", "name", "id_number", "created_at"),
            ((cid, r.name, r.id_number, now) for cid, r in zip(customer_ids, records, strict=True)),
        )
        insert_rows(
            Account,
            ("id", "customer_id", "status", "updated_at", *ACCOUNT_FIELDS),
            (
                (aid, cid, "active", now, *account_values(r))
                for aid, cid, r in zip(account_ids, customer_ids, records, strict=True)
            ),
        )
        insert_rows(
            Contact,
            (
                "customer_id",
                "name",
                "phone",
                "is_primary",
                "status",
                "delivery_failures",
                "opted_out",
            ),
            (
                (
                    cid,
                    r.name if r.customer_class == CustomerClass.RESIDENTIAL else "",
                    r.mobile,
                    True,
                    "valid",
                    0,
                    False,
                )
                for cid, r in zip(customer_ids, records, strict=True)
                if r.mobile
            ),
        )
        insert_rows(
            Meter,
            (
                "account_id",
                "meter_no",
                "multiplier",
                "phases",
                "time_of_use",
                "installed_on",
                "removed_on",
            ),
            (
                (
                    aid,
                    f"33{r.serial:012d}",
                    1,
                    1 if r.customer_class == CustomerClass.RESIDENTIAL else 3,
                    r.customer_class != CustomerClass.AGRICULTURAL,
                    r.opened_on,
                    None,
                )
                for aid, r in zip(account_ids, records, strict=True)
            ),
        )


# The account columns a record carries, and its values of them in that order (attrgetter: one C
# call per record, the bulk path's speed); the seed benchmark's ORM baseline builds from them too.
ACCOUNT_FIELDS = (
    "account_no",
    "customer_class",
    "address",
    "supply_unit_id",
    "hall_id",
    "transformer_area_id",
    "tariff_code",
    "contract_capacity_kva",
    "importance_grade",
    "key_account_manager_id",
    "opened_on",
)
account_values = attrgetter(*ACCOUNT_FIELDS)


def seed_customers(*, count: int, seed: int, progress: Callable[[int], None] | None = None) -> int:
    """Make sure demo serials 1..count exist. Returns how many accounts were created."""
    seed_grid()
    grid = _load_grid()
    created = 0
    for batch in range((count + BATCH - 1) // BATCH):
        first, last = batch * BATCH + 1, min((batch + 1) * BATCH, count)
        lo, hi = rules.account_no_from_serial(first), rules.account_no_from_serial(last)
        present = set(
            Account.objects.filter(account_no__gte=lo, account_no__lte=hi).values_list("account_no", flat=True)
        )
        if len(present) == last - first + 1:
            continue
        wanted = [r for r in _generate_batch(seed, batch, grid) if r.serial <= last and r.account_no not in present]
        _insert(wanted)
        created += len(wanted)
        if progress:
            progress(last)
    # New accounts opened at a counter get serials after the demo's.
    account_sequence_catch_up()
    return created


def seed_worklist() -> int:
    """Fill the archive-quality worklist (/customers/worklist/) on the first run, as the nightly
    job would (customers.quality.archive_check): the legacy records' wrong ID numbers, short
    phones and missing 台区, and the phones the notices demo failed to reach. Once there is a
    worklist it is the job's to refresh. Returns how many issues were opened."""
    if ArchiveIssue.objects.exists():
        return 0
    return archive_check().opened
