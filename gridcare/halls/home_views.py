"""Staff pages of home service (上门服务) and the mobile service rounds (流动服务车), WO-9:

- ``/halls/home-visits/``: the queue in the caller's reach (hall staff their hall's, supervisors
  their unit's, agents the company's), filtered by state and day, paged;
- ``/halls/home-visits/new/``: a clerk or a 95598 agent asks for a visit (an account picked from a
  search, its address, a contact phone, the business and why the customer cannot come);
- ``/halls/home-visits/<id>/``: the request, its history as sentences, and the actions the
  state still allows (schedule, reassign, done, failed, cancel — cancelling asked first);
- ``/halls/home-visits/my-day/``: the visiting clerk's day with the addresses (the contact phone
  in full to the assigned clerk, masked to everyone else) and done/failed;
- ``/halls/rounds/``: the unit's timetable of stops (draft, published, cancelled)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.paging import paginate
from gridcare.core.timezone import business_date
from gridcare.core.views import Confirmation, confirmation, confirmed, page_action, page_get, staff_required
from gridcare.customers.rules import mask_phone
from gridcare.customers.selectors import account_search, area_choices
from gridcare.halls import home_forms, home_selectors
from gridcare.halls.access import home_visit_get_for_scope, round_stop_get_for_scope
from gridcare.halls.home_rules import HomeAction, actions_open
from gridcare.halls.models import HomeVisit, HomeVisitStatus, MobileRoundStop, RoundStatus
from gridcare.halls.services import home_visits, mobile_rounds
from gridcare.org.access import Capability, Path, Reach, Scope, can, request_scope, require
from gridcare.org.selectors import unit_choices


def _row(visit: HomeVisit, scope: Scope) -> dict[str, Any]:
    """A visit as a staff page shows it: the phone in full only to the clerk sent there."""
    mine = scope.staff is not None and visit.clerk_id == scope.staff.pk
    return {"v": visit, "phone": visit.phone if mine else mask_phone(visit.phone), "mine": mine}


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.HOME_VISIT_VIEW)
    form = home_forms.HomeFilterForm(request.GET or None)
    filters = home_selectors.HomeVisitFilters()
    if form.is_valid():
        filters = home_selectors.HomeVisitFilters(status=form.cleaned_data["status"], day=form.cleaned_data["date"])
    page = paginate(request, home_selectors.home_visit_list(scope=scope, filters=filters))
    context = {
        "form": form,
        "page": page,
        "rows": [_row(v, scope) for v in page],
        "can_request": can(scope, Capability.HOME_VISIT_REQUEST),
    }
    return render(request, "halls/home_queue.html", context)


def _account_choices(scope: Scope, q: str) -> list[tuple[str, str]]:
    if not q:
        return []
    return [
        (a.account_no, f"{a.account_no} · {a.customer.name} · {a.address}") for a in account_search(scope=scope, q=q)
    ]


@staff_required
def new(request: HttpRequest) -> HttpResponse:
    """Ask for a visit for an account found by number, phone, name or address."""
    scope = require(request_scope(request), Capability.HOME_VISIT_REQUEST)
    data = request.POST if request.method == "POST" else request.GET
    q = str(data.get("q", "")).strip()[:60].replace("\x00", "")
    chosen = str(data.get("account_no", "")).strip()[:10]
    accounts = _account_choices(scope, q or chosen)
    form = home_forms.HomeRequestForm(
        request.POST if request.method == "POST" else None, accounts=accounts, initial={"account_no": chosen}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ask = home_visits.HomeVisitAsk(purpose=d["purpose"], reason=d["reason"], note=d["note"], phone=d["phone"])
        made = page_action(
            request,
            lambda: home_visits.home_visit_request(
                scope=scope, actor=request.user, account_no=d["account_no"], ask=ask
            ),
            success=lambda r: (
                _("上门服务申请已提交，等待营业厅安排。") if r[1] else _("该户已有同一业务的上门服务申请，未重复提交。")
            ),
            form=form,
        )
        if made is not None:
            return redirect("halls:home_visit", visit_id=made[0].pk)
    return render(request, "halls/home_new.html", {"form": form, "q": q, "found": accounts})


def _detail(request: HttpRequest, visit: HomeVisit, confirm: Confirmation | None = None, **forms: Any) -> HttpResponse:
    scope = request_scope(request)
    allowed = actions_open(visit.status)
    clerks = home_selectors.clerk_choices(visit.hall)
    initial = {
        "date": visit.day.isoformat() if visit.day else "",
        "start": f"{visit.starts_at:%H:%M}" if visit.starts_at else "",
        "clerk": visit.clerk.employee_no if visit.clerk else "",
    }
    context = {
        **_row(visit, scope),
        "history": home_selectors.home_visit_history(visit),
        "schedule_form": forms.get("schedule_form")
        or home_forms.ScheduleForm(hall=visit.hall, clerks=clerks, initial=initial),
        "outcome_form": forms.get("outcome_form") or home_forms.OutcomeForm(),
        "cancel_form": forms.get("cancel_form") or home_forms.HomeCancelForm(),
        "can_manage": can(scope, Capability.HOME_VISIT_MANAGE),
        "can_cancel": can(scope, Capability.HOME_VISIT_REQUEST) or can(scope, Capability.HOME_VISIT_MANAGE),
        "can_outcome": home_visits.may_record_outcome(scope, visit),
        "may": {action.value: action in allowed for action in HomeAction},
        "confirm": confirm,
    }
    return render(request, "halls/home_visit.html", context)


@staff_required
def detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    require(request_scope(request), Capability.HOME_VISIT_VIEW)
    _scope, visit = page_get(request, home_visit_get_for_scope, visit_id=visit_id)
    return _detail(request, visit)


@staff_required
@require_POST
def act(request: HttpRequest, visit_id: int, action: str) -> HttpResponse:
    """One action on the visit; the message stays on the visit's page (cancelling asked first)."""
    if action not in {a.value for a in HomeAction}:
        raise Http404(_("页面不存在。"))
    scope, visit = page_get(request, home_visit_get_for_scope, visit_id=visit_id)
    back = redirect("halls:home_visit", visit_id=visit.pk)
    if action in (HomeAction.SCHEDULE, HomeAction.REASSIGN):
        form: Any = home_forms.ScheduleForm(
            request.POST, hall=visit.hall, clerks=home_selectors.clerk_choices(visit.hall)
        )
        if form.is_valid():
            d = form.cleaned_data
            done = page_action(
                request,
                lambda: home_visits.home_visit_schedule(
                    scope=scope,
                    actor=request.user,
                    visit=visit,
                    day=d["date"],
                    start=d["start"],
                    clerk=d["clerk"],
                    reassign=action == HomeAction.REASSIGN,
                ),
                success=_("已安排上门，并已短信告知客户。"),
                form=form,
            )
            if done is not None:
                return back
        return _detail(request, visit, schedule_form=form)
    if action in (HomeAction.DONE, HomeAction.FAILED):
        form = home_forms.OutcomeForm(request.POST)
        if form.is_valid():
            finished = page_action(
                request,
                lambda: home_visits.home_visit_finish(
                    scope=scope,
                    actor=request.user,
                    visit=visit,
                    done=action == HomeAction.DONE,
                    note=form.cleaned_data["note"],
                ),
                success=_("已登记上门结果，并已短信告知客户。"),
                form=form,
            )
            if finished is not None:
                return redirect("halls:home_my_day") if request.POST.get("next") == "my-day" else back
        return _detail(request, visit, outcome_form=form)
    form = home_forms.HomeCancelForm(request.POST)
    if form.is_valid():
        if not confirmed(request):
            sentence = _("取消后营业厅不再上门，客户将收到取消短信。确定取消这项上门服务吗？")
            return _detail(
                request, visit, confirmation(request, sentence=sentence, button=_("确定取消")), cancel_form=form
            )
        cancelled = page_action(
            request,
            lambda: home_visits.home_visit_cancel(
                scope=scope, actor=request.user, visit=visit, reason=form.cleaned_data["reason"]
            ),
            success=_("上门服务已取消，并已短信告知客户。"),
            form=form,
        )
        if cancelled is not None:
            return back
    return _detail(request, visit, cancel_form=form)


@staff_required
def my_day(request: HttpRequest) -> HttpResponse:
    """The visiting clerk's visits of a day (today unless ?date=), in slot order."""
    scope = request_scope(request)
    raw = request.GET.get("date", "")
    try:
        day = date.fromisoformat(raw) if raw else business_date()
    except ValueError:
        day = business_date()
    rows = home_selectors.home_visits_of_clerk(staff=scope.staff, day=day) if scope.staff else HomeVisit.objects.none()
    context = {"day": day, "rows": [_row(v, scope) for v in rows], "outcome_form": home_forms.OutcomeForm()}
    context["scheduled"] = HomeVisitStatus.SCHEDULED
    return render(request, "halls/home_my_day.html", context)


# --- the mobile service rounds ----------------------------------------------------------------------


def _stop_form(scope: Scope, data: Any = None, **kwargs: Any) -> home_forms.StopForm:
    return home_forms.StopForm(
        data,
        units=unit_choices(scope),
        areas=area_choices(scope.filter(Reach.UNIT, Path.unit_of("feeder__unit"))),
        **kwargs,
    )


def _stop_data(form: home_forms.StopForm) -> mobile_rounds.StopData:
    d = form.cleaned_data
    return mobile_rounds.StopData(
        unit=d["unit"],
        area=d["area"],
        village=d["village"],
        day=d["day"],
        start=d["start"],
        end=d["end"],
        place=d["place"],
    )


@staff_required
def rounds(request: HttpRequest) -> HttpResponse:
    """The timetable from today on, and a stop added to it."""
    scope = require(request_scope(request), Capability.MOBILE_ROUND_EDIT)
    form = _stop_form(scope, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        made = page_action(
            request,
            lambda: mobile_rounds.round_stop_save(
                scope=scope, actor=request.user, data=_stop_data(form), publish=form.cleaned_data["publish"]
            ),
            success=lambda s: (
                _("站点已发布，客户可在网上营业厅看到。")
                if s.status == RoundStatus.PUBLISHED
                else _("站点已保存为草稿。")
            ),
            form=form,
        )
        if made is not None:
            return redirect("halls:rounds")
    page = paginate(request, home_selectors.round_stops(scope=scope, since=business_date()))
    return render(request, "halls/home_rounds.html", {"form": form, "page": page})


def _stop_page(request: HttpRequest, stop: MobileRoundStop, form: Any = None, confirm: Any = None) -> HttpResponse:
    scope = request_scope(request)
    initial = {
        "unit": stop.unit.code,
        "area": stop.area.code,
        "village": stop.village,
        "day": stop.day,
        "start": stop.starts_at,
        "end": stop.ends_at,
        "place": stop.place,
    }
    context = {"stop": stop, "form": form or _stop_form(scope, initial=initial), "confirm": confirm}
    return render(request, "halls/home_round.html", context)


@staff_required
def round_stop(request: HttpRequest, stop_id: int) -> HttpResponse:
    """A stop: corrected (``do=save``), published (``do=publish``) or cancelled (``do=cancel``, asked first)."""
    require(request_scope(request), Capability.MOBILE_ROUND_EDIT)
    scope, stop = page_get(request, round_stop_get_for_scope, stop_id=stop_id)
    if request.method != "POST":
        return _stop_page(request, stop)
    do = request.POST.get("do", "save")
    if do == "publish":
        page_action(
            request,
            lambda: mobile_rounds.round_stop_transition(
                scope=scope, actor=request.user, stop=stop, to=RoundStatus.PUBLISHED
            ),
            success=_("站点已发布，客户可在网上营业厅看到。"),
        )
        return redirect("halls:round_stop", stop_id=stop.pk)
    if do == "cancel":
        if not confirmed(request):
            sentence = _("取消后客户不再看到%(village)s %(day)s的站点。确定取消吗？") % {
                "village": stop.village,
                "day": stop.day.isoformat(),
            }
            return _stop_page(request, stop, confirm=confirmation(request, sentence=sentence, button=_("确定取消站点")))
        page_action(
            request,
            lambda: mobile_rounds.round_stop_transition(
                scope=scope, actor=request.user, stop=stop, to=RoundStatus.CANCELLED
            ),
            success=_("站点已取消。"),
        )
        return redirect("halls:round_stop", stop_id=stop.pk)
    form = _stop_form(scope, request.POST)
    if form.is_valid():
        saved = page_action(
            request,
            lambda: mobile_rounds.round_stop_save(scope=scope, actor=request.user, data=_stop_data(form), stop=stop),
            success=_("站点已保存。"),
            form=form,
        )
        if saved is not None:
            return redirect("halls:round_stop", stop_id=stop.pk)
    return _stop_page(request, stop, form=form)
