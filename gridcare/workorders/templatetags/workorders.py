"""Template filters of the work-order pages."""

from __future__ import annotations

from django import template

from gridcare.customers.rules import mask_phone as _mask_phone

register = template.Library()


@register.filter
def mask_phone(phone: str | None) -> str:
    """A phone as every list shows it: 138****5678."""
    return _mask_phone(phone)
