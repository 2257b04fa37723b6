"""Convention 5 on the new-connection list (业扩报装): paged with its total, sorted by a whitelisted
column (category and stage in the order of their lists, not their codes; anything else keeps the
nearest deadline first), exported whole with the page's filter, order and columns, scoped like the
page."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from django.test import Client

from gridcare.core.testing import City, signed_in, streamed
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.models import NewConnection
from gridcare.workorders.tests.conftest import Clock

PHONE = "13600001111"


def _three(town: City, clock: Clock) -> list[NewConnection]:
    """孙八 (high voltage, single supply), 赵六 (residential), 钱七 (low voltage), an hour apart;
    赵六's application has moved on to the site survey."""
    made = []
    for applicant, category in (("孙八", "high_voltage_single"), ("赵六", "residential"), ("钱七", "low_voltage")):
        data = services.NewApplication(
            applicant=applicant, address="解放路1号", category=category, supply_unit="U1", phone=PHONE
        )
        made.append(services.new_connection_apply(scope=scope_for(town.kam), actor=town.kam, data=data))
        clock.advance(hours=1)
    services.new_connection_advance(scope=scope_for(town.kam), actor=town.kam, connection=made[1])
    return made


def _applicants(client: Client, query: str) -> list[str]:
    return [c["applicant"] for c in client.get(f"/workorders/connections/?{query}").context["rows"]]


def _exported(client: Client, query: str) -> list[list[str]]:
    answer = client.get(f"/workorders/connections/export/?{query}&format=csv")
    assert answer.status_code == 200
    return list(csv.reader(io.StringIO(streamed(answer).decode("utf-8-sig"))))


def _cell(at: datetime | None) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if at else ""


def _shown(card: dict[str, Any]) -> list[str]:
    """A row of the page as the export writes it."""
    return [
        card["number"],
        card["applicant"],
        card["category_label"],
        card["stage_label"],
        _cell(card["stage_due_at"]),
        _cell(card["due_at"]),
        card["account_manager"] or "",
    ]


def test_the_list_sorts_by_a_whitelisted_column(town: City, clock: Clock) -> None:
    _three(town, clock)
    client = signed_in(town.kam)
    by_due = [c.applicant for c in NewConnection.objects.order_by("due_at", "id")]
    assert _applicants(client, "") == by_due
    assert _applicants(client, "sort=number") == ["孙八", "赵六", "钱七"]
    assert _applicants(client, "sort=-number") == ["钱七", "赵六", "孙八"]
    assert _applicants(client, "sort=category") == ["赵六", "钱七", "孙八"]  # 居民, 低压非居民, 高压单电源
    assert _applicants(client, "sort=stage") == ["钱七", "孙八", "赵六"]  # 业务受理 (nearest deadline first), 现场勘查
    assert _applicants(client, "sort=-stage")[0] == "赵六"
    assert _applicants(client, "sort=applicant") == sorted(["孙八", "赵六", "钱七"])
    assert _applicants(client, "sort=phone") == by_due  # not in the whitelist
    page = client.get("/workorders/connections/?sort=category").content.decode()
    assert "共 3 条 · 第 1/1 页" in page
    assert "/workorders/connections/export/?sort=category&amp;format=csv" in page
    assert 'href="?sort=-category"' in page


def test_the_export_is_the_pages_list_whole_with_its_filter_order_and_columns(town: City, clock: Clock) -> None:
    _three(town, clock)
    for persona, query in (("kam", "sort=category"), ("agent", "mine=0&sort=-stage"), ("supervisor", "sort=due")):
        client = signed_in(town.users[persona])
        rows = _exported(client, query)
        assert rows[0] == ["申请编号", "申请人", "类别", "当前环节", "环节时限", "总时限", "客户经理"]
        page = client.get(f"/workorders/connections/?{query}").context["rows"]
        assert rows[1:] == [_shown(card) for card in page]
        assert len(rows) == 4
        assert PHONE not in str(rows) and "解放路1号" not in str(rows)  # no phone, no address: as the page
    assert _exported(signed_in(town.kam), "sort=category")[1][1:4] == ["赵六", "居民", "现场勘查"]


def test_the_export_is_scoped_like_the_page(town: City, clock: Clock) -> None:
    _three(town, clock)
    assert _exported(signed_in(town.other_supervisor), "")[1:] == []  # U2's: none of U1's applications
    assert signed_in(town.outsider).get("/workorders/connections/export/").status_code == 404
    assert Client().get("/workorders/connections/export/").status_code == 302
