"""The portfolio and the visit flow in Chromium (KEY-1/2): a 大客户经理 filters 我的客户 by grade,
sorts it by contract capacity and exports what it shows; plans a visit from the calendar (through
the account it names), sees it on the calendar, records it with structured facts (load
composition, a critical step, own generation, 用电影响度, needs, satisfaction, a follow-up), and
the follow-up appears on the visit, the account and 我的客户. Each page fits the desk and a phone
with nothing internal on screen (screenshots in test-artifacts/)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from gridcare.core.browser_testing import BROWSER, DESK, look, sign_in
from gridcare.core.testing import City, make_account
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account, CustomerClass
from gridcare.keyaccounts.models import FollowUp, Visit, VisitNeed
from gridcare.keyaccounts.services.portfolio import ProfileData, profile_update
from gridcare.keyaccounts.tests.portfolio_helpers import portfolio_city
from gridcare.org.access import scope_for
from gridcare.org.models import Staff

pytestmark = BROWSER


def _more_accounts(town: City) -> None:
    """Three more of the kam's key accounts beside 城东机械厂 (一级, 800 kVA): two 二级 of 630 and
    1250 kVA and a 特级 of 2000 kVA, with their industries."""
    p = portfolio_city(town)
    kam = Staff.objects.get(user=town.kam)
    profile_update(scope=scope_for(town.kam), actor=town.kam, account=p.mine, data=ProfileData(industry="C"))
    for serial, name, grade, kva, industry in (
        (21, "城北纺织厂", "second", "630", "C"),
        (22, "城西数据中心", "second", "1250", "I"),
        (23, "市第一医院", "special", "2000", "Q"),
    ):
        account = make_account(serial, town.unit, town.hall, name, customer_class=CustomerClass.LARGE_INDUSTRIAL)
        Account.objects.filter(pk=account.pk).update(
            importance_grade=grade, key_account_manager=kam, contract_capacity_kva=Decimal(kva)
        )
        account.refresh_from_db()
        profile_update(scope=scope_for(town.kam), actor=town.kam, account=account, data=ProfileData(industry=industry))


def _names_in_table(page: Any) -> list[str]:
    return page.locator("table.grid tbody tr td:nth-child(2)").all_inner_texts()


@pytest.mark.django_db(transaction=True)
def test_a_manager_filters_sorts_and_exports_the_portfolio(town: City, live_server: Any, browser: Any) -> None:
    _more_accounts(town)
    page = sign_in(browser, live_server, town.kam)
    page.get_by_role("link", name="大客户服务").click()
    page.wait_for_selector("h1:has-text('我的客户')")
    assert sorted(_names_in_table(page)) == sorted(["城东机械厂", "城北纺织厂", "城西数据中心", "市第一医院"])
    assert "城南医院" not in page.inner_text("body")  # 钱七's, not this manager's
    look(page, "key-portfolio", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_label("重要等级").select_option(label="二级重要")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_selector("text=共 2 条")
    assert sorted(_names_in_table(page)) == ["城北纺织厂", "城西数据中心"]
    page.get_by_role("link", name="合同容量(kVA)").click()
    page.wait_for_selector("text=▲")
    assert _names_in_table(page) == ["城北纺织厂", "城西数据中心"]  # 630, then 1250 kVA
    page.get_by_role("link", name="合同容量(kVA)").click()
    page.wait_for_selector("text=▼")
    assert _names_in_table(page) == ["城西数据中心", "城北纺织厂"]
    assert page.get_by_label("重要等级").input_value() == "second"  # the filter kept while sorting
    look(page, "key-portfolio-filtered", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    with page.expect_download() as got:
        page.get_by_role("link", name="CSV").click()
    text = got.value.path().read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["户号", "客户名称", "供电单位", "重要等级"]
    assert [(r[1], r[3], r[4]) for r in rows[1:]] == [
        ("城西数据中心", "二级重要", "1250.0"),
        ("城北纺织厂", "二级重要", "630.0"),
    ]
    with page.expect_download() as got:
        page.get_by_role("link", name="Excel").click()
    assert got.value.suggested_filename.endswith(".xlsx")


@pytest.mark.django_db(transaction=True)
def test_a_visit_is_planned_from_the_calendar_recorded_with_facts_and_its_follow_up_appears(
    town: City, live_server: Any, browser: Any
) -> None:
    p = portfolio_city(town)
    today = business_date()
    page = sign_in(browser, live_server, town.kam)
    page.goto(f"{live_server.url}/key-accounts/visits/")
    page.wait_for_selector("h1:has-text('走访日历')")
    look(page, "key-calendar-empty", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("link", name="我的客户").last.click()
    page.get_by_role("link", name=p.mine.account_no).click()
    page.get_by_role("link", name="安排走访").click()
    page.get_by_label("走访日期").fill(today.isoformat())
    page.get_by_label("走访目的").fill("了解扩产用电需求")
    page.get_by_role("button", name="安排走访").click()
    page.wait_for_selector("text=前一天将提醒")
    visit = Visit.objects.get()
    assert (visit.account_id, visit.planned_for, visit.status) == (p.mine.pk, today, "planned")
    page.get_by_role("link", name="走访日历").last.click()
    page.wait_for_selector(f"a[href='/key-accounts/visits/{visit.pk}/']")
    look(page, "key-calendar", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.click(f"a[href='/key-accounts/visits/{visit.pk}/']")
    page.get_by_label("走访记录").fill("与设备科长座谈，计划明年新增一条生产线。")
    page.get_by_label("负荷占比（%）：生产").fill("70")
    page.get_by_label("负荷占比（%）：空调暖通").fill("20")
    page.get_by_label("负荷占比（%）：照明").fill("10")
    page.get_by_label("关键生产环节1").fill("热处理炉")
    page.get_by_label("可承受停电（分钟）").first.fill("5")
    page.get_by_label("自备电源1").select_option(label="柴油发电机")
    page.get_by_label("容量（kW）").first.fill("400")
    page.get_by_label("用电影响度").select_option(index=1)
    page.get_by_label("客户满意度").select_option(index=1)
    page.get_by_label("需求：增减容").fill("明年新增生产线，需增容至1250 kVA")
    page.get_by_label("跟进事项1").fill("发送增容办理流程和所需资料")
    page.get_by_label("负责人").first.select_option(value=Staff.objects.get(user=town.kam).employee_no)  # themself
    due = today + timedelta(days=7)
    page.get_by_label("完成期限").first.fill(due.isoformat())
    page.get_by_role("button", name="登记走访").click()
    page.wait_for_selector("text=走访已登记，客户档案与下次走访日期已更新。")
    visit.refresh_from_db()
    assert visit.status == "done"
    assert visit.load_composition == [
        {"use": "production", "percent": "70"},
        {"use": "hvac", "percent": "20"},
        {"use": "lighting", "percent": "10"},
    ]
    assert [(s["name"], s["tolerance_minutes"]) for s in visit.critical_steps] == [("热处理炉", 5)]
    assert [(g["type"], g["kw"]) for g in visit.own_generation] == [("diesel", "400")]
    assert list(VisitNeed.objects.values_list("category", "text")) == [("capacity", "明年新增生产线，需增容至1250 kVA")]
    follow = FollowUp.objects.get()
    assert (follow.text, follow.due_on, follow.status, follow.owner.user) == (
        "发送增容办理流程和所需资料",
        due,
        "open",
        town.kam,
    )
    body = page.inner_text("body")
    assert "生产 70%" in body and "热处理炉（可承受停电 5 分钟）" in body and "柴油发电机 400 kW" in body
    assert "发送增容办理流程和所需资料" in body
    assert page.get_by_role("button", name="登记走访").is_disabled()  # recorded: no second time
    look(page, "key-visit-recorded", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("link", name="返回客户").click()
    page.wait_for_selector("text=发送增容办理流程和所需资料")
    look(page, "key-account-after-visit", *DESK)
    page.goto(f"{live_server.url}/key-accounts/")
    page.wait_for_selector("h2:has-text('我的跟进事项')")
    assert "发送增容办理流程和所需资料" in page.inner_text("body")
    look(page, "key-portfolio-follow-up", *DESK)


@pytest.mark.django_db(transaction=True)
def test_a_peak_shift_order_is_issued_asked_first_and_its_key_accounts_listed(
    town: City, live_server: Any, browser: Any
) -> None:
    """错峰: a 大客户经理 issues an order from its list (the feeder picked by name), is told how
    many key accounts it reaches and confirms; the list links the accounts it touches, each with
    its plan, and 我的客户 links the coming order."""
    from gridcare.customers.models import TransformerArea
    from gridcare.keyaccounts.services.plans import PlanData, plan_create
    from gridcare.keyaccounts.tests.test_plans import PLAN
    from gridcare.notices.models import PeakShiftOrder

    p = portfolio_city(town)
    for account in (p.mine, p.others):
        account.transformer_area = TransformerArea.objects.get(code="T1")
        account.save(update_fields=["transformer_area"])
    plan = plan_create(scope=scope_for(town.kam), actor=town.kam, account=p.mine, data=PlanData(**PLAN))
    day = business_date() + timedelta(days=3)
    page = sign_in(browser, live_server, town.kam)
    page.get_by_role("link", name="错峰通知").click()
    page.wait_for_selector("text=还没有错峰通知。")
    page.get_by_role("link", name="发布错峰通知").click()
    page.locator("select[name=feeders]").select_option(label="10kV 城一线（F1）")
    page.get_by_label("错峰日期").fill(day.isoformat())
    page.get_by_label("开始时间").fill("10:00")
    page.get_by_label("结束时间").fill("12:00")
    page.get_by_label("负荷上限(kW)").fill("800")
    page.get_by_role("button", name="发布并通知").click()
    page.wait_for_selector(f"text=将通知 1 户大客户：{day.isoformat()} 10:00 至 12:00")  # 城东机械厂 has a mobile
    assert PeakShiftOrder.objects.count() == 0  # asked first: nothing issued yet
    look(page, "key-peak-shift-confirm", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("button", name="确认发布").click()
    page.wait_for_selector("text=错峰通知已发布，涉及 1 户大客户，已生成 1 条通知。")
    order = PeakShiftOrder.objects.get()
    look(page, "key-peak-shifts", *DESK)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.get_by_role("link", name=day.isoformat()).click()
    page.wait_for_selector("h1:has-text('错峰涉及的大客户')")
    body = page.inner_text("body")
    assert "城东机械厂" in body and "城南医院" not in body and "负荷上限 800 kW" in body
    assert page.get_by_role("link", name="第 1 版").get_attribute("href") == f"/key-accounts/plans/{plan.pk}/"
    look(page, "key-peak-shift-accounts", *DESK)
    page.goto(f"{live_server.url}/key-accounts/")
    assert page.locator(f"a[href='/key-accounts/peak-shifts/{order.pk}/']").count() == 1
