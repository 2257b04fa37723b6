"""The staff pages of public notices and service publicity (SELF-3): /notices/publications/ —
write a notice for every customer, the company's or one unit's; publish it now or at a time
ahead; withdraw it (asked first); export it as an article for the company's WeChat official
account (HTML with inline styles, and plain text). Posts with ``TEMPLATE_EDIT`` (the wording the
customers read) keep them, each within their reach."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.paging import paginate
from gridcare.core.views import Confirmation, confirmation, confirmed, page_action, page_get, staff_required
from gridcare.notices import selectors
from gridcare.notices.access import publication_get_for_scope
from gridcare.notices.article import Article, article_html, article_text
from gridcare.notices.models import Publication, PublicationStatus
from gridcare.notices.publication_forms import PublicationForm, PublishForm
from gridcare.notices.services import publications
from gridcare.org.access import Capability, request_scope, require


def _data(form: PublicationForm) -> publications.PublicationData:
    d = form.cleaned_data
    return publications.PublicationData(
        title=d["title"], body=d["body"], kind=d["kind"], area=d["area"], unit=d.get("unit") or ""
    )


@staff_required
def publication_list(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.TEMPLATE_EDIT)
    page = paginate(request, selectors.publication_list(scope=scope))
    rows = [(p, selectors.publication_area_label(p)) for p in page]
    return render(request, "notices/publications.html", {"page": page, "rows": rows})


@staff_required
def publication_new(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.TEMPLATE_EDIT)
    form = PublicationForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        made = page_action(
            request,
            lambda: publications.publication_create(scope=scope, actor=request.user, data=_data(form)),
            success=_("公告已保存为草稿，发布后客户可见。"),
            form=form,
        )
        if made is not None:
            return redirect("notices:publication", publication_id=made.pk)
    return render(request, "notices/publication_new.html", {"form": form})


def _page(
    request: HttpRequest,
    publication: Publication,
    *,
    form: PublicationForm | None = None,
    publish_form: PublishForm | None = None,
    confirm: Confirmation | None = None,
) -> HttpResponse:
    scope = request_scope(request)
    initial = {
        "title": publication.title,
        "body": publication.body,
        "kind": publication.kind,
        "area": publication.area,
        "unit": publication.unit.code if publication.unit else "",
    }
    context = {
        "p": publication,
        "area_label": selectors.publication_area_label(publication),
        "form": form or PublicationForm(initial=initial, scope=scope),
        "publish_form": publish_form or PublishForm(),
        "history": selectors.publication_history(publication),
        "confirm": confirm,
    }
    return render(request, "notices/publication.html", context)


@staff_required
def publication_detail(request: HttpRequest, publication_id: int) -> HttpResponse:
    """The publication, its edit form (until withdrawn), publishing or withdrawing, its history."""
    require(request_scope(request), Capability.TEMPLATE_EDIT)
    scope, publication = page_get(request, publication_get_for_scope, publication_id=publication_id)
    if request.method != "POST":
        return _page(request, publication)
    form = PublicationForm(request.POST, scope=scope)
    if form.is_valid():
        saved = page_action(
            request,
            lambda: publications.publication_edit(
                scope=scope, actor=request.user, publication=publication, data=_data(form)
            ),
            success=_("公告已保存。"),
            form=form,
        )
        if saved is not None:
            return redirect("notices:publication", publication_id=publication.pk)
    return _page(request, publication, form=form)


@staff_required
@require_POST
def publication_publish(request: HttpRequest, publication_id: int) -> HttpResponse:
    require(request_scope(request), Capability.TEMPLATE_EDIT)
    scope, publication = page_get(request, publication_get_for_scope, publication_id=publication_id)
    form = PublishForm(request.POST)
    if form.is_valid():
        done = page_action(
            request,
            lambda: publications.publication_transition(
                scope=scope,
                actor=request.user,
                publication=publication,
                to=PublicationStatus.PUBLISHED,
                at=form.cleaned_data["published_at"],
            ),
            success=_("公告已发布。"),
            form=form,
        )
        if done is not None:
            return redirect("notices:publication", publication_id=publication.pk)
    return _page(request, publication, publish_form=form)


@staff_required
@require_POST
def publication_withdraw(request: HttpRequest, publication_id: int) -> HttpResponse:
    """Withdrawing is asked first: the customers no longer see it, and it cannot be published again."""
    require(request_scope(request), Capability.TEMPLATE_EDIT)
    scope, publication = page_get(request, publication_get_for_scope, publication_id=publication_id)
    if not confirmed(request):
        sentence = _("撤回后客户将不再看到“%(title)s”，撤回的公告不能再次发布。确认撤回？") % {
            "title": publication.title
        }
        return _page(request, publication, confirm=confirmation(request, sentence=sentence, button=_("确认撤回")))
    page_action(
        request,
        lambda: publications.publication_transition(
            scope=scope, actor=request.user, publication=publication, to=PublicationStatus.WITHDRAWN
        ),
        success=_("公告已撤回，客户不再可见。"),
    )
    return redirect("notices:publication", publication_id=publication.pk)


def article_of(publication: Publication) -> Article:
    """The article in Chinese whatever the staff page's language: it is for the company's readers."""
    with translation.override("zh-hans"):
        company = publication.company.name if publication.company else _("国网示范市供电公司")
        return Article(
            title=publication.title,
            body=publication.body,
            kind=str(publication.get_kind_display()),
            area=selectors.publication_area_label(publication),
            published_at=publication.published_at,
            company=company,
        )


@staff_required
def publication_article(request: HttpRequest, publication_id: int) -> HttpResponse:
    """The article for the WeChat official account: to copy from the page, or as a file
    (``?format=html`` / ``?format=txt``)."""
    require(request_scope(request), Capability.TEMPLATE_EDIT)
    _scope, publication = page_get(request, publication_get_for_scope, publication_id=publication_id)
    article = article_of(publication)
    fmt = request.GET.get("format", "")
    if fmt in ("html", "txt"):
        text = article_html(article) if fmt == "html" else article_text(article)
        kind = "text/html" if fmt == "html" else "text/plain"
        answer = HttpResponse(text, content_type=f"{kind}; charset=utf-8")
        answer["Content-Disposition"] = f'attachment; filename="publication-{publication.pk}.{fmt}"'
        return answer
    context = {"p": publication, "html": article_html(article), "text": article_text(article)}
    return render(request, "notices/publication_article.html", context)
