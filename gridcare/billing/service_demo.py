"""The demo's paid value-added services (有偿增值服务, WO-10), so ``make run`` shows them: a
catalogue of eight items at real-looking prices (one with a price rise to come on the 1st of next
month), and two orders for the demo customer's account — one made at the counter and paid in
cash, one made in the portal and still to be paid. Everything goes through the services.
Idempotent: an item whose code exists is left alone, and the orders carry idempotency keys."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from gridcare.billing.models import ServiceItem, ServiceOrderSource, ServiceOrderStatus
from gridcare.billing.services import service_catalogue as catalogue
from gridcare.billing.services import service_orders as orders
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account
from gridcare.org.access import Scope

SYSTEM = Scope(staff=None, company_id=None, unit_id=None, hall_id=None, everything=True)

# code: (name, category, unit, price, description, tax note)
CATALOGUE: dict[str, tuple[str, str, str, str, str, str]] = {
    "LINE-REPAIR": (
        "家用线路检修",
        "maintenance",
        "次",
        "80.00",
        "入户线路及户内配电箱检查、故障排查与简单修复。",
        "含税价；更换的材料按实另计",
    ),
    "RCD-REPLACE": ("漏电保护器更换", "maintenance", "只", "120.00", "含一只家用漏电保护器及安装调试。", "含税价"),
    "SOCKET-REPLACE": (
        "插座、开关更换",
        "maintenance",
        "个",
        "30.00",
        "普通 86 型插座或开关的拆换。",
        "含税价；面板按实另计",
    ),
    "METER-CHECK": (
        "电能表校验",
        "testing",
        "只",
        "50.00",
        "对计量有疑问时现场校验；误差超出规定的不收费。",
        "含税价",
    ),
    "SAFETY-CHECK": (
        "用电安全检测",
        "testing",
        "次",
        "150.00",
        "户内线路绝缘、接地和漏电保护动作检测，出具检测报告。",
        "含税价",
    ),
    "EV-SURVEY": (
        "充电桩安装勘察",
        "ev_charger",
        "次",
        "100.00",
        "上门查看车位、电源距离和安装条件，给出方案。",
        "含税价",
    ),
    "EV-HOME-7KW": (
        "充电桩安装（7kW 家用）",
        "ev_charger",
        "套",
        "1200.00",
        "含 30 米以内线缆敷设、安装和调试，不含充电桩设备。",
        "含税价；超出 30 米的线缆按实另计",
    ),
    "ENERGY-AUDIT": ("家庭节能诊断", "other", "次", "200.00", "分析家庭用电习惯和设备能效，给出节能建议。", "含税价"),
}
PRICE_RISE = ("SAFETY-CHECK", "160.00")  # from the 1st of next month
HALL_KEY, PORTAL_KEY = "demo-counter-1", "demo-portal-1"


def seed_service_catalogue() -> int:
    """The items not yet in the catalogue, each with its first price from today."""
    today = business_date()
    made = 0
    for code, (name, category, unit, price, description, tax_note) in CATALOGUE.items():
        if ServiceItem.objects.filter(code=code).exists():
            continue
        data = catalogue.ItemData(
            name=name,
            category=category,
            unit=unit,
            price=Decimal(price),
            valid_from=today,
            description=description,
            tax_note=tax_note,
        )
        item = catalogue.service_item_create(scope=SYSTEM, actor=None, code=code, data=data)
        made += 1
        if code == PRICE_RISE[0]:
            first_of_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
            rise = replace(data, price=Decimal(PRICE_RISE[1]), valid_from=first_of_next)
            catalogue.service_item_edit(scope=SYSTEM, actor=None, item=item, data=rise)
    return made


def seed_service_orders(*, account: Account, portal_ref: str) -> int:
    """A counter order paid in cash and a portal order to be paid, for ``account`` (once each)."""
    made = 0
    hall, created = orders.service_order_create(
        account=account,
        lines=[orders.LineIn("METER-CHECK", 1), orders.LineIn("RCD-REPLACE", 1)],
        source=ServiceOrderSource.HALL,
        scope=SYSTEM,
        note="客户来厅申请校表并更换漏电保护器",
        idempotency_key=HALL_KEY,
    )
    made += created
    if hall.status == ServiceOrderStatus.ORDERED:
        orders.service_order_pay_at_counter(scope=SYSTEM, actor=None, order=hall, channel="counter_cash")
    _portal, created = orders.service_order_create(
        account=account,
        lines=[orders.LineIn("SAFETY-CHECK", 1)],
        source=ServiceOrderSource.PORTAL,
        customer_ref=portal_ref,
        idempotency_key=PORTAL_KEY,
    )
    return made + created


def seed_paid_services(*, portal_ref: str = "") -> str:
    """The catalogue, then the orders of the demo customer's account (the city's first, which the
    portal's demo customer ``portal_ref`` has bound)."""
    items = seed_service_catalogue()
    account = Account.objects.order_by("pk").first()
    made = seed_service_orders(account=account, portal_ref=portal_ref) if account is not None else 0
    return f"paid services demo: {items} catalogue items, {made} service orders"
