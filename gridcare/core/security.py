"""Response headers and start-up refusals of the production profile (SEC-1, GRIDCARE_ENV).

Django 5.2 has no Content Security Policy of its own: this middleware sets the header from
``settings.GRIDCARE_CSP``. Every script and style of the pages is a static file of this site (no
inline ``<script>``, no ``style=`` attributes, no ``on…=`` handlers), so the policy allows no
outside source and no inline code.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponseBase

# The SECRET_KEY default of config/settings.py: public (it is in the repository), so production
# refuses it.
PUBLIC_SECRET_KEY = "dev-only-not-secret-change-me-in-production"  # noqa: S105 - the public default, refused in production

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.policy = settings.GRIDCARE_CSP

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def production_refusals(*, secret_key: str, debug: bool) -> None:
    """Raises (the server does not start) when production runs with the public secret key, a weak
    one, or DEBUG on."""
    if secret_key == PUBLIC_SECRET_KEY or len(secret_key) < 50 or len(set(secret_key)) < 5:
        raise ImproperlyConfigured(
            "GRIDCARE_ENV=production needs its own SECRET_KEY (at least 50 random characters), not the public default."
        )
    if debug:
        raise ImproperlyConfigured("GRIDCARE_ENV=production refuses DEBUG=1.")
