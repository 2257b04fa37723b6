"""Every action confirms, and the confirmation stays (issue 13, convention 2). The messages a
page's action leaves (``messages.success`` … through ``core.views.page_action``) are shown on the
page the action led to, and kept in the session for that page: a refresh (the console's, a
clerk's F5) shows them again, until the person dismisses them or the next action replaces them.
Kept per page, so the confirmation of a payment does not follow the clerk to the next customer."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

SESSION_KEY = "gridcare_confirmations"


def confirmations(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``confirmations``, the page's messages (fresh ones replace the kept)."""
    fresh = [{"level": m.level_tag, "text": str(m)} for m in get_messages(request)]
    session = getattr(request, "session", None)
    if session is None:
        return {"confirmations": fresh}
    if fresh:
        session[SESSION_KEY] = {"path": request.path, "items": fresh}
        return {"confirmations": fresh}
    kept = session.get(SESSION_KEY)
    if isinstance(kept, dict) and kept.get("path") == request.path:
        return {"confirmations": kept.get("items", [])}
    return {"confirmations": []}


@require_POST
def dismiss(request: HttpRequest) -> HttpResponse:
    """The × on a confirmation: forget it, then back to the page (htmx: nothing to show)."""
    request.session.pop(SESSION_KEY, None)
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return HttpResponseRedirect(back)
