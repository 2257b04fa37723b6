"""The unified social credit code (统一社会信用代码) is checked by its check character (GB
32100-2015); a title with a bad one is refused on its field and nothing changes; a household
gives its name only."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City
from gridcare.invoicing.exceptions import TitleRefused
from gridcare.invoicing.models import InvoiceTitle, TitleEvent
from gridcare.invoicing.rules import uscc_check_char, uscc_valid
from gridcare.invoicing.services import title_set
from gridcare.org.access import scope_for


def test_real_codes_pass_and_a_changed_character_fails() -> None:
    for code in ("914403001922038216", "91110000600037341L", "91330100MA2H00000L"):
        assert uscc_valid(code)
    assert uscc_check_char("91330100MA2H00000") == "L"
    assert not uscc_valid("914403001922038217")  # last character changed
    assert not uscc_valid("914403001922O38216")  # O is not in the code's alphabet
    assert not uscc_valid("91440300192203821")  # 17 characters


def test_a_bad_title_is_refused_on_its_fields_and_changes_nothing(town: City) -> None:
    scope = scope_for(town.clerk)
    with pytest.raises(TitleRefused) as refused:
        title_set(
            scope=scope,
            actor=town.clerk,
            account=town.account,
            kind="organisation",
            name="某公司",
            tax_number="914403001922038217",
        )
    assert refused.value.errors == {"tax_number": "统一社会信用代码应为 18 位，且校验位正确（请核对营业执照）。"}
    with pytest.raises(TitleRefused) as refused:
        title_set(
            scope=scope, actor=town.clerk, account=town.account, kind="personal", name="", tax_number="X", email="a@b"
        )
    assert set(refused.value.errors) == {"name", "tax_number", "email"}
    with pytest.raises(Forbidden):
        title_set(scope=scope_for(town.agent), actor=town.agent, account=town.account, kind="personal", name="张三")
    assert not InvoiceTitle.objects.exists() and not TitleEvent.objects.exists()


def test_a_household_title_and_its_change_are_recorded_once(town: City) -> None:
    scope = scope_for(town.clerk)
    title, changed = title_set(scope=scope, actor=town.clerk, account=town.account, kind="personal", name=" 张三 ")
    assert (title.kind, title.name, title.tax_number, changed) == ("personal", "张三", "", True)
    _same, changed = title_set(scope=scope, actor=town.clerk, account=town.account, kind="personal", name="张三")
    assert not changed
    title_set(
        scope=scope,
        actor=town.clerk,
        account=town.account,
        kind="organisation",
        name="某公司",
        tax_number=" 91110000600037341l ",
    )
    title.refresh_from_db()
    assert (title.kind, title.tax_number) == ("organisation", "91110000600037341L")
    assert list(TitleEvent.objects.values_list("type", flat=True)) == ["set", "changed"]
