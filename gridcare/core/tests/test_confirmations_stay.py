"""Every action confirms, and the confirmation stays (issue 13, convention 2): shown on the page
the action led to, again after a refresh, gone when dismissed or replaced by the next action,
and not carried to other pages."""

from __future__ import annotations

import re

from django.test import Client

from gridcare.core.testing import City, signed_in
from gridcare.customers.models import Account

DONE = "办理成功。"


def _confirmations(client: Client, path: str) -> list[str]:
    page = client.get(path).content.decode()
    box = re.search(r'<ul class="messages"[^>]*>(.*?)</ul>', page, re.S)
    return re.findall(r"<li[^>]*>(.*?)</li>", box.group(1)) if box else []


def _rename(client: Client, account: Account, name: str) -> None:
    """The rename form sent as the browser sends it, following the redirect to the account page."""
    answer = client.post(f"/customers/{account.account_no}/change/rename/", {"rename-new_name": name}, follow=True)
    assert answer.redirect_chain == [(f"/customers/{account.account_no}/", 302)]


def test_a_confirmation_stays_after_a_refresh_until_dismissed(town: City) -> None:
    clerk = signed_in(town.clerk)
    page = f"/customers/{town.account.account_no}/"
    _rename(clerk, town.account, "张三丰")
    assert _confirmations(clerk, page) == [DONE]
    assert _confirmations(clerk, page) == [DONE]  # the refresh shows it again
    assert _confirmations(clerk, "/customers/") == []  # other pages do not carry it
    dismissed = clerk.post("/confirmations/dismiss/", {"next": page})
    assert (dismissed.status_code, dismissed["Location"]) == (302, page)
    assert _confirmations(clerk, page) == []
    assert Account.objects.get(pk=town.account.pk).customer.name == "张三丰"  # dismissing undoes nothing


def test_the_next_action_replaces_the_confirmation(town: City) -> None:
    clerk = signed_in(town.clerk)
    page = f"/customers/{town.account.account_no}/"
    _rename(clerk, town.account, "张三丰")
    _rename(clerk, town.account, "")  # refused: its error replaces the success
    shown = _confirmations(clerk, page)
    assert len(shown) == 1 and shown != [DONE]
    assert _confirmations(clerk, page) == shown


def test_dismissing_by_htmx_answers_empty_and_a_foreign_next_goes_home(town: City) -> None:
    clerk = signed_in(town.clerk)
    _rename(clerk, town.account, "张三丰")
    by_htmx = clerk.post("/confirmations/dismiss/", HTTP_HX_REQUEST="true")
    assert (by_htmx.status_code, by_htmx.content) == (200, b"")
    assert _confirmations(clerk, f"/customers/{town.account.account_no}/") == []
    foreign = clerk.post("/confirmations/dismiss/", {"next": "https://elsewhere.example/"})
    assert foreign["Location"] == "/"


def test_the_dismiss_button_is_on_the_confirmation(town: City) -> None:
    clerk = signed_in(town.clerk)
    _rename(clerk, town.account, "张三丰")
    page = clerk.get(f"/customers/{town.account.account_no}/").content.decode()
    assert 'action="/confirmations/dismiss/"' in page and 'aria-label="关闭提示"' in page
