from __future__ import annotations

import pytest
from django.test import Client

from gridcare.core.testing import PASSWORD, City, signed_in


@pytest.mark.django_db
def test_the_login_page_is_in_chinese_by_default() -> None:
    html = Client().get("/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "员工登录" in html and "用户名" in html


@pytest.mark.django_db
def test_a_wrong_password_is_explained_in_chinese(town: City) -> None:
    response = Client().post("/login/", {"username": "clerk", "password": "nope"})
    assert "用户名或密码错误，请重新输入。" in response.content.decode()


@pytest.mark.django_db
def test_english_is_one_switch_away(town: City) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    html = client.get("/login/").content.decode()
    assert '<html lang="en">' in html
    assert "Staff sign-in" in html and "Username" in html


@pytest.mark.django_db
def test_signing_in_leads_to_a_home_page_with_the_tiles_of_the_role(town: City) -> None:
    client = Client()
    response = client.post("/login/", {"username": "clerk", "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert "客户查询" in html and "新装立户" in html
    assert "档案质量工单" not in html
    supervisor = signed_in(town.supervisor).get("/").content.decode()
    assert "档案质量工单" in supervisor and "新装立户" not in supervisor


@pytest.mark.django_db
def test_the_django_admin_is_for_administrators_and_speaks_chinese(town: City) -> None:
    assert signed_in(town.admin).get("/admin/").status_code == 200
    assert "供电客户服务平台 管理后台" in signed_in(town.admin).get("/admin/").content.decode()
    assert signed_in(town.clerk).get("/admin/").status_code == 302


@pytest.mark.django_db
def test_api_me_tells_who_is_calling(town: City) -> None:
    from gridcare.core.testing import api_client

    assert api_client(town.clerk).get("/api/v1/me").json() == {
        "username": "clerk",
        "name": "clerk",
        "role": "counter_clerk",
        "company": "HZ",
        "unit": "U1",
        "hall": "H1",
    }


@pytest.mark.django_db
def test_the_openapi_document_is_served() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "gridcare API"
    assert "/api/v1/accounts/{account_no}" in spec["paths"]


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_english_is_chosen() -> None:
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "员工登录" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert "Staff sign-in" in client.get("/login/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert "员工登录" in client.get("/login/").content.decode()
