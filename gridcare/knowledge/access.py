"""Who reaches which articles (SELF-1): staff with KNOWLEDGE_VIEW their company's knowledge base
(the one scope filter's company reach); drafts and versions in review only KNOWLEDGE_EDIT posts.
Outside the caller's reach an article is "not found", exactly like a missing one."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.knowledge.models import Article, ArticleVersion, Category, VersionStatus
from gridcare.org.access import Capability, Path, Reach, Scope, can

COMPANY = Path(company="company_id")
PUBLIC_STATES = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)


def article_filter(scope: Scope, prefix: str = "") -> Q:
    """The articles (or rows with an article at ``prefix``, e.g. ``"article__"``) the caller reaches."""
    if not can(scope, Capability.KNOWLEDGE_VIEW):
        return Q(pk__in=[])
    path = Path(company=f"{prefix}company_id")
    q = scope.filter(Reach.COMPANY, path)
    if not can(scope, Capability.KNOWLEDGE_EDIT):
        q &= Q(**{f"{prefix}published_version__isnull": False})  # nothing to read before it is published
    return q


def version_filter(scope: Scope) -> Q:
    """The versions the caller reaches: editors every version, other readers the published ones."""
    q = article_filter(scope, "article__")
    if not can(scope, Capability.KNOWLEDGE_EDIT):
        q &= Q(status__in=PUBLIC_STATES)
    return q


def article_get_for_scope(*, scope: Scope, article_id: int) -> Article:
    article = (
        Article.objects.filter(article_filter(scope), pk=article_id)
        .select_related("category", "published_version", "company")
        .first()
    )
    if article is None:
        raise NotFound(_("未找到知识文章 %(id)s。") % {"id": article_id})
    return article


def version_get_for_scope(*, scope: Scope, version_id: int) -> ArticleVersion:
    version = (
        ArticleVersion.objects.filter(version_filter(scope), pk=version_id)
        .select_related("article", "article__published_version", "editor", "reviewer")
        .first()
    )
    if version is None:
        raise NotFound(_("未找到文章版本 %(id)s。") % {"id": version_id})
    return version


def category_get_for_scope(*, scope: Scope, category_id: int) -> Category:
    """A category of the caller's company (KNOWLEDGE_VIEW; a missing one and another company's
    are the same 404)."""
    found = None
    if can(scope, Capability.KNOWLEDGE_VIEW):
        found = Category.objects.filter(scope.filter(Reach.COMPANY, COMPANY), pk=category_id).first()
    if found is None:
        raise NotFound(_("未找到知识分类 %(id)s。") % {"id": category_id})
    return found
