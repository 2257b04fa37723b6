"""A held reading's problem is a sentence on the readings page, the clerk's resolution is
confirmed on the page, and the billing office's menu is on each of its pages (issue 13,
conventions 2 and 4)."""

from __future__ import annotations

import re

import pytest

from gridcare.billing.models import ExceptionStatus, ReadingException
from gridcare.billing.rules.reading_problems import problem_text
from gridcare.billing.tests.helpers import billable, billing_clerk, reading, tariffs
from gridcare.core.testing import City, signed_in


@pytest.mark.parametrize(
    ("kind", "detail", "sentence"),
    [
        ("negative", {"previous": "2000", "register": "1900"}, "本次示数 1900 小于上次示数 2000"),
        ("rollover", {"previous": "99990", "register": "12"}, "示数由 99990 回到 12：电能表可能已满量程翻转"),
        ("spike", {"kwh": "900", "average": "120.00"}, "本月电量 900 千瓦时，远高于近期月均 120.00 千瓦时"),
        ("gap", {"missing": "4", "step_minutes": "15"}, "负荷曲线缺 4 个 15 分钟时段"),
        (
            "overlap",
            {"count": "2", "starts": "2026-10-01 00:00, 2026-10-01 00:15"},
            "负荷曲线有 2 个时段重复：2026-10-01 00:00, 2026-10-01 00:15",
        ),
        ("split", {"peak": "60", "valley": "50", "kwh": "100"}, "峰电量 60 加谷电量 50 超过总电量 100 千瓦时"),
        ("spike", {}, "电量突增"),  # a figure missing: the kind's name
        ("unknown", {"x": "1"}, "电量突增"),
    ],
)
def test_each_problem_reads_as_a_sentence(kind: str, detail: dict[str, str], sentence: str) -> None:
    assert problem_text(kind, detail, "电量突增") == sentence


def test_the_page_shows_the_sentence_and_the_resolution_is_confirmed(town: City) -> None:
    tariffs()
    held = reading(billable(town.account), "2026-10", "900", status="held")
    problem = ReadingException.objects.create(
        reading=held, kind="negative", detail={"previous": "2000", "register": "1900"}
    )
    client = signed_in(billing_clerk(town))
    page = client.get("/billing/readings/").content.decode()
    assert "<td>本次示数 1900 小于上次示数 2000</td>" in page and "previous:" not in page
    assert 'class="chips billing-nav"' in page  # the billing office's menu
    assert 'placeholder="更正后电量（千瓦时）"' in page
    done = client.post(f"/billing/readings/exceptions/{problem.pk}/", {"action": "accepted"}, follow=True)
    assert f"户号 {town.account.account_no} 2026-10 的抄表异常已确认。" in done.content.decode()
    problem.refresh_from_db()
    assert problem.status == ExceptionStatus.ACCEPTED


def test_a_resolution_without_its_choice_says_so_and_changes_nothing(town: City) -> None:
    tariffs()
    held = reading(billable(town.account), "2026-10", "900", status="held")
    problem = ReadingException.objects.create(reading=held, kind="spike", detail={"kwh": "900", "average": "100"})
    done = signed_in(billing_clerk(town)).post(f"/billing/readings/exceptions/{problem.pk}/", {}, follow=True)
    assert "请选择处理方式；更正电量时请填写电量。" in done.content.decode()
    problem.refresh_from_db()
    assert problem.status == ExceptionStatus.OPEN


@pytest.mark.parametrize("path", ["/billing/runs/", "/billing/readings/"])
def test_the_billing_menu_is_on_the_office_pages(town: City, path: str) -> None:
    page = signed_in(billing_clerk(town)).get(path).content.decode()
    menu = re.search(r'<p class="chips billing-nav">(.*?)</p>', page, re.S)
    assert menu is not None
    links = re.findall(r'href="([^"]+)"', menu.group(1))
    assert links[:3] == ["/billing/runs/", "/billing/readings/", "/billing/dunning/"]
