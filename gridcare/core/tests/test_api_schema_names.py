"""Every schema of the API has its own name: django-ninja names a component of the OpenAPI
document after its class, so two apps' ``AccountOut`` become one, and the document (and the
schema probe, and every client generated from it) describe one endpoint with the other's body."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import config.api  # noqa: F401 (every router, and so every schema, is imported)


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_subclasses(sub))
    return found


def test_no_two_schemas_share_a_name() -> None:
    modules: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("gridcare."):
            modules[schema.__name__].add(schema.__module__)
    assert {name: sorted(m) for name, m in modules.items() if len(m) > 1} == {}
