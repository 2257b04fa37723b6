"""Convention 6 on the order page: a refused action (by its form or by the service) shows the order
page again (200) with that action's form as it was typed and the message beside its field, under
the action's own ids; nothing is written. A done action still goes back to the page with its
confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from gridcare.core.testing import City, signed_in
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for
from gridcare.org.models import Staff
from gridcare.workorders import services
from gridcare.workorders.models import Deadline, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


def _state() -> tuple[Any, ...]:
    return (
        list(WorkOrder.objects.order_by("pk").values()),
        list(Deadline.objects.order_by("pk").values()),
        OrderEvent.objects.count(),
        Notice.objects.count(),
    )


def _closed(town: City) -> WorkOrder:
    order = take(town.agent, type="inquiry", text="咨询电价")
    for step in (Status.ACCEPTED, Status.REPLIED, Status.CLOSED):
        order = services.workorder_transition(scope=scope_for(town.agent), actor=town.agent, order=order, to=step)
    return order


def _employee_no(user: User) -> str:
    return Staff.objects.get(user=user).employee_no


def _refused(user: User, order: WorkOrder, action: str, body: dict[str, str]) -> str:
    before = _state()
    answer = signed_in(user).post(f"/workorders/{order.number}/act/{action}/", body)
    assert answer.status_code == 200
    assert _state() == before
    return str(answer.content.decode())


def test_a_note_too_long_is_marked_on_the_accept_form_and_kept(town: City, clock: Clock) -> None:
    order = take(town.agent)
    html = _refused(town.agent, order, "accept", {"note": "字" * 501})
    assert '<div class="field has-error"><label for="id_accept_note">说明:</label>' in html
    assert f'value="{"字" * 501}"' in html


def test_a_hand_over_without_its_reason_keeps_the_receiver_and_marks_the_reason(town: City, clock: Clock) -> None:
    order = take(town.agent)
    to = _employee_no(town.supervisor)
    html = _refused(town.agent, order, "hand_over", {"to": to, "note": " "})
    assert '<div class="field has-error"><label for="id_hand_over_note">说明:</label>' in html
    assert '<span class="error">必填项。</span>' in html
    assert f'name="to" value="{to}"' in html and 'id="id_hand_over_to"' in html
    # The other forms are fresh, each under its own ids.
    assert '<div class="field has-error"><label for="id_pause_note">' not in html and 'id="id_pause_note"' in html


def test_a_hand_over_to_the_owner_says_why_on_its_form(town: City, clock: Clock) -> None:
    order = take(town.agent)
    html = _refused(town.agent, order, "hand_over", {"to": _employee_no(town.agent), "note": "换人"})
    assert '<ul class="errorlist nonfield"><li>接收人已是负责人。</li></ul>' in html
    assert 'name="note" value="换人"' in html


def test_waiting_for_the_customer_without_a_reason_is_marked_on_the_pause_form(town: City, clock: Clock) -> None:
    order = take(town.agent)
    html = _refused(town.agent, order, "pause", {"note": ""})
    assert '<div class="field has-error"><label for="id_pause_note">说明:</label>' in html


def test_a_call_back_that_reached_the_customer_must_say_whether_satisfied(town: City, clock: Clock) -> None:
    order = _closed(town)
    html = _refused(town.agent, order, "call_back", {"reached": "on", "satisfied": "", "note": "已回访"})
    assert '<div class="field has-error"><label for="id_call_back_satisfied">是否满意:</label>' in html
    assert 'name="reached" id="id_call_back_reached" checked' in html
    assert 'name="note" value="已回访"' in html


def test_reopening_without_a_reason_is_marked_on_the_reopen_form(town: City, clock: Clock) -> None:
    order = _closed(town)
    html = _refused(town.agent, order, "reopen", {"note": ""})
    assert '<div class="field has-error"><label for="id_reopen_note">说明:</label>' in html


def test_a_complaint_found_true_without_its_findings_keeps_the_person(town: City, clock: Clock) -> None:
    order = take(town.clerk)  # a complaint of hall H1, which the supervisor of U1 sees
    clerk = _employee_no(town.clerk)
    html = _refused(town.supervisor, order, "verify", {"to": clerk, "note": ""})
    assert '<div class="field has-error"><label for="id_verify_note">查实情况:</label>' in html
    assert f'name="to" value="{clerk}"' in html and 'id="id_verify_to"' in html
    assert not WorkOrder.objects.get(pk=order.pk).verified


def test_confirming_an_outage_asks_for_the_tick(town: City, fault: WorkOrder, clock: Clock) -> None:
    html = _refused(town.agent, fault, "confirm_outage", {})
    assert '<div class="field has-error"><label for="id_confirm_outage_confirmed">' in html
    assert '<span class="error">请勾选确认后再提交。</span>' in html


@pytest.mark.parametrize("action", ["accept", "contact"])
def test_a_done_action_goes_back_to_the_page_with_its_confirmation(town: City, clock: Clock, action: str) -> None:
    order = take(town.agent)
    client = signed_in(town.agent)
    answer = client.post(f"/workorders/{order.number}/act/{action}/", {"note": "已联系"})
    assert (answer.status_code, answer["Location"]) == (302, f"/workorders/{order.number}/")
    assert [str(m) for m in client.get(answer["Location"]).context["messages"]] == ["已办理。"]
    assert order.events.latest("id").parameters["note"] == "已联系"


def test_an_action_the_order_no_longer_offers_is_refused_as_a_message(town: City, clock: Clock) -> None:
    order = _closed(town)
    before = _state()
    client = signed_in(town.agent)
    answer = client.post(f"/workorders/{order.number}/act/pause/", {"note": "等客户"})
    assert answer.status_code == 302
    assert [str(m) for m in client.get(answer["Location"]).context["messages"]] == ["工单当前不能挂起。"]
    assert _state() == before
    assert client.post(f"/workorders/{order.number}/act/nothing/", {}).status_code == 404
