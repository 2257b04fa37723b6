"""换表 through the API and the page: 201 then 200 for the same exchange, 409 for another one that
day, 422 for a bad value, 404 for an account out of reach; the page asks first."""

from __future__ import annotations

from django.test import Client

from gridcare.billing.tests.helpers import billable, billing_clerk, reading, tariffs
from gridcare.core.testing import City
from gridcare.customers.models import MeterExchange

BODY = {
    "exchanged_on": "2026-10-10",
    "removal_register": "1100",
    "new_meter_no": "API-NEW-1",
    "installation_register": "0",
    "new_multiplier": "30",
}


def _ready(town: City) -> str:
    tariffs()
    account = billable(town.account)
    account.meters.update(time_of_use=False)
    sept = reading(account, "2026-09", "0")
    sept.register = 1000
    sept.save(update_fields=["register"])
    return account.account_no


def _client(town: City, who: str) -> Client:
    client = Client()
    client.force_login(town.users[who])
    return client


def test_the_api_records_once_and_refuses_another_exchange_that_day(town: City) -> None:
    no = _ready(town)
    url = f"/api/v1/accounts/{no}/meter-exchanges"
    admin = _client(town, "admin")
    first = admin.post(url, BODY, content_type="application/json")
    assert first.status_code == 201 and first.json()["old_kwh"] == "100.00"
    again = admin.post(url, BODY, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    other = admin.post(url, {**BODY, "removal_register": "1200"}, content_type="application/json")
    assert other.status_code == 409
    bad = admin.post(
        url, {**BODY, "exchanged_on": "2026-10-11", "removal_register": "1e400"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "removal_register" in bad.json()["errors"]
    assert MeterExchange.objects.count() == 1
    assert admin.get(url).json()[0]["new_multiplier"] == 30
    other_unit = Client()
    other_unit.force_login(billing_clerk(town, other_unit=True))  # a billing clerk of U2: U1's account is 404
    outside = other_unit.post(url, {**BODY, "exchanged_on": "2026-10-12"}, content_type="application/json")
    assert outside.status_code == 404 and MeterExchange.objects.count() == 1
    refused = _client(town, "clerk").post(url, {**BODY, "exchanged_on": "2026-10-12"}, content_type="application/json")
    assert refused.status_code == 403 and MeterExchange.objects.count() == 1


def test_the_page_asks_first_then_records_and_the_account_page_shows_it(town: City) -> None:
    no = _ready(town)
    admin = _client(town, "admin")
    page = f"/customers/{no}/meter-exchange/"
    assert admin.get(page).status_code == 200
    asked = admin.post(page, BODY)
    assert asked.status_code == 200 and "确认换表" in asked.content.decode() and not MeterExchange.objects.exists()
    done = admin.post(page, {**BODY, "confirmed": "1"})
    assert done.status_code == 302 and MeterExchange.objects.count() == 1
    card = admin.get(f"/customers/{no}/").content.decode()
    assert "API-NEW-1" in card and "100.00" in card
