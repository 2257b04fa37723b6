"""Who reaches which samples, questionnaires and social supervisors (issue 14, ASSESS-4/5).

A sample belongs to a supply unit (or to the whole company when it has none) and reaches as the
assessment figures do (``Reach.ASSESSMENT``): supervisors their unit's samples, planners and
administrators the company's (a company-wide sample is not a unit's, so a supervisor does not
see it). Reading samples, their composition and response rates asks ``SURVEY_RESULTS``;
drawing, sending and keeping supervisors ``SURVEY_MANAGE`` (supervisors their unit,
administrators all). Questionnaires are the company's shared forms: ``SURVEY_MANAGE`` keeps
them. Missing and not in reach are the same 404."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.assessment.models import Questionnaire, Sample, SocialSupervisor
from gridcare.core.exceptions import NotFound
from gridcare.org.access import Capability, Level, Path, Reach, Scope, require

SAMPLE_PATH = Path(company="company_id", unit="unit_id")
SUPERVISOR_PATH = Path(company="unit__company_id", unit="unit_id")
ID_MAX = 2**63  # beyond a bigint column no row can be (and SQLite refuses the number)


def _reach(scope: Scope, path: Path) -> Q:
    if scope.level(Reach.ASSESSMENT) == Level.HALL:  # a hall post reaches no unit's customers
        return Q(pk__in=[])
    return scope.filter(Reach.ASSESSMENT, path)


def samples_filter(scope: Scope) -> Q:
    return _reach(scope, SAMPLE_PATH)


def supervisors_filter(scope: Scope) -> Q:
    return _reach(scope, SUPERVISOR_PATH)


def _sample(rows: Q, sample_id: int, lock: bool) -> Sample:
    found = None
    if 0 < sample_id < ID_MAX:
        query = Sample.objects.filter(rows, pk=sample_id).select_related("unit", "questionnaire")
        if lock:
            query = query.select_for_update(of=("self",))
        found = query.first()
    if found is None:
        raise NotFound(_("没有这个抽样，或不在您的范围内。"))
    return found


def sample_get_for_scope(*, scope: Scope, sample_id: int) -> Sample:
    """A sample ``scope`` may read (SURVEY_RESULTS)."""
    require(scope, Capability.SURVEY_RESULTS)
    return _sample(samples_filter(scope), sample_id, lock=False)


def sample_get_to_manage(*, scope: Scope, sample_id: int, lock: bool = False) -> Sample:
    """A sample ``scope`` may send (SURVEY_MANAGE): 403 without it, 404 outside the reach."""
    require(scope, Capability.SURVEY_MANAGE)
    return _sample(samples_filter(scope), sample_id, lock=lock)


def questionnaire_get_to_manage(*, scope: Scope, questionnaire_id: int, lock: bool = False) -> Questionnaire:
    """A questionnaire version (SURVEY_MANAGE); 404 for a missing one."""
    require(scope, Capability.SURVEY_MANAGE)
    found = None
    if 0 < questionnaire_id < ID_MAX:
        query = Questionnaire.objects.filter(pk=questionnaire_id)
        if lock:
            query = query.select_for_update()
        found = query.first()
    if found is None:
        raise NotFound(_("没有这份问卷。"))
    return found


def supervisor_get_to_manage(*, scope: Scope, supervisor_id: int, lock: bool = False) -> SocialSupervisor:
    """A social supervisor of ``scope``'s reach (SURVEY_MANAGE); 404 outside it."""
    require(scope, Capability.SURVEY_MANAGE)
    found = None
    if 0 < supervisor_id < ID_MAX:
        query = SocialSupervisor.objects.filter(supervisors_filter(scope), pk=supervisor_id).select_related("unit")
        if lock:
            query = query.select_for_update(of=("self",))
        found = query.first()
    if found is None:
        raise NotFound(_("没有这位社会监督员，或不在您的范围内。"))
    return found
