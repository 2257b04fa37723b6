"""Pages of the billing office (电费核算): dunning steps, reconciliation, bank debit, and the
tariff versions (administrators). A billing clerk works their own supply unit; another unit's
objects are "not found" (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.billing import access, forms, selectors
from gridcare.billing.conf import billing_str
from gridcare.billing.exports import (
    dunning_header,
    dunning_lines,
    reconnection_header,
    reconnection_lines,
    stage_label,
)
from gridcare.billing.models import Bill, DunningStep, DunningStepKind, Tariff
from gridcare.billing.services.arrears import dunning_step_take, reconnection_done
from gridcare.billing.services.debit import debit_batch_export, debit_batch_settle
from gridcare.billing.services.reconcile import reconciliation_upload
from gridcare.billing.services.tariffs import tariff_create, tariff_versions, tariffs_in_force
from gridcare.billing.views import sorted_list
from gridcare.core.exceptions import DomainError
from gridcare.core.paging import Sorting, export_response, paginate, sort_rows
from gridcare.core.timezone import business_date
from gridcare.core.views import form_errors_from, page_action, staff_required
from gridcare.org.access import Capability, Scope, request_scope, require
from gridcare.org.models import Hall, SupplyUnit


def _office(request: HttpRequest) -> tuple[Scope, User]:
    scope = request_scope(request)
    require(scope, Capability.BILLING_OFFICE)
    if not isinstance(request.user, User):
        raise Http404
    return scope, request.user


def _places(scope: Scope) -> tuple[list[SupplyUnit], list[Hall]]:
    """The units and halls the caller may filter the dunning list by."""
    units = SupplyUnit.objects.all()
    if not scope.everything:
        units = units.filter(pk=scope.unit_id) if scope.unit_id else units.filter(company_id=scope.company_id or 0)
    unit_list = list(units.order_by("code"))
    halls = Hall.objects.filter(unit__in=unit_list).order_by("code")
    return unit_list, list(halls)


def _dunning_filters(request: HttpRequest, scope: Scope) -> dict[str, Any]:
    units, halls = _places(scope)
    unit = next((u for u in units if u.code == request.GET.get("unit")), None)
    hall = next((h for h in halls if h.code == request.GET.get("hall")), None)
    stage = request.GET.get("stage", "")
    return {
        "units": units,
        "halls": halls,
        "unit": unit,
        "hall": hall,
        "stage": stage if stage in selectors.DUNNING_STAGES else None,
        "where": {"unit_id": unit.pk if unit else None, "hall_id": hall.pk if hall else None},
    }


# The dunning list's sortable columns (?sort=key or -key); otherwise the oldest due first. The
# bills are sorted in the database before ``dunning_row`` dresses each one, so only columns of the
# bill and its account sort (account, unit, hall, period, due); what is owed, the latest step and
# the step's window are worked out per row in Python and do not.
DUNNING_SORTS: dict[str, tuple[str, ...]] = {
    "account": ("account__account_no", "period", "id"),
    "unit": ("account__supply_unit__name", "due_date", "account__account_no", "id"),
    "hall": ("account__hall__name", "due_date", "account__account_no", "id"),
    "period": ("period", "account__account_no", "id"),
    "due": ("due_date", "account__account_no", "id"),
}
# The reconnections due (?reconnections_sort=key or -key); otherwise the nearest deadline first.
RECONNECTION_SORTS: dict[str, tuple[str, ...]] = {
    "account": ("bill__account__account_no", "deadline", "id"),
    "unit": ("bill__account__supply_unit__name", "deadline", "id"),
    "hall": ("bill__account__hall__name", "deadline", "id"),
    "paid": ("done_on", "deadline", "id"),
    "deadline": ("deadline", "id"),
}
# The step a bill waiting at a stage records from its row.
STEP_OF_STAGE = {
    "notice": DunningStepKind.NOTICE,
    "cutoff_notice": DunningStepKind.CUTOFF_NOTICE,
    "cutoff": DunningStepKind.CUTOFF,
}


def _step_ids(bill_id: int) -> str:
    """Each row's step form under ids of its own (convention 6)."""
    return f"id_step{bill_id}_%s"


def _reconnection_ids(step_id: int) -> str:
    return f"id_reconnect{step_id}_%s"


@dataclass(frozen=True)
class _DunningList:
    filters: dict[str, Any]
    counts: dict[str, int]
    stage: str  # the stage asked for, else the first that has bills
    bills: QuerySet[Bill]  # sorted as asked
    sorting: Sorting


def _dunning_list(request: HttpRequest, scope: Scope, on: date) -> _DunningList:
    """The bills the dunning page lists (filtered, one stage, sorted): its pages and its export."""
    filters = _dunning_filters(request, scope)
    counts = selectors.dunning_counts(scope=scope, on=on, **filters["where"])
    stage = filters["stage"] or next((s for s in selectors.DUNNING_STAGES if counts[s]), "reminder")
    bills = selectors.dunning_bills(scope=scope, on=on, stage=stage, **filters["where"])
    listed, sorting = sort_rows(request, bills, DUNNING_SORTS)
    return _DunningList(filters, counts, stage, listed, sorting)


def _reconnections(
    request: HttpRequest, scope: Scope, where: dict[str, int | None]
) -> tuple[QuerySet[DunningStep], Sorting]:
    """The reconnections due the page lists (the dunning list's filters ``where``), sorted."""
    steps = selectors.reconnections_due(scope=scope, **where)
    return sorted_list(request, steps, RECONNECTION_SORTS, param="reconnections_sort", page_param="reconnections_page")


@staff_required
def dunning(request: HttpRequest) -> HttpResponse:
    """Overdue bills by the dunning step they wait for: one stage at a time, paged, with the
    count of every stage; the reconnections due, paged."""
    scope, _user = _office(request)
    return _dunning_page(request, scope)


def _dunning_page(
    request: HttpRequest,
    scope: Scope,
    *,
    refused_step: tuple[Bill, forms.DunningStepForm] | None = None,
    refused_reconnection: tuple[DunningStep, forms.ReconnectionForm] | None = None,
) -> HttpResponse:
    """The dunning page; after a refused step or reconnection, with that row's form as it was
    sent (what was typed, the message beside its field), answered 200 at the action's URL. A row
    no longer on the page shows its form above the lists."""
    on, now = business_date(), timezone.now()
    listed = _dunning_list(request, scope, on)
    page = paginate(request, listed.bills).map(lambda bill: selectors.dunning_row(bill, on))
    steps, reconnection_sorting = _reconnections(request, scope, listed.filters["where"])
    reconnections = paginate(request, steps, param="reconnections_page")
    rows = [(r, _step_form(r, on, refused_step)) for r in page.items]
    reconnection_rows = [(s, _reconnection_form(s, now, refused_reconnection)) for s in reconnections.items]
    shown_bills, shown_steps = {r.bill.pk for r, _f in rows}, {s.pk for s, _f in reconnection_rows}
    context = {
        **listed.filters,
        "today": on,
        "stage": listed.stage,
        "counts": [(s, stage_label(s), listed.counts[s]) for s in selectors.DUNNING_STAGES],
        "page": page,
        "rows": rows,
        "owed": selectors.owed_total(listed.bills),
        "sorting": listed.sorting,
        "export_url": reverse("billing:dunning_export"),
        "reconnections": reconnections,
        "reconnection_rows": reconnection_rows,
        "reconnection_sorting": reconnection_sorting,
        "reconnections_export_url": reverse("billing:reconnections_export"),
        "refused_step": refused_step if refused_step and refused_step[0].pk not in shown_bills else None,
        "refused_reconnection": (
            refused_reconnection if refused_reconnection and refused_reconnection[0].pk not in shown_steps else None
        ),
        "now": now,
    }
    return render(request, "billing/dunning.html", context)


def _step_form(
    row: selectors.DunningRow, on: date, refused: tuple[Bill, forms.DunningStepForm] | None
) -> forms.DunningStepForm | None:
    if refused is not None and refused[0].pk == row.bill.pk:
        return refused[1]
    step = STEP_OF_STAGE.get(row.stage)
    if step is None:  # reminders are sent by the daily job; a cut-off account waits for payment
        return None
    return forms.DunningStepForm(initial={"step": step, "on": on}, auto_id=_step_ids(row.bill.pk))


def _reconnection_form(
    step: DunningStep, now: datetime, refused: tuple[DunningStep, forms.ReconnectionForm] | None
) -> forms.ReconnectionForm:
    if refused is not None and refused[0].pk == step.pk:
        return refused[1]
    return forms.ReconnectionForm(initial={"at": now}, auto_id=_reconnection_ids(step.pk))


@staff_required
def dunning_export(request: HttpRequest) -> HttpResponseBase:
    """The dunning list the page shows (its filters, its stage, its order), whole, masked."""
    scope, _user = _office(request)
    on = business_date()
    bills = _dunning_list(request, scope, on).bills
    name = f"dunning-{on.isoformat()}"
    return export_response(dunning_header(), dunning_lines(bills, on), name=name, fmt=request.GET.get("format", ""))


@staff_required
def reconnections_export(request: HttpRequest) -> HttpResponseBase:
    """The reconnections due the page lists (its filters, its order), whole."""
    scope, _user = _office(request)
    steps, _sorting = _reconnections(request, scope, _dunning_filters(request, scope)["where"])
    name = f"reconnections-{business_date().isoformat()}"
    return export_response(
        reconnection_header(), reconnection_lines(steps), name=name, fmt=request.GET.get("format", "")
    )


@staff_required
@require_POST
def dunning_step(request: HttpRequest, bill_id: int) -> HttpResponse:
    scope, user = _office(request)
    bill = access.bill_get_for_scope(scope=scope, bill_id=bill_id)
    form = forms.DunningStepForm(request.POST, auto_id=_step_ids(bill.pk))
    if form.is_valid():
        step = DunningStepKind(form.cleaned_data["step"])
        taken = page_action(
            request,
            lambda: dunning_step_take(scope=scope, bill=bill, step=step, on=form.cleaned_data["on"], actor=user),
            success=_("户号 %(no)s：已记录“%(s)s”。") % {"no": bill.account.account_no, "s": step.label},
            form=form,
        )
        if taken is not None:
            return redirect("billing:dunning")
    return _dunning_page(request, scope, refused_step=(bill, form))


@staff_required
@require_POST
def reconnection(request: HttpRequest, step_id: int) -> HttpResponse:
    scope, user = _office(request)
    step = access.dunning_step_get_for_scope(scope=scope, step_id=step_id)
    form = forms.ReconnectionForm(request.POST, auto_id=_reconnection_ids(step.pk))
    if form.is_valid():
        done = page_action(
            request,
            lambda: reconnection_done(scope=scope, step=step, actor=user, at=form.cleaned_data["at"]),
            success=_("户号 %(no)s：已记录复电。") % {"no": step.bill.account.account_no},
            form=form,
        )
        if done is not None:
            return redirect("billing:dunning")
    return _dunning_page(request, scope, refused_reconnection=(step, form))


@staff_required
def reconciliations(request: HttpRequest) -> HttpResponse:
    scope, user = _office(request)
    form = forms.ReconciliationForm(request.POST or None, request.FILES or None, scope=scope)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["statement"]
        try:
            rec = reconciliation_upload(
                scope=scope,
                actor=user,
                channel=form.cleaned_data["channel"],
                business_date=form.cleaned_data["business_date"],
                file_name=upload.name,
                content=upload.read(),
                unit_code=form.cleaned_data["unit"],
            )
        except DomainError as exc:
            form_errors_from(form, exc)
            errors = exc.errors
        else:
            return redirect("billing:reconciliation", reconciliation_id=rec.pk)
    else:
        errors = {}
    listed, sorting = sort_rows(request, selectors.reconciliations(scope=scope), RECONCILIATION_SORTS)
    context = {
        "form": form,
        "errors": errors,
        "page": paginate(request, listed),
        "sorting": sorting,
        "export_url": reverse("billing:reconciliations_export"),
    }
    return render(request, "billing/reconciliations.html", context)


# The reconciliation list's sortable columns (?sort=key or -key); otherwise the newest first.
RECONCILIATION_SORTS: dict[str, tuple[str, ...]] = {
    "date": ("business_date", "id"),
    "channel": ("channel", "-created_at", "-id"),
    "matched": ("matched", "-created_at", "-id"),
    "created": ("created_at", "id"),
}


@staff_required
def reconciliations_export(request: HttpRequest) -> HttpResponseBase:
    """The reconciliations the page lists, whole, in its order."""
    scope, _user = _office(request)
    listed, _sorting = sort_rows(request, selectors.reconciliations(scope=scope), RECONCILIATION_SORTS)
    header = [_("对账日期"), _("缴费渠道"), _("范围"), _("对账文件"), _("一致"), _("差异"), _("对账人"), _("对账时间")]
    lines = (
        [
            r.business_date.isoformat(),
            r.get_channel_display(),
            r.unit.name if r.unit else _("全部"),
            r.statement_name,
            r.matched,
            r.differences,
            r.actor.username if r.actor else "",
            r.created_at,
        ]
        for r in listed.select_related("actor").annotate(differences=Count("items"))
    )
    return export_response(header, lines, name=f"reconciliations-{business_date()}", fmt=request.GET.get("format", ""))


@staff_required
def reconciliation(request: HttpRequest, reconciliation_id: int) -> HttpResponse:
    scope, _user = _office(request)
    rec = access.reconciliation_get_for_scope(scope=scope, reconciliation_id=reconciliation_id)
    items = rec.items.order_by("kind", "channel_txn_id")
    context = {"rec": rec, "items": items}
    return render(request, "billing/reconciliation.html", context)


@staff_required
def debit_batches(request: HttpRequest) -> HttpResponse:
    scope, user = _office(request)
    form = forms.DebitExportForm(request.POST or None, initial={"on": business_date()}, scope=scope)
    if request.method == "POST" and form.is_valid():
        batch = page_action(
            request,
            lambda: debit_batch_export(
                scope=scope,
                actor=user,
                unit_code=form.cleaned_data["unit"],
                **{k: form.cleaned_data[k] for k in ("bank_code", "period", "on")},
            ),
            form=form,
        )
        if batch is not None:
            return redirect("billing:debit_batch", batch_id=batch.pk)
    listed, sorting = sort_rows(request, selectors.debit_batches(scope=scope), DEBIT_SORTS)
    context = {
        "form": form,
        "page": paginate(request, listed),
        "sorting": sorting,
        "export_url": reverse("billing:debit_batches_export"),
    }
    return render(request, "billing/debit_batches.html", context)


# The debit batch list's sortable columns (?sort=key or -key); otherwise the newest first.
DEBIT_SORTS: dict[str, tuple[str, ...]] = {
    "batch": ("id",),
    "bank": ("bank_code", "-id"),
    "period": ("period", "-id"),
    "on": ("on", "-id"),
    "total": ("total", "-id"),
    "status": ("status", "-id"),
}


@staff_required
def debit_batches_export(request: HttpRequest) -> HttpResponseBase:
    """The debit batches the page lists, whole, in its order."""
    scope, _user = _office(request)
    listed, _sorting = sort_rows(request, selectors.debit_batches(scope=scope), DEBIT_SORTS)
    header = [
        _("批次"),
        _("银行"),
        _("范围"),
        _("账期"),
        _("扣款日期"),
        _("笔数"),
        _("代扣总额"),
        _("状态"),
        _("扣款成功"),
        _("扣款失败"),
    ]
    lines = (
        [
            f"#{b.pk}",
            b.bank_code,
            b.unit.name if b.unit else _("全部"),
            b.period,
            b.on.isoformat(),
            b.lines,
            b.total,
            b.get_status_display(),
            b.paid,
            b.failed,
        ]
        for b in listed
    )
    return export_response(header, lines, name=f"debit-batches-{business_date()}", fmt=request.GET.get("format", ""))


@staff_required
def debit_batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    scope, user = _office(request)
    batch = access.debit_batch_get_for_scope(scope=scope, batch_id=batch_id)
    form = forms.DebitResultForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["result"]
        settled = page_action(
            request,
            lambda: debit_batch_settle(
                scope=scope, actor=user, batch=batch, file_name=upload.name, content=upload.read()
            ),
            success=lambda done: _("回盘已入账：成功 %(p)s 笔，失败 %(f)s 笔。") % {"p": done.paid, "f": done.failed},
            form=form,
        )
        if settled is not None:
            return redirect("billing:debit_batch", batch_id=batch.pk)
    return render(request, "billing/debit_batch.html", {"batch": batch, "form": form})


@staff_required
def debit_file(request: HttpRequest, batch_id: int) -> HttpResponse:
    scope, _user = _office(request)
    batch = access.debit_batch_get_for_scope(scope=scope, batch_id=batch_id)
    answer = HttpResponse(batch.content.encode("utf-8"), content_type="text/csv; charset=utf-8")
    answer["Content-Disposition"] = f'attachment; filename="debit-{batch.bank_code}-{batch.period}-{batch.pk}.csv"'
    return answer


def _tariff_staff(request: HttpRequest) -> Scope:
    scope = request_scope(request)
    return require(scope, Capability.TARIFF_EDIT)


@staff_required
def tariffs(request: HttpRequest) -> HttpResponse:
    _tariff_staff(request)
    province = billing_str("PROVINCE")
    on = business_date()
    context = {
        "province": province,
        "today": on,
        "in_force": sorted(tariffs_in_force(province=province, on=on).values(), key=lambda t: t.code),
        "versions": tariff_versions(province=province),
    }
    return render(request, "billing/tariffs.html", context)


@staff_required
def tariff_new(request: HttpRequest, tariff_id: int) -> HttpResponse:
    """A new version of a tariff, starting from the fields of version ``tariff_id``."""
    _tariff_staff(request)
    base = get_object_or_404(Tariff.objects.prefetch_related("tou_periods"), pk=tariff_id)
    initial = {name: getattr(base, name) for name in forms.TariffVersionForm.Meta.fields if name != "effective_from"}
    form = forms.TariffVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in forms.TariffVersionForm.Meta.fields}
        try:
            made = tariff_create(province=base.province, tou_periods=list(base.tou_periods.all()), **fields)
        except DomainError as exc:
            for field, message in exc.errors.items():
                form.add_error(field if field in form.fields else None, str(message))
            if not exc.errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("已新增电价 %(code)s，自 %(d)s 起执行。") % {"code": made.code, "d": made.effective_from.isoformat()},
            )
            return redirect("billing:tariffs")
    return render(request, "billing/tariff_new.html", {"form": form, "base": base})
