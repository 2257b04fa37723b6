"""Who reaches which planning records (issue 17): planners and administrators the company's
halls, plans and network studies; a hall manager their own hall's plans, read only. Built on the
one scope filter: ``Reach.HALLS`` gives hall posts their hall and unit posts their unit, so the
planner (a company post) is widened to the company here. Outside the caller's reach an object is
"not found", exactly like a missing one."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.org.access import Capability, Path, Reach, Scope, can
from gridcare.org.models import Hall, Role
from gridcare.planning.models import CandidateSite, NetworkScenario, StaffingPlan


def hall_filter(scope: Scope, prefix: str = "") -> Q:
    """The halls (or rows with a hall at ``prefix``, e.g. ``"hall__"``) whose plans the caller
    sees: PLAN_VIEW, planners the company, hall managers their hall."""
    if not can(scope, Capability.PLAN_VIEW):
        return Q(pk__in=[])
    path = Path.hall_of(prefix.removesuffix("__"))
    if not scope.everything and scope.role == Role.PLANNER:
        return scope.filter(Reach.COMPANY, path)
    return scope.filter(Reach.HALLS, path)


def company_filter(scope: Scope, field: str = "company_id") -> Q:
    """The company-wide studies (network scenarios, sites): PLAN_EDIT posts of the company."""
    if not can(scope, Capability.PLAN_EDIT):
        return Q(pk__in=[])
    if scope.everything:
        return Q()
    return Q(**{field: scope.company_id})


def hall_get_for_scope(*, scope: Scope, hall_code: str) -> Hall:
    hall = Hall.objects.filter(hall_filter(scope), code=str(hall_code)[:20].replace("\x00", "")).first()
    if hall is None:
        raise NotFound(_("未找到营业厅 %(code)s。") % {"code": str(hall_code)[:20]})
    return hall


def plan_get_for_scope(*, scope: Scope, plan_id: int) -> StaffingPlan:
    plan = StaffingPlan.objects.filter(hall_filter(scope, "hall__"), pk=plan_id).select_related("hall").first()
    if plan is None:
        raise NotFound(_("未找到排班计划 %(id)s。") % {"id": plan_id})
    return plan


def site_get_for_scope(*, scope: Scope, site_id: int) -> CandidateSite:
    site = CandidateSite.objects.filter(company_filter(scope), pk=site_id).first()
    if site is None:
        raise NotFound(_("未找到网点 %(id)s。") % {"id": site_id})
    return site


def scenario_get_for_scope(*, scope: Scope, scenario_id: int) -> NetworkScenario:
    scenario = NetworkScenario.objects.filter(company_filter(scope), pk=scenario_id).first()
    if scenario is None:
        raise NotFound(_("未找到规划方案 %(id)s。") % {"id": scenario_id})
    return scenario
