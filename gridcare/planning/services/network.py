"""The outlet network's writes (PLAN-3): sites (candidate sites, and an existing hall's own
counters and costs), scenarios (their parameters checked, in Chinese, before anything is written)
and their solving (the facility-location model of ``rules.network``, bounded by HiGHS's time
limit; an infeasible model is stored as such with the sentence why). PLAN_EDIT: planners and
administrators, their company's."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gridcare.core.events import Actor
from gridcare.core.geo import coordinates
from gridcare.core.timezone import now
from gridcare.org.access import Capability, Scope, require
from gridcare.org.models import Hall
from gridcare.planning.access import company_filter, scenario_get_for_scope, site_get_for_scope
from gridcare.planning.events import PlanningEventType, planning_event
from gridcare.planning.exceptions import PlanConflict, PlanRefused
from gridcare.planning.models import CandidateSite, NetworkScenario, ScenarioStatus, SiteKind
from gridcare.planning.rules import network as model
from gridcare.planning.selectors_network import (
    SiteRow,
    area_demand,
    figures_window,
    hall_figures,
    network_setting,
    network_sites,
)

NAME_MAX = 100
NOTE_MAX = 200
COST_MAX = Decimal("1000000000")
COUNTERS_MAX = 60


def _text(value: Any, limit: int) -> str:
    return str(value if value is not None else "").replace("\x00", "").strip()[: limit + 1]


def _number(value: Any, *, low: Decimal, high: Decimal, places: str, message: str) -> tuple[Decimal | None, str]:
    try:
        found = Decimal(str(value if value is not None else "").strip()[:30])
    except InvalidOperation:
        return None, message
    if not found.is_finite() or not low <= found <= high:
        return None, message
    return found.quantize(Decimal(places), rounding=ROUND_HALF_UP), ""


def _whole(value: Any, *, low: int, high: int, message: str) -> tuple[int | None, str]:
    found, problem = _number(value, low=Decimal(low), high=Decimal(high), places="1", message=message)
    if problem or found is None or found != Decimal(str(value).strip()[:30]):
        return None, message
    return int(found), ""


# -- sites ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteData:
    """A site as a page or the API sends it: for an existing hall only its counters and costs
    (its place is the hall's); for a candidate, its name and place too."""

    max_counters: Any
    fixed_cost: Any
    counter_cost: Any
    name: Any = ""
    latitude: Any = ""
    longitude: Any = ""
    note: Any = ""


def _site_errors(data: SiteData, *, candidate: bool) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    clean["max_counters"], problem = _whole(
        data.max_counters, low=1, high=COUNTERS_MAX, message=_("最多窗口数应为 1 到 60 的整数。")
    )
    if problem:
        errors["max_counters"] = problem
    for key in ("fixed_cost", "counter_cost"):
        clean[key], problem = _number(
            getattr(data, key),
            low=Decimal(0),
            high=COST_MAX,
            places="0.01",
            message=_("成本应为 0 到 10 亿之间的金额（元）。"),
        )
        if problem:
            errors[key] = problem
    clean["note"] = _text(data.note, NOTE_MAX)
    if len(clean["note"]) > NOTE_MAX:
        errors["note"] = _("备注最多 200 字。")
    if candidate:
        clean["name"] = _text(data.name, NAME_MAX)
        if not clean["name"] or len(clean["name"]) > NAME_MAX:
            errors["name"] = _("请填写网点名称（最多 100 字）。")
        clean["latitude"], clean["longitude"], found = coordinates(data.latitude, data.longitude)
        errors.update(found)
        if clean["latitude"] is None and "latitude" not in errors:
            errors["latitude"] = _("请填写候选网点的经纬度。")
    return clean, errors


def _refused(errors: dict[str, str]) -> PlanRefused:
    return PlanRefused(next(iter(errors.values())), errors=errors)


def site_create(*, scope: Scope, actor: Actor, data: SiteData) -> CandidateSite:
    """A candidate site of the caller's company."""
    require(scope, Capability.PLAN_EDIT)
    if scope.company_id is None:
        raise PlanRefused(_("系统管理员请在所属公司的岗位下添加候选网点。"))
    clean, errors = _site_errors(data, candidate=True)
    if errors:
        raise _refused(errors)
    with transaction.atomic():
        site = CandidateSite.objects.create(company_id=scope.company_id, kind=SiteKind.CANDIDATE, **clean)
        planning_event(PlanningEventType.SITE_SAVED, actor=actor, site=site, name=site.name, created=True)
    return site


def site_update(*, scope: Scope, actor: Actor, site_id: int, data: SiteData) -> CandidateSite:
    """Change a site (a candidate's name and place too)."""
    require(scope, Capability.PLAN_EDIT)
    site = site_get_for_scope(scope=scope, site_id=site_id)
    candidate = site.kind == SiteKind.CANDIDATE
    clean, errors = _site_errors(data, candidate=candidate)
    if errors:
        raise _refused(errors)
    with transaction.atomic():
        for key, value in clean.items():
            setattr(site, key, value)
        site.save(update_fields=list(clean))
        planning_event(PlanningEventType.SITE_SAVED, actor=actor, site=site, name=site.name, created=False)
    return site


def hall_site_save(*, scope: Scope, actor: Actor, hall_code: str, data: SiteData) -> CandidateSite:
    """An existing hall's counters and costs for the model (its row made on the first save); the
    hall must have a place."""
    require(scope, Capability.PLAN_EDIT)
    code = _text(hall_code, 20)
    hall = Hall.objects.filter(company_filter(scope, "unit__company_id"), code=code).select_related("unit").first()
    if hall is None:
        raise PlanRefused(_("未找到营业厅 %(code)s。") % {"code": code}, errors={"hall": _("请选择营业厅。")})
    if hall.latitude is None or hall.longitude is None:
        problem = _("该营业厅还没有经纬度，请先填写其位置。")
        raise PlanRefused(problem, errors={"hall": problem})
    existing = CandidateSite.objects.filter(hall=hall).first()
    if existing is not None:
        return site_update(scope=scope, actor=actor, site_id=existing.pk, data=data)
    clean, errors = _site_errors(data, candidate=False)
    if errors:
        raise _refused(errors)
    with transaction.atomic():
        site = CandidateSite.objects.create(
            company_id=hall.unit.company_id,
            kind=SiteKind.EXISTING,
            hall=hall,
            name=hall.name,
            latitude=hall.latitude,
            longitude=hall.longitude,
            **clean,
        )
        planning_event(PlanningEventType.SITE_SAVED, actor=actor, site=site, hall=hall, name=site.name, created=True)
    return site


# -- scenarios -----------------------------------------------------------------------------------

MONTHS_MAX = 24


def scenario_defaults() -> dict[str, str]:
    """A new scenario's parameters as the form shows them first (settings)."""
    return {
        "max_km": f"{network_setting('MAX_KM')}",
        "distance_cost": f"{network_setting('DISTANCE_COST')}",
        "tickets_per_counter": f"{network_setting('TICKETS_PER_COUNTER_YEAR')}",
        "months": "12",
        "max_sites": "",
        "budget": "",
    }


def _parameter_errors(raw: dict[str, Any], keys: set[str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    got = {**scenario_defaults(), **{k: v for k, v in raw.items() if v not in (None, "")}}
    checks = (
        ("max_km", Decimal("0.5"), Decimal("200"), "0.1", _("最远距离应为 0.5 到 200 公里。")),
        ("distance_cost", Decimal("0"), Decimal("1000"), "0.01", _("出行成本应为 0 到 1000 元/人次·公里。")),
    )
    for key, low, high, places, message in checks:
        value, problem = _number(got[key], low=low, high=high, places=places, message=message)
        clean[key] = f"{value}" if value is not None else None
        if problem:
            errors[key] = problem
    wholes: tuple[tuple[str, int, int, str], ...] = (
        ("tickets_per_counter", 100, 1_000_000, _("每窗口年办理量应为 100 到 1000000 的整数。")),
        ("months", 1, MONTHS_MAX, _("历史月数应为 1 到 24 的整数。")),
    )
    for key, least, most, text in wholes:
        clean[key], problem = _whole(got[key], low=least, high=most, message=text)
        if problem:
            errors[key] = problem
    if got.get("max_sites") not in (None, ""):
        clean["max_sites"], problem = _whole(got["max_sites"], low=1, high=1000, message=_("网点数上限应为正整数。"))
        if problem:
            errors["max_sites"] = problem
    if got.get("budget") not in (None, ""):
        budget, problem = _number(
            got["budget"],
            low=Decimal(0),
            high=COST_MAX * 100,
            places="0.01",
            message=_("预算应为不小于 0 的金额（元/年）。"),
        )
        clean["budget"] = f"{budget}" if budget is not None else None
        if problem:
            errors["budget"] = problem
    for key in ("keep", "bar"):
        chosen = raw.get(key) or []
        if isinstance(chosen, str) or not isinstance(chosen, list | tuple) or len(chosen) > 1000:
            errors[key] = _("请从列表中选择网点。")
            continue
        picked = sorted({_text(k, 40) for k in chosen})
        if any(k not in keys for k in picked):
            errors[key] = _("所选网点不存在或不属于本公司。")
        clean[key] = picked
    if not errors and set(clean["keep"]) & set(clean["bar"]):
        errors["bar"] = _("同一网点不能既保留又排除。")
    return clean, errors


def _person(actor: Actor) -> User:
    if not isinstance(actor, User):
        raise PlanRefused(_("请先登录。"))
    return actor


def scenario_create(*, scope: Scope, actor: Actor, name: Any, parameters: dict[str, Any]) -> NetworkScenario:
    """A scenario of the caller's company, to be solved: ``max_km``, ``distance_cost`` (元 per
    visit-km), ``tickets_per_counter`` (a counter's year), ``months`` (of history behind the
    demand), ``max_sites`` and ``budget`` (optional), ``keep`` and ``bar`` (site keys)."""
    require(scope, Capability.PLAN_EDIT)
    errors: dict[str, str] = {}
    title = _text(name, NAME_MAX)
    if not title or len(title) > NAME_MAX:
        errors["name"] = _("请填写方案名称（最多 100 字）。")
    company_id = scope.company_id
    if company_id is None:
        errors["name"] = _("系统管理员请在所属公司的岗位下建立方案。")
    if not isinstance(parameters, dict):
        parameters = {}
    keys = {s.key for s in network_sites(scope, scope.company_id)}
    clean, problems = _parameter_errors(parameters, keys)
    errors.update(problems)
    if errors or company_id is None:
        raise _refused(errors)
    with transaction.atomic():
        scenario = NetworkScenario.objects.create(
            company_id=company_id, name=title, parameters=clean, created_by=_person(actor), created_at=now()
        )
    return scenario


def _knobs(p: dict[str, Any]) -> model.Knobs:
    return model.Knobs(
        max_km=float(p["max_km"]),
        tickets_per_counter=float(p["tickets_per_counter"]),
        distance_cost=float(p["distance_cost"]),
        max_sites=int(p["max_sites"]) if p.get("max_sites") else None,
        budget=float(p["budget"]) if p.get("budget") not in (None, "") else None,
        time_limit=float(network_setting("TIME_LIMIT_SECONDS")),
        mip_gap=float(network_setting("MIP_GAP_PERCENT")) / 100,
        move_km=float(network_setting("MOVE_KM")),
        convert_density=float(network_setting("CONVERT_DENSITY")),
        convert_self_service=float(network_setting("CONVERT_SELF_SERVICE_PERCENT")) / 100,
    )


def _sites(rows: list[SiteRow], p: dict[str, Any], figures: dict[str, Any]) -> list[model.Site]:
    keep, bar = set(p.get("keep", [])), set(p.get("bar", []))
    found = []
    for r in rows:
        if r.latitude is None or r.longitude is None:
            continue
        f = figures.get(r.key)
        found.append(
            model.Site(
                key=r.key,
                name=r.name,
                latitude=float(r.latitude),
                longitude=float(r.longitude),
                existing=r.existing,
                max_counters=r.max_counters,
                fixed_cost=float(r.fixed_cost),
                counter_cost=float(r.counter_cost),
                counters_now=r.counters_now,
                keep=r.key in keep,
                bar=r.key in bar,
                density=f.density if f else None,
                self_service_share=f.self_service_share if f else None,
            )
        )
    return found


def why_infeasible(reason: str, detail: dict[str, Any]) -> str:
    """The sentence an infeasible scenario shows."""
    if reason == "unreachable":
        names = "、".join(detail.get("areas", []))
        return ngettext(
            "%(names)s 在 %(km)s 公里内没有可用网点，请放宽最远距离或增加候选网点。",
            "%(count)s 个台区（%(names)s 等）在 %(km)s 公里内没有可用网点，请放宽最远距离或增加候选网点。",
            int(detail.get("count", 1)),
        ) % {"names": names, "count": detail.get("count", 1), "km": detail.get("km", "")}
    if reason == "capacity":
        return _("全部网点的窗口最多每年办理 %(room)s 人次，少于需求 %(visits)s 人次，请增加窗口或网点。") % detail
    if reason == "kept_too_many":
        return _("要求保留 %(kept)s 个网点，超过网点数上限 %(max_sites)s。") % detail
    if reason == "no_data":
        return _("还没有带经纬度的台区或网点，请先填写营业厅、台区和候选网点的位置。")
    if reason == "time_limit":
        return _("求解时间内未找到可行方案，请放宽条件后重试。")
    return _("在所设的网点数上限或预算下，无法让所有台区都在 %(km)s 公里内得到服务。") % {"km": detail.get("km", "")}


def scenario_solve(*, scope: Scope, actor: Actor, scenario_id: int) -> NetworkScenario:
    """Solve a scenario with today's sites and demand (again, when it was solved before)."""
    require(scope, Capability.PLAN_EDIT)
    scenario = scenario_get_for_scope(scope=scope, scenario_id=scenario_id)
    p = scenario.parameters
    rows = network_sites(scope, scenario.company_id)
    if any(k not in {r.key for r in rows} for k in [*p.get("keep", []), *p.get("bar", [])]):
        raise PlanConflict(_("方案所选的网点已不存在，请新建方案。"))
    start, end = figures_window(int(p.get("months", 12)))
    halls = [r.hall for r in rows if r.hall is not None]
    figures = {f"hall-{f.hall.code}": f for f in hall_figures(halls, start=start, end=end)}
    demand, unplaced = area_demand(int(scenario.company_id), start=start, end=end)
    sites = _sites(rows, p, figures)
    demands = [
        model.Demand(
            d.key,
            d.name,
            d.latitude,
            d.longitude,
            d.visits,
            d.customers,
            f"hall-{d.served_by}" if d.served_by else None,
        )
        for d in demand
    ]
    demands = [d for d in demands if d.visits > 0]
    knobs = _knobs(p)
    if not demands or not sites:
        answer = model.Answer(status="infeasible", seconds=0.0, reason="no_data")
    else:
        answer = model.solve(demands, sites, knobs)
    result = _result(answer, demands, sites, knobs, unplaced=unplaced, start=start, end=end)
    with transaction.atomic():
        scenario.status = ScenarioStatus.SOLVED if answer.solved else ScenarioStatus.INFEASIBLE
        scenario.result = result
        scenario.solve_seconds = Decimal(f"{answer.seconds:.2f}")
        scenario.solved_at = now()
        scenario.save(update_fields=["status", "result", "solve_seconds", "solved_at"])
        planning_event(
            PlanningEventType.SCENARIO_SOLVED,
            actor=actor,
            scenario=scenario,
            status=scenario.status,
            cost=f"{Decimal(result.get('cost', 0)):.2f}",
        )
    return scenario


def _result(
    answer: model.Answer,
    demands: list[model.Demand],
    sites: list[model.Site],
    knobs: model.Knobs,
    *,
    unplaced: int,
    start: Any,
    end: Any,
) -> dict[str, Any]:
    """What a scenario keeps of its answer (JSON): totals, every site with its recommendation,
    every 台区 with the site that serves it."""
    base: dict[str, Any] = {
        "status": answer.status,
        "from": start.isoformat(),
        "to": end.isoformat(),
        "unplaced_areas": unplaced,
        "areas_count": len(demands),
        "visits": round(sum(d.visits for d in demands)),
        "customers": sum(d.customers for d in demands),
    }
    if not answer.solved:
        return {**base, "reason": answer.reason, "sentence": why_infeasible(answer.reason, answer.detail)}
    advice = {r.site: r for r in model.recommend(demands, sites, knobs, answer)}
    names = {s.key: s.name for s in sites}
    return {
        **base,
        "cost": f"{answer.objective:.2f}",
        "site_cost": f"{answer.site_cost:.2f}",
        "travel_cost": f"{answer.travel_cost:.2f}",
        "gap_percent": round(answer.gap * 100, 3),
        "counters": sum(answer.counters.values()),
        "counters_now": sum(s.counters_now for s in sites if s.existing),
        "sites_open": len(answer.counters),
        "sites": [
            {
                "key": s.key,
                "name": s.name,
                "latitude": s.latitude,
                "longitude": s.longitude,
                "existing": s.existing,
                "counters_now": s.counters_now,
                "counters": answer.counters.get(s.key, 0),
                "action": advice[s.key].action if s.key in advice else "",
                "target": advice[s.key].target if s.key in advice else None,
                "target_name": names.get(advice[s.key].target or "", "") if s.key in advice else "",
                "target_counters": answer.counters.get(advice[s.key].target or "", 0) if s.key in advice else 0,
            }
            for s in sites
        ],
        "areas": [
            [
                d.key,
                d.name,
                d.latitude,
                d.longitude,
                d.customers,
                round(d.visits, 1),
                answer.served.get(d.key),
                round(answer.km.get(d.key, 0.0), 3),
            ]
            for d in demands
        ],
    }
