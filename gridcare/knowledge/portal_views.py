"""The customer portal's help (/portal/help/, SELF-1 for customers): the public articles in
force of the customer's own supply company (their bound accounts'; before signing in, the
configured company's: gridcare.knowledge.portal_reach), searched and read in the portal's own
style, and rated 有帮助 / 没帮助 once per customer and article. Open without signing in (a
customer looks for help before signing in); rating needs a signed-in customer. Internal,
expired, not yet effective and other companies' articles are never shown."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.exceptions import DomainError, NotFound
from gridcare.knowledge import selectors, services
from gridcare.knowledge.models import Article, Channel, Kind
from gridcare.knowledge.portal_reach import help_companies
from gridcare.knowledge.search import MAX_QUERY
from gridcare.portal.access import signed_in_customer


def help_page(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[: MAX_QUERY + 1]
    companies = help_companies(signed_in_customer(request))
    found, error = None, ""
    if query:
        try:
            found = services.search_and_log(
                query=query,
                channel=Channel.PORTAL,
                actor=None,
                company_id=companies,
                internal=False,
                on=timezone.localdate(),
                limit=20,
            )
        except DomainError as exc:
            error = next(iter(exc.errors.values()), str(exc.message))
    faqs = (
        []
        if query
        else selectors.public_articles(on=timezone.localdate(), kinds=(Kind.FAQ, Kind.PROCEDURE), companies=companies)
    )
    context = {"q": query[:MAX_QUERY], "found": found, "error": error, "faqs": faqs, "here": "help"}
    return render(request, "knowledge/portal_help.html", context)


def _article(request: HttpRequest, article_id: int) -> Article:
    customer = signed_in_customer(request)
    return selectors.public_article(article_id=article_id, on=timezone.localdate(), companies=help_companies(customer))


def _rating(article: Article, customer_id: int | None) -> dict[str, object]:
    mine = None if customer_id is None else selectors.my_feedback(article, customer_id=customer_id)
    return {"counts": selectors.feedback_counts(article), "mine": mine}


def help_article(request: HttpRequest, article_id: int) -> HttpResponse:
    """A public article in force; any other (missing, internal, expired, another company's)
    sends the customer back to the help's search with the sentence why, as an article link
    from an old message would."""
    try:
        article = _article(request, article_id)
    except NotFound as exc:
        messages.info(request, str(exc.message))
        return redirect("portal:help")
    services.article_opened(article=article)
    customer = signed_in_customer(request)
    login = f"{reverse('portal:login')}?{urlencode({'next': request.get_full_path()})}"
    context = {
        "article": article,
        "version": article.published_version,
        "customer": customer,
        "login": login,
        **_rating(article, customer.pk if customer else None),
    }
    return render(request, "knowledge/portal_article.html", context)


@require_POST
def help_feedback(request: HttpRequest, article_id: int) -> HttpResponse:
    """有帮助 / 没帮助 from a signed-in customer, once per article (a second press keeps the
    first answer and says so); a visitor goes to sign in and back to the article."""
    customer = signed_in_customer(request)
    back = reverse("portal:help_article", args=[article_id])
    if customer is None:
        return redirect(f"{reverse('portal:login')}?{urlencode({'next': back})}")
    try:
        article = _article(request, article_id)
    except NotFound as exc:
        messages.info(request, str(exc.message))
        return redirect("portal:help")
    helpful = request.POST.get("helpful") == "1"
    recorded = services.feedback_give(article=article, helpful=helpful, customer_id=customer.pk)
    messages.success(request, _("感谢您的评价。") if recorded else _("您已评价过这篇文章。"))
    return redirect(back)
