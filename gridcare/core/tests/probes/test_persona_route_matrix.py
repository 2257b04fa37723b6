"""Every persona of the City against every page and every API operation (issues 11 and 12).

For each page route (GET, parameters filled from the probes' world) and each API operation:
never a server error; nobody signed in is sent to the sign-in page (pages) or answered 401 (API);
the outsider (no post) and the other company's clerk see nothing of the company — a refusal, a
redirect, or a 200 that names none of the city's accounts, customers, halls or orders.
Every page route is in ROUTES: the capability it asks (gridcare.org.access) and the object its
parameters name. The expected answer comes from the capability table ``POSTS`` and the persona's
scope: allowed and the object in scope → an answer (200, or 302/405); a post without the
capability → 403 (404 for the hidden ones); the object outside the scope → 404.
The administrators-only writes (calendar, jobs, sign-in security) are tried as every persona.
A (route, persona) that fails today is in KNOWN_FAILURES (strict xfail; remove it once fixed).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client

from config.api import api
from gridcare.core.models import ApiToken, CalendarChange
from gridcare.core.testing import api_client
from gridcare.core.tests.probes.routes import LOG_TABLES, Route, body_of, changed, page_routes, refusal, row_counts
from gridcare.core.tests.probes.world import PERSONAS, World
from gridcare.jobs.models import Job
from gridcare.org.access import Capability
from gridcare.org.selectors import LINKS

OUTSIDERS = {"outsider", "foreign_clerk"}
C = Capability

# Every page route: the capability it asks (None: every post) and the object its parameters name
# in the probes' world ("hall": H1, "account": the city's account in U1, "missing": an id the
# world has no row for, so nobody finds it; "self": the person's own password, for anyone signed
# in). POST-only routes answer 405 to the probes' GET.
ROUTES: dict[str, tuple[Capability | None, str | None]] = {
    "home": (None, None),
    "search": (None, None),  # the top bar: each kind found through its own scope
    "logout": (None, "self"),
    "password_change": (None, "self"),
    "password_change_done": (None, "self"),
    "security:locks": (C.SECURITY, None),
    "security:unlock": (C.SECURITY, None),
    "security:tokens": (C.SECURITY, None),
    "security:tokens_export": (C.SECURITY, None),
    "security:token_revoke": (C.SECURITY, None),
    "security:events": (C.SECURITY, None),
    "security:events_export": (C.SECURITY, None),
    "customers:search": (None, None),
    "customers:create": (C.ARCHIVE_EDIT, None),
    "customers:worklist": (C.ARCHIVE_QUALITY, None),
    "customers:worklist_export": (C.ARCHIVE_QUALITY, None),
    "customers:unmask_audit": (C.UNMASK_AUDIT, None),
    "customers:unmask_audit_export": (C.UNMASK_AUDIT, None),
    "customers:unmask_alert_ack": (C.UNMASK_AUDIT, "missing"),
    "customers:detail": (None, "account"),
    "customers:unmask": (C.ACCOUNT_UNMASK, "account"),
    "customers:change": (C.ARCHIVE_EDIT, "account"),
    "workorders:list": (None, None),
    "workorders:list_export": (None, None),  # the list as filtered, each row through order_filter
    "workorders:intake": (None, None),
    "workorders:suggest": (None, None),
    "workorders:lookup": (None, None),
    "workorders:figures": (C.ORDER_FIGURES, None),
    "workorders:figures_export": (C.ORDER_FIGURES, None),
    # 投诉原因 (ASSESS-6): administrators keep the taxonomy; "missing": a cause nobody has
    "workorders:causes": (C.COMPLAINT_CAUSE_EDIT, None),
    "workorders:cause_edit": (C.COMPLAINT_CAUSE_EDIT, "missing"),
    "workorders:cause_state": (C.COMPLAINT_CAUSE_EDIT, "missing"),  # POST only
    "workorders:connections": (None, None),
    "workorders:connections_export": (None, None),  # the list as filtered, each row through connection_filter
    "workorders:connection_advance": (None, "missing"),
    "workorders:detail": (None, "order"),
    "workorders:act": (None, "order"),
    # the 95598 desk (issue 18): the inbox for the posts that handle orders; attachments, notes,
    # urging on any order the person sees; merging ORDER_MERGE; the triage page as the figures
    "workorders:inbox": (C.ORDER_INBOX, None),
    "workorders:inbox_count": (C.ORDER_INBOX, None),
    "workorders:inbox_done": (C.ORDER_INBOX, "missing"),  # POST only
    "workorders:open_orders": (None, None),
    "workorders:search_save": (None, None),  # POST only
    "workorders:search_delete": (None, "missing"),  # POST only
    "workorders:triage": (C.ORDER_FIGURES, None),
    "workorders:attachment_upload": (None, "order"),  # POST only
    "workorders:attachment_download": (None, "missing"),
    "workorders:note": (None, "order"),  # POST only
    "workorders:urge": (None, "order"),  # POST only
    "workorders:merge": (C.ORDER_MERGE, "order"),  # POST only
    "billing:runs": (C.BILLING_OFFICE, None),
    "billing:run": (C.BILLING_OFFICE, "run"),
    "billing:runs_export": (C.BILLING_OFFICE, None),
    "billing:exceptions_export": (C.BILLING_OFFICE, None),
    "billing:reconnections_export": (C.BILLING_OFFICE, None),
    "billing:arrears": (C.BILL_VIEW, None),
    "billing:arrears_export": (C.BILL_VIEW, None),
    "billing:overdue_export": (C.BILL_VIEW, None),
    "billing:readings": (C.BILLING_OFFICE, None),
    "billing:resolve": (C.BILLING_OFFICE, "missing"),
    "billing:waiver_decide": (C.WAIVER_APPROVE, "missing"),
    "billing:dunning": (C.BILLING_OFFICE, None),
    "billing:dunning_export": (C.BILLING_OFFICE, None),
    "billing:dunning_step": (C.BILLING_OFFICE, "missing"),
    "billing:reconnection": (C.BILLING_OFFICE, "missing"),
    "billing:reconciliations": (C.BILLING_OFFICE, None),
    "billing:reconciliations_export": (C.BILLING_OFFICE, None),
    "billing:reconciliation": (C.BILLING_OFFICE, "missing"),
    "billing:debit_batches": (C.BILLING_OFFICE, None),
    "billing:debit_batches_export": (C.BILLING_OFFICE, None),
    "billing:debit_batch": (C.BILLING_OFFICE, "missing"),
    "billing:debit_file": (C.BILLING_OFFICE, "missing"),
    "billing:tariffs": (C.TARIFF_EDIT, None),
    "billing:tariff_new": (C.TARIFF_EDIT, None),
    "billing:account": (C.BILL_VIEW, "account"),
    "billing:pay": (C.PAYMENT_TAKE, "account"),
    "billing:waiver": (C.WAIVER_REQUEST, "account"),
    "billing:bill_pdf": (C.BILL_VIEW, "account"),
    "billing:receipt_pdf": (C.BILL_VIEW, "account"),
    # money back (issue 19): a payment's reversal; refunds, their decision and the bank's file
    "billing:reversal": (C.PAYMENT_REVERSE, "account"),
    # meter exchanges and estimated readings (issue 19)
    "customers:meter_exchange": (C.METER_EXCHANGE, "account"),
    "billing:estimated_readings": (C.METER_EXCHANGE, None),
    "billing:refunds": (C.REFUND_APPROVE, None),
    "billing:refunds_export": (C.REFUND_APPROVE, None),
    "billing:refund_new": (C.REFUND_REQUEST, "account"),
    "billing:refund": (C.REFUND_APPROVE, "missing"),
    "billing:refund_decide": (C.REFUND_APPROVE, "missing"),  # POST only
    "billing:refund_batch_new": (C.REFUND_REQUEST, None),  # POST only
    "billing:refund_batch": (C.REFUND_APPROVE, "missing"),
    "billing:refund_batch_file": (C.REFUND_REQUEST, "missing"),
    # arrears (issue 19): instalment plans, protected customers, a protected cut-off's approval, the planned cut-off
    "billing:instalment_plans": (C.INSTALMENT_APPROVE, None),
    "billing:instalment_plan": (C.INSTALMENT_APPROVE, "missing"),
    "billing:instalment_decide": (C.INSTALMENT_APPROVE, "missing"),  # POST only
    "billing:instalment_new": (C.INSTALMENT_REQUEST, "account"),
    "billing:protected_list": (C.PROTECTED_EDIT, None),
    "billing:protected_new": (C.PROTECTED_EDIT, "account"),
    "billing:protected_end": (C.PROTECTED_EDIT, "missing"),  # POST only
    "billing:cutoff_approve": (C.CUTOFF_PROTECTED_APPROVE, "missing"),  # POST only
    "billing:cutoff_plan": (C.BILLING_OFFICE, "missing"),  # POST only
    # e-invoices (数电发票, BILL-8): the list, one invoice and its PDF, an account's invoice title
    "invoicing:invoices": (C.INVOICE_VIEW, None),
    "invoicing:invoice": (C.INVOICE_VIEW, "missing"),
    "invoicing:invoice_pdf": (C.INVOICE_VIEW, "missing"),
    "invoicing:title": (C.INVOICE_TITLE_EDIT, "account"),
    # moving out and in, deposits, a refund's bank line (issue 19)
    "billing:refund_failed": (C.REFUND_REQUEST, "missing"),  # POST only
    "billing:refund_paid": (C.REFUND_REQUEST, "missing"),  # POST only
    "billing:move": (C.BILL_VIEW, "missing"),
    "billing:move_complete": (C.ACCOUNT_MOVE, "missing"),  # POST only
    "billing:move_close": (C.ACCOUNT_MOVE, "account"),
    "billing:move_transfer": (C.ACCOUNT_MOVE, "account"),
    "billing:deposit_take": (C.DEPOSIT_TAKE, "account"),  # POST only
    "billing:deposit_apply": (C.DEPOSIT_APPLY, "account"),  # POST only
    # corrections (issue 19): the world's bill's correction, its account's notes; the approvals,
    # a correction and a batch nobody has; the batch re-bill is the company's (tariffs)
    "billing:correction_new": (C.BILL_CORRECT_REQUEST, "account"),
    "billing:adjustments": (C.BILL_CORRECT_REQUEST, "account"),
    "billing:approvals": (C.BILL_CORRECT_APPROVE, None),
    "billing:correction": (C.BILL_CORRECT_APPROVE, "missing"),
    "billing:correction_decide": (C.BILL_CORRECT_APPROVE, "missing"),  # POST only
    "billing:adjustment_decide": (C.BILL_CORRECT_APPROVE, "missing"),  # POST only
    "billing:rebill_new": (C.BILL_REBILL_BATCH, None),
    "billing:rebill": (C.BILL_REBILL_BATCH, "missing"),
    # 有偿增值服务 (WO-10): administrators keep the catalogue; "missing": an item or order nobody has
    "billing:services": (C.SERVICE_CATALOGUE_EDIT, None),
    "billing:service_new": (C.SERVICE_CATALOGUE_EDIT, None),
    "billing:service": (C.SERVICE_CATALOGUE_EDIT, "missing"),
    "billing:service_active": (C.SERVICE_CATALOGUE_EDIT, "missing"),  # POST only
    "billing:service_orders": (C.SERVICE_ORDER_TAKE, None),
    "billing:service_order_new": (C.SERVICE_ORDER_TAKE, None),
    "billing:service_order": (C.SERVICE_ORDER_TAKE, "missing"),
    "billing:service_order_act": (C.SERVICE_ORDER_TAKE, "missing"),  # POST only
    "billing:service_order_receipt": (C.SERVICE_ORDER_TAKE, "missing"),  # the paid order's receipt PDF
    "halls:index": (C.HALL_VIEW, None),
    "halls:kiosk": (C.DEVICE_PREVIEW, "hall"),
    "halls:guide": (C.TICKET_ISSUE, "hall"),
    "halls:board": (C.DEVICE_PREVIEW, "hall"),
    "halls:board_events": (C.DEVICE_PREVIEW, "hall"),
    "halls:floor": (C.HALL_FIGURES, "hall"),
    "halls:floor_events": (C.HALL_FIGURES, "hall"),
    "halls:setup": (C.HALL_MANAGE, "hall"),
    "halls:terminals": (C.TERMINALS_VIEW, "hall"),
    "halls:figures": (C.HALL_FIGURES, "hall"),
    "halls:figures_export": (C.HALL_FIGURES, "hall"),
    "halls:console_at": (None, "hall"),  # a redirect to the counter's own page (halls:console)
    "halls:pad_at": (None, "hall"),  # a redirect to the counter's pad (halls:pad)
    "halls:devices": (C.HALL_MANAGE, "hall"),
    "halls:console": (C.TICKET_CALL, "hall"),
    "halls:console_events": (C.TICKET_CALL, "hall"),
    "halls:console_action": (C.TICKET_CALL, "hall"),
    "halls:pad": (C.DEVICE_PREVIEW, "hall"),
    # 上门服务 and 流动服务车 (WO-9): the queue in reach, asking, a clerk's own day (every post: its
    # own visits), the unit's timetable; "missing": a visit or stop nobody has
    "halls:home_visits": (C.HOME_VISIT_VIEW, None),
    "halls:home_visit_new": (C.HOME_VISIT_REQUEST, None),
    "halls:home_my_day": (None, None),
    "halls:home_visit": (C.HOME_VISIT_VIEW, "missing"),
    "halls:home_visit_act": (C.HOME_VISIT_VIEW, "missing"),  # POST only; each action asks its own
    "halls:rounds": (C.MOBILE_ROUND_EDIT, None),
    "halls:round_stop": (C.MOBILE_ROUND_EDIT, "missing"),
    "notices:quality": (C.NOTICE_QUALITY, None),
    "notices:templates": (C.TEMPLATE_VIEW, None),
    "notices:template_edit": (C.TEMPLATE_EDIT, None),
    "notices:template_activate": (C.TEMPLATE_EDIT, None),
    "notices:outages": (None, None),
    "notices:outages_export": (None, None),
    "notices:reliability": (C.RELIABILITY_VIEW, None),
    "notices:outage_new": (C.OUTAGE_EDIT, None),
    "notices:outage_detail": (None, "outage"),
    "notices:outage_change": (C.OUTAGE_EDIT, "outage"),
    "notices:peak_shifts": (C.PEAK_SHIFT, None),
    "notices:peak_shift_new": (C.PEAK_SHIFT, None),
    "notices:publications": (C.TEMPLATE_EDIT, None),
    "notices:publication_new": (C.TEMPLATE_EDIT, None),
    "notices:publication": (C.TEMPLATE_EDIT, "missing"),
    "notices:publication_publish": (C.TEMPLATE_EDIT, "missing"),
    "notices:publication_withdraw": (C.TEMPLATE_EDIT, "missing"),
    "notices:publication_article": (C.TEMPLATE_EDIT, "missing"),
    "crews:list": (C.CREW_EDIT, None),
    "crews:change": (C.CREW_EDIT, "missing"),
    "crews:deactivate": (C.CREW_EDIT, "missing"),
    "crews:reactivate": (C.CREW_EDIT, "missing"),
    # assessment: every post sees its own figures (ASSESS_FIGURES those it oversees);
    # "missing": a level or key nobody has
    "assessment:figures": (None, None),
    "assessment:figures_export": (None, None),
    "assessment:drill": (None, "missing"),
    # 岗位管理 and 奖惩台账: every post its own row (ASSESS_FIGURES whom it oversees); "missing": a
    # 工号 or entry nobody has
    "assessment:posts": (None, None),
    "assessment:posts_export": (None, None),
    "assessment:post_detail": (None, "missing"),  # changing the state asks POST_STATE_EDIT
    "assessment:ledger": (None, None),
    "assessment:ledger_export": (None, None),
    "assessment:ledger_new": (C.LEDGER_PROPOSE, None),
    "assessment:ledger_entry": (None, "missing"),
    "assessment:ledger_decide": (C.LEDGER_APPROVE, "missing"),  # POST only; withdrawing: LEDGER_PROPOSE
    # 月度报告: supervisors their unit's, planners and administrators the company's; "missing": no report
    "assessment:reports": (C.ASSESS_REPORTS, None),
    "assessment:report": (C.ASSESS_REPORTS, "missing"),
    "assessment:report_file": (C.ASSESS_REPORTS, "missing"),
    # 星级评定: every post its own rating (ASSESS_FIGURES those it oversees); 星级标准: every post
    # reads them, administrators make a new version
    "assessment:stars": (None, None),
    "assessment:stars_export": (None, None),
    "assessment:star": (None, "missing"),
    "assessment:standards": (None, None),
    "assessment:standard_new": (C.STAR_STANDARDS_EDIT, None),
    # 改进措施: every post reads those of its reach; recording, editing, evaluating ask ACTION_EDIT.
    "assessment:actions": (None, None),
    "assessment:actions_export": (None, None),
    "assessment:action_new": (C.ACTION_EDIT, None),
    "assessment:action": (None, "missing"),
    "assessment:action_edit": (C.ACTION_EDIT, "missing"),
    "assessment:action_evaluate": (C.ACTION_EDIT, "missing"),  # POST only
    "assessment:drivers": (C.SURVEY_RESULTS, None),
    # 投诉分析 and its drill-down and export: supervisors their unit, planners and administrators the company
    "assessment:complaints": (C.COMPLAINT_ANALYSIS, None),
    "assessment:complaints_export": (C.COMPLAINT_ANALYSIS, None),
    "assessment:complaint_orders": (C.COMPLAINT_ANALYSIS, None),
    "assessment:topics": (C.COMPLAINT_ANALYSIS, None),  # 问题主题
    # 满意度调查 (ASSESS-4/5): SURVEY_RESULTS reads samples and response rates (supervisors their
    # unit's, planners and administrators the company's); SURVEY_MANAGE keeps questionnaires,
    # draws and sends samples and keeps social supervisors; "missing": an id nobody has
    "assessment:surveys": (C.SURVEY_RESULTS, None),
    "assessment:questionnaires": (C.SURVEY_MANAGE, None),
    "assessment:questionnaire_new": (C.SURVEY_MANAGE, None),
    "assessment:questionnaire": (C.SURVEY_MANAGE, "missing"),
    "assessment:question_new": (C.SURVEY_MANAGE, "missing"),
    "assessment:question_edit": (C.SURVEY_MANAGE, "missing"),
    "assessment:question_delete": (C.SURVEY_MANAGE, "missing"),  # POST only
    "assessment:questionnaire_publish": (C.SURVEY_MANAGE, "missing"),  # POST only
    "assessment:questionnaire_retire": (C.SURVEY_MANAGE, "missing"),  # POST only
    "assessment:questionnaire_copy": (C.SURVEY_MANAGE, "missing"),  # POST only
    "assessment:samples": (C.SURVEY_RESULTS, None),
    "assessment:sample_new": (C.SURVEY_MANAGE, None),
    "assessment:sample": (C.SURVEY_RESULTS, "missing"),
    "assessment:sample_send": (C.SURVEY_MANAGE, "missing"),  # POST only
    "assessment:supervisors": (C.SURVEY_MANAGE, None),
    "assessment:supervisor": (C.SURVEY_MANAGE, "missing"),
    # 大客户服务 (KEY-1/2): "key_account": the city's account as the caller's portfolio has it (a
    # 大客户经理 their own accounts, a 台区经理 their 台区', supervisors the unit's key accounts);
    # "missing": a visit, need, follow-up or plan nobody has
    "keyaccounts:portfolio": (C.KEY_PORTFOLIO, None),
    "keyaccounts:portfolio_export": (C.KEY_PORTFOLIO, None),
    "keyaccounts:assignments": (C.KEY_ASSIGN, None),
    "keyaccounts:needs": (C.KEY_PORTFOLIO, None),
    "keyaccounts:outage": (C.KEY_PORTFOLIO, "outage"),
    "keyaccounts:peak_shift": (C.KEY_PORTFOLIO, "missing"),
    "keyaccounts:visits": (C.KEY_VISIT, None),
    "keyaccounts:visit": (C.KEY_PORTFOLIO, "missing"),
    "keyaccounts:need_status": (C.KEY_VISIT, "missing"),  # POST only
    "keyaccounts:follow_up_done": (C.KEY_VISIT, "missing"),  # POST only
    "keyaccounts:plans_due": (C.KEY_PORTFOLIO, None),
    "keyaccounts:plan": (C.KEY_PORTFOLIO, "missing"),
    "keyaccounts:plan_pdf": (C.KEY_PORTFOLIO, "missing"),
    "keyaccounts:account": (C.KEY_PORTFOLIO, "key_account"),
    "keyaccounts:visit_new": (C.KEY_VISIT, "key_account"),
    "keyaccounts:plan_new": (C.KEY_PLAN_EDIT, "key_account"),
    # load data, diagnosis and findings (KEY-3/4): "key_diagnosis": the city's account in the
    # diagnosis reach (a 大客户经理 their own accounts, supervisors and planners the unit's or company's)
    "keyaccounts:loads": (C.KEY_LOAD_IMPORT, None),
    "keyaccounts:load": (C.KEY_LOAD_IMPORT, "missing"),
    "keyaccounts:findings": (C.KEY_DIAGNOSIS, None),
    # planning (issue 17)
    "planning:index": (C.PLAN_VIEW, None),
    "planning:staffing": (C.PLAN_VIEW, None),
    "planning:desk": (C.PLAN_VIEW, None),
    "planning:staffing_plan": (C.PLAN_VIEW, "missing"),
    "planning:staffing_adopt": (C.PLAN_EDIT, "missing"),  # POST only
    "planning:staffing_export": (C.PLAN_VIEW, "missing"),
    "planning:roster": (C.PLAN_EDIT, None),
    # the outlet network (PLAN-3): planners and administrators; "missing": a site or scenario nobody has
    "planning:network": (C.PLAN_EDIT, None),
    "planning:network_places": (C.PLAN_EDIT, None),
    "planning:network_site_new": (C.PLAN_EDIT, None),
    "planning:network_hall_site": (C.PLAN_EDIT, None),
    "planning:network_site": (C.PLAN_EDIT, "missing"),
    "planning:network_scenario_new": (C.PLAN_EDIT, None),
    "planning:network_scenario": (C.PLAN_EDIT, "missing"),
    "planning:network_solve": (C.PLAN_EDIT, "missing"),  # POST only
    "planning:network_export": (C.PLAN_EDIT, "missing"),
    "planning:network_compare": (C.PLAN_EDIT, None),
    "keyaccounts:finding_status": (C.KEY_FINDING_HANDLE, "missing"),  # POST only
    "keyaccounts:diagnosis": (C.KEY_DIAGNOSIS, "key_diagnosis"),
    "keyaccounts:diagnosis_pdf": (C.KEY_DIAGNOSIS, "key_diagnosis"),
    "calendar:list": (C.CALENDAR_VIEW, None),
    "calendar:year": (C.CALENDAR_VIEW, None),
    "jobs:index": (C.JOBS, None),
    "jobs:detail": (C.JOBS, None),
    "jobs:runs_export": (C.JOBS, None),
    "jobs:run": (C.JOBS, None),
    # the simulated hall day (PLAN-2, issue 17): PLAN_VIEW simulates; a plan's run is PLAN_EDIT
    "planning:simulate": (C.PLAN_VIEW, None),
    "planning:plan_simulation": (C.PLAN_EDIT, "missing"),  # POST only
    # the knowledge base (SELF-1, issue 18): KNOWLEDGE_VIEW reads, KNOWLEDGE_EDIT writes drafts,
    # KNOWLEDGE_REVIEW publishes another person's; "missing": an article or version nobody has
    "knowledge:search": (C.KNOWLEDGE_VIEW, None),
    "knowledge:suggest": (C.KNOWLEDGE_VIEW, None),  # the intake's and the counter console's fragment
    "knowledge:article_new": (C.KNOWLEDGE_EDIT, None),
    "knowledge:article": (C.KNOWLEDGE_VIEW, "missing"),
    "knowledge:feedback": (C.KNOWLEDGE_VIEW, "missing"),  # POST only
    "knowledge:used": (C.KNOWLEDGE_VIEW, "missing"),  # POST only
    "knowledge:version_new": (C.KNOWLEDGE_EDIT, "missing"),
    "knowledge:version": (C.KNOWLEDGE_EDIT, "missing"),
    "knowledge:version_submit": (C.KNOWLEDGE_EDIT, "missing"),  # POST only
    "knowledge:version_review": (C.KNOWLEDGE_REVIEW, "missing"),  # POST only
    "knowledge:review": (C.KNOWLEDGE_REVIEW, None),
    "knowledge:figures": (C.KNOWLEDGE_EDIT, None),
    # filing: an article's 重新归类 and the categories page (KNOWLEDGE_VIEW reads, EDIT changes)
    "knowledge:article_classing": (C.KNOWLEDGE_EDIT, "missing"),
    "knowledge:categories": (C.KNOWLEDGE_VIEW, None),
    "knowledge:category_rename": (C.KNOWLEDGE_EDIT, "missing"),  # POST only
    "knowledge:category_move": (C.KNOWLEDGE_EDIT, "missing"),  # POST only
    "knowledge:category_retire": (C.KNOWLEDGE_EDIT, "missing"),  # POST only, asked first
}
del C

# Pages anybody may open, signed in or not.
PUBLIC = {
    "login",
    "set_language",
    "halls:device_pair",
    "halls:ticket_status",  # a ticket's own page, behind its signed link
    "dismiss_confirmation",  # forgetting a page's message
    "survey:answer",  # a survey's SMS link (/s/<token>/), answered without signing in (assessment)
    "survey:done",
    "survey:pad_offer",  # the evaluation pad's QR code after a rating (its signed address)
}
# Pages that answer those allowed with a redirect.
REDIRECTS = {"halls:console_at", "halls:pad_at"}

# (route or "METHOD /api/path", persona) → what fails today; issue 11, being fixed in the app named.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _customer_pages() -> set[str]:
    """The customer portal's pages (gridcare.portal): for customers, not staff posts; a staff
    session is nobody there (tests of their own walk them with two customers)."""
    return {r.name for r in page_routes() if r.name.startswith("portal:")}


def test_every_page_route_is_in_the_table() -> None:
    assert {r.name for r in page_routes()} - PUBLIC - _customer_pages() == set(ROUTES)


def test_each_home_tile_asks_what_its_page_asks() -> None:
    assert [(link.url_name, link.capability) for link in LINKS] == [
        (link.url_name, ROUTES[link.url_name][0]) for link in LINKS
    ]


def expected_statuses(probe: World, route: str, persona: str) -> set[int]:
    """What the capability table and the persona's scope say the route answers a GET with."""
    capability, thing = ROUTES[route]
    if thing == "self":
        return {200}
    refused = refusal(probe, persona, capability, thing)
    if refused is None:
        return {302} if route in REDIRECTS else {200}
    return refused


def _param(key: str, thing: Any, persona: str) -> Any:
    marks = []
    if (key, persona) in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(strict=True, reason=f"issue 11: {KNOWN_FAILURES[(key, persona)]}"))
    return pytest.param(thing, persona, marks=marks, id=f"{key}-{persona}")


def _client(probe: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(probe.town.users[persona])
    return client


def _markers(probe: World) -> list[str]:
    """What of the city a page must not show to the outsiders."""
    town = probe.town
    return [
        town.account.account_no,
        town.other_unit_account.account_no,
        town.account.customer.name,
        town.other_unit_account.customer.name,
        town.hall.name,
        town.other_hall.name,
        probe.order.number,
    ]


def _shows_the_city(probe: World, body: bytes) -> list[str]:
    text = body.decode(errors="replace")
    return [m for m in _markers(probe) if m in text]


@pytest.mark.parametrize(("route", "persona"), [_param(r.name, r, p) for r in page_routes() for p in PERSONAS])
def test_page_access(route: Route, persona: str, probe: World) -> None:
    url = route.fill("real", probe.real(route.name))
    answer = _client(probe, persona).get(url)
    status = answer.status_code
    assert status < 500, (url, status)
    if route.name in PUBLIC:
        return
    if route.name.startswith("portal:"):  # a staff session or nobody: no customer is signed in
        assert status in (200, 302, 405), (url, status)
        if status == 302:
            assert answer["Location"].startswith("/portal/"), answer["Location"]
        assert not _shows_the_city(probe, body_of(answer)), url
        return
    if persona == "anonymous":
        if status != 405:  # a POST-only route says so first
            assert status == 302, (url, status)
            assert answer["Location"].startswith(resolve_url(settings.LOGIN_URL)), answer["Location"]
        return
    if persona in OUTSIDERS:
        assert status in (200, 302, 403, 404, 405), (url, status)
        if status == 200:
            assert not _shows_the_city(probe, body_of(answer)), url
    if status != 405:  # POST-only routes: their refusals are tried by the tests of their app
        assert status in expected_statuses(probe, route.name, persona), (url, status)


def _operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return [(method.upper(), path) for path, ops in schema["paths"].items() for method in ops]


def _api_url(path: str, probe: World) -> str:
    real = probe.real("api")
    real["number"] = probe.order.number
    for name, value in real.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("{reference}", "NOSUCHREF").replace("{outage_id}", str(probe.outage.pk))


def _api_client(probe: World, persona: str) -> Client:
    if persona == "anonymous":
        return Client()
    return api_client(probe.town.users[persona])


# Operations that take other credentials than a signed-in person's.
OWN_AUTH = {
    ("POST", "/api/v1/auth/token"),  # a username and password
    ("POST", "/api/v1/notices/receipts"),  # the gateway's signature
    ("POST", "/api/v1/notices/inbound-sms"),  # the gateway's signature (a reply TD opts the phone out)
    ("POST", "/api/v1/devices/pair"),  # a hall device's one-time code
    ("POST", "/api/v1/portal/auth/code"),  # a customer's phone (gridcare.portal)
    ("POST", "/api/v1/portal/auth/token"),  # the phone and its one-time code
    ("POST", "/api/v1/payments/notify/{provider}"),  # the payment provider's signature (billing)
    ("GET", "/api/v1/surveys/{token}"),  # a survey link's own token, no sign-in (assessment)
    ("POST", "/api/v1/surveys/{token}"),
}
# The customer's own operations (gridcare.portal) take a customer's token or session only: a
# staff token, a staff session or nothing is no credential there (401), and nothing is written.
CUSTOMER_PREFIX = "/api/v1/portal/"


def _customer_only(operation: tuple[str, str], persona: str, probe: World) -> None:
    method, path = operation
    url = path.replace("{account_no}", probe.town.account.account_no)
    before = row_counts()
    client = _api_client(probe, persona)
    if method == "GET":
        answer = client.get(url)
    else:
        answer = client.generic(method, url, data="{}", content_type="application/json")
    assert answer.status_code == 401, (method, url, persona, answer.status_code)
    assert set(answer.json()) == {"detail", "errors"}
    writes = {t: d for t, d in changed(before, row_counts()).items() if t not in LOG_TABLES}
    assert not writes, (method, url, writes)


# Anyone signed in may end their own token (204).
SIGN_OUT = ("POST", "/api/v1/auth/logout")


@pytest.mark.parametrize(
    ("operation", "persona"), [_param(f"{m} {p}", (m, p), persona) for m, p in _operations() for persona in PERSONAS]
)
def test_api_access(operation: tuple[str, str], persona: str, probe: World) -> None:
    method, path = operation
    if path.startswith(CUSTOMER_PREFIX) and operation not in OWN_AUTH:
        _customer_only(operation, persona, probe)
        return
    url = _api_url(path, probe)
    client = _api_client(probe, persona)
    before = row_counts()
    if method == "GET":
        answer = client.get(url)
    else:
        answer = client.generic(method, url, data="{}", content_type="application/json")
    status = answer.status_code
    assert status < 500, (method, url, status, answer.content[:200])
    if operation in OWN_AUTH:
        return
    if persona == "anonymous":
        assert status == 401, (method, url, status)
        assert set(answer.json()) == {"detail", "errors"}
    elif persona in OUTSIDERS and operation != SIGN_OUT:
        assert status in (200, 401, 403, 404, 422), (method, url, status)
        if status == 200:
            assert method == "GET" and not _shows_the_city(probe, answer.content), (method, url, answer.content[:200])
    if persona in OUTSIDERS | {"anonymous"}:
        writes = {t: d for t, d in changed(before, row_counts()).items() if t not in LOG_TABLES}
        assert not writes, (method, url, writes)


def _admin_only_state() -> tuple[Any, ...]:
    return (
        list(Job.objects.order_by("pk").values()),
        list(ApiToken.objects.order_by("pk").values_list("pk", "revoked_at")),
        CalendarChange.objects.count(),
    )


def _calendar_body(probe: World) -> str:
    answer = api_client(probe.town.admin).get("/api/v1/calendar/years/2026")
    assert answer.status_code == 200, answer.content
    return json.dumps(answer.json())


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"])
def test_only_administrators_save_the_calendar_run_jobs_and_unlock(persona: str, probe: World) -> None:
    """What an administrator would post, posted by everyone else: refused, nothing changed."""
    page = _client(probe, persona)
    api_caller = _api_client(probe, persona)
    year = _calendar_body(probe)
    token = probe.token_id
    before = (_admin_only_state(), row_counts())
    posts = {
        "/jobs/send_notices/run/": {},
        "/security/unlock/": {"kind": "account", "value": "clerk", "confirm": "1"},
        f"/security/tokens/{token}/revoke/": {"confirm": "1"},
        "/calendar/2026/": {
            "source": "国办发明电〔2025〕7号",
            "h-TOTAL_FORMS": "0",
            "m-TOTAL_FORMS": "0",
            "confirm": "1",
        },
    }
    for url, body in posts.items():
        answer = page.post(url, data=body)
        assert answer.status_code in (302, 403, 404), (url, answer.status_code)
        if answer.status_code == 302:
            assert answer["Location"].startswith(resolve_url(settings.LOGIN_URL)), (url, answer["Location"])
    put = api_caller.put("/api/v1/calendar/years/2026", data=year, content_type="application/json")
    assert put.status_code in (401, 403, 404), put.content
    after = (_admin_only_state(), row_counts())
    assert after[0] == before[0]
    assert not {t: d for t, d in changed(before[1], after[1]).items() if t not in LOG_TABLES}
