"""Convention 5 on the outage list: total, a whitelisted sort, and the export of what it shows."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from gridcare.core import timezone as tz
from gridcare.core.testing import City, signed_in
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.org.access import scope_for


def _two(town: City) -> list[int]:
    """Two emergencies: 抢修甲 on 台区 T1 from +1 h to +4 h, 抢修乙 on feeder F1 from +7 h to +8 h."""
    start = tz.now() + timedelta(hours=1)
    first = NewOutage(
        kind="emergency", reason="抢修甲", starts_at=start, ends_at=start + timedelta(hours=3), areas=["T1"]
    )
    later = start + timedelta(hours=6)
    second = NewOutage(
        kind="emergency", reason="抢修乙", starts_at=later, ends_at=later + timedelta(hours=1), feeders=["F1"]
    )
    return [outage_register(scope=scope_for(town.planner), actor=town.planner, data=d).pk for d in (first, second)]


def test_the_outage_list_sorts_by_a_whitelisted_column_and_exports_in_that_order(town: City) -> None:
    first, second = _two(town)
    client = signed_in(town.agent)
    ids = lambda query: [r["id"] for r in client.get(f"/notices/outages/?{query}").context["rows"]]  # noqa: E731
    assert ids("") == [second, first]  # the latest start first
    assert ids("sort=starts") == [first, second]
    assert ids("sort=-ends") == [second, first]
    assert ids("sort=reason") == [second, first]  # not in the whitelist: the list's own order
    page = client.get("/notices/outages/?sort=starts").content.decode()
    assert "共 2 条 · 第 1/1 页" in page and "/notices/outages/export/?sort=starts&amp;format=csv" in page
    answer = client.get("/notices/outages/export/?sort=starts&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["类型", "状态", "原因", "线路/台区", "停电开始", "预计恢复", "影响户数", "通知条数"]
    assert [(r[2], r[3]) for r in rows[1:]] == [("抢修甲", "T1"), ("抢修乙", "F1")]
    foreign = signed_in(town.foreign_clerk).get("/notices/outages/export/?format=csv")
    assert foreign.status_code == 200
    assert b"".join(foreign.streaming_content).decode("utf-8-sig").splitlines()[1:] == []
