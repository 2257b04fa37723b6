"""Language choice: Simplified Chinese unless the person chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a counter PC with an
English browser would show English. Here only an explicit choice (the language menu, stored in
the language cookie) changes the language.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.utils import translation


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# What a request may not carry anywhere: PostgreSQL refuses a NUL (0x00) in text ("PostgreSQL text
# fields cannot contain NUL (0x00) bytes"), so a NUL in a path, a query or a JSON body would reach a
# query and end as a server error. No person types one; it is refused at the edge, once for every
# page and API operation, before any view reads it. A posted form is left to its form (Django's
# CharField refuses a NUL on the field, and the page shows it there).
NUL = "\x00"


def nul_field(value: object, path: str = "") -> str | None:
    """The path ("feeders.1", "__all__" for the top) of the first value of a parsed JSON body
    that carries a NUL, in its text or in a key; None when none does."""
    if isinstance(value, str):
        return (path or "__all__") if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return path or "__all__"
            found = nul_field(item, here)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_field(item, f"{path}.{index}" if path else str(index))
            if found:
                return found
    return None


def _querydict_carries_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in data.lists())


def json_body_nul_field(request: HttpRequest) -> str | None:
    """The field of a JSON body that carries a NUL (None: none does, or not a JSON body)."""
    content_type = request.content_type or ""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if content_type != "application/json" and not content_type.endswith("+json"):
        return None
    try:
        body = request.body
    except (RequestDataTooBig, UnreadablePostError):
        return None  # the view answers these as before (too large, or the client went away)
    # JSON carries a NUL only escaped (a raw control character is not JSON): parse only then.
    if b"\\u0000" not in body and b"\x00" not in body:
        return None
    try:
        return nul_field(json.loads(body))
    except ValueError:
        return "__all__" if b"\x00" in body else None


class RefuseNulMiddleware:
    """Refuses a request that carries a NUL before anything behind it runs, in the house's shape:
    in a JSON body, a 422 naming the field (as every other invalid value); in the path or the
    query, a 400 (the JSON error on the API's paths, the error page elsewhere)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from gridcare.core.errors import bad_request_nul, invalid_nul_field

        if NUL in request.path_info or _querydict_carries_nul(request.GET):
            return bad_request_nul(request)
        field = json_body_nul_field(request)
        if field is not None:
            return invalid_nul_field(request, field)
        return self.get_response(request)
