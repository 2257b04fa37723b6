"""Saved searches (issue 18): a person names a search of the list, sees their own, applies and
deletes them; nobody sees or deletes another person's."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.models import SavedSearch
from gridcare.workorders.tests.conftest import Clock


def test_a_search_is_saved_listed_applied_and_deleted(town: City, clock: Clock) -> None:
    client = signed_in(town.agent)
    saved = client.post(
        "/workorders/searches/", {"name": "本周投诉", "query": "view=all&type=complaint&evil=1&sort=-received"}
    )
    assert saved.status_code == 302
    row = SavedSearch.objects.get()
    assert (row.staff_id, row.name, row.query) == (
        town.agent.staff.pk,
        "本周投诉",
        "view=all&sort=-received&type=complaint",
    )
    page = client.get("/workorders/").content.decode()
    assert 'href="?view=all&amp;sort=-received&amp;type=complaint">本周投诉</a>' in page
    assert "本周投诉" not in signed_in(town.supervisor).get("/workorders/").content.decode()
    assert api_client(town.agent).get("/api/v1/workorders/saved-searches").json() == [
        {"id": row.pk, "name": "本周投诉", "query": row.query}
    ]
    assert signed_in(town.supervisor).post(f"/workorders/searches/{row.pk}/delete/").status_code == 404
    assert api_client(town.supervisor).delete(f"/api/v1/workorders/saved-searches/{row.pk}").status_code == 404
    assert SavedSearch.objects.count() == 1
    assert client.post(f"/workorders/searches/{row.pk}/delete/").status_code == 302
    assert SavedSearch.objects.count() == 0


def test_the_same_name_replaces_and_a_bad_one_is_refused(town: City, clock: Clock) -> None:
    scope = scope_for(town.agent)
    services.saved_search_save(scope=scope, name="故障", query="type=fault")
    services.saved_search_save(scope=scope, name="故障", query="type=fault&status=received")
    assert list(SavedSearch.objects.values_list("name", "query")) == [("故障", "type=fault&status=received")]
    with pytest.raises(InvalidInput) as refused:
        services.saved_search_save(scope=scope, name="", query="nothing=1")
    assert refused.value.errors == {"name": "请给查询起个名字。", "query": "请先设置查询条件。"}
    answer = api_client(town.agent).post(
        "/api/v1/workorders/saved-searches", {"name": "x" * 41, "query": "type=fault"}, content_type="application/json"
    )
    assert (answer.status_code, answer.json()["errors"]) == (422, {"name": "最多40个字。"})
    assert SavedSearch.objects.count() == 1
