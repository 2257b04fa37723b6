"""The site's own error pages (403, 404, 500 and the CSRF failure), in the user's language with
the navigation and a way back; the API's paths get the house's JSON shape instead. A server error
gets a reference number that is written to the log with the traceback, so a clerk can read it to
the help desk and the help desk finds the line."""

from __future__ import annotations

import logging
import secrets
import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger("gridcare.errors")

API_PREFIX = "/api/"
PORTAL_PREFIX = "/portal/"


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _back(request: HttpRequest) -> str:
    """Where "back" goes: the page the person came from on this site, else the home page."""
    referer = str(request.META.get("HTTP_REFERER", ""))
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return referer
    return resolve_url("home")


def _message(exception: Exception | None) -> str:
    """The refusal's own sentence (a service's "该户号不在您的管辖范围内。"), never a resolver's
    internals: only a plain string message is shown."""
    if exception is None or not exception.args or not isinstance(exception.args[0], str):
        return ""
    return str(exception.args[0])


def _is_portal(request: HttpRequest) -> bool:
    """A customer's page (gridcare.portal): its errors look like the portal, not the staff site."""
    return request.path.startswith(PORTAL_PREFIX)


def _page(request: HttpRequest, template: str, status: int, message: str) -> HttpResponse:
    if _is_api(request):
        return JsonResponse({"detail": message, "errors": {}}, status=status)
    if _is_portal(request):
        return render(request, "portal/error.html", {"message": message, "status": status}, status=status)
    return render(request, template, {"message": message, "back": _back(request)}, status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "404.html", 404, _message(exception) or _("您要找的页面不存在，或已被移走。"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "403.html", 403, _message(exception) or _("您的岗位没有办理这项业务的权限。"))


def bad_request_nul(request: HttpRequest) -> HttpResponse:
    """A request carrying a NUL character (gridcare.core.middleware.RefuseNulMiddleware)."""
    logger.warning("NUL refused %s %s", request.method, request.path)
    if _is_api(request):
        errors = {"__all__": _("提交的内容含有空字符（NUL），无法处理。")}
        return JsonResponse({"detail": _("提交的数据有误。"), "errors": errors}, status=400)
    message = _("地址或提交的内容含有无法识别的字符（空字符），没有办理。请检查后重新输入。")
    return _page(request, "400.html", 400, message)


def invalid_nul_field(request: HttpRequest, field: str) -> HttpResponse:
    """A JSON body whose ``field`` carries a NUL: refused like any other invalid value (422)."""
    logger.warning("NUL refused %s %s in %s", request.method, request.path, field)
    errors = {field: _("不能包含空字符（NUL）。")}
    return JsonResponse({"detail": _("提交的数据有误。"), "errors": errors}, status=422)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form whose security token is missing or stale (a page left open past the session, or
    opened in another sign-in): say what to do, not Django's English explanation."""
    logger.warning("CSRF refused %s %s: %s", request.method, request.path, reason)
    message = _("页面已过期或来源无法验证，表单没有提交。请刷新页面后重新填写提交。")
    return _page(request, "403_csrf.html", 403, message)


# The database went away (PostgreSQL restarted, the connection dropped) or is busy (SQLite's lock):
# the request's transaction was rolled back, so nothing was written, and trying again helps.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """Logs the failure under a new reference (with the traceback still being handled) and
    shows it. The page is rendered without the request's context: whatever failed (the database,
    a template) is not asked again. A lost database connection is a 503 that says to try again
    (issue 21), and the broken connection is closed so the next request opens a new one."""
    reference = secrets.token_hex(4).upper()
    logger.error("server error %s on %s %s", reference, request.method, request.path, exc_info=True)
    unavailable = isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE)
    status = 503 if unavailable else 500
    if unavailable:
        _drop_broken_connections()
    message = _("数据库连接暂时中断，这次操作没有完成，也没有保存任何内容。请稍候几秒再试。") if unavailable else ""
    if _is_api(request):
        detail = message or _("服务器出错了，请稍后再试（错误编号 %(ref)s）。") % {"ref": reference}
        response: HttpResponse = JsonResponse({"detail": detail, "errors": {}, "reference": reference}, status=status)
    else:
        template = "portal/500.html" if _is_portal(request) else "500.html"
        context = {"reference": reference, "back": _back(request), "unavailable": message}
        response = HttpResponse(loader.get_template(template).render(context), status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _drop_broken_connections() -> None:
    """Close each database connection that no longer answers (outside a transaction: the failed
    request's blocks have all been left); Django opens a new one on the next query."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()
