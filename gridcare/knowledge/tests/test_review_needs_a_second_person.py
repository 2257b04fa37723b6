"""A version is published only by another person than its editor (four eyes); a refused step
changes nothing; publishing puts the version in the index in the same transaction."""

from __future__ import annotations

from datetime import date

import pytest

from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City
from gridcare.knowledge import search, services
from gridcare.knowledge.exceptions import ArticleRefused, OwnReview, VersionConflict
from gridcare.knowledge.models import Article, ArticleVersion, KnowledgeEvent, SearchDoc, VersionStatus
from gridcare.org.access import scope_for

ON = date(2026, 6, 1)


def _draft(town: City, title: str = "过户需要带哪些材料", body: str = "新户主身份证和房屋产权证明。") -> ArticleVersion:
    editor = town.supervisor
    return services.article_create(
        scope=scope_for(editor),
        actor=editor,
        classing=services.Classing(kind="procedure", tags=["过户"]),
        draft=services.Draft(title=title, body=body, audience="public"),
    )


def _state() -> tuple[object, ...]:
    return (
        list(ArticleVersion.objects.order_by("pk").values_list("status", "reviewer_id")),
        list(Article.objects.order_by("pk").values_list("published_version_id", "title")),
        SearchDoc.objects.count(),
        KnowledgeEvent.objects.count(),
    )


def test_the_editor_cannot_approve_their_own_version_and_nothing_changes(town: City) -> None:
    version = _draft(town)
    services.version_submit(scope=scope_for(town.supervisor), actor=town.supervisor, version=version)
    before = _state()
    with pytest.raises(OwnReview):
        services.version_review(scope=scope_for(town.supervisor), actor=town.supervisor, version=version, approve=True)
    assert _state() == before
    assert search.search("过户", company_id=town.company.pk, internal=True, on=ON).count == 0


def test_another_reviewer_publishes_and_the_article_is_found(town: City) -> None:
    version = _draft(town)
    services.version_submit(scope=scope_for(town.supervisor), actor=town.supervisor, version=version)
    done = services.version_review(
        scope=scope_for(town.other_supervisor), actor=town.other_supervisor, version=version, approve=True, note="可以"
    )
    assert (done.status, done.reviewer_id, done.review_note) == (
        VersionStatus.PUBLISHED,
        town.other_supervisor.pk,
        "可以",
    )
    article = Article.objects.get(pk=version.article_id)
    assert article.published_version_id == version.pk
    found = search.search("过户要带什么", company_id=town.company.pk, internal=False, on=ON)
    assert [r.id for r in found.items] == [article.pk]
    types = list(KnowledgeEvent.objects.filter(article=article).values_list("type", flat=True))
    assert types == ["article_created", "draft_saved", "submitted", "published"]


def test_a_post_without_review_may_not_review(town: City) -> None:
    version = _draft(town)
    services.version_submit(scope=scope_for(town.supervisor), actor=town.supervisor, version=version)
    before = _state()
    with pytest.raises(Forbidden):  # a hall manager edits but does not review
        services.version_review(scope=scope_for(town.manager), actor=town.manager, version=version, approve=True)
    assert _state() == before


def test_a_draft_cannot_be_approved_before_it_is_submitted(town: City) -> None:
    version = _draft(town)
    before = _state()
    with pytest.raises(VersionConflict):
        services.version_review(
            scope=scope_for(town.other_supervisor), actor=town.other_supervisor, version=version, approve=True
        )
    assert _state() == before


def test_a_rejection_needs_a_reason_and_keeps_the_article_unpublished(town: City) -> None:
    version = _draft(town)
    services.version_submit(scope=scope_for(town.supervisor), actor=town.supervisor, version=version)
    reviewer = town.other_supervisor
    with pytest.raises(ArticleRefused) as refused:
        services.version_review(scope=scope_for(reviewer), actor=reviewer, version=version, approve=False)
    assert set(refused.value.errors) == {"note"}
    done = services.version_review(
        scope=scope_for(reviewer), actor=reviewer, version=version, approve=False, note="材料不全"
    )
    assert done.status == VersionStatus.REJECTED
    assert Article.objects.get(pk=version.article_id).published_version_id is None
    assert SearchDoc.objects.count() == 0


def test_a_new_version_supersedes_the_old_one_and_both_are_kept(town: City) -> None:
    first = _draft(town)
    editor, reviewer = town.supervisor, town.other_supervisor
    services.version_submit(scope=scope_for(editor), actor=editor, version=first)
    services.version_review(scope=scope_for(reviewer), actor=reviewer, version=first, approve=True)
    article = Article.objects.get(pk=first.article_id)
    second = services.version_draft(
        scope=scope_for(editor),
        actor=editor,
        article=article,
        draft=services.Draft(title="销户需要带哪些材料", body="户主身份证，结清电费。", audience="public"),
    )
    assert second.number == 2
    # the draft is not found yet: the index still has the published version
    assert search.search("过户", company_id=town.company.pk, internal=True, on=ON).count == 1
    services.version_submit(scope=scope_for(editor), actor=editor, version=second)
    services.version_review(scope=scope_for(reviewer), actor=reviewer, version=second, approve=True)
    statuses = dict(ArticleVersion.objects.filter(article=article).values_list("number", "status"))
    assert statuses == {1: VersionStatus.SUPERSEDED, 2: VersionStatus.PUBLISHED}
    assert search.search("过户", company_id=town.company.pk, internal=True, on=ON).count == 0
    assert search.search("销户", company_id=town.company.pk, internal=True, on=ON).count == 1


def test_bad_drafts_are_refused_field_by_field_and_nothing_is_written(town: City) -> None:
    before = _state()
    with pytest.raises(ArticleRefused) as refused:
        services.article_create(
            scope=scope_for(town.supervisor),
            actor=town.supervisor,
            classing=services.Classing(kind="novel"),
            draft=services.Draft(
                title="", body="", audience="everyone", effective_from=date(2026, 5, 1), expires_on=date(2026, 4, 1)
            ),
        )
    assert set(refused.value.errors) == {"title", "body", "audience", "expires_on", "kind"}
    assert _state() == before


def test_a_counter_clerk_may_not_write_articles(town: City) -> None:
    before = _state()
    with pytest.raises(Forbidden):
        _draft_by(town.clerk)
    assert _state() == before


def _draft_by(user: object) -> None:
    services.article_create(
        scope=scope_for(user),  # type: ignore[arg-type]
        actor=user,  # type: ignore[arg-type]
        classing=services.Classing(kind="faq"),
        draft=services.Draft(title="标题", body="正文"),
    )
