"""The customer portal's help (/portal/help/, SELF-1 for customers): the public articles in
force, searched and read in the portal's own style. Open without signing in (a customer looks
for help before signing in); internal, expired and not yet effective articles are never shown."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from gridcare.core.exceptions import DomainError, NotFound
from gridcare.knowledge import selectors, services
from gridcare.knowledge.models import Channel, Kind
from gridcare.knowledge.search import MAX_QUERY
from gridcare.portal.access import signed_in_customer


def help_page(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "").strip()[: MAX_QUERY + 1]
    found, error = None, ""
    if query:
        try:
            found = services.search_and_log(
                query=query,
                channel=Channel.PORTAL,
                actor=None,
                company_id=None,
                internal=False,
                on=timezone.localdate(),
                limit=20,
            )
        except DomainError as exc:
            error = next(iter(exc.errors.values()), str(exc.message))
    faqs = [] if query else selectors.public_articles(on=timezone.localdate(), kinds=(Kind.FAQ, Kind.PROCEDURE))
    context = {"q": query[:MAX_QUERY], "found": found, "error": error, "faqs": faqs, "here": "help"}
    return render(request, "knowledge/portal_help.html", context)


def help_article(request: HttpRequest, article_id: int) -> HttpResponse:
    """A public article in force; any other (missing, internal, expired) sends the customer back
    to the help's search with the sentence why, as an article link from an old message would."""
    try:
        article = selectors.public_article(article_id=article_id, on=timezone.localdate())
    except NotFound as exc:
        messages.info(request, str(exc.message))
        return redirect("portal:help")
    services.article_opened(article=article)
    customer = signed_in_customer(request)
    context = {"article": article, "version": article.published_version, "customer": customer}
    return render(request, "knowledge/portal_article.html", context)
