"""Tickets taken from afar (线上取号, HALL-2): the hall's rules as at its kiosk (opening hours, the
working-day calendar, the business it offers), one waiting remote ticket per phone and hall, a
daily number per phone; the "near" message at once when the ticket is already close; the holder
cancels while it waits and rates the finished visit once (the pad's rating or this one)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.test import override_settings

from gridcare.core.exceptions import Conflict, InvalidInput, NotFound
from gridcare.core.testing import City, api_client
from gridcare.halls import selectors
from gridcare.halls.exceptions import AlreadyEvaluated, HallClosed, InvalidTransition
from gridcare.halls.models import BusinessType, Evaluation, Source, Ticket, TicketEvent, TicketSequence, TicketStatus
from gridcare.halls.services.evaluations import evaluation_by_holder
from gridcare.halls.services.remote import holder_ticket, remote_ticket_issue, ticket_cancel
from gridcare.halls.tests.appointments_helpers import MONDAY, Clock, at
from gridcare.halls.tests.conftest import post
from gridcare.halls.tests.helpers import device_api, issue, paired
from gridcare.notices.models import Notice

PHONE = "13600001234"
RULES = {"HALL_REMOTE_DAILY_LIMIT": 2, "HALL_VISIT_RATING_DAYS": 7}


@pytest.fixture(autouse=True)
def _monday(clock: Clock) -> Iterator[Clock]:
    yield clock


def _state() -> tuple[Any, ...]:
    return (
        list(Ticket.objects.order_by("pk").values_list("pk", "status", "finished_at")),
        TicketEvent.objects.count(),
        list(TicketSequence.objects.values_list("business_type_id", "last")),
        Notice.objects.count(),
        list(Evaluation.objects.values_list("ticket_id", "rating", "source")),
    )


def test_a_remote_ticket_is_the_days_next_number_for_the_phone(hall_town: City) -> None:
    issue(hall_town, "payment")
    ticket = remote_ticket_issue(hall=hall_town.hall, kind="payment", phone="136 0000 1234", account=hall_town.account)
    assert (ticket.number, ticket.source, ticket.priority, ticket.phone, ticket.account) == (
        "A002",
        Source.REMOTE,
        "normal",
        PHONE,
        hall_town.account,
    )
    assert ticket.events.get(type=TicketEvent.Type.ISSUED).parameters == {"source": "remote", "priority": "normal"}
    assert selectors.ticket_position(ticket) == 1


def test_a_ticket_already_near_is_told_at_once_and_only_once(hall_town: City) -> None:
    for _ in range(5):
        issue(hall_town, "payment")
    far = remote_ticket_issue(hall=hall_town.hall, kind="payment", phone=PHONE)  # five ahead: not yet
    assert Notice.objects.count() == 0
    near = remote_ticket_issue(hall=hall_town.other_hall, kind="payment", phone=PHONE)  # nobody ahead
    notice = Notice.objects.get()
    assert (notice.template_code, notice.recipient, notice.dedupe_key) == ("queue_near", PHONE, f"queue_near:{near.pk}")
    assert notice.body == "【国网示范市供电公司】您在乡镇营业厅取的A001号，前面还有0位，请留意叫号，勿走远。"
    assert near.events.filter(type=TicketEvent.Type.NEAR_NOTIFIED).count() == 1
    # The far one is told when the queue moves up to it, like any ticket with a phone.
    clerk = api_client(hall_town.clerk)
    for _ in range(2):
        post(clerk, f"/api/v1/counters/{hall_town.counters[1].pk}/call-next")
        called = Ticket.objects.get(counter=hall_town.counters[1], status="called")
        post(clerk, f"/api/v1/tickets/{called.pk}/finish")
    assert Notice.objects.filter(dedupe_key=f"queue_near:{far.pk}").count() == 1
    assert Notice.objects.count() == 2


def test_outside_opening_hours_and_on_a_closed_day_nothing_is_issued(hall_town: City, clock: Clock) -> None:
    clock.set(at(MONDAY, 7, 50))
    before = _state()
    with pytest.raises(HallClosed) as early:
        remote_ticket_issue(hall=hall_town.hall, kind="payment", phone=PHONE)
    assert str(early.value.message) == "现在不在营业时间（08:30-17:30），暂停取号。本厅下次开门：今天08:30。"
    clock.set(at(MONDAY + timedelta(days=5), 10, 0))  # Saturday
    with pytest.raises(HallClosed) as weekend:
        remote_ticket_issue(hall=hall_town.hall, kind="payment", phone=PHONE)
    assert (
        str(weekend.value.message)
        == "现在不在营业时间（08:30-17:30），暂停取号。本厅下次开门：11月30日（星期一）08:30。"
    )
    assert _state() == before


def test_business_the_hall_does_not_offer_or_not_remotely_is_refused_on_its_field(hall_town: City) -> None:
    BusinessType.objects.filter(hall=hall_town.hall, kind="invoice").update(active=False)
    before = _state()
    for kind, message in (
        ("invoice", "本厅未开办该业务。"),
        ("key_account", "该业务不能线上取号，请到营业厅办理。"),
        ("nonsense", "该业务不能线上取号，请到营业厅办理。"),
    ):
        with pytest.raises(InvalidInput) as refused:
            remote_ticket_issue(hall=hall_town.hall, kind=kind, phone=PHONE)
        assert refused.value.errors == {"business_type": message}
    with pytest.raises(InvalidInput) as phone:
        remote_ticket_issue(hall=hall_town.hall, kind="payment", phone="12345")
    assert list(phone.value.errors) == ["phone"]
    assert _state() == before


@override_settings(GRIDCARE_RULES=RULES)
def test_one_waiting_remote_ticket_per_hall_and_a_daily_number_per_phone(hall_town: City) -> None:
    first = remote_ticket_issue(hall=hall_town.hall, kind="payment", phone=PHONE)
    before = _state()
    with pytest.raises(Conflict) as twice:
        remote_ticket_issue(hall=hall_town.hall, kind="invoice", phone=PHONE)
    assert str(twice.value.message) == "您已在城区营业厅取了A001号，正在等候，不能重复取号。"
    assert _state() == before
    ticket_cancel(ticket=first, phone=PHONE)
    remote_ticket_issue(hall=hall_town.hall, kind="invoice", phone=PHONE)  # the second of the day
    before = _state()
    with pytest.raises(Conflict) as limit:
        remote_ticket_issue(hall=hall_town.other_hall, kind="payment", phone=PHONE)
    assert str(limit.value.message) == "每个手机号每天最多线上取号2次，今天的次数已用完，请到营业厅取号机取号。"
    assert _state() == before
    remote_ticket_issue(hall=hall_town.other_hall, kind="payment", phone="13600009999")  # another phone


def test_the_holder_cancels_a_waiting_ticket_and_it_leaves_the_queue(hall_town: City) -> None:
    ticket = remote_ticket_issue(hall=hall_town.hall, kind="payment", phone=PHONE)
    behind = issue(hall_town, "payment")
    assert selectors.ticket_position(behind) == 1
    with pytest.raises(NotFound):
        ticket_cancel(ticket=ticket, phone="13600009999")
    assert Ticket.objects.get(pk=ticket.pk).status == TicketStatus.WAITING
    ticket_cancel(ticket=ticket, phone=PHONE)
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.status, fresh.finished_at is not None) == (TicketStatus.CANCELLED, True)
    assert fresh.events.get(type=TicketEvent.Type.CANCELLED).parameters == {"by": "customer"}
    assert selectors.ticket_position(behind) == 0
    assert selectors.hall_queue(hall_town.hall).waiting == 1
    before = _state()
    with pytest.raises(InvalidTransition) as again:
        ticket_cancel(ticket=fresh, phone=PHONE)
    assert str(again.value.message) == "只能取消等候中的号，该号当前为“已取消”。"
    assert _state() == before


def test_a_called_ticket_is_the_counters_and_cannot_be_cancelled(hall_town: City) -> None:
    ticket = remote_ticket_issue(hall=hall_town.hall, kind="payment", phone=PHONE)
    post(api_client(hall_town.clerk), f"/api/v1/counters/{hall_town.counters[1].pk}/call-next")
    before = _state()
    with pytest.raises(InvalidTransition) as refused:
        ticket_cancel(ticket=ticket, phone=PHONE)
    assert str(refused.value.message) == "只能取消等候中的号，该号当前为“已叫号”。"
    assert _state() == before


def test_a_holder_finds_only_their_own_tickets(hall_town: City) -> None:
    mine = remote_ticket_issue(hall=hall_town.hall, kind="payment", phone=PHONE)
    other = issue(hall_town, "payment", phone="13600009999")
    assert holder_ticket(phone=PHONE, ticket_id=mine.pk) == mine
    for phone, ticket_id in ((PHONE, other.pk), ("", mine.pk), (PHONE, 0), (PHONE, 2**70)):
        with pytest.raises(NotFound):
            holder_ticket(phone=phone, ticket_id=ticket_id)
    assert list(selectors.tickets_of_holder(PHONE, since=MONDAY)) == [mine]


def _finished(town: City, phone: str = PHONE) -> Ticket:
    ticket = remote_ticket_issue(hall=town.hall, kind="invoice", phone=phone)
    clerk = api_client(town.clerk)
    post(clerk, f"/api/v1/counters/{town.counters[1].pk}/call-next")
    post(clerk, f"/api/v1/tickets/{ticket.pk}/finish")
    ticket.refresh_from_db()
    return ticket


def test_the_holder_rates_a_finished_visit_once(hall_town: City, clock: Clock) -> None:
    ticket = _finished(hall_town)
    clock.advance(hours=3)
    evaluation = evaluation_by_holder(ticket=ticket, phone=PHONE, rating="basically_satisfied", reasons=["long_wait"])
    assert (evaluation.rating, evaluation.reasons, evaluation.source, evaluation.clerk) == (
        "basically_satisfied",
        ["long_wait"],
        "portal",
        hall_town.clerk,
    )
    assert evaluation.counter == hall_town.counters[1]
    before = _state()
    with pytest.raises(AlreadyEvaluated) as twice:
        evaluation_by_holder(ticket=ticket, phone=PHONE, rating="very_satisfied")
    assert str(twice.value.message) == "该号已评价过，每个号只能评价一次。"
    assert _state() == before


def test_a_visit_rated_on_the_pad_is_not_rated_again_and_bad_ratings_change_nothing(
    hall_town: City, clock: Clock
) -> None:
    ticket = _finished(hall_town)
    waiting = remote_ticket_issue(hall=hall_town.other_hall, kind="payment", phone=PHONE)
    before = _state()
    for rating, reasons, field in (
        ("great", [], "rating"),
        ("satisfied", ["long_wait"], "reasons"),
        ("dissatisfied", ["x"], "reasons"),
    ):
        with pytest.raises(InvalidInput) as bad:
            evaluation_by_holder(ticket=ticket, phone=PHONE, rating=rating, reasons=reasons)
        assert list(bad.value.errors) == [field]
    with pytest.raises(InvalidTransition):
        evaluation_by_holder(ticket=waiting, phone=PHONE, rating="satisfied")
    with pytest.raises(NotFound):
        evaluation_by_holder(ticket=ticket, phone="13600009999", rating="satisfied")
    assert _state() == before
    pad = device_api(paired(hall_town, "pad", counter=hall_town.counters[1])[1])
    assert post(pad, f"/api/v1/tickets/{ticket.pk}/evaluation", {"rating": "satisfied"}).status_code == 201
    with pytest.raises(AlreadyEvaluated):
        evaluation_by_holder(ticket=ticket, phone=PHONE, rating="dissatisfied")
    assert Evaluation.objects.get().source == "pad"


@override_settings(GRIDCARE_RULES=RULES)
def test_a_visit_finished_more_than_the_days_allowed_ago_is_not_rated(hall_town: City, clock: Clock) -> None:
    ticket = _finished(hall_town)
    clock.advance(days=8)
    with pytest.raises(Conflict) as late:
        evaluation_by_holder(ticket=ticket, phone=PHONE, rating="satisfied")
    assert str(late.value.message) == "办结超过7天的业务不能再评价。"
    assert Evaluation.objects.count() == 0


def test_a_cancelled_ticket_is_no_arrival_in_the_hall_figures(hall_town: City) -> None:
    from gridcare.halls.figures import hall_figures

    remote_ticket_issue(hall=hall_town.hall, kind="payment", phone="13600009999")
    ticket_cancel(ticket=remote_ticket_issue(hall=hall_town.hall, kind="invoice", phone=PHONE), phone=PHONE)
    assert hall_figures(hall_town.hall, MONDAY, MONDAY).arrivals == 1
    assert len(selectors.tickets_for_figures(start=MONDAY, end=MONDAY)) == 1


def test_the_hall_list_says_open_now_and_who_waits_with_the_customers_units_first(
    hall_town: City, clock: Clock
) -> None:
    issue(hall_town, "payment")
    issue(hall_town, "payment", hall="H2")
    issue(hall_town, "invoice", hall="H2")
    lines = selectors.hall_lines(first_units=[hall_town.other_unit.pk])
    assert [(h.code, h.name, h.open_now, h.waiting, h.opens_at, h.closes_at) for h in lines] == [
        ("H2", "乡镇营业厅", True, 2, "08:30", "17:30"),
        ("H1", "城区营业厅", True, 1, "08:30", "17:30"),
        ("X1H", "邻市营业厅", True, 0, "08:30", "17:30"),
    ]
    clock.set(at(MONDAY, 18, 0))
    assert [h.open_now for h in selectors.hall_lines()] == [False, False, False]
