"""The knowledge base's history rows, through the one event writer (gridcare.core.events.record)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcare.core.events import Actor, record
from gridcare.core.history import Sentence, register
from gridcare.knowledge.models import Article, ArticleVersion, KnowledgeEvent


class KnowledgeEventType(models.TextChoices):
    ARTICLE_CREATED = "article_created", _("新建文章")
    ARTICLE_CHANGED = "article_changed", _("修改文章分类")
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
        T.DRAFT_SAVED: Sentence(_("%(actor)s 保存第 %(number)s 版草稿"), more=(_("：%(note)s"),)),
        T.SUBMITTED: Sentence(_("%(actor)s 将第 %(number)s 版提交审核")),
        T.PUBLISHED: Sentence(_("%(actor)s 审核通过第 %(number)s 版并发布"), more=(_("，意见：%(note)s"),)),
        T.REJECTED: Sentence(_("%(actor)s 退回第 %(number)s 版"), more=(_("，意见：%(note)s"),)),
    },
)
