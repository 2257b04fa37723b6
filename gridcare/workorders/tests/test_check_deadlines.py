"""check_deadlines warns before a breach, escalates after it to the unit's supervisor, once each."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command

from gridcare.core.testing import City, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders.models import OrderEvent, WorkOrder
from gridcare.workorders.selectors import orders_due_soon, orders_overdue
from gridcare.workorders.services import deadlines_check
from gridcare.workorders.tests.conftest import Clock


def test_a_fault_is_warned_at_three_quarters_and_escalated_after_the_arrival_deadline(
    town: City, clock: Clock, fault: WorkOrder
) -> None:
    start = clock.at
    clock.set(start + timedelta(minutes=33))
    assert deadlines_check().warned == 0
    clock.set(start + timedelta(minutes=34))
    assert deadlines_check().warned == 1  # arrival: 45 min, warned with 11¼ min left
    assert deadlines_check().warned == 0  # once only
    warned = fault.events.get(type=OrderEvent.Type.WARNED)
    assert warned.parameters["kind"] == "arrival"
    assert list(orders_due_soon(scope=scope_for(town.agent), at=clock.at)) == [fault]
    clock.set(start + timedelta(minutes=45))
    result = deadlines_check()
    assert (result.warned, result.escalated) == (0, 1)
    escalated = fault.events.get(type=OrderEvent.Type.ESCALATED)
    assert escalated.parameters["supervisor"] == "supervisor"
    assert escalated.parameters["reason"] == "overdue:arrival"
    fault.refresh_from_db()
    assert fault.escalated_at == clock.at
    assert list(orders_overdue(scope=scope_for(town.supervisor), at=clock.at)) == [fault]
    assert list(orders_due_soon(scope=scope_for(town.agent), at=clock.at)) == []
    assert deadlines_check().escalated == 0


def test_a_kept_deadline_is_never_escalated(town: City, clock: Clock, fault: WorkOrder) -> None:
    from gridcare.workorders.models import Status
    from gridcare.workorders.services import workorder_transition

    scope = scope_for(town.agent)
    for step in (Status.DISPATCHED, Status.ARRIVED):
        clock.advance(minutes=10)
        workorder_transition(scope=scope, actor=town.agent, order=fault, to=step)
    clock.advance(minutes=40)  # past the original arrival deadline, well inside restoration
    assert deadlines_check().escalated == 0
    restoration = fault.deadlines.get(kind="restoration")
    assert restoration.due_at == fault.arrived_at + timedelta(hours=3)


def test_the_command_runs_the_check(town: City, clock: Clock, fault: WorkOrder, capsys: object) -> None:
    clock.advance(hours=2)
    call_command("check_deadlines")
    assert fault.events.filter(type=OrderEvent.Type.ESCALATED).count() == 1


def test_the_supervisor_finds_escalated_orders_in_the_escalated_list(
    town: City, clock: Clock, fault: WorkOrder
) -> None:
    page = signed_in(town.supervisor).get("/workorders/?view=escalated").content.decode()
    assert fault.number not in page
    clock.advance(minutes=46)
    deadlines_check()
    assert fault.number in signed_in(town.supervisor).get("/workorders/?view=escalated").content.decode()
    assert fault.number not in signed_in(town.other_supervisor).get("/workorders/?view=escalated").content.decode()
