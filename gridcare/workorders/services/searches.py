"""Saved searches of the order list (issue 18): a person names the filters they use often."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.timezone import now
from gridcare.org.access import Scope
from gridcare.workorders.models import SavedSearch
from gridcare.workorders.rules import setting
from gridcare.workorders.selectors_desk import OrderQuery

# The list's parameters a saved search keeps (its view, the quick search, the sort, the fields).
KEPT = ("view", "q", "sort", *OrderQuery.names())
NAME_MAX = 40


def search_query(raw: str) -> str:
    """The list's own parameters of ``raw`` (a query string), as a query string; nothing else."""
    given = QueryDict(raw[:2000])
    kept = QueryDict(mutable=True)
    for key in KEPT:
        value = given.get(key, "").strip()
        if value:
            kept[key] = value[:100]
    return kept.urlencode()


def saved_search_save(*, scope: Scope, name: str, query: str) -> SavedSearch:
    """Keep the person's search under ``name`` (the same name again replaces its query)."""
    if scope.staff is None:
        raise NotFound(_("页面不存在。"))
    clean = (name or "").strip()
    errors = {}
    if not clean:
        errors["name"] = _("请给查询起个名字。")
    elif len(clean) > NAME_MAX or "\x00" in clean:
        errors["name"] = _("最多%(n)d个字。") % {"n": NAME_MAX}
    kept = search_query(query or "")
    if not kept:
        errors["query"] = _("请先设置查询条件。")
    existing = SavedSearch.objects.filter(staff=scope.staff)
    most = setting("SAVED_SEARCHES_MAX")
    if not errors and not existing.filter(name=clean).exists() and existing.count() >= most:
        errors["name"] = _("最多保存 %(n)d 个常用查询，请先删除不用的。") % {"n": most}
    if errors:
        raise InvalidInput(_("常用查询有误。"), errors=errors)
    try:
        with transaction.atomic():
            saved, _created = SavedSearch.objects.update_or_create(
                staff=scope.staff, name=clean, defaults={"query": kept, "created_at": now()}
            )
    except IntegrityError as exc:  # the same name saved at the same moment from another tab
        raise InvalidInput(_("常用查询有误。"), errors={"name": _("该名称已存在。")}) from exc
    return saved


def saved_search_delete(*, scope: Scope, search_id: int) -> None:
    """Delete one of the person's own saved searches (anyone else's: 404, nothing deleted)."""
    deleted, _rows = SavedSearch.objects.filter(pk=search_id, staff__isnull=False, staff=scope.staff).delete()
    if not deleted:
        raise NotFound(_("没有这个常用查询。"))
