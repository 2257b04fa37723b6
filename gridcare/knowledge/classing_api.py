"""Filing the knowledge base through the API (SELF-1): an article's kind, category, tags and
public/internal under /api/v1/knowledge/articles/{id}/classing, and the categories under
/api/v1/knowledge/categories (create, rename, move, reorder, retire when empty). KNOWLEDGE_VIEW
reads the categories, KNOWLEDGE_EDIT changes them; making an article public also needs
KNOWLEDGE_REVIEW. Routes of the knowledge router (gridcare.knowledge.api)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Schema

from gridcare.knowledge import category_services as categories
from gridcare.knowledge import selectors, services
from gridcare.knowledge.access import article_get_for_scope, category_get_for_scope
from gridcare.knowledge.api import KnowledgeArticleOut, article_out, router
from gridcare.knowledge.exceptions import ArticleRefused
from gridcare.knowledge.models import Audience, Category, Kind
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, scoped_get


class KnowledgeClassingIn(Schema):
    kind: Kind
    category: int | None = None  # None: not filed under any category
    tags: list[str] = []
    audience: Audience | None = None  # None: as it is


@router.put("/articles/{article_id}/classing", response={200: KnowledgeArticleOut, **ERRORS})
def knowledge_article_classing(request: HttpRequest, article_id: int, payload: KnowledgeClassingIn) -> dict[str, Any]:
    """File the article anew (its text is a new version); the search follows at once. Sending
    the same classing again changes nothing."""
    require(scope_for(request.user), Capability.KNOWLEDGE_EDIT)
    scope, article = scoped_get(request, article_get_for_scope, article_id=article_id)
    classing = services.Classing(kind=payload.kind.value, category_id=payload.category, tags=payload.tags[:50])
    audience = payload.audience.value if payload.audience else None
    done = services.article_reclass(
        scope=scope, actor=request.user, article=article, classing=classing, audience=audience
    )
    return article_out(article_get_for_scope(scope=scope, article_id=done.pk))


class KnowledgeCategoryOut(Schema):
    id: int
    name: str
    position: int  # 1 = first among the live categories; 0: retired
    articles: int
    retired_at: datetime | None


def _category(c: Category, position: int) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "position": 0 if c.retired_at else position,
        "articles": getattr(c, "articles_count", 0),
        "retired_at": c.retired_at,
    }


def _listed(company_id: int, retired: bool = False) -> list[dict[str, Any]]:
    rows = list(selectors.category_list(company_id=company_id, retired=retired))
    return [_category(c, i) for i, c in enumerate(rows, start=1)]


def _company(request: HttpRequest) -> int:
    scope = require(scope_for(request.user), Capability.KNOWLEDGE_VIEW)
    if scope.company_id is None:
        raise ArticleRefused(_("您不属于任何供电公司。"))
    return scope.company_id


@router.get("/categories", response={200: list[KnowledgeCategoryOut], **ERRORS})
def knowledge_categories(request: HttpRequest, retired: bool = False) -> list[dict[str, Any]]:
    """The company's categories in their order (``retired``: the retired ones too, last)."""
    return _listed(_company(request), retired)


class KnowledgeCategoryIn(Schema):
    name: str


@router.post("/categories", response={201: KnowledgeCategoryOut, **ERRORS})
def knowledge_category_create(request: HttpRequest, payload: KnowledgeCategoryIn) -> tuple[int, dict[str, Any]]:
    scope = scope_for(request.user)
    made = categories.category_create(scope=scope, actor=request.user, name=payload.name)
    found = next(c for c in _listed(made.company_id) if c["id"] == made.pk)
    return 201, found


class KnowledgeCategoryOrderIn(Schema):
    ids: list[int]


@router.put("/categories/order", response={200: list[KnowledgeCategoryOut], **ERRORS})
def knowledge_category_order(request: HttpRequest, payload: KnowledgeCategoryOrderIn) -> list[dict[str, Any]]:
    """Every live category's id, in the order wanted."""
    scope = scope_for(request.user)
    categories.category_reorder(scope=scope, actor=request.user, ids=payload.ids[:1000])
    return _listed(_company(request))


class KnowledgeCategoryChangeIn(Schema):
    name: str | None = None
    position: int | None = None  # 1 = first


@router.patch("/categories/{category_id}", response={200: KnowledgeCategoryOut, **ERRORS})
def knowledge_category_change(
    request: HttpRequest, category_id: int, payload: KnowledgeCategoryChangeIn
) -> dict[str, Any]:
    """Rename and/or move a live category."""
    require(scope_for(request.user), Capability.KNOWLEDGE_EDIT)
    scope, category = scoped_get(request, category_get_for_scope, category_id=category_id)
    if payload.name is not None:
        category = categories.category_rename(scope=scope, actor=request.user, category=category, name=payload.name)
    if payload.position is not None:
        categories.category_move(scope=scope, actor=request.user, category=category, position=payload.position)
    return next(c for c in _listed(category.company_id, True) if c["id"] == category.pk)


@router.post("/categories/{category_id}/retire", response={200: KnowledgeCategoryOut, **ERRORS})
def knowledge_category_retire(request: HttpRequest, category_id: int) -> dict[str, Any]:
    """Retire an empty category (409 while articles are filed under it). Retiring a retired one
    again answers it as it is."""
    require(scope_for(request.user), Capability.KNOWLEDGE_EDIT)
    scope, category = scoped_get(request, category_get_for_scope, category_id=category_id)
    if category.retired_at is None:
        categories.category_retire(scope=scope, actor=request.user, category=category)
    return next(c for c in _listed(category.company_id, True) if c["id"] == category.pk)
