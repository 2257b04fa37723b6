"""The key-account pages' own links, each shown to the posts that may open its page."""

from __future__ import annotations

from typing import Any

from django import template

from gridcare.org.access import Capability, can, request_scope

register = template.Library()


@register.inclusion_tag("keyaccounts/_nav.html", takes_context=True)
def key_nav(context: dict[str, Any], here: str = "") -> dict[str, Any]:
    scope = request_scope(context["request"])
    return {
        "here": here,
        "portfolio": can(scope, Capability.KEY_PORTFOLIO),
        "assign": can(scope, Capability.KEY_ASSIGN),
        "visits": can(scope, Capability.KEY_VISIT),
        "diagnosis": can(scope, Capability.KEY_DIAGNOSIS),
        "loads": can(scope, Capability.KEY_LOAD_IMPORT),
    }
