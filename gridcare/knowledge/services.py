"""The knowledge base's writes (SELF-1): articles and their versions (an editor's draft, review
by another person, publishing), feedback, and the search log. Each validates first (one Chinese
message per bad field → ``ArticleRefused``), then one transaction: the change, its event row and,
when a version is published, the search index (gridcare.knowledge.search)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.events import Actor, actor_user
from gridcare.core.exceptions import Forbidden
from gridcare.knowledge import search as index
from gridcare.knowledge.events import KnowledgeEventType as E
from gridcare.knowledge.events import knowledge_event
from gridcare.knowledge.exceptions import ArticleRefused, OwnReview, VersionConflict
from gridcare.knowledge.models import (
    Article,
    ArticleVersion,
    Audience,
    Category,
    Channel,
    Feedback,
    Kind,
    SearchLog,
    Tag,
    VersionStatus,
)
from gridcare.org.access import Capability, Scope, require

TITLE_MAX, BODY_MAX, NOTE_MAX, TAGS_MAX, TAG_MAX = 100, 20_000, 200, 10, 20

# Which status a version may move to, and from which (one transition table).
TRANSITIONS: dict[str, frozenset[str]] = {
    VersionStatus.DRAFT: frozenset({VersionStatus.IN_REVIEW}),
    VersionStatus.IN_REVIEW: frozenset({VersionStatus.PUBLISHED, VersionStatus.REJECTED}),
    VersionStatus.PUBLISHED: frozenset({VersionStatus.SUPERSEDED}),
    VersionStatus.REJECTED: frozenset(),
    VersionStatus.SUPERSEDED: frozenset(),
}


@dataclass(frozen=True)
class Draft:
    """What an editor writes: the version's text, audience and dates."""

    title: str
    body: str
    audience: str = Audience.INTERNAL
    effective_from: date | None = None
    expires_on: date | None = None
    note: str = ""


@dataclass(frozen=True)
class Classing:
    """How an article is filed: its kind, category (id) and tags."""

    kind: str
    category_id: int | None = None
    tags: Sequence[str] = ()


def _clean(text: object) -> str:
    return str(text or "").replace("\x00", "").strip()


def _draft_errors(draft: Draft) -> dict[str, str]:
    errors: dict[str, str] = {}
    title, body = _clean(draft.title), _clean(draft.body)
    if not title:
        errors["title"] = _("请填写标题。")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("标题不超过 %(n)s 个字。") % {"n": TITLE_MAX}
    if not body:
        errors["body"] = _("请填写正文。")
    elif len(body) > BODY_MAX:
        errors["body"] = _("正文不超过 %(n)s 个字。") % {"n": BODY_MAX}
    if draft.audience not in Audience.values:
        errors["audience"] = _("请选择公开或内部。")
    if draft.effective_from and draft.expires_on and draft.expires_on <= draft.effective_from:
        errors["expires_on"] = _("失效日期须晚于生效日期。")
    if len(_clean(draft.note)) > NOTE_MAX:
        errors["note"] = _("修改说明不超过 %(n)s 个字。") % {"n": NOTE_MAX}
    return errors


def _classing_errors(classing: Classing, company_id: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if classing.kind not in Kind.values:
        errors["kind"] = _("请选择文章类型。")
    if (
        classing.category_id is not None
        and not Category.objects.filter(
            pk=classing.category_id, company_id=company_id, retired_at__isnull=True
        ).exists()
    ):
        errors["category"] = _("没有这个分类。")
    tags = [_clean(t) for t in classing.tags if _clean(t)]
    if len(tags) > TAGS_MAX:
        errors["tags"] = _("标签不超过 %(n)s 个。") % {"n": TAGS_MAX}
    elif any(len(t) > TAG_MAX for t in tags):
        errors["tags"] = _("每个标签不超过 %(n)s 个字。") % {"n": TAG_MAX}
    return errors


def _person(actor: Actor) -> User:
    """The signed-in person a write is by (an editor or reviewer is always one)."""
    user = actor_user(actor)
    if user is None:
        raise Forbidden(_("请先登录。"))
    return user


def _editor(scope: Scope) -> int:
    scope = require(scope, Capability.KNOWLEDGE_EDIT)
    if scope.company_id is None:
        raise ArticleRefused(_("您不属于任何供电公司，不能编写知识文章。"))
    return scope.company_id


def _set_tags(article: Article, names: Sequence[str]) -> None:
    wanted = list(dict.fromkeys(_clean(n) for n in names if _clean(n)))
    tags = [Tag.objects.get_or_create(company_id=article.company_id, name=name)[0] for name in wanted]
    article.tags.set(tags)


def _new_version(article: Article, draft: Draft, user: User, number: int) -> ArticleVersion:
    return ArticleVersion.objects.create(
        article=article,
        number=number,
        title=_clean(draft.title),
        body=_clean(draft.body),
        audience=draft.audience,
        effective_from=draft.effective_from,
        expires_on=draft.expires_on,
        note=_clean(draft.note),
        editor=user,
        created_at=timezone.now(),
    )


def article_create(*, scope: Scope, actor: Actor, classing: Classing, draft: Draft) -> ArticleVersion:
    """A new article with its first draft (version 1); it is found once a reviewer publishes it."""
    company_id = _editor(scope)
    errors = _draft_errors(draft) | _classing_errors(classing, company_id)
    if errors:
        raise ArticleRefused(_("文章未保存，请修改标出的内容。"), errors=errors)
    with transaction.atomic():
        article = Article.objects.create(
            company_id=company_id,
            kind=classing.kind,
            category_id=classing.category_id,
            title=_clean(draft.title),
            audience=draft.audience,
            effective_from=draft.effective_from,
            expires_on=draft.expires_on,
            created_by=_person(actor),
            created_at=timezone.now(),
        )
        _set_tags(article, classing.tags)
        version = _new_version(article, draft, _person(actor), 1)
        knowledge_event(E.ARTICLE_CREATED, actor=actor, article=article, version=version, title=article.title)
        knowledge_event(E.DRAFT_SAVED, actor=actor, article=article, version=version, number=1, note=version.note)
    return version


def article_reclass(
    *, scope: Scope, actor: Actor, article: Article, classing: Classing, audience: str | None = None
) -> Article:
    """File ``article`` anew: its kind, category, tags and (``audience`` given) public or internal
    — not its text, which is a new version. The search document follows in the same transaction.
    Making an article public needs KNOWLEDGE_REVIEW (customers will read it: a reviewer's call);
    any editor may make it internal. Nothing changed: nothing written."""
    _editor(scope)
    errors = _classing_errors(classing, article.company_id)
    if audience is not None and audience not in Audience.values:
        errors["audience"] = _("请选择公开或内部。")
    if errors:
        raise ArticleRefused(_("未保存，请修改标出的内容。"), errors=errors)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        changes: dict[str, Any] = {}
        if classing.kind != locked.kind:
            changes["kind"] = classing.kind
        if classing.category_id != locked.category_id:
            if classing.category_id is None:
                changes["uncategorised"] = True
            else:
                changes["category"] = Category.objects.get(pk=classing.category_id).name
        if audience is not None and audience != locked.audience:
            if audience == Audience.PUBLIC:
                require(scope, Capability.KNOWLEDGE_REVIEW)
            changes["audience"] = audience
        wanted = sorted(dict.fromkeys(_clean(n) for n in classing.tags if _clean(n)))
        if wanted != sorted(locked.tags.values_list("name", flat=True)):
            changes["tags"] = "、".join(wanted) or "—"
        if not changes:
            return locked
        locked.kind, locked.category_id = classing.kind, classing.category_id
        if audience is not None:
            locked.audience = audience
        locked.save(update_fields=["kind", "category", "audience"])
        index.reindex_filters(locked)
        _set_tags(locked, wanted)
        knowledge_event(E.RECLASSED, actor=actor, article=locked, **changes)
    return locked


def version_draft(*, scope: Scope, actor: Actor, article: Article, draft: Draft) -> ArticleVersion:
    """A new draft of ``article`` (the next number); every earlier version stays as it was."""
    _editor(scope)
    errors = _draft_errors(draft)
    if errors:
        raise ArticleRefused(_("草稿未保存，请修改标出的内容。"), errors=errors)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        number = (ArticleVersion.objects.filter(article=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        version = _new_version(locked, draft, _person(actor), number)
        knowledge_event(E.DRAFT_SAVED, actor=actor, article=locked, version=version, number=number, note=version.note)
    return version


def _move(version: ArticleVersion, to: str) -> None:
    if to not in TRANSITIONS[version.status]:
        raise VersionConflict(
            _("第 %(n)s 版当前为“%(status)s”，不能改为“%(to)s”。")
            % {"n": version.number, "status": VersionStatus(version.status).label, "to": VersionStatus(to).label}
        )


def version_submit(*, scope: Scope, actor: Actor, version: ArticleVersion) -> ArticleVersion:
    """A draft goes to review (by its editor or another editor)."""
    _editor(scope)
    with transaction.atomic():
        locked = ArticleVersion.objects.select_for_update().get(pk=version.pk)
        _move(locked, VersionStatus.IN_REVIEW)
        locked.status, locked.submitted_at = VersionStatus.IN_REVIEW, timezone.now()
        locked.save(update_fields=["status", "submitted_at"])
        knowledge_event(E.SUBMITTED, actor=actor, article=locked.article, version=locked, number=locked.number)
    return locked


def _review_checks(scope: Scope, actor: Actor, version: ArticleVersion, note: str) -> str:
    require(scope, Capability.KNOWLEDGE_REVIEW)
    if version.editor_id == _person(actor).pk:
        raise OwnReview(_("不能审核自己编写的版本，请由另一位审核人审核。"))
    note = _clean(note)
    if len(note) > NOTE_MAX:
        raise ArticleRefused(_("审核意见过长。"), errors={"note": _("审核意见不超过 %(n)s 个字。") % {"n": NOTE_MAX}})
    return note


def _publish(locked: ArticleVersion) -> None:
    """The article takes the version's title, audience and dates; the earlier published version
    is superseded; the search index takes the version's words (same transaction)."""
    article = Article.objects.select_for_update().get(pk=locked.article_id)
    previous = article.published_version_id
    if previous is not None:
        ArticleVersion.objects.filter(pk=previous).update(status=VersionStatus.SUPERSEDED)
    article.published_version = locked
    article.title, article.audience = locked.title, locked.audience
    article.effective_from, article.expires_on = locked.effective_from, locked.expires_on
    article.save(update_fields=["published_version", "title", "audience", "effective_from", "expires_on"])
    index.index_article(article, locked)


def version_review(
    *, scope: Scope, actor: Actor, version: ArticleVersion, approve: bool, note: str = ""
) -> ArticleVersion:
    """Another person than its editor publishes (``approve``) or rejects a version in review."""
    note = _review_checks(scope, actor, version, note)
    if not approve and not note:
        raise ArticleRefused(_("退回时请写明原因。"), errors={"note": _("请填写退回原因。")})
    to = VersionStatus.PUBLISHED if approve else VersionStatus.REJECTED
    with transaction.atomic():
        locked = ArticleVersion.objects.select_for_update().select_related("article").get(pk=version.pk)
        _move(locked, to)
        locked.status, locked.reviewer, locked.reviewed_at, locked.review_note = (
            to,
            _person(actor),
            timezone.now(),
            note,
        )
        locked.save(update_fields=["status", "reviewer", "reviewed_at", "review_note"])
        if approve:
            _publish(locked)
        kind = E.PUBLISHED if approve else E.REJECTED
        knowledge_event(kind, actor=actor, article=locked.article, version=locked, number=locked.number, note=note)
    return locked


def feedback_give(*, article: Article, helpful: bool, user: Actor = None, customer_id: int | None = None) -> bool:
    """Helpful or not, once per person per article; False when this person already said."""
    person = actor_user(user)
    if (person is None) == (customer_id is None):
        raise ArticleRefused(_("评价人不明确。"))
    try:
        with transaction.atomic():
            Feedback.objects.create(
                article=article, user=person, customer_id=customer_id, helpful=bool(helpful), at=timezone.now()
            )
    except IntegrityError:
        return False
    return True


def article_opened(*, article: Article, inserted: bool = False) -> None:
    """Count a reading (or a script inserted into a reply) for the figures."""
    field = "inserts" if inserted else "views"
    Article.objects.filter(pk=article.pk).update(**{field: F(field) + 1})


def search_logged(
    *, query: str, hits: int, channel: str, actor: Actor = None, company_id: int | None = None
) -> SearchLog:
    """One search asked (so editors see what found nothing)."""
    return SearchLog.objects.create(
        company_id=company_id,
        query=_clean(query)[: index.MAX_QUERY],
        hits=hits,
        channel=channel if channel in Channel.values else Channel.STAFF,
        user=actor_user(actor),
        at=timezone.now(),
    )


def query_errors(query: Any) -> dict[str, str]:
    """The q parameter's own checks: 1 to 100 characters."""
    text = _clean(query)
    if not text:
        return {"q": _("请输入要查找的内容。")}
    if len(text) > index.MAX_QUERY:
        return {"q": _("查找内容不超过 %(n)s 个字。") % {"n": index.MAX_QUERY}}
    return {}


def search_and_log(
    *,
    query: Any,
    channel: str,
    actor: Actor,
    company_id: int | None | Sequence[int],
    internal: bool,
    on: date,
    kinds: Sequence[str] | None = None,
    category_id: int | None = None,
    limit: int = 20,
    offset: int = 0,
) -> index.Found:
    """A search someone asked: refused on a bad query (422), else searched and logged (one row)."""
    errors = query_errors(query)
    if errors:
        raise ArticleRefused(_("查找内容有误。"), errors=errors)
    text = _clean(query)
    found = index.search(
        text,
        company_id=company_id,
        internal=internal,
        on=on,
        kinds=kinds,
        category_id=category_id,
        limit=limit,
        offset=offset,
    )
    logged = company_id if isinstance(company_id, int) or company_id is None else next(iter(company_id), None)
    search_logged(query=text, hits=found.count, channel=channel, actor=actor, company_id=logged)
    return found
