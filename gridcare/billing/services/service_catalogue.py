"""The paid services' catalogue (有偿增值服务, WO-10): administrators (``SERVICE_CATALOGUE_EDIT``)
add an item with its first price, correct its description, change its price — a new price version
from a date, today or later, so the orders already made keep the price they were made at — and
take it off sale or back. Every change is a history row of the item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.events import service_item_event
from gridcare.billing.models import ServiceCategory, ServiceItem, ServiceItemEvent, ServicePrice
from gridcare.billing.rules.numbers import decimal_error
from gridcare.billing.rules.paid_services import code_ok
from gridcare.core.events import Actor, actor_user
from gridcare.core.exceptions import InvalidInput
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, Scope, require

T = ServiceItemEvent.Type
PRICE_DAYS_AHEAD = 366  # a new price may be set from today to a year ahead
TEXTS = {"name": 60, "unit": 10, "description": 1000, "tax_note": 100}


@dataclass(frozen=True)
class ItemData:
    name: str
    category: str
    unit: str
    price: Decimal
    valid_from: date
    description: str = ""
    tax_note: str = ""


def _has_control(text: str) -> bool:
    return any(ord(ch) < 32 and ch not in "\n\r\t" or ord(ch) == 127 for ch in text)


def _text_errors(data: ItemData) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, most in TEXTS.items():
        value = getattr(data, name)
        if not isinstance(value, str):
            errors[name] = _("请填写文字。")
        elif name in ("name", "unit") and not value.strip():
            errors[name] = _("必填项。")
        elif len(value) > most:
            errors[name] = _("最多 %(n)s 个字符。") % {"n": most}
        elif _has_control(value):
            errors[name] = _("不能包含控制字符。")
    if data.category not in ServiceCategory.values:
        errors["category"] = _("请选择服务类别。")
    return errors


def _price_errors(price: object, valid_from: object, *, today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = decimal_error(price, ServicePrice._meta.get_field("price"), minimum=Decimal("0.01"))
    if problem:
        errors["price"] = problem
    if not isinstance(valid_from, date):
        errors["valid_from"] = _("请填写执行日期。")
    elif not today <= valid_from <= today + timedelta(days=PRICE_DAYS_AHEAD):
        errors["valid_from"] = _("执行日期应在今天（%(today)s）至一年之内；已下的订单仍按下单时的价格。") % {
            "today": today.isoformat()
        }
    return errors


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        raise InvalidInput(_("服务项目有误。"), errors=errors)


def service_item_create(*, scope: Scope, actor: Actor, code: str, data: ItemData) -> ServiceItem:
    require(scope, Capability.SERVICE_CATALOGUE_EDIT)
    code = code.strip().upper() if isinstance(code, str) else ""
    errors = _text_errors(data) | _price_errors(data.price, data.valid_from, today=business_date())
    if not code_ok(code):
        errors["code"] = _("服务编码为 2 至 20 位大写字母、数字或连字符，以字母开头。")
    elif ServiceItem.objects.filter(code=code).exists():
        errors["code"] = _("服务编码 %(code)s 已存在。") % {"code": code}
    _refuse(errors)
    now = timezone.now()
    with transaction.atomic():
        item = ServiceItem.objects.create(
            code=code,
            name=data.name.strip(),
            category=data.category,
            description=data.description.strip(),
            unit=data.unit.strip(),
            tax_note=data.tax_note.strip(),
            created_at=now,
        )
        ServicePrice.objects.create(
            item=item, price=data.price, valid_from=data.valid_from, created_at=now, created_by=actor_user(actor)
        )
        service_item_event(
            item=item,
            type=T.CREATED,
            actor=actor,
            name=item.name,
            category=item.category,
            price=str(data.price),
            unit=item.unit,
            valid_from=data.valid_from.isoformat(),
        )
    return item


def price_in_force(item: ServiceItem, on: date) -> ServicePrice | None:
    return item.prices.filter(valid_from__lte=on).order_by("-valid_from").first()


def latest_price(item: ServiceItem) -> ServicePrice | None:
    return item.prices.order_by("-valid_from").first()


def service_item_edit(*, scope: Scope, actor: Actor, item: ServiceItem, data: ItemData) -> ServiceItem:
    """Correct the item's description; a price other than its latest version's is a new version
    from ``data.valid_from`` (today or later; one version a day)."""
    require(scope, Capability.SERVICE_CATALOGUE_EDIT)
    errors = _text_errors(data)
    latest = latest_price(item)
    new_price = latest is None or data.price != latest.price
    if new_price:
        errors |= _price_errors(data.price, data.valid_from, today=business_date())
        if "valid_from" not in errors and item.prices.filter(valid_from=data.valid_from).exists():
            errors["valid_from"] = _("%(d)s 已有一个价格版本，请选择其他执行日期。") % {
                "d": data.valid_from.isoformat()
            }
    _refuse(errors)
    cleaned = {
        "name": data.name.strip(),
        "category": data.category,
        "description": data.description.strip(),
        "unit": data.unit.strip(),
        "tax_note": data.tax_note.strip(),
    }
    changed = [name for name, value in cleaned.items() if getattr(item, name) != value]
    with transaction.atomic():
        if changed:
            for name in changed:
                setattr(item, name, cleaned[name])
            item.save(update_fields=changed)
            service_item_event(item=item, type=T.CHANGED, actor=actor, fields=changed)
        if new_price:
            ServicePrice.objects.create(
                item=item,
                price=data.price,
                valid_from=data.valid_from,
                created_at=timezone.now(),
                created_by=actor_user(actor),
            )
            service_item_event(
                item=item, type=T.PRICED, actor=actor, price=str(data.price), valid_from=data.valid_from.isoformat()
            )
    return item


def service_item_set_active(*, scope: Scope, actor: Actor, item: ServiceItem, active: bool) -> ServiceItem:
    """Take the item off sale (no new orders; those made stay as they are) or back on."""
    require(scope, Capability.SERVICE_CATALOGUE_EDIT)
    if item.active == active:
        return item
    with transaction.atomic():
        item.active = active
        item.save(update_fields=["active"])
        service_item_event(item=item, type=T.ACTIVATED if active else T.DEACTIVATED, actor=actor)
    return item
