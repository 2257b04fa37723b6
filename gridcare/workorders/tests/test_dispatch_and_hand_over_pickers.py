"""Convention 3 on a work order's page: the dispatch unit and hall and the hand-over's receiver are
picked by name from the order's company; a code from elsewhere is refused on its field (the page
again, as typed: convention 6) and changes nothing."""

from __future__ import annotations

from gridcare.core.testing import City, signed_in
from gridcare.core.tests.test_pick_dont_type import options
from gridcare.org.models import Staff
from gridcare.workorders.models import OrderEvent, WorkOrder
from gridcare.workorders.tests.conftest import Clock, take


def test_the_order_page_offers_the_companys_units_halls_and_staff_by_name(town: City, clock: Clock) -> None:
    order = take(town.agent)
    page = signed_in(town.agent).get(f"/workorders/{order.number}/").content.decode()
    company = Staff.objects.filter(company=town.company, active=True).order_by("employee_no")
    assert options(page, "to") == [(s.employee_no, f"{s.name}（{s.employee_no}）") for s in company]
    foreign = Staff.objects.get(user=town.foreign_clerk).employee_no
    assert foreign not in dict(options(page, "to"))
    assert options(page, "unit") == [("", "—"), ("U1", "城区供电所（U1）"), ("U2", "乡镇供电所（U2）")]
    assert options(page, "hall") == [("", "—"), ("H1", "城区营业厅（H1）"), ("H2", "乡镇营业厅（H2）")]


def test_a_hand_over_to_another_companys_person_is_refused_on_the_page_and_changes_nothing(
    town: City, clock: Clock
) -> None:
    order = take(town.agent)
    before = list(WorkOrder.objects.values())
    foreign = Staff.objects.get(user=town.foreign_clerk).employee_no
    client = signed_in(town.agent)
    answer = client.post(f"/workorders/{order.number}/act/hand_over/", {"to": foreign, "note": "转交"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert '<div class="field has-error"><label for="id_hand_over_to">' in html
    assert f'name="to" value="{foreign}"' in html and "员工不存在。" in html
    assert list(WorkOrder.objects.values()) == before
    assert not order.events.filter(type=OrderEvent.Type.HANDED_OVER).exists()


def test_a_dispatch_to_another_companys_unit_is_refused_and_changes_nothing(town: City, clock: Clock) -> None:
    order = take(town.agent, type="fault", text="家里停电了", account_no=town.account.account_no)
    before = list(WorkOrder.objects.values())
    client = signed_in(town.agent)
    answer = client.post(f"/workorders/{order.number}/act/dispatch/", {"unit": "X1", "note": "派单"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert '<div class="field has-error"><label for="id_dispatch_unit">' in html and "供电单位不存在。" in html
    assert 'name="note" value="派单"' in html
    assert list(WorkOrder.objects.values()) == before


def test_the_intake_offers_the_companys_areas_and_keeps_what_was_typed_on_a_refusal(town: City, clock: Clock) -> None:
    client = signed_in(town.agent)
    assert options(client.get("/workorders/new/").content.decode(), "transformer_area") == [
        ("T1", "城一线1号台区（T1）")
    ]
    before = WorkOrder.objects.count()
    typed = {"channel": "phone_95598", "text": "路灯不亮已经三天了", "location": "解放路口", "transformer_area": "XT9"}
    answer = client.post("/workorders/new/", typed)
    assert answer.status_code == 200
    assert answer.context["form"].errors == {"transformer_area": ["台区不存在或不在您的管辖范围：XT9。"]}
    html = answer.content.decode()
    assert ">路灯不亮已经三天了</textarea>" in html and 'name="location" value="解放路口"' in html
    assert '<div class="field has-error"><label for="id_transformer_area">' in html
    assert WorkOrder.objects.count() == before
