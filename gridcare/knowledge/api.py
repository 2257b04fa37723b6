"""The knowledge base's API under /api/v1/knowledge/ (SELF-1): search (staff see internal and
public articles), articles, versions with their review steps and diff, feedback, the figures.
KNOWLEDGE_VIEW reads, KNOWLEDGE_EDIT writes drafts, KNOWLEDGE_REVIEW publishes or rejects
another person's version; an article outside the caller's company is 404 like a missing one."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from gridcare.core.paging import api_page
from gridcare.knowledge import selectors, services
from gridcare.knowledge.access import article_get_for_scope, version_get_for_scope
from gridcare.knowledge.exceptions import ArticleRefused
from gridcare.knowledge.models import Article, ArticleVersion, Audience, Channel, Kind
from gridcare.knowledge.search import Result
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, scoped_get

router = Router(tags=["knowledge"])


class KnowledgeHitOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    snippet: str  # HTML: the text escaped, the query's words in <mark>
    category: str
    audience: str
    effective_from: date | None
    expires_on: date | None
    score: float


class KnowledgeSearchOut(Schema):
    count: int
    items: list[KnowledgeHitOut]


def hit_out(r: Result) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "kind": r.kind,
        "kind_label": r.kind_label,
        "snippet": str(r.snippet),
        "category": r.category,
        "audience": r.audience,
        "effective_from": r.effective_from,
        "expires_on": r.expires_on,
        "score": r.score,
    }


@router.get("/search", response={200: KnowledgeSearchOut, **ERRORS})
def knowledge_search(
    request: HttpRequest, q: str, kind: Kind | None = None, category: int | None = None, limit: int = 20
) -> dict[str, Any]:
    """The company's published articles in force that match ``q`` (1 to 100 characters), best
    first; a search that finds nothing is logged for the editors."""
    scope = require(scope_for(request.user), Capability.KNOWLEDGE_VIEW)
    found = services.search_and_log(
        query=q,
        channel=Channel.API,
        actor=request.user,
        company_id=None if scope.everything else scope.company_id,
        internal=True,
        on=timezone.localdate(),
        kinds=[kind.value] if kind else None,
        category_id=category,
        limit=max(1, min(limit, 100)),
    )
    return {"count": found.count, "items": [hit_out(r) for r in found.items]}


class KnowledgeArticleRowOut(Schema):
    id: int
    title: str
    kind: str
    category: str
    audience: str
    effective_from: date | None
    expires_on: date | None
    published_version: int | None


class KnowledgeVersionOut(Schema):
    id: int
    number: int
    title: str
    body: str
    audience: str
    effective_from: date | None
    expires_on: date | None
    note: str
    status: str
    editor: str
    reviewer: str | None
    review_note: str
    created_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None


class KnowledgeArticleOut(KnowledgeArticleRowOut):
    tags: list[str]
    body: str | None  # the published version's text
    helpful: int
    unhelpful: int


def _row(a: Article) -> dict[str, Any]:
    return {
        "id": a.pk,
        "title": a.title,
        "kind": a.kind,
        "category": a.category.name if a.category else "",
        "audience": a.audience,
        "effective_from": a.effective_from,
        "expires_on": a.expires_on,
        "published_version": a.published_version.number if a.published_version else None,
    }


def _version(v: ArticleVersion) -> dict[str, Any]:
    return {
        "id": v.pk,
        "number": v.number,
        "title": v.title,
        "body": v.body,
        "audience": v.audience,
        "effective_from": v.effective_from,
        "expires_on": v.expires_on,
        "note": v.note,
        "status": v.status,
        "editor": v.editor.get_username(),
        "reviewer": v.reviewer.get_username() if v.reviewer else None,
        "review_note": v.review_note,
        "created_at": v.created_at,
        "submitted_at": v.submitted_at,
        "reviewed_at": v.reviewed_at,
    }


@router.get("/articles", response={200: list[KnowledgeArticleRowOut], **ERRORS})
def knowledge_articles(
    request: HttpRequest, response: HttpResponse, kind: Kind | None = None, page: int = 1, page_size: int | None = None
) -> list[Any]:
    scope = require(scope_for(request.user), Capability.KNOWLEDGE_VIEW)
    rows = selectors.article_list(scope=scope, kind=kind.value if kind else "")
    return api_page(response, rows, page=page, page_size=page_size, dress=_row)


class KnowledgeDraftIn(Schema):
    title: str
    body: str
    audience: Audience = Audience.INTERNAL
    effective_from: date | None = None
    expires_on: date | None = None
    note: str = ""

    def draft(self) -> services.Draft:
        return services.Draft(
            title=self.title,
            body=self.body,
            audience=self.audience.value,
            effective_from=self.effective_from,
            expires_on=self.expires_on,
            note=self.note,
        )


class KnowledgeArticleIn(KnowledgeDraftIn):
    kind: Kind
    category: int | None = None
    tags: list[str] = []


@router.post("/articles", response={201: KnowledgeVersionOut, **ERRORS})
def knowledge_article_create(request: HttpRequest, payload: KnowledgeArticleIn) -> tuple[int, dict[str, Any]]:
    """A new article with its first draft (published once another person approves it)."""
    scope = scope_for(request.user)
    classing = services.Classing(kind=payload.kind.value, category_id=payload.category, tags=payload.tags)
    version = services.article_create(scope=scope, actor=request.user, classing=classing, draft=payload.draft())
    return 201, _version(version)


def article_out(article: Article) -> dict[str, Any]:
    counts = selectors.feedback_counts(article)
    return {
        **_row(article),
        "tags": selectors.tags_of(article),
        "body": article.published_version.body if article.published_version else None,
        "helpful": counts.helpful,
        "unhelpful": counts.unhelpful,
    }


@router.get("/articles/{article_id}", response={200: KnowledgeArticleOut, **ERRORS})
def knowledge_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    scope, article = scoped_get(request, article_get_for_scope, article_id=article_id)
    require(scope, Capability.KNOWLEDGE_VIEW)
    services.article_opened(article=article)
    return article_out(article)


@router.get("/articles/{article_id}/versions", response={200: list[KnowledgeVersionOut], **ERRORS})
def knowledge_versions(request: HttpRequest, article_id: int) -> list[dict[str, Any]]:
    """Every version the caller may read, newest first (editors: drafts and rejected ones too)."""
    scope, article = scoped_get(request, article_get_for_scope, article_id=article_id)
    return [_version(v) for v in selectors.versions_of(scope=scope, article=article)]


@router.post("/articles/{article_id}/versions", response={201: KnowledgeVersionOut, **ERRORS})
def knowledge_version_create(
    request: HttpRequest, article_id: int, payload: KnowledgeDraftIn
) -> tuple[int, dict[str, Any]]:
    scope, article = scoped_get(request, article_get_for_scope, article_id=article_id)
    version = services.version_draft(scope=scope, actor=request.user, article=article, draft=payload.draft())
    return 201, _version(version)


class KnowledgeDiffLineOut(Schema):
    kind: str  # same, added, removed
    text: str


class KnowledgeDiffOut(Schema):
    older: int
    newer: int
    lines: list[KnowledgeDiffLineOut]


@router.get("/articles/{article_id}/diff", response={200: KnowledgeDiffOut, **ERRORS})
def knowledge_diff(
    request: HttpRequest, article_id: int, older: int | None = None, newer: int | None = None
) -> dict[str, Any]:
    """The lines changed between two versions (by number; the two latest by default)."""
    scope, article = scoped_get(request, article_get_for_scope, article_id=article_id)
    pair = selectors.version_pair(scope=scope, article=article, older=older, newer=newer)
    if pair is None:
        raise ArticleRefused(_("没有可比较的两个版本。"), errors={"older": _("请指定两个存在的版本号。")})
    old, new, lines = pair
    return {"older": old.number, "newer": new.number, "lines": [{"kind": x.kind, "text": x.text} for x in lines]}


class KnowledgeReviewIn(Schema):
    note: str = ""


@router.post("/versions/{version_id}/submit", response={200: KnowledgeVersionOut, **ERRORS})
def knowledge_version_submit(request: HttpRequest, version_id: int) -> dict[str, Any]:
    scope, version = scoped_get(request, version_get_for_scope, version_id=version_id)
    return _version(services.version_submit(scope=scope, actor=request.user, version=version))


@router.post("/versions/{version_id}/approve", response={200: KnowledgeVersionOut, **ERRORS})
def knowledge_version_approve(request: HttpRequest, version_id: int, payload: KnowledgeReviewIn) -> dict[str, Any]:
    """Publish a version in review: another person than its editor (KNOWLEDGE_REVIEW)."""
    scope, version = scoped_get(request, version_get_for_scope, version_id=version_id)
    done = services.version_review(scope=scope, actor=request.user, version=version, approve=True, note=payload.note)
    return _version(done)


@router.post("/versions/{version_id}/reject", response={200: KnowledgeVersionOut, **ERRORS})
def knowledge_version_reject(request: HttpRequest, version_id: int, payload: KnowledgeReviewIn) -> dict[str, Any]:
    scope, version = scoped_get(request, version_get_for_scope, version_id=version_id)
    done = services.version_review(scope=scope, actor=request.user, version=version, approve=False, note=payload.note)
    return _version(done)


class KnowledgeFeedbackIn(Schema):
    helpful: bool


class KnowledgeFeedbackOut(Schema):
    recorded: bool  # False: this person had already said
    helpful: int
    unhelpful: int


@router.post("/articles/{article_id}/feedback", response={200: KnowledgeFeedbackOut, **ERRORS})
def knowledge_feedback(request: HttpRequest, article_id: int, payload: KnowledgeFeedbackIn) -> dict[str, Any]:
    """Helpful or not, once per person and article."""
    scope, article = scoped_get(request, article_get_for_scope, article_id=article_id)
    require(scope, Capability.KNOWLEDGE_VIEW)
    recorded = services.feedback_give(article=article, helpful=payload.helpful, user=request.user)
    counts = selectors.feedback_counts(article)
    return {"recorded": recorded, "helpful": counts.helpful, "unhelpful": counts.unhelpful}


class KnowledgeQueryCountOut(Schema):
    query: str
    times: int


class KnowledgeFiguresOut(Schema):
    since: date
    searches: int
    no_hit: int
    no_hit_queries: list[KnowledgeQueryCountOut]
    top_queries: list[KnowledgeQueryCountOut]
    most_used: list[KnowledgeArticleRowOut]


@router.get("/figures", response={200: KnowledgeFiguresOut, **ERRORS})
def knowledge_figures(request: HttpRequest, days: int = 30) -> dict[str, Any]:
    """The searches of the last ``days`` days (1 to 366), the queries that found nothing, the most read."""
    scope = require(scope_for(request.user), Capability.KNOWLEDGE_EDIT)
    found = selectors.figures(scope=scope, days=max(1, min(days, 366)))
    return {
        "since": found.since,
        "searches": found.searches,
        "no_hit": found.no_hit,
        "no_hit_queries": [{"query": q.query, "times": q.times} for q in found.no_hit_queries],
        "top_queries": [{"query": q.query, "times": q.times} for q in found.top_queries],
        "most_used": [_row(a) for a in found.most_used],
    }


# The classing and category routes (their own module, on this router).
from gridcare.knowledge import classing_api as _classing_api  # noqa: E402,F401 - registers its routes
