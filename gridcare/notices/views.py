from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core import timezone as tz
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import export_response, paginate, sort_rows
from gridcare.core.timezone import business_date
from gridcare.core.views import (
    Confirmation,
    ask_first,
    confirmation,
    confirmed,
    flash_error,
    page_action,
    page_get,
    staff_required,
)
from gridcare.notices import forms, reliability, selectors
from gridcare.notices.access import outage_get_for_scope
from gridcare.notices.defaults import DEFAULT_TEMPLATES
from gridcare.notices.models import Outage
from gridcare.notices.services import outages
from gridcare.notices.services import templates as notice_templates
from gridcare.org.access import Capability, Scope, can, request_scope, require


@staff_required
def quality(request: HttpRequest) -> HttpResponse:
    require(request_scope(request), Capability.NOTICE_QUALITY)
    days = 30 if request.GET.get("days") == "30" else 7
    rows = selectors.channel_quality(since=tz.now() - timedelta(days=days))
    return render(
        request, "notices/quality.html", {"rows": rows, "charts": selectors.quality_charts(rows), "days": days}
    )


@staff_required
def reliability_page(request: HttpRequest) -> HttpResponse:
    """SAIFI/SAIDI of a supply unit for a month, planned vs fault (PLAN-4)."""
    scope = request_scope(request)
    require(scope, Capability.RELIABILITY_VIEW)
    units = reliability.reliability_units(scope)
    unit_code = request.GET.get("unit") or (units[0].code if units else "")
    month = request.GET.get("month") or f"{tz.business_date():%Y-%m}"
    figures = None
    try:
        if unit_code:
            figures = reliability.unit_reliability(scope=scope, unit_code=unit_code, month=month)
    except DomainError as exc:
        flash_error(request, exc)
    return render(
        request,
        "notices/reliability.html",
        {"units": units, "unit_code": unit_code, "month": month, "r": figures},
    )


@staff_required
def templates(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.TEMPLATE_VIEW)
    return render(
        request,
        "notices/templates.html",
        {"rows": selectors.template_rows(), "can_edit": can(scope, Capability.TEMPLATE_EDIT)},
    )


@staff_required
def template_edit(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.TEMPLATE_EDIT)
    if code not in DEFAULT_TEMPLATES:
        raise Http404
    row = next(r for r in selectors.template_rows() if r.code == code)
    form = forms.TemplateForm(request.POST or None, initial={"text": row.text})
    if request.method == "POST" and form.is_valid():
        saved = page_action(
            request,
            lambda: notice_templates.template_save(scope=scope, actor=request.user, code=code, **form.cleaned_data),
            success=lambda made: _("已保存为第%(v)s版并启用。") % {"v": made.version},
            form=form,
        )
        if saved is not None:
            return redirect("notices:templates")
    return render(request, "notices/template_edit.html", {"row": row, "form": form})


@staff_required
@require_POST
def template_activate(request: HttpRequest, code: str) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.TEMPLATE_EDIT)
    if code not in DEFAULT_TEMPLATES or not request.POST.get("version", "").isdigit():
        raise Http404
    notice_templates.template_activate(scope=scope, code=code, version=int(request.POST["version"]))
    messages.success(request, _("已切换模板版本。"))
    return redirect("notices:templates")


@staff_required
def outage_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    outages_sorted, sorting = sort_rows(request, selectors.outage_list(scope=scope), OUTAGE_SORTS)
    context = {
        "rows": paginate(request, outages_sorted).map(selectors.outage_card),
        "sorting": sorting,
        "export_url": reverse("notices:outages_export"),
        "can_register": can(scope, Capability.OUTAGE_EDIT),
    }
    return render(request, "notices/outages.html", context)


# The outage list's sortable columns (?sort=key or -key); otherwise the latest start first.
OUTAGE_SORTS: dict[str, tuple[str, ...]] = {
    "kind": ("kind", "-starts_at", "-id"),
    "status": ("status", "-starts_at", "-id"),
    "starts": ("starts_at", "id"),
    "ends": ("ends_at", "id"),
    "accounts": ("affected_accounts", "-starts_at", "-id"),
    "notices": ("notices_queued", "-starts_at", "-id"),
}


@staff_required
def outage_list_export(request: HttpRequest) -> HttpResponseBase:
    """The outage list whole, in the page's order."""
    scope = request_scope(request)
    outages_sorted, _sorting = sort_rows(request, selectors.outage_list(scope=scope), OUTAGE_SORTS)
    cards = (selectors.outage_card(o) for o in outages_sorted)
    header = [
        _("类型"),
        _("状态"),
        _("原因"),
        _("线路/台区"),
        _("停电开始"),
        _("预计恢复"),
        _("影响户数"),
        _("通知条数"),
    ]
    lines = (
        [
            c["kind_label"],
            c["status_label"],
            c["reason"],
            " ".join([*c["feeders"], *c["areas"]]),
            c["starts_at"],
            c["ends_at"],
            c["affected_accounts"],
            c["notices_queued"],
        ]
        for c in cards
    )
    name = f"outages-{business_date().isoformat()}"
    return export_response(header, lines, name=name, fmt=request.GET.get("format", ""))


@staff_required
def outage_new(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    require(scope, Capability.OUTAGE_EDIT)
    form = forms.OutageForm(request.POST or None, scope=scope)
    confirm: Confirmation | None = None
    if request.method == "POST" and form.is_valid():
        data = outages.NewOutage(**form.cleaned_data)
        confirm, outage = ask_first(
            request,
            ask=lambda: _outage_confirmation(request, outages.outage_preview(scope=scope, data=data)),
            act=lambda: outages.outage_register(scope=scope, actor=request.user, data=data),
            form=form,
            success=_registered,
        )
        if outage is not None:
            return redirect("notices:outage_detail", outage_id=outage.pk)
    return render(request, "notices/outage_new.html", {"form": form, "confirm": confirm})


def _registered(made: Outage) -> str:
    return _("停电已登记，影响%(n)s户，已生成%(m)s条通知。") % {"n": made.affected_accounts, "m": made.notices_queued}


def _outage_confirmation(request: HttpRequest, preview: outages.OutagePreview) -> Confirmation:
    sentence = _("将向 %(n)s 户发送停电通知（%(areas)s 个台区）。确认登记并通知？") % {
        "n": f"{preview.accounts:,}",
        "areas": preview.areas,
    }
    return confirmation(request, sentence=sentence, button=_("确认登记并通知"))


@staff_required
def outage_detail(request: HttpRequest, outage_id: int) -> HttpResponse:
    scope, outage = page_get(request, outage_get_for_scope, outage_id=outage_id)
    return _outage_page(request, scope, outage)


def _outage_page(
    request: HttpRequest, scope: Scope, outage: Outage, confirm: Confirmation | None = None
) -> HttpResponse:
    context = {
        "o": selectors.outage_card(outage),
        "history": selectors.outage_history(outage),
        "counts": selectors.outage_notice_counts(outage),
        "can_change": can(scope, Capability.OUTAGE_EDIT),
        "restore_form": forms.RestoreForm(),
        "confirm": confirm,
    }
    return render(request, "notices/outage_detail.html", context)


@staff_required
@require_POST
def outage_change(request: HttpRequest, outage_id: int, action: str) -> HttpResponse:
    scope, outage = page_get(request, outage_get_for_scope, outage_id=outage_id)
    form = forms.RestoreForm(request.POST)
    if action not in ("restore", "cancel") or not form.is_valid():
        raise Http404
    if action == "cancel" and not confirmed(request) and can(scope, Capability.OUTAGE_EDIT):
        sentence = _("取消后，受影响的 %(n)s 户将收到停电取消通知，尚未发出的停电通知撤回。确认取消这次停电？") % {
            "n": f"{outage.affected_accounts:,}"
        }
        return _outage_page(request, scope, outage, confirmation(request, sentence=sentence, button=_("确认取消停电")))
    try:
        if action == "restore":
            outages.outage_restore(
                scope=scope, actor=request.user, outage=outage, restored_at=form.cleaned_data["restored_at"]
            )
        else:
            outages.outage_cancel(scope=scope, actor=request.user, outage=outage)
    except DomainError as exc:
        flash_error(request, exc)
    else:
        messages.success(request, _("办理成功。"))
    return redirect("notices:outage_detail", outage_id=outage_id)
