"""Convention 5 on the API token list: total, a whitelisted sort, and the export of what it shows
(the same rows, order and columns; never a token or its digest), for administrators only."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.test import Client

from gridcare.core.models import ApiToken
from gridcare.core.testing import City, signed_in, streamed
from gridcare.core.timezone import SHANGHAI


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 9, day, hour, minute, tzinfo=SHANGHAI)


def _tokens(town: City) -> None:
    """clerk's live token, agent's revoked one and admin's expired one, issued in that order."""
    rows = [
        (town.clerk, _at(20, 9), _at(21, 8), datetime(2099, 1, 1, tzinfo=SHANGHAI), None),
        (town.agent, _at(20, 10), _at(20, 11), datetime(2099, 1, 2, tzinfo=SHANGHAI), _at(20, 12, 30)),
        (town.admin, _at(20, 11), _at(22, 9), _at(25, 9), None),
    ]
    for i, (user, created, used, expires, revoked) in enumerate(rows):
        token = ApiToken.objects.create(user=user, key_hash=f"{i:064d}", expires_at=expires)
        ApiToken.objects.filter(pk=token.pk).update(created_at=created, last_used_at=used, revoked_at=revoked)


def _users(client: Client, query: str) -> list[str]:
    return [row.user for row in client.get(f"/security/tokens/?{query}").context["page"]]


def test_the_token_list_sorts_by_a_whitelisted_column(town: City) -> None:
    _tokens(town)
    client = signed_in(town.admin)
    newest_first = ["admin（admin）", "agent（agent）", "clerk（clerk）"]
    assert _users(client, "") == newest_first
    assert _users(client, "sort=issued") == ["clerk（clerk）", "agent（agent）", "admin（admin）"]
    assert _users(client, "sort=-issued") == newest_first
    assert _users(client, "sort=user") == ["admin（admin）", "agent（agent）", "clerk（clerk）"]
    assert _users(client, "sort=-user") == ["clerk（clerk）", "agent（agent）", "admin（admin）"]
    assert _users(client, "sort=last_used") == ["agent（agent）", "clerk（clerk）", "admin（admin）"]
    assert _users(client, "sort=expires") == ["admin（admin）", "clerk（clerk）", "agent（agent）"]
    assert _users(client, "sort=key_hash") == newest_first  # not in the whitelist
    page = client.get("/security/tokens/?sort=expires").content.decode()
    assert "共 3 条 · 第 1/1 页" in page and "/security/tokens/export/?sort=expires&amp;format=csv" in page
    assert 'href="?sort=-expires"' in page


def test_the_export_is_the_lists_rows_in_its_order_with_its_columns(town: City) -> None:
    _tokens(town)
    client = signed_in(town.admin)
    answer = client.get("/security/tokens/export/?sort=expires&format=csv")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(streamed(answer).decode("utf-8-sig"))))
    assert rows == [
        ["用户", "签发时间", "最后使用", "到期时间", "状态"],
        ["admin（admin）", "2025-09-20 11:00", "2025-09-22 09:00", "2025-09-25 09:00", "已到期"],
        ["clerk（clerk）", "2025-09-20 09:00", "2025-09-21 08:00", "2099-01-01 00:00", "有效"],
        ["agent（agent）", "2025-09-20 10:00", "2025-09-20 11:00", "2099-01-02 00:00", "已吊销（2025-09-20 12:30）"],
    ]
    page = client.get("/security/tokens/?sort=expires")
    shown = [[r.user, r.state] for r in page.context["page"]]
    assert shown == [[row[0], row[4]] for row in rows[1:]]
    html = page.content.decode()
    assert all(t.key_hash not in html for t in ApiToken.objects.all())
    assert all(t.key_hash not in str(rows) for t in ApiToken.objects.all())


def test_only_administrators_export_the_tokens(town: City) -> None:
    _tokens(town)
    for persona in ("supervisor", "clerk", "agent", "outsider"):
        client = signed_in(town.users[persona])
        assert client.get("/security/tokens/export/").status_code == 404
        assert client.get("/security/tokens/").status_code == 404
