"""The account card links to the other areas, and they link back (issue 13, convention 1): what
the account owes and its bills page (posts with BILL_VIEW only), its latest work orders and hall
visits, each as its own area lets the post see them."""

from __future__ import annotations

import re

from gridcare.core.testing import City, signed_in
from gridcare.halls.demo import configure_hall
from gridcare.halls.tests.helpers import issue
from gridcare.workorders.tests.conftest import take


def _related(html: str) -> str:
    found = re.search(r'<section class="card related" id="related">(.*?)</section>', html, re.S)
    assert found is not None
    return found.group(1)


def test_the_card_shows_what_is_owed_the_orders_and_visits_with_links(town: City) -> None:
    order = take(town.agent, type="inquiry", text="咨询电价", account_no=town.account.account_no)
    configure_hall(town.hall)
    ticket = issue(town, "payment")
    ticket.account = town.account
    ticket.save(update_fields=["account"])
    related = _related(signed_in(town.clerk).get(f"/customers/{town.account.account_no}/").content.decode())
    no = town.account.account_no
    assert "无欠费" in related
    assert f'href="/billing/accounts/{no}/"' in related
    assert f'<a href="/workorders/{order.number}/">{order.number}</a> 咨询' in related
    assert f'href="/workorders/?q={no}"' in related
    assert f"<strong>{ticket.number}</strong>" in related and town.hall.name in related


def test_a_post_without_bill_view_sees_no_money_and_nothing_of_other_halls(town: City) -> None:
    configure_hall(town.hall)
    ticket = issue(town, "payment")
    ticket.account = town.account
    ticket.save(update_fields=["account"])
    planner = _related(signed_in(town.planner).get(f"/customers/{town.account.account_no}/").content.decode())
    assert "/billing/accounts/" not in planner and "欠费" not in planner
    other_hall = _related(signed_in(town.other_manager).get(f"/customers/{town.account.account_no}/").content.decode())
    assert ticket.number not in other_hall and "暂无排队记录" in other_hall


def test_the_bills_page_links_back_to_the_card(town: City) -> None:
    page = signed_in(town.clerk).get(f"/billing/accounts/{town.account.account_no}/").content.decode()
    assert f'<a href="/customers/{town.account.account_no}/">← 返回客户档案</a>' in page


def test_the_card_names_the_tariff_not_its_code(town: City) -> None:
    from gridcare.billing.conf import billing_str
    from gridcare.billing.models import Tariff
    from gridcare.billing.tests.helpers import tariffs

    tariffs()
    town.account.tariff_code = "RES-TIER"
    town.account.save(update_fields=["tariff_code"])
    ours = Tariff.objects.filter(code="RES-TIER", province=billing_str("PROVINCE")).order_by("-effective_from")
    name = ours.values_list("name", flat=True).first()
    page = signed_in(town.clerk).get(f"/customers/{town.account.account_no}/").content.decode()
    assert name and f"<dt>电价</dt><dd>{name}</dd>" in page
    assert "RES-TIER" not in page.split('<section class="card related"')[0]
