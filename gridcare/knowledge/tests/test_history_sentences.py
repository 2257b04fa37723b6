"""Every knowledge event type has its label and a sentence (issue 13, convention 4), and the
article page shows the history as sentences."""

from __future__ import annotations

from gridcare.core.history import history_lines, table_of
from gridcare.core.testing import City, signed_in
from gridcare.knowledge.events import CategoryEventType, KnowledgeEventType
from gridcare.knowledge.models import CategoryEvent, KnowledgeEvent
from gridcare.knowledge.tests.conftest import Publish


def test_every_type_has_a_label_and_a_sentence() -> None:
    table = table_of(KnowledgeEvent)
    assert table is not None
    assert {str(k): str(v) for k, v in table.labels.items()} == {str(k): str(v) for k, v in KnowledgeEventType.choices}
    assert [t for t in KnowledgeEventType.values if not table.alternatives(t)] == []


def test_the_history_reads_as_sentences(town: City, publish: Publish) -> None:
    article = publish("过户办理", "身份证")
    lines = [line.sentence for line in history_lines(KnowledgeEvent.objects.filter(article=article))]
    assert lines == [
        "supervisor 新建文章《过户办理》",
        "supervisor 保存第 1 版草稿",
        "supervisor 将第 1 版提交审核",
        "other_supervisor 审核通过第 1 版并发布",
    ]
    page = signed_in(town.supervisor).get(f"/knowledge/articles/{article.pk}/").content.decode()
    assert "other_supervisor 审核通过第 1 版并发布" in page and "published" not in page


def test_every_category_type_has_a_label_and_a_sentence() -> None:
    table = table_of(CategoryEvent)
    assert table is not None
    assert set(table.labels) == set(CategoryEventType.values)
    assert [t for t in CategoryEventType.values if not table.alternatives(t)] == []
