"""Filing the knowledge base on its pages (SELF-1): an article's 重新归类 (kind, category, tags,
public or internal) and the categories page (create, rename, move up or down, retire when
empty, asked first). Thin: the forms check the input's shape, the services decide."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.history import history_lines
from gridcare.core.views import confirmation, confirmed, page_action, page_get, page_user, staff_required
from gridcare.knowledge import category_services as categories
from gridcare.knowledge import selectors, services
from gridcare.knowledge.access import article_get_for_scope, category_get_for_scope
from gridcare.knowledge.forms import CategoryForm, ClassingForm
from gridcare.knowledge.models import CategoryEvent
from gridcare.org.access import Capability, Scope, can, request_scope, require


@staff_required
def article_classing(request: HttpRequest, article_id: int) -> HttpResponse:
    scope, article = page_get(request, article_get_for_scope, article_id=article_id)
    require(scope, Capability.KNOWLEDGE_EDIT)
    initial = {
        "kind": article.kind,
        "category": str(article.category_id or ""),
        "tags": " ".join(selectors.tags_of(article)),
        "audience": article.audience,
    }
    choices = selectors.category_choices(company_id=article.company_id)
    form = ClassingForm(request.POST or None, initial=initial, categories=choices)
    if request.method == "POST" and form.is_valid():
        done = page_action(
            request,
            lambda: services.article_reclass(
                scope=scope,
                actor=page_user(request),
                article=article,
                classing=form.classing(),
                audience=form.cleaned_data["audience"],
            ),
            success=_("已重新归类，检索随即按新的分类查找。"),
            form=form,
        )
        if done is not None:
            return redirect("knowledge:article", article_id=article.pk)
    context = {"form": form, "article": article, "can_review": can(scope, Capability.KNOWLEDGE_REVIEW)}
    return render(request, "knowledge/classing.html", context)


@staff_required
def category_list(request: HttpRequest) -> HttpResponse:
    """The categories in their order, with their articles; editors add one here (POST)."""
    scope = require(request_scope(request), Capability.KNOWLEDGE_VIEW)
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        require(scope, Capability.KNOWLEDGE_EDIT)
        if form.is_valid():
            made = page_action(
                request,
                lambda: categories.category_create(
                    scope=scope, actor=page_user(request), name=form.cleaned_data["name"]
                ),
                success=lambda c: _("已新建分类“%(name)s”。") % {"name": c.name},
                form=form,
            )
            if made is not None:
                return redirect("knowledge:categories")
    return render(request, "knowledge/categories.html", _categories_context(scope, form=form))


def _categories_context(scope: Scope, **more: object) -> dict[str, object]:
    can_edit = can(scope, Capability.KNOWLEDGE_EDIT)
    rows = list(selectors.category_list(company_id=scope.company_id, retired=True)) if scope.company_id else []
    events = CategoryEvent.objects.filter(category__company_id=scope.company_id or 0).order_by("-id")[:20]
    return {
        "rows": rows,
        "live": sum(1 for c in rows if c.retired_at is None),
        "form": CategoryForm(),
        "can_edit": can_edit,
        "can_review": can(scope, Capability.KNOWLEDGE_REVIEW),
        "history": history_lines(events) if can_edit else [],
        **more,
    }


@staff_required
@require_POST
def category_rename(request: HttpRequest, category_id: int) -> HttpResponse:
    require(request_scope(request), Capability.KNOWLEDGE_EDIT)
    scope, category = page_get(request, category_get_for_scope, category_id=category_id)
    name = (request.POST.get("name") or "")[:200]
    page_action(
        request,
        lambda: categories.category_rename(scope=scope, actor=page_user(request), category=category, name=name),
        success=_("分类已改名。"),
    )
    return redirect("knowledge:categories")


@staff_required
@require_POST
def category_move(request: HttpRequest, category_id: int) -> HttpResponse:
    """One place up or down (``direction``)."""
    require(request_scope(request), Capability.KNOWLEDGE_EDIT)
    scope, category = page_get(request, category_get_for_scope, category_id=category_id)
    live = [c.pk for c in selectors.category_list(company_id=category.company_id)]
    if category.pk in live:
        step = -1 if request.POST.get("direction") == "up" else 1
        position = max(1, min(len(live), live.index(category.pk) + 1 + step))
        page_action(
            request,
            lambda: categories.category_move(
                scope=scope, actor=page_user(request), category=category, position=position
            ),
        )
    return redirect("knowledge:categories")


@staff_required
@require_POST
def category_retire(request: HttpRequest, category_id: int) -> HttpResponse:
    """Retire an empty category, asked first (it cannot be taken back); one with articles is
    refused at the asking, with the count."""
    require(request_scope(request), Capability.KNOWLEDGE_EDIT)
    scope, category = page_get(request, category_get_for_scope, category_id=category_id)
    if not confirmed(request):
        asked = page_action(request, lambda: categories.category_retire_check(scope=scope, category=category))
        if asked is None:
            return redirect("knowledge:categories")
        confirm = confirmation(
            request,
            sentence=_("停用分类“%(name)s”后，新文章不能再归入它，停用不能撤销。") % {"name": category.name},
            button=_("确认停用"),
            cancel=reverse("knowledge:categories"),
        )
        context = _categories_context(scope, confirm=confirm, confirm_action=request.path)
        return render(request, "knowledge/categories.html", context)
    page_action(
        request,
        lambda: categories.category_retire(scope=scope, actor=page_user(request), category=category),
        success=_("分类已停用。"),
    )
    return redirect("knowledge:categories")
