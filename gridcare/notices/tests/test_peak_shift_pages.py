"""The peak-shift pages (错峰, /notices/peak-shifts/): the orders listed for the posts that issue
them, the form picks feeders by name, asks first with the key accounts it reaches (nothing
written), then stores the order with its messages; a bad form keeps what was typed and writes
nothing; other posts are refused."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from gridcare.core.testing import City, make_account, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice, PeakShiftOrder

pytestmark = pytest.mark.django_db

FORM = {"feeders": "F1", "day": "2026-12-01", "start": "10:00", "end": "12:00", "limit_kw": "800"}


@pytest.fixture(autouse=True)
def _the_week_before(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))


def _plant(town: City) -> None:
    plant = make_account(20, town.unit, None, "示范钢铁厂", phone="13955556666", transformer_area=town.area)
    plant.importance_grade = "first"
    plant.save(update_fields=["importance_grade"])


def test_an_order_is_asked_first_then_stored_and_listed(town: City) -> None:
    _plant(town)
    client = signed_in(town.kam)
    form_page = client.get("/notices/peak-shifts/new/").content.decode()
    assert "10kV 城一线（F1）" in form_page  # the feeder by its name
    asked = client.post("/notices/peak-shifts/new/", FORM)
    assert asked.status_code == 200
    sentence = "将通知 1 户大客户：2026-12-01 10:00 至 12:00 用电负荷控制在 800 千瓦以内。确认发布？"
    assert sentence in asked.content.decode()
    assert (PeakShiftOrder.objects.count(), Notice.objects.count()) == (0, 0)
    done = client.post("/notices/peak-shifts/new/", {**FORM, "confirmed": "1"})
    assert done.status_code == 302 and done.url == "/notices/peak-shifts/"
    order = PeakShiftOrder.objects.get()
    assert (order.key_accounts, order.notices_queued, Notice.objects.count()) == (1, 1, 1)
    listed = client.get("/notices/peak-shifts/").content.decode()
    assert "错峰通知已发布，涉及 1 户大客户，已生成 1 条通知。" in listed  # the message stays on the page
    assert "10kV 城一线" in listed and "10:00 — 12:00" in listed and "800" in listed
    assert f"/key-accounts/peak-shifts/{order.pk}/" in listed  # a 大客户经理 sees the accounts it touches
    again = client.post("/notices/peak-shifts/new/", {**FORM, "confirmed": "1"})
    assert again.status_code == 302
    assert (
        "同样的错峰通知已于 2026-11-24 09:00 发布过，未重复发送。"
        in client.get("/notices/peak-shifts/").content.decode()
    )
    assert (PeakShiftOrder.objects.count(), Notice.objects.count()) == (1, 1)


def test_a_bad_order_keeps_what_was_typed_marks_the_fields_and_writes_nothing(town: City) -> None:
    client = signed_in(town.planner)
    bad = {**FORM, "end": "09:00", "day": "2026-11-01"}
    for confirmed in ("", "1"):
        page = client.post("/notices/peak-shifts/new/", {**bad, "confirmed": confirmed}).content.decode()
        assert "结束时间应晚于开始时间。" in page and "错峰日期应在今天至366天后之间。" in page
        assert 'value="800"' in page
    page = client.post("/notices/peak-shifts/new/", {**FORM, "feeders": "NOPE", "limit_kw": "0"}).content.decode()
    assert "线路不存在或不在您的管辖范围：NOPE。" in page and "负荷上限应大于0。" in page
    page = client.post("/notices/peak-shifts/new/", {**FORM, "limit_kw": "9" * 40, "day": "x\x00"}).content.decode()
    assert "负荷上限过大。" in page
    assert (PeakShiftOrder.objects.count(), Notice.objects.count()) == (0, 0)


@pytest.mark.parametrize(("persona", "status"), [("kam", 200), ("planner", 200), ("admin", 200)])
def test_the_posts_that_issue_orders_open_the_pages(town: City, persona: str, status: int) -> None:
    client = signed_in(town.users[persona])
    assert client.get("/notices/peak-shifts/").status_code == status
    assert client.get("/notices/peak-shifts/new/").status_code == status


@pytest.mark.parametrize("persona", ["clerk", "agent", "supervisor", "community", "manager"])
def test_other_posts_are_refused_and_write_nothing(town: City, persona: str) -> None:
    _plant(town)
    client = signed_in(town.users[persona])
    assert client.get("/notices/peak-shifts/").status_code == 403
    assert client.post("/notices/peak-shifts/new/", {**FORM, "confirmed": "1"}).status_code == 403
    assert (PeakShiftOrder.objects.count(), Notice.objects.count()) == (0, 0)


def test_a_planner_sees_the_orders_without_the_key_account_link(town: City) -> None:
    """Planners issue orders but keep no key accounts: the list names no page they cannot open."""
    _plant(town)
    signed_in(town.kam).post("/notices/peak-shifts/new/", {**FORM, "confirmed": "1"})
    listed = signed_in(town.planner).get("/notices/peak-shifts/").content.decode()
    assert "2026-12-01" in listed and "/key-accounts/peak-shifts/" not in listed
