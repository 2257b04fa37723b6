"""A year without a holiday notice never stops intake: deadlines reckoned over it count Monday
to Friday, are marked provisional with an event naming the year, and are recomputed exactly
when the year is saved (issue 10 §1). The expected due times are worked out by hand below."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from gridcare.core.models import CalendarChange, CalendarYear
from gridcare.core.testing import City, api_client, signed_in
from gridcare.core.timezone import SHANGHAI
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.models import ConnectionEvent, Deadline, NewConnection, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import NEW_CONNECTION, Clock, post_json, take

# Test data for a year, not a real notice: 1-4 January off, Saturday 9 January worked.
TEST_2027: dict[str, Any] = {
    "source": "测试用通知（非真实）",
    "holidays": [{"name": "元旦", "first": "2027-01-01", "last": "2027-01-04"}],
    "makeup_days": ["2027-01-09"],
}


def sh(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def late_december(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    # Monday 28 December 2026, 10:00: a reply of 5 or 10 working days ends in 2027.
    c = Clock(sh(2026, 12, 28))
    monkeypatch.setattr(timezone, "now", lambda: c.at)
    yield c


def reply(order: WorkOrder) -> Deadline:
    return order.deadlines.get(kind="reply")


def _phoned_in(client: Client, type: str, text: str) -> Any:
    """A 95598 phone order of ``type`` taken through the API."""
    return post_json(client, "/api/v1/workorders", {"channel": "phone_95598", "type": type, "text": text})


def put_year(town: City, year: int, body: dict[str, Any]) -> Any:
    return api_client(town.admin).put(f"/api/v1/calendar/years/{year}", body, content_type="application/json")


def test_intake_on_28_december_succeeds_with_provisional_deadlines_and_the_event(
    town: City, late_december: Clock
) -> None:
    assert not CalendarYear.objects.filter(year=2027).exists()
    client = api_client(town.agent)
    made = _phoned_in(client, "complaint", "营业厅工作人员态度很差")
    assert made.status_code == 201
    deadlines = {d["kind"]: d for d in made.json()["deadlines"]}
    # Contact within 24 hours: a clock deadline, never provisional.
    assert deadlines["contact"]["due_at"] == "2026-12-29T10:00:00+08:00"
    assert deadlines["contact"]["provisional"] is False
    # Reply in 5 working days: 29, 30, 31 December, then Friday 1 and Monday 4 January 2027
    # counted Monday to Friday.
    assert deadlines["reply"]["due_at"] == "2027-01-04T10:00:00+08:00"
    assert deadlines["reply"]["provisional"] is True
    order = WorkOrder.objects.get(number=made.json()["number"])
    event = order.events.get(type=OrderEvent.Type.PROVISIONAL)
    assert event.parameters == {"kind": "reply", "due_at": "2027-01-04T10:00:00+08:00", "missing_years": [2027]}
    assert client.get(f"/api/v1/workorders/{order.number}").json()["deadlines"][1]["provisional"] is True

    opinion = _phoned_in(client, "opinion", "建议营业厅延长营业时间")
    assert opinion.status_code == 201
    # 10 working days: 29-31 December (3), 1 January (4), 4-8 January (9), 11 January (10).
    assert opinion.json()["deadlines"] == [
        {
            "kind": "reply",
            "label": "答复客户",
            "due_at": "2027-01-11T10:00:00+08:00",
            "met_at": None,
            "provisional": True,
        }
    ]


def test_saving_the_year_recomputes_open_provisional_deadlines_exactly(town: City, late_december: Clock) -> None:
    complaint = take(town.agent, type="complaint")
    opinion = take(town.agent, type="opinion", text="建议营业厅延长营业时间")
    answered = take(town.agent, type="opinion", text="建议增设缴费机")
    services.workorder_transition(scope=scope_for(town.agent), actor=town.agent, order=answered, to=Status.REPLIED)
    met_before = reply(answered).due_at
    assert met_before == sh(2027, 1, 11)
    late_december.set(sh(2026, 12, 29, 9))
    saved = put_year(town, 2027, TEST_2027)
    assert saved.status_code == 200
    assert saved.json()["recomputed_deadlines"] == 2
    # Complaint, 5 working days from Monday 28 December: 29, 30, 31 December, then 1-4 January
    # are off, so Tuesday 5 and Wednesday 6 January.
    assert reply(complaint).due_at == sh(2027, 1, 6)
    assert reply(complaint).provisional is False
    assert reply(complaint).provisional_years == []
    # The warning keeps a quarter of the time from intake: 9 days (216 h), so 54 h before.
    assert reply(complaint).warn_at == sh(2027, 1, 4, 4)
    # Opinion, 10: 29-31 December (3), 5-8 January (7), Saturday 9 January worked (8), 11 and 12.
    assert reply(opinion).due_at == sh(2027, 1, 12)
    # The contact deadline (hours) and the met reply do not change.
    assert complaint.deadlines.get(kind="contact").due_at == sh(2026, 12, 29)
    assert reply(answered).due_at == met_before
    event = complaint.events.get(type=OrderEvent.Type.RECOMPUTED)
    assert event.actor == town.admin
    assert event.parameters == {
        "kind": "reply",
        "year": 2027,
        "old_due_at": "2027-01-04T10:00:00+08:00",
        "new_due_at": "2027-01-06T10:00:00+08:00",
        "provisional": False,
    }
    assert not answered.events.filter(type=OrderEvent.Type.RECOMPUTED).exists()
    assert CalendarChange.objects.get(year=2027).recomputed == 2


def test_a_deadline_made_before_is_not_touched(town: City, late_december: Clock) -> None:
    late_december.set(sh(2026, 12, 1))
    early = take(town.agent, type="complaint")
    assert reply(early).due_at == sh(2026, 12, 8)  # 2, 3, 4, 7, 8 December
    assert reply(early).provisional is False
    late_december.set(sh(2026, 12, 29))
    assert put_year(town, 2027, TEST_2027).status_code == 200
    assert reply(early).due_at == sh(2026, 12, 8)
    assert not early.events.filter(type__in=(OrderEvent.Type.PROVISIONAL, OrderEvent.Type.RECOMPUTED)).exists()


def test_a_wait_over_new_year_is_replayed_on_the_saved_year(town: City, late_december: Clock) -> None:
    order = take(town.agent, type="complaint")
    scope = scope_for(town.agent)
    late_december.set(sh(2026, 12, 31, 16))
    services.workorder_pause(scope=scope, actor=town.agent, order=order, reason="客户出差")
    late_december.set(sh(2027, 1, 4, 10))
    services.workorder_resume(scope=scope, actor=town.agent, order=order)
    # Waited 8 h of 31 December, 24 h of Friday 1 January and 10 h of Monday 4 January
    # (Monday-Friday assumed) = 42 h, added to 4 January 10:00: 14 h that day, 24 h on the 5th,
    # 4 h on the 6th.
    assert reply(order).due_at == sh(2027, 1, 6, 4)
    assert reply(order).provisional is True
    assert put_year(town, 2027, TEST_2027).status_code == 200
    # On the saved year: due 6 January 10:00 (see above), the wait counts only the 8 h of
    # 31 December (1-4 January are off), so 6 January 18:00.
    assert reply(order).due_at == sh(2027, 1, 6, 18)
    assert reply(order).provisional is False


def test_on_2_january_without_the_year_intake_works_and_is_recomputed(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = Clock(sh(2027, 1, 2))  # a Saturday in a year without a notice
    monkeypatch.setattr(timezone, "now", lambda: c.at)
    client = api_client(town.agent)
    made = _phoned_in(client, "complaint", "抄表员态度很差")
    assert made.status_code == 201
    order = WorkOrder.objects.get(number=made.json()["number"])
    # Monday 4 to Friday 8 January.
    assert reply(order).due_at == sh(2027, 1, 8)
    assert reply(order).provisional_years == [2027]
    assert put_year(town, 2027, TEST_2027).status_code == 200
    # 4 January is off: 5, 6, 7, 8 and Saturday 9 January (worked).
    assert reply(order).due_at == sh(2027, 1, 9)
    assert client.get(f"/api/v1/workorders/{order.number}").json()["deadlines"][1]["provisional"] is False


def test_a_far_year_is_provisional_until_both_years_are_saved(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    # Thursday 27 December 2040: neither 2040 nor 2041 has a notice (test data below is made up).
    c = Clock(sh(2040, 12, 27))
    monkeypatch.setattr(timezone, "now", lambda: c.at)
    order = take(town.agent, type="complaint")
    # 28 (Fri), 31 December, 1, 2, 3 January 2041.
    assert reply(order).due_at == sh(2041, 1, 3)
    assert reply(order).provisional_years == [2040, 2041]
    body_2040 = {"source": "测试", "holidays": [{"name": "测试假日", "first": "2040-12-31", "last": "2040-12-31"}]}
    assert put_year(town, 2040, body_2040).status_code == 200
    # 31 December off: 28 December, 1, 2, 3, 4 January; still provisional for 2041.
    assert reply(order).due_at == sh(2041, 1, 4)
    assert reply(order).provisional_years == [2041]
    body_2041 = {
        "source": "测试",
        "holidays": [{"name": "测试假日", "first": "2041-01-01", "last": "2041-01-01"}],
        "makeup_days": ["2041-01-05"],
    }
    assert put_year(town, 2041, body_2041).status_code == 200
    # 1 January off: 28 December, 2, 3, 4 and Saturday 5 January (worked).
    assert reply(order).due_at == sh(2041, 1, 5)
    assert reply(order).provisional is False
    assert order.events.filter(type=OrderEvent.Type.RECOMPUTED).count() == 2


def test_a_new_connection_over_new_year_is_provisional_and_recomputed(town: City, late_december: Clock) -> None:
    client = api_client(town.kam)
    made = post_json(client, "/api/v1/new-connections", NEW_CONNECTION)
    assert made.status_code == 201
    # 5 working days: 29, 30, 31 December, 1 and 4 January (Monday-Friday assumed).
    assert made.json()["due_at"] == "2027-01-04T10:00:00+08:00"
    assert made.json()["stage_due_at"] == "2026-12-29T10:00:00+08:00"
    assert made.json()["provisional"] is True
    connection = NewConnection.objects.get()
    assert connection.events.get(type=ConnectionEvent.Type.PROVISIONAL).parameters["missing_years"] == [2027]
    assert put_year(town, 2027, TEST_2027).json()["recomputed_connections"] == 1
    connection.refresh_from_db()
    # 29, 30, 31 December, 5 and 6 January.
    assert connection.due_at == sh(2027, 1, 6)
    assert connection.stage_due_at == sh(2026, 12, 29)
    assert connection.provisional is False
    event = connection.events.get(type=ConnectionEvent.Type.RECOMPUTED)
    assert event.parameters["old_due_at"] == "2027-01-04T10:00:00+08:00"
    assert event.parameters["new_due_at"] == "2027-01-06T10:00:00+08:00"


def test_the_order_page_and_the_lists_mark_a_provisional_deadline(town: City, late_december: Clock) -> None:
    provisional = take(town.agent, type="complaint")
    late_december.set(sh(2026, 12, 1))
    firm = take(town.agent, type="complaint", text="抄表员态度不好")
    client = signed_in(town.agent)
    page = client.get(f"/workorders/{provisional.number}/").content.decode()
    assert "2027-01-04 10:00" in page
    assert '<span class="badge provisional"' in page
    assert '<span class="badge provisional"' not in client.get(f"/workorders/{firm.number}/").content.decode()
    listed = client.get("/workorders/").content.decode()
    rows = {n: listed.split(n, 2)[2].split("</tr>", 1)[0] for n in (provisional.number, firm.number)}
    assert "时限暂定" in rows[provisional.number]
    assert "时限暂定" not in rows[firm.number]
