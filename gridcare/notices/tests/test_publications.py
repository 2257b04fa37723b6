"""Public notices and service publicity (SELF-3): written as drafts by the posts that keep the
customers' wording, each within their reach; seen by the customers of their area only once
published (at once or at the time set), and no longer once withdrawn; each step in the history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from gridcare.core.exceptions import Forbidden, InvalidInput
from gridcare.core.history import history_lines
from gridcare.core.testing import City
from gridcare.notices.article import Article, article_html, article_text
from gridcare.notices.exceptions import InvalidTransition
from gridcare.notices.models import Publication, PublicationEvent, PublicationStatus
from gridcare.notices.selectors import publication_area_label, publication_list, publications_live
from gridcare.notices.services.publications import (
    PublicationData,
    publication_create,
    publication_edit,
    publication_transition,
)
from gridcare.notices.tests.conftest import MORNING
from gridcare.org.access import scope_for


def _data(**changes: str) -> PublicationData:
    fields = {
        "title": "城区营业厅春节营业时间",
        "body": "2月17日至2月23日营业时间为9:00-16:00。\n其余时间请使用网上营业厅。",
        "kind": "hall_hours",
        "area": "unit",
        "unit": "U1",
    }
    return PublicationData(**{**fields, **changes})


def _live(town: City, *, units: list[int], now: datetime | None = None) -> list[str]:
    rows = publications_live(company_ids=[town.company.pk], unit_ids=units, now=now or MORNING)
    return [p.title for p in rows]


def test_a_draft_is_seen_only_once_published_only_in_its_area_and_not_once_withdrawn(town: City) -> None:
    scope = scope_for(town.supervisor)
    draft = publication_create(scope=scope, actor=town.supervisor, data=_data())
    assert (draft.status, draft.unit_id, draft.company_id, draft.published_at) == (
        "draft",
        town.unit.pk,
        town.company.pk,
        None,
    )
    assert _live(town, units=[town.unit.pk]) == []
    published = publication_transition(
        scope=scope, actor=town.supervisor, publication=draft, to=PublicationStatus.PUBLISHED, now=MORNING
    )
    assert (published.status, published.published_at) == ("published", MORNING)
    assert _live(town, units=[town.unit.pk]) == ["城区营业厅春节营业时间"]
    assert _live(town, units=[town.other_unit.pk]) == []  # another unit's customers
    assert publications_live(company_ids=[], unit_ids=[], now=MORNING).count() == 0
    publication_transition(
        scope=scope, actor=town.supervisor, publication=published, to=PublicationStatus.WITHDRAWN, now=MORNING
    )
    assert _live(town, units=[town.unit.pk], now=MORNING + timedelta(minutes=1)) == []
    lines = [(line.who, line.sentence) for line in history_lines(PublicationEvent.objects.order_by("id"))]
    assert lines == [
        ("supervisor", "supervisor 撰写公告"),
        ("supervisor", "supervisor 发布公告，客户自 2026-11-24 10:00 起可见"),
        ("supervisor", "supervisor 撤回公告，客户不再可见"),
    ]


def test_a_publication_set_ahead_appears_at_its_time(town: City) -> None:
    scope = scope_for(town.admin)
    draft = publication_create(scope=scope, actor=town.admin, data=_data(area="company", unit="", kind="tariff"))
    at = MORNING + timedelta(days=2)
    publication_transition(
        scope=scope, actor=town.admin, publication=draft, to=PublicationStatus.PUBLISHED, at=at, now=MORNING
    )
    assert _live(town, units=[town.other_unit.pk], now=at - timedelta(seconds=1)) == []
    assert _live(town, units=[town.other_unit.pk], now=at) == ["城区营业厅春节营业时间"]
    assert _live(town, units=[], now=at) == ["城区营业厅春节营业时间"]  # the company's: every unit of it


def test_every_customer_sees_an_all_areas_publication(town: City) -> None:
    scope = scope_for(town.admin)
    made = publication_create(scope=scope, actor=town.admin, data=_data(area="all", unit="", kind="campaign"))
    publication_transition(scope=scope, actor=town.admin, publication=made, to=PublicationStatus.PUBLISHED, now=MORNING)
    assert [p.pk for p in publications_live(company_ids=[], unit_ids=[], now=MORNING)] == [made.pk]
    assert publication_area_label(made) == "全部地区"


def test_a_unit_post_writes_only_for_its_unit_and_others_not_at_all(town: City) -> None:
    scope = scope_for(town.supervisor)
    for changes, field, message in (
        ({"area": "company", "unit": ""}, "area", "您只能发布到本单位。"),
        ({"area": "all", "unit": ""}, "area", "只有系统管理员可以发布到全部地区。"),
        ({"unit": "U2"}, "unit", "请选择您管辖范围内的供电单位。"),
        ({"title": " "}, "title", "请填写标题。"),
        ({"body": "字" * 5001}, "body", "正文最多5000个字。"),
        ({"kind": "gossip"}, "kind", "请选择类别。"),
    ):
        with pytest.raises(InvalidInput) as refused:
            publication_create(scope=scope, actor=town.supervisor, data=_data(**changes))
        assert refused.value.errors == {field: message}, changes
    for persona in ("clerk", "planner", "agent", "manager"):
        user = town.users[persona]
        with pytest.raises(Forbidden):
            publication_create(scope=scope_for(user), actor=user, data=_data())
    assert not Publication.objects.exists()
    assert not PublicationEvent.objects.exists()


def test_moves_outside_the_table_are_refused_and_change_nothing(town: City) -> None:
    scope = scope_for(town.supervisor)
    draft = publication_create(scope=scope, actor=town.supervisor, data=_data())
    with pytest.raises(InvalidTransition):
        publication_transition(scope=scope, actor=town.supervisor, publication=draft, to=PublicationStatus.WITHDRAWN)
    with pytest.raises(InvalidInput):
        publication_transition(
            scope=scope,
            actor=town.supervisor,
            publication=draft,
            to=PublicationStatus.PUBLISHED,
            at=MORNING + timedelta(days=91),
            now=MORNING,
        )
    publication_transition(
        scope=scope, actor=town.supervisor, publication=draft, to=PublicationStatus.PUBLISHED, now=MORNING
    )
    with pytest.raises(InvalidTransition):
        publication_transition(scope=scope, actor=town.supervisor, publication=draft, to=PublicationStatus.PUBLISHED)
    publication_transition(scope=scope, actor=town.supervisor, publication=draft, to=PublicationStatus.WITHDRAWN)
    with pytest.raises(InvalidTransition):
        publication_edit(scope=scope, actor=town.supervisor, publication=draft, data=_data(title="新标题"))
    draft.refresh_from_db()
    assert (draft.status, draft.title) == ("withdrawn", "城区营业厅春节营业时间")
    assert PublicationEvent.objects.count() == 3


def test_editing_saves_what_changed_and_the_lists_keep_to_their_reach(town: City) -> None:
    scope = scope_for(town.supervisor)
    made = publication_create(scope=scope, actor=town.supervisor, data=_data())
    same = publication_edit(scope=scope, actor=town.supervisor, publication=made, data=_data())
    assert PublicationEvent.objects.count() == 1 and same.title == made.title
    publication_edit(scope=scope, actor=town.supervisor, publication=made, data=_data(title="营业时间调整"))
    made.refresh_from_db()
    assert made.title == "营业时间调整" and PublicationEvent.objects.count() == 2
    assert [p.pk for p in publication_list(scope=scope)] == [made.pk]
    assert list(publication_list(scope=scope_for(town.other_supervisor))) == []
    assert [p.pk for p in publication_list(scope=scope_for(town.admin))] == [made.pk]


def test_the_wechat_article_has_inline_styles_and_escapes_everything() -> None:
    article = Article(
        title="电价<调整>通知",
        body="自1月1日起执行新电价。\n\n  详见 <a href=x>公告</a> & 附件  ",
        kind="电价调整",
        area="城区供电所",
        published_at=MORNING,
        company="国网示范市供电公司",
    )
    html = article_html(article)
    assert "<style" not in html and "class=" not in html
    assert (
        '<h2 style="margin:0 0 8px;font-size:20px;font-weight:bold;line-height:1.4;color:#0b6b4f;">电价&lt;调整&gt;通知</h2>'
        in html
    )
    assert '<p style="margin:0 0 16px;font-size:13px;color:#888888;">电价调整 · 城区供电所 · 2026年11月24日</p>' in html
    assert html.count("text-indent:2em") == 2
    assert "详见 &lt;a href=x&gt;公告&lt;/a&gt; &amp; 附件</p>" in html
    assert html.rstrip().endswith("服务热线 95598</p>\n</section>")
    assert article_text(article) == (
        "电价<调整>通知\n电价调整 · 城区供电所 · 2026年11月24日\n\n"
        "　　自1月1日起执行新电价。\n　　详见 <a href=x>公告</a> & 附件\n\n国网示范市供电公司\n服务热线 95598\n"
    )
