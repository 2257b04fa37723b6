"""The satisfaction drivers in the API (issue 14, ASSESS-5): the same model as the page
满意度驱动因素, estimated on request, with the page's access (SURVEY_RESULTS: supervisors their
unit's answers, planners and administrators the company's)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from gridcare.assessment import selectors_drivers as sd
from gridcare.core.timezone import business_date
from gridcare.org.access import Capability, require
from gridcare.org.api import ErrorOut

router = Router(tags=["assessment"])


class PathOut(Schema):
    source: str  # construct code: image, expectation, quality, value, satisfaction, loyalty
    target: str
    coefficient: float


class ConstructValueOut(Schema):
    code: str  # the construct: image, expectation, quality, value, satisfaction, loyalty
    label: str
    value: float


class DriverOut(Schema):
    code: str  # the construct
    label: str
    importance: float  # unstandardised total effect on satisfaction (0-100 scores)
    performance: float  # mean score 0-100


class DriversOut(Schema):
    questionnaire: int
    start: str
    end: str
    unit: str  # the unit's code, "" for every unit in reach
    responses: int  # answered in the period, in reach
    complete: int  # with every measured question answered on the 1-10 scale (the model's)
    left_out: int
    min_responses: int
    message: str  # why there is no model ("" when there is one)
    satisfaction_index: float | None  # CSI 0-100
    path_coefficients: list[PathOut]
    r_squared: list[ConstructValueOut]
    ave: list[ConstructValueOut]
    total_effects_on_satisfaction: list[ConstructValueOut]  # standardised
    importance_performance: list[DriverOut]
    importance_mean: float | None
    performance_mean: float | None
    priority: str  # the construct to improve first ("" if none is high importance and low performance)
    priority_sentence: str
    ipma_message: str
    blocks: dict[str, list[str]]  # construct → its questions' codes


def _values(pairs: list[tuple[str, float]]) -> list[dict[str, Any]]:
    return [{"code": c, "label": sd.label(c), "value": v} for c, v in pairs]


@router.get("/assessment/drivers", response={200: DriversOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def assessment_drivers(
    request: HttpRequest, questionnaire: str = "", start: str = "", end: str = "", unit: str = ""
) -> dict[str, Any]:
    """The CCSI model (ECSI structure, PLS path modelling, scaled=False on the 1-10 answers) of
    ``questionnaire`` (its id; default the newest published one with measured questions) for
    ``start``..``end`` (ISO dates; default the 90 days up to yesterday) and ``unit`` (a unit's
    code; default all in reach). Responses lacking a measured answer are left out and counted;
    with fewer complete ones than GRIDCARE_ASSESSMENT_PLS_MIN_RESPONSES (100) ``message`` says so
    and the model's lists are empty. The satisfaction index is Σ w̃ᵢ·(x̄ᵢ − 1)/9·100 over the
    satisfaction questions, w̃ the outer weights normed to sum to 1."""
    scope = require(request.user, Capability.SURVEY_RESULTS)
    ask = sd.drivers_ask(
        scope=scope, questionnaire=questionnaire, start=start, end=end, unit=unit, today=business_date()
    )
    result = sd.drivers(scope=scope, questionnaire=ask.questionnaire, start=ask.start, end=ask.end, unit_id=ask.unit_id)
    m = result.matrix
    return {
        "questionnaire": ask.questionnaire.pk,
        "start": ask.start.isoformat(),
        "end": ask.end.isoformat(),
        "unit": ask.unit_code,
        "responses": m.responses,
        "complete": m.complete,
        "left_out": m.left_out,
        "min_responses": result.minimum,
        "message": result.message,
        "satisfaction_index": result.index,
        "path_coefficients": [{"source": a, "target": b, "coefficient": v} for a, b, v in result.paths],
        "r_squared": _values(result.r_squared),
        "ave": _values(result.ave),
        "total_effects_on_satisfaction": _values(result.total_effects),
        "importance_performance": [
            {"code": d.construct, "label": d.label, "importance": d.importance, "performance": d.performance}
            for d in result.drivers
        ],
        "importance_mean": result.importance_mean,
        "performance_mean": result.performance_mean,
        "priority": result.priority,
        "priority_sentence": result.priority_sentence,
        "ipma_message": result.ipma_message,
        "blocks": m.blocks,
    }
