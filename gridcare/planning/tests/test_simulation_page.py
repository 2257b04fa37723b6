"""The page /planning/simulate/ (PLAN-2): the form with pickers, the answer in sentences and a
table with the intervals, the wait by hour; mistakes on their fields; per post."""

from __future__ import annotations

import pytest

from gridcare.core.testing import STAFF_PERSONAS, City, signed_in
from gridcare.planning.tests.simulation_helpers import hall_history

pytestmark = pytest.mark.django_db
ASK = {
    "distribution": "exponential",
    "mean_minutes": "6",
    "hours": "4",
    "counters": "2, 3, 3, 2",
    "arrivals_per_hour": "10，30，25，8",
    "replications": "10",
    "seed": "1",
}


def test_the_form_offers_the_callers_halls_and_the_business_types(town: City) -> None:
    page = signed_in(town.manager).get("/planning/simulate/").content.decode()
    assert "城区营业厅" in page and "乡镇营业厅" not in page and "缴费" in page
    assert "仿真结果" not in page


def test_a_simulation_in_sentences_and_a_table(town: City) -> None:
    hall_history(town.hall)
    answer = signed_in(town.planner).get("/planning/simulate/", {**ASK, "distribution": "empirical", "hall": "H1"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "仿真结果 · 城区营业厅" in page
    assert "共仿真 10 个营业日（随机种子 1）" in page and "95% 置信区间" in page
    assert "办理时长取自该营业厅近期 30 笔办结业务的实际用时。" in page
    assert "客户平均耐心 46.0 分钟，按该营业厅的过号记录估计。" in page
    result = page.split('aria-live="polite"')[1]
    assert result.count("<meter") >= 3 and "service" not in result and "empirical" not in result


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"counters": "2, x"}, "请填写数字"),
        ({"counters": "2, 3"}, "每小时一个，共 4 个"),
        ({"distribution": "empirical", "hall": "H1"}, "无法按实际办理时长仿真"),
        ({"hall": "H2"}, "请从列表中选择营业厅"),
        ({"replications": "1"}, "2"),
    ],
)
def test_mistakes_are_shown_on_their_fields(town: City, change: dict[str, str], message: str) -> None:
    page = signed_in(town.manager).get("/planning/simulate/", {**ASK, **change}).content.decode()
    assert "has-error" in page and message in page and "仿真结果" not in page


@pytest.mark.parametrize("persona", sorted(STAFF_PERSONAS))
def test_who_may_open_the_page(town: City, persona: str) -> None:
    answer = signed_in(town.users[persona]).get("/planning/simulate/", ASK)
    assert answer.status_code == (200 if persona in {"planner", "admin", "manager", "other_manager"} else 403)
