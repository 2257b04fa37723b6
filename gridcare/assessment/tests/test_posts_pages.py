"""岗位管理's pages (issue 14): the list filters by state with its counts and sorts; a change is
asked first and only then written; a refusal keeps what was typed with the message beside its
field; lifting standby on the page asks for the retraining; the history reads as sentences; the
pages read in English."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from gridcare.assessment.models import PostEvent, PostState
from gridcare.assessment.services.posts import post_state_set
from gridcare.assessment.tests.test_posts_standby import verify_against
from gridcare.core.testing import City, signed_in
from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs
from gridcare.org.access import scope_for
from gridcare.org.models import Staff
from gridcare.workorders.tests.conftest import Clock


def _posts() -> tuple[Any, ...]:
    return list(PostState.objects.order_by("id").values_list("staff_id", "state", "reason", "retraining")), (
        PostEvent.objects.count()
    )


@pytest.fixture
def standby(town: City, clock: Clock) -> Staff:
    verify_against(town, town.clerk)
    return Staff.objects.get(user=town.clerk)


def test_the_list_filters_by_state_counts_each_and_sorts(town: City, standby: Staff) -> None:
    guide = Staff.objects.get(user=town.guide)
    post_state_set(scope=scope_for(town.manager), actor=town.manager, staff=guide, state="training", reason="岗前培训")
    client = signed_in(town.supervisor)
    page = client.get("/assessment/posts/")
    counts = {value: n for value, _label, n in page.context["counts"]}
    assert counts == {"training": 1, "on_duty": 4, "assessment": 0, "rotation": 0, "standby": 1}
    only = client.get("/assessment/posts/?state=standby")
    assert [(r.employee_no, r.state_label) for r in only.context["page"]] == [("T0001", "待岗")]
    by_name = client.get("/assessment/posts/?sort=-name")
    names = [r.name for r in by_name.context["page"]]
    assert names == sorted(names, reverse=True)
    assert client.get("/assessment/posts/?state=nonsense").context["page"].total == 6


def test_a_change_is_asked_first_and_written_once_confirmed(town: City) -> None:
    client = signed_in(town.manager)
    before = _posts()
    asked = client.post("/assessment/posts/T0002/", {"state": "rotation", "reason": "轮岗至收费窗口"})
    assert asked.status_code == 200
    assert asked.context["confirm"].sentence == "将 guide 的岗位状态由“在岗”改为“轮岗”。确认变更？"
    assert _posts() == before
    done = client.post(
        "/assessment/posts/T0002/", {"state": "rotation", "reason": "轮岗至收费窗口", "confirmed": "1"}, follow=True
    )
    assert done.status_code == 200
    assert list(PostState.objects.values_list("state", "reason", "by__username")) == [
        ("rotation", "轮岗至收费窗口", "manager")
    ]
    text = done.content.decode()
    assert "已将 guide 的岗位状态改为“轮岗”。" in text
    assert "manager 将岗位状态由“在岗”改为“轮岗”，原因：轮岗至收费窗口" in text


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"state": "rotation", "reason": ""}, "reason", "请填写变更原因。"),
        ({"state": "on_duty", "reason": "无"}, "state", "该员工已是“在岗”状态。"),
        ({"state": "holiday", "reason": "休假"}, "state", "请选择岗位状态。"),
        ({"state": "rotation", "reason": "字" * 501}, "reason", "最多 500 个字。"),
    ],
)
def test_a_refused_change_keeps_what_was_typed_beside_its_field(
    town: City, body: dict[str, str], field: str, message: str
) -> None:
    client = signed_in(town.manager)
    before = _posts()
    for confirmed in ("", "1"):
        answer = client.post("/assessment/posts/T0002/", {**body, "confirmed": confirmed})
        assert answer.status_code == 200
        form = answer.context["form"]
        assert form.errors[field] == [message]
        assert answer.context["confirm"] is None
        assert form.data["reason"] == body["reason"]
    assert _posts() == before


def test_lifting_standby_on_the_page_asks_for_the_retraining(town: City, standby: Staff) -> None:
    client = signed_in(town.supervisor)
    before = _posts()
    answer = client.post("/assessment/posts/T0001/", {"state": "on_duty", "reason": "复训合格", "confirmed": "1"})
    assert answer.context["form"].errors["retraining"] == ["恢复上岗前请填写复训情况。"]
    assert answer.context["form"].data["reason"] == "复训合格"
    assert _posts() == before
    body = {"state": "on_duty", "reason": "复训合格", "retraining": "服务规范复训 4 学时", "confirmed": "1"}
    assert client.post("/assessment/posts/T0001/", body).status_code == 302
    page = client.get("/assessment/posts/T0001/")
    assert page.context["state"] == "on_duty"
    assert "supervisor 确认复训合格，由“待岗”恢复为“在岗”，复训情况：服务规范复训 4 学时，原因：复训合格" in (
        page.content.decode()
    )


def test_the_hall_manager_is_told_on_the_page_that_a_supervisor_lifts_standby(town: City, standby: Staff) -> None:
    client = signed_in(town.manager)
    page = client.get("/assessment/posts/T0001/")
    assert "待岗人员须经复训后由监察考核员恢复上岗。" in page.content.decode()
    before = _posts()
    body = {"state": "on_duty", "reason": "复训合格", "retraining": "已复训", "confirmed": "1"}
    answer = client.post("/assessment/posts/T0001/", body)
    assert answer.context["form"].non_field_errors() == ["待岗人员须经复训后由监察考核员恢复上岗。"]
    assert _posts() == before


def test_nobody_sees_a_change_form_for_themselves_or_without_the_post(town: City) -> None:
    assert signed_in(town.supervisor).get("/assessment/posts/T0006/").context["can_edit"] is False
    assert signed_in(town.clerk).get("/assessment/posts/T0001/").context["can_edit"] is False
    assert signed_in(town.manager).get("/assessment/posts/T0001/").context["can_edit"] is True


def test_the_post_pages_read_in_english(town: City, standby: Staff) -> None:
    client = signed_in(town.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    data = _data_runs()
    for url in ("/assessment/posts/", "/assessment/posts/T0001/", "/assessment/posts/?state=standby"):
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - data) == [], url
    text = _english_text(client, "/assessment/posts/T0001/") or ""
    assert "by the rule “one verified complaint means standby” the post changed from “On duty” to standby" in text
