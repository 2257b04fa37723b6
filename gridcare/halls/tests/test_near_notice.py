from __future__ import annotations

import pytest

from gridcare.core.testing import City, api_client
from gridcare.halls.models import Ticket, TicketEvent
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import issue
from gridcare.notices.models import Notice


@pytest.mark.django_db
def test_a_customer_with_a_phone_gets_one_your_turn_is_near_message(hall_town: City) -> None:
    for _ in range(4):
        issue(hall_town, "payment")
    mine = issue(hall_town, "payment", phone="13900002222")  # A005, four ahead
    client = api_client(hall_town.clerk)
    counter = hall_town.counters[1]
    assert Notice.objects.count() == 0
    post(client, f"/api/v1/counters/{counter.pk}/call-next")  # A001 called: three ahead of A005
    notice = Notice.objects.get()
    assert notice.recipient == "13900002222"
    assert notice.template_code == "queue_near"
    assert notice.body == "【国网示范市供电公司】您在城区营业厅取的A005号，前面还有3位，请留意叫号，勿走远。"
    assert notice.dedupe_key == f"queue_near:{mine.pk}"
    for _ in range(2):
        ticket = Ticket.objects.get(counter=counter, status="called")
        post(client, f"/api/v1/tickets/{ticket.pk}/finish")
        post(client, f"/api/v1/counters/{counter.pk}/call-next")
    assert Notice.objects.count() == 1
    assert mine.events.filter(type=TicketEvent.Type.NEAR_NOTIFIED).count() == 1


@pytest.mark.django_db
def test_nobody_without_a_phone_is_messaged(hall_town: City) -> None:
    for _ in range(3):
        issue(hall_town, "payment")
    post(api_client(hall_town.clerk), f"/api/v1/counters/{hall_town.counters[1].pk}/call-next")
    assert Notice.objects.count() == 0
