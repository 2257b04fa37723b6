"""Convention 3: units, halls, staff, feeders and 台区 are picked from lists that show names, for
the caller's scope (gridcare.core.forms.Picker and its kin); a code that was not offered is refused
on its field and changes nothing; the form comes back with what was typed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from gridcare.billing.models import BillRun, DebitBatch
from gridcare.billing.tests.helpers import billing_clerk
from gridcare.core import timezone as tz
from gridcare.core.forms import Picker, TypeaheadPicker
from gridcare.core.testing import City, signed_in
from gridcare.customers.models import Account, Feeder, TransformerArea
from gridcare.notices.models import Notice, Outage


def options(page: str, name: str) -> list[tuple[str, str]]:
    """The (value, text) options of the select named ``name``, or of the datalist of the box
    named ``name``."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if select is None:
        box = re.search(rf'<input type="text" name="{name}"[^>]*list="([^"]+)"', page)
        assert box is not None, name
        select = re.search(rf'<datalist id="{box.group(1)}">(.*?)</datalist>', page, re.S)
    assert select is not None, name
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_a_picker_refuses_a_value_it_did_not_offer() -> None:
    picker = Picker(label="供电单位", invalid="供电单位不存在。")
    picker.offer([("U1", "城区供电所（U1）")])
    assert picker.clean("U1") == "U1"
    with pytest.raises(ValidationError) as refused:
        picker.clean("U2")
    assert refused.value.messages == ["供电单位不存在。"]
    typeahead = TypeaheadPicker(label="台区", blank="")
    typeahead.offer([("T1", "城一线1号台区（T1）")])
    assert (typeahead.clean(" T1 "), typeahead.clean("")) == ("T1", "")


def test_a_billing_clerk_picks_only_their_unit_by_name_and_an_administrator_any(town: City) -> None:
    clerk = signed_in(billing_clerk(town))
    clerk_page = clerk.get("/billing/runs/").content.decode()
    assert options(clerk_page, "unit") == [("U1", "城区供电所（U1）")]
    admin_page = signed_in(town.admin).get("/billing/runs/").content.decode()
    assert options(admin_page, "unit") == [
        ("", "— 全部供电单位 —"),
        ("U1", "城区供电所（U1）"),
        ("U2", "乡镇供电所（U2）"),
        ("X1", "邻市供电所（X1）"),
    ]
    for path in ("/billing/reconciliations/", "/billing/debit/"):
        assert options(clerk.get(path).content.decode(), "unit") == [("U1", "城区供电所（U1）")]


def test_the_debit_page_offers_banks_by_name_and_refuses_another_unit(town: City) -> None:
    client = signed_in(billing_clerk(town))
    page = client.get("/billing/debit/").content.decode()
    assert options(page, "bank_code") == [
        ("ABC", "中国农业银行（ABC）"),
        ("BOC", "中国银行（BOC）"),
        ("BOCOM", "交通银行（BOCOM）"),
        ("CCB", "中国建设银行（CCB）"),
        ("ICBC", "中国工商银行（ICBC）"),
        ("PSBC", "中国邮政储蓄银行（PSBC）"),
    ]
    answer = client.post(
        "/billing/debit/", {"bank_code": "ICBC", "period": "2026-10", "on": "2026-11-20", "unit": "U2"}
    )
    assert answer.status_code == 200
    assert answer.context["form"].errors == {"unit": ["您只能办理本供电单位（U1）的业务。"]}
    assert (DebitBatch.objects.count(), BillRun.objects.count()) == (0, 0)
    # What was typed stays, the refused field is marked beside its box.
    html = answer.content.decode()
    assert 'name="period" value="2026-10"' in html and 'class="field has-error"' in html


def _foreign_grid(town: City) -> tuple[Feeder, TransformerArea]:
    foreign_unit = town.foreign_account.supply_unit
    feeder = Feeder.objects.create(unit=foreign_unit, code="XF1", name="邻市一线")
    return feeder, TransformerArea.objects.create(feeder=feeder, code="XT1", name="邻市一线1号台区")


def test_an_outage_picks_feeders_and_areas_by_name_within_the_planners_company(town: City) -> None:
    _foreign_grid(town)
    page = signed_in(town.planner).get("/notices/outages/new/").content.decode()
    assert options(page, "feeders") == [("F1", "10kV 城一线（F1）")]
    assert options(page, "areas") == [("T1", "城一线1号台区（T1）")]
    assert 'data-filter-for="id_areas"' in page  # the type-ahead box of the long list


def test_a_foreign_area_posted_to_the_outage_form_is_refused_and_nothing_is_written(town: City) -> None:
    _feeder, foreign = _foreign_grid(town)
    start = (tz.local_now() + timedelta(days=8)).replace(second=0, microsecond=0)
    form = {
        "kind": "planned",
        "reason": "线路检修",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "areas": ["T1", foreign.code],
    }
    for confirmed in ("", "1"):
        answer = signed_in(town.planner).post("/notices/outages/new/", {**form, "confirmed": confirmed})
        assert answer.status_code == 200
        assert answer.context["form"].errors == {"areas": ["台区不存在或不在您的管辖范围：XT1。"]}
        html = answer.content.decode()
        assert 'name="reason" value="线路检修"' in html and 'name="confirmed"' not in html
    assert (Outage.objects.count(), Notice.objects.count()) == (0, 0)


def test_the_account_form_offers_the_units_feeders_and_areas_and_keeps_what_was_typed(town: City) -> None:
    _foreign_grid(town)
    client = signed_in(town.kam)  # a unit post: unit U1 only
    page = client.get("/customers/new/").content.decode()
    assert options(page, "supply_unit") == [("U1", "城区供电所（U1）")]
    assert options(page, "hall") == [("", "—"), ("H1", "城区营业厅（H1）")]
    assert options(page, "feeder") == [("F1", "10kV 城一线（F1）")]
    assert options(page, "transformer_area") == [("T1", "城一线1号台区（T1）")]
    before = Account.objects.count()
    typed = {
        "name": "赵六",
        "customer_class": "residential",
        "address": "上城区解放路1号",
        "supply_unit": "U1",
        "feeder": "F1",
        "transformer_area": "XT1",
        "contract_capacity_kva": "0",
    }
    answer = client.post("/customers/new/", typed)
    assert answer.status_code == 200
    assert answer.context["form"].errors == {"transformer_area": ["台区不存在或不在您的管辖范围：XT1。"]}
    html = answer.content.decode()
    assert 'name="name" value="赵六"' in html and 'name="address" value="上城区解放路1号"' in html
    assert 'name="transformer_area" value="XT1"' in html  # kept to be corrected, marked
    assert Account.objects.count() == before
