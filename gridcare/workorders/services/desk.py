"""The 95598 desk (issue 18): internal notes and public replies, attachments, urging (催办) and
merging duplicates. Each validates first (one Chinese message per bad field), then writes the
change, its event row and any message in one transaction."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Forbidden, InvalidInput, NotFound
from gridcare.core.timezone import now
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.org.access import Capability, Scope, require
from gridcare.workorders import rules
from gridcare.workorders.access import order_get_for_scope
from gridcare.workorders.events import order_event
from gridcare.workorders.exceptions import WorkOrderError
from gridcare.workorders.models import (
    OPEN_STATUSES,
    Attachment,
    Deadline,
    InboxItem,
    InboxReason,
    OrderEvent,
    Status,
    WorkOrder,
)
from gridcare.workorders.services.flow import _apply, _locked, _refresh, require_owner
from gridcare.workorders.services.inbox import inbox_add, staff_alert

TEXT_MAX = 2000
NAME_MAX = 120


def _staff_only(scope: Scope) -> None:
    if not scope.is_staff:
        raise Forbidden(_("只有员工可以办理工单。"))


def _text(text: str, field: str = "text") -> str:
    clean = (text or "").strip()
    if not clean:
        raise InvalidInput(_("请填写内容。"), errors={field: _("必填项。")})
    if len(clean) > TEXT_MAX or "\x00" in clean:
        message = _("最多%(n)d个字。") % {"n": TEXT_MAX}
        raise InvalidInput(message, errors={field: message})
    return clean


def _not_merged(order: WorkOrder) -> None:
    if order.status == Status.MERGED:
        number = order.merged_into.number if order.merged_into else ""
        raise WorkOrderError(_("工单已合并至 %(no)s，请在该工单上办理。") % {"no": number})


# -- notes and replies -------------------------------------------------------------------------------


def workorder_note(*, scope: Scope, actor: User | AnonymousUser, order: WorkOrder, text: str) -> OrderEvent:
    """An internal note: for staff only, never shown to the customer (portal, app, messages)."""
    _staff_only(scope)
    clean = _text(text)
    at = now()
    with transaction.atomic():
        fresh = _locked(order)
        _not_merged(fresh)
        return order_event(order=fresh, type=OrderEvent.Type.NOTE, actor=actor, at=at, text=clean)


def workorder_reply_public(*, scope: Scope, actor: User | AnonymousUser, order: WorkOrder, text: str) -> OrderEvent:
    """A public reply to the customer, by the first-ask owner (WO-2): shown in the portal and the
    app, and the customer is told by the order's message (work_order_update) that there is one."""
    _staff_only(scope)
    clean = _text(text)
    at = now()
    with transaction.atomic():
        fresh = _locked(order)
        _not_merged(fresh)
        require_owner(scope, fresh)
        event = order_event(order=fresh, type=OrderEvent.Type.PUBLIC_REPLY, actor=actor, at=at, text=clean)
        if fresh.phone:
            notice_enqueue(
                template_code="work_order_update",
                variables={"number": fresh.number, "status": _("有新的答复，请登录网上营业厅查看")},
                recipient=fresh.phone,
                account_id=fresh.account_id,
                dedupe_key=f"wo:{fresh.pk}:reply:{event.pk}",
            )
    return event


# -- attachments -------------------------------------------------------------------------------------


def _attachment_settings() -> tuple[int, set[str], int]:
    kinds = str(settings.GRIDCARE_WORKORDERS["ATTACHMENT_TYPES"])
    allowed = {k.strip().lower() for k in kinds.split(",") if k.strip()}
    max_bytes, per_order = rules.setting("ATTACHMENT_MAX_BYTES"), rules.setting("ATTACHMENTS_PER_ORDER")
    return max_bytes, allowed & set(rules.ATTACHMENT_KINDS), per_order


def attachment_max_bytes() -> int:
    return _attachment_settings()[0]


def _clean_name(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip().replace("\x00", "")
    if len(base) > NAME_MAX:
        stem, ext = os.path.splitext(base)
        base = stem[: NAME_MAX - len(ext)] + ext
    return base


def attachment_add(
    *, scope: Scope, actor: User | AnonymousUser, order: WorkOrder, name: str, content: bytes
) -> Attachment:
    """Store a file on the order in the default storage under a random name, with its kind read
    from its content. A refused file (too large, of a kind not allowed, its name not matching its
    content) leaves nothing behind: no row, no file, no event."""
    _staff_only(scope)
    max_bytes, allowed, per_order = _attachment_settings()
    clean = _clean_name(name)
    kind, problem = rules.attachment_problem(name=clean, content=content, max_bytes=max_bytes, allowed=allowed)
    if not clean:
        problem = _("请选择文件。")
    if problem:
        raise InvalidInput(problem, errors={"file": problem})
    at = now()
    stored = ""
    try:
        with transaction.atomic():
            fresh = _locked(order)
            _not_merged(fresh)
            if Attachment.objects.filter(order=fresh).count() >= per_order:
                message = _("每张工单最多 %(n)d 个附件。") % {"n": per_order}
                raise InvalidInput(message, errors={"file": message})
            attachment = Attachment(
                order=fresh,
                name=clean,
                kind=kind,
                content_type=rules.ATTACHMENT_KINDS[kind][0],
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=actor if isinstance(actor, User) else None,
                created_at=at,
            )
            attachment.file.save(clean, ContentFile(content), save=False)
            stored = attachment.file.name or ""
            attachment.save()
            order_event(
                order=fresh,
                type=OrderEvent.Type.ATTACHED,
                actor=actor,
                at=at,
                name=clean,
                size_kb=max(1, round(len(content) / 1024)),
                attachment=attachment.pk,
            )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return attachment


# -- urging ------------------------------------------------------------------------------------------


def urged_original(*, scope: Scope, number: str) -> WorkOrder:
    """The order an urging names: one the caller sees, still open (422 on ``urges`` otherwise)."""
    try:
        original = order_get_for_scope(scope=scope, number=number)
    except NotFound as exc:
        raise InvalidInput(str(exc.message), errors={"urges": str(exc.message)}) from exc
    if original.status not in OPEN_STATUSES:
        message = _("工单 %(no)s 已%(status)s，不能催办；如需处理请重新处理或新建工单。") % {
            "no": original.number,
            "status": Status(original.status).label,
        }
        raise InvalidInput(message, errors={"urges": message})
    return original


def urge_link(*, urging: WorkOrder, original: WorkOrder, actor: User | AnonymousUser, at: datetime) -> None:
    """Inside the intake of ``urging``: it names ``original``, which counts one urging more, says
    so in its history and waits in its owner's inbox (and the owner is told by the staff app)."""
    fresh = _locked(original)
    WorkOrder.objects.filter(pk=fresh.pk).update(urge_count=F("urge_count") + 1)
    urging.urges = fresh
    urging.save(update_fields=["urges"])
    order_event(
        order=fresh, type=OrderEvent.Type.URGED, actor=actor, at=at, urging=urging.number, count=fresh.urge_count + 1
    )
    inbox_add(staff=fresh.owner, order=fresh, reason=InboxReason.URGED, at=at, note=urging.text[:200])
    staff_alert(staff=fresh.owner, order=fresh, what=_("被客户催办"), key=f"urged:{urging.pk}")


# -- merging duplicates ------------------------------------------------------------------------------


def _duplicate(scope: Scope, keep: WorkOrder, number: str) -> WorkOrder:
    number = (number or "").strip()
    if not number:
        raise InvalidInput(_("请填写重复工单的编号。"), errors={"duplicate": _("必填项。")})
    if number == keep.number:
        message = _("不能把工单并入它自己。")
        raise InvalidInput(message, errors={"duplicate": message})
    try:
        return order_get_for_scope(scope=scope, number=number[:30])
    except NotFound as exc:
        raise InvalidInput(str(exc.message), errors={"duplicate": str(exc.message)}) from exc


def merge_preview(*, scope: Scope, keep: WorkOrder, duplicate_number: str) -> str:
    """What a merge will do, in a sentence, after the service's own checks (writes nothing)."""
    require(scope, Capability.ORDER_MERGE)
    duplicate = _duplicate(scope, keep, duplicate_number)
    _mergeable(keep, duplicate)
    return _("将工单 %(dup)s 并入 %(keep)s：%(dup)s 关闭为“已合并”，其处理记录和附件在 %(keep)s 中查看。") % {
        "dup": duplicate.number,
        "keep": keep.number,
    }


def _mergeable(keep: WorkOrder, duplicate: WorkOrder) -> None:
    for order in (keep, duplicate):
        _not_merged(order)
        if order.status not in OPEN_STATUSES:
            raise WorkOrderError(
                _("工单 %(no)s 已%(status)s，不能合并。") % {"no": order.number, "status": Status(order.status).label}
            )
    if duplicate.paused_at is not None:
        raise WorkOrderError(_("工单 %(no)s 正在等待客户，请先恢复处理。") % {"no": duplicate.number})


def workorder_merge(
    *, scope: Scope, actor: User | AnonymousUser, keep: WorkOrder, duplicate_number: str, reason: str = ""
) -> WorkOrder:
    """Merge a duplicate into ``keep``: the duplicate is closed as merged (its open deadlines carried
    by the kept order), its urgings counted on the kept one, and both histories say so; the kept
    order's page shows the duplicate's history and attachments. Refused when either is closed,
    merged, or the duplicate waits for the customer."""
    require(scope, Capability.ORDER_MERGE)
    duplicate = _duplicate(scope, keep, duplicate_number)
    note = (reason or "").strip()[:200]
    at = now()
    with transaction.atomic():
        first, second = sorted((keep, duplicate), key=lambda o: o.pk)
        locked = {o.pk: _locked(o) for o in (first, second)}
        kept, dup = locked[keep.pk], locked[duplicate.pk]
        _mergeable(kept, dup)
        _apply(scope=scope, actor=actor, order=dup, to=Status.MERGED, at=at, note=note)
        dup.merged_into = kept
        dup.save(update_fields=["merged_into"])
        WorkOrder.objects.filter(merged_into=dup).update(merged_into=kept)
        WorkOrder.objects.filter(pk=kept.pk).update(urge_count=F("urge_count") + dup.urge_count)
        Deadline.objects.filter(order=dup, met_at__isnull=True).update(met_at=at)
        InboxItem.objects.filter(order=dup, done_at__isnull=True).update(done_at=at)
        order_event(order=dup, type=OrderEvent.Type.MERGED_INTO, actor=actor, at=at, into=kept.number, reason=note)
        order_event(order=kept, type=OrderEvent.Type.ABSORBED, actor=actor, at=at, duplicate=dup.number, reason=note)
    kept.refresh_from_db()
    return _refresh(keep, kept)
