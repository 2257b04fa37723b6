"""Who may do what in the knowledge base, per post (org.access POSTS): every post serving
customers reads; hall managers and supervisors write; supervisors review; planners see nothing;
another company's articles are not found."""

from __future__ import annotations

import pytest

from gridcare.core.testing import City, signed_in
from gridcare.knowledge.tests.conftest import Publish
from gridcare.org.access import Capability, holders
from gridcare.org.models import Role

C = Capability


def test_the_capability_table() -> None:
    serving = set(Role) - {Role.PLANNER}
    assert holders(C.KNOWLEDGE_VIEW) == serving
    assert holders(C.KNOWLEDGE_EDIT) == {Role.HALL_MANAGER, Role.SUPERVISOR, Role.ADMINISTRATOR}
    assert holders(C.KNOWLEDGE_REVIEW) == {Role.SUPERVISOR, Role.ADMINISTRATOR}


@pytest.mark.parametrize(
    ("persona", "search", "new", "review", "figures"),
    [
        ("clerk", 200, 403, 403, 403),
        ("guide", 200, 403, 403, 403),
        ("agent", 200, 403, 403, 403),
        ("manager", 200, 200, 403, 200),
        ("supervisor", 200, 200, 200, 200),
        ("planner", 403, 403, 403, 403),
        ("admin", 200, 200, 200, 200),
        ("outsider", 404, 404, 404, 404),
    ],
)
def test_pages_per_post(town: City, persona: str, search: int, new: int, review: int, figures: int) -> None:
    client = signed_in(town.users[persona])
    got = [
        client.get(url).status_code
        for url in ("/knowledge/", "/knowledge/articles/new/", "/knowledge/review/", "/knowledge/figures/")
    ]
    assert got == [search, new, review, figures]


def test_a_draft_is_read_by_editors_only(town: City, publish: Publish) -> None:
    from gridcare.knowledge import services
    from gridcare.org.access import scope_for

    version = services.article_create(
        scope=scope_for(town.supervisor),
        actor=town.supervisor,
        classing=services.Classing(kind="faq"),
        draft=services.Draft(title="草稿文章", body="还没发布"),
    )
    url = f"/knowledge/articles/{version.article_id}/"
    assert signed_in(town.clerk).get(url).status_code == 404
    assert signed_in(town.manager).get(url).status_code == 200
    assert signed_in(town.manager).get(f"/knowledge/versions/{version.pk}/").status_code == 200
    assert signed_in(town.clerk).get(f"/knowledge/versions/{version.pk}/").status_code == 404


def test_another_companys_clerk_does_not_find_our_articles(town: City, publish: Publish) -> None:
    article = publish("过户办理", "身份证")
    client = signed_in(town.foreign_clerk)
    assert client.get(f"/knowledge/articles/{article.pk}/").status_code == 404
    assert "过户办理" not in client.get("/knowledge/", {"q": "过户"}).content.decode()
