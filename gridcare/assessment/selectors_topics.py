"""Reads of the root-cause topics (问题主题, issue 14): the survey comments they are computed from,
the months computed, and the rows a post may read (``COMPLAINT_ANALYSIS``: supervisors their
unit's, planners and administrators the company's and its units')."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from gridcare.assessment.access import subjects_filter
from gridcare.assessment.models import SurveyResponse, TopicMonth
from gridcare.assessment.rules.period import month_period
from gridcare.core.exceptions import InvalidInput
from gridcare.core.forms import Choice
from gridcare.org.access import Level, Reach, Scope
from gridcare.org.selectors import names_of, places_in_reach


def survey_comments(*, start: datetime, end: datetime) -> list[tuple[int | None, int | None, str]]:
    """(company id, supply unit id, comment) of the survey answers given in ``start`` ≤ t < ``end``
    with a comment, in id order; the unit is the answer's, else that of the account invited."""
    rows = (
        SurveyResponse.objects.filter(answered_at__gte=start, answered_at__lt=end)
        .exclude(comment="")
        .annotate(
            place=Coalesce(F("unit_id"), F("invite__account__supply_unit_id")),
            owner=Coalesce(
                F("unit__company_id"), F("invite__account__supply_unit__company_id"), F("invite__sample__company_id")
            ),
        )
        .order_by("id")
        .values_list("owner", "place", "comment")
    )
    return list(rows)


def topic_rows(scope: Scope) -> QuerySet[TopicMonth]:
    """The computed months ``scope`` may read."""
    return TopicMonth.objects.filter(subjects_filter(scope))


@dataclass(frozen=True)
class Subject:
    level: str  # unit, company
    key: int
    name: str

    @property
    def value(self) -> str:
        return f"{self.level}:{self.key}"


def subjects(scope: Scope) -> list[Subject]:
    """The companies (for a company-wide post, its own first) and the units ``scope`` reaches:
    the picker's choices, in its order."""
    level = scope.level(Reach.ASSESSMENT)
    if level not in (Level.ALL, Level.COMPANY, Level.UNIT):
        return []
    units = list(places_in_reach(scope, Reach.ASSESSMENT, "unit").order_by("company_id", "code"))
    companies: set[int] = set()
    if level is not Level.UNIT:
        companies = {u.company_id for u in units} if level is Level.ALL else set()
        companies |= {scope.company_id} if scope.company_id is not None else set()
    ordered = sorted(companies, key=lambda pk: (pk != scope.company_id, pk))
    return [Subject("company", pk, name) for pk, name in _names("company", ordered)] + [
        Subject("unit", u.pk, u.name) for u in units
    ]


def _names(level: str, ids: list[int]) -> list[tuple[int, str]]:
    names = names_of(level, ids)
    return [(pk, _("%(name)s（全公司）") % {"name": names.get(pk, "—")}) for pk in ids]


def subject_choices(scope: Scope) -> list[Choice]:
    return [(s.value, s.name) for s in subjects(scope)]


def subject_ask(scope: Scope, value: str) -> Subject:
    """The subject picked (``unit:<id>`` or ``company:<id>``; empty: the first in reach, the
    post's own unit or company), refused on its field when not in reach."""
    offered = subjects(scope)
    if not value and offered:
        return offered[0]
    found = next((s for s in offered if s.value == value), None)
    if found is None:
        raise InvalidInput(_("查询条件有误。"), errors={"subject": _("请选择您管辖范围内的单位。")})
    return found


def topic_month(scope: Scope, *, month: date, source: str, subject: Subject) -> TopicMonth | None:
    """The computed topics of ``subject`` in ``month`` from ``source`` (None: not computed yet)."""
    wanted = Q(month=month, source=source, level=subject.level, subject_id=subject.key)
    return topic_rows(scope).filter(wanted).first()


@dataclass(frozen=True)
class TopicsAsk:
    month: date
    source: str
    subject: Subject


def topics_ask(*, scope: Scope, month: str, source: str, subject: str, today: date) -> TopicsAsk:
    """The month (``YYYY-MM``; default last month), the source (default the complaints) and the
    unit or company (default the first in reach), each refused on its field when wrong."""
    errors: dict[str, str] = {}
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if month:
        try:
            first = month_period(month).start
        except InvalidInput as exc:
            errors.update({k: str(v) for k, v in exc.errors.items()})
    if source and source not in TopicMonth.Source.values:
        errors["source"] = _("来源应为 complaints（投诉内容）或 surveys（调查意见）。")
    picked = None
    try:
        picked = subject_ask(scope, subject)
    except InvalidInput as exc:
        errors.update({k: str(v) for k, v in exc.errors.items()})
    if errors or picked is None:
        raise InvalidInput(_("查询条件有误。"), errors=errors or {"subject": _("您的岗位没有可查看的单位。")})
    return TopicsAsk(first, source or TopicMonth.Source.COMPLAINTS, picked)
