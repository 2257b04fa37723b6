"""The diagnosis page and the worklist in Chromium (KEY-3/4): the four charts are drawn by the
static script under the Content-Security-Policy, the page fits the desk and a phone with nothing
internal on screen, and a manager moves a finding from the worklist, asked first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from gridcare.core.browser_testing import BROWSER, DESK, look, sign_in
from gridcare.core.testing import City
from gridcare.keyaccounts.models import Finding
from gridcare.keyaccounts.services.loads import load_import
from gridcare.keyaccounts.services.remote import remote_check
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

pytestmark = BROWSER
DAY = date(2026, 11, 2)


def _data(town: City) -> None:
    account = town.account
    account.key_account_manager = Staff.objects.get(user=town.kam)
    account.contract_capacity_kva = Decimal(80)
    account.save(update_fields=["key_account_manager", "contract_capacity_kva"])
    lines = ["户号,时间,有功功率(kW),无功功率(kvar)"]
    for m in range(0, 1440, 15):
        kw = 100 if 480 <= m < 660 else 40
        lines.append(f"{account.account_no},{DAY} {m // 60:02d}:{m % 60:02d},{kw},{kw / 2}")
    load_import(scope=scope_for(town.kam), actor=town.kam, file_name="a.csv", data=("\n".join(lines) + "\n").encode())
    remote_check(day=DAY)


@pytest.mark.django_db(transaction=True)
def test_the_charts_are_drawn_and_a_finding_is_moved(town: City, live_server: Any, browser: Any) -> None:
    _data(town)
    page = sign_in(browser, live_server, town.kam)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/key-accounts/findings/")
    page.wait_for_selector("text=超合同容量")
    look(page, "key-findings", *DESK)
    page.get_by_role("link", name="查看该户的能效诊断").first.click()
    page.wait_for_selector("text=诊断结论")
    page.fill("#id_start", DAY.isoformat())
    page.fill("#id_end", DAY.isoformat())
    page.get_by_role("button", name="诊断").click()
    page.wait_for_selector("text=共用电 1,140.00 kWh")
    assert "若把峰段用电的 10% 移到谷段" in page.inner_text("body")
    for chart in ("diag-curve", "diag-heat", "diag-profiles", "diag-split"):
        page.wait_for_selector(f"#{chart} canvas")
    look(page, "key-diagnosis", *DESK)
    assert refused == []
    overload = Finding.objects.get(kind="overload")
    card = f"#finding-{overload.pk}"
    page.goto(f"{live_server.url}/key-accounts/findings/")
    page.fill(f"{card} textarea[name=note]", "已电话联系厂方")
    page.locator(card).get_by_role("button", name="改为“已联系”").click()
    page.wait_for_selector("text=确定吗？")
    page.get_by_role("button", name="确定", exact=True).click()
    page.wait_for_selector("text=已改为“已联系”")
    overload.refresh_from_db()
    assert overload.status == "contacted"
    assert page.locator(card).get_by_role("button", name="改为“已联系”").is_disabled()
