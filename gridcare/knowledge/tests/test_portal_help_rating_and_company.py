"""Customers rate help articles in the portal (有帮助 / 没帮助, once per customer and article,
counted in the figures), and the portal's help shows only the customer's own company's public
articles; a visitor sees the configured company's. Page and API; refusals write nothing."""

from __future__ import annotations

from django.test import Client
from pytest_django import Settings

from gridcare.core.testing import City
from gridcare.knowledge import selectors
from gridcare.knowledge.models import Article, Feedback, SearchDoc
from gridcare.knowledge.tests.conftest import Publish
from gridcare.org.access import scope_for
from gridcare.portal.tests.conftest import Customer
from gridcare.portal.tests.conftest import zhang as zhang  # noqa: F401 - the fixture
from gridcare.portal.tests.test_pay_pages import page_client


def _elsewhere(article: Article, town: City) -> Article:
    """The article moved to another supply company (as that company's editors would publish it)."""
    other = town.foreign_account.supply_unit.company_id
    Article.objects.filter(pk=article.pk).update(company_id=other)
    SearchDoc.objects.filter(article=article).update(company_id=other)
    return Article.objects.get(pk=article.pk)


def test_a_customer_rates_once_on_the_page(town: City, publish: Publish, zhang: Customer) -> None:
    article = publish("电费缴纳渠道", "网上国网、银行代扣、营业厅", audience="public")
    page = page_client(zhang.user)
    shown = page.get(f"/portal/help/{article.pk}/").content.decode()
    assert "这篇文章对您有帮助吗？" in shown and 'name="helpful" value="1"' in shown
    first = page.post(f"/portal/help/{article.pk}/feedback/", {"helpful": "1"}, follow=True)
    assert "感谢您的评价。" in first.content.decode() and "您评价了：有帮助" in first.content.decode()
    again = page.post(f"/portal/help/{article.pk}/feedback/", {"helpful": "0"}, follow=True)
    assert "您已评价过这篇文章。" in again.content.decode()
    assert list(Feedback.objects.values_list("customer_id", "helpful")) == [(zhang.user.pk, True)]
    assert "1 人觉得有帮助 · 0 人觉得没帮助" in again.content.decode()


def test_the_api_rating_is_idempotent_and_counted_in_the_figures(town: City, publish: Publish, zhang: Customer) -> None:
    article = publish("停电报修", "拨打95598", audience="public")
    url = f"/api/v1/portal/help/articles/{article.pk}/feedback"
    first = zhang.api().post(url, {"helpful": False}, content_type="application/json")
    again = zhang.api().post(url, {"helpful": True}, content_type="application/json")
    assert first.json() == {"recorded": True, "mine": False, "helpful": 0, "unhelpful": 1}
    assert again.json() == {"recorded": False, "mine": False, "helpful": 0, "unhelpful": 1}
    read = zhang.api().get(f"/api/v1/portal/help/articles/{article.pk}").json()
    assert (read["helpful"], read["unhelpful"], read["mine"]) == (0, 1, False)
    Feedback.objects.create(article=article, user=town.agent, helpful=True, at=article.created_at)
    figures = selectors.figures(scope=scope_for(town.supervisor))
    assert [(f.article.pk, f.helpful, f.unhelpful) for f in figures.most_helpful] == [(article.pk, 1, 1)]
    visitor = Client().post(f"/portal/help/{article.pk}/feedback/", {"helpful": "1"})
    assert visitor.status_code == 302 and visitor["Location"].startswith("/portal/login/")
    assert Feedback.objects.count() == 2


def test_the_help_shows_the_customers_own_company_only(town: City, publish: Publish, zhang: Customer) -> None:
    ours = publish("居民阶梯电价", "一档 2760 千瓦时", audience="public", kind="faq")
    theirs = _elsewhere(publish("外地阶梯电价", "一档 2880 千瓦时", audience="public", kind="faq"), town)
    found = zhang.api().get("/api/v1/portal/help/search", {"q": "阶梯电价"}).json()
    assert [i["id"] for i in found["items"]] == [ours.pk]
    assert zhang.api().get(f"/api/v1/portal/help/articles/{theirs.pk}").status_code == 404
    refused = zhang.api().post(
        f"/api/v1/portal/help/articles/{theirs.pk}/feedback", {"helpful": True}, content_type="application/json"
    )
    assert refused.status_code == 404 and not Feedback.objects.exists()
    front = page_client(zhang.user).get("/portal/help/").content.decode()
    assert "居民阶梯电价" in front and "外地阶梯电价" not in front


def test_a_visitor_sees_the_configured_company(town: City, publish: Publish, settings: Settings) -> None:
    ours = publish("居民阶梯电价", "一档 2760 千瓦时", audience="public", kind="faq")
    theirs = _elsewhere(publish("外地阶梯电价", "一档 2880 千瓦时", audience="public", kind="faq"), town)
    assert "外地<mark>" not in Client().get("/portal/help/", {"q": "阶梯电价"}).content.decode()
    settings.GRIDCARE_KNOWLEDGE = {
        **settings.GRIDCARE_KNOWLEDGE,
        "PORTAL_COMPANY": town.foreign_account.supply_unit.company.code,
    }
    page = Client().get("/portal/help/", {"q": "阶梯电价"}).content.decode()
    assert f"/portal/help/{theirs.pk}/" in page and f"/portal/help/{ours.pk}/" not in page
    assert Client().get(f"/portal/help/{ours.pk}/").status_code == 302  # not this company's: back to the help
    assert Client().get(f"/portal/help/{theirs.pk}/").status_code == 200
