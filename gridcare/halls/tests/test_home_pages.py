"""The staff pages and API of home service and the mobile rounds (WO-9): a clerk asks for a visit
from an account found by search, the manager schedules it from pickers, the clerk's day shows the
phone in full only to the clerk sent there, cancelling is asked first, every message stays; the
API's queue is paged and the other hall's manager gets 404; the timetable page adds a stop."""

from __future__ import annotations

import json

from gridcare.core.testing import City, api_client, signed_in
from gridcare.halls.models import HomeVisit, MobileRoundStop
from gridcare.halls.services.home_visits import HomeVisitAsk, home_visit_request
from gridcare.halls.tests.appointments_helpers import TUESDAY, Clock, at
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for


def _text(answer: object) -> str:
    return answer.content.decode()  # type: ignore[attr-defined,no-any-return]


def _visit(town: City) -> HomeVisit:
    ask = HomeVisitAsk(purpose="meter_test", reason="disabled", phone="13812345678")
    return home_visit_request(
        scope=scope_for(town.agent), actor=town.agent, account_no=town.account.account_no, ask=ask
    )[0]


def test_a_clerk_asks_the_manager_schedules_and_the_clerk_sees_the_phone(hall_town: City, clock: Clock) -> None:
    clerk = signed_in(hall_town.clerk)
    found = _text(clerk.get("/halls/home-visits/new/?q=张三"))
    no = hall_town.account.account_no
    assert f'<option value="{no}"' in found
    asked = clerk.post(
        "/halls/home-visits/new/",
        {
            "q": "张三",
            "account_no": no,
            "purpose": "account_change",
            "reason": "elderly",
            "note": "",
            "phone": "138 1234 5678",
        },
    )
    visit = HomeVisit.objects.get()
    assert (asked.status_code, asked["Location"], visit.channel) == (302, f"/halls/home-visits/{visit.pk}/", "hall")
    assert "上门服务申请已提交，等待营业厅安排。" in _text(clerk.get(asked["Location"]))
    manager = signed_in(hall_town.manager)
    page = _text(manager.get(f"/halls/home-visits/{visit.pk}/"))
    assert "clerk（T0001）" in page and "138****5678" in page and "13812345678" not in page
    done = manager.post(
        f"/halls/home-visits/{visit.pk}/schedule/", {"date": TUESDAY.isoformat(), "start": "09:30", "clerk": "T0001"}
    )
    assert done.status_code == 302
    shown = _text(manager.get(done["Location"]))
    assert "已安排上门，并已短信告知客户。" in shown and "manager 安排 clerk 于 2026-11-24 09:30-10:00 上门" in shown
    assert "138****5678" in shown
    day = _text(clerk.get(f"/halls/home-visits/my-day/?date={TUESDAY.isoformat()}"))
    assert "13812345678" in day and "上城区解放路1号1幢101室" in day
    assert "13812345678" not in _text(signed_in(hall_town.manager).get(f"/halls/home-visits/my-day/?date={TUESDAY}"))
    clock.set(at(TUESDAY, 10, 5))
    finished = clerk.post(f"/halls/home-visits/{visit.pk}/done/", {"note": "已办理", "next": "my-day"})
    assert (finished.status_code, finished["Location"]) == (302, "/halls/home-visits/my-day/")
    visit.refresh_from_db()
    assert visit.status == "done"
    assert Notice.objects.filter(template_code__startswith="home_visit_").count() == 2


def test_cancelling_is_asked_first_and_a_bad_schedule_stays_on_its_field(hall_town: City, clock: Clock) -> None:
    visit = _visit(hall_town)
    manager = signed_in(hall_town.manager)
    wrong = manager.post(
        f"/halls/home-visits/{visit.pk}/schedule/", {"date": "2026-11-22", "start": "09:30", "clerk": "T0006"}
    )
    assert wrong.status_code == 200 and "has-error" in _text(wrong)
    asked = manager.post(f"/halls/home-visits/{visit.pk}/cancel/", {"reason": "客户已到厅办理"})
    assert "确定取消这项上门服务吗？" in _text(asked)
    visit.refresh_from_db()
    assert visit.status == "requested"
    done = manager.post(f"/halls/home-visits/{visit.pk}/cancel/", {"reason": "客户已到厅办理", "confirmed": "1"})
    assert done.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "cancelled"
    page = _text(manager.get(done["Location"]))
    assert "上门服务已取消，并已短信告知客户。" in page and "manager 取消上门服务，原因：客户已到厅办理" in page
    assert manager.post(f"/halls/home-visits/{visit.pk}/nonsense/", {}).status_code == 404


def test_the_queue_per_post(hall_town: City, clock: Clock) -> None:
    visit = _visit(hall_town)
    for who, status in (("manager", 200), ("supervisor", 200), ("agent", 200), ("guide", 403), ("planner", 403)):
        assert signed_in(hall_town.users[who]).get("/halls/home-visits/").status_code == status, who
    assert hall_town.account.account_no not in _text(signed_in(hall_town.other_manager).get("/halls/home-visits/"))
    assert signed_in(hall_town.other_manager).get(f"/halls/home-visits/{visit.pk}/").status_code == 404
    listed = api_client(hall_town.supervisor).get("/api/v1/home-visits?status=requested")
    assert listed.status_code == 200 and listed["X-Total-Count"] == "1"
    assert listed.json()[0]["phone"] == "138****5678"
    other = api_client(hall_town.other_manager)
    body = json.dumps({"date": TUESDAY.isoformat(), "start": "09:00", "clerk": "T0001"})
    assert (
        other.post(f"/api/v1/home-visits/{visit.pk}/schedule", body, content_type="application/json").status_code == 404
    )
    clerk = api_client(hall_town.clerk)
    assert (
        clerk.post(f"/api/v1/home-visits/{visit.pk}/schedule", body, content_type="application/json").status_code == 403
    )
    bad = api_client(hall_town.manager).post(
        f"/api/v1/home-visits/{visit.pk}/schedule",
        json.dumps({"date": "x", "start": 5, "clerk": ""}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert HomeVisit.objects.get().status == "requested"


def test_the_timetable_page_and_api(hall_town: City, clock: Clock) -> None:
    supervisor = signed_in(hall_town.supervisor)
    form = _text(supervisor.get("/halls/rounds/"))
    assert "城一线1号台区（T1）" in form
    added = supervisor.post(
        "/halls/rounds/",
        {
            "unit": "U1",
            "area": "T1",
            "village": "城东村",
            "day": TUESDAY.isoformat(),
            "start": "09:00",
            "end": "11:00",
            "place": "村委会",
            "publish": "on",
        },
    )
    assert added.status_code == 302
    stop = MobileRoundStop.objects.get()
    assert stop.status == "published"
    assert "站点已发布，客户可在网上营业厅看到。" in _text(supervisor.get("/halls/rounds/"))
    assert signed_in(hall_town.other_supervisor).get(f"/halls/rounds/{stop.pk}/").status_code == 404
    assert signed_in(hall_town.manager).get("/halls/rounds/").status_code == 403
    listed = api_client(hall_town.supervisor).get("/api/v1/mobile-rounds")
    assert [s["village"] for s in listed.json()] == ["城东村"]
    bad = api_client(hall_town.supervisor).post(
        "/api/v1/mobile-rounds",
        json.dumps(
            {
                "unit": "U1",
                "area": "T9",
                "village": "",
                "date": "2026-11-24",
                "start": "09:00",
                "end": "08:00",
                "place": "x",
            }
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"area", "village", "end"}
    assert MobileRoundStop.objects.count() == 1
