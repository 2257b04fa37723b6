from __future__ import annotations

import pytest

from gridcare.core.testing import City, signed_in
from gridcare.halls.models import CounterSetup, Ticket
from gridcare.halls.tests.helpers import issue

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.django_db
def test_the_clerk_calls_finishes_and_sees_the_customers_account(hall_town: City) -> None:
    from gridcare.halls.services.tickets import ticket_issue
    from gridcare.org.access import scope_for

    ticket = ticket_issue(
        scope=scope_for(hall_town.guide),
        actor=hall_town.guide,
        hall=hall_town.hall,
        kind="account_change",
        source="guide",
        account_no=hall_town.account.account_no,
    )
    counter = hall_town.counters[0]
    client = signed_in(hall_town.clerk)
    page = client.post(f"/halls/counter/{counter.pk}/call/", **HX).content.decode()
    assert 'id="current-number">C001<' in page
    assert hall_town.account.account_no in page
    assert "张三" in page
    page = client.post(
        f"/halls/counter/{counter.pk}/finish/", {"ticket": ticket.pk, "outcome": "已改类"}, **HX
    ).content.decode()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.outcome) == ("finished", "已改类")
    assert 'id="current-number">—<' in page
    assert '<li class="success">C001号已办结。</li>' in page  # the action confirms on the console


@pytest.mark.django_db
def test_a_refused_action_shows_its_reason_and_changes_nothing(hall_town: City) -> None:
    ticket = issue(hall_town, "payment")
    client = signed_in(hall_town.clerk)
    page = client.post(
        f"/halls/counter/{hall_town.counters[1].pk}/finish/", {"ticket": ticket.pk}, **HX
    ).content.decode()
    assert "只能办结已叫到的号，该号当前为“等候中”。" in page
    ticket.refresh_from_db()
    assert ticket.status == "waiting"


@pytest.mark.django_db
def test_pause_and_resume_from_the_console(hall_town: City) -> None:
    counter = hall_town.counters[1]
    client = signed_in(hall_town.clerk)
    client.post(f"/halls/counter/{counter.pk}/pause/", **HX)
    assert CounterSetup.objects.get(counter=counter).status == "paused"
    page = client.post(f"/halls/counter/{counter.pk}/call/", **HX).content.decode()
    assert "窗口当前为“暂停”，不能叫号。" in page
    client.post(f"/halls/counter/{counter.pk}/resume/", **HX)
    assert CounterSetup.objects.get(counter=counter).status == "open"


@pytest.mark.django_db
def test_transfer_from_the_console_to_another_counter(hall_town: City) -> None:
    ticket = issue(hall_town, "payment")
    client = signed_in(hall_town.clerk)
    client.post(f"/halls/counter/{hall_town.counters[1].pk}/call/", **HX)
    target = hall_town.counters[0]
    client.post(
        f"/halls/counter/{hall_town.counters[1].pk}/transfer/",
        {"ticket": ticket.pk, "target": f"counter:{target.pk}"},
        **HX,
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.target_counter) == ("waiting", target)


@pytest.mark.django_db
def test_a_guide_cannot_press_call_next(hall_town: City) -> None:
    issue(hall_town, "payment")
    response = signed_in(hall_town.guide).post(f"/halls/counter/{hall_town.counters[1].pk}/call/", **HX)
    assert response.status_code == 403
    assert Ticket.objects.get().status == "waiting"
