"""Staff pages of the key-account portfolio (KEY-1):

- ``/key-accounts/``: 我的客户, the accounts in the caller's portfolio with their figures, sorted,
  filtered and paged, exported as CSV/Excel (``/key-accounts/export/``);
- ``/key-accounts/<户号>/``: one key account: its profile (industry, 用电影响度), visits, needs,
  follow-ups, current plan, findings and history, with links to the archive's card, bills and
  work orders;
- ``/key-accounts/assignments/``: supervisors give accounts a 大客户经理 and 台区 a 台区经理
  (asked first), with each one's history;
- ``/key-accounts/needs/``: the needs counted by category, industry and unit, with charts;
- ``/key-accounts/outages/<id>/``: the key accounts an outage cuts off, each with its plan;
- ``/key-accounts/peak-shifts/<id>/``: those a peak-shift order (错峰) names, each with its plan."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from gridcare.core.history import history_line
from gridcare.core.paging import export_response, paginate, sort_rows
from gridcare.core.views import confirmation, confirmed, page_action, page_get, staff_required
from gridcare.customers.models import Account
from gridcare.keyaccounts import portfolio_forms as forms
from gridcare.keyaccounts import selectors
from gridcare.keyaccounts.access import account_get_for_scope
from gridcare.keyaccounts.services import portfolio as services
from gridcare.notices.access import outage_get_for_scope, peak_shift_get_for_scope
from gridcare.org.access import Capability, Scope, can, request_scope, require
from gridcare.org.models import Role


def _filter_form(scope: Scope, data: Any) -> forms.PortfolioFilterForm:
    managers = None if scope.role == Role.KEY_ACCOUNT_MANAGER else selectors.manager_choices(scope)
    return forms.PortfolioFilterForm(
        data,
        units=selectors.portfolio_unit_choices(scope),
        grades=selectors.grade_choices(),
        industries=selectors.industry_choices(),
        managers=managers,
    )


def _rows(request: HttpRequest, scope: Scope) -> tuple[Any, Any, forms.PortfolioFilterForm]:
    form = _filter_form(scope, request.GET or None)
    filters = selectors.PortfolioFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.PortfolioFilters(
            unit=d["unit"], grade=d["grade"], industry=d["industry"], manager=d.get("manager", ""), q=d["q"]
        )
    rows, sorting = sort_rows(request, selectors.portfolio(scope=scope, filters=filters), selectors.SORTS)
    return rows, sorting, form


@staff_required
def portfolio(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_PORTFOLIO)
    rows, sorting, form = _rows(request, scope)
    page = paginate(request, rows)
    ids = [a.pk for a in page]
    outages, findings = selectors.coming_outages(ids), selectors.open_findings_by_kind(ids)
    shifts = selectors.coming_peak_shifts(ids)
    context = {
        "form": form,
        "page": page,
        "sorting": sorting,
        "rows": [(a, outages.get(a.pk, []), findings.get(a.pk, []), shifts.get(a.pk, [])) for a in page],
        "reminders": selectors.reminders_of(scope.staff) if scope.staff else [],
        "follow_ups": selectors.open_follow_ups_of(scope.staff)[:10] if scope.staff else [],
        "can_assign": can(scope, Capability.KEY_ASSIGN),
        "can_visit": can(scope, Capability.KEY_VISIT),
    }
    return render(request, "keyaccounts/portfolio.html", context)


def export_header() -> list[str]:
    return [
        _("户号"), _("客户名称"), _("供电单位"), _("重要等级"), _("合同容量(kVA)"), _("行业门类"), _("用电影响度"),
        _("大客户经理"), _("最近走访"), _("下次走访"), _("在办工单"), _("在办投诉"), _("欠费(元)"), _("待处理发现"),
    ]  # fmt: skip


def _export_line(row: Any) -> list[Any]:
    """One row of ``selectors.portfolio`` (an account with its figures annotated)."""
    from gridcare.keyaccounts.models import ImpactGrade, Industry

    return [
        row.account_no,
        row.customer.name,
        row.supply_unit.name,
        str(row.get_importance_grade_display()),
        row.contract_capacity_kva,
        str(Industry(row.industry).label) if row.industry else "",
        str(ImpactGrade(row.impact).label) if row.impact else "",
        row.key_account_manager.name if row.key_account_manager else "",
        row.last_visit.isoformat() if row.last_visit else "",
        row.next_visit.isoformat() if row.next_visit else "",
        row.open_orders,
        row.open_complaints,
        row.arrears or 0,
        row.open_findings,
    ]


@staff_required
def portfolio_export(request: HttpRequest) -> HttpResponseBase:
    scope = require(request_scope(request), Capability.KEY_PORTFOLIO)
    rows, _sorting, _form = _rows(request, scope)
    lines = (_export_line(a) for a in rows.iterator(chunk_size=500))
    return export_response(export_header(), lines, name="key-accounts", fmt=request.GET.get("format", ""))


def _account_page(request: HttpRequest, account: Account, profile_form: Any = None) -> HttpResponse:
    scope = request_scope(request)
    profile = selectors.profile_get(account)
    initial = (
        {"industry": profile.industry, "industry_note": profile.industry_note, "impact_grade": profile.impact_grade}
        if profile
        else {}
    )
    context = {
        "account": account,
        "profile": profile,
        "profile_form": profile_form or forms.ProfileForm(initial=initial),
        "visits": selectors.visits_of(account),
        "needs": selectors.needs_of(account),
        "follow_ups": selectors.follow_ups_of(account),
        "plan": selectors.current_plan(account),
        "plans": selectors.plans_of(account)[:10],
        "findings": selectors.findings_of(account),
        "outages": selectors.coming_outages([account.pk]).get(account.pk, []),
        "peak_shifts": selectors.coming_peak_shifts([account.pk]).get(account.pk, []),
        "history": selectors.account_history(account),
        "assignments": selectors.assignments_of(account=account)[:20],
        "can_visit": can(scope, Capability.KEY_VISIT),
        "can_plan": can(scope, Capability.KEY_PLAN_EDIT),
        "can_bills": can(scope, Capability.BILL_VIEW),
        "can_diagnose": can(scope, Capability.KEY_DIAGNOSIS),
        "need_form": forms.NeedStatusForm(),
        "done_form": forms.FollowUpDoneForm(),
    }
    return render(request, "keyaccounts/account.html", context)


@staff_required
def account(request: HttpRequest, account_no: str) -> HttpResponse:
    """One key account; a POST saves its profile (industry, 用电影响度)."""
    require(request_scope(request), Capability.KEY_PORTFOLIO)
    scope, found = page_get(request, account_get_for_scope, account_no=account_no)
    if request.method != "POST":
        return _account_page(request, found)
    form = forms.ProfileForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        data = services.ProfileData(
            industry=d["industry"], industry_note=d["industry_note"], impact_grade=d["impact_grade"]
        )
        saved = page_action(
            request,
            lambda: services.profile_update(scope=scope, actor=request.user, account=found, data=data),
            success=_("客户档案已保存。"),
            form=form,
        )
        if saved is not None:
            return redirect("keyaccounts:account", account_no=found.account_no)
    return _account_page(request, found, profile_form=form)


# -- assignments ---------------------------------------------------------------------------------


def _account_choices(accounts: Any) -> list[tuple[str, str]]:
    return [
        (a.account_no, f"{a.account_no} · {a.customer.name} · {a.get_importance_grade_display()}") for a in accounts
    ]


def _clean_q(raw: Any) -> str:
    return str(raw or "").replace("\x00", "").strip()[:40]


@staff_required
def assignments(request: HttpRequest) -> HttpResponse:
    """客户经理分配: pick an account (important ones first) or a 台区, a person and a reason;
    asked first, then saved through customers' services with the history."""
    scope = require(request_scope(request), Capability.KEY_ASSIGN)
    data = request.POST if request.method == "POST" else request.GET
    q, area_q = _clean_q(data.get("q")), _clean_q(data.get("area_q"))
    accounts = selectors.assignable_accounts(scope=scope, q=q)
    page = paginate(request, accounts)
    areas = selectors.assignable_areas(scope=scope, q=area_q)
    area_page = paginate(request, areas, param="area_page")
    chosen = _clean_q(data.get("account_no"))[:10]
    offered = _account_choices(page) + _account_choices(
        selectors.assignable_accounts(scope=scope, q=chosen) if chosen else []
    )
    area_offered = [(a.code, f"{a.name}（{a.code}）") for a in areas[:500]]
    kam_form = forms.AccountAssignForm(
        request.POST if request.POST.get("do") == "account" else None,
        accounts=offered,
        managers=selectors.manager_choices(scope, Role.KEY_ACCOUNT_MANAGER),
        initial={"account_no": chosen},
    )
    area_form = forms.AreaAssignForm(
        request.POST if request.POST.get("do") == "area" else None,
        areas=area_offered,
        managers=selectors.manager_choices(scope, Role.COMMUNITY_MANAGER),
        initial={"area": _clean_q(data.get("area"))},
    )
    confirm = None
    if request.method == "POST":
        done, confirm = _assign(request, scope, kam_form, area_form)
        if done:
            return redirect(request.path)
    context = {
        "q": q,
        "area_q": area_q,
        "page": page,
        "area_page": area_page,
        "kam_form": kam_form,
        "area_form": area_form,
        "confirm": confirm,
        "history": [(e, history_line(e)) for e in selectors.assignment_history(scope=scope)],
    }
    return render(request, "keyaccounts/assignments.html", context)


def _assign(request: HttpRequest, scope: Scope, kam_form: Any, area_form: Any) -> tuple[bool, Any]:
    """The POST of one of the two forms: asked first, then saved; (saved, the confirmation)."""
    is_area = request.POST.get("do") == "area"
    form = area_form if is_area else kam_form
    if not form.is_valid():
        return False, None
    d = form.cleaned_data
    person = dict(form.fields["staff"].choices).get(d["staff"]) if d["staff"] else None
    if not confirmed(request):
        if is_area:
            sentence = _("将台区 %(area)s 的台区经理设为 %(who)s，原因：%(reason)s。确定吗？") % {
                "area": dict(form.fields["area"].choices).get(d["area"], d["area"]),
                "who": person or _("（不再指定）"),
                "reason": d["reason"],
            }
        else:
            sentence = _("将户号 %(no)s 的大客户经理设为 %(who)s，原因：%(reason)s。确定吗？") % {
                "no": d["account_no"],
                "who": person or _("（不再指定）"),
                "reason": d["reason"],
            }
        return False, confirmation(request, sentence=sentence, button=_("确定分配"))
    made: object
    if is_area:
        made = page_action(
            request,
            lambda: services.area_assign(
                scope=scope, actor=request.user, area_code=d["area"], employee_no=d["staff"], reason=d["reason"]
            ),
            success=_("台区经理已分配，并已记入台区的分配记录。"),
            form=form,
        )
    else:
        made = page_action(
            request,
            lambda: services.account_assign(
                scope=scope, actor=request.user, account_no=d["account_no"], employee_no=d["staff"], reason=d["reason"]
            ),
            success=_("大客户经理已分配，并已记入该户的档案记录。"),
            form=form,
        )
    return made is not None, None


# -- needs analysis and outages -------------------------------------------------------------------


@staff_required
def needs(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.KEY_PORTFOLIO)
    tables = selectors.needs_analysis(scope=scope)
    titles = {"category": _("需求类别"), "industry": _("行业门类"), "unit": _("供电单位")}
    sections = [(key, titles[key], tables[key]) for key in titles]
    charts = {
        "series": [_("未办结"), _("已满足")],
        **{
            key: {"labels": [r[0] for r in rows], "open": [r[2] for r in rows], "met": [r[3] for r in rows]}
            for key, rows in tables.items()
        },
    }
    return render(request, "keyaccounts/needs.html", {"sections": sections, "charts": charts})


@staff_required
def outage(request: HttpRequest, outage_id: int) -> HttpResponse:
    """The key accounts in the caller's reach that an outage cuts off, each with its plan."""
    scope = require(request_scope(request), Capability.KEY_PORTFOLIO)
    found = outage_get_for_scope(scope=scope, outage_id=outage_id)
    touched = selectors.outage_key_accounts(scope=scope, outage_id=found.pk)
    return render(request, "keyaccounts/outage.html", {"outage": found, "touched": touched})


@staff_required
def peak_shift(request: HttpRequest, order_id: int) -> HttpResponse:
    """The key accounts in the caller's reach behind a peak-shift order's feeders, each with its plan."""
    scope = require(request_scope(request), Capability.KEY_PORTFOLIO)
    found = peak_shift_get_for_scope(scope=scope, order_id=order_id)
    touched = selectors.peak_shift_key_accounts(scope=scope, order_id=found.pk)
    context = {
        "order": found,
        "feeders": [f.name for f in found.feeders.order_by("code")],
        "touched": touched,
        "can_list": can(scope, Capability.PEAK_SHIFT),
    }
    return render(request, "keyaccounts/peak_shift.html", context)
