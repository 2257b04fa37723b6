"""The staffing plan's pages (PLAN-1):

- ``/planning/staffing/``: a plan made (hall, days, targets, the diversion lever), the plans of
  one's reach, paged;
- ``/planning/staffing/<id>/``: the plan, a chart per day, under- and over-staffed periods as
  sentences, the forecast's backtest, the simulation (PLAN-2's partial), adoption asked first;
- ``/planning/staffing/<id>/export.xlsx``: its half hours in Excel;
- ``/planning/staffing/roster/``: the counters a hall opens per half hour of a day.

PLAN_VIEW reads, PLAN_EDIT makes, adopts and enters."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.paging import paginate, xlsx_response
from gridcare.core.timezone import business_date
from gridcare.core.views import confirmation, confirmed, page_action, page_get, staff_required
from gridcare.halls.figures import wait_target_minutes
from gridcare.org.access import Capability, can, request_scope, require
from gridcare.org.models import Counter
from gridcare.planning import selectors_staffing as reads
from gridcare.planning import staffing_forms as forms
from gridcare.planning.access import hall_get_for_scope, plan_get_for_scope
from gridcare.planning.models import PlanStatus, StaffingPlan
from gridcare.planning.rules.staffing import opening_slots, slot_start
from gridcare.planning.services import staffing as services


def _initial() -> dict[str, Any]:
    start = business_date() + timedelta(days=1)
    return {
        "first_day": start,
        "last_day": start + timedelta(days=6),
        "wait_target_minutes": wait_target_minutes(),
        "share_target_percent": reads.staffing_settings()["SHARE_TARGET_PERCENT"],
        "diversion_percent": 0,
    }


@staff_required
def plans(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.PLAN_VIEW)
    editing = can(scope, Capability.PLAN_EDIT)
    form = forms.PlanForm(request.POST if request.method == "POST" else None, scope=scope, initial=_initial())
    if request.method == "POST":
        require(scope, Capability.PLAN_EDIT)
        if form.is_valid():
            d = form.cleaned_data
            hall = hall_get_for_scope(scope=scope, hall_code=d["hall"])
            ask = services.PlanAsk(
                first_day=d["first_day"],
                last_day=d["last_day"],
                wait_target_minutes=d["wait_target_minutes"],
                share_target_percent=d["share_target_percent"],
                diversion_percent=d["diversion_percent"],
            )
            made = page_action(
                request,
                lambda: services.plan_create(scope=scope, actor=request.user, hall=hall, ask=ask),
                success=lambda p: (
                    _("已为 %(hall)s 制定 %(first)s 至 %(last)s 的排班计划（草稿）。")
                    % {"hall": p.hall.name, "first": p.first_day, "last": p.last_day}
                ),
                form=form,
            )
            if made is not None:
                return redirect("planning:staffing_plan", plan_id=made.pk)
    page = paginate(request, reads.plans_for(scope))
    return render(request, "planning/staffing.html", {"form": form, "page": page, "can_edit": editing})


def _plan_context(request: HttpRequest, plan: StaffingPlan, **extra: Any) -> dict[str, Any]:
    scope = request_scope(request)
    days = reads.plan_days(plan)
    sentences = [reads.period_sentence(p) for d in days for p in d.periods]
    return {
        "plan": plan,
        "days": days,
        "sentences": sentences,
        "totals": reads.totals(plan),
        "chart": reads.chart_data(days),
        "can_edit": can(scope, Capability.PLAN_EDIT),
        "can_adopt": can(scope, Capability.PLAN_EDIT) and plan.status == PlanStatus.DRAFT and bool(plan.simulation),
        "history": plan.events.select_related("actor").order_by("created_at", "id"),
        **extra,
    }


@staff_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    require(request_scope(request), Capability.PLAN_VIEW)
    _scope, plan = page_get(request, plan_get_for_scope, plan_id=plan_id)
    return render(request, "planning/staffing_plan.html", _plan_context(request, plan))


@staff_required
@require_POST
def plan_adopt(request: HttpRequest, plan_id: int) -> HttpResponse:
    scope = require(request_scope(request), Capability.PLAN_EDIT)
    _scope, plan = page_get(request, plan_get_for_scope, plan_id=plan_id)
    if not confirmed(request):
        ask = confirmation(
            request,
            sentence=_("采用后，该计划将成为 %(hall)s %(first)s 至 %(last)s 的排班依据，此前已采用的重叠计划将被替代。")
            % {"hall": plan.hall.name, "first": plan.first_day, "last": plan.last_day},
            button=_("确认采用"),
            cancel=request.path.removesuffix("adopt/"),
        )
        return render(request, "planning/staffing_plan.html", _plan_context(request, plan, confirm=ask))
    page_action(
        request,
        lambda: services.plan_adopt(scope=scope, actor=request.user, plan=plan),
        success=_("已采用该排班计划。"),
    )
    return redirect("planning:staffing_plan", plan_id=plan.pk)


@staff_required
def plan_export(request: HttpRequest, plan_id: int) -> HttpResponseBase:
    require(request_scope(request), Capability.PLAN_VIEW)
    _scope, plan = page_get(request, plan_get_for_scope, plan_id=plan_id)
    name = f"staffing-plan-{plan.hall.code}-{plan.first_day:%Y%m%d}-{plan.last_day:%Y%m%d}"
    return xlsx_response(reads.export_header(), reads.export_rows(plan), name=name)


@staff_required
def roster(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.PLAN_EDIT)
    source = request.POST if request.method == "POST" else request.GET
    pick = forms.RosterPickForm(source or None, scope=scope, initial={"day": business_date() + timedelta(days=1)})
    context: dict[str, Any] = {"pick": pick}
    if source and pick.is_valid():
        hall = hall_get_for_scope(scope=scope, hall_code=pick.cleaned_data["hall"])
        day = pick.cleaned_data["day"]
        slots = [f"{slot_start(s):%H:%M}" for s in opening_slots(hall.opens_at, hall.closes_at)]
        most = max(Counter.objects.filter(hall=hall).count(), 1)
        entered = {f"{slot_start(s):%H:%M}": n for s, n in reads.roster_of(hall, day).items()}
        initial = {f"slot_{k.replace(':', '')}": v for k, v in entered.items()}
        form = forms.RosterForm(
            request.POST if request.method == "POST" else None, slots=slots, most=most, initial=initial
        )
        if request.method == "POST" and form.is_valid():
            saved = page_action(
                request,
                lambda: services.roster_save(
                    scope=scope, actor=request.user, hall=hall, day=day, counters=form.counters()
                ),
                success=lambda rows: (
                    _("已保存 %(hall)s %(day)s 的排班：%(n)s 个时段。")
                    % {"hall": hall.name, "day": day, "n": len(rows)}
                ),
                form=form,
            )
            if saved is not None:
                return redirect(f"{request.path}?hall={hall.code}&day={day:%Y-%m-%d}")
        context.update({"hall": hall, "day": day, "form": form, "most": most})
    return render(request, "planning/roster.html", context)
