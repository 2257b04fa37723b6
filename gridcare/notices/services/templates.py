"""The message templates: versions saved and checked by people, rendered by the outbox writer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from gridcare.core.events import actor_user
from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.notices import rules
from gridcare.notices.conf import notice_setting
from gridcare.notices.defaults import DEFAULT_TEMPLATES
from gridcare.notices.models import Channel, NoticeTemplate
from gridcare.notices.selectors import template_allowed_variables, template_variables
from gridcare.org.access import Capability, Scope, require


def template_check(*, code: str, channel: str, text: str) -> list[str]:
    """Every reason ``text`` may not be saved as template ``code``; empty when it may.

    Run when a template is saved, so a bad variable is found by the person typing it and not
    by a sender rendering a million messages."""
    if code not in DEFAULT_TEMPLATES:
        return [_("消息模板 %(code)s 不存在。") % {"code": code}]
    if not text.strip():
        return [_("模板内容不能为空。")]
    try:
        names = rules.template_fields(text)
    except rules.TemplateProblem as exc:
        return [str(exc)]
    problems = []
    unknown = sorted(set(names) - template_allowed_variables(code))
    if unknown:
        problems.append(
            _("模板中有未知变量：%(names)s；可用变量：%(allowed)s。")
            % {"names": "、".join(unknown), "allowed": "、".join(sorted(template_allowed_variables(code)))}
        )
    elif channel == Channel.SMS:
        limit = int(notice_setting("SMS_MAX_SEGMENTS"))
        segments = rules.sms_segments("x" * rules.widest_length(text))
        if segments > limit:
            problems.append(
                _("短信最长可能占%(segments)s条（每条70字，长短信每条67字），超过上限%(limit)s条。")
                % {"segments": segments, "limit": limit}
            )
    return problems


def template_save(*, scope: Scope, actor: User | AnonymousUser, code: str, text: str, note: str = "") -> NoticeTemplate:
    """Save ``text`` as the next version of template ``code`` and make it the active one."""
    require(scope, Capability.TEMPLATE_EDIT, message=_("只有系统管理员和监察考核员可以修改消息模板。"))
    channel = Channel.SMS
    problems = template_check(code=code, channel=channel, text=text)
    if problems:
        raise InvalidInput(_("模板未保存。"), errors={"text": "；".join(problems)})
    category = DEFAULT_TEMPLATES[code][0]
    with transaction.atomic():
        latest = NoticeTemplate.objects.select_for_update().filter(code=code).aggregate(v=Max("version"))["v"] or 0
        NoticeTemplate.objects.filter(code=code, active=True).update(active=False)
        return NoticeTemplate.objects.create(
            code=code,
            version=latest + 1,
            channel=channel,
            category=category,
            text=text,
            note=note,
            active=True,
            created_by=actor_user(actor),
        )


def template_activate(*, scope: Scope, code: str, version: int) -> NoticeTemplate:
    """Go back (or forward) to a saved version of template ``code``; version 0 is the built-in."""
    require(scope, Capability.TEMPLATE_EDIT, message=_("只有系统管理员和监察考核员可以修改消息模板。"))
    with transaction.atomic():
        target = NoticeTemplate.objects.select_for_update().filter(code=code, version=version).first()
        if target is None and version != 0:
            raise NotFound(_("模板版本不存在。"))
        NoticeTemplate.objects.filter(code=code, active=True).update(active=False)
        if target is None:
            return NoticeTemplate(
                code=code, version=0, text=DEFAULT_TEMPLATES[code][1], category=DEFAULT_TEMPLATES[code][0]
            )
        target.active = True
        target.save(update_fields=["active"])
        return target


def render(text: str, variables: dict[str, Any]) -> str:
    missing = template_variables(text) - variables.keys()
    if missing:
        raise InvalidInput(_("消息缺少变量：%(names)s。") % {"names": "、".join(sorted(missing))})
    return text.format(**{k: str(v) for k, v in variables.items()})
