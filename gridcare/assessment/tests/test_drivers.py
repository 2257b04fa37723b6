"""满意度驱动因素 (issue 14, ASSESS-5) on constructed survey responses: the model equals
``pls_path_model`` called on the same matrix; responses lacking an answer are left out and
counted; too few complete ones say so; the satisfaction index is the documented formula; the
importance-performance analysis names the driver to improve; supervisors read their unit's
answers, planners and administrators the company's, nobody else (SURVEY_RESULTS)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from numpy.typing import NDArray

from gridcare.assessment.models import Question, Questionnaire, SurveyInvite, SurveyResponse
from gridcare.assessment.rules.pls import importance_performance, pls_path_model
from gridcare.assessment.selectors_drivers import ECSI_PATHS, drivers, survey_matrix
from gridcare.core.testing import PERSONAS, City, api_client, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import Capability, can, scope_for
from gridcare.org.models import SupplyUnit

BLOCKS = {
    "image": ["img1", "img2", "img3"],
    "expectation": ["exp1", "exp2", "exp3"],
    "quality": ["qual1", "qual2", "qual3"],
    "value": ["val1", "val2"],
    "satisfaction": ["sat1", "sat2", "sat3"],
    "loyalty": ["loy1", "loy2"],
}
# Where each construct's answers sit on the 1-10 scale: quality well below the rest.
CENTRES = {"image": 7.5, "expectation": 7.0, "quality": 4.5, "value": 7.0, "satisfaction": 6.0, "loyalty": 7.0}
DAY = datetime(2026, 11, 10, 12, 0, tzinfo=SHANGHAI)
QUERY = "start=2026-11-01&end=2026-11-30"


def answers(n: int, *, seed: int = 14) -> list[dict[str, Any]]:
    """``n`` customers' answers from the ECSI structure: quality drives satisfaction most."""
    rng = np.random.default_rng(seed)

    def e() -> NDArray[np.float64]:
        return rng.normal(0, 0.6, n)

    img = rng.normal(0, 1, n)
    exp = 0.6 * img + e()
    qual = 0.5 * exp + e()
    val = 0.3 * exp + 0.4 * qual + e()
    sat = 0.1 * img + 0.05 * exp + 0.7 * qual + 0.1 * val + e()
    loy = 0.3 * img + 0.5 * sat + e()
    latent = {"image": img, "expectation": exp, "quality": qual, "value": val, "satisfaction": sat, "loyalty": loy}
    columns = {
        code: np.clip(np.rint(CENTRES[c] + 1.4 * latent[c] + rng.normal(0, 0.8, n)), 1, 10)
        for c, codes in BLOCKS.items()
        for code in codes
    }
    return [{code: int(columns[code][i]) for code in columns} for i in range(n)]


def questionnaire(by: User) -> Questionnaire:
    q = Questionnaire.objects.create(
        code="CCSI",
        version=1,
        title="供电服务满意度调查",
        state="published",
        created_by=by,
        created_at=DAY,
        published_at=DAY,
    )
    position = 0
    for construct, codes in BLOCKS.items():
        for code in codes:
            position += 1
            Question.objects.create(
                questionnaire=q, position=position, code=code, kind="scale", text=f"{code}？", construct=construct
            )
    Question.objects.create(questionnaire=q, position=99, code="why", kind="text", text="意见", required=False)
    return q


def respond(q: Questionnaire, rows: list[dict[str, Any]], *, unit: SupplyUnit, at: datetime = DAY) -> None:
    """The rows as SurveyResponse rows (each with its invitation), one a minute from ``at``."""
    start = SurveyInvite.objects.count()
    invites = SurveyInvite.objects.bulk_create(
        SurveyInvite(
            questionnaire=q,
            channel="sms",
            token_hash=hashlib.sha256(f"t{start + i}".encode()).hexdigest(),
            created_at=at,
            expires_at=at + timedelta(days=7),
            answered_at=at + timedelta(minutes=i),
        )
        for i in range(len(rows))
    )
    SurveyResponse.objects.bulk_create(
        SurveyResponse(invite=invite, questionnaire=q, answered_at=at + timedelta(minutes=i), answers=row, unit=unit)
        for i, (invite, row) in enumerate(zip(invites, rows, strict=True))
    )


@pytest.fixture
def survey(town: City) -> Questionnaire:
    q = questionnaire(town.admin)
    respond(q, answers(240), unit=town.unit)
    respond(q, answers(60, seed=15), unit=town.other_unit, at=DAY + timedelta(hours=5))  # after U1's
    return q


def _ask(town: City, q: Questionnaire, user: User | None = None, unit_id: int | None = None) -> Any:
    scope = scope_for(user or town.planner)
    return drivers(scope=scope, questionnaire=q, start=DAY.date(), end=DAY.date(), unit_id=unit_id)


def test_the_model_equals_pls_path_model_on_the_same_matrix(town: City, survey: Questionnaire) -> None:
    result = _ask(town, survey)
    rows = answers(240) + answers(60, seed=15)
    data = {code: [float(r[code]) for r in rows] for codes in BLOCKS.values() for code in codes}
    model = pls_path_model(data, BLOCKS, list(ECSI_PATHS), scaled=False)
    assert result.message == ""
    assert (result.matrix.responses, result.matrix.complete, result.matrix.left_out) == (300, 300, 0)
    assert result.matrix.data == data
    assert result.paths == [(a, b, model.path_coefficients[(a, b)]) for a, b in ECSI_PATHS]
    assert result.r_squared == [(c, model.r_squared[c]) for c in BLOCKS if c != "image"]
    assert result.ave == [(c, model.ave[c]) for c in BLOCKS]
    assert result.total_effects == [
        (c, model.total_effects[(c, "satisfaction")]) for c in BLOCKS if c not in ("satisfaction", "loyalty")
    ]
    ipma = importance_performance(model, "satisfaction", data, BLOCKS, 1, 10)
    assert [(d.construct, d.importance, d.performance) for d in result.drivers] == [tuple(r) for r in ipma]


def test_the_satisfaction_index_is_the_normed_weighted_mean_rescaled(town: City, survey: Questionnaire) -> None:
    result = _ask(town, survey)
    rows = answers(240) + answers(60, seed=15)
    data = {code: [float(r[code]) for r in rows] for codes in BLOCKS.values() for code in codes}
    model = pls_path_model(data, BLOCKS, list(ECSI_PATHS), scaled=False)
    w = np.array([model.outer_weights[c] for c in BLOCKS["satisfaction"]])
    means = np.array([np.mean(data[c]) for c in BLOCKS["satisfaction"]])
    assert result.index == pytest.approx(float((w / w.sum()) @ ((means - 1) / 9 * 100)), abs=1e-12)
    assert 0 < result.index < 100


def test_quality_is_named_the_driver_to_improve(town: City, survey: Questionnaire) -> None:
    result = _ask(town, survey)
    quality = next(d for d in result.drivers if d.construct == "quality")
    assert quality.importance > result.importance_mean and quality.performance < result.performance_mean
    assert (result.priority, result.priority_sentence) == ("quality", "优先改进：感知质量（重要性高、表现低）")


def test_responses_missing_an_answer_are_left_out_and_counted(town: City, survey: Questionnaire) -> None:
    complete = answers(3, seed=99)
    broken = [dict(complete[0]), dict(complete[1]), dict(complete[2]), dict(complete[0])]
    del broken[0]["sat2"]  # unanswered
    broken[1]["qual1"] = "很好"  # not a number
    broken[2]["loy2"] = 11  # off the scale
    broken[3]["img1"] = None
    respond(survey, broken, unit=town.unit, at=DAY + timedelta(hours=8))
    matrix = survey_matrix(scope=scope_for(town.planner), questionnaire=survey, start=DAY.date(), end=DAY.date())
    assert (matrix.responses, matrix.complete, matrix.left_out) == (304, 300, 4)
    assert len(matrix.data["img1"]) == 300
    page = signed_in(town.planner).get(f"/assessment/drivers/?questionnaire={survey.pk}&{QUERY}").content.decode()
    assert "2026-11-01 至 2026-11-30 共 304 份答卷，完整 300 份；4 份有测量题未答或不在 1-10 分，未计入模型。" in page


def test_too_few_complete_responses_say_so(town: City, survey: Questionnaire) -> None:
    result = _ask(town, survey, user=town.supervisor)  # U1: 240 responses
    assert result.message == ""
    with override_settings(GRIDCARE_ASSESSMENT={"PLS_MIN_RESPONSES": 250}):
        few = _ask(town, survey, user=town.supervisor)
        page = signed_in(town.supervisor).get(f"/assessment/drivers/?{QUERY}").content.decode()
        api = api_client(town.supervisor).get(f"/api/v1/assessment/drivers?{QUERY}").json()
    sentence = "完整答卷 240 份，少于建模所需的 250 份，暂不能分析满意度驱动因素。"
    assert (few.message, few.paths, few.index, few.drivers) == (sentence, [], None, [])
    assert sentence in page and "优先改进" not in page
    assert (api["message"], api["complete"], api["min_responses"], api["path_coefficients"]) == (sentence, 240, 250, [])


def test_each_supervisor_reads_their_units_answers_and_may_narrow_no_further(town: City, survey: Questionnaire) -> None:
    counts = {
        name: _ask(town, survey, user=town.users[name]).matrix.responses
        for name in ("supervisor", "other_supervisor", "planner", "admin")
    }
    assert counts == {"supervisor": 240, "other_supervisor": 60, "planner": 300, "admin": 300}
    assert _ask(town, survey, unit_id=town.other_unit.pk).matrix.responses == 60
    refused = api_client(town.supervisor).get(f"/api/v1/assessment/drivers?{QUERY}&unit=U2")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"unit": "请选择您管辖范围内的供电单位。"}
    page = signed_in(town.supervisor).get(f"/assessment/drivers/?{QUERY}&unit=U2")
    assert page.status_code == 200 and page.context["form"].errors["unit"] == ["请选择您管辖范围内的供电单位。"]


def test_a_wrong_period_or_questionnaire_is_refused_on_its_field(town: City, survey: Questionnaire) -> None:
    client = api_client(town.planner)
    backwards = client.get("/api/v1/assessment/drivers?start=2026-11-30&end=2026-11-01")
    assert (backwards.status_code, backwards.json()["errors"]) == (422, {"end": "结束日期不能早于开始日期。"})
    unknown = client.get(f"/api/v1/assessment/drivers?questionnaire=99999&{QUERY}")
    assert (unknown.status_code, unknown.json()["errors"]) == (
        422,
        {"questionnaire": "请选择一份已发布、含测量变量的问卷。"},
    )
    survey.state = "draft"
    survey.save(update_fields=["state"])
    none = client.get(f"/api/v1/assessment/drivers?{QUERY}")
    assert none.status_code == 404


def test_the_page_shows_the_index_tables_and_charts_data(town: City, survey: Questionnaire) -> None:
    answer = signed_in(town.planner).get(f"/assessment/drivers/?{QUERY}")
    page = answer.content.decode()
    result = answer.context["result"]
    assert f"{result.index:.1f}" in page
    assert "优先改进：感知质量（重要性高、表现低）" in page
    for heading in ("客户满意度指数", "重要性-表现分析", "路径系数", "平均方差抽取量（AVE）", "对客户满意的总效应"):
        assert heading in page
    chart = answer.context["chart"]
    assert [n["id"] for n in chart["nodes"]] == list(BLOCKS)
    assert len(chart["links"]) == 10 and chart["priority"] == "quality"
    assert 'id="drivers-data"' in page and "assessment/drivers.js" in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_survey_results_posts_open_the_drivers(persona: str, town: City, survey: Questionnaire) -> None:
    user = town.users[persona]
    page = signed_in(user).get(f"/assessment/drivers/?{QUERY}").status_code
    api = api_client(user).get(f"/api/v1/assessment/drivers?{QUERY}").status_code
    if persona == "outsider":
        assert (page, api) == (404, 403)
    elif can(scope_for(user), Capability.SURVEY_RESULTS):
        assert persona in {"supervisor", "other_supervisor", "planner", "admin"}
        assert (page, api) == (200, 200)
    else:
        assert (page, api) == (403, 403)
