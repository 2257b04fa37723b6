"""The knowledge base's history rows, through the one event writer (gridcare.core.events.record)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, label_of, one_of, register
from gridcare.knowledge.models import Article, ArticleVersion, Audience, Category, CategoryEvent, Kind, KnowledgeEvent


class KnowledgeEventType(models.TextChoices):
    ARTICLE_CREATED = "article_created", _("新建文章")
    ARTICLE_CHANGED = "article_changed", _("修改文章分类")
    RECLASSED = "reclassed", _("重新归类")
    DRAFT_SAVED = "draft_saved", _("保存草稿")
    SUBMITTED = "submitted", _("提交审核")
    PUBLISHED = "published", _("审核通过并发布")
    REJECTED = "rejected", _("审核退回")


def knowledge_event(
    type: str, *, actor: Actor, article: Article, version: ArticleVersion | None = None, **parameters: Any
) -> KnowledgeEvent:
    """One history row about ``article`` (and one of its versions); the rest are parameters."""
    return record(KnowledgeEvent, type=type, actor=actor, parameters=parameters, article=article, version=version)


T = KnowledgeEventType
register(
    KnowledgeEvent,
    labels=T.choices,
    sentences={
        T.ARTICLE_CREATED: Sentence(_("%(actor)s 新建文章《%(title)s》")),
        T.ARTICLE_CHANGED: Sentence(_("%(actor)s 修改文章的类型、分类或标签")),
        T.RECLASSED: Sentence(
            _("%(actor)s 重新归类"),
            more=(
                _("，类型改为%(kind)s"),
                _("，分类改为“%(category)s”"),
                _("，改为%(uncategorised)s"),
                _("，改为%(audience)s"),
                _("，标签改为：%(tags)s"),
            ),
        ),
        T.DRAFT_SAVED: Sentence(_("%(actor)s 保存第 %(number)s 版草稿"), more=(_("：%(note)s"),)),
        T.SUBMITTED: Sentence(_("%(actor)s 将第 %(number)s 版提交审核")),
        T.PUBLISHED: Sentence(_("%(actor)s 审核通过第 %(number)s 版并发布"), more=(_("，意见：%(note)s"),)),
        T.REJECTED: Sentence(_("%(actor)s 退回第 %(number)s 版"), more=(_("，意见：%(note)s"),)),
    },
    shows={"kind": label_of(Kind), "audience": label_of(Audience), "uncategorised": one_of({True: _("不分类")})},
)


class CategoryEventType(models.TextChoices):
    CREATED = "created", _("新建分类")
    RENAMED = "renamed", _("分类改名")
    MOVED = "moved", _("调整分类顺序")
    RETIRED = "retired", _("停用分类")


def category_event(type: str, *, actor: Actor, category: Category, **parameters: Any) -> CategoryEvent:
    return record(CategoryEvent, type=type, actor=actor, parameters=parameters, category=category)


C = CategoryEventType
register(
    CategoryEvent,
    labels=C.choices,
    sentences={
        C.CREATED: Sentence(_("%(actor)s 新建分类“%(name)s”")),
        C.RENAMED: Sentence(_("%(actor)s 将分类“%(old)s”改名为“%(name)s”")),
        C.MOVED: Sentence(_("%(actor)s 将分类“%(name)s”调到第 %(position)s 位")),
        C.RETIRED: Sentence(_("%(actor)s 停用分类“%(name)s”")),
    },
)
