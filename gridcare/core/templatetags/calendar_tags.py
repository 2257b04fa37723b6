"""``{% calendar_warning %}``: the home page's notice that a year of the working-day calendar is
missing (administrators and supervisors; this year, or next year from 1 October)."""

from __future__ import annotations

from typing import Any

from django import template

from gridcare.core.selectors import calendar_missing_year
from gridcare.core.timezone import business_date
from gridcare.org.access import request_scope

register = template.Library()


@register.inclusion_tag("core/_calendar_warning.html", takes_context=True)
def calendar_warning(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    if request is None:
        return {"missing": None}
    return {"missing": calendar_missing_year(scope=request_scope(request), today=business_date())}
