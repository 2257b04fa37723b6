"""The knowledge base's categories (SELF-1): an editor creates, renames, reorders and retires
them (停用, only when no article is filed under one). Each validates first (one Chinese message
per bad field → ``ArticleRefused``), then one transaction with the change and its history row.
Articles keep their category's id, so a rename needs no reindexing (search reads the name when
it answers); a retired category has no articles, so no search document names it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.core.events import Actor
from gridcare.knowledge.events import CategoryEventType as C
from gridcare.knowledge.events import category_event
from gridcare.knowledge.exceptions import ArticleRefused, CategoryInUse
from gridcare.knowledge.models import Article, Category
from gridcare.org.access import Capability, Scope, require

NAME_MAX = 50


def _company(scope: Scope) -> int:
    scope = require(scope, Capability.KNOWLEDGE_EDIT)
    if scope.company_id is None:
        raise ArticleRefused(_("您不属于任何供电公司，不能管理知识分类。"))
    return scope.company_id


def _name_errors(name: object, company_id: int, *, other_than: int | None = None) -> dict[str, str]:
    text = str(name or "").replace("\x00", "").strip()
    if not text:
        return {"name": _("请填写分类名称。")}
    if len(text) > NAME_MAX:
        return {"name": _("分类名称不超过 %(n)s 个字。") % {"n": NAME_MAX}}
    taken = Category.objects.filter(company_id=company_id, name=text, retired_at__isnull=True)
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if taken.exists():
        return {"name": _("已有同名的分类。")}
    return {}


def category_create(*, scope: Scope, actor: Actor, name: str) -> Category:
    """A new category at the end of the list (its code is made up: editors never type one)."""
    company_id = _company(scope)
    errors = _name_errors(name, company_id)
    if errors:
        raise ArticleRefused(_("分类未保存，请修改标出的内容。"), errors=errors)
    with transaction.atomic():
        last = Category.objects.filter(company_id=company_id).aggregate(p=Max("position"))["p"]
        category = Category.objects.create(
            company_id=company_id,
            code=f"c-{secrets.token_hex(6)}",
            name=str(name).strip(),
            position=0 if last is None else last + 1,
        )
        category_event(C.CREATED, actor=actor, category=category, name=category.name)
    return category


def _live(category: Category) -> Category:
    locked = Category.objects.select_for_update().get(pk=category.pk)
    if locked.retired_at is not None:
        raise ArticleRefused(_("分类“%(name)s”已停用。") % {"name": locked.name})
    return locked


def category_rename(*, scope: Scope, actor: Actor, category: Category, name: str) -> Category:
    company_id = _company(scope)
    errors = _name_errors(name, company_id, other_than=category.pk)
    if errors:
        raise ArticleRefused(_("分类未保存，请修改标出的内容。"), errors=errors)
    with transaction.atomic():
        locked = _live(category)
        new = str(name).strip()
        if new == locked.name:
            return locked
        old, locked.name = locked.name, new
        locked.save(update_fields=["name"])
        category_event(C.RENAMED, actor=actor, category=locked, old=old, name=new)
    return locked


def category_move(*, scope: Scope, actor: Actor, category: Category, position: int) -> list[Category]:
    """Put ``category`` at ``position`` (1 = first) among the company's live categories; the
    others keep their order. Returns the live categories in their new order."""
    company_id = _company(scope)
    with transaction.atomic():
        live = list(
            Category.objects.select_for_update()
            .filter(company_id=company_id, retired_at__isnull=True)
            .order_by("position", "code")
        )
        if not isinstance(position, int) or not 1 <= position <= len(live):
            raise ArticleRefused(
                _("顺序有误。"), errors={"position": _("请填写 1 至 %(n)s 之间的位置。") % {"n": len(live)}}
            )
        moving = next((c for c in live if c.pk == category.pk), None)
        if moving is None:
            raise ArticleRefused(_("分类“%(name)s”已停用。") % {"name": category.name})
        order = [c for c in live if c.pk != moving.pk]
        order.insert(position - 1, moving)
        changed = [c for i, c in enumerate(order) if c.position != i]
        for i, c in enumerate(order):
            c.position = i
        if changed:
            Category.objects.bulk_update(changed, ["position"])
            category_event(C.MOVED, actor=actor, category=moving, name=moving.name, position=position)
    return order


def category_reorder(*, scope: Scope, actor: Actor, ids: Sequence[int]) -> list[Category]:
    """The company's live categories in the order of ``ids`` (each exactly once); a history row
    for each category whose place changed."""
    company_id = _company(scope)
    with transaction.atomic():
        live = list(
            Category.objects.select_for_update()
            .filter(company_id=company_id, retired_at__isnull=True)
            .order_by("position", "code")
        )
        if len(set(ids)) != len(ids) or sorted(ids) != sorted(c.pk for c in live):
            raise ArticleRefused(_("顺序有误。"), errors={"ids": _("请列出每个在用的分类，各一次。")})
        by_id = {c.pk: c for c in live}
        was = {c.pk: i for i, c in enumerate(live)}
        order = [by_id[pk] for pk in ids]
        changed = [c for i, c in enumerate(order) if c.position != i]
        for i, c in enumerate(order):
            c.position = i
        Category.objects.bulk_update(changed, ["position"])
        for i, c in enumerate(order):
            if was[c.pk] != i:
                category_event(C.MOVED, actor=actor, category=c, name=c.name, position=i + 1)
    return order


def _refuse_if_used(category: Category) -> None:
    used = Article.objects.filter(category=category).count()
    if used:
        raise CategoryInUse(
            _("分类“%(name)s”下还有 %(n)s 篇文章，请先把它们改到其他分类。") % {"name": category.name, "n": used}
        )


def category_retire_check(*, scope: Scope, category: Category) -> Category:
    """The retirement's checks before asking (writes nothing): refused as ``category_retire``
    would be."""
    _company(scope)
    if category.retired_at is not None:
        raise ArticleRefused(_("分类“%(name)s”已停用。") % {"name": category.name})
    _refuse_if_used(category)
    return category


def category_retire(*, scope: Scope, actor: Actor, category: Category) -> Category:
    """Retire an empty category (no article of any state is filed under it)."""
    _company(scope)
    with transaction.atomic():
        locked = _live(category)
        _refuse_if_used(locked)
        locked.retired_at = timezone.now()
        locked.save(update_fields=["retired_at"])
        category_event(C.RETIRED, actor=actor, category=locked, name=locked.name)
    return locked
