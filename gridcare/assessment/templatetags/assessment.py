"""Figures as the assessment pages show them: minutes with one decimal, shares as percents; and
whether the page's scope may open a page (the assessment navigation's links)."""

from __future__ import annotations

from django import template

from gridcare.org.access import Capability, Scope, can

register = template.Library()


@register.filter
def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def may(scope: Scope | None, capability: str) -> bool:
    """Whether the page's ``scope`` (the navigation's context) has ``capability`` (its value,
    as in gridcare.org.access.Capability): ``{% if scope|may:"assess_reports" %}``."""
    if scope is None:
        return False
    try:
        wanted = Capability(capability)
    except ValueError:
        return False
    return can(scope, wanted)
