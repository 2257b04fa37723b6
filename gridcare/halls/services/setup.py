"""Hall set-up (HALL-1): business types, what each counter serves, opening hours, queue policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.timezone import business_date, now
from gridcare.halls.models import BusinessType, CounterSetup, CounterStatus, HallPolicy, Kind, Ticket
from gridcare.halls.services.live import hall_changed
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Counter, Hall


@dataclass(frozen=True)
class TypeDefault:
    kind: Kind
    prefix: str
    expected_minutes: int


# The usual set-up of a hall: prefixes as printed on the ticket, expected handling minutes.
DEFAULT_TYPES: tuple[TypeDefault, ...] = (
    TypeDefault(Kind.PAYMENT, "A", 4),
    TypeDefault(Kind.NEW_CONNECTION, "B", 15),
    TypeDefault(Kind.ACCOUNT_CHANGE, "C", 12),
    TypeDefault(Kind.CONSULTATION, "D", 5),
    TypeDefault(Kind.INVOICE, "E", 3),
    TypeDefault(Kind.METER_TEST, "F", 8),
    TypeDefault(Kind.COMPLAINT, "G", 10),
    TypeDefault(Kind.KEY_ACCOUNT, "V", 20),
)


def _stored_label(kind: Kind) -> str:
    """A business type's name as stored: in the site's language (Chinese), whatever the language
    of the person whose request sets the hall up (the kiosk and board show the stored name)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(kind.label)


@transaction.atomic
def hall_setup_defaults(*, hall: Hall) -> list[BusinessType]:
    """Create the eight business types of a hall where missing (idempotent)."""
    types = []
    for default in DEFAULT_TYPES:
        business_type, _created = BusinessType.objects.get_or_create(
            hall=hall,
            kind=default.kind,
            defaults={
                "name": _stored_label(default.kind),
                "prefix": default.prefix,
                "expected_minutes": default.expected_minutes,
            },
        )
        types.append(business_type)
    HallPolicy.objects.get_or_create(hall=hall)
    return types


def business_type_update(
    *, scope: Scope, business_type: BusinessType, name: str, prefix: str, expected_minutes: int, active: bool
) -> BusinessType:
    require(scope, Capability.HALL_MANAGE)
    prefix = prefix.strip().upper()
    if not (1 <= len(prefix) <= 2 and prefix.isascii() and prefix.isalpha()):
        raise InvalidInput(_("号码前缀应为一到两个字母。"), errors={"prefix": _("号码前缀应为一到两个字母。")})
    if BusinessType.objects.filter(hall=business_type.hall, prefix=prefix).exclude(pk=business_type.pk).exists():
        raise InvalidInput(_("号码前缀已被其他业务使用。"), errors={"prefix": _("号码前缀已被其他业务使用。")})
    if (
        prefix != business_type.prefix
        and Ticket.objects.filter(business_type=business_type, day=business_date()).exists()
    ):
        # Today's numbers of the type are out already; a new prefix could repeat one of them.
        raise Conflict(_("该业务今天已经出号，号码前缀请在明天营业前修改。"))
    if not 1 <= expected_minutes <= 240:
        message = _("预计办理时长应在1到240分钟之间。")
        raise InvalidInput(message, errors={"expected_minutes": message})
    business_type.name = name.strip() or business_type.get_kind_display()
    business_type.prefix = prefix
    business_type.expected_minutes = expected_minutes
    business_type.active = active
    business_type.save(update_fields=["name", "prefix", "expected_minutes", "active"])
    hall_changed(business_type.hall_id)
    return business_type


@transaction.atomic
def counter_configure(
    *, counter: Counter, kinds: list[str], status: str | None = None, scope: Scope | None = None
) -> CounterSetup:
    """Set the business types ``counter`` serves (and optionally its status). ``scope`` None is
    the system itself (demo seeding, tests' fixtures)."""
    if scope is not None:
        require(scope, Capability.HALL_MANAGE)
    types = list(BusinessType.objects.filter(hall_id=counter.hall_id, kind__in=kinds))
    if len(types) != len(set(kinds)):
        raise InvalidInput(_("业务类型不存在。"), errors={"kinds": _("业务类型不存在。")})
    setup, _created = CounterSetup.objects.get_or_create(counter=counter)
    setup.business_types.set(types)
    if status is not None and status != setup.status:
        setup.status = CounterStatus(status)
        setup.status_changed_at = now()
        setup.save(update_fields=["status", "status_changed_at"])
    hall_changed(counter.hall_id)
    return setup


def hall_policy_update(
    *, scope: Scope, hall: Hall, opens_at: time, closes_at: time, ageing_minutes: int, max_recalls: int, near_ahead: int
) -> HallPolicy:
    require(scope, Capability.HALL_MANAGE)
    if opens_at >= closes_at:
        raise InvalidInput(_("关门时间应晚于开门时间。"), errors={"closes_at": _("关门时间应晚于开门时间。")})
    if not 1 <= ageing_minutes <= 240:
        raise InvalidInput(
            _("超时优先应在1到240分钟之间。"), errors={"ageing_minutes": _("超时优先应在1到240分钟之间。")}
        )
    with transaction.atomic():
        hall.opens_at, hall.closes_at = opens_at, closes_at
        hall.save(update_fields=["opens_at", "closes_at"])
        policy, _created = HallPolicy.objects.get_or_create(hall=hall)
        policy.ageing_minutes, policy.max_recalls, policy.near_ahead = ageing_minutes, max_recalls, near_ahead
        policy.save(update_fields=["ageing_minutes", "max_recalls", "near_ahead"])
        hall_changed(hall.pk)
    return policy
