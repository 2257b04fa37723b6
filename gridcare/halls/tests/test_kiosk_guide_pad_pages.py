from __future__ import annotations

import pytest

from gridcare.core.testing import City, signed_in
from gridcare.halls.models import Diversion, Evaluation, Terminal, Ticket
from gridcare.halls.tests.appointments_helpers import Clock
from gridcare.halls.tests.helpers import issue, kiosk_browser, pad_browser


@pytest.mark.django_db
def test_the_kiosk_prints_number_people_ahead_and_estimate(hall_town: City, clock: Clock) -> None:
    # The clock stands at a Monday 10:00: the kiosk issues tickets in opening hours only.
    issue(hall_town, "payment")
    page = (
        kiosk_browser(hall_town).post("/halls/H1/kiosk/", {"kind": "payment", "priority": "elderly"}).content.decode()
    )
    assert 'id="ticket-number">A002<' in page
    assert "您前面还有 <b>0</b> 人" in page  # the green channel goes before the normal A001
    assert "预计等候约 <b>0</b> 分钟" in page  # two idle counters serve payment
    ticket = Ticket.objects.get(number="A002")
    assert (ticket.source, ticket.priority) == ("kiosk", "elderly")


@pytest.mark.django_db
def test_the_guide_issues_a_ticket_with_phone_and_account(hall_town: City) -> None:
    client = signed_in(hall_town.guide)
    page = client.post(
        "/halls/H1/guide/",
        {
            "kind": "invoice",
            "priority": "vip",
            "phone": "13912345678",
            "account_no": hall_town.account.account_no,
            "issue": "1",
        },
    ).content.decode()
    assert "已取号：E001" in page
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.priority, ticket.phone, ticket.account) == (
        "guide",
        "vip",
        "13912345678",
        hall_town.account,
    )


@pytest.mark.django_db
def test_the_guide_sends_a_payment_to_a_self_service_machine_as_a_diversion(hall_town: City) -> None:
    client = signed_in(hall_town.guide)
    response = client.post("/halls/H1/guide/", {"kind": "payment", "priority": "normal", "divert": "1"})
    assert response.status_code == 302
    diversion = Diversion.objects.get()
    assert (diversion.hall, diversion.business_type.kind, diversion.terminal.code) == (
        hall_town.hall,
        "payment",
        "H1-T1",
    )
    assert Terminal.objects.get(code="H1-T1").usage_count == 1
    assert Ticket.objects.count() == 0


@pytest.mark.django_db
def test_the_pad_asks_about_the_last_finished_ticket_and_takes_one_rating(hall_town: City) -> None:
    from gridcare.halls.services import tickets
    from gridcare.org.access import scope_for

    counter = hall_town.counters[1]
    client = pad_browser(hall_town, counter)  # the counter's own pad, paired by the hall manager
    assert "欢迎光临" in client.get(f"/halls/pad/{counter.pk}/").content.decode()
    issue(hall_town, "payment")
    scope = scope_for(hall_town.clerk)
    ticket = tickets.counter_call_next(scope=scope, actor=hall_town.clerk, counter=counter)
    assert ticket is not None
    tickets.ticket_finish(scope=scope, actor=hall_town.clerk, ticket=ticket)
    page = client.get(f"/halls/pad/{counter.pk}/").content.decode()
    assert "A001号，请您为本次服务评价" in page
    assert client.get(f"/halls/pad/{counter.pk}/?showing={ticket.pk}", HTTP_HX_REQUEST="true").status_code == 204
    page = client.post(
        f"/halls/pad/{counter.pk}/", {"ticket": ticket.pk, "rating": "basically_satisfied", "reasons": ["long_wait"]}
    ).content.decode()
    assert "感谢您的评价！" in page
    evaluation = Evaluation.objects.get()
    assert (evaluation.rating, evaluation.reasons, evaluation.counter, evaluation.clerk) == (
        "basically_satisfied",
        ["long_wait"],
        counter,
        hall_town.clerk,
    )
    assert "请您为本次服务评价" not in client.get(f"/halls/pad/{counter.pk}/").content.decode()
