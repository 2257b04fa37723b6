"""Convention 5 on the security record: total, a whitelisted sort, the export of what it shows
(administrators only; the page does not exist for anyone else)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from django.utils import timezone

from gridcare.core.testing import City, signed_in
from gridcare.org.events import auth_event
from gridcare.org.models import AuthEvent


def test_the_security_record_sorts_by_a_whitelisted_column_and_exports_in_that_order(town: City) -> None:
    at = timezone.now() - timedelta(hours=2)
    auth_event(type=AuthEvent.Type.ACCOUNT_LOCKED, username="zhang", ip_address="10.0.0.9", at=at)
    auth_event(type=AuthEvent.Type.UNLOCKED, username="alice", actor=town.admin, at=at + timedelta(hours=1))
    client = signed_in(town.admin)
    names = lambda query: [e.username for e in client.get(f"/security/events/?{query}").context["page"]]  # noqa: E731
    assert names("") == ["alice", "zhang"]  # the newest first
    assert names("sort=at") == ["zhang", "alice"]
    assert names("sort=username") == ["alice", "zhang"] and names("sort=-username") == ["zhang", "alice"]
    assert names("sort=parameters") == ["alice", "zhang"]  # not in the whitelist
    page = client.get("/security/events/?sort=at").content.decode()
    assert "共 2 条 · 第 1/1 页" in page and "/security/events/export/?sort=at&amp;format=csv" in page
    answer = client.get("/security/events/export/?sort=at&format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["时间", "类型", "用户名", "地址", "操作人"]
    assert [r[1:] for r in rows[1:]] == [["账号锁定", "zhang", "10.0.0.9", ""], ["解除锁定", "alice", "", "admin"]]
    assert signed_in(town.supervisor).get("/security/events/export/").status_code == 404
