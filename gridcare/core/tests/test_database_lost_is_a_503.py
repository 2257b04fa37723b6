"""Issue 21: when the database goes away under a request (PostgreSQL restarted, its connection
dropped), the request fails cleanly: a 503 in the user's language that says to try again, with
Retry-After, nothing half-written; the next request opens a new connection and succeeds, without
restarting the app."""

from __future__ import annotations

import psycopg
import pytest
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_patterns
from gridcare.core.testing import City, api_client, signed_in
from gridcare.customers.models import Customer


def _gone(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


urlpatterns = [path("gone/", _gone), path("api/v1/gone", _gone), path("portal/gone/", _gone), *site_patterns]
handler500 = "gridcare.core.errors.server_error"


@pytest.mark.urls(__name__)
def test_a_lost_database_is_a_503_page_that_says_nothing_was_saved(town: City) -> None:
    client = signed_in(town.clerk)
    client.raise_request_exception = False
    page = client.get("/gone/")
    assert (page.status_code, page["Retry-After"]) == (503, "5")
    text = page.content.decode()
    assert "系统暂时不可用（503）" in text
    assert "数据库连接暂时中断，这次操作没有完成，也没有保存任何内容。请稍候几秒再试。" in text
    assert "server closed" not in text and "OperationalError" not in text
    portal = Client(raise_request_exception=False).get("/portal/gone/")
    assert portal.status_code == 503 and "请稍候几秒再试" in portal.content.decode()


@pytest.mark.urls(__name__)
def test_the_api_answers_503_in_its_json_shape(town: City) -> None:
    answer = Client(raise_request_exception=False).get("/api/v1/gone")
    body = answer.json()
    assert (answer.status_code, answer["Retry-After"], set(body)) == (503, "5", {"detail", "errors", "reference"})
    assert body["detail"] == "数据库连接暂时中断，这次操作没有完成，也没有保存任何内容。请稍候几秒再试。"


def _drop_the_connection() -> None:
    """What a PostgreSQL restart does to the app's connection: its server process is ended."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=db["NAME"], autocommit=True
    ) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dropped_postgresql_connection_fails_one_request_cleanly_and_the_next_succeeds(town: City) -> None:
    client = api_client(town.clerk)
    client.raise_request_exception = False
    account = town.account
    name = account.customer.name
    _drop_the_connection()
    lost = client.post(
        f"/api/v1/accounts/{account.account_no}/rename", {"new_name": "王五"}, content_type="application/json"
    )
    assert lost.status_code == 503
    assert lost.json()["detail"].startswith("数据库连接暂时中断")
    assert Customer.objects.get(pk=account.customer_id).name == name  # nothing written
    again = client.post(
        f"/api/v1/accounts/{account.account_no}/rename", {"new_name": "王五"}, content_type="application/json"
    )
    assert again.status_code == 200
    assert Customer.objects.get(pk=account.customer_id).name == "王五"
