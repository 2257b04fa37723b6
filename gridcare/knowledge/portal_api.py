"""The customer portal's help under /api/v1/portal/help/ (SELF-1 for customers): the public
articles in force, searched and read with the customer's own credential (the portal's ``gcp_``
token or session, never a staff one). Internal articles are never found here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from gridcare.knowledge import selectors, services
from gridcare.knowledge.api import KnowledgeSearchOut, hit_out
from gridcare.knowledge.models import Channel
from gridcare.portal.access import CUSTOMER
from gridcare.portal.api import CUSTOMER_ERRORS

router = Router(tags=["portal"], auth=CUSTOMER)


@router.get("/portal/help/search", response={200: KnowledgeSearchOut, **CUSTOMER_ERRORS})
def portal_help_search(request: HttpRequest, q: str) -> dict[str, Any]:
    """Public articles in force that match ``q`` (1 to 100 characters), best first."""
    found = services.search_and_log(
        query=q, channel=Channel.PORTAL, actor=None, company_id=None, internal=False, on=timezone.localdate(), limit=20
    )
    return {"count": found.count, "items": [hit_out(r) for r in found.items]}


class PortalHelpArticleOut(Schema):
    id: int
    title: str
    kind: str
    category: str
    body: str
    effective_from: date | None
    expires_on: date | None


@router.get("/portal/help/articles/{article_id}", response={200: PortalHelpArticleOut, **CUSTOMER_ERRORS})
def portal_help_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    article = selectors.public_article(article_id=article_id, on=timezone.localdate())
    services.article_opened(article=article)
    version = article.published_version
    assert version is not None  # public_article finds published ones only
    return {
        "id": article.pk,
        "title": article.title,
        "kind": article.kind,
        "category": article.category.name if article.category else "",
        "body": version.body,
        "effective_from": article.effective_from,
        "expires_on": article.expires_on,
    }
