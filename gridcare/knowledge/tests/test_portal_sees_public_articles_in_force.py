"""The customer portal's help finds public articles in force only: internal, expired and not yet
effective articles are hidden from its page and its API (and staff see internal ones)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from gridcare.core.testing import City, api_client
from gridcare.knowledge import search
from gridcare.knowledge.tests.conftest import Publish
from gridcare.portal.models import PortalUser
from gridcare.portal.services import auth


def test_expired_and_future_articles_are_not_found(town: City, publish: Publish) -> None:
    today = timezone.localdate()
    live = publish("峰谷电价时段", "高峰和低谷", audience="public")
    publish("旧峰谷电价时段", "已废止", audience="public", expires_on=today)
    publish("新峰谷电价时段", "明年执行", audience="public", effective_from=today + timedelta(days=1))
    found = search.search("峰谷电价", company_id=None, internal=False, on=today)
    assert [r.id for r in found.items] == [live.pk]
    page = Client().get("/portal/help/", {"q": "峰谷电价"})
    assert page.status_code == 200
    assert "旧峰谷" not in page.content.decode() and "新峰谷" not in page.content.decode()


def test_internal_articles_are_hidden_from_the_portal_but_staff_find_them(town: City, publish: Publish) -> None:
    public = publish("欠费停电规定", "逾期催缴后停电", audience="public")
    internal = publish("欠费停电话术", "内部话术", kind="script", audience="internal")
    staff = api_client(town.agent).get("/api/v1/knowledge/search", {"q": "欠费停电"})
    assert staff.status_code == 200
    assert {i["id"] for i in staff.json()["items"]} == {public.pk, internal.pk}
    user = PortalUser.objects.create(phone="13812345678", created_at=timezone.now())
    customer = Client(headers={"Authorization": f"Bearer {auth.token_issue(user=user)}"})
    answer = customer.get("/api/v1/portal/help/search", {"q": "欠费停电"})
    assert answer.status_code == 200, answer.content
    assert [i["id"] for i in answer.json()["items"]] == [public.pk]
    assert customer.get(f"/api/v1/portal/help/articles/{internal.pk}").status_code == 404
    assert customer.get(f"/api/v1/portal/help/articles/{public.pk}").status_code == 200
    hidden = Client().get(f"/portal/help/{internal.pk}/", follow=True)
    assert hidden.redirect_chain == [("/portal/help/", 302)]
    assert "未找到这篇帮助文章。" in hidden.content.decode() and "内部话术" not in hidden.content.decode()


def test_a_staff_token_is_no_credential_for_the_portal_help(town: City, publish: Publish) -> None:
    publish("欠费停电规定", "逾期催缴后停电", audience="public")
    assert api_client(town.agent).get("/api/v1/portal/help/search", {"q": "停电"}).status_code == 401
