"""The knowledge base's test helpers: articles written by the supervisor and published by the
other supervisor (the four-eyes rule), through the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from gridcare.core.testing import City
from gridcare.knowledge import services
from gridcare.knowledge.models import Article
from gridcare.org.access import scope_for

Publish = Callable[..., Article]


@pytest.fixture
def publish(town: City) -> Publish:
    def make(
        title: str,
        body: str,
        *,
        kind: str = "faq",
        audience: str = "internal",
        tags: tuple[str, ...] = (),
        effective_from: date | None = None,
        expires_on: date | None = None,
        **more: Any,
    ) -> Article:
        editor, reviewer = town.supervisor, town.other_supervisor
        version = services.article_create(
            scope=scope_for(editor),
            actor=editor,
            classing=services.Classing(kind=kind, tags=tags),
            draft=services.Draft(
                title=title, body=body, audience=audience, effective_from=effective_from, expires_on=expires_on
            ),
        )
        services.version_submit(scope=scope_for(editor), actor=editor, version=version)
        services.version_review(scope=scope_for(reviewer), actor=reviewer, version=version, approve=True)
        return Article.objects.get(pk=version.article_id)

    return make
