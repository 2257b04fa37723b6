"""星级评定 and 星级标准 per post (ASSESS-1): the ratings each post sees (its own without
ASSESS_FIGURES), a rating's reasons as sentences and last months, the export, the standards and
an administrator's new version (asked first; a refusal on its row, nothing written); the same
through /api/v1/assessment/stars and /standards; the hall's stars on its board and in the portal."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from gridcare.assessment.models import StandardSet, StarRating
from gridcare.assessment.selectors_stars import month_after, month_first
from gridcare.assessment.services.stars import ratings_compute
from gridcare.assessment.tests.stars_helpers import NOV, november, staff_of
from gridcare.core.testing import City, api_client, signed_in
from gridcare.core.timezone import business_date
from gridcare.portal.tests.conftest import Customer, zhang  # noqa: F401, F811 (the portal's customer, a fixture here too)

Q = "?month=2026-11"


@pytest.fixture
def rated(town: City) -> City:
    november(town)
    ratings_compute(month=NOV)
    return town


def _subjects(town: City, names: list[str]) -> set[tuple[str, int]]:
    keys = {
        "clerk": ("person", staff_of(town.clerk).pk),
        "agent": ("person", staff_of(town.agent).pk),
        "H1": ("hall", town.hall.pk),
        "U1": ("unit", town.unit.pk),
    }
    return {keys[n] for n in names}


SEES = {
    "admin": ["clerk", "agent", "H1", "U1"],
    "planner": ["clerk", "agent", "H1", "U1"],
    "supervisor": ["clerk", "H1", "U1"],
    "other_supervisor": [],
    "manager": ["clerk", "H1"],
    "other_manager": [],
    "clerk": ["clerk"],  # one's own rating only
    "agent": ["agent"],
    "guide": [],
    "kam": [],
    "community": [],
    "foreign_clerk": [],
}


@pytest.mark.parametrize("persona", sorted(SEES))
def test_the_ratings_each_post_sees(rated: City, persona: str) -> None:
    response = signed_in(getattr(rated, persona)).get(f"/assessment/stars/{Q}")
    assert response.status_code == 200
    shown = {(r.rating.level, r.rating.subject_id) for r in response.context["rows"]}
    assert shown == _subjects(rated, SEES[persona])
    api = api_client(getattr(rated, persona)).get(f"/api/v1/assessment/stars{Q}")
    assert api.status_code == 200
    assert {(r["level"], r["subject_id"]) for r in api.json()} == _subjects(rated, SEES[persona])
    assert api.headers["X-Total-Count"] == str(len(SEES[persona]))


def test_nobody_without_a_post_sees_the_pages(rated: City) -> None:
    rating = StarRating.objects.get(level="hall")
    for url in ("/assessment/stars/", f"/assessment/stars/{rating.pk}/", "/assessment/standards/"):
        assert signed_in(rated.outsider).get(url).status_code == 404
    assert api_client(rated.outsider).get("/api/v1/assessment/stars").json() == []


def test_the_list_filters_by_level_unit_and_hall_and_sorts(rated: City) -> None:
    admin = signed_in(rated.admin)
    rows = admin.get(f"/assessment/stars/{Q}&level=hall").context["rows"]
    assert [(r.name, r.marks, str(r.rating.score)) for r in rows] == [("城区营业厅", "★★★☆☆", "66.67")]
    in_u2 = admin.get(f"/assessment/stars/{Q}&unit=U2").context["rows"]
    assert in_u2 == []
    in_h1 = admin.get(f"/assessment/stars/{Q}&hall=H1").context["rows"]
    assert {(r.rating.level, r.rating.subject_id) for r in in_h1} == _subjects(rated, ["clerk", "H1"])
    by_score = admin.get(f"/assessment/stars/{Q}&sort=score").context["rows"]
    assert [str(r.rating.score) for r in by_score] == ["0.00", "0.00", "66.67", "90.00"]
    # a unit outside the supervisor's reach is refused on its field and filters nothing
    page = signed_in(rated.supervisor).get(f"/assessment/stars/{Q}&unit=U2")
    assert page.context["filters"].errors["unit"] == ["请选择您管辖范围内的单位。"]
    api = api_client(rated.supervisor).get(f"/api/v1/assessment/stars{Q}&unit=U2")
    assert (api.status_code, api.json()["errors"]) == (422, {"unit": "请选择您管辖范围内的单位。"})
    assert api_client(rated.admin).get("/api/v1/assessment/stars?month=2026-13").status_code == 422
    assert api_client(rated.admin).get("/api/v1/assessment/stars?level=company").status_code == 422


def test_a_rating_shows_its_reasons_and_the_last_twelve_months(rated: City) -> None:
    rating = StarRating.objects.get(level="person", subject_id=staff_of(rated.clerk).pk)
    for persona in ("clerk", "manager", "supervisor", "planner", "admin"):
        page = signed_in(getattr(rated, persona)).get(f"/assessment/stars/{rating.pk}/")
        assert page.status_code == 200, persona
    text = page.content.decode()
    assert "平均等候时长 12.5 分钟，标准不高于 15 分钟，达标，权重 20" in text
    assert "回访满意率 本月无数据，标准不低于 90%，不达标（无数据按未达标计），权重 10" in text
    assert [m for m, _r in page.context["history"]][0] == date(2025, 12, 1)
    assert [(m, r is not None) for m, r in page.context["history"]][-1] == (NOV, True)
    for persona in ("other_manager", "other_supervisor", "agent", "guide", "foreign_clerk"):
        assert signed_in(getattr(rated, persona)).get(f"/assessment/stars/{rating.pk}/").status_code == 404, persona
        assert api_client(getattr(rated, persona)).get(f"/api/v1/assessment/stars/{rating.pk}").status_code == 404
    hall = StarRating.objects.get(level="hall")
    assert signed_in(rated.clerk).get(f"/assessment/stars/{hall.pk}/").status_code == 404
    for missing in (0, 99999999, 2**63):
        assert signed_in(rated.admin).get(f"/assessment/stars/{missing}/").status_code == 404
    one = api_client(rated.clerk).get(f"/api/v1/assessment/stars/{rating.pk}").json()
    assert (one["stars"], one["score"], one["post"]) == (5, "90.00", "counter_clerk")
    assert one["reasons"][0] == {
        "figure": "wait_mean",
        "label": "平均等候时长",
        "comparison": "at_most",
        "threshold": "15",
        "value": "12.5",
        "met": True,
        "weight": 20,
        "sentence": "平均等候时长 12.5 分钟，标准不高于 15 分钟，达标，权重 20",
    }
    assert len(one["history"]) == 12 and one["history"][-1] == {"month": "2026-11", "stars": 5, "score": "90.00"}


def test_the_export_has_the_rows_of_the_list(rated: City) -> None:
    answer = signed_in(rated.supervisor).get(f"/assessment/stars/export/{Q}&format=xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active  # type: ignore[attr-defined]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("月份", "层级", "名称", "适用岗位", "标准版本", "星级", "得分", "评定依据")
    assert [(r[1], r[5]) for r in rows[1:]] == [("人员", 5), ("营业厅", 3), ("供电单位", 1)]
    assert str(rows[1][7]).startswith("平均等候时长 12.5 分钟，标准不高于 15 分钟，达标，权重 20；")


@pytest.mark.parametrize("persona", ["admin", "planner", "supervisor", "manager", "clerk", "agent", "guide"])
def test_every_post_reads_the_standards_and_only_an_administrator_makes_a_version(rated: City, persona: str) -> None:
    client = signed_in(getattr(rated, persona))
    page = client.get("/assessment/standards/")
    assert page.status_code == 200
    assert "满意率 不低于 95%（权重 30）" in page.content.decode()
    assert ("新建版本" in page.content.decode()) == (persona == "admin")
    assert client.get("/assessment/standards/new/?post=hall").status_code == (200 if persona == "admin" else 403)
    sets = api_client(getattr(rated, persona)).get("/api/v1/assessment/standards")
    assert sets.status_code == 200
    assert {(s["post"], s["version"], s["used"]) for s in sets.json()} == {
        ("counter_clerk", 1, True),
        ("agent_95598", 1, True),
        ("hall", 1, True),
        ("unit", 1, True),
    }
    body = {
        "post": "hall",
        "valid_from": "2099-01",
        "standards": [{"figure": "served", "comparison": "at_least", "threshold": "1", "weight": 1}],
    }
    created = api_client(getattr(rated, persona)).post(
        "/api/v1/assessment/standards", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == (201 if persona == "admin" else 403)
    assert StandardSet.objects.filter(post="hall").count() == (2 if persona == "admin" else 1)


def _form(**rows: str) -> dict[str, str]:
    data = {"post": "hall", "valid_from": "2099-01", "note": "新标准"}
    return data | rows


def test_a_new_version_is_a_copy_asked_first_and_saved_once_confirmed(rated: City) -> None:
    admin = signed_in(rated.admin)
    page = admin.get("/assessment/standards/new/?post=hall")
    form = page.context["form"]
    assert (form["figure_1"].value(), form["threshold_1"].value(), form["weight_1"].value()) == ("wait_p90", "10", 1)
    assert "等候时长P90（分钟）" in page.content.decode()  # the figure picker shows labels
    data = _form(figure_1="wait_p90", comparison_1="at_most", threshold_1="12", weight_1="3")
    asked = admin.post("/assessment/standards/new/", data)
    assert asked.status_code == 200
    assert asked.context["confirm"].sentence == "将保存营业厅的星级标准第 2 版：1 条标准，总权重 3，自 2099-01 起生效。"
    assert StandardSet.objects.filter(post="hall").count() == 1
    done = admin.post("/assessment/standards/new/", data | {"confirmed": "1"})
    assert done.status_code == 302
    made = StandardSet.objects.get(post="hall", version=2)
    assert [(s.figure, s.comparison, s.threshold, s.weight) for s in made.standards.all()] == [
        ("wait_p90", "at_most", 12, 3)
    ]


def test_a_bad_row_is_refused_on_its_field_and_nothing_is_written(rated: City) -> None:
    admin = signed_in(rated.admin)
    data = _form(
        figure_1="wait_p90", comparison_1="at_most", threshold_1="12", weight_1="3",
        figure_3="satisfaction_rate", comparison_3="at_least", threshold_3="120", weight_3="0",
    )  # fmt: skip
    page = admin.post("/assessment/standards/new/", data | {"confirmed": "1"})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.errors["threshold_3"] == ["比率的标准值应在 0 到 100（%）之间。"]
    assert form.errors["weight_3"] == ["权重应为 1 到 100 的整数。"]
    assert form["threshold_3"].value() == "120"  # what was typed is kept
    assert StandardSet.objects.filter(post="hall").count() == 1
    body = {
        "post": "hall",
        "valid_from": "2026-11",
        "standards": [{"figure": "nope", "comparison": "at_least", "threshold": "1", "weight": 1}],
    }
    api = api_client(rated.admin).post(
        "/api/v1/assessment/standards", json.dumps(body), content_type="application/json"
    )
    following = month_after(month_first(business_date()))
    assert api.status_code == 422
    assert api.json()["errors"] == {
        "valid_from": f"2026-11 起已按本岗位的标准评定过，新版本最早从 {following:%Y-%m} 起生效。",
        "standards.0.figure": "请选择一项考核指标。",
    }
    assert StandardSet.objects.filter(post="hall").count() == 1


def test_the_hall_board_and_the_portal_publish_the_halls_latest_stars(rated: City, zhang: Customer) -> None:  # noqa: F811
    from gridcare.portal.tests.visit_helpers import page_client

    board = signed_in(rated.manager).get("/halls/H1/board/")
    assert board.status_code == 200
    assert "★★★☆☆ 三星营业厅（2026年11月）" in board.content.decode()
    halls = zhang.api().get("/api/v1/portal/halls").json()
    assert {h["code"]: h["stars"] for h in halls} == {"H1": "★★★☆☆ 三星营业厅（2026年11月）", "H2": "", "X1H": ""}
    assert zhang.api().get("/api/v1/portal/halls/H1").json()["stars"] == "★★★☆☆ 三星营业厅（2026年11月）"
    page = page_client(zhang.user).get("/portal/visits/halls/")
    assert page.status_code == 200
    assert "★★★☆☆ 三星营业厅（2026年11月）" in page.content.decode()
