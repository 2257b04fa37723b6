"""Fault reports of one 台区 merge into one incident; each customer keeps an order and a notice."""

from __future__ import annotations

from datetime import timedelta

from gridcare.core.testing import City, api_client, make_account
from gridcare.customers.models import TransformerArea
from gridcare.notices.models import Notice
from gridcare.workorders.models import Incident, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, add_crew, take


def _neighbours(town: City, count: int) -> list[str]:
    return [
        make_account(
            100 + i, town.unit, town.hall, f"邻居{i}", phone=f"1390000{i:04d}", transformer_area=town.area
        ).account_no
        for i in range(count)
    ]


def test_reports_from_one_area_within_the_window_share_one_incident(town: City, clock: Clock) -> None:
    numbers = _neighbours(town, 3)
    orders = []
    for account_no in numbers:
        orders.append(take(town.agent, type="fault", text="家里停电了", account_no=account_no))
        clock.advance(minutes=20)
    incident = Incident.objects.get()
    assert incident.report_count == 3
    assert {o.incident_id for o in orders} == {incident.pk}
    assert len({o.number for o in orders}) == 3
    merged = orders[2].events.get(type=OrderEvent.Type.MERGED)
    assert merged.parameters == {"incident": incident.pk, "first": orders[0].number}


def test_a_report_after_the_window_opens_a_new_incident(town: City, clock: Clock) -> None:
    first, second = _neighbours(town, 2)
    take(town.agent, type="fault", text="停电了", account_no=first)
    clock.advance(minutes=61)
    take(town.agent, type="fault", text="停电了", account_no=second)
    assert sorted(Incident.objects.values_list("state", "report_count")) == [("lapsed", 1), ("open", 1)]


def test_reports_from_another_area_or_other_types_do_not_merge(town: City, clock: Clock) -> None:
    other_area = TransformerArea.objects.create(feeder=town.feeder, code="T2", name="城一线2号台区")
    take(town.agent, type="fault", text="停电了", transformer_area="T1")
    take(town.agent, type="fault", text="停电了", transformer_area="T2")
    take(town.agent, type="complaint", text="老是停电", transformer_area="T1")
    assert Incident.objects.count() == 2
    assert WorkOrder.objects.filter(incident__isnull=True).count() == 1
    assert other_area.pk is not None


def test_restoring_the_incident_restores_every_report_and_tells_every_customer(town: City, clock: Clock) -> None:
    numbers = _neighbours(town, 3)
    orders = [take(town.agent, type="fault", text="停电了", account_no=n) for n in numbers]
    add_crew(town, "城区抢修一班")
    client = api_client(town.agent)
    lead = orders[0].number
    assert (
        client.post(
            f"/api/v1/workorders/{lead}/dispatch", {"crew": "城区抢修一班"}, content_type="application/json"
        ).status_code
        == 200
    )
    clock.advance(minutes=30)
    assert client.post(f"/api/v1/workorders/{lead}/arrive", {}, content_type="application/json").status_code == 200
    clock.advance(minutes=90)
    assert client.post(f"/api/v1/workorders/{lead}/restore", {}, content_type="application/json").status_code == 200
    for order in orders:
        order.refresh_from_db()
        assert order.status == Status.RESTORED
        assert order.restored_at == clock.at
        assert order.crew == "城区抢修一班"
        assert set(order.deadlines.values_list("kind", "met_at")) == {
            ("arrival", clock.at - timedelta(minutes=90)),
            ("restoration", clock.at),
        }
    restored = Notice.objects.filter(template_code="power_restored")
    assert sorted(restored.values_list("recipient", flat=True)) == ["13900000000", "13900000001", "13900000002"]
    assert Incident.objects.get().state == Incident.State.RESTORED


def test_a_fault_without_a_place_stays_on_its_own(town: City, clock: Clock) -> None:
    take(town.agent, type="fault", text="家里没电了")
    assert Incident.objects.count() == 0
