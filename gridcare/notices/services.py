"""Writing messages into the outbox. Call inside the business transaction that causes them."""

from __future__ import annotations

import string
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput
from gridcare.notices.defaults import DEFAULT_TEMPLATES
from gridcare.notices.models import Channel, Notice, NoticeTemplate


def template_get(code: str) -> tuple[str, int, str]:
    """(category, version, text) of the active template ``code``."""
    row = NoticeTemplate.objects.filter(code=code, active=True).values_list("category", "version", "text").first()
    if row is not None:
        return row[0], row[1], row[2]
    if code not in DEFAULT_TEMPLATES:
        raise InvalidInput(_("消息模板 %(code)s 不存在。") % {"code": code})
    category, text = DEFAULT_TEMPLATES[code]
    return category, 0, text


def template_variables(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def render(text: str, variables: dict[str, Any]) -> str:
    missing = template_variables(text) - variables.keys()
    if missing:
        raise InvalidInput(_("消息缺少变量：%(names)s。") % {"names": "、".join(sorted(missing))})
    return text.format(**{k: str(v) for k, v in variables.items()})


def notice_enqueue(
    *,
    template_code: str,
    variables: dict[str, Any],
    recipient: str,
    account_id: int | None = None,
    channel: str = Channel.SMS,
    dedupe_key: str | None = None,
) -> Notice | None:
    """Put one message in the outbox. With a ``dedupe_key`` already used, nothing is added and
    None is returned, so a retried business action never sends twice."""
    category, version, text = template_get(template_code)
    body = render(text, variables)
    fields = {
        "channel": channel,
        "category": category,
        "recipient": recipient,
        "account_id": account_id,
        "template_code": template_code,
        "template_version": version,
        "variables": {k: str(v) for k, v in variables.items()},
        "body": body,
        "dedupe_key": dedupe_key,
    }
    if dedupe_key is None:
        return Notice.objects.create(**fields)
    try:
        with transaction.atomic():
            return Notice.objects.create(**fields)
    except IntegrityError:
        if Notice.objects.filter(dedupe_key=dedupe_key).exists():
            return None
        raise
