"""Opening an account or changing its tariff with an unknown tariff, or one that does not fit the
customer class, is refused with a Chinese message on the field and nothing saved; the pages offer
the tariffs by name instead of a free code."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gridcare.billing.demo import seed_tariffs
from gridcare.core.testing import City, api_client, signed_in
from gridcare.customers.models import Account, AccountEvent, Customer
from gridcare.customers.tests.helpers import NEW_CUSTOMER_FORM

UNKNOWN = "电价 RES-NOPE 不存在或未生效，请从列表中选择。"


@pytest.fixture(autouse=True)
def _tariffs(db: None) -> None:
    seed_tariffs()


def _counts() -> tuple[int, int, int]:
    return Customer.objects.count(), Account.objects.count(), AccountEvent.objects.count()


def _api(town: City, path: str, body: dict[str, Any]) -> Any:
    return api_client(town.clerk).post(f"/api/v1/{path}", data=json.dumps(body), content_type="application/json")


def _misfit_message() -> str:
    from gridcare.billing.models import Tariff

    name = Tariff.objects.get(province="ZJ", code="IND-2PART").name
    return f"“{name}”不适用于居民用户，请选择该用电类别的电价。"


@pytest.mark.parametrize(("code", "message"), [("RES-NOPE", UNKNOWN), ("IND-2PART", None)])
def test_opening_on_the_page_with_a_bad_tariff_is_refused_on_the_field(
    town: City, code: str, message: str | None
) -> None:
    before = _counts()
    page = signed_in(town.clerk).post("/customers/new/", dict(NEW_CUSTOMER_FORM, tariff_code=code))
    assert page.status_code == 200
    assert page.context["form"].errors["tariff_code"] == [message or _misfit_message()]
    assert _counts() == before


@pytest.mark.parametrize(("code", "message"), [("RES-NOPE", UNKNOWN), ("IND-2PART", None)])
def test_opening_through_the_api_with_a_bad_tariff_is_refused_on_the_field(
    town: City, code: str, message: str | None
) -> None:
    before = _counts()
    body = {k: v for k, v in NEW_CUSTOMER_FORM.items() if k not in ("contract_capacity_kva",)} | {"tariff_code": code}
    answer = _api(town, "customers", body)
    assert answer.status_code == 422
    assert answer.json()["errors"] == {"tariff_code": message or _misfit_message()}
    assert _counts() == before


def test_an_account_opened_with_a_fitting_tariff_keeps_it(town: City) -> None:
    answer = signed_in(town.clerk).post("/customers/new/", dict(NEW_CUSTOMER_FORM, tariff_code="RES-TIER"))
    assert answer.status_code == 302
    assert Account.objects.get(customer__name="孙八").tariff_code == "RES-TIER"


def test_the_opening_page_offers_the_tariffs_by_name_grouped_by_class(town: City) -> None:
    from gridcare.billing.models import Tariff

    html = signed_in(town.clerk).get("/customers/new/").content.decode()
    assert '<optgroup label="居民">' in html and '<optgroup label="大工业">' in html
    for tariff in Tariff.objects.filter(province="ZJ"):
        assert f'<option value="{tariff.code}">{tariff.name}</option>' in html


def _state(town: City) -> tuple[str, str, int]:
    account = Account.objects.get(pk=town.account.pk)
    return account.customer_class, account.tariff_code, AccountEvent.objects.filter(account=account).count()


def test_a_tariff_change_to_a_tariff_of_another_class_is_refused_on_page_and_api(town: City) -> None:
    before = _state(town)
    url = f"/customers/{town.account.account_no}/change/tariff/"
    page = signed_in(town.clerk).post(
        url, {"tariff-customer_class": "residential", "tariff-tariff_code": "IND-2PART"}, follow=True
    )
    assert _misfit_message() in page.content.decode()
    answer = _api(
        town, f"accounts/{town.account.account_no}/tariff", {"customer_class": "residential", "tariff_code": "RES-NOPE"}
    )
    assert (answer.status_code, answer.json()["errors"]) == (422, {"tariff_code": UNKNOWN})
    assert _state(town) == before


def test_large_industry_and_the_two_part_tariff_need_315_kva(town: City) -> None:
    """The two-part rule (BILL-1): an account of 100 kVA is refused large industry, and the
    two-part tariff; nothing changes."""
    Account.objects.filter(pk=town.account.pk).update(contract_capacity_kva=100)
    before = _state(town)
    answer = _api(
        town,
        f"accounts/{town.account.account_no}/tariff",
        {"customer_class": "large_industrial", "tariff_code": "IND-2PART"},
    )
    assert (answer.status_code, answer.json()["errors"]) == (
        422,
        {"tariff_code": "大工业用电须受电容量 315 kVA 及以上（本户 100.0 kVA），请按一般工商业用电办理。"},
    )
    assert _state(town) == before


def test_a_tariff_change_to_a_fitting_tariff_is_made(town: City) -> None:
    Account.objects.filter(pk=town.account.pk).update(contract_capacity_kva=400)
    answer = _api(
        town,
        f"accounts/{town.account.account_no}/tariff",
        {"customer_class": "large_industrial", "tariff_code": "IND-2PART"},
    )
    assert answer.status_code == 200
    assert _state(town)[:2] == ("large_industrial", "IND-2PART")
