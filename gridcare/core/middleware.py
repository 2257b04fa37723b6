"""Language choice: Simplified Chinese unless the person chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a counter PC with an
English browser would show English. Here only an explicit choice (the language menu, stored in
the language cookie) changes the language.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, QueryDict, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
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
# fields cannot contain NUL (0x00) bytes"), so a NUL in a path, a query, a form or a JSON body
# would reach a query and end as a server error. No person types one; it is refused at the edge,
# once for every page and API operation, before any view reads it.
NUL = "\x00"


def _carries_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_carries_nul(k) or _carries_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_carries_nul(v) for v in value)
    return False


def _querydict_carries_nul(data: QueryDict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in data.lists())


def request_carries_nul(request: HttpRequest) -> bool:
    if NUL in request.path_info or _querydict_carries_nul(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    try:
        if content_type == "application/json" or content_type.endswith("+json"):
            body = request.body
            # JSON can only carry a NUL escaped (a raw control character is not JSON): parse only then.
            if b"\\u0000" not in body and b"\x00" not in body:
                return False
            try:
                return _carries_nul(json.loads(body))
            except ValueError:
                return b"\x00" in body
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return _querydict_carries_nul(request.POST)  # the fields; an uploaded file's bytes are its own
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, UnreadablePostError, MultiPartParserError):
        return False  # the view answers these as before (too large, or the client went away)
    return False


class RefuseNulMiddleware:
    """Answers 400 to a request that carries a NUL, in the house's shape (the JSON error on the
    API's paths, the error page elsewhere); nothing behind it runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_carries_nul(request):
            from gridcare.core.errors import bad_request_nul

            return bad_request_nul(request)
        return self.get_response(request)
