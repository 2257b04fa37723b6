"""The top bar's search (issue 13, convention 1): from any staff page one box finds an account,
a work order by number or phone, or one of today's tickets, each within the caller's scope; one
account or order opens at once, several are listed by kind, outside the scope is not found."""

from __future__ import annotations

import re

from gridcare.core.testing import PHONE, City, signed_in
from gridcare.halls.demo import configure_hall
from gridcare.halls.tests.helpers import issue
from gridcare.workorders.tests.conftest import take


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_staff_page_has_the_search_box(town: City) -> None:
    page = signed_in(town.clerk).get("/customers/").content.decode()
    assert '<form class="topsearch" action="/search/" method="get" role="search">' in page
    assert 'placeholder="户号 / 手机号 / 工单号 / 排队号"' in page


def test_an_account_number_opens_the_account_page(town: City) -> None:
    answer = signed_in(town.clerk).get("/search/", {"q": town.account.account_no})
    assert (answer.status_code, answer["Location"]) == (302, f"/customers/{town.account.account_no}/")


def test_a_work_order_number_opens_the_order_and_a_phone_lists_its_account_and_orders(town: City) -> None:
    order = take(town.agent, type="inquiry", text="咨询电价", phone=PHONE)
    agent = signed_in(town.agent)
    by_number = agent.get("/search/", {"q": order.number})
    assert (by_number.status_code, by_number["Location"]) == (302, f"/workorders/{order.number}/")
    by_phone = agent.get("/search/", {"q": "138-1234-5678"})
    text = _text(by_phone.content.decode())
    assert by_phone.status_code == 200
    assert "用电户 共 1 户" in text and "工单 共 1 张" in text
    assert f'href="/workorders/{order.number}/"' in by_phone.content.decode()
    assert f'href="/customers/{town.account.account_no}/"' in by_phone.content.decode()
    assert PHONE not in by_phone.content.decode().replace('value="138-1234-5678"', "")  # masked in the list


def test_a_ticket_number_finds_todays_ticket_in_the_callers_hall_only(town: City) -> None:
    configure_hall(town.hall)
    ticket = issue(town, "payment")
    mine = signed_in(town.clerk).get("/search/", {"q": ticket.number.lower()})
    text = _text(mine.content.decode())
    assert mine.status_code == 200
    assert "今天的排队号" in text and f" {ticket.number} " in text and town.hall.name in text
    other_hall = signed_in(town.other_manager).get("/search/", {"q": ticket.number})
    assert "没有找到符合条件的用电户、工单或排队号。" in other_hall.content.decode()


def test_an_account_of_another_company_is_not_found_and_an_empty_or_long_query_is_a_plain_page(town: City) -> None:
    clerk = signed_in(town.clerk)
    foreign = clerk.get("/search/", {"q": town.foreign_account.account_no})
    assert foreign.status_code == 200
    assert "没有找到符合条件的用电户、工单或排队号。" in foreign.content.decode()
    empty = clerk.get("/search/")
    assert empty.status_code == 200 and "在顶栏输入户号" in empty.content.decode()
    long = clerk.get("/search/", {"q": "张" * 500})
    assert long.status_code == 200 and "张" * 61 not in long.content.decode()


def test_english_when_chosen(town: City) -> None:
    client = signed_in(town.clerk)
    client.cookies["django_language"] = "en"
    page = client.get("/search/", {"q": "无此人"}).content.decode()
    assert "No customer, work order or ticket matches." in page
