"""Figures as the assessment pages show them: minutes with one decimal, shares as percents."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def minutes(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"
