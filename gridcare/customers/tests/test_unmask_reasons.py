"""Unmasking needs a reason from the list and words of its own (CUST-4, finding 4)."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import PHONE, City, api_client, signed_in
from gridcare.customers.models import UnmaskAudit, UnmaskReason
from gridcare.customers.tests.unmask_helpers import audit_counts, unmask_api, unmask_page
from gridcare.customers.unmasking import clean_reason

NOTHING = (0, 0, 0, 0)


def test_the_reason_list_is_the_one_the_counters_use() -> None:
    assert UnmaskReason.choices == [
        ("identity_check", "办理业务核实身份"),
        ("caller_check", "客户来电核实"),
        ("arrears_contact", "欠费催缴联系"),
        ("outage_contact", "停电通知联系"),
        ("work_order_callback", "工单回访"),
        ("other", "其他"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"reason_code": "请选择查看原因。", "reason_text": "请填写查看原因说明。"}),
        ({"reason": "客户来电核实身份"}, {"reason_code": "请选择查看原因。"}),
        ({"reason_code": "curiosity", "reason_text": "客户来电核实身份"}, {"reason_code": "请选择查看原因。"}),
        ({"reason_code": "caller_check", "reason_text": "   "}, {"reason_text": "请填写查看原因说明。"}),
        ({"reason_code": "caller_check", "reason_text": "核实"}, {"reason_text": "原因说明至少4个字。"}),
        ({"reason_code": "caller_check", "reason_text": "。。。。。。"}, {"reason_text": "原因说明至少4个字。"}),
        ({"reason_code": "caller_check", "reason_text": "核" * 201}, {"reason_text": "原因说明不能超过200个字。"}),
        (
            {"reason_code": "other", "reason_text": "查一下"},
            {"reason_text": "选择“其他”时请具体说明原因（至少10个字）。"},
        ),
        (
            {"reason_code": "other", "reason_text": "啊" * 12},
            {"reason_text": "选择“其他”时请具体说明原因（至少10个字）。"},
        ),
    ],
)
def test_the_api_refuses_a_missing_or_poor_reason_with_422_and_shows_nothing(
    town: City, body: dict[str, str], errors: dict[str, str]
) -> None:
    response = unmask_api(api_client(town.clerk), town.account.account_no, body)
    assert response.status_code == 422
    assert response.json() == {"detail": "请选择查看原因并填写说明。", "errors": errors}
    assert PHONE not in response.content.decode()
    assert audit_counts() == NOTHING


@pytest.mark.django_db
def test_the_older_reason_field_is_still_the_free_text(town: City) -> None:
    body = {"reason_code": "arrears_contact", "reason": "联系客户催缴三月电费"}
    response = unmask_api(api_client(town.clerk), town.account.account_no, body)
    assert response.status_code == 200
    audit = UnmaskAudit.objects.get()
    assert (audit.reason_code, audit.reason_text, audit.outcome) == ("arrears_contact", "联系客户催缴三月电费", "shown")


@pytest.mark.django_db
def test_other_with_a_real_explanation_is_accepted_and_audited_with_the_post_and_units(town: City) -> None:
    body = {"reason_code": "other", "reason_text": "  客户委托律师查询户主信息，已核对委托书  "}
    response = unmask_api(api_client(town.other_manager), town.account.account_no, body)
    assert response.status_code == 200
    assert response.json()["phones"] == [PHONE]
    audit = UnmaskAudit.objects.get()
    assert audit.actor == town.other_manager
    assert audit.post == "hall_manager"
    assert audit.actor_unit == town.other_unit
    assert audit.account_unit == town.unit
    assert audit.reason_text == "客户委托律师查询户主信息，已核对委托书"
    assert audit.refusal == ""


@pytest.mark.django_db
def test_the_page_button_opens_a_form_with_the_reason_list(town: City) -> None:
    page = signed_in(town.clerk).get(f"/customers/{town.account.account_no}/").content.decode()
    assert "<summary" in page and "查看完整信息" in page
    assert 'name="unmask-reason_code"' in page and 'name="unmask-reason_text"' in page
    assert '<option value="work_order_callback">工单回访</option>' in page
    assert "确认查看" in page
    assert PHONE not in page


@pytest.mark.django_db
def test_the_page_refuses_an_empty_reason_on_the_form_and_shows_nothing(town: City) -> None:
    response = unmask_page(signed_in(town.clerk), town.account.account_no, code="", text="")
    assert response.status_code == 422
    body = response.content.decode()
    assert "请选择查看原因。" in body and "请填写查看原因说明。" in body
    assert PHONE not in body
    assert audit_counts() == NOTHING


@pytest.mark.django_db
def test_the_page_shows_the_numbers_for_a_good_reason(town: City) -> None:
    response = unmask_page(signed_in(town.clerk), town.account.account_no, "identity_check", "柜台办理过户核实")
    assert response.status_code == 200
    assert PHONE in response.content.decode()
    assert audit_counts() == (1, 0, 1, 0)


@pytest.mark.django_db
def test_an_htmx_post_gets_the_fragment_only(town: City) -> None:
    client = signed_in(town.clerk)
    response = client.post(
        f"/customers/{town.account.account_no}/unmask/",
        {"reason_code": "identity_check", "reason_text": "柜台办理过户核实"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert PHONE in body and "<html" not in body


def test_the_rule_strips_the_text_and_names_both_fields() -> None:
    assert clean_reason(code="work_order_callback", text=" 工单回访联系客户 ") == "工单回访联系客户"
    with pytest.raises(InvalidInput) as refused:
        clean_reason(code="", text="")
    assert set(refused.value.errors) == {"reason_code", "reason_text"}
