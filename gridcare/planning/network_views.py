"""The outlet network's pages (营业网点规划, PLAN-3): ``/planning/network/`` (per-hall figures,
sortable; the sites; the scenarios), the places of halls and 台区, sites, a scenario's answer
with its map-like chart and Excel export, and scenarios side by side. PLAN_EDIT: planners and
administrators, their company's."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gridcare.core.forms import named, offer
from gridcare.core.paging import export_row, paginate, sort_items
from gridcare.core.views import confirmation, confirmed, page_action, page_user, staff_required
from gridcare.customers.selectors import area_choices
from gridcare.customers.services import area_locate
from gridcare.org.access import Capability, Scope, request_scope, require
from gridcare.org.services import hall_locate
from gridcare.planning.access import scenario_get_for_scope, site_get_for_scope
from gridcare.planning.models import NetworkScenario, ScenarioStatus, SiteKind
from gridcare.planning.network_forms import AreaPlaceForm, HallPlaceForm, HallSiteForm, ScenarioForm, SiteForm
from gridcare.planning.rules import network as model
from gridcare.planning.selectors_network import (
    HallFigures,
    figures_window,
    hall_figures,
    network_halls,
    network_setting,
    network_sites,
    scenarios_for,
)
from gridcare.planning.services import network as service

ACTIONS = {
    model.KEEP: gettext_lazy("保留"),
    model.CLOSE: gettext_lazy("撤销"),
    model.MERGE: gettext_lazy("合并"),
    model.MOVE: gettext_lazy("迁移"),
    model.CONVERT: gettext_lazy("改为自助"),
    model.BUILD: gettext_lazy("新建"),
    model.MOVED_IN: gettext_lazy("迁入"),
    "": gettext_lazy("不开设"),
}

FIGURE_SORTS = {
    "name": lambda f: f.hall.name,
    "counters": lambda f: f.counters,
    "tickets": lambda f: f.tickets,
    "density": lambda f: f.density,
    "utilisation": lambda f: f.utilisation,
    "nearest": lambda f: f.nearest_share,
    "self_service": lambda f: f.self_service_share,
}


def _scope(request: HttpRequest) -> Scope:
    return require(request_scope(request), Capability.PLAN_EDIT)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f}%"


def _figure_row(f: HallFigures) -> dict[str, Any]:
    return {
        "f": f,
        "density": "—" if f.density is None else f"{f.density:.2f}",
        "utilisation": _percent(f.utilisation),
        "nearest": _percent(f.nearest_share),
        "self_service": _percent(f.self_service_share),
        "origins": "、".join(f"{name} {n}" for name, n in f.origins[:3]),
        "months": [(m, n, "—" if d is None else f"{d:.2f}") for m, n, d in f.months],
    }


@staff_required
def network_index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    start, end = figures_window()
    figures, sorting = sort_items(
        request, hall_figures(network_halls(scope, scope.company_id), start=start, end=end), FIGURE_SORTS
    )
    context = {
        "figures": [_figure_row(f) for f in figures],
        "sorting": sorting,
        "start": start,
        "end": end,
        "sites": network_sites(scope, scope.company_id),
        "page": paginate(request, scenarios_for(scope), param="scenarios"),
    }
    return render(request, "planning/network.html", context)


def _site_choices(scope: Scope) -> list[tuple[str, str]]:
    return [(r.key, r.name) for r in network_sites(scope, scope.company_id) if r.latitude is not None]


@staff_required
def scenario_new(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = ScenarioForm(request.POST or None, initial={**service.scenario_defaults(), "name": _("新方案")})
    offer(form, keep=_site_choices(scope), bar=_site_choices(scope))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        name = data.pop("name")
        scenario = page_action(
            request,
            lambda: service.scenario_create(scope=scope, actor=page_user(request), name=name, parameters=data),
            form=form,
            success=lambda s: _("已建立方案“%(name)s”，确认后即可求解。") % {"name": s.name},
        )
        if scenario is not None:
            return redirect("planning:network_scenario", scenario_id=scenario.pk)
    return render(request, "planning/network_form.html", {"form": form, "title": _("新建网点规划方案")})


@staff_required
def site_new(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = page_action(
            request,
            lambda: service.site_create(
                scope=scope, actor=page_user(request), data=service.SiteData(**form.cleaned_data)
            ),
            form=form,
            success=lambda s: _("已添加候选网点“%(name)s”。") % {"name": s.name},
        )
        if site is not None:
            return redirect("planning:network")
    return render(request, "planning/network_form.html", {"form": form, "title": _("添加候选网点")})


@staff_required
def site_edit(request: HttpRequest, site_id: int) -> HttpResponse:
    scope = _scope(request)
    site = site_get_for_scope(scope=scope, site_id=site_id)
    candidate = site.kind == SiteKind.CANDIDATE
    initial = {
        "name": site.name,
        "latitude": f"{site.latitude}",
        "longitude": f"{site.longitude}",
        "max_counters": site.max_counters,
        "fixed_cost": f"{site.fixed_cost}",
        "counter_cost": f"{site.counter_cost}",
        "note": site.note,
    }
    form = SiteForm(request.POST or None, initial=initial, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        done = page_action(
            request,
            lambda: service.site_update(
                scope=scope, actor=page_user(request), site_id=site.pk, data=service.SiteData(**form.cleaned_data)
            ),
            form=form,
            success=_("已保存网点“%(name)s”。") % {"name": site.name},
        )
        if done is not None:
            return redirect("planning:network")
    return render(
        request, "planning/network_form.html", {"form": form, "title": _("修改网点：%(name)s") % {"name": site.name}}
    )


def _hall_choices(scope: Scope, placed_only: bool = False) -> list[tuple[str, str]]:
    halls = network_halls(scope, scope.company_id)
    return [(h.code, named(h.code, h.name)) for h in halls if not placed_only or h.latitude is not None]


@staff_required
def hall_site(request: HttpRequest) -> HttpResponse:
    """An existing hall's own counters and costs for the model."""
    scope = _scope(request)
    form = HallSiteForm(request.POST or None, initial={"hall": request.GET.get("hall", "")[:20]})
    offer(form, hall=_hall_choices(scope, placed_only=True))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        code = data.pop("hall")
        site = page_action(
            request,
            lambda: service.hall_site_save(
                scope=scope, actor=page_user(request), hall_code=code, data=service.SiteData(**data)
            ),
            form=form,
            success=lambda s: _("已保存“%(name)s”的窗口和成本。") % {"name": s.name},
        )
        if site is not None:
            return redirect("planning:network")
    return render(request, "planning/network_form.html", {"form": form, "title": _("营业厅的窗口和成本")})


@staff_required
def places(request: HttpRequest) -> HttpResponse:
    """Where halls and 台区 are: set through their owners' services (org, customers)."""
    scope = _scope(request)
    which = request.POST.get("which", "")
    hall_form = HallPlaceForm(request.POST if which == "hall" else None, prefix="hall")
    area_form = AreaPlaceForm(request.POST if which == "area" else None, prefix="area")
    offer(hall_form, hall=_hall_choices(scope))
    offer(area_form, area=area_choices(_company_areas(scope)))
    if which == "hall" and hall_form.is_valid():
        d = hall_form.cleaned_data
        done = page_action(
            request,
            lambda: hall_locate(scope=scope, hall_code=d["hall"], latitude=d["latitude"], longitude=d["longitude"]),
            form=hall_form,
            success=lambda h: _("已保存“%(name)s”的位置。") % {"name": h.name},
        )
        if done is not None:
            return redirect("planning:network_places")
    if which == "area" and area_form.is_valid():
        d = area_form.cleaned_data
        placed = page_action(
            request,
            lambda: area_locate(scope=scope, area_code=d["area"], latitude=d["latitude"], longitude=d["longitude"]),
            form=area_form,
            success=lambda a: _("已保存“%(name)s”的位置。") % {"name": a.name},
        )
        if placed is not None:
            return redirect("planning:network_places")
    halls = network_halls(scope, scope.company_id)
    context = {"hall_form": hall_form, "area_form": area_form, "halls": halls}
    return render(request, "planning/network_places.html", context)


def _company_areas(scope: Scope) -> Q:
    return Q(feeder__unit__company_id=scope.company_id or 0)


# -- a scenario ----------------------------------------------------------------------------------


def advice_sentence(site: dict[str, Any]) -> str:
    """What the answer asks of a site, as a sentence."""
    action, n, now = site.get("action", ""), site.get("counters", 0), site.get("counters_now", 0)
    target = site.get("target_name", "")
    if action == model.KEEP:
        if n == now:
            return _("保留，%(n)s 个窗口不变") % {"n": n}
        return _("保留，窗口由 %(now)s 个调整为 %(n)s 个") % {"now": now, "n": n}
    if action == model.MERGE:
        return _("撤销，并入%(target)s") % {"target": target}
    if action == model.MOVE:
        return _("迁至%(target)s（%(n)s 个窗口）") % {"target": target, "n": site.get("target_counters", 0)}
    if action == model.CONVERT:
        return _("改为自助服务点，柜台业务转%(target)s") % {"target": target}
    if action == model.MOVED_IN:
        return _("新址，承接%(target)s的业务（%(n)s 个窗口）") % {"target": target, "n": n}
    if action == model.BUILD:
        return _("新建，%(n)s 个窗口") % {"n": n}
    if action == model.CLOSE:
        return _("撤销")
    return _("不开设")


def _shown(scenario: NetworkScenario) -> dict[str, Any]:
    r = scenario.result or {}
    sites = [
        {**s, "label": str(ACTIONS.get(s.get("action", ""), "")), "sentence": advice_sentence(s)}
        for s in r.get("sites", [])
    ]
    gap = f"{r.get('gap_percent', 0)}%"
    return {"result": r, "sites": sites, "solved": scenario.status == ScenarioStatus.SOLVED, "gap": gap}


def _chart(scenario: NetworkScenario) -> dict[str, Any]:
    r = scenario.result or {}
    names = {s["key"]: s["name"] for s in r.get("sites", [])}
    return {
        "labels": {k: str(v) for k, v in ACTIONS.items()},
        "sites": [
            [s["longitude"], s["latitude"], s["name"], s.get("action", ""), s.get("counters", 0)]
            for s in r.get("sites", [])
        ],
        "areas": [[a[3], a[2], a[1], a[4], names.get(a[6] or "", ""), a[7]] for a in r.get("areas", [])],
        "axis": {
            "lon": _("经度"),
            "lat": _("纬度"),
            "areas": _("台区"),
            "customers": _("户数"),
            "served": _("服务网点"),
        },
    }


@staff_required
def scenario_page(request: HttpRequest, scenario_id: int) -> HttpResponse:
    scope = _scope(request)
    scenario = scenario_get_for_scope(scope=scope, scenario_id=scenario_id)
    context = {"scenario": scenario, "chart": _chart(scenario), **_shown(scenario)}
    return render(request, "planning/network_scenario.html", context)


@staff_required
@require_POST
def scenario_solve(request: HttpRequest, scenario_id: int) -> HttpResponse:
    """求解: asked first (the model runs up to the time limit and replaces an earlier answer)."""
    scope = _scope(request)
    scenario = scenario_get_for_scope(scope=scope, scenario_id=scenario_id)
    if not confirmed(request):
        again = _("并替换上次的结果") if scenario.status != ScenarioStatus.DRAFT else ""
        sentence = _(
            "将用当前的网点、台区位置和近 %(months)s 个月的业务量求解方案“%(name)s”%(again)s，最长约 %(seconds)s 秒。"
        ) % {
            "months": scenario.parameters.get("months", 12),
            "name": scenario.name,
            "again": again,
            "seconds": network_setting("TIME_LIMIT_SECONDS"),
        }
        confirm = confirmation(request, sentence=sentence, button=_("求解"))
        context = {"scenario": scenario, "chart": _chart(scenario), "confirm": confirm, **_shown(scenario)}
        return render(request, "planning/network_scenario.html", context)

    def said(s: NetworkScenario) -> str:
        if s.status == ScenarioStatus.SOLVED:
            return _("已求解：开设 %(sites)s 个网点、%(counters)s 个窗口，年总成本 %(cost)s 元。") % {
                "sites": s.result.get("sites_open"),
                "counters": s.result.get("counters"),
                "cost": f"{Decimal(s.result.get('cost', '0')):,.0f}",
            }
        return _("无可行方案：%(why)s") % {"why": s.result.get("sentence", "")}

    page_action(
        request,
        lambda: service.scenario_solve(scope=scope, actor=page_user(request), scenario_id=scenario.pk),
        success=said,
    )
    return redirect("planning:network_scenario", scenario_id=scenario.pk)


@staff_required
def scenario_export(request: HttpRequest, scenario_id: int) -> FileResponse:
    """The scenario as an Excel workbook: its figures, its sites with the recommendations, its 台区."""
    from openpyxl import Workbook

    scope = _scope(request)
    scenario = scenario_get_for_scope(scope=scope, scenario_id=scenario_id)
    shown = _shown(scenario)
    r = shown["result"]
    book = Workbook(write_only=True)
    summary = book.create_sheet(title=str(_("概要")))
    for label, value in _summary(scenario, r):
        summary.append(export_row([label, value]))
    sites = book.create_sheet(title=str(_("网点")))
    sites.append(
        [
            str(h)
            for h in (_("网点"), _("类型"), _("纬度"), _("经度"), _("现有窗口"), _("方案窗口"), _("建议"), _("说明"))
        ]
    )
    for s in shown["sites"]:
        kind = _("现有营业厅") if s["existing"] else _("候选网点")
        sites.append(
            export_row(
                [
                    s["name"],
                    kind,
                    s["latitude"],
                    s["longitude"],
                    s["counters_now"],
                    s["counters"],
                    s["label"],
                    s["sentence"],
                ]
            )
        )
    areas = book.create_sheet(title=str(_("台区")))
    areas.append(
        [
            str(h)
            for h in (_("台区编码"), _("台区名称"), _("户数"), _("年业务量（人次）"), _("服务网点"), _("距离（公里）"))
        ]
    )
    names = {s["key"]: s["name"] for s in shown["sites"]}
    for a in r.get("areas", []):
        areas.append(export_row([a[0], a[1], a[4], a[5], names.get(a[6] or "", ""), a[7]]))
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    book.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"network-scenario-{scenario.pk}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _summary(scenario: NetworkScenario, r: dict[str, Any]) -> list[tuple[str, Any]]:
    p = scenario.parameters
    rows: list[tuple[str, Any]] = [
        (_("方案名称"), scenario.name),
        (_("状态"), str(ScenarioStatus(scenario.status).label)),
        (_("最远距离（公里）"), p.get("max_km")),
        (_("出行成本（元/人次·公里）"), p.get("distance_cost")),
        (_("每窗口年办理量（人次）"), p.get("tickets_per_counter")),
        (_("网点数上限"), p.get("max_sites") or _("不限")),
        (_("年预算（元）"), p.get("budget") or _("不限")),
    ]
    if scenario.status == ScenarioStatus.SOLVED:
        rows += [
            (_("开设网点"), r.get("sites_open")),
            (_("窗口数"), r.get("counters")),
            (_("年总成本（元）"), r.get("cost")),
            (_("网点成本（元）"), r.get("site_cost")),
            (_("客户出行成本（元）"), r.get("travel_cost")),
            (_("最优性差距（百分比）"), r.get("gap_percent")),
        ]
    elif r.get("sentence"):
        rows.append((_("原因"), r["sentence"]))
    return rows


# -- scenarios side by side ------------------------------------------------------------------------


def _compare_ids(request: HttpRequest) -> list[int]:
    found: list[int] = []
    for raw in request.GET.getlist("ids")[:6]:
        for part in raw.split(",")[:6]:
            if part.strip().isdigit() and len(part.strip()) < 10:
                found.append(int(part.strip()))
    return list(dict.fromkeys(found))[:6]


def _km(request: HttpRequest) -> Decimal:
    try:
        km = Decimal(request.GET.get("km", "5")[:10])
    except ArithmeticError:
        return Decimal(5)
    return km if km.is_finite() and Decimal("0.1") <= km <= Decimal(200) else Decimal(5)


@staff_required
def compare(request: HttpRequest) -> HttpResponse:
    """Scenarios side by side: customers within ``km`` of their site, counters, sites, cost."""
    scope = _scope(request)
    km = _km(request)
    chosen = [scenario_get_for_scope(scope=scope, scenario_id=i) for i in _compare_ids(request)]
    columns = []
    for s in chosen:
        r = s.result or {}
        customers = {a[0]: a[4] for a in r.get("areas", [])}
        distance = {a[0]: a[7] for a in r.get("areas", [])}
        share = model.within(distance, customers, float(km)) if s.status == ScenarioStatus.SOLVED else None
        actions = [x.get("action") for x in r.get("sites", [])]
        columns.append(
            {
                "scenario": s,
                "within": _percent(share),
                "counters": r.get("counters", "—"),
                "sites_open": r.get("sites_open", "—"),
                "cost": f"{Decimal(r['cost']):,.0f}" if r.get("cost") else "—",
                "counts": {k: actions.count(k) for k in (model.MERGE, model.MOVE, model.CONVERT, model.BUILD)},
            }
        )
    context = {"columns": columns, "km": km, "choices": scenarios_for(scope)[:50], "chosen": {s.pk for s in chosen}}
    return render(request, "planning/network_compare.html", context)
