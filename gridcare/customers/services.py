"""Writes to the customer archive. Each is one transaction and leaves one history row."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.services.tariffs import tariff_code_error
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.geo import coordinates
from gridcare.core.timezone import business_date
from gridcare.customers import rules, unmasking
from gridcare.customers.events import account_event
from gridcare.customers.models import (
    Account,
    AccountEvent,
    AccountStatus,
    Contact,
    ContactStatus,
    Customer,
    CustomerClass,
    ImportanceGrade,
    Meter,
    Sequence,
    TransformerArea,
)
from gridcare.org.access import Capability, Path, Reach, Scope, require
from gridcare.org.models import Hall, Role, Staff, SupplyUnit

Actor = User | AnonymousUser | None

ACCOUNT_SEQUENCE = "account_no"

# Column lengths (models.py) checked before writing, so PostgreSQL never refuses a value.
NAME_MAX = 100
ADDRESS_MAX = 200
METER_NO_MAX = 30
CONTACT_NAME_MAX = 50
STATUS_REASON_MAX = 200


@dataclass(frozen=True)
class NewCustomer:
    name: str
    customer_class: str
    address: str
    supply_unit: str
    id_number: str | None = None
    phone: str | None = None
    hall: str | None = None
    feeder: str | None = None
    transformer_area: str | None = None
    tariff_code: str = ""
    contract_capacity_kva: Decimal | str | int = 0
    importance_grade: str = ""
    meter_no: str | None = None


def _require_archive_editor(scope: Scope, capability: Capability = Capability.ARCHIVE_EDIT) -> None:
    """The archive's own editors, or the posts a caller's business names (the billing office's
    closure and transfer with a final bill: ``Capability.ACCOUNT_MOVE``)."""
    if capability not in (Capability.ARCHIVE_EDIT, Capability.ACCOUNT_MOVE):
        raise ValueError(f"{capability} does not change the archive")
    require(scope, capability, message=_("您的岗位不能修改客户档案。"))


def _collect(errors: dict[str, str], field: str, fn: Any, value: Any) -> Any:
    try:
        return fn(value)
    except InvalidInput as exc:
        errors[field] = str(exc.message)
        return None


def _clean_new_customer(scope: Scope, data: NewCustomer) -> dict[str, Any]:
    """Validate every field, collecting one message per bad field before anything is written."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = _("请填写客户名称。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("客户名称不能超过100个字。")
    clean["name"] = name
    clean["capacity"] = _collect(
        errors, "contract_capacity_kva", rules.normalise_capacity_kva, data.contract_capacity_kva
    )
    if data.customer_class not in CustomerClass.values:
        errors["customer_class"] = _("用电类别应为居民、一般工商业、大工业或农业之一。")
    elif data.tariff_code and (
        problem := tariff_code_error(
            code=data.tariff_code, customer_class=data.customer_class, capacity_kva=clean["capacity"]
        )
    ):
        errors["tariff_code"] = problem
    address = (data.address or "").strip()
    if len(address) < 5:
        errors["address"] = _("请填写完整的用电地址（至少5个字）。")
    elif len(address) > ADDRESS_MAX:
        errors["address"] = _("用电地址不能超过%(n)d个字。") % {"n": ADDRESS_MAX}
    clean["address"] = address
    clean["id_number"] = (
        _collect(errors, "id_number", rules.normalise_id_number, data.id_number) if data.id_number else ""
    )
    clean["phone"] = _collect(errors, "phone", rules.normalise_phone, data.phone) if data.phone else ""
    if data.importance_grade not in ImportanceGrade.values:
        errors["importance_grade"] = _("重要等级不在允许范围内。")
    # Opening is scoped like reading (CUST-1): a unit outside the caller's reach is "not found",
    # exactly like one that does not exist.
    unit = SupplyUnit.objects.filter(scope.unit_filter(), code=data.supply_unit).first()
    if unit is None:
        errors["supply_unit"] = _("供电单位 %(code)s 不存在。") % {"code": data.supply_unit}
    clean["unit"] = unit
    clean["hall"] = None
    clean["area"] = None
    if unit is not None:
        _clean_place(data, unit, clean, errors)
    if data.meter_no and len(data.meter_no) > METER_NO_MAX:
        errors["meter_no"] = _("表号不能超过%(n)d位。") % {"n": METER_NO_MAX}
    elif data.meter_no and Meter.objects.filter(meter_no=data.meter_no).exists():
        errors["meter_no"] = _("表号 %(no)s 已被使用。") % {"no": data.meter_no}
    if errors:
        raise InvalidInput(_("客户信息有误，请按提示修改。"), errors=errors)
    return clean


def _clean_place(data: NewCustomer, unit: SupplyUnit, clean: dict[str, Any], errors: dict[str, str]) -> None:
    """Hall and grid position must belong to the account's supply unit."""
    if data.hall:
        clean["hall"] = Hall.objects.filter(code=data.hall, unit=unit).first()
        if clean["hall"] is None:
            errors["hall"] = _("营业厅 %(code)s 不属于该供电单位。") % {"code": data.hall}
    if data.transformer_area:
        area = TransformerArea.objects.filter(code=data.transformer_area, feeder__unit=unit)
        if data.feeder:
            area = area.filter(feeder__code=data.feeder)
        clean["area"] = area.first()
        if clean["area"] is None:
            errors["transformer_area"] = _("台区 %(code)s 不在该供电单位（或所填线路）下。") % {
                "code": data.transformer_area
            }
    elif data.feeder:
        errors["transformer_area"] = _("填写线路时请同时填写台区。")


def highest_account_serial() -> int:
    top = Account.objects.aggregate(m=Max("account_no"))["m"]
    return int(top[:-1]) if top else 0


def account_sequence_catch_up() -> None:
    """Move the serial counter past accounts written without it (bulk loads, migrations)."""
    highest = highest_account_serial()
    sequence, _ = Sequence.objects.get_or_create(name=ACCOUNT_SEQUENCE, defaults={"value": highest})
    Sequence.objects.filter(pk=sequence.pk, value__lt=highest).update(value=highest)


def account_serials_reserve(count: int) -> int:
    """Reserve ``count`` account serials and return the first. Row-locked, so concurrent
    openings never share a number."""
    with transaction.atomic():
        if not Sequence.objects.filter(name=ACCOUNT_SEQUENCE).exists():
            account_sequence_catch_up()
        Sequence.objects.filter(name=ACCOUNT_SEQUENCE).update(value=F("value") + count)
        last = Sequence.objects.select_for_update().get(name=ACCOUNT_SEQUENCE).value
    return last - count + 1


def customer_create(*, scope: Scope, actor: Actor, data: NewCustomer) -> Account:
    """Open a customer with one account (立户). Returns the account with its new number."""
    _require_archive_editor(scope)
    clean = _clean_new_customer(scope, data)
    with transaction.atomic():
        customer = Customer.objects.create(name=clean["name"], id_number=clean["id_number"])
        account = Account.objects.create(
            account_no=rules.account_no_from_serial(account_serials_reserve(1)),
            customer=customer,
            customer_class=data.customer_class,
            address=clean["address"],
            supply_unit=clean["unit"],
            hall=clean["hall"],
            transformer_area=clean["area"],
            tariff_code=data.tariff_code,
            contract_capacity_kva=clean["capacity"],
            importance_grade=data.importance_grade,
            opened_on=business_date(),
        )
        if clean["phone"]:
            Contact.objects.create(customer=customer, name=clean["name"][:CONTACT_NAME_MAX], phone=clean["phone"])
        if data.meter_no:
            Meter.objects.create(account=account, meter_no=data.meter_no, installed_on=business_date())
        account_event(
            account=account,
            type=AccountEvent.Type.OPENED,
            actor=actor,
            customer_class=data.customer_class,
            supply_unit=clean["unit"].code,
        )
    return account


def _lock_open(account: Account) -> Account:
    locked = Account.objects.select_for_update().select_related("customer").get(pk=account.pk)
    if locked.status == AccountStatus.CLOSED:
        raise Conflict(_("户号 %(no)s 已销户，不能再办理变更。") % {"no": locked.account_no})
    return locked


def account_transfer(
    *,
    scope: Scope,
    actor: Actor,
    account: Account,
    new_name: str,
    new_id_number: str,
    new_phone: str,
    capability: Capability = Capability.ARCHIVE_EDIT,
    **event: object,
) -> Account:
    """过户: the account passes to a new customer; the old customer's record stays as it was.
    ``event``: more of the history row (a transfer with a final bill: its date and reading)."""
    _require_archive_editor(scope, capability)
    errors: dict[str, str] = {}
    name = (new_name or "").strip()
    if not name:
        errors["new_name"] = _("请填写新户主名称。")
    elif len(name) > NAME_MAX:
        errors["new_name"] = _("客户名称不能超过100个字。")
    id_number = _collect(errors, "new_id_number", rules.normalise_id_number, new_id_number)
    phone = _collect(errors, "new_phone", rules.normalise_phone, new_phone)
    if errors:
        raise InvalidInput(_("过户信息有误，请按提示修改。"), errors=errors)
    with transaction.atomic():
        locked = _lock_open(account)
        old = locked.customer
        if old.id_number and old.id_number == id_number:
            raise Conflict(_("新户主与原户主为同一人，请办理更名而不是过户。"))
        customer = Customer.objects.create(name=name, id_number=id_number)
        Contact.objects.create(customer=customer, name=name[:CONTACT_NAME_MAX], phone=phone)
        locked.customer = customer
        locked.save(update_fields=["customer", "updated_at"])
        account_event(
            account=locked,
            type=AccountEvent.Type.TRANSFERRED,
            actor=actor,
            old_customer_id=old.pk,
            old_name=old.name,
            new_customer_id=customer.pk,
            new_name=name,
            **event,
        )
    return locked


def account_rename(*, scope: Scope, actor: Actor, account: Account, new_name: str) -> Account:
    """更名: same holder, new name (a company renamed, a corrected spelling)."""
    _require_archive_editor(scope)
    name = (new_name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(_("请填写新名称（不超过100个字）。"), errors={"new_name": _("请填写新名称。")})
    with transaction.atomic():
        locked = _lock_open(account)
        old_name = locked.customer.name
        if old_name == name:
            raise Conflict(_("新名称与原名称相同。"))
        Customer.objects.filter(pk=locked.customer_id).update(name=name)
        account_event(account=locked, type=AccountEvent.Type.RENAMED, actor=actor, old_name=old_name, new_name=name)
    locked.customer.refresh_from_db()
    return locked


def account_change_tariff(
    *, scope: Scope, actor: Actor, account: Account, customer_class: str, tariff_code: str
) -> Account:
    """改类: a new customer class and tariff from today."""
    _require_archive_editor(scope)
    if customer_class not in CustomerClass.values:
        raise InvalidInput(_("用电类别不在允许范围内。"), errors={"customer_class": _("用电类别不在允许范围内。")})
    if tariff_code and (
        problem := tariff_code_error(
            code=tariff_code, customer_class=customer_class, capacity_kva=account.contract_capacity_kva
        )
    ):
        raise InvalidInput(_("电价有误，请按提示修改。"), errors={"tariff_code": problem})
    with transaction.atomic():
        locked = _lock_open(account)
        if locked.customer_class == customer_class and locked.tariff_code == tariff_code:
            raise Conflict(_("用电类别和电价与现在相同，无需改类。"))
        old = {"customer_class": locked.customer_class, "tariff_code": locked.tariff_code}
        locked.customer_class = customer_class
        locked.tariff_code = tariff_code
        locked.save(update_fields=["customer_class", "tariff_code", "updated_at"])
        account_event(
            account=locked,
            type=AccountEvent.Type.TARIFF_CHANGED,
            actor=actor,
            old=old,
            new={"customer_class": customer_class, "tariff_code": tariff_code},
        )
    return locked


# Legal status moves: (from, to) → the history row written.
_STATUS_MOVES: dict[tuple[str, str], AccountEvent.Type] = {
    (AccountStatus.ACTIVE, AccountStatus.SUSPENDED): AccountEvent.Type.SUSPENDED,
    (AccountStatus.SUSPENDED, AccountStatus.ACTIVE): AccountEvent.Type.RESUMED,
    (AccountStatus.ACTIVE, AccountStatus.CLOSED): AccountEvent.Type.CLOSED,
    (AccountStatus.SUSPENDED, AccountStatus.CLOSED): AccountEvent.Type.CLOSED,
    # A closure whose final bill left debt (issue 19): 待结清 until paid, then closed.
    (AccountStatus.ACTIVE, AccountStatus.SETTLING): AccountEvent.Type.SETTLING,
    (AccountStatus.SUSPENDED, AccountStatus.SETTLING): AccountEvent.Type.SETTLING,
    (AccountStatus.SETTLING, AccountStatus.CLOSED): AccountEvent.Type.CLOSED,
}


def account_transition(
    *,
    scope: Scope,
    actor: Actor,
    account: Account,
    to: AccountStatus,
    reason: str = "",
    capability: Capability = Capability.ARCHIVE_EDIT,
) -> Account:
    """暂停 / 恢复 / 销户, refusing moves the table does not list. The billing office's closure
    (``capability`` ACCOUNT_MOVE, ``billing.services.moves``) settles first; 待结清 is its own."""
    _require_archive_editor(scope, capability)
    if len(reason or "") > STATUS_REASON_MAX:
        message = _("原因不能超过%(n)d个字。") % {"n": STATUS_REASON_MAX}
        raise InvalidInput(message, errors={"reason": message})
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        event_type = _STATUS_MOVES.get((locked.status, to))
        if event_type is None:
            raise Conflict(
                _("户号 %(no)s 当前状态为“%(now)s”，不能变为“%(to)s”。")
                % {
                    "no": locked.account_no,
                    "now": AccountStatus(locked.status).label,
                    "to": AccountStatus(to).label,
                }
            )
        if to == AccountStatus.CLOSED and capability == Capability.ARCHIVE_EDIT:
            _closable(locked)
        old = locked.status
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
        account_event(account=locked, type=event_type, actor=actor, old=old, new=str(to), reason=reason)
    return locked


def _closable(account: Account) -> None:
    """The archive closes an account only when nothing is owed or held: anything else is the
    billing office's closure, with its final bill and settlement (issue 19)."""
    from gridcare.billing.move_selectors import money_left  # billing reads customers: imported late

    owed, prepaid, deposit = money_left(account)
    if owed or prepaid or deposit:
        raise Conflict(
            _("户号 %(no)s 尚有欠费 %(o)s 元、预存 %(p)s 元或保证金 %(d)s 元，请在电费页办理销户结算。")
            % {"no": account.account_no, "o": owed, "p": prepaid, "d": deposit}
        )


def _manager_problem(account_unit: SupplyUnit, staff: Staff | None, role: Role) -> str | None:
    """Why ``staff`` cannot manage rows of ``account_unit`` in post ``role`` (None: they can)."""
    if staff is None:
        return None
    if not staff.active or staff.role != role or staff.company_id != account_unit.company_id:
        return _("请选择本公司在岗的%(post)s。") % {"post": Role(role).label}
    if staff.unit_id is not None and staff.unit_id != account_unit.pk:
        return _("请选择本供电所的%(post)s。") % {"post": Role(role).label}
    return None


def account_manager_set(
    *, scope: Scope, actor: Actor, account: Account, staff: Staff | None, reason: str = ""
) -> Account:
    """The account's 大客户经理 (``staff``; None: none any more), with the account's history row.
    Called by gridcare.keyaccounts, which keeps the assignments' own history beside it."""
    require(scope, Capability.KEY_ASSIGN)
    if len(reason or "") > STATUS_REASON_MAX:
        message = _("原因不能超过%(n)d个字。") % {"n": STATUS_REASON_MAX}
        raise InvalidInput(message, errors={"reason": message})
    with transaction.atomic():
        locked = _lock_open(account)
        problem = _manager_problem(locked.supply_unit, staff, Role.KEY_ACCOUNT_MANAGER)
        if problem:
            raise InvalidInput(problem, errors={"staff": problem})
        old = locked.key_account_manager
        if (old.pk if old else None) == (staff.pk if staff else None):
            raise Conflict(_("该户的大客户经理已是所选人员。"))
        locked.key_account_manager = staff
        locked.save(update_fields=["key_account_manager", "updated_at"])
        account_event(
            account=locked,
            type=AccountEvent.Type.MANAGER_CHANGED,
            actor=actor,
            **({"old_name": old.name} if old else {}),
            **({"new_name": staff.name} if staff else {}),
            **({"reason": reason} if reason else {}),
        )
    return locked


def area_manager_set(*, scope: Scope, actor: Actor, area: TransformerArea, staff: Staff | None) -> TransformerArea:
    """The 台区's 台区经理 (``staff``; None: none any more). A 台区 keeps no history of its own:
    gridcare.keyaccounts writes the assignment and its history row in the same transaction."""
    require(scope, Capability.KEY_ASSIGN)
    with transaction.atomic():
        locked = TransformerArea.objects.select_for_update().select_related("feeder__unit").get(pk=area.pk)
        problem = _manager_problem(locked.feeder.unit, staff, Role.COMMUNITY_MANAGER)
        if problem:
            raise InvalidInput(problem, errors={"staff": problem})
        if locked.community_manager_id == (staff.pk if staff else None):
            raise Conflict(_("该台区的台区经理已是所选人员。"))
        locked.community_manager = staff
        locked.save(update_fields=["community_manager"])
    return locked


def contact_set_phone(*, scope: Scope, actor: Actor, account: Account, phone: str) -> Contact:
    """Replace the primary mobile number; a new number starts with a clean delivery record."""
    _require_archive_editor(scope)
    errors: dict[str, str] = {}
    value = _collect(errors, "phone", rules.normalise_phone, phone)
    if errors:
        raise InvalidInput(_("手机号码有误。"), errors=errors)
    with transaction.atomic():
        locked = _lock_open(account)
        contact = Contact.objects.filter(customer=locked.customer, is_primary=True).first()
        old = contact.phone if contact else ""
        if contact is None:
            contact = Contact.objects.create(
                customer=locked.customer, name=locked.customer.name[:CONTACT_NAME_MAX], phone=value
            )
        else:
            contact.phone = value
            contact.status = ContactStatus.VALID
            contact.delivery_failures = 0
            contact.save(update_fields=["phone", "status", "delivery_failures"])
        account_event(
            account=locked,
            type=AccountEvent.Type.CONTACT_CHANGED,
            actor=actor,
            old=rules.mask_phone(old),
            new=rules.mask_phone(value),
        )
    return contact


def account_unmask(
    *, scope: Scope, actor: Actor, account: Account, reason: str = "", reason_code: str = ""
) -> dict[str, Any]:
    """Show the full phone and ID number of one account's holder, and log who looked (CUST-4).

    ``reason_code`` is one of UnmaskReason, ``reason`` its free text (both required). Over the
    person's hourly or daily limit nothing is shown, the refusal is audited and
    UnmaskLimitReached (429) is raised. Every attempt is an UnmaskAudit row; a shown one also
    the account's ``unmasked`` history row, and may raise the burst alert (customers.unmasking)."""
    require(scope, Capability.ACCOUNT_UNMASK, message=_("您的岗位无权查看完整的个人信息。"))
    if not isinstance(actor, User):
        raise Forbidden(_("请先以工作人员身份登录。"))
    text = unmasking.clean_reason(code=reason_code, text=reason)
    with transaction.atomic():
        unmasking.lock_person(actor)
        now = timezone.now()
        refusal = unmasking.refusal_for(user=actor, now=now)
        audit = unmasking.audit_write(
            scope=scope, user=actor, account=account, code=reason_code, text=text, refusal=refusal, now=now
        )
        if not refusal:
            customer = account.customer
            phones = list(customer.contacts.order_by("-is_primary", "id").values_list("phone", flat=True))
            account_event(
                account=account, type=AccountEvent.Type.UNMASKED, actor=actor, reason=text, reason_code=reason_code
            )
            unmasking.burst_alert(audit=audit)
    if refusal:
        # Raised after the commit: the refusal's own audit row stays.
        raise unmasking.refuse(refusal)
    return {"id_number": customer.id_number, "phones": phones, "at": now}


# -- delivery results (NOTE-3 → CUST-3): the notices app reports which phones work -------------
def _contact_status_events(contacts: list[tuple[int, int, str, str]], status: ContactStatus) -> None:
    """``contacts`` (id, customer id, phone, old status) moved to ``status``: a contact_changed row
    in the history of every account of each contact's customer."""
    accounts: dict[int, list[Account]] = {}
    for account in Account.objects.filter(customer_id__in={c[1] for c in contacts}).order_by("id"):
        accounts.setdefault(account.customer_id, []).append(account)
    for _id, customer_id, phone, old in contacts:
        for account in accounts.get(customer_id, []):
            account_event(
                account=account,
                type=AccountEvent.Type.CONTACT_CHANGED,
                actor=None,
                phone=rules.mask_phone(phone),
                old=old,
                new=str(status),
                source="delivery",
            )


@transaction.atomic
def contacts_delivery_failed(*, phones: Collection[str], permanent: bool, failures_to_flag: int) -> int:
    """Count one failed delivery for each of ``phones``; a permanent refusal (invalid number), or
    ``failures_to_flag`` in a row, marks the contact failed. Returns how many contacts became failed."""
    if not phones:
        return 0
    contacts = Contact.objects.filter(phone__in=list(phones))
    contacts.update(delivery_failures=F("delivery_failures") + 1)
    if not permanent:
        contacts = contacts.filter(delivery_failures__gte=failures_to_flag)
    changing = list(
        contacts.exclude(status=ContactStatus.FAILED).order_by("id").values_list("id", "customer_id", "phone", "status")
    )
    moved = Contact.objects.filter(pk__in=[c[0] for c in changing]).update(status=ContactStatus.FAILED)
    _contact_status_events(changing, ContactStatus.FAILED)
    return moved


@transaction.atomic
def contacts_delivery_ok(*, phones: Collection[str]) -> int:
    """A message reached each of ``phones``: the number works (status valid, failures cleared).
    Returns how many contacts changed."""
    if not phones:
        return 0
    contacts = Contact.objects.filter(phone__in=list(phones)).exclude(status=ContactStatus.VALID, delivery_failures=0)
    changing = list(
        contacts.exclude(status=ContactStatus.VALID).order_by("id").values_list("id", "customer_id", "phone", "status")
    )
    cleared = contacts.update(status=ContactStatus.VALID, delivery_failures=0)
    _contact_status_events(changing, ContactStatus.VALID)
    return cleared


def area_locate(*, scope: Scope, area_code: str, latitude: Any, longitude: Any) -> TransformerArea:
    """Set (or clear, both empty) a 台区's coordinates (its transformer), for the outlet-network
    studies: planners and administrators (PLAN_EDIT), the 台区 of their company. A bad degree is
    refused on its field; nothing is written."""
    require(scope, Capability.PLAN_EDIT)
    code = str(area_code)[:30].replace("\x00", "")
    where = scope.filter(Reach.COMPANY, Path.unit_of("feeder__unit"))
    area = TransformerArea.objects.filter(where, code=code).first()
    if area is None:
        raise NotFound(_("未找到台区 %(code)s。") % {"code": code})
    lat, lon, errors = coordinates(latitude, longitude)
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    with transaction.atomic():
        TransformerArea.objects.filter(pk=area.pk).update(latitude=lat, longitude=lon)
    area.latitude, area.longitude = lat, lon
    return area
