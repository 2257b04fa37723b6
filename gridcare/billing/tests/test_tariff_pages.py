from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import Tariff
from gridcare.billing.tests.helpers import billing_clerk, tariff_form, tariffs
from gridcare.core.testing import City, signed_in


@pytest.mark.parametrize(("persona", "status"), [("admin", 200), ("billing", 403), ("clerk", 403), ("outsider", 404)])
def test_the_tariff_pages_are_for_administrators(town: City, persona: str, status: int) -> None:
    base = tariffs()["RES-TOU"]
    client = signed_in({**town.users, "billing": billing_clerk(town)}[persona])
    assert client.get("/billing/tariffs/").status_code == status
    assert client.get(f"/billing/tariffs/{base.pk}/new/").status_code == status
    assert client.post(f"/billing/tariffs/{base.pk}/new/", tariff_form(base)).status_code in (status, 302)
    assert Tariff.objects.filter(code="RES-TOU").count() == (2 if persona == "admin" else 1)


def test_the_tariff_page_lists_the_tariffs_in_force_and_their_history(town: City) -> None:
    tariffs()
    page = signed_in(town.admin).get("/billing/tariffs/")
    assert [t.code for t in page.context["in_force"]] == ["AGR-FLAT", "COM-TOU", "IND-2PART", "RES-TIER", "RES-TOU"]
    assert "峰 08:00-22:00; 谷 22:00-08:00" in page.content.decode()


def test_a_new_version_takes_over_from_its_date_and_keeps_the_tou_periods(town: City) -> None:
    base = tariffs()["RES-TOU"]
    answer = signed_in(town.admin).post(f"/billing/tariffs/{base.pk}/new/", tariff_form(base))
    assert answer.status_code == 302 and answer["Location"] == "/billing/tariffs/"
    new = Tariff.objects.get(code="RES-TOU", effective_from=date(2027, 1, 1))
    base.refresh_from_db()
    assert (new.province, new.price, new.peak_price, new.valley_price) == (
        "ZJ",
        Decimal("0.5580"),
        Decimal("0.5880"),
        Decimal("0.3080"),
    )
    assert base.effective_to == date(2026, 12, 31)
    assert sorted(new.tou_periods.values_list("kind", flat=True)) == ["peak", "valley"]


def test_a_version_that_breaks_the_tier_rule_is_refused_and_changes_nothing(town: City) -> None:
    base = tariffs()["RES-TOU"]
    page = signed_in(town.admin).post(f"/billing/tariffs/{base.pk}/new/", tariff_form(base, tier2_price="0.600"))
    assert page.status_code == 200
    assert "二档电价应为一档电价加 0.05 元。" in page.content.decode()
    base.refresh_from_db()
    assert (Tariff.objects.filter(code="RES-TOU").count(), base.effective_to) == (1, None)
