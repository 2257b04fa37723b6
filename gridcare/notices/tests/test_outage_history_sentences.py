"""An outage's history (记录) in sentences, with who did each step (issue 13, convention 4)."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from django.conf import settings
from django.utils import translation

from gridcare.core.history import history_lines
from gridcare.core.testing import City, signed_in
from gridcare.notices.models import Outage
from gridcare.notices.services.outages import NewOutage, outage_cancel, outage_register, outage_restore
from gridcare.notices.tests.conftest import MORNING
from gridcare.org.access import scope_for

SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _outage(town: City, kind: str, starts_in: timedelta) -> Outage:
    data = NewOutage(
        kind=kind,
        reason="线路检修",
        starts_at=MORNING + starts_in,
        ends_at=MORNING + starts_in + timedelta(hours=6),
        areas=["T1"],
    )
    return outage_register(scope=scope_for(town.planner), actor=town.planner, data=data, now=MORNING)


def _sentences(outage: Outage) -> list[tuple[str, str, str]]:
    return [(line.what, line.who, line.sentence) for line in history_lines(outage.events.order_by("id"))]


def test_a_cancelled_outage_reads_as_sentences(town: City) -> None:
    outage = _outage(town, "planned", timedelta(days=8))
    outage_cancel(scope=scope_for(town.planner), actor=town.planner, outage=outage, now=MORNING)
    assert _sentences(outage) == [
        ("登记", "planner", "planner 登记停电，影响 1 户，生成通知 1 条"),
        ("取消", "planner", "planner 取消停电，撤回未发出的通知 1 条，告知已收到通知的客户 0 条"),
    ]


def test_a_restored_fault_outage_reads_as_sentences_on_its_page(town: City) -> None:
    outage = _outage(town, "fault", -timedelta(hours=2))
    restored = MORNING - timedelta(minutes=30)
    planner = town.planner
    outage_restore(scope=scope_for(planner), actor=planner, outage=outage, restored_at=restored, now=MORNING)
    assert _sentences(outage)[1] == ("恢复送电", "planner", "planner 登记恢复送电（2026-11-24 09:30），生成通知 1 条")
    client = signed_in(planner)
    html = client.get(f"/notices/outages/{outage.pk}/").content.decode()
    table = re.search(r'<table class="grid history">(.*?)</table>', html, re.S)
    assert table is not None
    text = unescape(re.sub(r"<[^>]+>", " ", table.group(1)))
    assert "planner 登记恢复送电（2026-11-24 09:30），生成通知 1 条" in text
    assert SNAKE.findall(text) == []
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):  # the language the page activates ends with the block
        english = client.get(f"/notices/outages/{outage.pk}/").content.decode()
    assert "planner recorded the restoration (2026-11-24 09:30), 1 notices queued" in english
