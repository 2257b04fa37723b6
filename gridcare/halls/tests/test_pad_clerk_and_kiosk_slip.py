"""The evaluation pad shows who served and where (the clerk's name, a photo placeholder, the
counter), and the kiosk's ticket slip carries what a printed slip needs, with a print button and
the 80 mm print stylesheet, and the on-screen number pad for the phone (issue 13)."""

from __future__ import annotations

import pytest

from gridcare.core.testing import City
from gridcare.halls.services import tickets
from gridcare.halls.tests.appointments_helpers import Clock
from gridcare.halls.tests.helpers import issue, kiosk_browser, pad_browser
from gridcare.org.access import scope_for


@pytest.mark.django_db
def test_the_pad_shows_the_clerk_a_photo_placeholder_and_the_counter(hall_town: City) -> None:
    counter = hall_town.counters[1]
    client = pad_browser(hall_town, counter)
    idle = client.get(f"/halls/pad/{counter.pk}/").content.decode()
    assert '<b id="pad-clerk-name">本窗口暂无人员</b>' in idle
    assert '<svg viewBox="0 0 64 64"' in idle  # the silhouette, no image fetched
    assert '<div class="pad-counter" id="pad-counter">2号窗口</div>' in idle

    issue(hall_town, "payment")
    scope = scope_for(hall_town.clerk)
    ticket = tickets.counter_call_next(scope=scope, actor=hall_town.clerk, counter=counter)
    assert ticket is not None
    employee_no = hall_town.clerk.staff.employee_no
    serving = client.get(f"/halls/pad/{counter.pk}/").content.decode()
    assert '<b id="pad-clerk-name">clerk</b>' in serving
    assert f"<span>工号 {employee_no}</span>" in serving
    assert '<span class="initial">C</span>' in serving
    tickets.ticket_finish(scope=scope, actor=hall_town.clerk, ticket=ticket)
    rating = client.get(f"/halls/pad/{counter.pk}/").content.decode()
    assert "A001号，请您为本次服务评价" in rating
    assert '<b id="pad-clerk-name">clerk</b>' in rating
    assert '<div class="pad-counter" id="pad-counter">2号窗口</div>' in rating
    assert "<img" not in rating


@pytest.mark.django_db
def test_the_ticket_slip_has_type_number_people_ahead_time_and_prints(hall_town: City, clock: Clock) -> None:
    issue(hall_town, "payment")
    page = kiosk_browser(hall_town).post("/halls/H1/kiosk/", {"kind": "payment"}).content.decode()
    assert '<div class="slip-hall">城区营业厅</div>' in page
    assert '<div class="slip-type" id="ticket-type">缴费</div>' in page
    assert '<div class="number" id="ticket-number">A002</div>' in page
    assert '<p id="ticket-ahead">您前面还有 <b>1</b> 人</p>' in page
    assert '<p id="ticket-time">取号时间 2026-11-23 10:00</p>' in page
    assert '<button type="button" class="big-button" id="print-slip" data-print>打印凭条</button>' in page
    assert '<link rel="stylesheet" href="/static/halls/print-80mm.css">' in page
    assert '<script src="/static/halls/print.js"></script>' in page
    assert "<script>" not in page  # the CSP allows no inline script


@pytest.mark.django_db
def test_the_kiosk_phone_opens_the_on_screen_number_pad(hall_town: City, clock: Clock) -> None:
    page = kiosk_browser(hall_town).get("/halls/H1/kiosk/").content.decode()
    assert 'id="kiosk-phone" inputmode="none" data-numpad maxlength="13"' in page
    assert '<div class="numpad" id="numpad" role="group" aria-label="数字键盘" hidden>' in page
    for key in "0123456789":
        assert f'<button type="button" data-numpad-key="{key}">{key}</button>' in page
    assert '<button type="button" class="numpad-clear" data-numpad-key="clear">清空</button>' in page
    assert 'data-numpad-key="delete" aria-label="删除一位">删除</button>' in page
    assert '<button type="button" class="numpad-ok" data-numpad-key="ok">确定</button>' in page
    assert '<script src="/static/halls/numpad.js"></script>' in page
