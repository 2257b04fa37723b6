"""Templates are versioned, and a bad one is refused when it is saved (NOTE-1)."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import Forbidden, InvalidInput, NotFound
from gridcare.core.testing import City
from gridcare.notices.models import NoticeTemplate
from gridcare.notices.services.outbox import notice_enqueue
from gridcare.notices.services.templates import template_activate, template_save
from gridcare.org.access import scope_for

NEW_TEXT = "【国网示范市供电公司】{hall}{number}号即将叫到，前面{ahead}位。"


def test_a_saved_template_becomes_the_next_active_version_and_new_messages_use_it(town: City) -> None:
    scope = scope_for(town.admin)
    v1 = template_save(scope=scope, actor=town.admin, code="queue_near", text=NEW_TEXT, note="缩短")
    v2 = template_save(scope=scope, actor=town.admin, code="queue_near", text=NEW_TEXT + "请留意。")
    assert (v1.version, v2.version, v2.category, v2.created_by) == (1, 2, "queue", town.admin)
    assert list(NoticeTemplate.objects.order_by("version").values_list("version", "active")) == [(1, False), (2, True)]
    notice = notice_enqueue(
        template_code="queue_near",
        variables={"hall": "城区营业厅", "number": "A012", "ahead": 3},
        recipient="13812345678",
    )
    assert notice is not None
    assert (notice.body, notice.template_version) == (
        "【国网示范市供电公司】城区营业厅A012号即将叫到，前面3位。请留意。",
        2,
    )


def test_an_older_version_or_the_built_in_text_can_be_made_active_again(town: City) -> None:
    scope = scope_for(town.supervisor)
    template_save(scope=scope, actor=town.supervisor, code="queue_near", text=NEW_TEXT)
    template_save(scope=scope, actor=town.supervisor, code="queue_near", text=NEW_TEXT + "请留意。")
    assert template_activate(scope=scope, code="queue_near", version=1).version == 1
    assert list(NoticeTemplate.objects.filter(active=True).values_list("version", flat=True)) == [1]
    assert template_activate(scope=scope, code="queue_near", version=0).version == 0
    assert NoticeTemplate.objects.filter(active=True).count() == 0
    with pytest.raises(NotFound):
        template_activate(scope=scope, code="queue_near", version=7)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "{hall}{number}号，前面{ahead}位，户号{account}",
            "模板中有未知变量：account；可用变量：ahead、hall、number。",
        ),
        ("{hall}{number号", "花括号不成对，变量应写作 {name}。"),
        ("{hall}{number:>5}号", "变量 {number} 写法不正确，应写作 {name}。"),
        ("{hall.name}号", "变量 {hall.name} 写法不正确，应写作 {name}。"),
        ("{}号", "变量 {} 写法不正确，应写作 {name}。"),
        ("   ", "模板内容不能为空。"),
        ("{hall}" + "请" * 195, "短信最长可能占4条（每条70字，长短信每条67字），超过上限3条。"),
    ],
)
def test_a_bad_template_is_refused_when_saved_and_nothing_changes(town: City, text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        template_save(scope=scope_for(town.admin), actor=town.admin, code="queue_near", text=text)
    assert exc.value.errors == {"text": message}
    assert NoticeTemplate.objects.count() == 0


def test_an_unknown_template_code_is_refused(town: City) -> None:
    with pytest.raises(InvalidInput) as exc:
        template_save(scope=scope_for(town.admin), actor=town.admin, code="lottery", text="中奖了")
    assert exc.value.errors == {"text": "消息模板 lottery 不存在。"}
    assert NoticeTemplate.objects.count() == 0


@pytest.mark.parametrize("persona", ["clerk", "manager", "agent", "kam", "planner", "outsider", "foreign_clerk"])
def test_only_administrators_and_supervisors_edit_templates(town: City, persona: str) -> None:
    user = town.users[persona]
    with pytest.raises(Forbidden):
        template_save(scope=scope_for(user), actor=user, code="queue_near", text=NEW_TEXT)
    assert NoticeTemplate.objects.count() == 0
