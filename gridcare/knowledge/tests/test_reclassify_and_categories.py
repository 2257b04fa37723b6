"""Filing the knowledge base (SELF-1): an article reclassified on its page and through the API
(kind, category, tags, public or internal), the search following at once; categories created,
renamed, reordered and retired only when empty. Every refusal changes nothing."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from gridcare.core.history import history_lines
from gridcare.core.testing import City, api_client, signed_in
from gridcare.knowledge import category_services as categories
from gridcare.knowledge import search
from gridcare.knowledge.models import Article, Category, CategoryEvent, KnowledgeEvent, SearchDoc
from gridcare.knowledge.tests.conftest import Publish
from gridcare.org.access import scope_for

ON = date(2026, 6, 1)


def _category(town: City, name: str) -> Category:
    return categories.category_create(scope=scope_for(town.supervisor), actor=town.supervisor, name=name)


def _found(town: City, text: str, **filters: object) -> list[int]:
    return [r.id for r in search.search(text, company_id=town.company.pk, on=ON, **filters).items]  # type: ignore[arg-type]


def test_the_page_reclassifies_and_search_follows(town: City, publish: Publish) -> None:
    article = publish("过户办理", "身份证和产权证明", kind="faq", tags=("过户",))
    fees = _category(town, "业务办理")
    page = signed_in(town.supervisor)
    form = page.get(f"/knowledge/articles/{article.pk}/classing/").content.decode()
    assert 'value="过户"' in form and "业务办理" in form
    answer = page.post(
        f"/knowledge/articles/{article.pk}/classing/",
        {"kind": "procedure", "category": str(fees.pk), "tags": "过户 更名", "audience": "public"},
    )
    assert answer.status_code == 302
    article.refresh_from_db()
    assert (article.kind, article.category_id, article.audience) == ("procedure", fees.pk, "public")
    assert sorted(article.tags.values_list("name", flat=True)) == ["更名", "过户"]
    assert SearchDoc.objects.filter(article=article, kind="procedure", category=fees, audience="public").exists()
    assert _found(town, "过户", internal=False, kinds=["procedure"], category_id=fees.pk) == [article.pk]
    draft = page.get(f"/knowledge/articles/{article.pk}/new-version/").content.decode()
    assert '<option value="public" selected>' in draft  # the next version starts as it is filed now
    [line] = history_lines(KnowledgeEvent.objects.filter(article=article, type="reclassed"))
    assert line.sentence == "supervisor 重新归类，类型改为办事指南，分类改为“业务办理”，改为公开，标签改为：更名、过户"


def test_making_an_article_public_needs_a_reviewer(town: City, publish: Publish) -> None:
    article = publish("内部话术", "您好，这里是95598", kind="script")
    events = KnowledgeEvent.objects.count()
    client = api_client(town.manager)  # KNOWLEDGE_EDIT without KNOWLEDGE_REVIEW
    body = {"kind": "script", "tags": [], "audience": "public"}
    answer = client.put(f"/api/v1/knowledge/articles/{article.pk}/classing", body, content_type="application/json")
    assert answer.status_code == 403
    article.refresh_from_db()
    assert (article.audience, KnowledgeEvent.objects.count()) == ("internal", events)
    assert _found(town, "95598", internal=False) == []
    faq = client.put(
        f"/api/v1/knowledge/articles/{article.pk}/classing",
        {"kind": "faq", "tags": ["问候"]},
        content_type="application/json",
    )
    assert faq.status_code == 200 and (faq.json()["kind"], faq.json()["tags"]) == ("faq", ["问候"])


def test_the_same_classing_twice_writes_once(town: City, publish: Publish) -> None:
    article = publish("峰谷电价", "峰段 8:00-22:00", kind="policy")
    client = api_client(town.supervisor)
    body = {"kind": "faq", "category": None, "tags": ["电价"], "audience": "internal"}
    url = f"/api/v1/knowledge/articles/{article.pk}/classing"
    first = client.put(url, body, content_type="application/json")
    again = client.put(url, body, content_type="application/json")
    assert (first.status_code, again.status_code) == (200, 200)
    assert KnowledgeEvent.objects.filter(article=article, type="reclassed").count() == 1
    foreign = Category.objects.create(company=town.foreign_account.supply_unit.company, code="x", name="外公司")
    refused = client.put(url, {**body, "category": foreign.pk}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["errors"] == {"category": "没有这个分类。"}
    assert Article.objects.get(pk=article.pk).category_id is None


def test_categories_through_the_api(town: City, publish: Publish) -> None:
    client = api_client(town.supervisor)
    made = [client.post("/api/v1/knowledge/categories", {"name": n}, content_type="application/json") for n in "甲乙丙"]
    assert [m.status_code for m in made] == [201, 201, 201]
    a, b, c = (m.json()["id"] for m in made)
    same = client.post("/api/v1/knowledge/categories", {"name": "甲"}, content_type="application/json")
    assert same.status_code == 422 and same.json()["errors"] == {"name": "已有同名的分类。"}
    moved = client.patch(
        f"/api/v1/knowledge/categories/{c}", {"name": "丙类", "position": 1}, content_type="application/json"
    )
    assert (moved.json()["name"], moved.json()["position"]) == ("丙类", 1)
    order = client.put("/api/v1/knowledge/categories/order", {"ids": [b, a, c]}, content_type="application/json")
    assert [(x["id"], x["position"]) for x in order.json()] == [(b, 1), (a, 2), (c, 3)]
    bad = client.put("/api/v1/knowledge/categories/order", {"ids": [b, a]}, content_type="application/json")
    assert bad.status_code == 422
    assert [x["id"] for x in client.get("/api/v1/knowledge/categories").json()] == [b, a, c]

    article = publish("阶梯电价", "一档 2760 千瓦时")
    Article.objects.filter(pk=article.pk).update(category_id=a)
    before = CategoryEvent.objects.count()
    used = client.post(f"/api/v1/knowledge/categories/{a}/retire")
    assert used.status_code == 409 and "还有 1 篇文章" in used.json()["detail"]
    assert (Category.objects.get(pk=a).retired_at, CategoryEvent.objects.count()) == (None, before)
    retired = client.post(f"/api/v1/knowledge/categories/{b}/retire")
    assert retired.status_code == 200 and retired.json()["position"] == 0
    assert client.post(f"/api/v1/knowledge/categories/{b}/retire").status_code == 200  # again: as it is
    assert [x["id"] for x in client.get("/api/v1/knowledge/categories").json()] == [a, c]
    refiled = client.put(
        f"/api/v1/knowledge/articles/{article.pk}/classing",
        {"kind": "faq", "category": b},
        content_type="application/json",
    )
    assert refiled.status_code == 422  # a retired category takes no articles
    viewer = api_client(town.agent)
    assert viewer.get("/api/v1/knowledge/categories").status_code == 200
    assert (
        viewer.post("/api/v1/knowledge/categories", {"name": "丁"}, content_type="application/json").status_code == 403
    )
    assert Category.objects.filter(name="丁").count() == 0


def test_the_categories_page_moves_and_retires_asked_first(town: City) -> None:
    first, second = _category(town, "电价电费"), _category(town, "停电报修")
    page = signed_in(town.supervisor)
    assert page.post("/knowledge/categories/", {"name": "节约用电"}).status_code == 302
    page.post(f"/knowledge/categories/{second.pk}/move/", {"direction": "up"})
    listed = page.get("/knowledge/categories/")
    assert [c.name for c in listed.context["rows"]] == ["停电报修", "电价电费", "节约用电"]
    asked = page.post(f"/knowledge/categories/{first.pk}/retire/")
    assert asked.status_code == 200 and "停用不能撤销" in asked.content.decode()
    assert Category.objects.get(pk=first.pk).retired_at is None  # asked only
    page.post(f"/knowledge/categories/{first.pk}/retire/", {"confirmed": "1"})
    assert Category.objects.get(pk=first.pk).retired_at is not None
    assert Category.objects.get(pk=first.pk).retired_at <= timezone.now()
    form = page.get("/knowledge/articles/new/").content.decode()
    assert "停电报修" in form and "电价电费" not in form
