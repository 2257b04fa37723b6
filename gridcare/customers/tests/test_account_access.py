"""Who sees which account, through the API and the pages (CUST-1, CUST-5)."""

from __future__ import annotations

import pytest
from django.test import Client

from gridcare.core.testing import City, api_client, signed_in

# persona → (own unit's account, other unit's account, other company's account)
VISIBILITY = {
    "clerk": (True, True, False),  # hall staff serve the whole city (同城通办)
    "guide": (True, True, False),
    "manager": (True, True, False),
    "other_manager": (True, True, False),
    "agent": (True, True, False),  # the 95598 centre serves the whole company
    "supervisor": (True, False, False),  # unit roles see their unit
    "other_supervisor": (False, True, False),
    "kam": (True, False, False),
    "community": (True, False, False),
    "planner": (True, True, False),  # company-level post
    "admin": (True, True, True),
    "outsider": (False, False, False),
    "foreign_clerk": (False, False, True),
}


def _visible_to(town: City, persona: str) -> list[tuple[str, bool]]:
    """The town's own, other-unit and foreign account numbers, each with whether ``persona`` sees it."""
    accounts = (town.account.account_no, town.other_unit_account.account_no, town.foreign_account.account_no)
    return list(zip(accounts, VISIBILITY[persona], strict=True))


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(VISIBILITY))
def test_the_api_shows_an_account_only_to_those_who_may_see_it(town: City, persona: str) -> None:
    client = api_client(town.users[persona])
    for account_no, visible in _visible_to(town, persona):
        response = client.get(f"/api/v1/accounts/{account_no}")
        assert response.status_code == (200 if visible else 404), (persona, account_no)
        if not visible:
            assert response.json() == {"detail": f"未找到户号 {account_no}。", "errors": {}}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", sorted(VISIBILITY))
def test_the_account_page_follows_the_same_rule(town: City, persona: str) -> None:
    client = signed_in(town.users[persona])
    for account_no, visible in _visible_to(town, persona):
        response = client.get(f"/customers/{account_no}/")
        assert response.status_code == (200 if visible else 404), (persona, account_no)


@pytest.mark.django_db
def test_a_missing_account_and_a_foreign_account_answer_the_same(town: City) -> None:
    client = api_client(town.clerk)
    missing = client.get("/api/v1/accounts/9999999990")
    foreign = client.get(f"/api/v1/accounts/{town.foreign_account.account_no}")
    assert missing.status_code == foreign.status_code == 404
    assert set(missing.json()) == set(foreign.json()) == {"detail", "errors"}


@pytest.mark.django_db
def test_search_only_returns_accounts_in_scope(town: City) -> None:
    # "1" prefixes nothing; the persona accounts are serials 1-3 whose numbers start 000000
    assert [a["account_no"] for a in api_client(town.supervisor).get("/api/v1/accounts?q=000000").json()] == [
        town.account.account_no
    ]
    assert [a["account_no"] for a in api_client(town.clerk).get("/api/v1/accounts?q=000000").json()] == [
        town.account.account_no,
        town.other_unit_account.account_no,
    ]
    assert api_client(town.outsider).get("/api/v1/accounts?q=000000").json() == []


@pytest.mark.django_db
def test_search_by_phone_name_and_address(town: City) -> None:
    client = api_client(town.clerk)
    assert [a["account_no"] for a in client.get("/api/v1/accounts?q=138 1234 5678").json()] == [town.account.account_no]
    assert [a["customer_name"] for a in client.get("/api/v1/accounts?q=张").json()] == ["张三"]
    assert [a["account_no"] for a in client.get("/api/v1/accounts?q=解放路1号").json()] == [
        town.account.account_no,
        town.other_unit_account.account_no,
    ]
    assert client.get("/api/v1/accounts?q=").json() == []


@pytest.mark.django_db
def test_the_search_page_shows_masked_phones(town: City) -> None:
    response = signed_in(town.clerk).get("/customers/?q=张三")
    assert response.status_code == 200
    html = response.content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html


@pytest.mark.django_db
def test_staff_pages_send_anonymous_visitors_to_the_login_page(town: City) -> None:
    response = Client().get(f"/customers/{town.account.account_no}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.django_db
def test_a_signed_in_person_without_a_staff_post_sees_no_staff_page(town: City) -> None:
    client = signed_in(town.outsider)
    for url in ("/", "/customers/", "/customers/new/", "/customers/worklist/"):
        assert client.get(url).status_code == 404, url
