"""Urging at the 95598 intake in Chromium (issue 18): the agent types the caller's phone, sees
the caller's open order, clicks 催办此单, is asked what will happen, confirms, and lands on the
order urged; its urge count goes from 0 to 1 and its owner's inbox count in the top bar rises
by one. No script refused by the Content-Security-Policy, nothing internal on screen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from gridcare.core.browser_testing import BROWSER, look, shown_internals, sign_in, signed_in_context
from gridcare.core.testing import City
from gridcare.workorders.models import WorkOrder
from gridcare.workorders.tests.conftest import take

pytestmark = BROWSER
PHONE = "13900001111"


def _inbox_count(page: Any) -> int:
    page.wait_for_selector("#inbox-count .badge")
    return int(page.inner_text("#inbox-count .badge"))


@pytest.mark.django_db(transaction=True)
def test_the_agent_urges_the_callers_open_order(town: City, live_server: Any, browser: Any) -> None:
    original = take(town.agent, type="fault", text="家里停电了，一直没人来修", phone=PHONE)
    assert original.owner is not None and original.owner.user is not None
    owner = signed_in_context(browser, live_server, original.owner.user, "desk").new_page()
    owner.goto(f"{live_server.url}/workorders/inbox/")
    before = _inbox_count(owner)

    page = sign_in(browser, live_server, town.agent)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/workorders/new/")
    page.type("#id_lookup", PHONE, delay=20)
    page.wait_for_selector("#open-orders-list")
    listed = page.inner_text("#open-orders-list")
    assert "该客户有 1 张在办工单" in listed and original.number in listed
    page.fill("#id_text", "客户第二次来电催问抢修进度")
    page.click("#open-orders-list button.urge")
    page.wait_for_selector("#urge-confirm [role=alertdialog]")
    asked = page.inner_text("#urge-confirm")
    assert f"关联工单 {original.number}" in asked and "催办次数由 0 次变为 1 次" in asked
    look(page, "workorders-urge-at-intake-asked", "desk")
    assert WorkOrder.objects.get(pk=original.pk).urge_count == 0  # asked only: nothing written yet

    page.get_by_role("button", name="确认催办").click()
    page.wait_for_url(re.compile(rf"/workorders/{original.number}/$"))
    page.wait_for_selector("text=已催办")
    facts = page.inner_text("dl")
    assert re.search(r"催办次数\s*1", facts), facts
    look(page, "workorders-urge-at-intake-done", "desk")
    original.refresh_from_db()
    urging = original.urgings.get()
    assert (original.urge_count, urging.text) == (1, "客户第二次来电催问抢修进度")

    owner.reload()
    assert _inbox_count(owner) == before + 1
    assert original.number in owner.inner_text("main")
    look(owner, "workorders-urge-at-intake-owner-inbox", "desk")
    assert not shown_internals(page.inner_text("body"))
    assert not [m for m in refused if "Content Security Policy" in m], refused
