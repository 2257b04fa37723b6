"""The site's own error pages (issue 13, convention 7): 403, 404, 500 and the CSRF failure in
Chinese (English when chosen), with the navigation and a way back; a 500 shows a reference that
is in the log with the traceback; the API keeps its JSON shape."""

from __future__ import annotations

import logging
import re

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from config.urls import urlpatterns as site_patterns
from gridcare.core.testing import City, signed_in
from gridcare.customers.models import Account


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the database went away")


urlpatterns = [path("boom/", _boom), path("api/v1/boom", _boom), *site_patterns]
handler403 = "gridcare.core.errors.permission_denied"
handler404 = "gridcare.core.errors.page_not_found"
handler500 = "gridcare.core.errors.server_error"


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_missing_page_is_the_sites_own_in_chinese_with_the_navigation_and_a_way_back(town: City) -> None:
    answer = signed_in(town.clerk).get("/no-such-area/", HTTP_REFERER="http://testserver/customers/")
    text = answer.content.decode()
    assert answer.status_code == 404
    assert "页面不存在（404）" in text
    assert "您要找的页面不存在，或已被移走。" in text
    assert 'href="http://testserver/customers/">返回上一页</a>' in text
    assert 'class="topbar"' in text and "退出" in text  # the navigation, signed in
    assert "tried" not in text and "urlpatterns" not in text.lower()


def test_an_account_outside_the_scope_is_a_404_page_that_says_why_in_english_when_chosen(town: City) -> None:
    client = _english(signed_in(town.clerk))
    answer = client.get(f"/customers/{town.other_unit_account.pk}/", HTTP_REFERER="https://elsewhere.example/")
    text = answer.content.decode()
    assert answer.status_code == 404
    assert "Page not found (404)" in text
    assert 'href="/">Back</a>' in text  # a referer from another site is not followed back
    assert "页面不存在" not in text


def test_a_post_without_the_capability_is_a_403_page_with_the_refusals_sentence(town: City) -> None:
    before = Account.objects.count()
    answer = signed_in(town.guide).get("/customers/new/")
    text = answer.content.decode()
    assert answer.status_code == 403
    assert "没有权限（403）" in text
    assert "如确需办理，请联系本单位的系统管理员开通岗位权限。" in text
    assert Account.objects.count() == before


def test_a_form_posted_with_a_stale_token_is_refused_on_a_chinese_page_and_writes_nothing(town: City) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(town.clerk)
    before = Account.objects.count()
    answer = client.post("/customers/new/", {"name": "张三"})
    text = answer.content.decode()
    assert answer.status_code == 403
    assert "表单已过期" in text
    assert "页面已过期或来源无法验证，表单没有提交。请刷新页面后重新填写提交。" in text
    assert "CSRF verification failed" not in text
    assert Account.objects.count() == before


@pytest.mark.urls(__name__)
def test_a_server_error_shows_a_reference_that_is_in_the_log_with_the_traceback(
    town: City, caplog: pytest.LogCaptureFixture
) -> None:
    client = signed_in(town.clerk)
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="gridcare.errors"):
        answer = client.get("/boom/")
    text = answer.content.decode()
    assert answer.status_code == 500
    assert "服务器出错了（500）" in text
    found = re.search(r'<strong class="reference">([0-9A-F]{8})</strong>', text)
    assert found is not None
    reference = found.group(1)
    logged = [r for r in caplog.records if r.name == "gridcare.errors"]
    assert [r.getMessage() for r in logged] == [f"server error {reference} on GET /boom/"]
    assert logged[0].exc_info is not None and "the database went away" in str(logged[0].exc_info[1])
    assert "the database went away" not in text and "Traceback" not in text


@pytest.mark.urls(__name__)
def test_the_api_keeps_its_json_shape_for_a_missing_path_and_a_server_error(town: City) -> None:
    client = Client(raise_request_exception=False)
    missing = client.get("/api/v1/no-such-operation")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "您要找的页面不存在，或已被移走。", "errors": {}}
    boom = client.get("/api/v1/boom")
    body = boom.json()
    assert boom.status_code == 500
    assert set(body) == {"detail", "errors", "reference"}
    assert body["detail"] == f"服务器出错了，请稍后再试（错误编号 {body['reference']}）。"
