"""The hall's devices (SEC-3): kiosks, display boards and evaluation pads are registered by the
hall manager, paired once with a one-time code, and revoked at once when lost or replaced.

A device holds a credential of its own (a random secret; only its SHA-256 digest is stored, like
API tokens). The manager never sees it: registering gives a pairing code, shown once and valid
for GRIDCARE_HALL_DEVICES["PAIRING_MINUTES"]; pairing exchanges that code for the credential,
which goes straight into the device's cookie (or to the device calling the API).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core.events import actor_user
from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.timezone import now
from gridcare.core.tokens import token_digest
from gridcare.halls.events import device_event
from gridcare.halls.models import DeviceKind, HallDevice, HallDeviceEvent
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Counter, Hall

Actor = User | AnonymousUser | None
NAME_MAX = 50


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _validate(hall: Hall, kind: str, name: str, counter_id: int | None) -> tuple[DeviceKind, str, Counter | None]:
    errors: dict[str, str] = {}
    if kind not in DeviceKind.values:
        errors["kind"] = _("请选择设备类型（取号机、叫号屏或评价器）。")
    name = name.strip()
    if not name:
        errors["name"] = _("请填写设备名称。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("设备名称最多%(n)d字。") % {"n": NAME_MAX}
    counter = None
    if kind == DeviceKind.PAD:
        counter = Counter.objects.filter(hall=hall, pk=counter_id or 0).first()
        if counter is None:
            errors["counter"] = _("评价器请选择本厅的一个窗口。")
    if errors:
        raise InvalidInput(_("设备信息有误，请按提示修改。"), errors=errors)
    return DeviceKind(kind), name, counter


def device_register(
    *, scope: Scope | None, actor: Actor, hall: Hall, kind: str, name: str, counter_id: int | None = None
) -> tuple[HallDevice, str]:
    """Register a device of ``hall``; returns it and its one-time pairing code (shown once).
    ``scope`` None is the system itself (the demo seed)."""
    if scope is not None:
        require(scope, Capability.HALL_MANAGE)
    device_kind, clean_name, counter = _validate(hall, kind, name, counter_id)
    code = _new_secret()
    at = now()
    with transaction.atomic():
        device = HallDevice.objects.create(
            hall=hall,
            kind=device_kind,
            counter=counter,
            name=clean_name,
            pairing_digest=token_digest(code),
            pairing_expires_at=at + _pairing_time(),
            registered_by=actor_user(actor),
            registered_at=at,
        )
        device_event(
            device=device,
            type=HallDeviceEvent.Type.REGISTERED,
            actor=actor,
            at=at,
            kind=device_kind.value,
            name=clean_name,
            counter_number=counter.number if counter else None,
        )
    return device, code


def _pairing_time() -> timedelta:
    return timedelta(minutes=settings.GRIDCARE_HALL_DEVICES["PAIRING_MINUTES"])


def device_pairing_issue(*, scope: Scope, actor: Actor, device: HallDevice) -> str:
    """A new one-time pairing code for a live device (a replaced browser, an expired code). The
    device's present credential keeps working until the new code is used."""
    require(scope, Capability.HALL_MANAGE)
    code = _new_secret()
    at = now()
    with transaction.atomic():
        updated = HallDevice.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
            pairing_digest=token_digest(code), pairing_expires_at=at + _pairing_time()
        )
        if not updated:
            raise Conflict(_("该设备已吊销，请重新登记。"))
        device_event(device=device, type=HallDeviceEvent.Type.PAIRING_ISSUED, actor=actor, at=at)
    return code


def pairing_device(code: str) -> HallDevice:
    """The live device a pairing code belongs to, while the code is valid (nothing is used up)."""
    device = (
        HallDevice.objects.filter(
            pairing_digest=token_digest(code) if code and len(code) <= 200 else "-",
            revoked_at__isnull=True,
            pairing_expires_at__gt=now(),
        )
        .select_related("hall", "counter")
        .first()
    )
    if device is None:
        raise NotFound(_("配对链接无效、已使用或已过期，请营业厅经理重新生成。"))
    return device


def device_pair(*, code: str) -> tuple[HallDevice, str]:
    """Use a pairing code up: the device gets a new credential (returned, never stored in clear)
    and any earlier credential of it stops working. Two browsers racing with the same code: the
    conditional UPDATE lets exactly one win."""
    device = pairing_device(code)
    credential = _new_secret()
    at = now()
    with transaction.atomic():
        updated = HallDevice.objects.filter(
            pk=device.pk, pairing_digest=token_digest(code), revoked_at__isnull=True, pairing_expires_at__gt=at
        ).update(credential_digest=token_digest(credential), pairing_digest=None, pairing_expires_at=None, paired_at=at)
        if not updated:
            raise NotFound(_("配对链接无效、已使用或已过期，请营业厅经理重新生成。"))
        device_event(device=device, type=HallDeviceEvent.Type.PAIRED, actor=None, at=at)
    device.paired_at = at
    return device, credential


def device_revoke(*, scope: Scope, actor: Actor, device: HallDevice) -> HallDevice:
    """Revoke a device: its credential and any pairing code stop working with the next request."""
    require(scope, Capability.HALL_MANAGE)
    at = now()
    with transaction.atomic():
        updated = HallDevice.objects.filter(pk=device.pk, revoked_at__isnull=True).update(
            revoked_at=at,
            revoked_by=actor_user(actor),
            credential_digest=None,
            pairing_digest=None,
            pairing_expires_at=None,
        )
        if not updated:
            raise Conflict(_("该设备已吊销。"))
        device_event(device=device, type=HallDeviceEvent.Type.REVOKED, actor=actor, at=at, name=device.name)
    device.refresh_from_db()
    return device
