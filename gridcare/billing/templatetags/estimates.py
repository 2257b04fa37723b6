"""{% load estimates %}: a bill's 估 mark and its 换表电量 on the bill pages and the portal."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from gridcare.billing.estimate_selectors import reading_notes
from gridcare.billing.models import Bill

register = template.Library()


@register.filter
def estimated_mark(bill: Bill) -> str:
    """ "（估）" after the kWh of a bill computed from an estimated reading, else nothing."""
    return _("（估）") if reading_notes(bill).estimated else ""


@register.filter
def reading_lines(bill: Bill) -> list[tuple[str, str]]:
    """The bill's estimate, true-up and meter-exchange lines (label, text)."""
    return reading_notes(bill).lines
