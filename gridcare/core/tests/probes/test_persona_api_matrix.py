"""Every staff persona against every API operation, with a body the operation accepts (issue 12).

The API half of the persona × route matrix (test_persona_route_matrix.py has the pages): every
operation of the OpenAPI document is in OPERATIONS with the capability its endpoint asks
(gridcare.org.access; None: every staff post) and the object its path names. Each request
carries a minimal body built from the operation's request schema, so django-ninja's validation
lets it through and the endpoint itself decides. Expected, from ``POSTS`` and the persona's
scope (``refusal`` in probes/routes.py, as for the pages):

* a post without the capability: 403 (404 for the HIDDEN capabilities), 404 when the object is
  outside its scope, and nothing written (the sign-in tables of LOG_TABLES aside);
* a post with it: never 401 or 403. The endpoint runs, so a business answer is fine: 404 for
  an object the world has no row for, 409 for a step the object's state refuses, 422 for a
  value the minimal body gets wrong for that case (a planned outage without notice).

Two kinds of rules sit on the object, not the post: the first-ask owner of a work order and the
clerk signed in at a counter (OWNER_RULES: a holder who is neither may be refused with 403), and
the customer's rating, which only the counter's evaluation pad may post (DEVICE_ONLY: every
staff post 403). A (operation, persona) that fails today is in KNOWN_FAILURES (strict xfail).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import jsonschema_rs
import pytest
from django.test import Client
from django.utils import timezone

from config.api import api
from gridcare.core.testing import ID_NUMBER, PHONE, STAFF_PERSONAS, api_client
from gridcare.core.tests.probes.routes import LOG_TABLES, changed, refusal, row_counts
from gridcare.core.tests.probes.test_persona_route_matrix import CUSTOMER_PREFIX, OWN_AUTH
from gridcare.core.tests.probes.world import World
from gridcare.org.access import Capability, scope_for

Operation = tuple[str, str]
C = Capability

# Every operation: the capability its endpoint (or the service it calls) asks, and the object its
# path names in the probes' world ("account", "order", "outage": the world's own; "hall",
# "ticket", "counter", "terminal": H1's; "missing": a reference or number the world has no such
# row for; "self": the caller's own token).
OPERATIONS: dict[Operation, tuple[Capability | None, str | None]] = {
    ("POST", "/api/v1/auth/logout"): (None, "self"),
    ("GET", "/api/v1/me"): (None, "self"),
    # key accounts' load data, diagnosis and findings (KEY-3/4); "key_diagnosis": the world's
    # account as the diagnosis reach sees it (a key account of the person's reach)
    ("POST", "/api/v1/key-accounts/loads"): (C.KEY_LOAD_IMPORT, None),
    ("GET", "/api/v1/key-accounts/loads"): (C.KEY_LOAD_IMPORT, None),
    ("GET", "/api/v1/key-accounts/loads/{import_id}"): (C.KEY_LOAD_IMPORT, "missing"),
    ("GET", "/api/v1/key-accounts/{account_no}/diagnosis"): (C.KEY_DIAGNOSIS, "key_diagnosis"),
    ("GET", "/api/v1/key-accounts/findings"): (C.KEY_DIAGNOSIS, None),
    # the staffing plan (PLAN-1, issue 17): "hall" is H1; a hall manager reads their own hall's
    ("GET", "/api/v1/planning/queueing/erlang-c"): (C.PLAN_VIEW, None),
    ("GET", "/api/v1/planning/forecasts"): (C.PLAN_VIEW, None),
    ("POST", "/api/v1/planning/staffing-plans"): (C.PLAN_EDIT, None),
    ("GET", "/api/v1/planning/staffing-plans"): (C.PLAN_VIEW, None),
    ("GET", "/api/v1/planning/staffing-plans/{plan_id}"): (C.PLAN_VIEW, "missing"),
    ("POST", "/api/v1/planning/staffing-plans/{plan_id}/adopt"): (C.PLAN_EDIT, "missing"),
    ("PUT", "/api/v1/planning/rosters/{hall_code}/{day}"): (C.PLAN_EDIT, "hall"),
    # the outlet network (PLAN-3): planners and administrators; "missing": a site or scenario nobody has
    ("GET", "/api/v1/planning/network/sites"): (C.PLAN_EDIT, None),
    ("POST", "/api/v1/planning/network/sites"): (C.PLAN_EDIT, None),
    ("PUT", "/api/v1/planning/network/sites/{site_id}"): (C.PLAN_EDIT, "missing"),
    ("GET", "/api/v1/planning/network/scenarios"): (C.PLAN_EDIT, None),
    ("POST", "/api/v1/planning/network/scenarios"): (C.PLAN_EDIT, None),
    ("GET", "/api/v1/planning/network/scenarios/{scenario_id}"): (C.PLAN_EDIT, "missing"),
    ("POST", "/api/v1/planning/network/scenarios/{scenario_id}/solve"): (C.PLAN_EDIT, "missing"),
    ("GET", "/api/v1/planning/network/halls"): (C.PLAN_EDIT, None),
    ("POST", "/api/v1/key-accounts/findings/{finding_id}/status"): (C.KEY_FINDING_HANDLE, "missing"),
    # the key-account portfolio, visits and plans (KEY-1/2); "key_account": the world's account as
    # the caller's portfolio has it (as the pages keyaccounts:account …)
    ("GET", "/api/v1/key-accounts/portfolio"): (C.KEY_PORTFOLIO, None),
    ("GET", "/api/v1/key-accounts/portfolio/{account_no}"): (C.KEY_PORTFOLIO, "key_account"),
    ("POST", "/api/v1/key-accounts/assignments"): (C.KEY_ASSIGN, None),
    ("GET", "/api/v1/key-accounts/needs/analysis"): (C.KEY_PORTFOLIO, None),
    ("GET", "/api/v1/key-accounts/visits"): (C.KEY_VISIT, None),
    ("POST", "/api/v1/key-accounts/portfolio/{account_no}/visits"): (C.KEY_VISIT, "key_account"),
    ("POST", "/api/v1/key-accounts/visits/{visit_id}/record"): (C.KEY_VISIT, "missing"),
    ("POST", "/api/v1/key-accounts/visits/{visit_id}/cancel"): (C.KEY_VISIT, "missing"),
    ("GET", "/api/v1/key-accounts/portfolio/{account_no}/plans"): (C.KEY_PORTFOLIO, "key_account"),
    ("POST", "/api/v1/key-accounts/portfolio/{account_no}/plans"): (C.KEY_PLAN_EDIT, "key_account"),
    ("GET", "/api/v1/key-accounts/plans/{plan_id}/pdf"): (C.KEY_PORTFOLIO, "missing"),
    ("POST", "/api/v1/customers"): (C.ARCHIVE_EDIT, None),
    ("GET", "/api/v1/accounts"): (None, None),
    ("GET", "/api/v1/accounts/{account_no}"): (None, "account"),
    ("POST", "/api/v1/accounts/{account_no}/unmask"): (C.ACCOUNT_UNMASK, "account"),
    ("POST", "/api/v1/accounts/{account_no}/transfer"): (C.ARCHIVE_EDIT, "account"),
    ("POST", "/api/v1/accounts/{account_no}/rename"): (C.ARCHIVE_EDIT, "account"),
    ("POST", "/api/v1/accounts/{account_no}/tariff"): (C.ARCHIVE_EDIT, "account"),
    ("POST", "/api/v1/accounts/{account_no}/status"): (C.ARCHIVE_EDIT, "account"),
    ("POST", "/api/v1/accounts/{account_no}/phone"): (C.ARCHIVE_EDIT, "account"),
    ("GET", "/api/v1/accounts/{account_no}/due"): (C.BILL_VIEW, "account"),  # the page billing:account
    ("POST", "/api/v1/payments"): (C.PAYMENT_TAKE, None),
    # a payment's reversal (issue 19): the world's part payment of its account
    ("POST", "/api/v1/payments/{payment_id}/reversal"): (C.PAYMENT_REVERSE, "account"),
    # arrears (issue 19): instalment plans of the world's account and its bill; "missing": a plan nobody has
    ("POST", "/api/v1/accounts/{account_no}/instalment-plans/preview"): (C.INSTALMENT_REQUEST, "account"),
    ("POST", "/api/v1/accounts/{account_no}/instalment-plans"): (C.INSTALMENT_REQUEST, "account"),
    ("GET", "/api/v1/instalment-plans/{plan_id}"): (C.INSTALMENT_APPROVE, "missing"),
    ("POST", "/api/v1/instalment-plans/{plan_id}/decision"): (C.INSTALMENT_APPROVE, "missing"),
    ("POST", "/api/v1/accounts/{account_no}/protection"): (C.PROTECTED_EDIT, "account"),
    ("POST", "/api/v1/bills/{bill_id}/cutoff-approval"): (C.CUTOFF_PROTECTED_APPROVE, "account"),
    ("POST", "/api/v1/bills/{bill_id}/cutoff-plan"): (C.BILLING_OFFICE, "account"),
    # e-invoices (BILL-8): the list, one invoice, its PDF (an id nobody has), an account's title
    ("GET", "/api/v1/invoices"): (C.INVOICE_VIEW, None),  # the page invoicing:invoices
    ("GET", "/api/v1/invoices/{invoice_id}"): (C.INVOICE_VIEW, "missing"),
    ("GET", "/api/v1/invoices/{invoice_id}/pdf"): (C.INVOICE_VIEW, "missing"),
    ("GET", "/api/v1/invoices/titles/{account_no}"): (C.INVOICE_VIEW, "account"),
    ("PUT", "/api/v1/invoices/titles/{account_no}"): (C.INVOICE_TITLE_EDIT, "account"),
    # meter exchanges and estimated readings (issue 19)
    ("POST", "/api/v1/accounts/{account_no}/meter-exchanges"): (C.METER_EXCHANGE, "account"),
    ("GET", "/api/v1/accounts/{account_no}/meter-exchanges"): (C.BILL_VIEW, "account"),
    ("GET", "/api/v1/readings/estimated"): (C.METER_EXCHANGE, None),  # the page billing:estimated_readings
    # moving out and in, deposits and refunds (issue 19)
    ("POST", "/api/v1/accounts/{account_no}/closure/preview"): (C.ACCOUNT_MOVE, "account"),
    ("POST", "/api/v1/accounts/{account_no}/closure"): (C.ACCOUNT_MOVE, "account"),
    ("POST", "/api/v1/accounts/{account_no}/move-in/preview"): (C.ACCOUNT_MOVE, "account"),
    ("POST", "/api/v1/accounts/{account_no}/move-in"): (C.ACCOUNT_MOVE, "account"),
    ("POST", "/api/v1/moves/{move_id}/completion"): (C.ACCOUNT_MOVE, "missing"),
    ("GET", "/api/v1/accounts/{account_no}/deposit"): (C.BILL_VIEW, "account"),
    ("POST", "/api/v1/accounts/{account_no}/deposit"): (C.DEPOSIT_TAKE, "account"),
    ("POST", "/api/v1/accounts/{account_no}/deposit/application"): (C.DEPOSIT_APPLY, "account"),
    ("GET", "/api/v1/refunds"): (C.REFUND_APPROVE, None),  # the page billing:refunds
    ("POST", "/api/v1/accounts/{account_no}/refunds"): (C.REFUND_REQUEST, "account"),
    ("POST", "/api/v1/refunds/{refund_id}/decision"): (C.REFUND_APPROVE, "missing"),
    ("POST", "/api/v1/refunds/{refund_id}/paid"): (C.REFUND_REQUEST, "missing"),
    ("POST", "/api/v1/refunds/{refund_id}/failed"): (C.REFUND_REQUEST, "missing"),
    # corrections (issue 19): a correction of the world's bill, a note on its account; the
    # decisions and a batch's progress name ones nobody has
    ("POST", "/api/v1/billing/bills/{bill_id}/corrections"): (C.BILL_CORRECT_REQUEST, "account"),
    ("POST", "/api/v1/billing/corrections/{correction_id}/decision"): (C.BILL_CORRECT_APPROVE, "missing"),
    ("POST", "/api/v1/billing/accounts/{account_no}/adjustments"): (C.BILL_CORRECT_REQUEST, "account"),
    ("POST", "/api/v1/billing/adjustments/{adjustment_id}/decision"): (C.BILL_CORRECT_APPROVE, "missing"),
    ("GET", "/api/v1/billing/rebill-batches/{rebill_id}"): (C.BILL_REBILL_BATCH, "missing"),
    ("POST", "/api/v1/billing/rebill-batches"): (C.BILL_REBILL_BATCH, None),
    ("GET", "/api/v1/service-catalogue"): (C.SERVICE_CATALOGUE_EDIT, None),  # the page billing:services
    ("POST", "/api/v1/service-catalogue"): (C.SERVICE_CATALOGUE_EDIT, None),
    ("GET", "/api/v1/service-orders"): (C.SERVICE_ORDER_TAKE, None),  # the page billing:service_orders
    ("POST", "/api/v1/workorders"): (None, None),
    ("GET", "/api/v1/workorders"): (None, None),
    ("GET", "/api/v1/workorders/overdue"): (None, None),
    ("GET", "/api/v1/workorders/{number}"): (None, "order"),
    ("GET", "/api/v1/complaint-causes"): (None, None),  # the causes intake and closing offer
    ("POST", "/api/v1/workorders/{number}/accept"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/dispatch"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/arrive"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/restore"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/reply"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/close"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/confirm-outage"): (C.INCIDENT_CONFIRM, "order"),
    ("POST", "/api/v1/workorders/{number}/call-back"): (C.CALLBACK_RECORD, "order"),
    ("POST", "/api/v1/workorders/{number}/reopen"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/contact"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/pause"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/resume"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/hand-over"): (C.ORDER_HANDOVER, "order"),  # or the owner
    ("POST", "/api/v1/workorders/{number}/verify"): (C.COMPLAINT_VERIFY, "order"),
    # the 95598 desk (issue 18): "missing" an attachment, inbox item or saved search nobody has
    ("GET", "/api/v1/workorders/{number}/attachments"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/attachments"): (None, "order"),
    ("GET", "/api/v1/workorders/{number}/attachments/{attachment_id}"): (None, "missing"),
    ("GET", "/api/v1/workorders/{number}/notes"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/notes"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/replies"): (None, "order"),  # the owner's (OWNER_RULES)
    ("POST", "/api/v1/workorders/{number}/urge"): (None, "order"),
    ("POST", "/api/v1/workorders/{number}/merge"): (C.ORDER_MERGE, "order"),
    ("GET", "/api/v1/workorders/inbox"): (C.ORDER_INBOX, None),
    ("POST", "/api/v1/workorders/inbox/{item_id}/done"): (C.ORDER_INBOX, "missing"),
    ("GET", "/api/v1/workorders/search"): (None, None),
    ("GET", "/api/v1/workorders/saved-searches"): (None, None),
    ("POST", "/api/v1/workorders/saved-searches"): (None, None),
    ("DELETE", "/api/v1/workorders/saved-searches/{search_id}"): (None, "missing"),
    ("GET", "/api/v1/workorders/triage/models"): (C.ORDER_FIGURES, None),
    ("POST", "/api/v1/new-connections"): (C.CONNECTION_APPLY, None),
    ("GET", "/api/v1/new-connections"): (None, None),
    ("POST", "/api/v1/new-connections/{number}/advance"): (None, "missing"),  # a work order's number
    ("POST", "/api/v1/outages"): (C.OUTAGE_EDIT, None),
    ("GET", "/api/v1/outages"): (None, None),
    ("GET", "/api/v1/outages/reliability"): (C.RELIABILITY_VIEW, None),
    ("GET", "/api/v1/outages/{outage_id}"): (None, "outage"),
    ("POST", "/api/v1/outages/{outage_id}/restore"): (C.OUTAGE_EDIT, "outage"),
    ("POST", "/api/v1/outages/{outage_id}/cancel"): (C.OUTAGE_EDIT, "outage"),
    ("POST", "/api/v1/notices/peak-shift"): (C.PEAK_SHIFT, None),
    ("POST", "/api/v1/halls/{hall_code}/tickets"): (C.TICKET_ISSUE, "hall"),
    ("GET", "/api/v1/halls/{hall_code}/queue"): (C.HALL_VIEW, "hall"),  # the page halls:index
    ("GET", "/api/v1/tickets/{ticket_id}"): (C.HALL_VIEW, "ticket"),
    ("POST", "/api/v1/counters/{counter_id}/call-next"): (C.TICKET_CALL, "counter"),
    ("POST", "/api/v1/counters/{counter_id}/pause"): (C.TICKET_CALL, "counter"),
    ("POST", "/api/v1/counters/{counter_id}/resume"): (C.TICKET_CALL, "counter"),
    ("POST", "/api/v1/counters/{counter_id}/close"): (C.TICKET_CALL, "counter"),
    ("POST", "/api/v1/tickets/{ticket_id}/recall"): (C.TICKET_CALL, "ticket"),
    ("POST", "/api/v1/tickets/{ticket_id}/no-show"): (C.TICKET_CALL, "ticket"),
    ("POST", "/api/v1/tickets/{ticket_id}/finish"): (C.TICKET_CALL, "ticket"),
    ("POST", "/api/v1/tickets/{ticket_id}/transfer"): (C.TICKET_CALL, "ticket"),
    ("POST", "/api/v1/tickets/{ticket_id}/evaluation"): (None, "ticket"),  # DEVICE_ONLY
    ("POST", "/api/v1/halls/{hall_code}/diversions"): (C.TICKET_ISSUE, "hall"),
    ("GET", "/api/v1/halls/{hall_code}/terminals"): (C.TERMINALS_VIEW, "hall"),  # the page halls:terminals
    ("POST", "/api/v1/terminals/{terminal_id}/status"): (C.TICKET_ISSUE, "terminal"),
    ("POST", "/api/v1/terminals/{terminal_id}/usage"): (C.TICKET_ISSUE, "terminal"),
    ("POST", "/api/v1/terminals/{terminal_id}/fault"): (C.TICKET_ISSUE, "terminal"),
    ("GET", "/api/v1/halls/{hall_code}/appointment-slots"): (C.TICKET_ISSUE, "hall"),
    ("POST", "/api/v1/halls/{hall_code}/appointments"): (C.TICKET_ISSUE, "hall"),
    ("POST", "/api/v1/appointments/{reference}/cancel"): (C.TICKET_ISSUE, "missing"),
    ("POST", "/api/v1/appointments/{reference}/check-in"): (C.TICKET_ISSUE, "missing"),
    # 上门服务 and 流动服务车 (WO-9); "missing": a visit nobody has (the outcome: its clerk or HOME_VISIT_MANAGE)
    ("GET", "/api/v1/home-visits"): (C.HOME_VISIT_VIEW, None),  # the page halls:home_visits
    ("POST", "/api/v1/home-visits/{visit_id}/schedule"): (C.HOME_VISIT_MANAGE, "missing"),
    ("POST", "/api/v1/home-visits/{visit_id}/done"): (None, "missing"),
    ("POST", "/api/v1/home-visits/{visit_id}/failed"): (None, "missing"),
    ("POST", "/api/v1/home-visits/{visit_id}/cancel"): (C.HOME_VISIT_REQUEST, "missing"),
    ("GET", "/api/v1/mobile-rounds"): (C.MOBILE_ROUND_EDIT, None),  # the page halls:rounds
    ("POST", "/api/v1/mobile-rounds"): (C.MOBILE_ROUND_EDIT, None),
    ("GET", "/api/v1/assessment/figures"): (None, None),  # one's own row without ASSESS_FIGURES
    ("GET", "/api/v1/assessment/figures/{level}/{key}"): (None, None),  # the literal path: a 422
    ("GET", "/api/v1/assessment/post-states"): (None, None),  # the page assessment:posts
    ("POST", "/api/v1/assessment/post-states"): (C.POST_STATE_EDIT, None),
    ("GET", "/api/v1/assessment/ledger"): (None, None),  # the page assessment:ledger
    ("POST", "/api/v1/assessment/ledger"): (C.LEDGER_PROPOSE, None),
    ("POST", "/api/v1/assessment/ledger/{entry_id}/approve"): (C.LEDGER_APPROVE, "missing"),
    ("POST", "/api/v1/assessment/ledger/{entry_id}/reject"): (C.LEDGER_APPROVE, "missing"),
    ("POST", "/api/v1/assessment/ledger/{entry_id}/withdraw"): (C.LEDGER_PROPOSE, "missing"),
    ("GET", "/api/v1/assessment/reports"): (C.ASSESS_REPORTS, None),
    ("GET", "/api/v1/assessment/reports/{report_id}"): (C.ASSESS_REPORTS, "missing"),
    ("GET", "/api/v1/assessment/stars"): (None, None),  # the page assessment:stars
    ("GET", "/api/v1/assessment/stars/{rating_id}"): (None, "missing"),
    ("GET", "/api/v1/assessment/standards"): (None, None),  # the page assessment:standards
    ("POST", "/api/v1/assessment/standards"): (C.STAR_STANDARDS_EDIT, None),
    ("GET", "/api/v1/assessment/drivers"): (C.SURVEY_RESULTS, None),  # the page assessment:drivers
    ("GET", "/api/v1/assessment/complaints"): (C.COMPLAINT_ANALYSIS, None),  # the page assessment:complaints
    ("GET", "/api/v1/assessment/topics"): (C.COMPLAINT_ANALYSIS, None),  # the page assessment:topics
    ("GET", "/api/v1/assessment/actions"): (None, None),  # the page assessment:actions
    ("POST", "/api/v1/assessment/actions"): (C.ACTION_EDIT, None),
    ("GET", "/api/v1/assessment/actions/{action_id}"): (None, "missing"),
    ("POST", "/api/v1/assessment/actions/{action_id}/evaluate"): (C.ACTION_EDIT, "missing"),
    # samples, questionnaires, social supervisors (ASSESS-4/5): as their pages
    ("GET", "/api/v1/assessment/samples"): (C.SURVEY_RESULTS, None),
    ("POST", "/api/v1/assessment/samples"): (C.SURVEY_MANAGE, None),
    ("GET", "/api/v1/assessment/samples/{sample_id}"): (C.SURVEY_RESULTS, "missing"),
    ("POST", "/api/v1/assessment/samples/{sample_id}/send"): (C.SURVEY_MANAGE, "missing"),
    ("GET", "/api/v1/assessment/questionnaires"): (C.SURVEY_MANAGE, None),
    ("GET", "/api/v1/assessment/supervisors"): (C.SURVEY_MANAGE, None),
    ("GET", "/api/v1/calendar/years"): (C.CALENDAR_VIEW, None),  # the page calendar:list
    ("GET", "/api/v1/calendar/years/{year}"): (C.CALENDAR_VIEW, None),  # the page calendar:year
    ("PUT", "/api/v1/calendar/years/{year}"): (C.CALENDAR_EDIT, None),
    # the simulated hall day (PLAN-2, issue 17): PLAN_VIEW may simulate (a hall in the body: the caller's)
    ("POST", "/api/v1/planning/simulations"): (C.PLAN_VIEW, None),
    # the 95598 desk's staffing (Erlang A, issue 17): a calculator, PLAN_VIEW
    ("POST", "/api/v1/planning/desk-staffing"): (C.PLAN_VIEW, None),
    # the knowledge base (SELF-1, issue 18), as its pages; "missing": an article or version nobody has
    ("GET", "/api/v1/knowledge/search"): (C.KNOWLEDGE_VIEW, None),
    ("GET", "/api/v1/knowledge/articles"): (C.KNOWLEDGE_VIEW, None),
    ("POST", "/api/v1/knowledge/articles"): (C.KNOWLEDGE_EDIT, None),
    ("GET", "/api/v1/knowledge/articles/{article_id}"): (C.KNOWLEDGE_VIEW, "missing"),
    ("GET", "/api/v1/knowledge/articles/{article_id}/versions"): (C.KNOWLEDGE_VIEW, "missing"),
    ("POST", "/api/v1/knowledge/articles/{article_id}/versions"): (C.KNOWLEDGE_EDIT, "missing"),
    ("GET", "/api/v1/knowledge/articles/{article_id}/diff"): (C.KNOWLEDGE_VIEW, "missing"),
    ("POST", "/api/v1/knowledge/articles/{article_id}/feedback"): (C.KNOWLEDGE_VIEW, "missing"),
    ("POST", "/api/v1/knowledge/versions/{version_id}/submit"): (C.KNOWLEDGE_EDIT, "missing"),
    ("POST", "/api/v1/knowledge/versions/{version_id}/approve"): (C.KNOWLEDGE_REVIEW, "missing"),
    ("POST", "/api/v1/knowledge/versions/{version_id}/reject"): (C.KNOWLEDGE_REVIEW, "missing"),
    ("GET", "/api/v1/knowledge/figures"): (C.KNOWLEDGE_EDIT, None),
    ("PUT", "/api/v1/knowledge/articles/{article_id}/classing"): (C.KNOWLEDGE_EDIT, "missing"),
    ("GET", "/api/v1/knowledge/categories"): (C.KNOWLEDGE_VIEW, None),
    ("POST", "/api/v1/knowledge/categories"): (C.KNOWLEDGE_EDIT, None),
    ("PUT", "/api/v1/knowledge/categories/order"): (C.KNOWLEDGE_EDIT, None),
    ("PATCH", "/api/v1/knowledge/categories/{category_id}"): (C.KNOWLEDGE_EDIT, "missing"),
    ("POST", "/api/v1/knowledge/categories/{category_id}/retire"): (C.KNOWLEDGE_EDIT, "missing"),
}
del C

# Operations whose object has a rule of its own besides the post: the work order's first-ask
# owner (accept, reply, close, pause, resume, hand-over) and the clerk signed in at the counter.
OWNER_RULES = {
    ("POST", f"/api/v1/workorders/{{number}}/{step}")
    for step in ("accept", "reply", "close", "pause", "resume", "hand-over", "replies")
} | {
    ("POST", f"/api/v1/{thing}/{step}")
    for thing, steps in (
        ("counters/{counter_id}", ("call-next", "pause", "resume", "close")),
        ("tickets/{ticket_id}", ("recall", "no-show", "finish", "transfer")),
    )
    for step in steps
}
# Only the ticket's evaluation pad rates it: every staff post is refused (403, nothing written).
DEVICE_ONLY = {("POST", "/api/v1/tickets/{ticket_id}/evaluation")}

# (operation, persona) → what fails today, for the lead to fix in the app named (none now).
KNOWN_FAILURES: dict[tuple[Operation, str], str] = {}


def _operations() -> list[Operation]:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return [(method.upper(), path) for path, ops in schema["paths"].items() for method in ops]


def test_every_operation_is_in_the_table() -> None:
    """A new endpoint without a row (or a row without its endpoint) fails here."""
    operations = _operations()
    assert len(operations) == len(set(operations))
    customer = {op for op in operations if op[1].startswith(CUSTOMER_PREFIX)}  # the route matrix walks them
    assert set(operations) - OWN_AUTH - customer == set(OPERATIONS)
    assert not OWN_AUTH & set(OPERATIONS)
    assert set(OPERATIONS) >= OWNER_RULES | DEVICE_ONLY


# --- a body each operation accepts ------------------------------------------------------------------

_SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
_TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = _SCHEMA["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _value(schema: dict[str, Any]) -> Any:
    """A minimal value the property's schema accepts: enum → its first value, formats real."""
    schema = _resolve(schema)
    if "enum" in schema:
        return schema["enum"][0]
    if "anyOf" in schema:  # Optional[X] and Decimal's number-or-string: the first that is no null
        return _value(next(s for s in schema["anyOf"] if s.get("type") != "null"))
    formats = {"date": _TOMORROW, "date-time": timezone.now().isoformat(), "time": "09:00", "decimal": "1"}
    if schema.get("format") in formats:
        return formats[schema["format"]]
    kind = schema.get("type")
    if kind == "object":
        return {name: _value(schema["properties"][name]) for name in schema.get("required", [])}
    if kind == "array":
        return [_value(schema["items"])] if schema.get("minItems") else []
    return {"string": "测试", "integer": 1, "number": 1, "boolean": False}[kind]


# Values a bare type does not give (a real choice, a pattern, a range, a row of the world).
Overrides = Callable[[World], dict[str, Any]]
BODIES: dict[Operation, Overrides] = {
    ("POST", "/api/v1/knowledge/categories"): lambda w: {"name": "矩阵分类"},
    ("POST", "/api/v1/planning/desk-staffing"): lambda w: {"first_slot": "08:00", "calls_per_half_hour": [40, 60]},
    ("POST", "/api/v1/planning/simulations"): lambda w: {
        "counters": 2,
        "hours": 2,
        "arrivals_per_hour": 10,
        "service": {"distribution": "exponential", "mean_minutes": 5},
        "replications": 2,
        "seed": 1,
    },
    ("POST", "/api/v1/customers"): lambda w: {
        "customer_class": "residential",
        "supply_unit": w.town.unit.code,
        "address": "上城区解放路2号1幢101室",
    },
    ("POST", "/api/v1/accounts/{account_no}/unmask"): lambda w: {
        "reason_code": "identity_check",
        "reason_text": "办理业务核实身份",
    },
    # The document gives this operation the halls' TransferIn (test_account_transfer_documents_its_own_body).
    ("POST", "/api/v1/accounts/{account_no}/transfer"): lambda w: {
        "new_name": "王小明",
        "new_id_number": ID_NUMBER,
        "new_phone": PHONE,
    },
    ("POST", "/api/v1/accounts/{account_no}/tariff"): lambda w: {"customer_class": "residential"},
    ("POST", "/api/v1/accounts/{account_no}/status"): lambda w: {"status": "suspended", "reason": "测试"},
    ("POST", "/api/v1/accounts/{account_no}/phone"): lambda w: {"phone": "13900002222"},
    ("POST", "/api/v1/payments"): lambda w: {
        "channel": "counter_cash",
        "channel_txn_id": "matrix-1",
        "account_no": w.town.account.account_no,
        "amount": "1.00",
    },
    ("POST", "/api/v1/payments/{payment_id}/reversal"): lambda w: {"reason": "counter_error", "reference": "MATRIX-1"},
    ("POST", "/api/v1/accounts/{account_no}/instalment-plans/preview"): lambda w: {
        "count": 2,
        "first_due": "2026-12-20",
    },
    ("POST", "/api/v1/accounts/{account_no}/instalment-plans"): lambda w: {
        "count": 2,
        "first_due": "2026-12-20",
        "reason": "家庭困难",
        "request_key": "MATRIX-PLAN-1",
    },
    ("POST", "/api/v1/instalment-plans/{plan_id}/decision"): lambda w: {"approve": True, "note": ""},
    ("POST", "/api/v1/accounts/{account_no}/protection"): lambda w: {
        "reason": "medical",
        "evidence": "家用制氧机",
        "review_on": "2027-06-30",
    },
    ("POST", "/api/v1/bills/{bill_id}/cutoff-approval"): lambda w: {"note": "同意"},
    ("POST", "/api/v1/bills/{bill_id}/cutoff-plan"): lambda w: {"planned_at": "2026-12-31T10:00:00+08:00"},
    ("PUT", "/api/v1/invoices/titles/{account_no}"): lambda w: {"kind": "personal", "name": "王小明"},
    ("POST", "/api/v1/accounts/{account_no}/meter-exchanges"): lambda w: {
        "exchanged_on": "2026-11-01",
        "removal_register": "0",
        "new_meter_no": "MATRIX-M1",
        "installation_register": "0",
        "new_multiplier": "1",
    },
    ("POST", "/api/v1/accounts/{account_no}/closure/preview"): lambda w: {"reading": "1", "request_key": "MATRIX-C"},
    ("POST", "/api/v1/accounts/{account_no}/closure"): lambda w: {"reading": "1", "request_key": "MATRIX-C"},
    ("POST", "/api/v1/accounts/{account_no}/move-in/preview"): lambda w: {
        "reading": "1",
        "request_key": "MATRIX-T",
        "new_name": "王小明",
        "new_id_number": ID_NUMBER,
        "new_phone": PHONE,
    },
    ("POST", "/api/v1/accounts/{account_no}/move-in"): lambda w: {
        "reading": "1",
        "request_key": "MATRIX-T",
        "new_name": "王小明",
        "new_id_number": ID_NUMBER,
        "new_phone": PHONE,
    },
    ("POST", "/api/v1/accounts/{account_no}/deposit"): lambda w: {
        "amount": "1.00",
        "channel": "counter_cash",
        "request_key": "MATRIX-D",
    },
    ("POST", "/api/v1/accounts/{account_no}/deposit/application"): lambda w: {"reason": "长期欠费"},
    ("POST", "/api/v1/accounts/{account_no}/refunds"): lambda w: {
        "amount": "1.00",
        "method": "bank",
        "reason": "多缴退回",
        "request_key": "MATRIX-R",
        "payee_name": "张三",
        "bank_name": "工商银行",
        "bank_account": "6222021234567890",
    },
    ("POST", "/api/v1/refunds/{refund_id}/decision"): lambda w: {"approve": True},
    ("POST", "/api/v1/refunds/{refund_id}/failed"): lambda w: {"reason": "账户已销户"},
    ("POST", "/api/v1/billing/bills/{bill_id}/corrections"): lambda w: {
        "reason": "reading",
        "note": "抄表差错",
        "request_key": "MATRIX-C1",
    },
    ("POST", "/api/v1/billing/corrections/{correction_id}/decision"): lambda w: {"approve": True},
    ("POST", "/api/v1/billing/adjustments/{adjustment_id}/decision"): lambda w: {"approve": True},
    ("POST", "/api/v1/billing/rebill-batches"): lambda w: {
        "period": w.bill.period,
        "tariff_code": w.bill.tariff.code,
        "reason": "电价更正",
        "request_key": "MATRIX-R1",
    },
    ("POST", "/api/v1/billing/accounts/{account_no}/adjustments"): lambda w: {
        "kind": "credit",
        "reason": "other",
        "amount": "10.00",
        "note": "退补",
        "request_key": "MATRIX-A1",
    },
    ("POST", "/api/v1/workorders"): lambda w: {"channel": "phone_95598", "account_no": w.town.account.account_no},
    ("POST", "/api/v1/workorders/{number}/hand-over"): lambda w: {"to": w.town.users["clerk"].staff.employee_no},
    ("POST", "/api/v1/workorders/{number}/verify"): lambda w: {"employee_no": w.town.users["clerk"].staff.employee_no},
    ("POST", "/api/v1/workorders/{number}/urge"): lambda w: {"text": "客户来电催办", "channel": "phone_95598"},
    ("POST", "/api/v1/workorders/{number}/merge"): lambda w: {"duplicate": "NOSUCHORDER"},
    ("POST", "/api/v1/workorders/saved-searches"): lambda w: {"name": "我的投诉", "query": "type=complaint"},
    ("POST", "/api/v1/new-connections"): lambda w: {"supply_unit": w.town.unit.code, "phone": PHONE},
    ("POST", "/api/v1/outages"): lambda w: {
        "kind": "emergency",
        "ends_at": (timezone.now() + timedelta(hours=2)).isoformat(),
        "areas": [w.town.area.code],
    },
    ("POST", "/api/v1/notices/peak-shift"): lambda w: {"feeders": [w.town.feeder.code], "end": "10:00"},
    ("POST", "/api/v1/halls/{hall_code}/appointments"): lambda w: {"date": _TOMORROW, "start": "09:00", "phone": PHONE},
    ("POST", "/api/v1/tickets/{ticket_id}/transfer"): lambda w: {"business_type": "consultation"},
    ("POST", "/api/v1/home-visits/{visit_id}/schedule"): lambda w: {
        "date": _TOMORROW,
        "start": "09:00",
        "clerk": "T0001",
    },
    ("POST", "/api/v1/mobile-rounds"): lambda w: {
        "unit": w.town.unit.code,
        "area": w.town.area.code,
        "village": "城东村",
        "date": _TOMORROW,
        "start": "09:00",
        "end": "11:00",
        "place": "村委会门口",
    },
    ("PUT", "/api/v1/calendar/years/{year}"): lambda w: {
        "source": "国办发明电〔2025〕7号",
        "holidays": [{"name": "元旦", "first": "2026-01-01", "last": "2026-01-03"}],
    },
    ("POST", "/api/v1/terminals/{terminal_id}/status"): lambda w: {"status": "paper_out"},
    ("POST", "/api/v1/assessment/standards"): lambda w: {
        "post": "hall",
        "valid_from": "2099-01",
        "standards": [{"figure": "served", "comparison": "at_least", "threshold": "1", "weight": 1}],
    },
    ("POST", "/api/v1/assessment/post-states"): lambda w: {
        "employee_no": w.town.users["clerk"].staff.employee_no,
        "state": "training",
        "reason": "岗前培训",
    },
    ("POST", "/api/v1/assessment/actions"): lambda w: {
        "title": "窗口服务规范培训",
        "owner": w.town.users["manager"].staff.employee_no,
        "level": "hall",
        "subject": w.town.hall.code,
        "figure": "satisfaction_rate",
        "expected_change": "5",
        "started_on": "2026-11-01",
        "due_on": "2026-11-30",
    },
    ("POST", "/api/v1/assessment/samples"): lambda w: {"purpose": "survey", "size": 1, "unit": w.town.unit.code},
    ("POST", "/api/v1/assessment/ledger"): lambda w: {
        "employee_no": w.town.users["clerk"].staff.employee_no,
        "kind": "reward",
        "points": 5,
        "reason": "客户表扬",
        "source_kind": "praise_order",
        "period": "2026-11",
    },
    ("POST", "/api/v1/planning/staffing-plans"): lambda w: {
        "hall": w.town.hall.code,
        "first_day": _TOMORROW,
        "last_day": _TOMORROW,
    },
}
QUERIES: dict[Operation, Overrides] = {
    ("GET", "/api/v1/outages/reliability"): lambda w: {"unit": w.town.unit.code, "month": w.bill.period},
    ("GET", "/api/v1/halls/{hall_code}/appointment-slots"): lambda w: {"date": _TOMORROW, "business_type": "payment"},
    ("GET", "/api/v1/planning/forecasts"): lambda w: {
        "hall": w.town.hall.code,
        "first_day": _TOMORROW,
        "last_day": _TOMORROW,
    },
    ("GET", "/api/v1/planning/queueing/erlang-c"): lambda w: {
        "arrivals_per_hour": 20,
        "aht_seconds": 300,
        "agents": 3,
        "target_seconds": 900,
    },
}


def _operation_schema(operation: Operation) -> dict[str, Any]:
    method, path = operation
    return dict(_SCHEMA["paths"][path][method.lower()])


def body_for(operation: Operation, probe: World) -> dict[str, Any] | None:
    """The operation's JSON body: its schema's required properties, then the overrides (None: it
    takes no body)."""
    request_body = _operation_schema(operation).get("requestBody")
    if request_body is None or "application/json" not in request_body["content"]:
        return None  # no body, or a file upload (multipart): sent without one, refused or 422
    body = _value(request_body["content"]["application/json"]["schema"])
    assert isinstance(body, dict), operation
    return {**body, **BODIES.get(operation, lambda w: {})(probe)}


def url_for(operation: Operation, probe: World) -> str:
    """The operation's path filled from the world, with its required query parameters."""
    _method, path = operation
    real = {**probe.real("api"), "reference": "NOSUCHREF"}
    for name, value in real.items():
        path = path.replace("{" + name + "}", value)
    required = [p for p in _operation_schema(operation).get("parameters", []) if p["in"] == "query" and p["required"]]
    query = {p["name"]: _value(p["schema"]) for p in required} | QUERIES.get(operation, lambda w: {})(probe)
    return f"{path}?{urlencode(query)}" if query else path


@pytest.mark.parametrize(
    "operation",
    [op for op in OPERATIONS if "application/json" in _operation_schema(op).get("requestBody", {}).get("content", {})],
    ids=" ".join,
)
def test_each_body_passes_its_request_schema(operation: Operation, probe: World) -> None:
    schema = _operation_schema(operation)["requestBody"]["content"]["application/json"]["schema"]
    validator = jsonschema_rs.validator_for({**schema, "components": _SCHEMA["components"]})
    errors = [error.message for error in validator.iter_errors(body_for(operation, probe))]
    assert not errors, (operation, errors)


def test_account_transfer_documents_its_own_body() -> None:
    schema = _operation_schema(("POST", "/api/v1/accounts/{account_no}/transfer"))["requestBody"]
    documented = _resolve(schema["content"]["application/json"]["schema"])
    assert {"new_name", "new_id_number", "new_phone"} <= set(documented["properties"])


# --- the matrix --------------------------------------------------------------------------------


def _send(client: Client, operation: Operation, probe: World) -> Any:
    method, _path = operation
    body = body_for(operation, probe)
    data = "" if body is None else json.dumps(body)
    return client.generic(method, url_for(operation, probe), data=data, content_type="application/json")


def _owner(probe: World, persona: str) -> bool:
    staff = scope_for(probe.town.users[persona]).staff
    return staff is not None and probe.order.owner_id == staff.pk


def expected_refusal(operation: Operation, probe: World, persona: str) -> set[int] | None:
    """How POSTS and the scope say the operation refuses the persona (None: it lets them in)."""
    capability, thing = OPERATIONS[operation]
    if operation in DEVICE_ONLY:
        return refusal(probe, persona, None, thing) or {403}
    if operation == ("POST", "/api/v1/workorders/{number}/hand-over") and _owner(probe, persona):
        capability = None  # the owner hands over without the capability
    return refusal(probe, persona, capability, thing)


def _param(operation: Operation, persona: str) -> Any:
    key = f"{operation[0]} {operation[1]}"
    reason = KNOWN_FAILURES.get((operation, persona))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(operation, persona, marks=marks, id=f"{key}-{persona}")


@pytest.mark.parametrize(("operation", "persona"), [_param(op, p) for op in OPERATIONS for p in STAFF_PERSONAS])
def test_api_capability(operation: Operation, persona: str, probe: World) -> None:
    """Refused as the table says, with nothing written; or let in: never 401 or 403 (403 only
    from an object's own rule, OWNER_RULES), a business 404/409/422 being the endpoint's answer."""
    client = api_client(probe.town.users[persona])
    before = row_counts()
    answer = _send(client, operation, probe)
    status = answer.status_code
    assert status < 500, (operation, status, answer.content[:300])
    refused = expected_refusal(operation, probe, persona)
    if refused is None:
        allowed_403 = operation in OWNER_RULES
        assert status != 401 and (status != 403 or allowed_403), (operation, status, answer.content[:300])
        return
    assert status in refused, (operation, status, answer.content[:300])
    writes = {t: d for t, d in changed(before, row_counts()).items() if t not in LOG_TABLES}
    assert not writes, (operation, writes)
