"""Staff pages of key-account visits (走访, KEY-2):

- ``/key-accounts/visits/?month=YYYY-MM&manager=<工号>``: the month's calendar of a manager's
  visits (a 大客户经理 their own; a supervisor picks one of the unit's, or all);
- ``/key-accounts/<户号>/visits/new/``: a visit planned (day, purpose; a supervisor picks who);
- ``/key-accounts/visits/<id>/``: the visit; recorded with its facts, or cancelled (asked first);
- the needs' status and the follow-ups' completion, from the account's page."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.exceptions import DomainError
from gridcare.core.timezone import business_date
from gridcare.core.views import confirmation, confirmed, page_action, page_get, staff_required
from gridcare.keyaccounts import portfolio_forms as forms
from gridcare.keyaccounts import selectors
from gridcare.keyaccounts.access import account_get_for_scope, staff_get, visit_filter, visit_get_for_scope
from gridcare.keyaccounts.models import FollowUp, Visit, VisitNeed, VisitStatus
from gridcare.keyaccounts.rules.facts import GENERATION_TYPES, LOAD_USES
from gridcare.keyaccounts.services import visits as services
from gridcare.org.access import Capability, Scope, can, request_scope, require
from gridcare.org.models import Role


def _weeks(first: date, visits: list[Visit]) -> list[list[dict[str, Any]]]:
    """The month as weeks (Monday first) of days, each with its visits; blanks outside the month."""
    by_day: dict[date, list[Visit]] = {}
    for v in visits:
        by_day.setdefault(v.planned_for, []).append(v)
    weeks = []
    for week in calendar.Calendar().monthdatescalendar(first.year, first.month):
        weeks.append([{"day": d, "in_month": d.month == first.month, "visits": by_day.get(d, [])} for d in week])
    return weeks


@staff_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_VISIT)
    first = selectors.month_start(str(request.GET.get("month", "")))
    managers = None if scope.role == Role.KEY_ACCOUNT_MANAGER else selectors.manager_choices(scope)
    manager = scope.staff if managers is None else None
    picked = str(request.GET.get("manager", "")).replace("\x00", "")[:20]
    if managers is not None and picked:
        manager = staff_get(scope=scope, employee_no=picked, role=Role.KEY_ACCOUNT_MANAGER)
    visits = list(selectors.month_visits(scope=scope, manager=manager, first=first))
    previous = (first.replace(day=1) - date.resolution).replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    context = {
        "first": first,
        "weeks": _weeks(first, visits),
        "managers": managers,
        "manager": manager,
        "picked": picked,
        "previous": previous.strftime("%Y-%m"),
        "following": following.strftime("%Y-%m"),
        "today": business_date(),
    }
    return render(request, "keyaccounts/calendar.html", context)


@staff_required
def visit_new(request: HttpRequest, account_no: str) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_VISIT)
    scope, account = page_get(request, account_get_for_scope, account_no=account_no)
    managers = None if scope.role == Role.KEY_ACCOUNT_MANAGER else selectors.manager_choices(scope)
    initial = {"manager": account.key_account_manager.employee_no if account.key_account_manager else ""}
    form = forms.VisitPlanForm(request.POST if request.method == "POST" else None, managers=managers, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        made = page_action(
            request,
            lambda: services.visit_plan(
                scope=scope,
                actor=request.user,
                account=account,
                day=d["day"],
                purpose=d["purpose"],
                manager=d.get("manager", ""),
            ),
            success=lambda v: (
                _("已安排 %(day)s 走访，前一天将提醒 %(who)s。") % {"day": v.planned_for, "who": v.manager.name}
            ),
            form=form,
        )
        if made is not None:
            return redirect("keyaccounts:visit", visit_id=made.pk)
    return render(request, "keyaccounts/visit_new.html", {"account": account, "form": form})


def _refuse_on(form: Any, exc: DomainError, places: dict[str, str]) -> None:
    """A refusal's messages on the form's rows (a list's message on its first row)."""
    placed = False
    for key, message in exc.errors.items():
        target = key if key in form.fields else places.get(key)
        if target in form.fields:
            form.add_error(target, str(message))
            placed = True
    if not placed or not exc.errors or exc.message:
        form.add_error(None, str(exc.message))


def _visit_page(request: HttpRequest, visit: Visit, **extra: Any) -> HttpResponse:
    scope = request_scope(request)
    owners = selectors.owner_choices(scope)
    context = {
        "visit": visit,
        "record_form": extra.get("record_form") or forms.VisitRecordForm(owners=owners),
        "cancel_form": extra.get("cancel_form") or forms.CancelForm(),
        "confirm": extra.get("confirm"),
        "needs": visit.needs.all(),
        "follow_ups": visit.follow_ups.select_related("owner"),
        "history": visit.events.select_related("actor__staff").order_by("-created_at", "-id"),
        "planned": visit.status == VisitStatus.PLANNED,
        "can_visit": can(scope, Capability.KEY_VISIT),
        "load_uses": LOAD_USES,
        "generation_types": GENERATION_TYPES,
    }
    return render(request, "keyaccounts/visit.html", context)


@staff_required
def visit(request: HttpRequest, visit_id: int) -> HttpResponse:
    """A visit; POST ``do=record`` records it with its facts, ``do=cancel`` calls it off (asked first)."""
    require(request_scope(request), Capability.KEY_PORTFOLIO)
    scope, found = page_get(request, visit_get_for_scope, visit_id=visit_id)
    if request.method != "POST":
        return _visit_page(request, found)
    if request.POST.get("do") == "cancel":
        return _cancel(request, scope, found)
    form = forms.VisitRecordForm(request.POST, owners=selectors.owner_choices(scope))
    if form.is_valid():
        data = services.VisitFacts(**form.facts())
        try:
            services.visit_record(scope=scope, actor=request.user, visit=found, data=data)
        except DomainError as exc:
            _refuse_on(form, exc, forms.VisitRecordForm.PLACES)
        else:
            messages.success(request, _("走访已登记，客户档案与下次走访日期已更新。"))
            return redirect("keyaccounts:visit", visit_id=found.pk)
    return _visit_page(request, found, record_form=form)


def _cancel(request: HttpRequest, scope: Scope, found: Visit) -> HttpResponse:
    form = forms.CancelForm(request.POST)
    if form.is_valid():
        if not confirmed(request):
            sentence = _("取消 %(day)s 对 %(name)s 的走访吗？取消后不再提醒。") % {
                "day": found.planned_for,
                "name": found.account.customer.name,
            }
            return _visit_page(
                request,
                found,
                cancel_form=form,
                confirm=confirmation(request, sentence=sentence, button=_("确定取消走访")),
            )
        done = page_action(
            request,
            lambda: services.visit_cancel(
                scope=scope, actor=request.user, visit=found, reason=form.cleaned_data["reason"]
            ),
            success=_("走访已取消。"),
            form=form,
        )
        if done is not None:
            return redirect("keyaccounts:visit", visit_id=found.pk)
    return _visit_page(request, found, cancel_form=form)


@staff_required
@require_POST
def need_status(request: HttpRequest, need_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_VISIT)
    need = get_object_or_404(VisitNeed.objects.filter(visit__in=Visit.objects.filter(visit_filter(scope))), pk=need_id)
    form = forms.NeedStatusForm(request.POST)
    if form.is_valid():
        page_action(
            request,
            lambda: services.need_set_status(
                scope=scope,
                actor=request.user,
                need=need,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
            success=_("需求办理状态已更新。"),
        )
    else:
        messages.error(request, _("请选择需求的办理状态。"))
    return redirect("keyaccounts:account", account_no=need.account.account_no)


@staff_required
@require_POST
def follow_up_done(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_VISIT)
    item = get_object_or_404(
        FollowUp.objects.filter(visit__in=Visit.objects.filter(visit_filter(scope))).select_related("account"),
        pk=follow_up_id,
    )
    form = forms.FollowUpDoneForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    page_action(
        request,
        lambda: services.follow_up_done(scope=scope, actor=request.user, follow_up=item, note=note),
        success=_("跟进事项已完成。"),
    )
    return redirect("keyaccounts:account", account_no=item.account.account_no)
