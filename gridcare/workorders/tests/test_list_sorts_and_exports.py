"""Convention 5 on the work-order list: paged with its total, sorted by a whitelisted column
(?sort=key / -key; anything else keeps the newest first), exported whole with the page's filters
and order."""

from __future__ import annotations

import csv
import io

from django.test import Client

from gridcare.core.testing import City, signed_in
from gridcare.workorders.models import WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


def _three(town: City, clock: Clock) -> list[WorkOrder]:
    made = []
    for text in ("路灯不亮", "电压偏低", "路灯闪烁"):
        made.append(take(town.agent, text=text))
        clock.advance(minutes=5)
    return made


def _numbers(client: Client, query: str) -> list[str]:
    return [o.number for o in client.get(f"/workorders/?{query}").context["orders"]]


def _exported(client: Client, query: str) -> list[list[str]]:
    answer = client.get(f"/workorders/export/?{query}&format=csv")
    assert answer.status_code == 200
    text = b"".join(answer.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(text)))


def test_the_list_sorts_by_a_whitelisted_column_and_ignores_anything_else(town: City, clock: Clock) -> None:
    first, second, third = _three(town, clock)
    client = signed_in(town.agent)
    newest_first = [third.number, second.number, first.number]
    assert _numbers(client, "view=all") == newest_first
    assert _numbers(client, "view=all&sort=received") == [first.number, second.number, third.number]
    assert _numbers(client, "view=all&sort=-received") == newest_first
    assert _numbers(client, "view=all&sort=text") == newest_first  # not a column of the whitelist
    assert _numbers(client, "view=all&sort=-owner__user__password") == newest_first
    page = client.get("/workorders/?view=all&sort=received").content.decode()
    assert "共 3 条 · 第 1/1 页" in page
    assert 'href="?view=all&amp;sort=-received"' in page  # the sorted column's link turns it round


def test_the_export_is_the_pages_list_whole_with_its_filter_and_order(town: City, clock: Clock) -> None:
    first, _second, third = _three(town, clock)
    client = signed_in(town.agent)
    query = "view=all&q=路灯&sort=received"
    assert _numbers(client, query) == [first.number, third.number]
    rows = _exported(client, query)
    assert rows[0] == [
        "工单编号",
        "类型",
        "紧急程度",
        "状态",
        "受理时间",
        "供电单位",
        "负责人",
        "诉求",
        "联系电话",
        "户号",
        "催办次数",
    ]
    assert [(r[0], r[7]) for r in rows[1:]] == [(first.number, "路灯不亮"), (third.number, "路灯闪烁")]
    page = client.get(f"/workorders/?{query}").content.decode()
    assert "/workorders/export/?view=all&amp;q=%E8%B7%AF%E7%81%AF&amp;sort=received&amp;format=csv" in page


def test_another_companys_staff_export_none_of_our_orders(town: City, clock: Clock) -> None:
    _three(town, clock)
    assert _exported(signed_in(town.foreign_clerk), "view=all")[1:] == []
