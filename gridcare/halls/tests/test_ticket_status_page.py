"""The ticket's own status page, reached from the QR on the kiosk slip (issue 13, printing): no
sign-in, a signed link that cannot be guessed from another ticket's, the number, business and
people ahead (never a phone), refreshed by the page; only on the day the ticket was taken."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from gridcare.core.testing import City
from gridcare.halls.access import ticket_link_token
from gridcare.halls.models import Ticket
from gridcare.halls.tests.appointments_helpers import Clock
from gridcare.halls.tests.helpers import issue, kiosk_browser


@pytest.mark.django_db
def test_the_slip_carries_the_qr_of_its_status_page_which_opens_without_sign_in(hall_town: City, clock: Clock) -> None:
    issue(hall_town, "payment", phone="13812345678")
    slip = kiosk_browser(hall_town).post("/halls/H1/kiosk/", {"kind": "payment"}).content.decode()
    assert '<figure class="slip-qr" id="ticket-qr"><svg' in slip and "扫码查看排队进度" in slip
    ticket = Ticket.objects.get(number="A002")
    page = Client().get(f"/halls/t/{ticket_link_token(ticket)}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert '<div class="number" id="status-number">A002</div>' in text
    assert '<p id="status-ahead">您前面还有 <b>1</b> 人</p>' in text
    assert 'hx-trigger="every 15s"' in text
    first = Ticket.objects.get(number="A001")
    assert "13812345678" not in Client().get(f"/halls/t/{ticket_link_token(first)}/").content.decode()


@pytest.mark.django_db
def test_the_page_follows_the_ticket_and_answers_htmx_with_its_part(hall_town: City, clock: Clock) -> None:
    ticket = issue(hall_town, "payment")
    url = f"/halls/t/{ticket_link_token(ticket)}/"
    Ticket.objects.filter(pk=ticket.pk).update(status="called")
    part = Client().get(url, HTTP_HX_REQUEST="true").content.decode()
    assert part.startswith('<section class="card ticket-status"') and "<html" not in part
    assert '<p id="status-called" class="lead">已叫到您的号，请到窗口办理。</p>' in part


@pytest.mark.django_db
def test_a_forged_or_old_link_is_not_found(hall_town: City, clock: Clock) -> None:
    ticket = issue(hall_town, "payment")
    token = ticket_link_token(ticket)
    forged = Client().get(f"/halls/t/{token[:-1]}{'y' if token[-1] != 'y' else 'z'}/")
    assert forged.status_code == 404 and "排队号链接无效。" in forged.content.decode()
    Ticket.objects.filter(pk=ticket.pk).update(day=ticket.day - timedelta(days=1))
    old = Client().get(f"/halls/t/{token}/")
    assert old.status_code == 404 and "该排队号已过期：排队号只在取号当天有效。" in old.content.decode()
