"""The simulated hall day's pages (PLAN-2): ``/planning/simulate/`` (the inputs, the answer in
sentences, a table with the intervals and the wait by hour) for PLAN_VIEW, and the plan page's
run ``/planning/staffing/<id>/simulate/`` (POST, asked first, PLAN_EDIT)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcare.core.views import ask_first, confirmation, flash_error, form_errors_from, page_get, staff_required
from gridcare.org.access import Capability, can, request_scope, require
from gridcare.planning.access import plan_get_for_scope
from gridcare.planning.exceptions import PlanRefused
from gridcare.planning.selectors_simulation import SimulationRun, simulation_run
from gridcare.planning.services.simulations import plan_simulate, plan_simulate_preview
from gridcare.planning.simulation_forms import PlanSimulateForm, SimulateForm

# The answer's keys that name a field of the page's form differently.
FIELDS = {"service.hall": "hall", "service.mean_minutes": "mean_minutes", "service.distribution": "distribution"}


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _rows(run: SimulationRun) -> list[tuple[str, str, str]]:
    result = run.result
    return [
        (
            _("平均等候（分钟）"),
            f"{result.mean_wait_minutes.mean:.1f}",
            f"{result.mean_wait_minutes.low:.1f} ～ {result.mean_wait_minutes.high:.1f}",
        ),
        (
            _("15分钟内叫号比例"),
            _pct(result.share_within_15.mean),
            f"{_pct(result.share_within_15.low)} ～ {_pct(result.share_within_15.high)}",
        ),
        (
            _("离开比例（未办理）"),
            _pct(result.abandonment_share.mean),
            f"{_pct(result.abandonment_share.low)} ～ {_pct(result.abandonment_share.high)}",
        ),
        (
            _("窗口利用率"),
            _pct(result.utilisation.mean),
            f"{_pct(result.utilisation.low)} ～ {_pct(result.utilisation.high)}",
        ),
    ]


def _sentences(run: SimulationRun) -> list[str]:
    result, day = run.result, run.day
    lines = [
        _("共仿真 %(r)s 个营业日（随机种子 %(seed)s），每天约 %(c)s 位客户。")
        % {"r": result.replications, "seed": result.seed, "c": round(result.customers)},
        _("客户平均等候 %(w).1f 分钟（95%% 置信区间 %(lo).1f～%(hi).1f 分钟），%(s)s 在 15 分钟内被叫号。")
        % {
            "w": result.mean_wait_minutes.mean,
            "lo": result.mean_wait_minutes.low,
            "hi": result.mean_wait_minutes.high,
            "s": _pct(result.share_within_15.mean),
        },
        _("%(a)s 的客户等不及离开，窗口利用率 %(u)s。")
        % {"a": _pct(result.abandonment_share.mean), "u": _pct(result.utilisation.mean)},
    ]
    if run.samples:
        lines.append(_("办理时长取自该营业厅近期 %(n)s 笔办结业务的实际用时。") % {"n": run.samples})
    else:
        lines.append(_("办理时长按平均 %(m).1f 分钟的指数分布。") % {"m": day.service.mean})
    if day.patience_minutes is None:
        lines.append(_("假定客户都会等到叫号。"))
    elif run.patience_from_history:
        lines.append(_("客户平均耐心 %(p).1f 分钟，按该营业厅的过号记录估计。") % {"p": day.patience_minutes})
    else:
        lines.append(_("客户平均耐心 %(p).1f 分钟。") % {"p": day.patience_minutes})
    lines.append(_("叫号按营业厅的优先级规则，等候满 %(a)s 分钟者优先。") % {"a": round(day.ageing_minutes)})
    return lines


def _by_hour(run: SimulationRun) -> list[tuple[str, float | None]]:
    return [(f"{k + 1}", None if w is None else round(w, 1)) for k, w in enumerate(run.result.wait_by_period)]


@staff_required
def simulate(request: HttpRequest) -> HttpResponse:
    scope = require(request_scope(request), Capability.PLAN_VIEW)
    asked = "hours" in request.GET
    form = SimulateForm(request.GET if asked else None, scope=scope)
    run = None
    if asked and form.is_valid():
        try:
            run = simulation_run(scope=scope, ask=form.ask())
        except PlanRefused as exc:
            exc.errors = {FIELDS.get(k, k): v for k, v in exc.errors.items()}
            form_errors_from(form, exc)
    context: dict[str, Any] = {"form": form, "run": run, "can_edit": can(scope, Capability.PLAN_EDIT)}
    if run is not None:
        hours = _by_hour(run)
        context |= {
            "sentences": _sentences(run),
            "rows": _rows(run),
            "hours": hours,
            "longest": max((w or 0 for _h, w in hours), default=0) or 1,
        }
    return render(request, "planning/simulate.html", context)


@staff_required
@require_POST
def plan_simulation(request: HttpRequest, plan_id: int) -> HttpResponse:
    require(request_scope(request), Capability.PLAN_EDIT)
    scope, plan = page_get(request, plan_get_for_scope, plan_id=plan_id)
    back = request.path.removesuffix("simulate/")
    form = PlanSimulateForm(request.POST)
    if not form.is_valid():
        flash_error(request, PlanRefused(_("重复次数应为 2 至 200 的整数，随机种子应为非负整数。")))
        return redirect(back)
    key = {"scope": scope, "plan_id": plan.pk, **form.cleaned_data}
    confirm, _done = ask_first(
        request,
        ask=lambda: confirmation(request, sentence=plan_simulate_preview(**key), button=_("开始仿真"), cancel=back),
        act=lambda: plan_simulate(actor=request.user, **key),
        form=form,
        success=_("已完成仿真检验，结果已保存到计划。"),
    )
    if confirm is not None:
        return render(request, "planning/plan_simulate_confirm.html", {"plan": plan, "confirm": confirm})
    if form.errors:
        for errors in form.errors.values():
            for message in errors:
                flash_error(request, PlanRefused(message))
    return redirect(back)
