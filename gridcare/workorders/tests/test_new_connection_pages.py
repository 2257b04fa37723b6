"""The account manager's new-connection page: take an application, finish stage after stage."""

from __future__ import annotations

from gridcare.core.testing import City, signed_in
from gridcare.workorders.models import ConnectionStep, NewConnection, Stage
from gridcare.workorders.tests.conftest import Clock

FORM = {
    "applicant": "钱七",
    "phone": "13600001111",
    "address": "上城区望江路9号",
    "category": "residential",
    "supply_unit": "U1",
    "capacity_kva": "8",
}


def test_an_application_is_taken_and_advanced_on_the_page(town: City, clock: Clock) -> None:
    client = signed_in(town.kam)
    page = client.post("/workorders/connections/", FORM, follow=True).content.decode()
    connection = NewConnection.objects.get()
    assert f"已受理报装申请 {connection.number}。" in page
    assert connection.stage == Stage.APPLICATION and connection.supply_unit.code == "U1"
    clock.advance(hours=2)
    client.post(f"/workorders/connections/{connection.number}/advance/", {"note": "资料齐全"})
    connection.refresh_from_db()
    assert connection.stage == Stage.SITE_SURVEY
    step = ConnectionStep.objects.get()
    assert (step.stage, step.note, step.on_time, step.actor) == (Stage.APPLICATION, "资料齐全", True, town.kam)


def test_a_post_that_may_not_take_applications_gets_the_reason_and_nothing_is_saved(town: City, clock: Clock) -> None:
    page = signed_in(town.supervisor).post("/workorders/connections/", FORM).content.decode()
    assert "无权受理业扩报装。" in page
    assert not NewConnection.objects.exists()


def test_a_bad_unit_is_shown_on_its_field(town: City, clock: Clock) -> None:
    page = signed_in(town.kam).post("/workorders/connections/", dict(FORM, supply_unit="X1")).content.decode()
    assert "供电单位不存在。" in page
    assert not NewConnection.objects.exists()


def test_another_units_application_cannot_be_advanced_from_the_page(town: City, clock: Clock) -> None:
    signed_in(town.kam).post("/workorders/connections/", FORM)
    connection = NewConnection.objects.get()
    response = signed_in(town.other_supervisor).post(f"/workorders/connections/{connection.number}/advance/")
    assert response.status_code == 404
    connection.refresh_from_db()
    assert connection.stage == Stage.APPLICATION
    assert not ConnectionStep.objects.exists()
