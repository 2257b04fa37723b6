"""Small helpers shared by the page views of every app."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.forms import Form
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from gridcare.core.exceptions import DomainError, NotFound
from gridcare.org.access import request_scope

View = Callable[..., HttpResponseBase]


def staff_required(view: View) -> View:
    """Signed-in staff only; a person without a staff role sees nothing (404 after sign-in)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request_scope(request).is_staff:
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc

    return wrapped


def form_errors_from(form: Form, exc: DomainError) -> None:
    """Put a service's per-field messages on the form; the rest becomes a page message."""
    placed = False
    for field, message in exc.errors.items():
        if field in form.fields:
            form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


def flash_error(request: HttpRequest, exc: DomainError) -> None:
    messages.error(request, str(exc.message))
