from __future__ import annotations

import json
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from gridcare.core.testing import City, api_client, make_account
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice, PeakShiftOrder
from gridcare.notices.services import campaigns
from gridcare.org.access import scope_for

ORDER = {"feeders": ["F1"], "day": "2026-12-01", "start": "10:00", "end": "12:00", "limit_kw": 800}


@pytest.fixture(autouse=True)
def _the_week_before(monkeypatch: pytest.MonkeyPatch) -> None:
    """The order is for a day to come (orders for a past day are refused)."""
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI))


def test_key_accounts_behind_the_feeder_get_the_peak_shifting_order_once(town: City) -> None:
    plant = make_account(20, town.unit, None, "示范钢铁厂", phone="13955556666", transformer_area=town.area)
    plant.importance_grade = "first"
    plant.save(update_fields=["importance_grade"])
    client = api_client(town.kam)
    response = client.post("/api/v1/notices/peak-shift", json.dumps(ORDER), content_type="application/json")
    order = PeakShiftOrder.objects.get()
    assert response.json() == {"queued": 1, "order_id": order.pk, "key_accounts": 1}
    assert list(Notice.objects.values_list("recipient", "category", "body")) == [
        (
            "13955556666",
            "peak_shift",
            f"【国网示范市供电公司】户号{plant.account_no}：按有序用电安排，12月1日 10:00至12:00请将用电负荷控制在800千瓦以内，感谢配合。",
        )
    ]
    assert client.post("/api/v1/notices/peak-shift", json.dumps(ORDER), content_type="application/json").json() == {
        "queued": 0,
        "order_id": order.pk,
        "key_accounts": 1,
    }
    assert (Notice.objects.count(), PeakShiftOrder.objects.count()) == (1, 1)


@pytest.mark.parametrize("persona", ["clerk", "agent", "supervisor", "community"])
def test_other_roles_may_not_send_peak_shifting_orders(town: City, persona: str) -> None:
    response = api_client(town.users[persona]).post(
        "/api/v1/notices/peak-shift", json.dumps(ORDER), content_type="application/json"
    )
    assert response.status_code == 403
    assert (Notice.objects.count(), PeakShiftOrder.objects.count()) == (0, 0)


def test_a_bad_order_is_refused_field_by_field(town: City) -> None:
    bad = {**ORDER, "feeders": ["NOPE"], "end": "09:00", "limit_kw": 0}
    response = api_client(town.kam).post("/api/v1/notices/peak-shift", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "feeders": "线路不存在或不在您的管辖范围：NOPE。",
        "end": "结束时间应晚于开始时间。",
        "limit_kw": "负荷上限应大于0。",
    }
    assert (Notice.objects.count(), PeakShiftOrder.objects.count()) == (0, 0)


def test_a_feeder_code_with_a_nul_character_is_refused_not_a_server_error(town: City) -> None:
    """PostgreSQL cannot compare a text with NUL in it: refused at the edge, on its place."""
    bad = {**ORDER, "feeders": ["F1", "F\x001"]}
    response = api_client(town.kam).post("/api/v1/notices/peak-shift", json.dumps(bad), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"] == {"feeders.1": "不能包含空字符（NUL）。"}
    assert Notice.objects.count() == 0


def test_the_order_is_stored_with_its_feeders_window_limit_issuer_and_messages(town: City) -> None:
    plant = make_account(20, town.unit, None, "示范钢铁厂", phone="13955556666", transformer_area=town.area)
    plant.importance_grade = "first"
    plant.save(update_fields=["importance_grade"])
    make_account(21, town.unit, None, "居民", phone="13955557777", transformer_area=town.area)  # no key account
    api_client(town.planner).post("/api/v1/notices/peak-shift", json.dumps(ORDER), content_type="application/json")
    order = PeakShiftOrder.objects.get()
    assert [f.code for f in order.feeders.all()] == ["F1"]
    assert (str(order.day), f"{order.start:%H:%M}", f"{order.end:%H:%M}", order.limit_kw) == (
        "2026-12-01",
        "10:00",
        "12:00",
        800,
    )
    assert (order.company_id, order.created_by, order.key_accounts, order.notices_queued) == (
        town.company.pk,
        town.planner,
        1,
        1,
    )
    assert order.created_at == datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)


def test_a_changed_limit_is_a_new_order_and_reaches_the_account_again(town: City) -> None:
    plant = make_account(20, town.unit, None, "示范钢铁厂", phone="13955556666", transformer_area=town.area)
    plant.importance_grade = "first"
    plant.save(update_fields=["importance_grade"])
    client = api_client(town.kam)
    client.post("/api/v1/notices/peak-shift", json.dumps(ORDER), content_type="application/json")
    tighter = {**ORDER, "limit_kw": 500}
    response = client.post("/api/v1/notices/peak-shift", json.dumps(tighter), content_type="application/json")
    assert response.json()["queued"] == 1
    assert sorted(PeakShiftOrder.objects.values_list("limit_kw", flat=True)) == [500, 800]
    assert Notice.objects.filter(body__contains="500千瓦").count() == 1


def test_the_same_order_issued_twice_at_once_is_one_order(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fingerprint is unique: the racing second insert (its look-up saw no order yet) gets
    the stored order back, and no second message."""
    plant = make_account(20, town.unit, None, "示范钢铁厂", phone="13955556666", transformer_area=town.area)
    plant.importance_grade = "first"
    plant.save(update_fields=["importance_grade"])
    order = campaigns.PeakShift(feeders=["F1"], day=date(2026, 12, 1), start=time(10), end=time(12), limit_kw=800)
    first = campaigns.peak_shift_issue(scope=scope_for(town.kam), actor=town.kam, order=order)
    real_filter = PeakShiftOrder.objects.filter
    unseen = PeakShiftOrder.objects.none()
    monkeypatch.setattr(
        PeakShiftOrder.objects, "filter", lambda **kw: unseen if "fingerprint" in kw else real_filter(**kw)
    )
    again = campaigns.peak_shift_issue(scope=scope_for(town.kam), actor=town.kam, order=order)
    monkeypatch.undo()
    assert (again.created, again.queued, again.order.pk) == (False, 0, first.order.pk)
    assert (PeakShiftOrder.objects.count(), Notice.objects.count()) == (1, 1)
