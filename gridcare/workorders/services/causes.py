"""The complaint cause taxonomy (投诉原因, ASSESS-6): administrators add, rename, reorder,
deactivate and reactivate causes (``COMPLAINT_CAUSE_EDIT``), each change a history row; a cause
orders were put down to is never deleted. ``cause_for`` is the one check of a cause chosen at
intake or closing: it exists, is offered (active) and belongs to the complaint's class."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max, ProtectedError
from django.utils.translation import gettext as _

from gridcare.core.events import Actor
from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.org.access import Capability, Scope, require
from gridcare.workorders.events import cause_event
from gridcare.workorders.models import CauseEvent, ComplaintCause, ComplaintClass

NAME_MAX = 50
POSITION_MAX = 32_767  # a PositiveSmallIntegerField
FIELD = "complaint_cause"  # the field of intake and closing a refusal is put on
CAUSE_CODE_MAX = 30  # ComplaintCause.code


def cause_for(*, code: str, complaint_class: str) -> ComplaintCause:
    """The active cause ``code`` of ``complaint_class``; otherwise ``InvalidInput`` on the
    ``complaint_cause`` field, saying why (unknown, deactivated, another class's)."""
    text = str(code)
    usable = text and len(text) <= CAUSE_CODE_MAX and "\x00" not in text
    cause = ComplaintCause.objects.filter(code=text).first() if usable else None
    if cause is None:
        message = _("投诉原因不存在，请从列表中选择。")
    elif not cause.active:
        message = _("投诉原因“%(name)s”已停用，请选择其他原因。") % {"name": cause.name}
    elif cause.complaint_class != complaint_class:
        message = _("投诉原因“%(name)s”属于“%(its)s”，不属于“%(class)s”，请选择该分类下的原因。") % {
            "name": cause.name,
            "its": ComplaintClass(cause.complaint_class).label,
            "class": ComplaintClass(complaint_class).label if complaint_class in ComplaintClass.values else "—",
        }
    else:
        return cause
    raise InvalidInput(message, errors={FIELD: message})


def cause_needed(complaint_class: str) -> bool:
    """Whether closing a complaint of ``complaint_class`` asks for a cause: whenever the class
    offers one (a class whose causes are all deactivated cannot block closing)."""
    return ComplaintCause.objects.filter(complaint_class=complaint_class, active=True).exists()


def cause_get(*, cause_id: int) -> ComplaintCause:
    cause = ComplaintCause.objects.filter(pk=cause_id).first() if 0 < cause_id < 2**63 else None
    if cause is None:
        raise NotFound(_("没有这个投诉原因。"))
    return cause


def _name_taken(complaint_class: str, name: str, own_pk: int | None) -> bool:
    others = ComplaintCause.objects.filter(complaint_class=complaint_class, name=name)
    return (others.exclude(pk=own_pk) if own_pk is not None else others).exists()


def _checked(*, complaint_class: str, name: str, position: int | None, own_pk: int | None = None) -> tuple[str, int]:
    """The cleaned name and position, or ``InvalidInput`` with one message per bad field."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if complaint_class not in ComplaintClass.values:
        errors["complaint_class"] = _("请选择投诉分类。")
    if not name:
        errors["name"] = _("请填写投诉原因的名称。")
    elif len(name) > NAME_MAX:
        errors["name"] = _("名称最多%(n)d个字。") % {"n": NAME_MAX}
    elif "\x00" in name:
        errors["name"] = _("名称含有无效字符。")
    elif _name_taken(complaint_class, name, own_pk):
        errors["name"] = _("该分类下已有“%(name)s”。") % {"name": name}
    if position is not None and not 0 <= position <= POSITION_MAX:
        errors["position"] = _("排序应为 0 到 %(n)d 的整数。") % {"n": POSITION_MAX}
    if errors:
        raise InvalidInput(_("投诉原因有误。"), errors=errors)
    if position is None:
        last = ComplaintCause.objects.filter(complaint_class=complaint_class).aggregate(m=Max("position"))["m"]
        position = min((last or 0) + 10, POSITION_MAX)
    return name, position


def _new_code(complaint_class: str) -> str:
    """A code nobody has: the class and the first free number (``service_6``)."""
    taken = set(ComplaintCause.objects.filter(code__startswith=f"{complaint_class}_").values_list("code", flat=True))
    n = 1
    while f"{complaint_class}_{n}" in taken:
        n += 1
    return f"{complaint_class}_{n}"


def cause_create(
    *, scope: Scope, actor: Actor, complaint_class: str, name: str, position: int | None = None
) -> ComplaintCause:
    """A new cause of ``complaint_class``, offered at once (last in its class unless placed)."""
    require(scope, Capability.COMPLAINT_CAUSE_EDIT)
    name, position = _checked(complaint_class=complaint_class, name=name, position=position)
    try:
        with transaction.atomic():
            cause = ComplaintCause.objects.create(
                code=_new_code(complaint_class), name=name, complaint_class=complaint_class, position=position
            )
            cause_event(cause=cause, type=CauseEvent.Type.CREATED, actor=actor, name=name, code=cause.code)
    except IntegrityError:  # the same name added at the same moment by another administrator
        message = _("该分类下已有“%(name)s”。") % {"name": name}
        raise InvalidInput(message, errors={"name": message}) from None
    return cause


def cause_update(*, scope: Scope, actor: Actor, cause: ComplaintCause, name: str, position: int) -> ComplaintCause:
    """Rename or move a cause; orders keep it (they show the new name)."""
    require(scope, Capability.COMPLAINT_CAUSE_EDIT)
    name, position = _checked(complaint_class=cause.complaint_class, name=name, position=position, own_pk=cause.pk)
    if (name, position) == (cause.name, cause.position):
        return cause
    old = cause.name
    try:
        with transaction.atomic():
            ComplaintCause.objects.filter(pk=cause.pk).update(name=name, position=position)
            cause_event(cause=cause, type=CauseEvent.Type.CHANGED, actor=actor, old=old, name=name, position=position)
    except IntegrityError:
        message = _("该分类下已有“%(name)s”。") % {"name": name}
        raise InvalidInput(message, errors={"name": message}) from None
    cause.name, cause.position = name, position
    return cause


def cause_set_active(*, scope: Scope, actor: Actor, cause: ComplaintCause, active: bool) -> ComplaintCause:
    """Stop offering a cause (its orders keep it and are still counted), or offer it again."""
    require(scope, Capability.COMPLAINT_CAUSE_EDIT)
    if cause.active == active:
        return cause
    with transaction.atomic():
        ComplaintCause.objects.filter(pk=cause.pk).update(active=active)
        kind = CauseEvent.Type.ACTIVATED if active else CauseEvent.Type.DEACTIVATED
        cause_event(cause=cause, type=kind, actor=actor, name=cause.name)
    cause.active = active
    return cause


def cause_delete(*, scope: Scope, actor: Actor, cause: ComplaintCause) -> None:
    """Delete a cause no order was ever put down to (a slip when adding); a used one is refused
    (409) and stays: deactivate it instead."""
    require(scope, Capability.COMPLAINT_CAUSE_EDIT)
    try:
        with transaction.atomic():
            if cause.orders.exists():
                raise ProtectedError("used", set())
            cause_event(
                cause=None,
                type=CauseEvent.Type.DELETED,
                actor=actor,
                name=cause.name,
                code=cause.code,
                complaint_class=cause.complaint_class,
            )
            ComplaintCause.objects.filter(pk=cause.pk).delete()
    except ProtectedError:  # used, or put to an order at this very moment
        raise Conflict(
            _("已有 %(n)d 张工单使用投诉原因“%(name)s”，不能删除；如不再使用，请停用。")
            % {"n": cause.orders.count(), "name": cause.name}
        ) from None
