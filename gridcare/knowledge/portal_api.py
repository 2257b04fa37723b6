"""The customer portal's help under /api/v1/portal/help/ (SELF-1 for customers): the public
articles in force of the customer's own supply company (their bound accounts';
gridcare.knowledge.portal_reach), searched, read and rated with the customer's own credential
(the portal's ``gcp_`` token or session, never a staff one). Internal articles and other
companies' are never found here."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from gridcare.knowledge import selectors, services
from gridcare.knowledge.api import KnowledgeSearchOut, hit_out
from gridcare.knowledge.models import Article, Channel
from gridcare.knowledge.portal_reach import help_companies
from gridcare.portal.access import CUSTOMER, request_customer
from gridcare.portal.api import CUSTOMER_ERRORS

router = Router(tags=["portal"], auth=CUSTOMER)


@router.get("/portal/help/search", response={200: KnowledgeSearchOut, **CUSTOMER_ERRORS})
def portal_help_search(request: HttpRequest, q: str) -> dict[str, Any]:
    """The customer's company's public articles in force that match ``q`` (1 to 100
    characters), best first."""
    found = services.search_and_log(
        query=q,
        channel=Channel.PORTAL,
        actor=None,
        company_id=help_companies(request_customer(request)),
        internal=False,
        on=timezone.localdate(),
        limit=20,
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
    helpful: int
    unhelpful: int
    mine: bool | None  # what this customer said (None: not rated yet)


def _article(request: HttpRequest, article_id: int) -> Article:
    companies = help_companies(request_customer(request))
    return selectors.public_article(article_id=article_id, on=timezone.localdate(), companies=companies)


@router.get("/portal/help/articles/{article_id}", response={200: PortalHelpArticleOut, **CUSTOMER_ERRORS})
def portal_help_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    article = _article(request, article_id)
    services.article_opened(article=article)
    version = article.published_version
    assert version is not None  # public_article finds published ones only
    counts = selectors.feedback_counts(article)
    return {
        "id": article.pk,
        "title": article.title,
        "kind": article.kind,
        "category": article.category.name if article.category else "",
        "body": version.body,
        "effective_from": article.effective_from,
        "expires_on": article.expires_on,
        "helpful": counts.helpful,
        "unhelpful": counts.unhelpful,
        "mine": selectors.my_feedback(article, customer_id=request_customer(request).pk),
    }


class PortalHelpFeedbackIn(Schema):
    helpful: bool


class PortalHelpFeedbackOut(Schema):
    recorded: bool  # False: this customer had already rated the article (the first answer stays)
    mine: bool
    helpful: int
    unhelpful: int


@router.post("/portal/help/articles/{article_id}/feedback", response={200: PortalHelpFeedbackOut, **CUSTOMER_ERRORS})
def portal_help_feedback(request: HttpRequest, article_id: int, payload: PortalHelpFeedbackIn) -> dict[str, Any]:
    """有帮助 or 没帮助, once per customer and article: sending it again changes nothing."""
    customer = request_customer(request)
    article = _article(request, article_id)
    recorded = services.feedback_give(article=article, helpful=payload.helpful, customer_id=customer.pk)
    counts = selectors.feedback_counts(article)
    mine = selectors.my_feedback(article, customer_id=customer.pk)
    return {"recorded": recorded, "mine": bool(mine), "helpful": counts.helpful, "unhelpful": counts.unhelpful}
