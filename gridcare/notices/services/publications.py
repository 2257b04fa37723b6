"""Public notices and service publicity (SELF-3): written and published by the posts that keep
the customer-facing wording (``TEMPLATE_EDIT``), for every customer, a company's or one supply
unit's; shown in the portal from their publication time until withdrawn.

Each write is one transaction with its history row; the status moves only through
``PUBLICATION_TRANSITIONS`` (draft → published → withdrawn)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.core import timezone as tz
from gridcare.core.events import actor_user
from gridcare.core.exceptions import InvalidInput
from gridcare.notices.events import publication_event
from gridcare.notices.exceptions import InvalidTransition
from gridcare.notices.models import (
    PUBLICATION_TRANSITIONS,
    Publication,
    PublicationArea,
    PublicationEvent,
    PublicationKind,
    PublicationStatus,
)
from gridcare.org.access import Capability, Level, Path, Reach, Scope, require
from gridcare.org.models import SupplyUnit

TITLE_MAX = 100
BODY_MAX = 5000
SCHEDULE_DAYS = 90  # a publication may be set to appear up to this far ahead


@dataclass(frozen=True)
class PublicationData:
    title: str
    body: str
    kind: str
    area: str
    unit: str = ""  # the supply unit's code, for area "unit"


def _place(scope: Scope, data: PublicationData, errors: dict[str, str]) -> tuple[int | None, int | None]:
    """(company id, unit id) of the area, if the caller may publish there."""
    level = scope.level(Reach.UNIT)
    if data.area == PublicationArea.ALL:
        if level != Level.ALL:
            errors["area"] = _("只有系统管理员可以发布到全部地区。")
        return None, None
    if data.area == PublicationArea.COMPANY:
        if level not in (Level.ALL, Level.COMPANY) or scope.company_id is None:
            errors["area"] = _("您只能发布到本单位。")
        return scope.company_id, None
    if data.area != PublicationArea.UNIT:
        errors["area"] = _("请选择发布范围。")
        return None, None
    unit = SupplyUnit.objects.filter(scope.filter(Reach.UNIT, Path.unit_of("")), code=data.unit).first()
    if unit is None:
        errors["unit"] = _("请选择您管辖范围内的供电单位。")
        return None, None
    return unit.company_id, unit.pk


def _clean(scope: Scope, data: PublicationData) -> dict[str, object]:
    errors: dict[str, str] = {}
    title, body = (data.title or "").strip(), (data.body or "").strip()
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("标题最多%(n)s个字。") % {"n": TITLE_MAX}
    if not body:
        errors["body"] = _("请填写正文。")
    elif len(body) > BODY_MAX:
        errors["body"] = _("正文最多%(n)s个字。") % {"n": BODY_MAX}
    if data.kind not in PublicationKind.values:
        errors["kind"] = _("请选择类别。")
    company_id, unit_id = _place(scope, data, errors)
    if errors:
        raise InvalidInput(_("公告内容有误。"), errors=errors)
    return {
        "title": title,
        "body": body,
        "kind": data.kind,
        "area": data.area,
        "company_id": company_id,
        "unit_id": unit_id,
    }


def publication_create(*, scope: Scope, actor: User | AnonymousUser, data: PublicationData) -> Publication:
    """A new draft; customers see nothing of it until it is published."""
    require(scope, Capability.TEMPLATE_EDIT)
    fields = _clean(scope, data)
    author = actor_user(actor)
    assert author is not None, "a publication is written by a signed-in staff member"
    with transaction.atomic():
        made = Publication.objects.create(**fields, author=author)
        publication_event(publication=made, type=PublicationEvent.Type.CREATED, actor=actor)
    return made


def publication_edit(
    *, scope: Scope, actor: User | AnonymousUser, publication: Publication, data: PublicationData
) -> Publication:
    """Correct a draft or a published text (a withdrawn one stays as it was withdrawn)."""
    require(scope, Capability.TEMPLATE_EDIT)
    fields = _clean(scope, data)
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if locked.status == PublicationStatus.WITHDRAWN:
            raise InvalidTransition(_("公告已撤回，不能再修改；请另写一篇。"))
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, fields[name])
        locked.save(update_fields=[*changed, "updated_at"])
        publication_event(publication=locked, type=PublicationEvent.Type.EDITED, actor=actor)
    return locked


def publication_transition(
    *,
    scope: Scope,
    actor: User | AnonymousUser,
    publication: Publication,
    to: PublicationStatus,
    at: datetime | None = None,
    now: datetime | None = None,
) -> Publication:
    """Publish (from ``at``, default now, at most ``SCHEDULE_DAYS`` ahead) or withdraw; any
    other move is refused before anything is written."""
    require(scope, Capability.TEMPLATE_EDIT)
    moment = now or tz.now()
    if to == PublicationStatus.PUBLISHED and at is not None:
        if at < moment - timedelta(minutes=5):
            raise InvalidInput(_("发布时间不能早于现在。"), errors={"published_at": _("发布时间不能早于现在。")})
        if at > moment + timedelta(days=SCHEDULE_DAYS):
            message = _("发布时间最多可设在%(n)s天后。") % {"n": SCHEDULE_DAYS}
            raise InvalidInput(message, errors={"published_at": message})
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if to not in PUBLICATION_TRANSITIONS[locked.status]:
            refusal = (
                _("公告当前为“%(status)s”，不能发布。")
                if to == PublicationStatus.PUBLISHED
                else _("公告当前为“%(status)s”，不能撤回。")
            )
            raise InvalidTransition(refusal % {"status": locked.get_status_display()})
        locked.status = to
        if to == PublicationStatus.PUBLISHED:
            locked.published_at = max(at or moment, moment)
            locked.save(update_fields=["status", "published_at", "updated_at"])
            publication_event(
                publication=locked,
                type=PublicationEvent.Type.PUBLISHED,
                actor=actor,
                published_at=locked.published_at.isoformat(),
            )
        else:
            locked.withdrawn_at = moment
            locked.save(update_fields=["status", "withdrawn_at", "updated_at"])
            publication_event(publication=locked, type=PublicationEvent.Type.WITHDRAWN, actor=actor)
    return locked
