from __future__ import annotations

import pytest

from gridcare.core.exceptions import InvalidInput
from gridcare.notices.models import Notice, NoticeTemplate
from gridcare.notices.services.outbox import notice_enqueue


@pytest.mark.django_db
def test_a_message_is_rendered_from_the_default_template_into_the_outbox() -> None:
    notice = notice_enqueue(
        template_code="queue_near",
        variables={"hall": "上城中心营业厅", "number": "A012", "ahead": 3},
        recipient="13812345678",
    )
    assert notice is not None
    assert notice.body == "【国网示范市供电公司】您在上城中心营业厅取的A012号，前面还有3位，请留意叫号，勿走远。"
    assert (notice.status, notice.category, notice.template_version) == ("queued", "queue", 0)


@pytest.mark.django_db
def test_the_same_dedupe_key_never_queues_a_second_message() -> None:
    args = {
        "template_code": "arrears_reminder",
        "variables": {"account_no": "0000000018", "amount": "120.50", "days": 5},
        "recipient": "13812345678",
        "dedupe_key": "arrears:1:reminder",
    }
    assert notice_enqueue(**args) is not None
    assert notice_enqueue(**args) is None
    assert Notice.objects.count() == 1


@pytest.mark.django_db
def test_an_active_database_template_wins_over_the_default() -> None:
    NoticeTemplate.objects.create(code="queue_near", version=2, category="queue", text="{number}号快到了")
    notice = notice_enqueue(template_code="queue_near", variables={"number": "B003"}, recipient="13812345678")
    assert notice is not None and notice.body == "B003号快到了" and notice.template_version == 2


@pytest.mark.django_db
def test_missing_variables_or_unknown_templates_are_refused_and_nothing_is_queued() -> None:
    with pytest.raises(InvalidInput) as exc:
        notice_enqueue(template_code="queue_near", variables={"hall": "x"}, recipient="13812345678")
    assert str(exc.value.message) == "消息缺少变量：ahead、number。"
    with pytest.raises(InvalidInput) as exc:
        notice_enqueue(template_code="nope", variables={}, recipient="13812345678")
    assert str(exc.value.message) == "消息模板 nope 不存在。"
    assert Notice.objects.count() == 0
