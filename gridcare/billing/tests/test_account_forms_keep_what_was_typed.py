"""Convention 6 on the account's bills page: a refused payment or waiver request answers 200 with
the page and that form as it was sent (what was typed stays in its boxes, the Chinese message
beside the field it concerns, else above the form), and writes nothing; each form has ids of its
own; a post without the capability is 403; a payment that is taken still redirects with its
confirmation, and the same form posted twice is still one payment."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from django.test import Client

from gridcare.billing.models import Bill, Payment, PenaltyWaiver
from gridcare.billing.services.arrears import waiver_request
from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.testing import City, signed_in
from gridcare.core.tests.probes.routes import LOG_TABLES, row_counts
from gridcare.org.access import scope_for


@pytest.fixture
def bill(town: City) -> Bill:
    return issued_bill(town.account, "2026-10", "88.00", date(2026, 11, 25))


def _written() -> dict[str, int]:
    """Every table's row count but the sign-in's and the session's."""
    return {table: n for table, n in row_counts().items() if table not in LOG_TABLES}


def _field(html: str, field_id: str) -> str:
    """The ``div.field`` around the box ``field_id`` (its label, the box, its messages)."""
    found = re.search(rf'<div class="field[^"]*"><label for="{field_id}">.*?</div>', html, re.S)
    assert found, f"no field {field_id}"
    return found.group(0)


def _post(client: Client, path: str, data: dict[str, str]) -> tuple[int, str]:
    answer = client.post(path, data)
    return answer.status_code, answer.content.decode()


def test_a_wrong_amount_comes_back_typed_and_marked(town: City, bill: Bill) -> None:
    client, key = signed_in(town.clerk), str(uuid.uuid4())
    before = _written()
    status, html = _post(
        client,
        f"/billing/accounts/{town.account.account_no}/pay/",
        {"channel": "counter_card", "amount": "12.345", "idempotency_key": key},
    )
    assert status == 200
    amount = _field(html, "id_pay_amount")
    assert 'class="field has-error"' in amount and 'value="12.345"' in amount
    assert '<span class="error">请输入正确的金额（大于零，最多两位小数）。</span>' in amount
    assert '<option value="counter_card" selected>' in _field(html, "id_pay_channel")
    assert f'name="idempotency_key" value="{key}"' in html  # the same form: still one payment
    assert _written() == before


def test_the_services_refusal_is_beside_the_amount(town: City, bill: Bill) -> None:
    before = _written()
    status, html = _post(
        signed_in(town.clerk),
        f"/billing/accounts/{town.account.account_no}/pay/",
        {"channel": "counter_cash", "amount": "50000.01", "idempotency_key": str(uuid.uuid4())},
    )
    assert status == 200
    amount = _field(html, "id_pay_amount")
    assert 'class="field has-error"' in amount and 'value="50000.01"' in amount
    assert "单笔缴费金额不能超过 50000.00 元（营业厅现金）。" in amount
    assert _written() == before


def test_a_key_posted_with_another_amount_keeps_its_key_and_takes_nothing(town: City, bill: Bill) -> None:
    client, key, no = signed_in(town.clerk), str(uuid.uuid4()), town.account.account_no
    taken = client.post(
        f"/billing/accounts/{no}/pay/", {"channel": "counter_cash", "amount": "100.00", "idempotency_key": key}
    )
    assert (taken.status_code, taken["Location"]) == (302, f"/billing/accounts/{no}/")
    assert "收费成功：100.00 元。" in client.get(f"/billing/accounts/{no}/").content.decode()
    before = _written()
    status, html = _post(
        client, f"/billing/accounts/{no}/pay/", {"channel": "counter_cash", "amount": "50.00", "idempotency_key": key}
    )
    assert status == 200
    amount = _field(html, "id_pay_amount")
    assert 'value="50.00"' in amount and "与已入账金额 100.00 元不一致。" in amount
    assert f'name="idempotency_key" value="{key}"' in html
    assert _written() == before
    again = client.post(
        f"/billing/accounts/{no}/pay/", {"channel": "counter_cash", "amount": "100.00", "idempotency_key": key}
    )
    assert again.status_code == 302 and Payment.objects.count() == 1


def test_a_form_without_its_key_gets_a_new_one_and_keeps_the_amount(town: City, bill: Bill) -> None:
    before = _written()
    status, html = _post(
        signed_in(town.clerk),
        f"/billing/accounts/{town.account.account_no}/pay/",
        {"channel": "counter_cash", "amount": "88.00"},
    )
    assert status == 200
    assert '<ul class="errorlist nonfield"><li>收费表单已失效，已换成新的表单：请核对金额后再收费。</li></ul>' in html
    assert 'value="88.00"' in _field(html, "id_pay_amount")
    assert re.search(r'name="idempotency_key" value="[0-9a-f-]{36}" id="id_pay_idempotency_key"', html)
    assert _written() == before


def test_a_waiver_without_its_reason_keeps_the_bill_chosen(town: City, bill: Bill) -> None:
    issued_bill(town.account, "2026-09", "40.00", date(2026, 10, 25))
    before = _written()
    status, html = _post(
        signed_in(town.clerk),
        f"/billing/accounts/{town.account.account_no}/waiver/",
        {"period": "2026-09", "reason": " "},
    )
    assert status == 200
    assert '<option value="2026-09" selected>' in _field(html, "id_waiver_period")
    reason = _field(html, "id_waiver_reason")
    assert 'class="field has-error"' in reason and '<span class="error">这个字段是必填项。</span>' in reason
    assert _written() == before


def test_a_waiver_for_a_bill_not_offered_is_refused_on_the_bill(town: City, bill: Bill) -> None:
    before = _written()
    status, html = _post(
        signed_in(town.clerk),
        f"/billing/accounts/{town.account.account_no}/waiver/",
        {"period": "2026-01", "reason": "系统故障未能缴费"},
    )
    assert status == 200
    period = _field(html, "id_waiver_period")
    assert 'class="field has-error"' in period and "请选择一张待缴的账单。" in period
    assert 'value="系统故障未能缴费"' in _field(html, "id_waiver_reason")
    assert _written() == before


def test_a_second_waiver_request_is_refused_above_the_form(town: City, bill: Bill) -> None:
    waiver_request(scope=scope_for(town.clerk), actor=town.clerk, bill=bill, reason="第一次")
    before = _written()
    status, html = _post(
        signed_in(town.clerk),
        f"/billing/accounts/{town.account.account_no}/waiver/",
        {"period": "2026-10", "reason": "第二次"},
    )
    assert status == 200
    form = html[html.index('id="waiver-form"') :]
    assert form.index("该账单已有待审批的免收申请。") < form.index('id="id_waiver_period"')
    assert 'value="第二次"' in _field(html, "id_waiver_reason")
    assert _written() == before and PenaltyWaiver.objects.count() == 1


def test_a_waiver_request_that_is_taken_redirects_to_the_page(town: City, bill: Bill) -> None:
    no = town.account.account_no
    answer = signed_in(town.clerk).post(f"/billing/accounts/{no}/waiver/", {"period": "2026-10", "reason": "系统故障"})
    assert (answer.status_code, answer["Location"]) == (302, f"/billing/accounts/{no}/")
    assert list(PenaltyWaiver.objects.values_list("bill__period", "reason", "status")) == [
        ("2026-10", "系统故障", "requested")
    ]


def test_a_post_without_the_capability_is_403_and_writes_nothing(town: City, bill: Bill) -> None:
    no = town.account.account_no
    waiver = waiver_request(scope=scope_for(town.clerk), actor=town.clerk, bill=bill, reason="特殊困难")
    before = _written()
    pay = {"channel": "counter_cash", "amount": "88.00", "idempotency_key": str(uuid.uuid4())}
    assert signed_in(town.guide).post(f"/billing/accounts/{no}/pay/", pay).status_code == 403
    assert (
        signed_in(town.agent).post(f"/billing/accounts/{no}/waiver/", {"period": "2026-10", "reason": "a"}).status_code
        == 403
    )
    assert signed_in(town.supervisor).post(f"/billing/waivers/{waiver.pk}/decide/", {"approve": "1"}).status_code == 403
    assert _written() == before
    waiver.refresh_from_db()
    assert waiver.status == "requested"


def test_each_form_on_the_page_has_ids_of_its_own(town: City, bill: Bill) -> None:
    client = signed_in(town.clerk)
    for answer in (
        client.get(f"/billing/accounts/{town.account.account_no}/"),
        client.post(f"/billing/accounts/{town.account.account_no}/waiver/", {"period": "2026-10", "reason": ""}),
    ):
        html = answer.content.decode()
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
        labels = re.findall(r'<label for="([^"]+)"', html)
        assert labels == ["id_pay_channel", "id_pay_amount", "id_waiver_period", "id_waiver_reason"]
        assert set(labels) <= set(ids)
