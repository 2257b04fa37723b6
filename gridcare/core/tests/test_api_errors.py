"""Every API error has the documented shape {"detail": "<中文>", "errors": {...}} (SEC-4): a body
that is not JSON, a body that is not an object, no token, a session without its CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from gridcare.billing.models import Payment
from gridcare.core.testing import City, api_client, signed_in

PAY = "/api/v1/payments"


@pytest.mark.django_db
def test_a_body_that_is_not_json_is_a_400_in_the_house_shape(town: City) -> None:
    answer = api_client(town.users["clerk"]).post(PAY, data="not json{", content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "提交的数据有误。", "errors": {"__all__": "请求内容不是有效的 JSON。"}}
    assert Payment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("body", ["[1, 2]", "42", '"text"', "null", "true"])
def test_a_body_that_is_not_an_object_is_a_422_saying_so(town: City, body: str) -> None:
    answer = api_client(town.users["clerk"]).post(PAY, data=body, content_type="application/json")
    assert answer.status_code == 422
    assert answer.json() == {"detail": "提交的数据有误。", "errors": {"__all__": "请求内容应为 JSON 对象（{…}）。"}}
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_a_field_error_still_names_the_field(town: City) -> None:
    answer = api_client(town.users["clerk"]).post(PAY, data="{}", content_type="application/json")
    assert answer.status_code == 422
    assert answer.json()["errors"]["channel"] == "必填项。"


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_no_token_is_a_401_not_a_csrf_failure(db: None, method: str) -> None:
    client = Client(enforce_csrf_checks=True)
    if method == "post":
        answer = client.post(PAY, data="{}", content_type="application/json")
    else:
        answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "请先登录或提供有效的令牌。", "errors": {}}


@pytest.mark.django_db
def test_a_session_post_without_the_csrf_token_is_refused_in_the_house_shape(town: City) -> None:
    client = signed_in(town.users["clerk"])
    client.handler.enforce_csrf_checks = True
    body = '{"channel": "counter_cash", "channel_txn_id": "x1", "account_no": "0000000018", "amount": "1.00"}'
    answer = client.post(PAY, data=body, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json() == {"detail": "安全校验未通过，请刷新页面后重试。", "errors": {}}
    assert Payment.objects.count() == 0


@pytest.mark.django_db
def test_a_signed_in_session_still_reads_the_api(town: City) -> None:
    answer = signed_in(town.users["clerk"]).get("/api/v1/me")
    assert answer.status_code == 200


def test_every_operation_documents_the_house_errors() -> None:
    from config.api import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = {int(code) for code in operation["responses"]}
            assert {400, 401, 403, 404, 409, 422, 429} <= codes, (method, path)
    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["detail", "errors"]
