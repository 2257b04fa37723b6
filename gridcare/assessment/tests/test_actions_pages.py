"""改进措施's pages and API for every persona (issue 14, ASSESS-5): every post reads the actions of
its reach (hall staff their hall's, unit posts their unit's, planners and administrators the
company's; a person's action only those who see that person's figures; the owner always),
ACTION_EDIT records, edits and evaluates (hall managers their hall, supervisors their unit,
administrators all); whoever is refused changes nothing. The list filters, sorts, pages and
exports what it shows; the action's page says the evaluation as a sentence with its history."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridcare.assessment.models import ActionEvent, ImprovementAction
from gridcare.assessment.tests.actions_helpers import AFTER, BEFORE, NOW, create, rolled, service_days
from gridcare.core.testing import PERSONAS, City, api_client, signed_in, streamed
from gridcare.org.access import Capability, can, scope_for

TITLES = {
    "hall": "城区营业厅引导分流",
    "other_hall": "乡镇营业厅延时服务",
    "unit": "城区供电所回访提升",
    "counter": "1号窗口业务培训",
    "person": "营业员服务礼仪辅导",
}
# Which actions each persona reads (the outsider: no staff page at all).
SEES: dict[str, set[str]] = {
    "clerk": {"hall", "counter", "person"},  # their hall's, and the one about themselves
    "guide": {"hall", "counter"},
    "manager": {"hall", "counter", "person"},
    "other_manager": {"other_hall"},
    "agent": {"hall", "other_hall", "unit", "counter"},  # a company post: the places, not the people
    "supervisor": {"hall", "unit", "counter", "person"},
    "other_supervisor": {"other_hall"},
    "kam": {"hall", "unit", "counter"},
    "community": {"hall", "unit", "counter"},
    "planner": set(TITLES),
    "admin": set(TITLES),
    "foreign_clerk": set(),
    "outsider": set(),
}
EDITORS = {"manager", "other_manager", "supervisor", "other_supervisor", "admin"}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    yield


@pytest.fixture
def made(town: City, clock: None) -> dict[str, ImprovementAction]:
    clerk = town.clerk.staff.employee_no
    other = town.users["other_manager"]
    return {
        "hall": create(town, title=TITLES["hall"]),
        "other_hall": create(town, by=other, title=TITLES["other_hall"], subject="H2", owner=other.staff.employee_no),
        "unit": create(
            town,
            by=town.supervisor,
            title=TITLES["unit"],
            level="unit",
            subject="U1",
            figure="callback_rate",
            owner=town.supervisor.staff.employee_no,
        ),
        "counter": create(
            town, title=TITLES["counter"], level="counter", subject="H1/1", figure="wait_mean", expected="-3"
        ),
        "person": create(town, title=TITLES["person"], level="person", subject=clerk),
    }


def _state() -> tuple[Any, ...]:
    return (
        list(ImprovementAction.objects.order_by("pk").values_list("pk", "title", "result", "evaluated_at")),
        ActionEvent.objects.count(),
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_lists_and_opens_the_actions_of_its_reach(
    persona: str, town: City, made: dict[str, ImprovementAction]
) -> None:
    page = signed_in(town.users[persona]).get("/assessment/actions/")
    if persona == "outsider":
        assert page.status_code == 404
        return
    assert page.status_code == 200
    text = page.content.decode()
    assert {k for k, title in TITLES.items() if title in text} == SEES[persona]
    api = api_client(town.users[persona]).get("/api/v1/assessment/actions")
    assert api.status_code == 200
    assert {a["title"] for a in api.json()} == {TITLES[k] for k in SEES[persona]}
    for key, action in made.items():
        detail = signed_in(town.users[persona]).get(f"/assessment/actions/{action.pk}/")
        one = api_client(town.users[persona]).get(f"/api/v1/assessment/actions/{action.pk}")
        expected = 200 if key in SEES[persona] else 404
        assert (detail.status_code, one.status_code) == (expected, expected), key


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_action_editors_record_edit_and_evaluate(
    persona: str, town: City, made: dict[str, ImprovementAction]
) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    service_days(town, AFTER, evaluated=20, satisfied=19)
    rolled(AFTER[1])
    user = town.users[persona]
    page, api = signed_in(user), api_client(user)
    hall = made["hall"]
    editor = persona in EDITORS
    assert editor == (persona != "outsider" and can(scope_for(user), Capability.ACTION_EDIT))
    in_reach = persona in {"manager", "supervisor", "admin"}  # H1's action
    before = _state()
    new = page.get("/assessment/actions/new/").status_code
    edit = page.get(f"/assessment/actions/{hall.pk}/edit/").status_code
    evaluated = page.post(f"/assessment/actions/{hall.pk}/evaluate/").status_code
    by_api = api.post(f"/api/v1/assessment/actions/{hall.pk}/evaluate", content_type="application/json").status_code
    if persona == "outsider":
        assert (new, edit, evaluated) == (404, 404, 404)
        assert by_api == 403
    elif not editor:
        assert (new, edit, evaluated, by_api) == (403, 403, 403, 403)
    elif not in_reach:
        assert (new, edit, evaluated, by_api) == (200, 404, 404, 404)
    else:
        assert (new, edit, evaluated, by_api) == (200, 200, 302, 200)
        stored = ImprovementAction.objects.get(pk=hall.pk)
        assert stored.result == "effective"
        assert ActionEvent.objects.filter(action=hall, type="evaluated").count() == 1  # twice: once written
        return
    assert _state() == before


def _form(town: City, **more: str) -> dict[str, str]:
    data = {
        "title": "高峰时段增开窗口",
        "description": "工作日 9-11 点增开 2 号窗口",
        "owner": town.clerk.staff.employee_no,
        "level": "hall",
        "subject": "hall:H1",
        "figure": "within_target",
        "expected_change": "10",
        "started_on": "2026-12-05",
        "due_on": "2026-12-31",
        "window_days": "30",
    }
    data.update(more)
    return data


def test_the_manager_records_an_action_from_the_page(town: City, clock: None) -> None:
    client = signed_in(town.manager)
    answer = client.post("/assessment/actions/new/", _form(town))
    action = ImprovementAction.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/assessment/actions/{action.pk}/"
    assert (action.level, action.subject_id, action.figure, action.owner_id) == (
        "hall",
        town.hall.pk,
        "within_target",
        town.clerk.staff.pk,
    )
    page = client.get(answer["Location"]).content.decode()
    assert "已登记改进措施“高峰时段增开窗口”。" in page
    assert (
        "manager 创建措施“高峰时段增开窗口”：等候达标率 预期变化 10，对象：城区营业厅，2026-12-05 至 2026-12-31，前后各对比 30 天"
        in page
    )
    assert "+10.0 个百分点" in page


def test_a_refused_form_keeps_what_was_typed_and_says_why_on_the_field(town: City, clock: None) -> None:
    answer = signed_in(town.manager).post("/assessment/actions/new/", _form(town, due_on="2026-12-01"))
    assert answer.status_code == 200
    assert not ImprovementAction.objects.exists()
    form = answer.context["form"]
    assert form.errors == {"due_on": ["完成期限不能早于开始日期。"]}
    assert form["title"].value() == "高峰时段增开窗口"
    wrong_level = signed_in(town.manager).post("/assessment/actions/new/", _form(town, level="counter"))
    assert wrong_level.context["form"].errors == {"subject": ["请选择所选层级的考核对象。"]}
    foreign = signed_in(town.manager).post("/assessment/actions/new/", _form(town, subject="hall:H2"))
    assert foreign.context["form"].errors == {"subject": ["请选择您管辖范围内的考核对象。"]}
    assert not ImprovementAction.objects.exists()


def test_the_form_offers_only_subjects_owners_and_levels_in_reach(town: City) -> None:
    form = signed_in(town.manager).get("/assessment/actions/new/").context["form"]
    levels = [v for v, _label in form.fields["level"].choices]
    groups = {label: [v for v, _n in options] for label, options in form.fields["subject"].choices if label}
    assert levels == ["person", "counter", "hall"]
    assert groups == {
        "人员": ["person:T0001", "person:T0002", "person:T0003"],
        "窗口": ["counter:H1/1", "counter:H1/2", "counter:H1/3"],
        "营业厅": ["hall:H1"],
    }
    owners = [label for _v, label in form.fields["owner"].choices]
    assert owners == ["clerk（T0001）", "guide（T0002）", "manager（T0003）"]


def test_the_page_and_api_say_the_evaluation(town: City, made: dict[str, ImprovementAction]) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    service_days(town, AFTER, evaluated=20, satisfied=19)
    rolled(AFTER[1])
    hall = made["hall"]
    signed_in(town.manager).post(f"/assessment/actions/{hall.pk}/evaluate/")
    page = signed_in(town.clerk).get(f"/assessment/actions/{hall.pk}/").content.decode()
    sentence = (
        "满意率由 70.0% 变为 95.0%（+25.0 个百分点，预期 +5.0 个百分点），样本量 600 → 600。"
        "双比例检验 z = 11.40，p = 0.0000：措施有效（在预期方向上显著改善），达到预期变化。"
    )
    assert sentence in page
    assert "manager 评估效果：有效，满意率 由 70.0% 变为 95.0%，p = 0.0000" in page
    assert "立即评估" not in page  # the clerk reads, does not evaluate
    one = api_client(town.clerk).get(f"/api/v1/assessment/actions/{hall.pk}").json()
    assert (one["result"], one["status"], one["evaluation_sentence"]) == ("effective", "evaluated", sentence)
    assert (one["evaluation"]["before"]["n"], one["evaluation"]["test"]) == (600, "two_proportion")


def test_the_list_filters_sorts_and_exports_what_it_shows(town: City, made: dict[str, ImprovementAction]) -> None:
    service_days(town, BEFORE, evaluated=20, satisfied=14)
    service_days(town, AFTER, evaluated=20, satisfied=19)
    rolled(AFTER[1])
    signed_in(town.manager).post(f"/assessment/actions/{made['hall'].pk}/evaluate/")
    client = signed_in(town.supervisor)
    evaluated = client.get("/assessment/actions/?status=evaluated").context["rows"]
    assert [r["action"].title for r in evaluated] == [TITLES["hall"]]
    pending = client.get("/assessment/actions/?result=pending&sort=title").context["rows"]
    assert [r["action"].title for r in pending] == sorted([TITLES["unit"], TITLES["counter"], TITLES["person"]])
    owned = client.get(f"/assessment/actions/?owner={town.supervisor.staff.employee_no}").context["rows"]
    assert [r["action"].title for r in owned] == [TITLES["unit"]]
    bad = client.get("/assessment/actions/?status=nonsense")
    assert bad.status_code == 200 and len(bad.context["rows"]) == 4  # a refused filter filters nothing
    export = client.get("/assessment/actions/export/?result=pending&sort=title")
    lines = list(csv.reader(io.StringIO(streamed(export).decode().lstrip("\ufeff"))))
    assert lines[0][:5] == ["措施名称", "责任人", "对象层级", "考核对象", "指标"]
    assert [line[0] for line in lines[1:]] == sorted([TITLES["unit"], TITLES["counter"], TITLES["person"]])
    assert lines[1:][[line[0] for line in lines[1:]].index(TITLES["counter"])][2:7] == [
        "窗口",
        "城区营业厅 · 1号窗口",
        "平均等候时长",
        "-3",
        "分钟",
    ]


def test_the_api_refuses_bad_input_on_its_field_and_writes_nothing(town: City, clock: None) -> None:
    body = {
        "title": "高峰时段增开窗口",
        "owner": town.clerk.staff.employee_no,
        "level": "hall",
        "subject": "H2",
        "figure": "queue_length",
        "expected_change": "5",
        "started_on": "2026-12-05",
        "due_on": "2026-12-01",
    }
    answer = api_client(town.manager).post("/api/v1/assessment/actions", body, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "subject": "请选择您管辖范围内的考核对象。",
        "figure": "请选择要改进的指标。",
        "due_on": "完成期限不能早于开始日期。",
    }
    assert not ImprovementAction.objects.exists() and not ActionEvent.objects.exists()
    good = api_client(town.manager).post(
        "/api/v1/assessment/actions",
        {**body, "subject": "H1", "figure": "satisfaction_rate", "due_on": "2026-12-31"},
        content_type="application/json",
    )
    assert good.status_code == 201
    assert {k: good.json()[k] for k in ("subject", "subject_name", "figure_label", "status", "result")} == {
        "subject": "H1",
        "subject_name": "城区营业厅",
        "figure_label": "满意率",
        "status": "in_progress",
        "result": "",
    }


def test_evaluating_before_the_due_date_is_refused_by_page_and_api(town: City, clock: None) -> None:
    action = create(town, started_on="2026-12-01", due_on="2026-12-20")
    before = _state()
    page = signed_in(town.manager).post(f"/assessment/actions/{action.pk}/evaluate/", follow=True)
    assert "完成期限（2026-12-20）过后才能评估效果。" in page.content.decode()
    api = api_client(town.manager).post(f"/api/v1/assessment/actions/{action.pk}/evaluate")
    assert (api.status_code, api.json()["detail"]) == (409, "完成期限（2026-12-20）过后才能评估效果。")
    assert _state() == before


def test_editing_from_the_page_records_the_change(town: City, made: dict[str, ImprovementAction]) -> None:
    hall = made["hall"]
    client: Client = signed_in(town.manager)
    form = client.get(f"/assessment/actions/{hall.pk}/edit/").context["form"]
    data = {name: str(form[name].value() or "") for name in form.fields}
    assert data["subject"] == "hall:H1" and data["expected_change"] == "5"
    answer = client.post(f"/assessment/actions/{hall.pk}/edit/", {**data, "due_on": "2026-11-20"})
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert "manager 修改了完成期限" in page
    assert ImprovementAction.objects.get(pk=hall.pk).due_on.isoformat() == "2026-11-20"
