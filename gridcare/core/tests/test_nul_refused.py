"""A NUL character in a request's path, query or JSON body is refused in the house's shape before
any view runs (a 422 naming the field in a body, a 400 in a path or query): PostgreSQL cannot
store or compare it, so it used to end as a server error (schemathesis found it in
POST /api/v1/halls/{hall_code}/appointments). A posted form is its form's to refuse."""

from __future__ import annotations

import json

import pytest

from gridcare.billing.models import Payment
from gridcare.core.testing import City, api_client, signed_in
from gridcare.halls.models import Appointment

API_ANSWER = {"detail": "提交的数据有误。", "errors": {"__all__": "提交的内容含有空字符（NUL），无法处理。"}}


@pytest.mark.django_db
def test_a_nul_in_a_json_body_is_a_422_on_its_field_and_nothing_is_booked(town: City) -> None:
    body = {"account_no": "S6\x00", "business_type": "key_account", "phone": "13800000000"}
    answer = api_client(town.users["clerk"]).post(
        "/api/v1/halls/H1/appointments", data=json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json() == {"detail": "提交的数据有误。", "errors": {"account_no": "不能包含空字符（NUL）。"}}
    assert Appointment.objects.count() == 0


@pytest.mark.django_db
def test_a_nul_in_a_json_key_nested_deep_is_refused_too(town: City) -> None:
    body = {"channel": "counter_cash", "extra": [{"k\x00": 1}], "amount": "1.00"}
    answer = api_client(town.users["clerk"]).post(
        "/api/v1/payments", data=json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json() == {"detail": "提交的数据有误。", "errors": {"extra.0": "不能包含空字符（NUL）。"}}
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_a_nul_in_a_list_item_names_its_place(town: City) -> None:
    body = {"feeders": ["F1", "F\x001"]}
    answer = api_client(town.users["kam"]).post(
        "/api/v1/notices/peak-shift", data=json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"feeders.1": "不能包含空字符（NUL）。"}


@pytest.mark.django_db
def test_an_escaped_backslash_before_u0000_is_not_a_nul(town: City) -> None:
    """The text \\u0000 typed literally (a backslash, then u0000) is no NUL: the request goes on
    to the view, which refuses it for its own reasons (no such channel)."""
    body = '{"channel": "x\\\\u0000", "channel_txn_id": "t", "account_no": "0000000018", "amount": "1.00"}'
    answer = api_client(town.users["clerk"]).post("/api/v1/payments", data=body, content_type="application/json")
    assert answer.status_code == 422
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_a_nul_in_an_api_query_or_path_is_a_400(town: City) -> None:
    client = api_client(town.users["admin"])
    answer = client.get("/api/v1/accounts", {"q": "张\x00"})
    assert (answer.status_code, answer.json()) == (400, API_ANSWER)
    answer = client.get("/api/v1/halls/H%00/appointments")
    assert (answer.status_code, answer.json()) == (400, API_ANSWER)


@pytest.mark.django_db
def test_a_nul_in_a_page_query_is_the_400_page_in_chinese(town: City) -> None:
    answer = signed_in(town.users["clerk"]).get("/customers/", {"q": "\x00"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "请求有误（400）" in page
    assert "地址或提交的内容含有无法识别的字符（空字符），没有办理。请检查后重新输入。" in page


@pytest.mark.django_db
def test_a_nul_in_a_posted_form_is_refused_on_its_field_and_changes_nothing(town: City) -> None:
    client = signed_in(town.users["clerk"])
    before = Payment.objects.count()
    answer = client.post("/billing/accounts/0000000018/pay/", {"amount": "10.00\x00", "channel": "counter_cash"})
    assert answer.status_code == 200
    assert "has-error" in answer.content.decode()
    assert Payment.objects.count() == before


@pytest.mark.django_db
def test_a_request_without_nul_passes_through(town: City) -> None:
    answer = signed_in(town.users["clerk"]).get("/customers/", {"q": "张"})
    assert answer.status_code == 200
