"""奖惩台账 (ASSESS-1): the entries about the people in the caller's reach (one's own for every
post) with filters, totals per person and month, sorting and an export of what the list shows;
proposing an entry, and the second person's approval or rejection."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridcare.assessment import selectors
from gridcare.assessment.access import ledger_get_for_scope
from gridcare.assessment.forms import DecisionForm, LedgerFilterForm, LedgerForm
from gridcare.assessment.models import LedgerEntry, LedgerKind, LedgerSource, LedgerStatus
from gridcare.assessment.services import ledger
from gridcare.core.paging import export_response, paginate, sort_rows
from gridcare.core.timezone import business_date
from gridcare.core.views import page_action, page_get, page_user, staff_required
from gridcare.org.access import Capability, Scope, can, request_scope, require


def _listed(request: HttpRequest, scope: Scope) -> tuple[Any, Any, LedgerFilterForm]:
    """The list as the filters ask (a filter refused on its field filters nothing), sorted."""
    filters = LedgerFilterForm(request.GET or None, scope=scope)
    wanted: dict[str, str] = {}
    if filters.is_bound:
        filters.is_valid()
        wanted = {k: v for k, v in getattr(filters, "cleaned_data", {}).items() if v}
    rows = selectors.ledger_list(
        scope=scope,
        employee_no=wanted.get("staff", ""),
        period=wanted.get("period", ""),
        status=wanted.get("status", ""),
    )
    rows, sorting = sort_rows(request, rows, selectors.LEDGER_SORTS)
    return rows, sorting, filters


@staff_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    scope = request_scope(request)
    rows, sorting, filters = _listed(request, scope)
    totals, grand = selectors.ledger_totals(rows)
    context = {
        "page": paginate(request, rows),
        "sorting": sorting,
        "filters": filters,
        "totals": totals,
        "grand": grand,
        "me": page_user(request).pk,
        "can_propose": can(scope, Capability.LEDGER_PROPOSE),
        "can_approve": can(scope, Capability.LEDGER_APPROVE),
        "decision": DecisionForm(),
    }
    return render(request, "assessment/ledger.html", context)


LEDGER_EXPORT_HEADER = (
    "工号",
    "姓名",
    "考核月份",
    "类别",
    "分值",
    "金额（元）",
    "来源",
    "来源编号",
    "事由",
    "状态",
    "提出人",
    "提出时间",
    "审批人",
    "审批时间",
    "审批意见",
)


def ledger_line(entry: LedgerEntry) -> list[Any]:
    """One entry as the list shows it and the export writes it."""
    return [
        entry.staff.employee_no,
        entry.staff.name,
        entry.period,
        str(LedgerKind(entry.kind).label),
        entry.points,
        entry.amount if entry.amount is not None else "",
        str(LedgerSource(entry.source_kind).label),
        entry.source_ref,
        entry.reason,
        str(LedgerStatus(entry.status).label),
        selectors.person_label(entry.proposed_by),
        entry.proposed_at,
        selectors.person_label(entry.decided_by),
        entry.decided_at or "",
        entry.decision_note,
    ]


@staff_required
def ledger_export(request: HttpRequest) -> HttpResponseBase:
    scope = request_scope(request)
    rows, _sorting, _filters = _listed(request, scope)
    header = [_(h) for h in LEDGER_EXPORT_HEADER]
    lines = (ledger_line(entry) for entry in rows.iterator())
    return export_response(header, lines, name=f"ledger-{business_date():%Y%m%d}", fmt=request.GET.get("format", "csv"))


def _entry_of(form: LedgerForm) -> ledger.NewEntry:
    data = form.cleaned_data
    return ledger.NewEntry(
        employee_no=data.get("staff") or "",
        kind=data.get("kind") or "",
        points=data.get("points"),
        amount=data.get("amount") or None,
        reason=data.get("reason") or "",
        source_kind=data.get("source_kind") or "",
        period=data.get("period") or "",
        source_ref=data.get("source_ref") or "",
    )


@staff_required
def ledger_new(request: HttpRequest) -> HttpResponse:
    """Propose an entry (LEDGER_PROPOSE): it counts once a second person approves it."""
    scope = require(request_scope(request), Capability.LEDGER_PROPOSE)
    initial = {"period": f"{business_date():%Y-%m}", "kind": LedgerKind.REWARD}
    form = LedgerForm(request.POST or None, scope=scope, initial=initial)
    if request.method == "POST" and form.is_valid():
        entry = page_action(
            request,
            lambda: ledger.ledger_propose(scope=scope, actor=page_user(request), data=_entry_of(form)),
            form=form,
            success=lambda e: _("已提出%(kind)s，待另一位审批人批准。") % {"kind": LedgerKind(e.kind).label},
        )
        if entry is not None:
            return redirect("assessment:ledger_entry", entry_id=entry.pk)
    return render(request, "assessment/ledger_new.html", {"form": form})


@staff_required
def ledger_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    scope, entry = page_get(request, ledger_get_for_scope, entry_id=entry_id)
    context = {
        "entry": entry,
        "proposer": selectors.person_label(entry.proposed_by),
        "decider": selectors.person_label(entry.decided_by),
        "events": selectors.ledger_history(entry),
        "me": page_user(request).pk,
        "can_approve": can(scope, Capability.LEDGER_APPROVE),
        "decision": DecisionForm(),
    }
    return render(request, "assessment/ledger_entry.html", context)


_DECISIONS = {
    "approve": (ledger.ledger_approve, Capability.LEDGER_APPROVE, gettext_lazy("已批准。")),
    "reject": (ledger.ledger_reject, Capability.LEDGER_APPROVE, gettext_lazy("已驳回。")),
    "withdraw": (ledger.ledger_withdraw, Capability.LEDGER_PROPOSE, gettext_lazy("已撤回。")),
}


@staff_required
@require_POST
def ledger_decide(request: HttpRequest, entry_id: int, action: str) -> HttpResponse:
    """Approve, reject (with its reason) or withdraw an entry; back to the list when the button
    was on it, else to the entry. Not in reach: 404; a post without the capability: 403."""
    if action not in _DECISIONS:
        raise Http404
    decide, capability, done = _DECISIONS[action]
    scope, entry = page_get(request, ledger_get_for_scope, entry_id=entry_id)
    require(scope, capability)
    form = DecisionForm(request.POST)
    note = (form.cleaned_data.get("note") or "") if form.is_valid() else ""
    page_action(
        request,
        lambda: decide(scope=scope, actor=page_user(request), entry_id=entry.pk, note=note),
        success=str(done),
    )
    if request.POST.get("back") == "list":
        return redirect("assessment:ledger")
    return redirect("assessment:ledger_entry", entry_id=entry.pk)
