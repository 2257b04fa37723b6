"""The home tile's badge: open burst alerts of unmasking for this supervisor (CUST-4)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from gridcare.customers.selectors import unmask_alerts_open
from gridcare.org.access import request_scope

register = template.Library()


@register.simple_tag(takes_context=True)
def unmask_alert_badge(context: dict[str, Any]) -> SafeString | str:
    request = context.get("request")
    if request is None:
        return ""
    count = unmask_alerts_open(scope=request_scope(request)).count()
    if not count:
        return ""
    return format_html(' <span class="badge closed" title="{}">{}</span>', _("频繁查看提醒（待处理）"), count)
