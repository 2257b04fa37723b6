"""The kiosk outside opening hours says when the hall opens next (today's opening, or the next
working day's on the calendar) and issues no ticket, on the page and in the API (409); a phone it
cannot use is explained and kept as typed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from gridcare.core.testing import City
from gridcare.halls.models import Ticket, TicketEvent, TicketSequence
from gridcare.halls.tests.appointments_helpers import MONDAY, Clock, at
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import device_api, kiosk_browser, paired

KIOSK = "/halls/H1/kiosk/"
API = "/api/v1/halls/H1/tickets"
CLOSED = "现在不在营业时间（08:30-17:30），暂停取号。本厅下次开门：{when}。"


def _nothing_issued() -> tuple[Any, ...]:
    return Ticket.objects.count(), TicketSequence.objects.count(), TicketEvent.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "when"),
    [
        (at(MONDAY, 7, 50), "今天08:30"),
        (at(MONDAY, 17, 30), "明天08:30"),
        (at(MONDAY, 23, 59), "明天08:30"),
        (at(date(2026, 11, 27), 18, 0), "11月30日（星期一）08:30"),  # Friday evening
        (at(date(2026, 11, 28), 10, 0), "11月30日（星期一）08:30"),  # Saturday
        (at(date(2026, 9, 30), 17, 45), "10月8日（星期四）08:30"),  # before the National Day holiday
        (at(date(2026, 10, 9), 18, 0), "明天08:30"),  # Saturday 10 October is a make-up working day
    ],
)
def test_outside_hours_the_kiosk_says_when_the_hall_opens_and_issues_nothing(
    hall_town: City, clock: Clock, moment: datetime, when: str
) -> None:
    clock.set(moment)
    client = kiosk_browser(hall_town)
    page = client.get(KIOSK).content.decode()
    message = CLOSED.format(when=when)
    assert f'<p class="kiosk-closed" id="kiosk-closed" role="status">{message}</p>' in page
    assert 'id="kiosk-form"' not in page
    before = _nothing_issued()
    response = client.post(KIOSK, {"kind": "payment", "priority": "normal"})
    assert response.status_code == 409
    assert f'<p class="kiosk-refusal" id="kiosk-refusal" role="alert">{message}</p>' in response.content.decode()
    assert "预计等候" not in response.content.decode()
    assert _nothing_issued() == before


@pytest.mark.django_db
def test_the_kiosk_api_answers_409_with_the_same_message(hall_town: City, clock: Clock) -> None:
    clock.set(at(MONDAY, 19, 0))
    before = _nothing_issued()
    response = post(device_api(paired(hall_town, "kiosk")[1]), API, {"business_type": "payment", "source": "kiosk"})
    assert response.status_code == 409
    assert response.json()["detail"] == CLOSED.format(when="明天08:30")
    assert _nothing_issued() == before


@pytest.mark.django_db
def test_within_hours_the_kiosk_issues_as_before(hall_town: City, clock: Clock) -> None:
    _device, credential = paired(hall_town, "kiosk")
    for moment in (at(MONDAY, 8, 30), at(MONDAY, 17, 29)):
        clock.set(moment)
        page = kiosk_browser(hall_town).post(KIOSK, {"kind": "payment"}).content.decode()
        assert 'id="ticket-number">A00' in page
    assert post(device_api(credential), API, {"business_type": "payment"}).status_code == 201
    assert list(Ticket.objects.order_by("id").values_list("number", "source")) == [
        ("A001", "kiosk"),
        ("A002", "kiosk"),
        ("A003", "kiosk"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("13812", "手机号码应为11位，当前为5位。"),
        ("1381234567a", "手机号码只能包含数字。"),
        ("12812345678", "手机号码应以13至19开头。"),
    ],
)
def test_a_phone_the_kiosk_cannot_use_is_explained_and_kept(
    hall_town: City, clock: Clock, typed: str, why: str
) -> None:
    before = _nothing_issued()
    response = kiosk_browser(hall_town).post(KIOSK, {"kind": "payment", "priority": "elderly", "phone": typed})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'<p class="kiosk-refusal" id="kiosk-refusal" role="alert">{why}</p>' in page
    assert f'value="{typed}"' in page
    assert 'value="elderly" checked' in page
    assert _nothing_issued() == before
