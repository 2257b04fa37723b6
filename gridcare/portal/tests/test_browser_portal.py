"""The customer portal in a real browser at a phone's size (390×844) and in 长辈模式: signing in
with the code, binding an account, the home page and the bills, each page screenshot in
test-artifacts/ and checked by axe-core (no serious or critical violation)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gridcare.billing.tests.helpers import issued_bill
from gridcare.core.browser_testing import BROWSER, accessibility_violations, axe_context, look
from gridcare.core.testing import City
from gridcare.portal.models import Binding
from gridcare.portal.tests.conftest import PHONE, last_code

pytestmark = BROWSER


def checked(page: Any, name: str) -> None:
    look(page, name, "phone")
    assert accessibility_violations(page) == [], name


@pytest.mark.django_db(transaction=True)
def test_a_customer_signs_in_binds_and_reads_a_bill_on_a_phone(town: City, live_server: Any, browser: Any) -> None:
    issued_bill(town.account, "2026-10", "88.00", date(2030, 1, 25))
    page = axe_context(browser).new_page()
    page.goto(f"{live_server.url}/portal/")
    assert "/portal/login/" in page.url
    checked(page, "portal-1-login")
    page.get_by_label("手机号码").fill(PHONE)
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_selector("text=验证码已发送到您的手机")
    checked(page, "portal-2-code")
    page.get_by_label("验证码").fill(last_code(PHONE))
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector("h1:has-text('我的用电')")
    checked(page, "portal-3-home-empty")

    page.get_by_role("link", name="绑定户号").click()
    page.get_by_label("户号").fill(town.account.account_no)
    page.get_by_label("户主姓名").fill("张三")
    page.get_by_role("button", name="绑定", exact=True).click()
    page.wait_for_selector(f"text=户号 {town.account.account_no} 已绑定。")
    assert Binding.objects.filter(account=town.account, unbound_at__isnull=True).count() == 1
    checked(page, "portal-4-accounts")

    page.get_by_role("link", name="首页").click()
    page.wait_for_selector("text=¥88.00")
    checked(page, "portal-5-home")
    page.get_by_role("link", name="查看账单").click()
    page.wait_for_selector("h2:has-text('2026-10')")
    checked(page, "portal-6-bills")

    page.get_by_role("button", name="长辈模式").click()
    page.wait_for_selector("body.elderly")
    checked(page, "portal-7-bills-elderly")
    page.get_by_role("link", name="首页").click()
    page.wait_for_selector("body.elderly h1:has-text('我的用电')")  # remembered on the next page
    checked(page, "portal-8-home-elderly")
