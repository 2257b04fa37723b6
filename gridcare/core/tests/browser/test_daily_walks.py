"""A day's core work of each post, walked in a real browser (issue 13, "Done when"): the person
signs in on the sign-in page and goes through the pages by their links and buttons, typing and
clicking as a user does. Each step's visible outcome is asserted (the message, the new row), and
every page is looked at in the sizes it is used at (gridcare.core.browser_testing.look: no
horizontal overflow, nothing internal on screen, a screenshot test-artifacts/walk-<post>-<step>-<size>.png).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from gridcare.billing.models import Bill, BillRun, Payment, Reading
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, tariffs
from gridcare.core.browser_testing import BROWSER, DESK, TABLET, look, sign_in
from gridcare.core.testing import PHONE, City, make_account
from gridcare.customers.models import UnmaskAudit
from gridcare.customers.services import account_unmask
from gridcare.halls.demo import configure_hall
from gridcare.halls.models import Ticket
from gridcare.halls.services.tickets import counter_call_next, ticket_issue
from gridcare.notices.models import Outage
from gridcare.org.access import scope_for
from gridcare.workorders import services as orders
from gridcare.workorders.models import Status, WorkOrder

pytestmark = [*BROWSER, pytest.mark.django_db(transaction=True)]


def _issued(town: City, kind: str, **extra: Any) -> Ticket:
    """A ticket the guide issued (the walks that do not start at the guide's desk)."""
    return ticket_issue(
        scope=scope_for(town.guide), actor=town.guide, hall=town.hall, kind=kind, source="guide", **extra
    )


def _tile(page: Any, label: str) -> None:
    """From any page: the brand link home (工作台), then the tile."""
    page.get_by_role("link", name="供电客户服务平台").click()
    page.locator("a.tile", has_text=label).click()


def test_counter_clerk_calls_takes_a_payment_and_finishes(
    town: City, live_server: Any, browser: Any, opening_hours: datetime
) -> None:
    configure_hall(town.hall)
    tariffs()
    billable(town.account)
    issued_bill(town.account, "2026-10", "88.50", date(2026, 11, 30))
    _issued(town, "payment", account_no=town.account.account_no)

    page = sign_in(browser, live_server, town.clerk)
    look(page, "walk-clerk-1-home", *DESK)
    _tile(page, "营业厅排队叫号")
    page.get_by_role("link", name="2号窗口工作台").click()
    page.wait_for_selector("#console-who")
    look(page, "walk-clerk-2-console", "desk", "tablet")

    page.get_by_role("button", name="叫下一位").click()
    page.wait_for_selector("#current-number:has-text('A001')")
    assert town.account.account_no in page.inner_text("#current-account")
    assert "欠费 88.50 元（1 张账单）" in page.inner_text("#customer-due")
    look(page, "walk-clerk-3-called", "desk", "tablet")

    # The ticket's account, through the console's link (a tab of its own): the card, then its bills.
    with page.context.expect_page() as opened:
        page.locator("#customer-links").get_by_role("link", name="客户档案").click()
    card = opened.value
    card.wait_for_selector("#related")
    assert "张三" in card.inner_text("h1")
    look(card, "walk-clerk-4-account", *DESK)
    card.locator("#related").get_by_role("link", name="账单、缴费与欠费").click()
    card.wait_for_selector("h2:has-text('缴费记录')")
    look(card, "walk-clerk-5-bills", *DESK)
    card.get_by_role("spinbutton").fill("88.50")
    card.get_by_role("button", name="收费", exact=True).click()
    card.wait_for_selector(".messages li:has-text('收费成功：88.50 元。')")
    assert Payment.objects.get().amount == 88.5
    assert Bill.objects.get().status == "paid"
    look(card, "walk-clerk-6-paid", *DESK)

    page.bring_to_front()
    page.fill("#outcome", "已缴费")
    page.get_by_role("button", name="办结").click()
    page.wait_for_selector("#current-number:has-text('—')")
    assert Ticket.objects.get().status == "finished"
    look(page, "walk-clerk-7-finished", "desk", "tablet")


def test_guide_issues_a_ticket(town: City, live_server: Any, browser: Any, opening_hours: datetime) -> None:
    configure_hall(town.hall)
    page = sign_in(browser, live_server, town.guide, size="tablet")
    look(page, "walk-guide-1-home", *TABLET)
    _tile(page, "营业厅排队叫号")
    page.get_by_role("link", name="引导台").click()
    page.wait_for_selector("h1:has-text('引导台')")
    look(page, "walk-guide-2-desk", *TABLET)

    page.get_by_label("办理业务").select_option(label="A 缴费")
    page.get_by_label("手机号").fill(PHONE)
    page.get_by_role("button", name="取号", exact=True).click()
    page.wait_for_selector("#guide-result:has-text('已取号：A001')")
    assert Ticket.objects.get().number == "A001"
    look(page, "walk-guide-3-issued", *TABLET)


def test_hall_manager_watches_the_floor_figures_and_terminals(
    town: City, live_server: Any, browser: Any, opening_hours: datetime
) -> None:
    configure_hall(town.hall)
    for kind in ("payment", "payment", "consultation"):
        _issued(town, kind)
    counter_call_next(scope=scope_for(town.clerk), actor=town.clerk, counter=town.counters[1])

    page = sign_in(browser, live_server, town.manager)
    _tile(page, "营业厅排队叫号")
    look(page, "walk-manager-1-halls", *DESK)
    page.get_by_role("link", name="现场监控").click()
    page.wait_for_selector("#floor-counters")
    assert page.inner_text("#floor-waiting") == "2"
    look(page, "walk-manager-2-floor", *DESK)

    page.go_back()
    page.get_by_role("link", name="营业厅指标").click()
    page.wait_for_selector("#figures")
    look(page, "walk-manager-3-figures", *DESK)

    page.go_back()
    page.get_by_role("link", name="自助终端").click()
    page.wait_for_selector("#terminals")
    look(page, "walk-manager-4-terminals", *DESK)
    row = page.locator("#terminals tr", has_text="自助缴费机1")
    row.get_by_placeholder("故障描述").fill("屏幕无响应")
    row.get_by_role("button", name="报修").click()
    page.wait_for_selector("td:has-text('屏幕无响应')")
    assert page.inner_text("#confirmations").strip().startswith("已保存。")
    look(page, "walk-manager-5-fault", *DESK)

    # The hall's screens, as the manager previews them: the board, the kiosk, a counter's pad.
    page.go_back()
    page.go_back()
    page.get_by_role("link", name="叫号显示屏").click()
    page.wait_for_selector("#board")
    look(page, "walk-manager-6-board", "board", "tv")
    page.go_back()
    page.get_by_role("link", name="取号机").click()
    page.wait_for_selector("#kiosk-form")
    look(page, "walk-manager-7-kiosk", *TABLET)
    page.go_back()
    page.get_by_role("link", name="2号评价器").click()
    page.wait_for_selector("#pad")
    look(page, "walk-manager-8-pad", *TABLET)


def test_billing_clerk_imports_readings_runs_the_bills_and_exports_arrears(
    town: City, live_server: Any, browser: Any, opening_hours: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gridcare.billing import views as billing_views
    from gridcare.billing.services.bill_run import bill_run_start

    # The page starts the run in a process of its own (manage.py bill_run, on the configured
    # database): here it runs in the server's thread, on the test database.
    monkeypatch.setattr(
        billing_views,
        "bill_run_launch",
        lambda run: bill_run_start(period=run.period, unit=run.unit, read_ahead=False),
    )
    tariffs()
    billable(town.account)
    second = billable(make_account(4, town.unit, town.hall, "赵六", phone="13900004444"))
    issued_bill(town.account, "2026-08", "120.00", date(2026, 9, 15))  # overdue: in the arrears
    clerk = billing_clerk(town)

    page = sign_in(browser, live_server, clerk)
    look(page, "walk-billing-1-home", *DESK)
    _tile(page, "抄表数据与异常")
    look(page, "walk-billing-2-readings", *DESK)
    csv = (
        "户号,账期,抄表日期,上次示数,本次示数\n"
        f"{town.account.account_no},2026-10,2026-10-28,1000,1150\n"
        f"{second.account_no},2026-10,2026-10-28,2000,1900\n"  # the register went back: held
    )
    page.get_by_label("抄表文件").set_input_files(
        {"name": "readings-2026-10.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    page.get_by_role("button", name="导入").click()
    page.wait_for_selector(".messages li:has-text('已导入 2 行，1 行待处理异常。')")
    assert Reading.objects.filter(period="2026-10").count() == 2
    held = page.locator("tr", has_text=second.account_no)
    look(page, "walk-billing-3-imported", *DESK)
    held.locator("[name=action]").select_option(label="更正电量")
    held.locator("[name=kwh]").fill("100")
    held.get_by_role("button", name="提交").click()
    page.wait_for_selector("td:has-text('没有待处理的抄表异常')")
    assert Reading.objects.get(account=second, period="2026-10").kwh == 100

    # The readings and runs pages show no billing-office navigation (their views do not say
    # can_bill): the way on is home.
    _tile(page, "抄核收出账")
    page.get_by_label("账期").fill("2026-10")
    page.get_by_role("button", name="开始出账").click()
    page.wait_for_selector("#confirm-sentence:has-text('2 户已有抄表数据将生成账单')")
    assert not BillRun.objects.filter(period="2026-10").exists()  # asked first, nothing started
    look(page, "walk-billing-4-confirm", *DESK)
    page.get_by_role("button", name="确认开始出账").click()
    page.wait_for_url("**/billing/runs/*/")
    run = BillRun.objects.get(period="2026-10")
    assert Bill.objects.filter(period="2026-10").count() == 2
    look(page, "walk-billing-5-run", *DESK)
    assert run.period == "2026-10"

    _tile(page, "欠费台账")
    page.get_by_role("link", name="按户").click()
    page.wait_for_selector(f"td:has-text('{town.account.account_no}')")
    look(page, "walk-billing-6-arrears", *DESK)
    with page.expect_download() as exported:
        page.get_by_role("link", name="CSV").first.click()
    content = exported.value.path().read_text(encoding="utf-8-sig")
    assert town.account.account_no in content or "张三" in content


def test_agent_finds_the_caller_takes_an_order_and_hands_it_over(
    town: City, live_server: Any, browser: Any, opening_hours: datetime
) -> None:
    page = sign_in(browser, live_server, town.agent)
    look(page, "walk-agent-1-home", *DESK)
    page.get_by_role("searchbox").fill(PHONE)
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_selector("#related")  # one account: its card opens at once
    assert town.account.account_no in page.inner_text("h1")
    look(page, "walk-agent-2-found", *DESK)

    _tile(page, "受理95598工单")
    page.get_by_label("户号或手机号码").fill(town.account.account_no)
    page.locator("textarea[name=text]").fill(  # its label names no id the textarea has
        "客户来电咨询本月电费为什么比上月高"
    )
    page.get_by_label("工单类型").select_option(label="咨询")
    look(page, "walk-agent-3-intake", *DESK)
    page.get_by_role("button", name="受理", exact=True).click()
    page.wait_for_selector(".messages li:has-text('已受理，工单编号')")
    order = WorkOrder.objects.get()
    assert (order.type, order.account) == ("inquiry", town.account)
    look(page, "walk-agent-4-order", *DESK)

    supervisor = town.supervisor.staff
    hand_over = page.locator("form.change", has=page.locator("h3", has_text="转交"))
    hand_over.locator("[name=to]").fill(supervisor.employee_no)
    hand_over.locator("[name=note]").fill("需核查计量装置")  # every form's note is id_note
    hand_over.get_by_role("button", name="提交").click()
    page.wait_for_selector(".messages li:has-text('已办理。')")
    order.refresh_from_db()
    assert order.owner == supervisor
    handed = page.locator("tr", has_text="转交").last.inner_text()  # the history's new row, a sentence
    assert "supervisor" in handed and "需核查计量装置" in handed
    look(page, "walk-agent-5-handed-over", *DESK)


def test_supervisor_follows_overdue_and_escalated_orders_calls_back_and_audits(
    town: City, live_server: Any, browser: Any, opening_hours: datetime
) -> None:
    agent = scope_for(town.agent)
    late, _ = orders.workorder_intake(
        scope=agent,
        actor=town.agent,
        data=orders.NewOrder(channel="phone_95598", text="营业厅工作人员态度很差", account_no=town.account.account_no),
        at=opening_hours - timedelta(days=10),
    )
    done, _ = orders.workorder_intake(
        scope=agent,
        actor=town.agent,
        data=orders.NewOrder(
            channel="phone_95598", text="咨询阶梯电价", type="inquiry", account_no=town.account.account_no
        ),
    )
    for status in (Status.REPLIED, Status.CLOSED):
        orders.workorder_transition(scope=agent, actor=town.agent, order=done, to=status)
    account_unmask(
        scope=agent, actor=town.agent, account=town.account, reason_code="caller_check", reason="来电核实户主"
    )

    page = sign_in(browser, live_server, town.supervisor)
    look(page, "walk-supervisor-1-home", *DESK)
    _tile(page, "在办工单")
    page.get_by_role("link", name="已超时").click()
    page.wait_for_selector(f"td:has-text('{late.number}')")
    look(page, "walk-supervisor-2-overdue", *DESK)

    page.get_by_role("link", name="全部工单").click()
    page.get_by_role("link", name=done.number).click()
    call_back = page.locator("form.change", has=page.locator("h3", has_text="回访"))
    call_back.locator("[name=reached]").check()
    call_back.locator("[name=satisfied]").select_option(label="不满意")
    call_back.locator("[name=note]").fill("客户对答复不满意")
    look(page, "walk-supervisor-3-order", *DESK)
    call_back.get_by_role("button", name="提交").click()
    page.wait_for_selector(".messages li:has-text('已办理。')")
    done.refresh_from_db()
    assert done.status == Status.ACCEPTED and done.escalated_at is not None
    look(page, "walk-supervisor-4-called-back", *DESK)

    page.get_by_role("link", name="已升级督办").click()
    page.wait_for_selector(f"td:has-text('{done.number}')")
    look(page, "walk-supervisor-5-escalated", *DESK)

    _tile(page, "查看完整信息审计")
    page.wait_for_selector("td:has-text('来电核实户主')")
    assert UnmaskAudit.objects.count() == 1
    look(page, "walk-supervisor-6-unmask-audit", *DESK)


def test_planner_registers_an_outage_after_confirming_and_reads_reliability(
    town: City, live_server: Any, browser: Any, opening_hours: datetime
) -> None:
    start = opening_hours + timedelta(days=9)
    page = sign_in(browser, live_server, town.planner)
    look(page, "walk-planner-1-home", *DESK)
    _tile(page, "停电通知")
    page.get_by_role("link", name="登记停电").click()
    page.get_by_label("停电类型").select_option(label="计划停电")
    page.get_by_label("停电原因").fill("10kV 城一线检修")
    page.get_by_label("停电开始").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("预计恢复").fill((start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("select[name=feeders]").select_option(label="10kV 城一线（F1）")
    look(page, "walk-planner-2-form", *DESK)
    page.get_by_role("button", name="登记并通知").click()
    page.wait_for_selector("#confirm-sentence:has-text('将向 1 户发送停电通知')")
    assert Outage.objects.count() == 0  # asked first, nothing registered
    look(page, "walk-planner-3-confirm", *DESK)
    page.get_by_role("button", name="确认登记并通知").click()
    page.wait_for_selector(".messages li:has-text('停电已登记，影响1户，已生成1条通知。')")
    assert Outage.objects.get().affected_accounts == 1
    look(page, "walk-planner-4-registered", *DESK)

    _tile(page, "供电可靠性")
    page.get_by_label("供电单位").select_option(label="城区供电所")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("h2:has-text('城区供电所')")
    assert "服务用户数 1 户" in page.inner_text("main")
    look(page, "walk-planner-5-reliability", *DESK)
