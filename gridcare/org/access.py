"""The one choke point that says what a signed-in person may see and do (CUST-1).

Two questions, each answered here once:

* **May this post do that?** ``can(who, Capability.X)`` / ``require(who, Capability.X)``, read
  from ``POSTS`` (post → capabilities; administrators have all). A signed-in person whose post
  lacks the capability is refused with 403 (``Forbidden``, a Chinese message), except for the
  capabilities in ``HIDDEN`` (the sign-in security pages, background jobs), which answer the same
  404 as a page that does not exist.
* **Which rows can they reach?** ``Scope.filter(reach, path)`` builds the one queryset filter
  (``Scope.sees`` the same answer for a row already read). Outside the scope, objects are "not
  found" (404), never "forbidden", so nobody can probe which account numbers exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gridcare.core.exceptions import Forbidden, NotFound
from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.core.tokens import token_user
from gridcare.org.models import HALL_ROLES, Company, Crew, Hall, Role, Staff, SupplyUnit


class Capability(StrEnum):
    """Everything a post may be allowed to do, named once."""

    # customers (CUST-3, CUST-4)
    ARCHIVE_EDIT = "archive_edit"  # open accounts, transfers, closures
    ARCHIVE_QUALITY = "archive_quality"  # the archive-quality worklist
    ACCOUNT_UNMASK = "account_unmask"  # full phone / ID number, one customer at a time, logged
    UNMASK_AUDIT = "unmask_audit"  # who unmasked what; its burst alerts
    # billing
    BILL_VIEW = "bill_view"  # bills, arrears and payments of accounts in scope
    PAYMENT_TAKE = "payment_take"  # post payments at a counter (and the channels' service users)
    BANK_DEBIT_POST = "bank_debit_post"  # post the bank's debit results as payments
    BILLING_OFFICE = "billing_office"  # bill runs, readings, dunning, reconciliation, bank debit
    TARIFF_EDIT = "tariff_edit"  # tariffs are provincial
    WAIVER_REQUEST = "waiver_request"  # ask for a penalty waiver
    WAIVER_APPROVE = "waiver_approve"  # approve one (another person than the asker)
    SERVICE_CATALOGUE_EDIT = "service_catalogue_edit"  # the paid services' catalogue and prices (WO-10)
    SERVICE_ORDER_TAKE = "service_order_take"  # order paid services for a customer, schedule and finish them
    PAYMENT_REVERSE = "payment_reverse"  # reverse a payment once (冲正: bank return, refund, chargeback, counter error)
    REFUND_REQUEST = "refund_request"  # ask for a credit balance's refund, export the bank's file, mark it paid
    REFUND_APPROVE = "refund_approve"  # see refunds; approve or reject one another person asked for
    INSTALMENT_REQUEST = "instalment_request"  # propose an instalment plan (分期缴费) for an account's arrears
    INSTALMENT_APPROVE = "instalment_approve"  # see plans; approve or reject one another person proposed
    PROTECTED_EDIT = "protected_edit"  # record and end protected customers (保护性客户), their list
    CUTOFF_PROTECTED_APPROVE = "cutoff_protected_approve"  # approve cutting off a protected customer's supply
    INVOICE_VIEW = "invoice_view"  # e-invoices (数电发票) of accounts in scope: the list, one invoice, its PDF
    INVOICE_TITLE_EDIT = "invoice_title_edit"  # an account's invoice title and tax number, bill invoices on or off
    METER_EXCHANGE = "meter_exchange"  # record a meter exchange (换表); the estimated readings awaiting true-up
    ACCOUNT_MOVE = "account_move"  # 销户 / 过户 with the final bill and settlement (issue 19)
    DEPOSIT_TAKE = "deposit_take"  # collect a security deposit (保证金) at the counter
    DEPOSIT_APPLY = "deposit_apply"  # apply a deposit to a defaulting account's debt, with a reason
    BILL_CORRECT_REQUEST = "bill_correct_request"  # ask to cancel and re-bill a bill; ask for a credit/debit note
    BILL_CORRECT_APPROVE = "bill_correct_approve"  # approve a correction or note another person asked for
    BILL_REBILL_BATCH = "bill_rebill_batch"  # re-bill a period's bills of a corrected tariff (tariffs are provincial)
    # service halls
    HALL_VIEW = "hall_view"  # the queue pages of the halls in scope
    TICKET_ISSUE = "ticket_issue"  # issue tickets, appointments, terminal reports
    TICKET_CALL = "ticket_call"  # work a counter: call, serve, transfer
    HALL_MANAGE = "hall_manage"  # hall set-up, devices, counters, terminals' maintenance
    DEVICE_PREVIEW = "device_preview"  # look at the kiosk, board and pad screens without a device
    HALL_FIGURES = "hall_figures"  # the hall figures and the live floor view
    TERMINALS_VIEW = "terminals_view"  # the self-service terminals page
    HOME_VISIT_VIEW = "home_visit_view"  # the home-service (上门服务) queue and requests in reach (WO-9)
    HOME_VISIT_REQUEST = "home_visit_request"  # ask for a home visit for a customer who cannot come
    HOME_VISIT_MANAGE = "home_visit_manage"  # schedule a visit (date, slot, visiting clerk), reassign it
    MOBILE_ROUND_EDIT = "mobile_round_edit"  # the unit's mobile service rounds (流动服务车) timetable
    # notices
    OUTAGE_EDIT = "outage_edit"  # register, restore and cancel outages
    NOTICE_QUALITY = "notice_quality"  # the channel-quality figures
    RELIABILITY_VIEW = "reliability_view"  # SAIFI/SAIDI (PLAN-4)
    TEMPLATE_VIEW = "template_view"  # read the notice wording
    TEMPLATE_EDIT = "template_edit"  # change it
    PEAK_SHIFT = "peak_shift"  # peak-shift campaigns
    # work orders
    CONNECTION_APPLY = "connection_apply"  # take a new-connection application (业扩报装)
    CALLBACK_RECORD = "callback_record"  # 回访
    COMPLAINT_VERIFY = "complaint_verify"  # a complaint found true against a staff member (WO-7)
    ORDER_HANDOVER = "order_handover"  # hand an order over besides its owner
    INCIDENT_CONFIRM = "incident_confirm"  # a fault incident is an outage of its 台区/feeder (WO-4)
    ORDER_FIGURES = "order_figures"  # the work-order figures
    ORDER_INBOX = "order_inbox"  # 我的待办: the staff inbox and its count in the top bar (issue 18)
    ORDER_MERGE = "order_merge"  # merge a duplicate order into another (issue 18)
    # assessment (ASSESS-1..7)
    ASSESS_FIGURES = "assess_figures"  # other people's and places' figures (one's own: every post)
    POST_STATE_EDIT = "post_state_edit"  # a person's post state (培训/在岗/考核/轮岗/待岗) in one's reach
    STANDBY_LIFT = "standby_lift"  # restore a person on standby (待岗) after retraining (ASSESS-3, WO-7)
    LEDGER_PROPOSE = "ledger_propose"  # propose a reward or penalty in the ledger (奖惩台账)
    LEDGER_APPROVE = "ledger_approve"  # approve or reject one another person proposed
    STAR_STANDARDS_EDIT = "star_standards_edit"  # the star standard sets (versioned, per post)
    COMPLAINT_ANALYSIS = "complaint_analysis"  # complaints per 10,000 customers, causes, repeats, topics
    COMPLAINT_CAUSE_EDIT = "complaint_cause_edit"  # the complaint cause taxonomy
    SURVEY_MANAGE = "survey_manage"  # questionnaires, samples, invitations, social supervisors
    SURVEY_RESULTS = "survey_results"  # response rates, answers, the satisfaction drivers (PLS)
    ACTION_EDIT = "action_edit"  # improvement actions in one's reach (their effect is for all to see)
    ASSESS_REPORTS = "assess_reports"  # the monthly management reports
    # key accounts (大客户服务, KEY-1/2, issue 16)
    KEY_PORTFOLIO = "key_portfolio"  # 我的客户: KAMs their accounts, 台区经理 their 台区', supervisors the unit's
    KEY_ASSIGN = "key_assign"  # assign 大客户经理 to accounts and 台区经理 to 台区 (supervisors: their unit)
    KEY_VISIT = "key_visit"  # plan, record and cancel visits; needs and follow-ups of the accounts in reach
    KEY_PLAN_EDIT = "key_plan_edit"  # the accounts' emergency supply plans (应急方案), a new version each change
    # key accounts' load data, energy diagnosis and remote service (KEY-3/4, issue 16)
    KEY_LOAD_IMPORT = "key_load_import"  # import metering exports of load data for the accounts in one's portfolio
    KEY_DIAGNOSIS = "key_diagnosis"  # an account's energy diagnosis and the remote-service findings (worklist)
    KEY_FINDING_HANDLE = "key_finding_handle"  # a finding's status: contacted, resolved, false alarm
    # planning (PLAN-1..3, issue 17)
    PLAN_VIEW = "plan_view"  # staffing plans and simulations: planners the company, hall managers their hall (read)
    PLAN_EDIT = "plan_edit"  # make, simulate and adopt plans, enter rosters, the outlet-network studies
    # the knowledge base (营销服务知识库, SELF-1/4, issue 18)
    KNOWLEDGE_VIEW = "knowledge_view"  # search and read the company's articles, suggestions while serving
    KNOWLEDGE_EDIT = "knowledge_edit"  # write articles and drafts, submit them; the search figures
    KNOWLEDGE_REVIEW = "knowledge_review"  # publish or reject another person's version
    # the organisation
    CREW_EDIT = "crew_edit"  # the repair crews (抢修班组) of the units in scope, which orders are dispatched to
    # the house
    CALENDAR_VIEW = "calendar_view"  # the working-day calendar
    CALENDAR_EDIT = "calendar_edit"
    SECURITY = "security"  # unlock accounts, revoke API tokens, the sign-in audit (hidden)
    JOBS = "jobs"  # see and run background jobs (hidden)


C = Capability
# Who may do what, by post. The administrator has every capability; nothing else decides it.
POSTS: dict[Role, frozenset[Capability]] = {
    Role.COUNTER_CLERK: frozenset(
        {C.ARCHIVE_EDIT, C.ACCOUNT_UNMASK, C.BILL_VIEW, C.PAYMENT_TAKE, C.BANK_DEBIT_POST, C.WAIVER_REQUEST}
        | {C.DEPOSIT_TAKE}  # 保证金 collected at the counter (issue 19)
        | {C.HALL_VIEW, C.TICKET_ISSUE, C.TICKET_CALL, C.TERMINALS_VIEW, C.CONNECTION_APPLY}
        | {C.SERVICE_ORDER_TAKE}  # 有偿增值服务 ordered at the counter (WO-10)
        | {C.HOME_VISIT_VIEW, C.HOME_VISIT_REQUEST}  # 上门服务: asked for at the counter, visited by clerks
        | {C.ORDER_INBOX}  # orders taken at the counter wait in the clerk's inbox (issue 18)
        | {C.KNOWLEDGE_VIEW}
        | {C.INVOICE_VIEW, C.INVOICE_TITLE_EDIT}  # e-invoices: the title asked at the counter (BILL-8)
    ),
    Role.HALL_GUIDE: frozenset({C.BILL_VIEW, C.HALL_VIEW, C.TICKET_ISSUE, C.TERMINALS_VIEW, C.KNOWLEDGE_VIEW}),
    Role.HALL_MANAGER: frozenset(
        {C.ARCHIVE_EDIT, C.ARCHIVE_QUALITY, C.ACCOUNT_UNMASK, C.BILL_VIEW, C.PAYMENT_TAKE, C.BANK_DEBIT_POST}
        | {C.DEPOSIT_TAKE}
        | {C.WAIVER_REQUEST, C.WAIVER_APPROVE, C.HALL_VIEW, C.TICKET_ISSUE, C.TICKET_CALL, C.HALL_MANAGE}
        | {C.DEVICE_PREVIEW, C.HALL_FIGURES, C.TERMINALS_VIEW, C.CONNECTION_APPLY, C.ORDER_HANDOVER}
        | {C.SERVICE_ORDER_TAKE}
        | {C.ORDER_FIGURES, C.ASSESS_FIGURES}
        | {C.ORDER_INBOX, C.ORDER_MERGE}  # their hall's orders (issue 18)
        | {C.POST_STATE_EDIT, C.LEDGER_PROPOSE}  # their hall's staff; standby is lifted by a supervisor
        | {C.ACTION_EDIT}  # their hall's improvement actions
        | {C.HOME_VISIT_VIEW, C.HOME_VISIT_REQUEST, C.HOME_VISIT_MANAGE}  # their hall's visits and clerks
        | {C.PLAN_VIEW}  # their hall's staffing plans, read only
        | {C.KNOWLEDGE_VIEW, C.KNOWLEDGE_EDIT}  # their hall's scripts and answers, reviewed by a supervisor
        | {C.INVOICE_VIEW, C.INVOICE_TITLE_EDIT}
    ),
    Role.AGENT_95598: frozenset(
        {C.ACCOUNT_UNMASK, C.BILL_VIEW, C.CONNECTION_APPLY, C.CALLBACK_RECORD, C.INCIDENT_CONFIRM, C.ORDER_FIGURES}
        | {C.SERVICE_ORDER_TAKE}  # 95598 takes paid-service orders by phone
        | {C.HOME_VISIT_VIEW, C.HOME_VISIT_REQUEST}  # a caller who cannot come to a hall
        | {C.ORDER_INBOX, C.ORDER_MERGE}  # the 95598 desk: inbox, duplicates merged (issue 18)
        | {C.KNOWLEDGE_VIEW}
        | {C.INVOICE_VIEW}  # a caller asks where their invoice is
    ),
    Role.KEY_ACCOUNT_MANAGER: frozenset(
        {C.ARCHIVE_EDIT, C.ARCHIVE_QUALITY, C.ACCOUNT_UNMASK, C.BILL_VIEW, C.HALL_VIEW, C.PEAK_SHIFT}
        | {C.CONNECTION_APPLY}
        | {C.KEY_LOAD_IMPORT, C.KEY_DIAGNOSIS, C.KEY_FINDING_HANDLE}  # load data and findings of their accounts
        | {C.KEY_PORTFOLIO, C.KEY_VISIT, C.KEY_PLAN_EDIT}  # their own accounts (keyaccounts.access)
        | {C.KNOWLEDGE_VIEW}
    ),
    Role.COMMUNITY_MANAGER: frozenset(
        {C.ARCHIVE_QUALITY, C.ACCOUNT_UNMASK, C.BILL_VIEW, C.HALL_VIEW}
        | {C.KEY_PORTFOLIO}  # the accounts of their 台区, read only
        | {C.KNOWLEDGE_VIEW}
    ),
    Role.SUPERVISOR: frozenset(
        {C.ARCHIVE_QUALITY, C.UNMASK_AUDIT, C.BILL_VIEW, C.HALL_VIEW, C.HALL_FIGURES, C.TERMINALS_VIEW}
        | {C.NOTICE_QUALITY, C.RELIABILITY_VIEW, C.TEMPLATE_VIEW, C.TEMPLATE_EDIT, C.CALLBACK_RECORD}
        | {C.COMPLAINT_VERIFY, C.ORDER_HANDOVER, C.INCIDENT_CONFIRM, C.ORDER_FIGURES, C.CALENDAR_VIEW}
        | {C.ORDER_INBOX, C.ORDER_MERGE}  # escalations wait in their inbox; duplicates merged (issue 18)
        # The unit's overseer of work-order handling (hand-overs, complaints, incidents) keeps
        # its list of repair crews; hall posts, agents, planners and the billing office dispatch
        # to the crews or never see them, and do not maintain them.
        | {C.CREW_EDIT}
        | {C.ASSESS_FIGURES}
        | {C.POST_STATE_EDIT, C.STANDBY_LIFT, C.LEDGER_PROPOSE, C.LEDGER_APPROVE}
        # The unit's supervision (监察/考核): surveys and social supervisors, complaint analysis,
        # improvement actions and the monthly report; the standards themselves are the company's.
        | {C.COMPLAINT_ANALYSIS, C.SURVEY_MANAGE, C.SURVEY_RESULTS, C.ACTION_EDIT, C.ASSESS_REPORTS}
        # The unit's home visits (looking on) and its mobile service rounds' timetable.
        | {C.HOME_VISIT_VIEW, C.MOBILE_ROUND_EDIT}
        # The unit's key accounts' load data, diagnoses and remote-service findings.
        | {C.KEY_LOAD_IMPORT, C.KEY_DIAGNOSIS, C.KEY_FINDING_HANDLE}
        # The unit's key accounts: who manages which, their visits and emergency plans.
        | {C.KEY_PORTFOLIO, C.KEY_ASSIGN, C.KEY_VISIT, C.KEY_PLAN_EDIT}
        | {
            C.KNOWLEDGE_VIEW,
            C.KNOWLEDGE_EDIT,
            C.KNOWLEDGE_REVIEW,
        }  # the knowledge base: another person's version, never their own
        | {C.PAYMENT_REVERSE, C.REFUND_APPROVE}  # the unit's reversals; refunds asked by its billing office (issue 19)
        # Arrears (issue 19): the unit's instalment plans approved, protected customers kept, and
        # the cut-off of a protected customer, which only a supervisor approves.
        | {C.INSTALMENT_APPROVE, C.PROTECTED_EDIT, C.CUTOFF_PROTECTED_APPROVE}
        | {C.INVOICE_VIEW}
        | {C.DEPOSIT_APPLY}  # a defaulting account's deposit set against its debt (issue 19)
        | {C.BILL_CORRECT_APPROVE}  # the unit's bill corrections and notes asked by its billing office (issue 19)
    ),
    Role.PLANNER: frozenset(
        {C.HALL_VIEW, C.OUTAGE_EDIT, C.NOTICE_QUALITY, C.RELIABILITY_VIEW, C.TEMPLATE_VIEW, C.PEAK_SHIFT}
        | {C.INCIDENT_CONFIRM, C.ORDER_FIGURES, C.ASSESS_FIGURES}
        | {C.COMPLAINT_ANALYSIS, C.SURVEY_RESULTS, C.ASSESS_REPORTS}  # the company's, read only
        | {C.KEY_DIAGNOSIS}  # the key accounts' diagnoses and findings, read only
        | {C.PLAN_VIEW, C.PLAN_EDIT}  # staffing plans, simulations and the outlet network (issue 17)
    ),
    Role.BILLING_CLERK: frozenset(
        {C.BILL_VIEW, C.BANK_DEBIT_POST, C.BILLING_OFFICE, C.HALL_VIEW, C.KNOWLEDGE_VIEW}
        # Money back (issue 19): a counter error is reversed by the office on the clerk's request;
        # a refund asked by one clerk is approved by another, or by the unit's supervisor.
        | {C.PAYMENT_REVERSE, C.REFUND_REQUEST, C.REFUND_APPROVE}
        # Arrears (issue 19): a plan proposed by one clerk is approved by another or the supervisor.
        | {C.INSTALMENT_REQUEST, C.INSTALMENT_APPROVE, C.PROTECTED_EDIT}
        | {C.INVOICE_VIEW, C.INVOICE_TITLE_EDIT}  # e-invoices (BILL-8): failed ones corrected and issued again
        | {C.METER_EXCHANGE}  # meter exchanges and estimated readings (issue 19)
        # Moving out and in (issue 19): the final bill and the settlement are the office's.
        | {C.ACCOUNT_MOVE}
        # Corrections (issue 19): one clerk asks, another clerk or the unit's supervisor approves.
        | {C.BILL_CORRECT_REQUEST, C.BILL_CORRECT_APPROVE}
    ),
    Role.ADMINISTRATOR: frozenset(Capability),
}
# Refused as "not found" (404), not "forbidden": nobody learns these pages exist.
HIDDEN = frozenset({C.SECURITY, C.JOBS})
del C


def holders(capability: Capability) -> frozenset[Role]:
    """The posts that have ``capability`` (for documentation and the tests' expectations)."""
    return frozenset(role for role, capabilities in POSTS.items() if capability in capabilities)


class Reach(StrEnum):
    """What kind of rows a filter is for; each post reaches each kind to its own level."""

    ACCOUNTS = "accounts"  # hall staff and 95598 agents serve the whole city (同城通办, CUST-5)
    HALLS = "halls"  # hall data (queues, counters, figures): hall staff their hall, agents none
    ORDERS = "orders"  # work orders: hall staff their hall, agents the company (WO-1..8)
    CONNECTIONS = "connections"  # new connections: agents the company, unit posts their unit
    UNIT = "unit"  # unit posts their unit, company posts the company (grid, billing office)
    COMPANY = "company"  # every post of the company (outages: agents answer calls about them)
    ASSESSMENT = "assessment"  # figures of people and places: hall staff their hall, planners the company


@dataclass(frozen=True)
class Path:
    """The field paths from a model to the company, supply unit and hall it belongs to (the
    levels its reach never asks may stay empty). ``company_always``: AND the company with the
    unit or hall (rows that carry all three)."""

    company: str
    unit: str = ""
    hall: str | None = None
    company_always: bool = False

    @classmethod
    def unit_of(cls, field: str) -> Path:
        """Rows with a supply-unit foreign key ``field`` (``""``: supply units themselves)."""
        if field == "":
            return cls(company="company_id", unit="pk")
        return cls(company=f"{field}__company_id", unit=f"{field}_id")

    @classmethod
    def hall_of(cls, field: str) -> Path:
        """Rows with a hall foreign key ``field`` (``""``: halls themselves)."""
        if field == "":
            return cls(company="unit__company_id", unit="unit_id", hall="pk")
        return cls(company=f"{field}__unit__company_id", unit=f"{field}__unit_id", hall=f"{field}_id")


class Level(StrEnum):
    """How far a post reaches one kind of rows."""

    ALL = "all"
    COMPANY = "company"
    UNIT = "unit"
    HALL = "hall"
    NONE = "none"


@dataclass(frozen=True)
class Scope:
    """Where a person's view reaches. ``None`` means "the whole company"."""

    staff: Staff | None
    company_id: int | None
    unit_id: int | None
    hall_id: int | None
    everything: bool = False

    @property
    def is_staff(self) -> bool:
        return self.staff is not None or self.everything

    @property
    def role(self) -> str | None:
        return self.staff.role if self.staff else None

    # -- the one scope filter ------------------------------------------------------------------
    def level(self, reach: Reach) -> Level:
        """How far this post reaches rows of kind ``reach``: all, company, unit, hall or none."""
        if self.everything:
            return Level.ALL
        if self.staff is None or self.company_id is None:
            return Level.NONE
        role, own_unit = self.staff.role, Level.UNIT if self.unit_id is not None else Level.COMPANY
        if reach is Reach.COMPANY:
            return Level.COMPANY
        if reach is Reach.UNIT:
            return own_unit
        if reach is Reach.ASSESSMENT:
            if role in HALL_ROLES:
                return Level.HALL
            return Level.COMPANY if role == Role.PLANNER else own_unit
        if role in HALL_ROLES and reach in (Reach.HALLS, Reach.ORDERS):
            return Level.HALL
        if role == Role.AGENT_95598:
            return Level.NONE if reach is Reach.HALLS else Level.COMPANY
        if reach is Reach.ACCOUNTS and role in HALL_ROLES:
            return Level.COMPANY
        return own_unit

    def filter(self, reach: Reach, path: Path) -> Q:
        """The rows of kind ``reach`` this scope sees, for a model whose place is at ``path``."""
        level = self.level(reach)
        if level == Level.ALL:
            return Q()
        if level == Level.NONE:
            return Q(pk__in=[])
        company = Q(**{path.company: self.company_id})
        if level == Level.COMPANY:
            return company
        field = path.hall if level == Level.HALL else path.unit
        assert field, f"a {level}-level reach needs the row's {level}"
        own = Q(**{field: self.hall_id if level == Level.HALL else self.unit_id})
        return company & own if path.company_always else own

    def sees(self, reach: Reach, *, company_id: int, unit_id: int, hall_id: int | None = None) -> bool:
        """``filter`` for one row already read (its company, unit and hall), without a query."""
        level = self.level(reach)
        if level in (Level.ALL, Level.NONE):
            return level == Level.ALL
        if level == Level.HALL:
            return hall_id == self.hall_id
        if level == Level.UNIT:
            return unit_id == self.unit_id
        return company_id == self.company_id

    # -- the filters every app uses, each for a field path that leads to the named level --------
    def account_filter(self, unit_field: str = "supply_unit") -> Q:
        """Accounts (or rows reached through an account's supply unit ``unit_field``)."""
        return self.filter(Reach.ACCOUNTS, Path.unit_of(unit_field))

    def unit_filter(self) -> Q:
        """Supply units whose accounts ``account_filter`` lets this scope reach: where the person
        may open accounts, so creating is scoped exactly like reading."""
        return self.filter(Reach.ACCOUNTS, Path.unit_of(""))

    def hall_filter(self, hall_field: str = "hall") -> Q:
        """Hall data (queues, counters, figures): hall roles see their own hall only."""
        return self.filter(Reach.HALLS, Path.hall_of(hall_field))

    def can_see_hall(self, hall: Hall) -> bool:
        return Hall.objects.filter(self.hall_filter(""), pk=hall.pk).exists()

    def sees_hall(self, *, hall_id: int, unit_id: int, company_id: int) -> bool:
        """``hall_filter`` for one hall already read, for the hot paths that read the hall by
        hand (gridcare.halls.access). Tested equal to ``hall_filter`` for every post and hall."""
        return self.sees(Reach.HALLS, company_id=company_id, unit_id=unit_id, hall_id=hall_id)


NOBODY = Scope(staff=None, company_id=None, unit_id=None, hall_id=None)


def can(who: Scope | User | AnonymousUser | None, capability: Capability) -> bool:
    """Whether the person (or the scope worked out for them) has ``capability`` (``POSTS``)."""
    scope = who if isinstance(who, Scope) else scope_for(who)
    if scope.everything:
        return True
    return scope.staff is not None and capability in POSTS.get(cast(Role, scope.staff.role), frozenset())


def require(user: Scope | User | AnonymousUser | None, capability: Capability, *, message: Any = None) -> Scope:
    """The caller's scope if their post has ``capability``; otherwise ``Forbidden`` (403, with
    ``message`` or the house's), or ``NotFound`` (404) for a ``HIDDEN`` capability."""
    scope = user if isinstance(user, Scope) else scope_for(user)
    if can(scope, capability):
        return scope
    if capability in HIDDEN:
        raise NotFound(_("页面不存在。"))
    raise Forbidden(message or _("您的岗位无权办理此项业务。"))


def crew_filter(scope: Scope) -> Q:
    """The repair crews of the units ``scope`` reaches (a unit post: its unit's)."""
    return scope.filter(Reach.UNIT, Path.unit_of("unit"))


def crew_get_for_scope(*, scope: Scope, crew_id: int) -> Crew:
    """A crew of a unit in ``scope``; missing and another unit's are the same 404."""
    crew = Crew.objects.filter(crew_filter(scope), pk=crew_id).select_related("unit").first()
    if crew is None:
        raise NotFound(_("没有这个班组。"))
    return crew


_STAFF = Columns(Staff, "s")
_UNIT = Columns(SupplyUnit, "un")
_HALL = Columns(Hall, "h")
_COMPANY = Columns(Company, "c")


_POST_JOINS = (
    "LEFT JOIN {staff} s ON s.user_id = u.id LEFT JOIN {company} c ON c.id = s.company_id "
    "LEFT JOIN {unit} un ON un.id = s.unit_id LEFT JOIN {hall} h ON h.id = s.hall_id"
)
_NOT_LOADED = object()


def _post_sql() -> tuple[str, str]:
    quote = connection.ops.quote_name
    select = ", ".join(c.sql(connection) for c in (_STAFF, _UNIT, _HALL, _COMPANY))
    joins = _POST_JOINS.format(
        staff=quote(_STAFF.table), company=quote(_COMPANY.table), unit=quote(_UNIT.table), hall=quote(_HALL.table)
    )
    return select, joins


def _load_post(row: Sequence[Any], at: int) -> Staff | None:
    staff = _STAFF.load(row, at, connection)
    if staff is not None:
        at += len(_STAFF)
        for name, columns in (("unit", _UNIT), ("hall", _HALL), ("company", _COMPANY)):
            cache_related(staff, name, columns.load(row, at, connection))
            at += len(columns)
    return staff


def api_user(token: str) -> User | None:
    """The API's token check (gridcare.core.tokens) with the user's post, its company, unit and
    hall read in the same query: every kiosk and counter request starts here."""
    select, joins = _post_sql()
    return token_user(
        token,
        select=select,
        joins=joins,
        attach=lambda user, row, at: cache_related(user, "staff", _load_post(row, at)),
    )


def _staff_of(user: User) -> Staff | None:
    """The user's active post with its company, unit and hall: loaded with the user by
    ``api_user``, or one hand-written query (gridcare.core.sql), as every request asks it."""
    loaded = user._state.fields_cache.get("staff", _NOT_LOADED)
    if loaded is _NOT_LOADED:
        select, joins = _post_sql()
        quote = connection.ops.quote_name
        rows = fetch(
            f"SELECT {select} FROM {quote(User._meta.db_table)} u {joins} WHERE u.id = %s",  # noqa: S608 - names from model metadata, values as parameters
            [user.pk],
        )
        loaded = _load_post(rows[0], 0) if rows else None
    staff = cast(Staff | None, loaded)
    return staff if staff is not None and staff.active else None


def scope_for(user: User | AnonymousUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    staff = _staff_of(user)
    if getattr(user, "is_superuser", False):
        return Scope(
            staff=staff,
            company_id=staff.company_id if staff else None,
            unit_id=None,
            hall_id=None,
            everything=True,
        )
    if staff is None:
        return NOBODY
    if staff.role == Role.ADMINISTRATOR:
        return Scope(staff=staff, company_id=staff.company_id, unit_id=None, hall_id=None, everything=True)
    return Scope(
        staff=staff,
        company_id=staff.company_id,
        unit_id=staff.unit_id,
        hall_id=staff.hall_id,
    )


def request_scope(request: HttpRequest) -> Scope:
    """The scope of the request's user, worked out once per request."""
    cached = getattr(request, "_gridcare_scope", None)
    if cached is None:
        cached = scope_for(getattr(request, "user", None))
        request._gridcare_scope = cached  # type: ignore[attr-defined]  # a per-request cache on HttpRequest, which declares no such attribute
    return cached
