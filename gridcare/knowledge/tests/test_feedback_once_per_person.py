"""Helpful or not, once per person per article (the API and the page's htmx buttons)."""

from __future__ import annotations

from gridcare.core.testing import City, api_client, signed_in
from gridcare.knowledge.models import Feedback
from gridcare.knowledge.tests.conftest import Publish


def test_one_person_gives_feedback_once(town: City, publish: Publish) -> None:
    article = publish("销户办理", "结清电费后办理")
    agent = api_client(town.agent)
    url = f"/api/v1/knowledge/articles/{article.pk}/feedback"
    first = agent.post(url, {"helpful": True}, content_type="application/json")
    again = agent.post(url, {"helpful": False}, content_type="application/json")
    assert first.json() == {"recorded": True, "helpful": 1, "unhelpful": 0}
    assert again.json() == {"recorded": False, "helpful": 1, "unhelpful": 0}
    other = api_client(town.clerk).post(url, {"helpful": False}, content_type="application/json")
    assert other.json() == {"recorded": True, "helpful": 1, "unhelpful": 1}
    assert Feedback.objects.count() == 2


def test_the_page_buttons_answer_with_the_fragment(town: City, publish: Publish) -> None:
    article = publish("销户办理", "结清电费后办理")
    client = signed_in(town.clerk)
    page = client.get(f"/knowledge/articles/{article.pk}/")
    assert page.status_code == 200 and 'hx-post="/knowledge/articles/' in page.content.decode()
    answer = client.post(
        f"/knowledge/articles/{article.pk}/feedback/", {"helpful": "1"}, headers={"HX-Request": "true"}
    )
    assert answer.status_code == 200
    assert "您评价为有帮助" in answer.content.decode()
    client.post(f"/knowledge/articles/{article.pk}/feedback/", {"helpful": "0"}, headers={"HX-Request": "true"})
    assert list(Feedback.objects.values_list("user_id", "helpful")) == [(town.clerk.pk, True)]


def test_an_article_of_another_company_is_not_found(town: City, publish: Publish) -> None:
    article = publish("销户办理", "结清电费后办理")
    answer = api_client(town.foreign_clerk).post(
        f"/api/v1/knowledge/articles/{article.pk}/feedback", {"helpful": True}, content_type="application/json"
    )
    assert answer.status_code == 404
    assert Feedback.objects.count() == 0
