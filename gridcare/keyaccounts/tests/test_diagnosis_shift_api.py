"""The share of peak energy to move to the valley (``shift``, percent) in the diagnosis API: the
same parameter as the page's field, checked the same way (the same message on the same field),
and the same saving as the page and the rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.tests.helpers import tariffs
from gridcare.core.testing import City, api_client, signed_in
from gridcare.keyaccounts.rules import diagnosis as rules
from gridcare.keyaccounts.selectors_loads import account_diagnosis, tariff_terms
from gridcare.keyaccounts.services.loads import load_import
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)  # a Monday
KW = [100.0 if 480 <= m < 660 else 40.0 for m in range(0, 1440, 15)]


@pytest.fixture
def town(town: City) -> City:
    """The city's account on a time-of-use tariff (so moving peak energy saves money), with a day
    of 15-minute data."""
    tariffs()
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(80)
    account.tariff_code = "COM-TOU"
    account.save(update_fields=["key_account_manager", "contract_capacity_kva", "tariff_code"])
    lines = ["户号,时间,有功功率(kW)"]
    lines += [
        f"{account.account_no},{DAY} {m // 60:02d}:{m % 60:02d},{KW[i]}" for i, m in enumerate(range(0, 1440, 15))
    ]
    done = load_import(scope=scope_for(town.kam), actor=town.kam, file_name="a.csv", data="\n".join(lines).encode())
    assert done.status == "imported"
    return town


def _api(town: City, query: str) -> object:
    return api_client(town.kam).get(f"/api/v1/key-accounts/{town.account.account_no}/diagnosis?{query}")


def _page(town: City, query: str) -> object:
    return signed_in(town.kam).get(f"/key-accounts/{town.account.account_no}/diagnosis/?{query}")


@pytest.mark.parametrize("share", ["25", "12.5", "0", "100"])
def test_the_page_and_the_api_give_the_same_saving(town: City, share: str) -> None:
    query = f"start={DAY}&end={DAY}&shift={share}"
    body = _api(town, query).json()  # type: ignore[attr-defined]
    page = _page(town, query).context["report"].diagnosis  # type: ignore[attr-defined]
    d = account_diagnosis(account=town.account, first=DAY, last=DAY, shift_percent=Decimal(share))
    prices = tariff_terms(town.account, on=DAY).prices
    saving = rules.shift_saving(d.split["peak"], share_percent=Decimal(share), prices=prices)
    assert Decimal(body["shift_percent"]) == page.shift_percent == Decimal(share)
    assert Decimal(body["shift_saving"]) == page.shift_saving == d.shift_saving == saving
    if share == "25":
        assert saving > 0  # a TOU tariff: moving peak energy to the valley saves money


def test_without_shift_both_take_the_setting(town: City, settings: object) -> None:
    query = f"start={DAY}&end={DAY}"
    body = _api(town, query).json()  # type: ignore[attr-defined]
    page = _page(town, query).context["report"].diagnosis  # type: ignore[attr-defined]
    assert Decimal(body["shift_percent"]) == page.shift_percent == Decimal("10")  # SHIFT_PERCENT
    assert Decimal(body["shift_saving"]) == page.shift_saving


@pytest.mark.parametrize(
    ("share", "message"),
    [
        ("150", "请填写 0 到 100 之间的数。"),
        ("-1", "请填写 0 到 100 之间的数。"),
        ("abc", "请填写 0 到 100 之间的数。"),
        ("NaN", "请填写 0 到 100 之间的数。"),
        ("1e400", "请填写 0 到 100 之间的数。"),
        ("12.34", "最多一位小数。"),
        ("9" * 5000, "请填写 0 到 100 之间的数。"),
    ],
)
def test_a_bad_share_is_refused_on_its_field_as_the_page_refuses_it(town: City, share: str, message: str) -> None:
    query = f"start={DAY}&end={DAY}&shift={share}"
    answer = _api(town, query)
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert answer.json()["errors"] == {"shift": message}  # type: ignore[attr-defined]
    page = _page(town, query)
    assert page.context["report"] is None  # type: ignore[attr-defined]
    assert page.context["form"].errors["shift"] == [message]  # type: ignore[attr-defined]


def test_a_bad_period_and_a_bad_share_are_refused_together(town: City) -> None:
    answer = _api(town, "start=2026-13-01&shift=150")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert answer.json()["errors"] == {  # type: ignore[attr-defined]
        "start": "日期格式应为 YYYY-MM-DD。",
        "shift": "请填写 0 到 100 之间的数。",
    }


def test_a_nul_in_the_share_is_refused_not_a_server_error(town: City) -> None:
    """A NUL anywhere in a request is refused at the edge (core.middleware), the page and the
    API alike."""
    query = f"start={DAY}&end={DAY}&shift=1%002"
    assert _api(town, query).status_code == _page(town, query).status_code == 400  # type: ignore[attr-defined]
