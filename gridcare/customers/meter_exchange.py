"""换表: a meter exchange, recorded once (service), and what the account page shows of it.

The removal reading of the old meter and the installation reading of the new one (with its
multiplier, 倍率) on one date. The next actual reading bills across it by
``billing.rules.meter_exchange``: (removal − last reading) × old multiplier + (current −
installation) × new multiplier, the old meter's part kept here as ``old_kwh``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridcare.billing.rules.meter_exchange import Span, exchange_problems
from gridcare.core.events import Actor, actor_user
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.timezone import business_date
from gridcare.customers.events import account_event
from gridcare.customers.models import Account, AccountEvent, AccountStatus, Meter, MeterExchange
from gridcare.org.access import Capability, Scope, require

REGISTER_MAX = Decimal("1e11")
MULTIPLIER_MAX = 100_000
METER_NO_MAX = 30


@dataclass(frozen=True)
class NewExchange:
    exchanged_on: object
    removal_register: object
    new_meter_no: object
    installation_register: object
    new_multiplier: object
    # The old meter's TOU registers at the last reading and at removal (a TOU meter only).
    last_peak: object = None
    removal_peak: object = None
    last_valley: object = None
    removal_valley: object = None


def _register(errors: dict[str, str], field: str, value: object, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            errors[field] = _("请填写示数。")
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("示数应为数字。")
        return None
    if not number.is_finite() or number < 0 or number >= REGISTER_MAX or number != number.quantize(Decimal("0.01")):
        errors[field] = _("示数应为不小于 0 的数字，最多两位小数。")
        return None
    return number


def _clean(data: NewExchange, errors: dict[str, str]) -> dict[str, object]:
    clean: dict[str, object] = {}
    day = data.exchanged_on
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day.strip())
        except ValueError:
            day = None
    if not isinstance(day, date):
        errors["exchanged_on"] = _("请填写换表日期（年-月-日）。")
    clean["exchanged_on"] = day
    clean["removal_register"] = _register(errors, "removal_register", data.removal_register)
    clean["installation_register"] = _register(errors, "installation_register", data.installation_register)
    meter_no = str(data.new_meter_no or "").strip()
    if not meter_no or len(meter_no) > METER_NO_MAX:
        errors["new_meter_no"] = _("请填写新表表号（不超过30个字符）。")
    elif Meter.objects.filter(meter_no=meter_no).exists():
        errors["new_meter_no"] = _("表号 %(no)s 已在使用。") % {"no": meter_no}
    clean["new_meter_no"] = meter_no
    try:
        multiplier = int(str(data.new_multiplier).strip())
    except (TypeError, ValueError):
        multiplier = 0
    if not 1 <= multiplier <= MULTIPLIER_MAX:
        errors["new_multiplier"] = _("倍率应为 1 至 %(n)s 的整数。") % {"n": MULTIPLIER_MAX}
    clean["new_multiplier"] = multiplier
    for name in ("last_peak", "removal_peak", "last_valley", "removal_valley"):
        clean[name] = _register(errors, name, getattr(data, name), required=False)
    return clean


def _same(exchange: MeterExchange, clean: dict[str, object]) -> bool:
    """The exchange already recorded is this one (a form or a client sending it again)."""
    return (
        exchange.removal_register == clean["removal_register"]
        and exchange.installation_register == clean["installation_register"]
        and exchange.new_meter.meter_no == clean["new_meter_no"]
        and exchange.new_multiplier == clean["new_multiplier"]
    )


def meter_exchange_record(
    *, scope: Scope, actor: Actor, account: Account, data: NewExchange
) -> tuple[MeterExchange, bool]:
    """Record a meter exchange; (the exchange, created). The same exchange sent again returns the
    first (created False); another exchange the same day is refused."""
    from gridcare.billing.estimate_selectors import last_actual_reading  # billing reads customers

    require(scope, Capability.METER_EXCHANGE)
    errors: dict[str, str] = {}
    clean = _clean(data, errors)
    day = clean["exchanged_on"]
    with transaction.atomic():
        # Under the account's lock: two copies of one request at once find the first's row.
        locked = Account.objects.select_for_update().get(pk=account.pk)
        if isinstance(day, date):
            earlier = MeterExchange.objects.filter(account=locked, exchanged_on=day).select_related("new_meter").first()
            if earlier is not None:
                if _same(earlier, clean):
                    return earlier, False
                raise Conflict(
                    _("户号 %(no)s 在 %(d)s 已办理换表。") % {"no": account.account_no, "d": day.isoformat()}
                )
        if errors:
            raise InvalidInput(_("换表信息有误，请按提示修改。"), errors=errors)
        if locked.status == AccountStatus.CLOSED:
            raise Conflict(_("户号 %(no)s 已销户，不能换表。") % {"no": locked.account_no})
        if MeterExchange.objects.filter(account=locked, readings__isnull=True).exists():
            raise Conflict(_("上次换表后尚无实抄示数，请先抄表出账再换表。"))
        old = Meter.objects.filter(account=locked, removed_on__isnull=True).order_by("-installed_on").first()
        if old is None:
            raise Conflict(_("户号 %(no)s 没有在用的电能表。") % {"no": locked.account_no})
        last = last_actual_reading(account_id=locked.pk)
        last_register = last.register if last else Decimal(0)
        pairs = (
            {
                "removal_peak": (clean["last_peak"], clean["removal_peak"]),
                "removal_valley": (clean["last_valley"], clean["removal_valley"]),
            }
            if old.time_of_use
            else {}
        )
        assert isinstance(day, date)
        problems = exchange_problems(
            last_register=last_register,
            last_read_on=last.read_on if last else None,
            removal_register=clean["removal_register"],  # type: ignore[arg-type]
            installation_register=clean["installation_register"],  # type: ignore[arg-type]
            exchanged_on=day,
            old_installed_on=old.installed_on,
            today=business_date(),
            register_pairs=pairs,  # type: ignore[arg-type]
        )
        if problems:
            raise InvalidInput(_("换表信息有误，请按提示修改。"), errors=problems)
        exchange = _write(locked, old, last_register, clean, day, actor)
    return exchange, True


def _tou_kwh(clean: dict[str, object], start: str, end: str, multiplier: int) -> Decimal:
    a, b = clean[start], clean[end]
    if not isinstance(a, Decimal) or not isinstance(b, Decimal):
        return Decimal(0)
    return Span(start=a, end=b, multiplier=multiplier).kwh


def _write(
    account: Account, old: Meter, last_register: Decimal, clean: dict[str, object], day: date, actor: Actor
) -> MeterExchange:
    removal = clean["removal_register"]
    installation = clean["installation_register"]
    multiplier = clean["new_multiplier"]
    assert isinstance(removal, Decimal) and isinstance(installation, Decimal) and isinstance(multiplier, int)
    old_kwh = Span(start=last_register, end=removal, multiplier=old.multiplier).kwh
    peak = _tou_kwh(clean, "last_peak", "removal_peak", old.multiplier) if old.time_of_use else Decimal(0)
    valley = _tou_kwh(clean, "last_valley", "removal_valley", old.multiplier) if old.time_of_use else Decimal(0)
    if peak + valley > old_kwh:
        raise InvalidInput(
            _("换表信息有误，请按提示修改。"), errors={"removal_peak": _("峰谷电量之和大于旧表总电量。")}
        )
    Meter.objects.filter(pk=old.pk).update(removed_on=day)
    try:
        with transaction.atomic():
            new = Meter.objects.create(
                account=account,
                meter_no=str(clean["new_meter_no"]),
                multiplier=multiplier,
                phases=old.phases,
                time_of_use=old.time_of_use,
                installed_on=day,
            )
            exchange = MeterExchange.objects.create(
                account=account,
                old_meter=old,
                new_meter=new,
                exchanged_on=day,
                last_register=last_register,
                removal_register=removal,
                old_multiplier=old.multiplier,
                installation_register=installation,
                new_multiplier=multiplier,
                old_kwh=old_kwh,
                old_kwh_peak=peak,
                old_kwh_valley=valley,
                recorded_by=actor_user(actor),
            )
    except IntegrityError as exc:
        raise Conflict(_("换表未能保存：表号已被使用或当日已换表。")) from exc
    account_event(
        account=account,
        type=AccountEvent.Type.METER_EXCHANGED,
        actor=actor,
        old_meter=old.meter_no,
        new_meter=new.meter_no,
        date=day.isoformat(),
        removal=str(removal),
        installation=str(installation),
        old_multiplier=old.multiplier,
        new_multiplier=multiplier,
        old_kwh=str(old_kwh),
    )
    return exchange


def exchanges_of(account: Account) -> list[MeterExchange]:
    """The account's exchanges, newest first (the account page)."""
    return list(account.meter_exchanges.select_related("old_meter", "new_meter"))
