"""The demo content: at least 60 articles covering every hall business type and every work-order
type, with the rules table's numbers; seeding a second time adds nothing."""

from __future__ import annotations

from gridcare.core.testing import City
from gridcare.halls.models import Kind as HallKind
from gridcare.knowledge import search, selectors
from gridcare.knowledge.demo import seed_knowledge
from gridcare.knowledge.demo_articles import ARTICLES
from gridcare.knowledge.models import Article, ArticleVersion, KnowledgeEvent, SearchDoc
from gridcare.workorders.models import OrderType

# The words that find each work-order type's articles.
ORDER_WORDS = {
    OrderType.FAULT: "故障报修",
    OrderType.COMPLAINT: "投诉",
    OrderType.REPORT: "举报",
    OrderType.OPINION: "意见",
    OrderType.SUGGESTION: "建议",
    OrderType.PRAISE: "表扬",
    OrderType.INQUIRY: "咨询",
    OrderType.SERVICE_REQUEST: "服务申请",
    OrderType.URGING: "催办",
}


def test_seeding_twice_adds_nothing(town: City) -> None:
    first = seed_knowledge()
    counts = (
        Article.objects.count(),
        ArticleVersion.objects.count(),
        SearchDoc.objects.count(),
        KnowledgeEvent.objects.count(),
    )
    second = seed_knowledge()
    assert first == f"knowledge base: {len(ARTICLES)} new articles ({len(ARTICLES)} in the demo content)"
    assert second == f"knowledge base: 0 new articles ({len(ARTICLES)} in the demo content)"
    assert counts == (
        Article.objects.count(),
        ArticleVersion.objects.count(),
        SearchDoc.objects.count(),
        KnowledgeEvent.objects.count(),
    )
    assert counts[0] == len(ARTICLES) >= 60 and counts[2] == counts[0]


def test_the_content_covers_every_business_type_and_order_type(town: City) -> None:
    seed_knowledge()
    company = town.company.pk
    for kind in HallKind.values:
        assert selectors.suggest(selectors.HALL_WORDS[kind], company_id=company), kind
    for order_type, words in ORDER_WORDS.items():
        assert search.search(words, company_id=company, internal=True, on=_today()).count, order_type


def test_the_numbers_are_the_rules_tables(town: City) -> None:
    seed_knowledge()
    penalty = Article.objects.get(demo_key="penalty-rate").published_version
    assert penalty is not None and "每日按欠费金额的 0.1% 计算" in penalty.body
    repair = Article.objects.get(demo_key="repair-promise").published_version
    assert repair is not None and "城区 45 分钟，农村 90 分钟" in repair.body
    nc = Article.objects.get(demo_key="nc-hv-steps").published_version
    assert nc is not None and "单电源不超过 22 个工作日，双电源不超过 32 个工作日" in nc.body


def _today():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()
