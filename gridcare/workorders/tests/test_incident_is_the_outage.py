"""A 95598 fault incident and the registered outage of its 台区 are one event (WO-4, NOTE-2,
PLAN-4): in either order — outage registered first, then reports; reports first, then the outage
registered or confirmed from them — there is one outage record, SAIFI/SAIDI count it once, and
each customer gets exactly one restoration message."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import PHONE, City, api_client, make_account, signed_in
from gridcare.customers.models import Account
from gridcare.notices.models import Notice, Outage, OutageAccount
from gridcare.notices.reliability import unit_reliability
from gridcare.notices.services.outages import NewOutage, outage_register, outage_restore
from gridcare.org.access import scope_for
from gridcare.workorders.models import Incident, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import Clock, add_crew, take

PASSER_BY = "13700001111"  # reports from the street: no account, not in the archive


@pytest.fixture
def area(town: City, clock: Clock) -> City:
    """台区 T1: town.account and three neighbours with phones, one neighbour without a phone,
    and one closed account (not cut off, not told)."""
    for i in range(3):
        make_account(100 + i, town.unit, town.hall, f"邻居{i}", phone=f"1390000{i:04d}", transformer_area=town.area)
    make_account(110, town.unit, town.hall, "无电话", transformer_area=town.area)
    closed = make_account(111, town.unit, town.hall, "已销户", phone="13600000000", transformer_area=town.area)
    Account.objects.filter(pk=closed.pk).update(status="closed")
    add_crew(town, "城区抢修一班")
    return town


T1_PHONES = [PHONE, "13900000000", "13900000001", "13900000002"]
T1_ACCOUNTS = 5  # the closed one is not cut off


def _reports(town: City) -> list[WorkOrder]:
    neighbours = Account.objects.filter(customer__name__in=["邻居0", "邻居1"]).order_by("id")
    orders = [take(town.agent, type="fault", text="家里停电了", account_no=a.account_no) for a in neighbours]
    orders.append(take(town.agent, type="fault", text="路边整片都停电了", phone=PASSER_BY, transformer_area="T1"))
    return orders


def _register_fault(town: City, clock: Clock) -> Outage:
    data = NewOutage(
        kind="fault", reason="10kV城一线故障", starts_at=clock.at, ends_at=clock.at + timedelta(hours=4), areas=["T1"]
    )
    return outage_register(scope=scope_for(town.planner), actor=town.planner, data=data, now=clock.at)


def _crew_restores(town: City, clock: Clock, lead: WorkOrder) -> None:
    client = api_client(town.agent)
    url = f"/api/v1/workorders/{lead.number}"
    assert client.post(f"{url}/dispatch", {"crew": "城区抢修一班"}, "application/json").status_code == 200
    clock.advance(minutes=30)
    assert client.post(f"{url}/arrive", {}, "application/json").status_code == 200
    clock.advance(minutes=60)
    assert client.post(f"{url}/restore", {}, "application/json").status_code == 200


def _restoration_messages() -> Counter[str]:
    restored = Notice.objects.filter(template_code="power_restored")
    return Counter(restored.values_list("recipient", flat=True))


def _one_restoration_each() -> None:
    assert _restoration_messages() == Counter({phone: 1 for phone in [*T1_PHONES, PASSER_BY]})


def _counted_once(town: City, minutes: int) -> None:
    r = unit_reliability(scope=scope_for(town.planner), unit_code="U1", month="2025-09")
    assert (r.fault.outages, r.fault.interruptions) == (1, T1_ACCOUNTS)
    assert r.fault.customer_minutes == Decimal(T1_ACCOUNTS * minutes).quantize(Decimal("0.01"))
    assert (r.planned.outages, r.unrestored) == (0, 0)


def test_reports_after_a_registered_fault_outage_join_it_and_it_tells_everyone_once(area: City, clock: Clock) -> None:
    outage = _register_fault(area, clock)
    assert Notice.objects.filter(template_code="fault_outage").count() == 4
    clock.advance(minutes=10)
    orders = _reports(area)
    incident = Incident.objects.get()
    assert incident.outage_id == outage.pk
    merged = orders[1].events.get(type=OrderEvent.Type.MERGED)
    assert merged.parameters == {"incident": incident.pk, "first": orders[0].number, "outage": outage.pk}
    # Joining registers nothing and tells nobody a second time.
    assert (Outage.objects.count(), Notice.objects.filter(template_code="fault_outage").count()) == (1, 4)
    _crew_restores(area, clock, orders[0])
    outage.refresh_from_db()
    assert (outage.status, outage.restored_at) == ("restored", clock.at)
    assert all(o.status == Status.RESTORED for o in WorkOrder.objects.all())
    _one_restoration_each()
    _counted_once(area, minutes=100)


def test_reports_first_then_the_planner_registers_the_outage_and_the_restoration_goes_once(
    area: City, clock: Clock
) -> None:
    orders = _reports(area)
    assert Incident.objects.get().outage_id is None
    clock.advance(minutes=15)
    outage = _register_fault(area, clock)
    _crew_restores(area, clock, orders[0])
    assert Incident.objects.get().outage_id == outage.pk
    outage.refresh_from_db()
    assert (outage.status, outage.restored_at) == ("restored", clock.at)
    assert Outage.objects.count() == 1
    _one_restoration_each()
    _counted_once(area, minutes=90)


def test_reports_first_confirmed_as_an_outage_register_it_once_and_count_from_the_first_report(
    area: City, clock: Clock
) -> None:
    orders = _reports(area)
    clock.advance(minutes=5)
    client = api_client(area.agent)
    response = client.post(f"/api/v1/workorders/{orders[2].number}/confirm-outage", {}, "application/json")
    assert response.status_code == 200
    outage = Outage.objects.get()
    assert response.json()["outage"] == outage.pk
    assert (outage.kind, outage.status, outage.starts_at, outage.affected_accounts) == (
        "fault",
        "ongoing",
        orders[0].received_at,
        T1_ACCOUNTS,
    )
    assert Counter(Notice.objects.filter(template_code="fault_outage").values_list("recipient", flat=True)) == Counter(
        dict.fromkeys(T1_PHONES, 1)
    )
    event = orders[2].events.get(type=OrderEvent.Type.OUTAGE_CONFIRMED)
    assert event.parameters == {
        "incident": orders[2].incident_id,
        "outage": outage.pk,
        "registered": True,
        "affected_accounts": T1_ACCOUNTS,
    }
    # A second confirmation, or the planner registering the same fault, adds nothing.
    before = (Outage.objects.count(), OutageAccount.objects.count(), Notice.objects.count())
    again = client.post(f"/api/v1/workorders/{orders[0].number}/confirm-outage", {}, "application/json")
    assert (again.status_code, again.json()["detail"]) == (409, "该故障事件已确认为停电。")
    with pytest.raises(InvalidInput) as refused:
        _register_fault(area, clock)
    assert refused.value.errors == {"areas": "这些台区已有处理中的故障停电（9月26日10:00起），不能重复登记。"}
    assert (Outage.objects.count(), OutageAccount.objects.count(), Notice.objects.count()) == before
    _crew_restores(area, clock, orders[0])
    _one_restoration_each()
    _counted_once(area, minutes=95)  # from the first report at 10:00 to 11:35


def test_the_planner_restoring_first_leaves_the_crew_only_the_reporters_it_missed(area: City, clock: Clock) -> None:
    orders = _reports(area)
    client = api_client(area.agent)
    assert (
        client.post(f"/api/v1/workorders/{orders[0].number}/confirm-outage", {}, "application/json").status_code == 200
    )
    outage = Outage.objects.get()
    clock.advance(minutes=80)
    outage_restore(scope=scope_for(area.planner), actor=area.planner, outage=outage, now=clock.at)
    assert _restoration_messages() == Counter(dict.fromkeys(T1_PHONES, 1))
    clock.advance(minutes=5)
    _crew_restores(area, clock, orders[0])
    _one_restoration_each()


def test_only_the_95598_centre_supervision_and_planners_confirm_and_a_refusal_changes_nothing(
    area: City, clock: Clock
) -> None:
    orders = _reports(area)
    before = (Outage.objects.count(), Notice.objects.count(), OrderEvent.objects.count())
    response = api_client(area.manager).post(
        f"/api/v1/workorders/{orders[0].number}/confirm-outage", {}, "application/json"
    )
    assert response.status_code in (403, 404)
    clerk = api_client(area.clerk).post(f"/api/v1/workorders/{orders[0].number}/confirm-outage", {}, "application/json")
    assert clerk.status_code in (403, 404)
    assert (Outage.objects.count(), Notice.objects.count(), OrderEvent.objects.count()) == before
    assert Incident.objects.get().outage_id is None


def test_a_fault_without_an_incident_cannot_be_confirmed_as_an_outage(area: City, clock: Clock) -> None:
    order = take(area.agent, type="fault", text="家里没电了")
    response = api_client(area.agent).post(f"/api/v1/workorders/{order.number}/confirm-outage", {}, "application/json")
    assert (response.status_code, response.json()["detail"]) == (409, "该工单没有并入故障事件，不能确认为台区停电。")
    assert Outage.objects.count() == 0


def test_the_order_page_confirms_the_incident_as_an_outage(area: City, clock: Clock) -> None:
    orders = _reports(area)
    client = signed_in(area.agent)
    page = client.get(f"/workorders/{orders[0].number}/").content.decode()
    assert f'action="/workorders/{orders[0].number}/act/confirm_outage/"' in page
    assert 'name="confirmed" required' in page
    response = client.post(f"/workorders/{orders[0].number}/act/confirm_outage/", {"confirmed": "on"})
    assert response.status_code == 302
    outage = Outage.objects.get()
    page = client.get(f"/workorders/{orders[1].number}/").content.decode()
    assert f'<a href="/notices/outages/{outage.pk}/">已确认为停电</a>' in page
    assert "act/confirm_outage/" not in page
