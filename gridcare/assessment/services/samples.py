"""Survey samples and social supervisors (抽样, 社会监督员, issue 14, ASSESS-4).

A sample is drawn by stratified random sampling over supply unit × customer class (the area type,
城市/农村/边远, is the supply unit's, so the unit strata carry it), from the active accounts of one
supply unit or of the whole company:

- left out first: accounts whose customer opted out of reminders and service messages (a survey
  link is a service message), then accounts without a mobile (nobody to send the link to), then
  anyone drawn by a survey sample in the last GRIDCARE_ASSESSMENT["SURVEY_REST_MONTHS"] months;
  each left-out account counted once, under the first reason;
- the allocation: ``rules.sampling.allocate`` over the strata's eligible counts, proportional or
  Neyman; Neyman's S_h is the standard deviation of the satisfaction score of the survey answers
  of the last GRIDCARE_ASSESSMENT["SURVEY_NEYMAN_DAYS"] days in each stratum (the mean of a
  response's satisfaction questions, else of all its 1-10 answers); without two such answers
  in every stratum Neyman is refused, naming the strata;
- the members: ``rules.sampling.draw`` over the account numbers with the seed (given, or drawn
  here and kept): the same population, size, method and seed give the same members.

``sample_plan`` does all of it and writes nothing (the page's preview, "将从 12,345 户中抽取 400
户"); ``sample_draw`` writes the sample, its population, allocation, exclusions and members in one
transaction, and for a supervisors' sample each member as an invited ``SocialSupervisor`` with
its history row. ``supervisor_set_state`` appoints (a term), records a refusal or ends one.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.assessment.events_surveys import supervisor_event
from gridcare.assessment.models import (
    Construct,
    Question,
    QuestionKind,
    Questionnaire,
    Sample,
    SampleMember,
    SamplePurpose,
    SocialSupervisor,
    SupervisorEvent,
    SurveyResponse,
)
from gridcare.assessment.rules.sampling import allocate, draw
from gridcare.assessment.rules.surveys import (
    METHODS,
    PURPOSES,
    TITLE_MAX,
    months_before,
    satisfaction_score,
    standard_deviation,
    stratum_key,
    text_error,
)
from gridcare.assessment.selectors_surveys import stratum_name
from gridcare.assessment.services.questionnaires import manager
from gridcare.assessment.surveys_access import supervisor_get_to_manage
from gridcare.core.events import record_many
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.timezone import business_date, local_datetime, now
from gridcare.customers.selectors import survey_candidates, survey_contacts
from gridcare.org.access import Capability, Level, Reach, Scope, require
from gridcare.org.models import SupplyUnit
from gridcare.org.selectors import place_in_reach

SIZE_MAX = 100_000
SEED_MAX = 2**32 - 1
NOTE_MAX = 500
TERM_MAX_DAYS = 5 * 366


def rest_months() -> int:
    return int(str(settings.GRIDCARE_ASSESSMENT.get("SURVEY_REST_MONTHS", 6)))


def neyman_days() -> int:
    return int(str(settings.GRIDCARE_ASSESSMENT.get("SURVEY_NEYMAN_DAYS", 365)))


@dataclass(frozen=True)
class NewSample:
    """A sample as a page or the API asks it: the unit's code ("" for the whole company), the
    size, the method, the seed ("" or None: drawn here)."""

    purpose: Any
    size: Any
    unit: Any = ""
    method: Any = "proportional"
    seed: Any = None
    name: Any = ""
    questionnaire: Any = None  # a published questionnaire's id (a survey; may be chosen when sending)


@dataclass(frozen=True)
class Plan:
    """What a sample would be, before anything is written."""

    purpose: str
    unit: SupplyUnit | None
    company_id: int
    size: int
    method: str
    seed: int
    name: str
    questionnaire: Questionnaire | None
    population: dict[str, int]  # stratum → eligible accounts
    allocation: dict[str, int]  # stratum → members to draw
    members: dict[str, list[tuple[str, int]]] = field(repr=False)  # stratum → (account no, id)
    sd: dict[str, float] | None
    excluded_opted_out: int
    excluded_no_phone: int
    excluded_recent: int

    @property
    def eligible(self) -> int:
        return sum(self.population.values())


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value if value is not None else "").strip().replace(",", "")
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        return None
    return int(text)


def _place(scope: Scope, code: Any, errors: dict[str, str]) -> tuple[SupplyUnit | None, int | None]:
    """(the unit, the company) a sample is drawn from; "" is the whole company (company posts)."""
    text = str(code or "").strip() if isinstance(code, str | None) else None
    if text:
        found = place_in_reach(scope, Reach.ASSESSMENT, "unit", text)
        unit = SupplyUnit.objects.filter(pk=found).first() if found is not None else None
        if unit is None:
            errors["unit"] = _("请选择您管辖范围内的供电单位。")
            return None, None
        return unit, unit.company_id
    if text is None or scope.level(Reach.ASSESSMENT) not in (Level.ALL, Level.COMPANY) or scope.company_id is None:
        errors["unit"] = _("请选择供电单位。")
        return None, None
    return None, scope.company_id


def _questionnaire(value: Any, purpose: str, errors: dict[str, str]) -> Questionnaire | None:
    if value in (None, "") or purpose != SamplePurpose.SURVEY:
        return None
    pk = _int(value)
    found = Questionnaire.objects.filter(pk=pk, state=Questionnaire.State.PUBLISHED).first() if pk else None
    if found is None:
        errors["questionnaire"] = _("请选择一份已发布的问卷。")
    return found


@dataclass(frozen=True)
class _Fields:
    purpose: str
    unit: SupplyUnit | None
    company_id: int
    size: int
    method: str
    seed: int
    name: str
    questionnaire: Questionnaire | None


def _checked(scope: Scope, data: NewSample) -> _Fields:
    errors: dict[str, str] = {}
    purpose = str(data.purpose or "")
    if purpose not in PURPOSES:
        errors["purpose"] = _("请选择抽样用途：满意度调查或社会监督员。")
    unit, company_id = _place(scope, data.unit, errors)
    size = _int(data.size)
    if size is None or not 1 <= size <= SIZE_MAX:
        errors["size"] = _("样本量应为 1 到 %(n)s 之间的整数。") % {"n": f"{SIZE_MAX:,}"}
    method = str(data.method or "")
    if method not in METHODS:
        errors["method"] = _("请选择分配方法：按比例或奈曼分配。")
    seed = _int(data.seed) if data.seed not in (None, "") else secrets.randbelow(SEED_MAX)
    if seed is None or not 0 <= seed <= SEED_MAX:
        errors["seed"] = _("随机种子应为 0 到 %(n)d 之间的整数，留空则自动生成。") % {"n": SEED_MAX}
    name = data.name if isinstance(data.name, str) else None
    if name is None or text_error(name, required="", limit=TITLE_MAX):
        errors["name"] = _("名称最多 %(n)d 个字，不能包含控制字符。") % {"n": TITLE_MAX}
    questionnaire = _questionnaire(data.questionnaire, purpose, errors)
    if errors or company_id is None or size is None or seed is None or name is None:
        raise InvalidInput(_("抽样条件有误。"), errors=errors)
    return _Fields(purpose, unit, company_id, size, method, seed, name.strip(), questionnaire)


def _recently_sampled(today: date) -> set[int]:
    since = local_datetime(months_before(today, rest_months()), time.min)
    rows = SampleMember.objects.filter(sample__purpose=SamplePurpose.SURVEY, sample__created_at__gte=since)
    return set(rows.values_list("account_id", flat=True))


@dataclass
class _Population:
    members: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    opted_out: int = 0
    no_phone: int = 0
    recent: int = 0


def _population(fields: _Fields, unit_codes: Mapping[int, str]) -> _Population:
    where = (
        Q(supply_unit_id=fields.unit.pk) if fields.unit is not None else Q(supply_unit__company_id=fields.company_id)
    )
    recent = _recently_sampled(business_date())
    found = _Population()
    for c in survey_candidates(where=where):
        if c.opted_out:
            found.opted_out += 1
        elif not c.phone:
            found.no_phone += 1
        elif c.account_id in recent:
            found.recent += 1
        else:
            key = stratum_key(unit_codes[c.unit_id], c.customer_class)
            found.members.setdefault(key, []).append((c.account_no, c.account_id))
    return found


def _units(company_id: int) -> dict[int, str]:
    return dict(SupplyUnit.objects.filter(company_id=company_id).values_list("pk", "code"))


def neyman_sd(strata: Mapping[str, int], unit_codes: Mapping[int, str]) -> tuple[dict[str, float], list[str]]:
    """(S_h of each stratum from the answers of the last ``neyman_days``, the strata without two
    such answers)."""
    since = now() - timedelta(days=neyman_days())
    rows = list(
        SurveyResponse.objects.filter(answered_at__gte=since, invite__account__isnull=False).values_list(
            "invite__account_id", "questionnaire_id", "answers"
        )
    )
    codes = _satisfaction_codes({q for _a, q, _x in rows})
    contacts = survey_contacts(account_ids={a for a, _q, _x in rows})
    scores: dict[str, list[float]] = {}
    for account_id, questionnaire_id, answers in rows:
        contact = contacts.get(account_id)
        unit_code = unit_codes.get(contact.unit_id) if contact else None
        score = satisfaction_score(answers or {}, codes.get(questionnaire_id, [])) if unit_code else None
        if contact is not None and unit_code is not None and score is not None:
            scores.setdefault(stratum_key(unit_code, contact.customer_class), []).append(score)
    sd: dict[str, float] = {}
    lacking: list[str] = []
    for key, size in strata.items():
        value = standard_deviation(scores.get(key, []))
        if value is None and size > 0:
            lacking.append(key)
        elif value is not None:
            sd[key] = value
    return sd, lacking


def _satisfaction_codes(questionnaire_ids: set[int]) -> dict[int, list[str]]:
    """Each questionnaire's satisfaction questions (1-10, construct 客户满意), else all its 1-10 ones."""
    rows = Question.objects.filter(questionnaire_id__in=questionnaire_ids, kind=QuestionKind.SCALE)
    every: dict[int, list[str]] = {}
    satisfied: dict[int, list[str]] = {}
    for q, code, construct in rows.values_list("questionnaire_id", "code", "construct"):
        every.setdefault(q, []).append(code)
        if construct == Construct.SATISFACTION:
            satisfied.setdefault(q, []).append(code)
    return {q: satisfied.get(q, codes) for q, codes in every.items()}


def _allocation(fields: _Fields, population: dict[str, int], unit_codes: Mapping[int, str]) -> tuple[Any, Any]:
    total = sum(population.values())
    if fields.size > total:
        raise InvalidInput(
            _("样本量超过可抽取的户数（%(n)s 户）。") % {"n": f"{total:,}"},
            errors={"size": _("最多可抽取 %(n)s 户。") % {"n": f"{total:,}"}},
        )
    sd = None
    if fields.method == "neyman":
        sd, lacking = neyman_sd(population, unit_codes)
        if lacking:
            units = {u.code: u for u in SupplyUnit.objects.filter(company_id=fields.company_id)}
            names = "、".join(stratum_name(k, units) for k in sorted(lacking)[:6])
            more = _("等 %(n)d 层") % {"n": len(lacking)} if len(lacking) > 6 else ""
            message = _(
                "这些层近期的调查答卷不足两份，算不出满意度的标准差，不能按奈曼分配：%(strata)s%(more)s。请改用按比例分配。"
            ) % {"strata": names, "more": more}
            raise InvalidInput(message, errors={"method": message})
    try:
        return allocate(population, fields.size, method=fields.method, sd=sd), sd
    except ValueError as exc:
        raise InvalidInput(str(exc), errors={"size": str(exc)}) from exc


def _default_name(fields: _Fields) -> str:
    where = fields.unit.name if fields.unit is not None else _("全公司")
    purpose = SamplePurpose(fields.purpose).label
    return _("%(where)s%(purpose)s抽样 %(day)s") % {"where": where, "purpose": purpose, "day": business_date()}


def sample_plan(*, scope: Scope, data: NewSample) -> Plan:
    """The sample ``data`` asks for, computed and checked, nothing written (SURVEY_MANAGE)."""
    require(scope, Capability.SURVEY_MANAGE)
    fields = _checked(scope, data)
    unit_codes = _units(fields.company_id)
    found = _population(fields, unit_codes)
    population = {key: len(found.members[key]) for key in sorted(found.members)}
    if not population:
        raise InvalidInput(_("没有可抽取的用电户。"), errors={"unit": _("这个范围内没有可抽取的用电户。")})
    allocation, sd = _allocation(fields, population, unit_codes)
    return Plan(
        purpose=fields.purpose,
        unit=fields.unit,
        company_id=fields.company_id,
        size=fields.size,
        method=fields.method,
        seed=fields.seed,
        name=fields.name or _default_name(fields),
        questionnaire=fields.questionnaire,
        population=population,
        allocation=allocation,
        members=found.members,
        sd=sd,
        excluded_opted_out=found.opted_out,
        excluded_no_phone=found.no_phone,
        excluded_recent=found.recent,
    )


def sample_draw(*, scope: Scope, actor: User | AnonymousUser, data: NewSample) -> Sample:
    """Draw and keep the sample (SURVEY_MANAGE; the seed given, or drawn and kept)."""
    user = manager(scope, actor)
    plan = sample_plan(scope=scope, data=data)
    population = [(stratum, number) for stratum, rows in plan.members.items() for number, _pk in rows]
    ids = {number: pk for rows in plan.members.values() for number, pk in rows}
    strata = {number: stratum for stratum, number in population}
    chosen = draw(population, plan.allocation, plan.seed)
    at = now()
    with transaction.atomic():
        sample = Sample.objects.create(
            purpose=plan.purpose,
            name=plan.name,
            company_id=plan.company_id,
            unit=plan.unit,
            questionnaire=plan.questionnaire,
            size=plan.size,
            method=plan.method,
            strata_by=["unit", "customer_class"],
            seed=plan.seed,
            population=plan.population,
            allocation=plan.allocation,
            excluded_opted_out=plan.excluded_opted_out,
            excluded_no_phone=plan.excluded_no_phone,
            excluded_recent=plan.excluded_recent,
            created_by=user,
            created_at=at,
        )
        SampleMember.objects.bulk_create(
            (SampleMember(sample=sample, account_id=ids[n], stratum=strata[n]) for n in chosen), batch_size=5000
        )
        if plan.purpose == SamplePurpose.SUPERVISORS:
            _invite_supervisors(sample, [ids[n] for n in chosen], user)
    return sample


def _invite_supervisors(sample: Sample, account_ids: list[int], user: User) -> None:
    contacts = survey_contacts(account_ids=account_ids)
    at = sample.created_at
    made = SocialSupervisor.objects.bulk_create(
        SocialSupervisor(account_id=pk, sample=sample, unit_id=contacts[pk].unit_id, updated_by=user, updated_at=at)
        for pk in account_ids
    )
    if not all(s.pk for s in made):  # backends that do not return ids (none today): read them back
        made = list(SocialSupervisor.objects.filter(sample=sample))
    record_many(
        SupervisorEvent,
        ({"supervisor": s, "parameters": {"sample": sample.name}} for s in made),
        type=SupervisorEvent.Type.INVITED,
        actor=user,
        at=at,
    )


# -- social supervisors: appointed for a term, declined, ended ------------------------------------

S = SocialSupervisor.State
SUPERVISOR_TRANSITIONS: dict[str, frozenset[str]] = {
    S.INVITED: frozenset({S.ACTIVE, S.DECLINED}),
    S.ACTIVE: frozenset({S.ACTIVE, S.ENDED}),  # active → active: the term changed (renewed)
    S.DECLINED: frozenset(),
    S.ENDED: frozenset(),
}
del S


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip()) if isinstance(value, str) and value.strip() else None
    except ValueError:
        return None


def _term(state: str, start: Any, end: Any, errors: dict[str, str]) -> tuple[date | None, date | None]:
    if state != SocialSupervisor.State.ACTIVE:
        return None, None
    first, last = _date(start), _date(end)
    if first is None or not 2000 <= first.year <= 2100:
        errors["term_start"] = _("请填写聘期开始日期，如 2026-12-01。")
    if last is None or not 2000 <= last.year <= 2100:
        errors["term_end"] = _("请填写聘期结束日期，如 2027-11-30。")
    if first is not None and last is not None and "term_start" not in errors and "term_end" not in errors:
        if last < first:
            errors["term_end"] = _("聘期结束不能早于开始。")
        elif (last - first).days > TERM_MAX_DAYS:
            errors["term_end"] = _("聘期最长五年。")
    return first, last


def supervisor_set_state(
    *,
    scope: Scope,
    actor: User | AnonymousUser,
    supervisor_id: int,
    state: Any,
    term_start: Any = None,
    term_end: Any = None,
    note: Any = "",
) -> SocialSupervisor:
    """Appoint (在聘, with a term), record a refusal (已谢绝) or end (已解聘) a supervisor."""
    user = manager(scope, actor)
    errors: dict[str, str] = {}
    wanted = str(state or "") if isinstance(state, str) else ""
    if wanted not in (SocialSupervisor.State.ACTIVE, SocialSupervisor.State.DECLINED, SocialSupervisor.State.ENDED):
        errors["state"] = _("请选择新的状态：在聘、已谢绝或已解聘。")
    first, last = _term(wanted, term_start, term_end, errors)
    if message := text_error(note if note is not None else "", required="", limit=NOTE_MAX):
        errors["note"] = message
    if errors:
        raise InvalidInput(_("社会监督员状态有误。"), errors=errors)
    with transaction.atomic():
        supervisor = supervisor_get_to_manage(scope=scope, supervisor_id=supervisor_id, lock=True)
        old = supervisor.state
        if wanted not in SUPERVISOR_TRANSITIONS[old]:
            raise Conflict(
                _("这位社会监督员当前为“%(state)s”，不能改为“%(to)s”。")
                % {"state": SocialSupervisor.State(old).label, "to": SocialSupervisor.State(wanted).label}
            )
        at = now()
        supervisor.state = wanted
        if wanted == SocialSupervisor.State.ACTIVE:
            supervisor.term_start, supervisor.term_end = first, last
        elif wanted == SocialSupervisor.State.ENDED:
            supervisor.term_end = min(supervisor.term_end or business_date(), business_date())
            if supervisor.term_start is not None and supervisor.term_end < supervisor.term_start:
                supervisor.term_end = supervisor.term_start
        supervisor.note = str(note or "").strip()
        supervisor.updated_by, supervisor.updated_at = user, at
        supervisor.save(update_fields=["state", "term_start", "term_end", "note", "updated_by", "updated_at"])
        parameters: dict[str, Any] = {"from": old, "to": wanted}
        if supervisor.term_start and supervisor.term_end:
            parameters.update(term_start=supervisor.term_start.isoformat(), term_end=supervisor.term_end.isoformat())
        if supervisor.note:
            parameters["note"] = supervisor.note
        supervisor_event(supervisor=supervisor, type=SupervisorEvent.Type.STATE, actor=user, at=at, **parameters)
    return supervisor
