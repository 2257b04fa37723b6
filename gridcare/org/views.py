from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.paging import export_response, paginate, sort_rows
from gridcare.core.views import page_action, page_user, staff_required
from gridcare.org import selectors, services
from gridcare.org.access import Capability, Scope, crew_get_for_scope, request_scope, require
from gridcare.org.forms import CrewChangeForm, CrewForm, SignInForm
from gridcare.org.models import Crew
from gridcare.org.selectors import home_links


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    return render(request, "org/home.html", {"links": home_links(scope)})


class SignInView(auth_views.LoginView):
    form_class = SignInForm


class SignOutView(auth_views.LogoutView):
    """Signing out also revokes the API tokens issued from this session."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.session_tokens_revoke(request=request, reason="logout")
        return super().post(request, *args, **kwargs)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm
    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "policy": settings.GRIDCARE_AUTH}


@staff_required
def security_locks(request: HttpRequest) -> HttpResponse:
    require(request_scope(request), Capability.SECURITY)
    auth = settings.GRIDCARE_AUTH
    context = {
        "accounts": selectors.locked_accounts(),
        "addresses": selectors.throttled_addresses(),
        "account_limit": auth["ACCOUNT_FAILURE_LIMIT"],
        "address_limit": auth["ADDRESS_FAILURE_LIMIT"],
        "minutes": auth["LOCK_MINUTES"],
    }
    return render(request, "org/security_locks.html", context)


def _confirm_then(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    action: Callable[[], object],
    *,
    success: str,
    then: str,
) -> HttpResponseBase:
    """A security page's action: GET shows its confirmation (``template`` with ``context``); POST
    does ``action`` through page_action (its refusal or ``success`` flashed), then goes to ``then``."""
    if request.method != "POST":
        return render(request, template, context)
    page_action(request, action, success=success)
    return redirect(then)


@staff_required
def security_unlock(request: HttpRequest) -> HttpResponseBase:
    """GET asks to confirm; POST unlocks the account (?username=) or the address (?address=)."""
    require(request_scope(request), Capability.SECURITY)
    username = request.GET.get("username", "")
    address = request.GET.get("address", "")
    actor = page_user(request)
    return _confirm_then(
        request,
        "org/security_unlock.html",
        {"username": username, "address": address},
        lambda: (
            services.address_release(actor=actor, ip_address=address)
            if address
            else services.lock_release(actor=actor, username=username)
        ),
        success=_("已解除锁定：%(who)s") % {"who": address or username},
        then="security:locks",
    )


# The token list's sortable columns (?sort=key or -key); otherwise the newest first.
TOKEN_SORTS: dict[str, tuple[str, ...]] = {
    "user": ("user__username", "-created_at", "-id"),
    "issued": ("created_at", "id"),
    "last_used": ("last_used_at", "-created_at", "-id"),
    "expires": ("expires_at", "-created_at", "-id"),
}


@staff_required
def security_tokens(request: HttpRequest) -> HttpResponse:
    require(request_scope(request), Capability.SECURITY)
    tokens, sorting = sort_rows(request, selectors.token_list(), TOKEN_SORTS)
    at = timezone.now()
    context = {
        "page": paginate(request, tokens).map(lambda token: selectors.token_row(token, at)),
        "sorting": sorting,
        "export_url": reverse("security:tokens_export"),
        "token_days": settings.GRIDCARE_API_TOKEN_DAYS,
        "token_idle": settings.GRIDCARE_AUTH["API_TOKEN_IDLE_MINUTES"],
    }
    return render(request, "org/security_tokens.html", context)


@staff_required
def security_tokens_export(request: HttpRequest) -> HttpResponseBase:
    """The token list whole, in the page's order, with the page's columns (never a token)."""
    require(request_scope(request), Capability.SECURITY)
    tokens, _sorting = sort_rows(request, selectors.token_list(), TOKEN_SORTS)
    at = timezone.now()
    header = [_("用户"), _("签发时间"), _("最后使用"), _("到期时间"), _("状态")]
    rows = (selectors.token_row(token, at) for token in tokens.iterator(chunk_size=2000))
    lines = ([r.user, r.created_at, r.last_used_at, r.expires_at, r.state] for r in rows)
    name = f"security-tokens-{timezone.localdate().isoformat()}"
    return export_response(header, lines, name=name, fmt=request.GET.get("format", ""))


@staff_required
def security_token_revoke(request: HttpRequest, token_id: int) -> HttpResponseBase:
    """GET asks to confirm; POST revokes the token."""
    require(request_scope(request), Capability.SECURITY)
    token = selectors.token_get(token_id=token_id)
    return _confirm_then(
        request,
        "org/security_token_revoke.html",
        {"token": token},
        lambda: services.token_revoke(actor=page_user(request), token_id=token.pk),
        success=_("已吊销 %(user)s 的令牌。") % {"user": token.user.get_username()},
        then="security:tokens",
    )


# The security record's sortable columns (?sort=key or -key); otherwise the newest first.
EVENT_SORTS: dict[str, tuple[str, ...]] = {
    "at": ("created_at", "id"),
    "type": ("type", "-created_at", "-id"),
    "username": ("username", "-created_at", "-id"),
    "address": ("ip_address", "-created_at", "-id"),
}


@staff_required
def security_events(request: HttpRequest) -> HttpResponse:
    require(request_scope(request), Capability.SECURITY)
    events, sorting = sort_rows(request, selectors.auth_event_list(), EVENT_SORTS)
    context = {
        "page": paginate(request, events),
        "sorting": sorting,
        "export_url": reverse("security:events_export"),
        "keep_days": settings.GRIDCARE_AUTH["AUDIT_KEEP_DAYS"],
    }
    return render(request, "org/security_events.html", context)


@staff_required
def security_events_export(request: HttpRequest) -> HttpResponseBase:
    """The security record whole, in the page's order."""
    require(request_scope(request), Capability.SECURITY)
    events, _sorting = sort_rows(request, selectors.auth_event_list(), EVENT_SORTS)
    header = [_("时间"), _("类型"), _("用户名"), _("地址"), _("操作人")]
    lines = (
        [e.created_at, e.get_type_display(), e.username, e.ip_address or "", e.actor.get_username() if e.actor else ""]
        for e in events.iterator(chunk_size=2000)
    )
    name = f"security-events-{timezone.localdate().isoformat()}"
    return export_response(header, lines, name=name, fmt=request.GET.get("format", ""))


# -- 抢修班组: the repair crews of the units in the caller's scope (CREW_EDIT) ----------------------


def _crew_form(crew: Crew, data: Any = None) -> CrewChangeForm:
    """A row's change form, under ids of its own (id_crew7_name …)."""
    initial = {"name": crew.name, "leader": crew.leader}
    return CrewChangeForm(data, initial=initial, auto_id=f"id_crew{crew.pk}_%s")


def _crews_page(
    request: HttpRequest,
    scope: Scope,
    *,
    form: CrewForm | None = None,
    changing: tuple[int, CrewChangeForm] | None = None,
) -> HttpResponse:
    """The list with the create form; a refused form (``form``, or a row's ``changing``: the
    crew's id and its form) shown as it was typed, with its messages beside its fields."""
    page = paginate(request, selectors.crew_list(scope))
    refused = dict([changing]) if changing else {}
    rows = [(crew, refused.get(crew.pk) or _crew_form(crew)) for crew in page.items]
    context = {
        "page": page,
        "rows": rows,
        "form": form or CrewForm(scope=scope),
        "history": selectors.crew_history(scope),
    }
    return render(request, "org/crews.html", context)


@staff_required
def crews(request: HttpRequest) -> HttpResponseBase:
    """GET: the crews and the form for a new one; POST: a new crew."""
    scope = require(request_scope(request), Capability.CREW_EDIT)
    form = CrewForm(request.POST if request.method == "POST" else None, scope=scope)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        made = page_action(
            request,
            lambda: services.crew_create(
                scope=scope, actor=page_user(request), unit=data["unit"], name=data["name"], leader=data["leader"]
            ),
            success=lambda crew: _("已新建班组：%(crew)s。") % {"crew": str(crew)},
            form=form,
        )
        if made is not None:
            return redirect("crews:list")
    return _crews_page(request, scope, form=form)


@require_POST
@staff_required
def crew_change(request: HttpRequest, crew_id: int) -> HttpResponseBase:
    """A crew's new name or leader; refused, the list again with the row's form as typed."""
    scope = require(request_scope(request), Capability.CREW_EDIT)
    crew = crew_get_for_scope(scope=scope, crew_id=crew_id)
    form = _crew_form(crew, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        done = page_action(
            request,
            lambda: services.crew_rename(
                scope=scope, actor=page_user(request), crew_id=crew.pk, name=data["name"], leader=data["leader"]
            ),
            success=lambda changed: _("已修改班组：%(crew)s。") % {"crew": str(changed)},
            form=form,
        )
        if done is not None:
            return redirect(reverse("crews:list") + _page_of(request))
    return _crews_page(request, scope, changing=(crew.pk, form))


def _page_of(request: HttpRequest) -> str:
    page = request.GET.get("page", "")
    return f"?page={page}" if page.isdigit() else ""


def _crew_switch(request: HttpRequest, crew_id: int, *, active: bool) -> HttpResponseBase:
    scope = require(request_scope(request), Capability.CREW_EDIT)
    crew = crew_get_for_scope(scope=scope, crew_id=crew_id)
    switch = services.crew_reactivate if active else services.crew_deactivate
    said = _("已恢复班组：%(crew)s。") if active else _("已停用班组：%(crew)s，派单时不再可选。")
    page_action(
        request,
        lambda: switch(scope=scope, actor=page_user(request), crew_id=crew.pk),
        success=said % {"crew": str(crew)},
    )
    return redirect(reverse("crews:list") + _page_of(request))


@require_POST
@staff_required
def crew_deactivate(request: HttpRequest, crew_id: int) -> HttpResponseBase:
    return _crew_switch(request, crew_id, active=False)


@require_POST
@staff_required
def crew_reactivate(request: HttpRequest, crew_id: int) -> HttpResponseBase:
    return _crew_switch(request, crew_id, active=True)
