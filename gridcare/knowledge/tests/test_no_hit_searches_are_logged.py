"""Every search someone asks is logged with its hits (the page, the API, the portal), so the
figures show the queries that found nothing; a refused query (too long, empty) logs nothing;
suggestions while typing are not logged."""

from __future__ import annotations

from django.test import Client

from gridcare.core.testing import City, api_client, signed_in
from gridcare.knowledge.models import SearchLog
from gridcare.knowledge.tests.conftest import Publish


def test_a_search_without_hits_is_logged(town: City, publish: Publish) -> None:
    publish("过户办理", "身份证和产权证明")
    answer = api_client(town.agent).get("/api/v1/knowledge/search", {"q": "光伏补贴"})
    assert answer.status_code == 200
    assert answer.json() == {"count": 0, "items": []}
    log = SearchLog.objects.get()
    assert (log.query, log.hits, log.channel, log.user_id, log.company_id) == (
        "光伏补贴",
        0,
        "api",
        town.agent.pk,
        town.company.pk,
    )


def test_page_and_portal_searches_are_logged_with_their_hits(town: City, publish: Publish) -> None:
    publish("过户办理", "身份证和产权证明", audience="public")
    assert signed_in(town.clerk).get("/knowledge/", {"q": "过户"}).status_code == 200
    assert Client().get("/portal/help/", {"q": "过户"}).status_code == 200
    rows = list(SearchLog.objects.order_by("pk").values_list("query", "hits", "channel"))
    assert rows == [("过户", 1, "staff"), ("过户", 1, "portal")]


def test_the_figures_show_the_no_hit_queries(town: City, publish: Publish) -> None:
    publish("过户办理", "身份证和产权证明")
    agent = api_client(town.agent)
    for q in ("光伏补贴", "光伏补贴", "过户", "充电桩"):
        agent.get("/api/v1/knowledge/search", {"q": q})
    figures = api_client(town.supervisor).get("/api/v1/knowledge/figures").json()
    assert (figures["searches"], figures["no_hit"]) == (4, 3)
    assert figures["no_hit_queries"] == [{"query": "光伏补贴", "times": 2}, {"query": "充电桩", "times": 1}]
    page = signed_in(town.supervisor).get("/knowledge/figures/")
    assert page.status_code == 200 and "光伏补贴" in page.content.decode()


def test_a_bad_query_is_refused_in_chinese_and_nothing_is_logged(town: City) -> None:
    agent = api_client(town.agent)
    too_long = agent.get("/api/v1/knowledge/search", {"q": "电" * 101})
    assert too_long.status_code == 422
    assert too_long.json() == {"detail": "查找内容有误。", "errors": {"q": "查找内容不超过 100 个字。"}}
    empty = agent.get("/api/v1/knowledge/search", {"q": "  "})
    assert empty.status_code == 422 and "q" in empty.json()["errors"]
    page = signed_in(town.clerk).get("/knowledge/", {"q": "电" * 101})
    assert page.status_code == 200
    assert SearchLog.objects.count() == 0


def test_suggestions_are_not_logged(town: City, publish: Publish) -> None:
    publish("故障报修受理话术", "非常抱歉停电给您带来不便，请先检查漏电保护器。", kind="script")
    answer = signed_in(town.agent).get("/knowledge/suggest/", {"text": "家里停电了", "target": "#id_text"})
    assert answer.status_code == 200
    body = answer.content.decode()
    assert "故障报修受理话术" in body and "插入话术" in body and 'data-target="#id_text"' in body
    assert SearchLog.objects.count() == 0
