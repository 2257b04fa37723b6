"""A complaint found true against a staff member is recorded for assessment (WO-7)."""

from __future__ import annotations

from gridcare.core.testing import City, api_client
from gridcare.workorders.models import OrderEvent, StaffFinding
from gridcare.workorders.tests.conftest import Clock, take


def test_a_supervisor_records_the_finding_against_the_clerk(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no)
    response = api_client(town.supervisor).post(
        f"/api/v1/workorders/{order.number}/verify",
        {"employee_no": "T0001", "note": "经调取录像，营业员态度生硬属实"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json() == {"order": order.number, "staff": "T0001", "consequence": "standby"}
    finding = StaffFinding.objects.get()
    assert finding.staff.user == town.clerk
    order.refresh_from_db()
    assert order.verified is True
    assert order.events.get(type=OrderEvent.Type.VERIFIED).parameters == {"staff": "clerk", "consequence": "standby"}


def test_an_agent_cannot_record_a_finding_and_nothing_changes(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no)
    response = api_client(town.agent).post(
        f"/api/v1/workorders/{order.number}/verify",
        {"employee_no": "T0001", "note": "属实"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert StaffFinding.objects.count() == 0
    order.refresh_from_db()
    assert order.verified is False


def test_only_complaints_are_verified_and_only_once(town: City, clock: Clock) -> None:
    inquiry = take(town.agent, type="inquiry", text="请问电价", account_no=town.account.account_no)
    client = api_client(town.supervisor)
    body = {"employee_no": "T0001", "note": "属实"}
    assert (
        client.post(f"/api/v1/workorders/{inquiry.number}/verify", body, content_type="application/json").status_code
        == 409
    )
    complaint = take(town.agent, account_no=town.account.account_no)
    assert (
        client.post(f"/api/v1/workorders/{complaint.number}/verify", body, content_type="application/json").status_code
        == 201
    )
    assert (
        client.post(f"/api/v1/workorders/{complaint.number}/verify", body, content_type="application/json").status_code
        == 409
    )
    assert StaffFinding.objects.count() == 1
