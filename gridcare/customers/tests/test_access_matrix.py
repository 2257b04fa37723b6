"""Every persona against every customer-archive page and endpoint: the expected status, and no
change when refused."""

from __future__ import annotations

import json

import pytest

from gridcare.core.testing import PERSONAS as ALL_PERSONAS
from gridcare.core.testing import STAFF_PERSONAS, City, api_client, signed_in
from gridcare.customers.models import Account, AccountEvent, Customer

# By post, wherever the person works.
EDITORS = {"clerk", "manager", "other_manager", "kam", "admin", "foreign_clerk"}
QUALITY = {"manager", "other_manager", "supervisor", "other_supervisor", "community", "kam", "admin"}
UNMASKERS = {"clerk", "manager", "other_manager", "agent", "kam", "community", "admin", "foreign_clerk"}
STAFF = set(STAFF_PERSONAS)
PERSONAS = sorted(ALL_PERSONAS)


def _expected_page(persona: str, page: str) -> int:
    if persona not in STAFF:
        return 404
    if page == "new":
        return 200 if persona in EDITORS else 403
    if page in ("worklist", "export"):
        return 200 if persona in QUALITY else 403
    return 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_pages(town: City, persona: str) -> None:
    client = signed_in(town.users[persona])
    pages = {
        "home": "/",
        "search": "/customers/?q=张三",
        "new": "/customers/new/",
        "worklist": "/customers/worklist/",
        "export": "/customers/worklist.csv",
    }
    for name, url in pages.items():
        assert client.get(url).status_code == _expected_page(persona, name), (persona, name)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_through_the_api(town: City, persona: str) -> None:
    client = api_client(town.users[persona])
    no = town.account.account_no
    sees = persona in STAFF - {"foreign_clerk", "other_supervisor"}
    before = (
        Customer.objects.count(),
        Account.objects.get(pk=town.account.pk).customer.name,
        AccountEvent.objects.count(),
    )

    rename = client.post(
        f"/api/v1/accounts/{no}/rename", data=json.dumps({"new_name": "张叁"}), content_type="application/json"
    )
    expected = 404 if not sees else (200 if persona in EDITORS else 403)
    assert rename.status_code == expected, persona
    if expected != 200:
        assert (
            Customer.objects.count(),
            Account.objects.get(pk=town.account.pk).customer.name,
            AccountEvent.objects.count(),
        ) == before

    reason = {"reason_code": "caller_check", "reason_text": "客户来电核实身份"}
    unmask = client.post(f"/api/v1/accounts/{no}/unmask", data=json.dumps(reason), content_type="application/json")
    assert unmask.status_code == (404 if not sees else (200 if persona in UNMASKERS else 403)), persona
