"""The full-text index behind search: an FTS5 table kept by triggers on SQLite, a generated
tsvector with a GIN index on PostgreSQL; both follow SearchDoc in the same transaction."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from gridcare.core.testing import City, city, run_together
from gridcare.knowledge import search, services
from gridcare.knowledge.exceptions import VersionConflict
from gridcare.knowledge.models import ArticleVersion, SearchDoc, VersionStatus
from gridcare.knowledge.tests.conftest import Publish
from gridcare.org.access import scope_for

ON = date(2026, 6, 1)


def _one(sql: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return row[0] if row else None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite index")
def test_sqlite_keeps_the_fts5_table_with_the_documents(town: City, publish: Publish) -> None:
    article = publish("过户办理", "身份证和产权证明")
    assert _one("SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH '\"过户\"'") == 1
    SearchDoc.objects.filter(article=article).delete()
    assert _one("SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH '\"过户\"'") == 0


@pytest.mark.postgres
def test_postgres_has_the_tsvector_and_its_gin_index(town: City, publish: Publish) -> None:
    article = publish("过户办理", "身份证和产权证明")
    index = _one("SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_searchdoc_document_gin'")
    assert "gin (document)" in str(index)
    vector = _one(f"SELECT document::text FROM knowledge_searchdoc WHERE article_id = {article.pk}")  # noqa: S608
    assert "'过户':1A" in str(vector)  # the jieba word whole, weight A (the title)
    found = search.search("过户", company_id=town.company.pk, internal=True, on=ON)
    assert [r.id for r in found.items] == [article.pk] and found.items[0].score > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_publish_a_version_once() -> None:
    town = city()
    editor = town.supervisor
    version = services.article_create(
        scope=scope_for(editor),
        actor=editor,
        classing=services.Classing(kind="faq"),
        draft=services.Draft(title="销户办理", body="结清电费"),
    )
    services.version_submit(scope=scope_for(editor), actor=editor, version=version)
    reviewers = [town.other_supervisor, town.admin]

    def approve(i: int) -> ArticleVersion:
        who = reviewers[i]
        return services.version_review(scope=scope_for(who), actor=who, version=version, approve=True)

    results, errors = run_together(2, approve)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], VersionConflict)
    assert ArticleVersion.objects.get(pk=version.pk).status == VersionStatus.PUBLISHED
    assert SearchDoc.objects.count() == 1


def test_a_reclassed_article_is_found_by_its_new_kind(town: City, publish: Publish) -> None:
    article = publish("过户办理", "身份证和产权证明", kind="faq")
    services.article_reclass(
        scope=scope_for(town.supervisor),
        actor=town.supervisor,
        article=article,
        classing=services.Classing(kind="script"),
    )
    as_script = search.search("过户", company_id=town.company.pk, internal=True, on=ON, kinds=["script"])
    as_faq = search.search("过户", company_id=town.company.pk, internal=True, on=ON, kinds=["faq"])
    assert ([r.id for r in as_script.items], as_faq.count) == ([article.pk], 0)
