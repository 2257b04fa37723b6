"""Samples, questionnaires, social supervisors and survey answers in the API (issue 14,
ASSESS-4/5), with the pages' rules: SURVEY_RESULTS reads samples (supervisors their unit's,
planners and administrators the company's), SURVEY_MANAGE draws and sends them and reads the
questionnaires and supervisors. ``/api/v1/surveys/{token}`` is the public survey link's own
(no sign-in): the questionnaire to answer, and the answers, once."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from gridcare.assessment import selectors_surveys as surveys
from gridcare.assessment.models import Questionnaire, Sample, SocialSupervisor
from gridcare.assessment.services import samples as service
from gridcare.assessment.services import surveys as send_service
from gridcare.assessment.surveys_access import sample_get_for_scope
from gridcare.core.paging import api_page
from gridcare.org.access import Capability, require, scope_for
from gridcare.org.api import ERRORS, ErrorOut

router = Router(tags=["assessment"])
public_router = Router(tags=["surveys"])


class StratumOut(Schema):
    stratum: str  # unit code / customer class
    unit: str
    area_type: str
    customer_class: str
    population: int
    population_share: float
    drawn: int
    drawn_share: float
    sent: int
    answered: int
    rate: float | None


class SampleOut(Schema):
    id: int
    name: str
    purpose: str  # survey, supervisors
    unit: str | None  # the supply unit's code; null: the whole company
    size: int
    method: str  # proportional, neyman
    seed: int
    status: str  # drawn, sent, closed
    questionnaire_id: int | None
    population: dict[str, int]
    allocation: dict[str, int]
    excluded_opted_out: int
    excluded_no_phone: int
    excluded_recent: int
    sent: int
    answered: int
    response_rate: float | None  # percent
    expires_at: datetime | None
    created_at: datetime


class SampleDetailOut(SampleOut):
    strata: list[StratumOut]


class SampleIn(Schema):
    purpose: str  # survey, supervisors
    size: int
    unit: str = ""  # a supply unit's code in reach; "" the whole company (company posts)
    method: str = "proportional"
    seed: int | None = None  # drawn and returned when absent
    name: str = ""
    questionnaire_id: int | None = None


class SendIn(Schema):
    questionnaire_id: int | None = None  # the sample's own when absent


class SendOut(Schema):
    sample_id: int
    invited: int  # invitations queued now (0 when every member was invited before)
    unreachable: int


def _out(sample: Sample) -> dict[str, Any]:
    rates, _per = surveys.sample_rates(sample)
    return {
        "id": sample.pk,
        "name": sample.name,
        "purpose": sample.purpose,
        "unit": sample.unit.code if sample.unit else None,
        "size": sample.size,
        "method": sample.method,
        "seed": sample.seed,
        "status": sample.status,
        "questionnaire_id": sample.questionnaire_id,
        "population": sample.population,
        "allocation": sample.allocation,
        "excluded_opted_out": sample.excluded_opted_out,
        "excluded_no_phone": sample.excluded_no_phone,
        "excluded_recent": sample.excluded_recent,
        "sent": rates.sent,
        "answered": rates.answered,
        "response_rate": rates.rate,
        "expires_at": sample.expires_at,
        "created_at": sample.created_at,
    }


def _detail(sample: Sample) -> dict[str, Any]:
    strata = [
        {
            "stratum": r.key,
            "unit": r.unit,
            "area_type": r.area_type,
            "customer_class": r.customer_class,
            "population": r.population,
            "population_share": r.population_share,
            "drawn": r.drawn,
            "drawn_share": r.drawn_share,
            "sent": r.sent,
            "answered": r.answered,
            "rate": r.rate,
        }
        for r in surveys.sample_composition(sample)
    ]
    return {**_out(sample), "strata": strata}


@router.get("/assessment/samples", response={200: list[SampleOut], 403: ErrorOut, 422: ErrorOut})
def sample_list(
    request: HttpRequest, response: HttpResponse, purpose: str = "", page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """The samples in the caller's reach, newest first (SURVEY_RESULTS); ``purpose``: survey or
    supervisors. Pages of ``?page=`` / ``?page_size=``; the total is in X-Total-Count."""
    scope = require(scope_for(request.user), Capability.SURVEY_RESULTS)
    rows = surveys.sample_list(scope=scope, purpose=purpose)
    return api_page(response, rows, page=page, page_size=page_size, dress=_out)


@router.post("/assessment/samples", response={201: SampleDetailOut, **ERRORS})
def sample_create(request: HttpRequest, payload: SampleIn) -> tuple[int, dict[str, Any]]:
    """Draw a sample (SURVEY_MANAGE) over supply unit × customer class, proportional or Neyman,
    from the seed given (or one drawn and returned). A bad value is a 422 naming its field."""
    data = service.NewSample(
        purpose=payload.purpose,
        size=payload.size,
        unit=payload.unit,
        method=payload.method,
        seed=payload.seed,
        name=payload.name,
        questionnaire=payload.questionnaire_id,
    )
    sample = service.sample_draw(scope=scope_for(request.user), actor=request.user, data=data)
    return 201, _detail(sample)


@router.get("/assessment/samples/{int:sample_id}", response={200: SampleDetailOut, 403: ErrorOut, 404: ErrorOut})
def sample_detail(request: HttpRequest, sample_id: int) -> dict[str, Any]:
    """A sample with its composition beside the population's and its response rates per stratum."""
    return _detail(sample_get_for_scope(scope=scope_for(request.user), sample_id=sample_id))


@router.post("/assessment/samples/{int:sample_id}/send", response={200: SendOut, **ERRORS})
def sample_send(request: HttpRequest, sample_id: int, payload: SendIn) -> dict[str, Any]:
    """Invite every member not yet invited by SMS through the outbox (SURVEY_MANAGE): sending
    again invites nobody twice."""
    done = send_service.survey_send(
        scope=scope_for(request.user), actor=request.user, sample_id=sample_id, questionnaire=payload.questionnaire_id
    )
    return {"sample_id": done.sample.pk, "invited": done.invited, "unreachable": done.unreachable}


class QuestionOut(Schema):
    code: str
    position: int
    kind: str  # scale, choice, text
    text: str
    choices: list[str]
    measures: str  # its construct: "" or image, expectation, quality, value, satisfaction, loyalty
    required: bool


class QuestionnaireOut(Schema):
    id: int
    title: str
    intro: str
    version: int
    state: str  # draft, published, retired
    published_at: datetime | None
    questions: list[QuestionOut]


def _questionnaire(q: Questionnaire) -> dict[str, Any]:
    return {
        "id": q.pk,
        "title": q.title,
        "intro": q.intro,
        "version": q.version,
        "state": q.state,
        "published_at": q.published_at,
        "questions": [
            {
                "code": x.code,
                "position": x.position,
                "kind": x.kind,
                "text": x.text,
                "choices": [str(c) for c in x.choices or []],
                "measures": x.construct,
                "required": x.required,
            }
            for x in surveys.questionnaire_questions(q)
        ],
    }


@router.get("/assessment/questionnaires", response={200: list[QuestionnaireOut], 403: ErrorOut, 422: ErrorOut})
def questionnaire_list(
    request: HttpRequest, response: HttpResponse, page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """Every questionnaire version with its questions (SURVEY_MANAGE)."""
    require(scope_for(request.user), Capability.SURVEY_MANAGE)
    return api_page(response, surveys.questionnaire_list(), page=page, page_size=page_size, dress=_questionnaire)


class SupervisorOut(Schema):
    id: int
    account_no: str
    name: str  # masked
    phone: str  # masked
    unit: str
    state: str  # invited, active, declined, ended
    term_start: date | None
    term_end: date | None
    sample_id: int | None
    updated_at: datetime


@router.get("/assessment/supervisors", response={200: list[SupervisorOut], 403: ErrorOut, 422: ErrorOut})
def supervisor_list(
    request: HttpRequest, response: HttpResponse, state: str = "", page: int = 1, page_size: int | None = None
) -> list[dict[str, Any]]:
    """The social supervisors in the caller's reach (SURVEY_MANAGE), names and phones masked."""
    scope = require(scope_for(request.user), Capability.SURVEY_MANAGE)

    def dress(s: SocialSupervisor) -> dict[str, Any]:
        [row] = surveys.supervisor_rows([s])
        return {
            "id": s.pk,
            "account_no": row.account_no,
            "name": row.name,
            "phone": row.phone,
            "unit": s.unit.code,
            "state": s.state,
            "term_start": s.term_start,
            "term_end": s.term_end,
            "sample_id": s.sample_id,
            "updated_at": s.updated_at,
        }

    return api_page(
        response, surveys.supervisor_list(scope=scope, state=state), page=page, page_size=page_size, dress=dress
    )


# -- the public survey link ---------------------------------------------------------------------


class SurveyOut(Schema):
    title: str
    intro: str
    expires_at: datetime
    questions: list[QuestionOut]


class AnswersIn(Schema):
    answers: dict[str, int | str]  # question code → a 1-10 score, a choice's text, free text


class AnsweredOut(Schema):
    answered_at: datetime


PUBLIC = {404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@public_router.get("/surveys/{token}", auth=None, response={200: SurveyOut, **PUBLIC})
def survey_get(request: HttpRequest, token: str) -> dict[str, Any]:
    """The questionnaire of a survey link (no sign-in): 404 unknown, 409 answered or expired."""
    state = surveys.invite_for_token(token)
    if state.invite is None or state.state != "open":
        raise send_service.refusal(state.state)
    q = _questionnaire(state.invite.questionnaire)
    return {
        "title": q["title"],
        "intro": q["intro"],
        "expires_at": state.invite.expires_at,
        "questions": q["questions"],
    }


@public_router.post("/surveys/{token}", auth=None, response={201: AnsweredOut, **PUBLIC})
def survey_post(request: HttpRequest, token: str, payload: AnswersIn) -> tuple[int, dict[str, Any]]:
    """Answer once (no sign-in): 422 naming each question answered wrong, nothing written."""
    response = send_service.survey_answer(token=token, answers=dict(payload.answers))
    return 201, {"answered_at": response.answered_at}
