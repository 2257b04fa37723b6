from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.exceptions import Conflict, DomainError, InvalidInput
from gridcare.core.paging import Sorting, export_response, paginate, sort_rows
from gridcare.core.views import form_errors_from, is_htmx, page_action, page_get, page_user, staff_required
from gridcare.customers import forms, selectors, services, unmasking
from gridcare.customers.access import account_get_for_scope
from gridcare.customers.exports import unmask_audit_header, unmask_audit_lines, worklist_header, worklist_lines
from gridcare.customers.models import Account, AccountStatus, ArchiveIssue, UnmaskAudit
from gridcare.customers.related import related_to
from gridcare.org.access import (
    Capability,
    Scope,
    can,
    request_scope,
    require,
)


@staff_required
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")
    cards = [selectors.account_card(a) for a in selectors.account_search(scope=request_scope(request), q=q)]
    template = "customers/_results.html" if is_htmx(request) else "customers/search.html"
    return render(request, template, {"q": q, "cards": cards})


def _detail(request: HttpRequest, scope: Scope, account: Account, status: int = 200, **extra: Any) -> HttpResponse:
    context = {
        "card": selectors.account_card(account),
        "related": related_to(scope=scope, account=account),
        "history": paginate(request, selectors.account_history(account)),
        "can_edit": can(scope, Capability.ARCHIVE_EDIT),
        "can_unmask": can(scope, Capability.ACCOUNT_UNMASK),
        "forms": _change_forms(),
        "unmask_form": forms.UnmaskForm(prefix="unmask"),
        "exchanges": account.meter_exchanges.select_related("old_meter", "new_meter")[:5],
        "can_exchange": can(scope, Capability.METER_EXCHANGE),
        **extra,
    }
    return render(request, "customers/detail.html", context, status=status)


@staff_required
def detail(request: HttpRequest, account_no: str) -> HttpResponse:
    scope = request_scope(request)
    return _detail(request, scope, account_get_for_scope(scope=scope, account_no=account_no))


@staff_required
def create(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.ARCHIVE_EDIT)
    form = forms.CustomerForm(request.POST or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        data = services.NewCustomer(**form.cleaned_data)
        account = page_action(
            request,
            lambda: services.customer_create(scope=scope, actor=request.user, data=data),
            success=lambda made: _("立户成功，户号 %(no)s。") % {"no": made.account_no},
            form=form,
        )
        if account is not None:
            return redirect("customers:detail", account_no=account.account_no)
    return render(request, "customers/create.html", {"form": form})


def _change_forms() -> dict[str, Form]:
    return {
        "transfer": forms.TransferForm(prefix="transfer"),
        "rename": forms.RenameForm(prefix="rename"),
        "tariff": forms.TariffForm(prefix="tariff"),
        "status": forms.StatusForm(prefix="status"),
        "phone": forms.PhoneForm(prefix="phone"),
    }


# Each account change: its form and how to call its service with the cleaned data.
_CHANGES: dict[str, tuple[type[Form], Callable[..., Any]]] = {
    "transfer": (forms.TransferForm, lambda **kw: services.account_transfer(**kw)),
    "rename": (forms.RenameForm, lambda **kw: services.account_rename(**kw)),
    "tariff": (forms.TariffForm, lambda **kw: services.account_change_tariff(**kw)),
    "status": (
        forms.StatusForm,
        lambda status, **kw: services.account_transition(to=AccountStatus(status), **kw),
    ),
    "phone": (forms.PhoneForm, lambda **kw: services.contact_set_phone(**kw)),
}


@staff_required
@require_POST
def change(request: HttpRequest, account_no: str, kind: str) -> HttpResponse:
    if kind not in _CHANGES:
        raise Http404
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    form_class, call = _CHANGES[kind]
    form = form_class(request.POST, prefix=kind)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容：") + "；".join(str(e[0]) for e in form.errors.values()))
        return redirect("customers:detail", account_no=account_no)
    try:
        call(scope=scope, actor=request.user, account=account, **form.cleaned_data)
    except DomainError as exc:
        details = "；".join(str(m) for m in exc.errors.values())
        messages.error(request, f"{exc.message}{('（' + details + '）') if details else ''}")
    else:
        messages.success(request, _("办理成功。"))
    return redirect("customers:detail", account_no=account_no)


def _unmask_reason(request: HttpRequest) -> tuple[str, str]:
    """The reason from the page's form (``unmask-`` fields), or from a plain post as the API
    names them (``reason_code``, ``reason_text`` or the older ``reason``)."""
    post = request.POST
    code = post.get("unmask-reason_code", post.get("reason_code", ""))
    text = post.get("unmask-reason_text", post.get("reason_text", "")) or post.get("reason", "")
    return code, text


@staff_required
@require_POST
def unmask(request: HttpRequest, account_no: str) -> HttpResponse:
    """The 查看完整信息 form: with htmx the numbers (or why not) in place, otherwise the account
    page again with them. Refusals keep their status: 403 post, 422 reason, 429 limit."""
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    code, text = _unmask_reason(request)
    form = forms.UnmaskForm({"unmask-reason_code": code, "unmask-reason_text": text}, prefix="unmask")
    form.is_valid()
    status = 200
    try:
        full = services.account_unmask(scope=scope, actor=request.user, account=account, reason=text, reason_code=code)
    except DomainError as exc:
        if isinstance(exc, InvalidInput):
            form_errors_from(form, exc)
        status = exc.status_code
        extra: dict[str, Any] = {"error": exc.message, "unmask_form": form, "unmask_open": True}
    else:
        extra = {"full": full}
    if is_htmx(request):
        extra["card"] = selectors.account_card(account)
        return render(request, "customers/_unmasked.html", extra, status=status)
    return _detail(request, scope, account, status=status, **extra)


def _worklist_scope(request: HttpRequest) -> Scope:
    scope = request_scope(request)
    require(scope, Capability.ARCHIVE_QUALITY)
    return scope


# The worklist's sortable columns (?sort=key or -key); otherwise by account, then problem.
WORKLIST_SORTS: dict[str, tuple[str, ...]] = {
    "account": ("account__account_no", "kind"),
    "customer": ("account__customer__name", "account__account_no", "kind"),
    "unit": ("account__supply_unit__code", "account__account_no", "kind"),
    "kind": ("kind", "account__account_no"),
    "found": ("found_at", "id"),
}


def _worklist_listed(request: HttpRequest, scope: Scope) -> tuple[QuerySet[ArchiveIssue], str | None, Sorting]:
    """The open issues of the chosen problem kind, sorted: the page shows them in pages, the
    export whole."""
    kind = request.GET.get("kind") or None
    issues, sorting = sort_rows(request, selectors.archive_worklist(scope=scope, kind=kind), WORKLIST_SORTS)
    return issues, kind, sorting


@staff_required
def worklist(request: HttpRequest) -> HttpResponse:
    scope = _worklist_scope(request)
    listed, kind, sorting = _worklist_listed(request, scope)
    summary = selectors.archive_summary(scope=scope)
    kinds = [(value, label, summary["per_kind"].get(value, 0)) for value, label in ArchiveIssue.Kind.choices]
    context = {
        "issues": paginate(request, listed),
        "summary": summary,
        "kinds": kinds,
        "kind": kind,
        "sorting": sorting,
        "export_url": reverse("customers:worklist_export"),
    }
    return render(request, "customers/worklist.html", context)


@staff_required
def worklist_export(request: HttpRequest) -> HttpResponseBase:
    """The worklist as the page filters and sorts it, whole, as CSV (or ``format=xlsx``),
    personal data masked (CUST-4)."""
    scope = _worklist_scope(request)
    listed, _kind, _sorting = _worklist_listed(request, scope)
    return export_response(
        worklist_header(), worklist_lines(listed), name="archive-worklist", fmt=request.GET.get("format", "")
    )


# -- the unmasking audit (CUST-4): supervisors for their unit, administrators for all ----------


def _audit_scope(request: HttpRequest) -> Scope:
    scope = request_scope(request)
    require(scope, Capability.UNMASK_AUDIT)
    return scope


def _audit_filters(form: forms.UnmaskAuditFilterForm) -> selectors.UnmaskAuditFilters:
    """The filters that are valid; a bad one is shown on the form and left out."""
    form.is_valid()
    data = form.cleaned_data
    return selectors.UnmaskAuditFilters(
        person=(data.get("person") or "").strip(),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        reason=data.get("reason") or "",
        account_no=(data.get("account_no") or "").strip(),
        outcome=data.get("outcome") or "",
    )


# The audit's sortable columns (?sort=key or -key); otherwise the newest first. Never the
# reason's text: its order would tell what the masked digits are.
AUDIT_SORTS: dict[str, tuple[str, ...]] = {
    "at": ("created_at", "id"),
    "person": ("actor__username", "-created_at", "-id"),
    "post": ("post", "-created_at", "-id"),
    "actor_unit": ("actor_unit__code", "-created_at", "-id"),
    "account": ("account__account_no", "-created_at", "-id"),
    "customer": ("account__customer__name", "-created_at", "-id"),
    "account_unit": ("account_unit__code", "-created_at", "-id"),
    "reason": ("reason_code", "-created_at", "-id"),
    "outcome": ("outcome", "-created_at", "-id"),
}


def _audit_listed(
    request: HttpRequest, scope: Scope
) -> tuple[QuerySet[UnmaskAudit], forms.UnmaskAuditFilterForm, Sorting]:
    """The audit rows of the form's valid filters, sorted: the page and its export."""
    form = forms.UnmaskAuditFilterForm(request.GET)
    rows = selectors.unmask_audit_list(scope=scope, filters=_audit_filters(form))
    listed, sorting = sort_rows(request, rows, AUDIT_SORTS)
    return listed, form, sorting


@staff_required
def unmask_audit(request: HttpRequest) -> HttpResponse:
    scope = _audit_scope(request)
    listed, form, sorting = _audit_listed(request, scope)
    return render(
        request,
        "customers/unmask_audit.html",
        {
            "form": form,
            "page": paginate(request, listed).map(selectors.unmask_audit_row),
            "sorting": sorting,
            "alerts": selectors.unmask_alerts_open(scope=scope),
            "export_url": reverse("customers:unmask_audit_export"),
        },
    )


@staff_required
def unmask_audit_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered audit, whole, in the page's order, as CSV or ``format=xlsx`` (formula-safe,
    numbers in the reason's text masked as on the page)."""
    scope = _audit_scope(request)
    listed, _form, _sorting = _audit_listed(request, scope)
    lines = unmask_audit_lines(listed.iterator(chunk_size=2000))
    return export_response(unmask_audit_header(), lines, name="unmask-audit", fmt=request.GET.get("format", ""))


@staff_required
@require_POST
def unmask_alert_ack(request: HttpRequest, alert_id: int) -> HttpResponse:
    scope = _audit_scope(request)
    try:
        unmasking.alert_acknowledge(scope=scope, actor=page_user(request), alert_id=alert_id)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("已标记为处理。"))
    return redirect("customers:unmask_audit")
