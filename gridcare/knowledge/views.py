"""The knowledge base's staff pages (SELF-1): search, an article with its versions and diff,
the editor's pages, the review queue, the figures, and the suggestions fragment the 95598
intake and the counter console ask while an agent types or a ticket is served."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.exceptions import NotFound
from gridcare.core.paging import paginate
from gridcare.core.views import flash_error, is_htmx, page_action, page_get, page_user, staff_required
from gridcare.halls.access import ticket_get_for_scope
from gridcare.knowledge import selectors, services
from gridcare.knowledge.access import article_get_for_scope, version_get_for_scope
from gridcare.knowledge.exceptions import ArticleRefused
from gridcare.knowledge.forms import ArticleForm, DraftForm, ReviewForm, SearchForm
from gridcare.knowledge.models import Article, Audience, Channel, VersionStatus
from gridcare.org.access import Capability, Scope, can, request_scope, require

PAGE = 20


def _company(scope: Scope) -> int | None:
    return None if scope.everything else scope.company_id


def _abilities(scope: Scope) -> dict[str, bool]:
    return {"can_edit": can(scope, Capability.KNOWLEDGE_EDIT), "can_review": can(scope, Capability.KNOWLEDGE_REVIEW)}


@staff_required
def search_page(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KNOWLEDGE_VIEW)
    form = SearchForm(request.GET or None)
    found, page = None, None
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        number = request.GET.get("page", "1")
        offset = (int(number) - 1) * PAGE if number.isdigit() and 0 < int(number) < 1000 else 0
        found = page_action(
            request,
            lambda: services.search_and_log(
                query=form.cleaned_data["q"],
                channel=Channel.STAFF,
                actor=request.user,
                company_id=_company(scope),
                internal=True,
                on=timezone.localdate(),
                kinds=[form.cleaned_data["kind"]] if form.cleaned_data["kind"] else None,
                limit=PAGE,
                offset=offset,
            ),
            form=form,
        )
        page = {"number": offset // PAGE + 1, "more": found is not None and found.count > offset + PAGE}
    category = _int(request.GET.get("category"))  # the categories page's link: that category's articles
    latest: Any = []
    if found is None:
        latest = (
            selectors.article_list(scope=scope, category_id=category)[:100]
            if category is not None
            else selectors.article_list(scope=scope, status="published")[:10]
        )
    context = {"form": form, "found": found, "page": page, "latest": latest, **_abilities(scope)}
    return render(request, "knowledge/search.html", context)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 9 else None


@staff_required
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    scope, article = page_get(request, article_get_for_scope, article_id=article_id)
    services.article_opened(article=article)
    pair = selectors.version_pair(
        scope=scope, article=article, older=_int(request.GET.get("older")), newer=_int(request.GET.get("newer"))
    )
    context = {
        "article": article,
        "version": article.published_version,
        "tags": selectors.tags_of(article),
        "versions": selectors.versions_of(scope=scope, article=article),
        "pair": pair,
        "today": timezone.localdate(),
        **_feedback_context(article, request),
        **_abilities(scope),
    }
    return render(request, "knowledge/article.html", context)


def _feedback_context(article: Article, request: HttpRequest) -> dict[str, Any]:
    return {
        "counts": selectors.feedback_counts(article),
        "mine": selectors.my_feedback(article, user_id=page_user(request).pk),
        "article": article,
    }


@staff_required
@require_POST
def feedback(request: HttpRequest, article_id: int) -> HttpResponse:
    """Helpful or not (htmx: the buttons' fragment answers; without it, back to the article)."""
    _scope, article = page_get(request, article_get_for_scope, article_id=article_id)
    helpful = request.POST.get("helpful") == "1"
    recorded = services.feedback_give(article=article, helpful=helpful, user=page_user(request))
    if is_htmx(request):
        return render(
            request, "knowledge/_feedback.html", {**_feedback_context(article, request), "recorded": recorded}
        )
    return redirect("knowledge:article", article_id=article.pk)


@staff_required
@require_POST
def used(request: HttpRequest, article_id: int) -> HttpResponse:
    """A script inserted into a reply with 插入话术 (counted for the figures)."""
    _scope, article = page_get(request, article_get_for_scope, article_id=article_id)
    services.article_opened(article=article, inserted=True)
    return HttpResponse(status=204)


@staff_required
def article_new(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KNOWLEDGE_EDIT)
    categories = selectors.category_choices(company_id=scope.company_id)
    form = ArticleForm(request.POST or None, categories=categories)
    if request.method == "POST" and form.is_valid():
        version = page_action(
            request,
            lambda: services.article_create(
                scope=scope, actor=page_user(request), classing=form.classing(), draft=form.draft()
            ),
            success=_("草稿已保存，提交审核后由另一位审核人发布。"),
            form=form,
        )
        if version is not None:
            return redirect("knowledge:version", version_id=version.pk)
    return render(request, "knowledge/editor.html", {"form": form, "article": None})


@staff_required
def version_new(request: HttpRequest, article_id: int) -> HttpResponse:
    """A new draft of an article, starting from its latest version."""
    scope, article = page_get(request, article_get_for_scope, article_id=article_id)
    require(scope, Capability.KNOWLEDGE_EDIT)
    latest = selectors.versions_of(scope=scope, article=article).first()
    initial = {}
    if latest is not None:
        initial = {f: getattr(latest, f) for f in ("title", "body", "effective_from", "expires_on")}
    initial["audience"] = article.audience  # as it is filed now (重新归类 may have changed it)
    form = DraftForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = page_action(
            request,
            lambda: services.version_draft(scope=scope, actor=page_user(request), article=article, draft=form.draft()),
            success=_("新版本草稿已保存。"),
            form=form,
        )
        if version is not None:
            return redirect("knowledge:version", version_id=version.pk)
    return render(request, "knowledge/editor.html", {"form": form, "article": article})


@staff_required
def version_page(request: HttpRequest, version_id: int) -> HttpResponse:
    scope, version = page_get(request, version_get_for_scope, version_id=version_id)
    require(scope, Capability.KNOWLEDGE_EDIT)
    article = version.article
    pair = selectors.version_pair(scope=scope, article=article, older=None, newer=version.number)
    context = {
        "version": version,
        "article": article,
        "pair": pair,
        "review_form": ReviewForm(),
        "own": version.editor_id == page_user(request).pk,
        "in_review": version.status == VersionStatus.IN_REVIEW,
        "is_draft": version.status == VersionStatus.DRAFT,
        **_abilities(scope),
    }
    return render(request, "knowledge/version.html", context)


@staff_required
@require_POST
def version_submit(request: HttpRequest, version_id: int) -> HttpResponse:
    scope, version = page_get(request, version_get_for_scope, version_id=version_id)
    page_action(
        request,
        lambda: services.version_submit(scope=scope, actor=page_user(request), version=version),
        success=_("已提交审核。"),
    )
    return redirect("knowledge:version", version_id=version.pk)


@staff_required
@require_POST
def version_review(request: HttpRequest, version_id: int) -> HttpResponse:
    scope, version = page_get(request, version_get_for_scope, version_id=version_id)
    require(scope, Capability.KNOWLEDGE_REVIEW)
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        page_action(
            request,
            lambda: services.version_review(
                scope=scope, actor=page_user(request), version=version, approve=approve, note=form.cleaned_data["note"]
            ),
            success=_("已发布，知识库检索即可找到。") if approve else _("已退回编辑。"),
        )
    else:
        flash_error(request, ArticleRefused(_("请选择审核结论。")))
    return redirect("knowledge:version", version_id=version.pk)


@staff_required
def review_queue(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KNOWLEDGE_REVIEW)
    rows = paginate(request, selectors.review_queue(scope=scope))
    return render(request, "knowledge/review.html", {"rows": rows, "me": page_user(request).pk})


@staff_required
def figures_page(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KNOWLEDGE_EDIT)
    days = _int(request.GET.get("days")) or 30
    found = selectors.figures(scope=scope, days=max(1, min(days, 366)))
    drafts = selectors.article_list(scope=scope, status="draft")[:20]
    return render(request, "knowledge/figures.html", {"f": found, "days": days, "drafts": drafts})


@staff_required
def suggest(request: HttpRequest) -> HttpResponse:
    """The scripts and FAQs for what is being typed (``text``), or for the business type of the
    ticket a counter serves (``ticket``, read through the halls' access: the caller's hall).
    Never logged; a ticket not found just shows nothing."""
    scope = require(request_scope(request), Capability.KNOWLEDGE_VIEW)
    text = (request.GET.get("text") or "")[:500]
    ticket = _int(request.GET.get("ticket"))
    business = ""
    if ticket is not None:
        try:
            business = ticket_get_for_scope(scope=scope, ticket_id=ticket).business_type.kind
        except NotFound:
            business = ""
        text = f"{selectors.HALL_WORDS.get(business, '')} {text}"
    items = selectors.suggest(
        text, audience=Audience.INTERNAL, limit=selectors.suggestion_limit(), company_id=_company(scope)
    )
    target = request.GET.get("target", "")
    context = {"items": items, "asked": bool(text.strip()), "target": target if target.startswith("#") else ""}
    return render(request, "knowledge/_suggestions.html", context)
