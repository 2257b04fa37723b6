"""Reads of the key-account portfolio, visits, needs and plans (KEY-1/2), each for the caller's
reach (``keyaccounts.access``). Other apps' figures come through their own selectors: what an
account owes (``billing.selectors.arrears_of``), its open work orders and complaints
(``workorders.selectors.open_orders_of``), the outages that cut it off (``notices.selectors``).
Never imports services."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from gridcare.billing.selectors import arrears_of
from gridcare.core.forms import Choice, named
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account, ImportanceGrade, TransformerArea
from gridcare.keyaccounts.access import (
    assignable_filter,
    key_account_q,
    manager_choices_filter,
    portfolio_filter,
    visit_filter,
)
from gridcare.keyaccounts.models import (
    Assignment,
    EmergencyPlan,
    Finding,
    FindingKind,
    FollowUp,
    FollowUpStatus,
    Industry,
    KeyAccount,
    KeyAccountEvent,
    NeedCategory,
    NeedStatus,
    Visit,
    VisitNeed,
    VisitStatus,
)
from gridcare.notices.selectors import (
    outage_account_ids,
    outages_of_accounts,
    peak_shift_account_ids,
    peak_shifts_of_accounts,
)
from gridcare.org.access import Path, Reach, Scope
from gridcare.org.models import Role, Staff, SupplyUnit
from gridcare.workorders.selectors import open_orders_of

OPEN_FINDINGS = ("open", "contacted")
# Importance grades from the most important: the order of the lists and pickers.
GRADE_ORDER = ("special", "first", "second", "temporary", "")


def grade_rank(prefix: str = "") -> Case:
    """An account's importance grade as a rank (special first, none last), for ORDER BY."""
    return Case(
        *(When(**{f"{prefix}importance_grade": g}, then=Value(n)) for n, g in enumerate(GRADE_ORDER)),
        default=Value(len(GRADE_ORDER)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class PortfolioFilters:
    unit: str = ""
    grade: str = ""
    industry: str = ""
    manager: str = ""  # a 大客户经理's 工号 (supervisors)
    q: str = ""  # 户号 or a part of the customer's name


def _profile(field: str) -> Subquery:
    return Subquery(KeyAccount.objects.filter(account=OuterRef("pk")).values(field)[:1])


def portfolio(*, scope: Scope, filters: PortfolioFilters | None = None) -> QuerySet[Account]:
    """The accounts in the caller's portfolio with the figures the list shows and sorts by:
    the profile's industry, impact and next visit, the last visit, open work orders and
    complaints, arrears and open findings; the most important first."""
    f = filters or PortfolioFilters()
    rows = Account.objects.filter(portfolio_filter(scope))
    if f.unit:
        rows = rows.filter(supply_unit__code=f.unit)
    if f.grade:
        rows = rows.filter(importance_grade="" if f.grade == "none" else f.grade)
    if f.industry:
        rows = rows.filter(key_profile__industry=f.industry)
    if f.manager:
        rows = rows.filter(key_account_manager__employee_no=f.manager)
    if f.q:
        rows = rows.filter(Q(account_no=f.q) | Q(customer__name__contains=f.q))
    done = Visit.objects.filter(account=OuterRef("pk"), status=VisitStatus.DONE)
    findings = Finding.objects.filter(account=OuterRef("pk"), status__in=OPEN_FINDINGS)
    return (
        rows.select_related("customer", "supply_unit", "key_account_manager", "transformer_area")
        .annotate(
            grade_rank=grade_rank(),
            industry=Coalesce(_profile("industry"), Value("")),
            impact=Coalesce(_profile("impact_grade"), Value("")),
            next_visit=_profile("next_visit_on"),
            last_visit=Subquery(done.order_by("-planned_for").values("planned_for")[:1]),
            open_orders=Coalesce(open_orders_of(OuterRef("pk")), 0),
            open_complaints=Coalesce(open_orders_of(OuterRef("pk"), complaints=True), 0),
            arrears=arrears_of(OuterRef("pk")),
            open_findings=Coalesce(
                Subquery(
                    findings.order_by().values("account").annotate(n=Count("id")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("grade_rank", "account_no")
    )


SORTS: dict[str, tuple[str, ...]] = {
    "account": ("account_no",),
    "grade": ("grade_rank", "account_no"),
    "capacity": ("contract_capacity_kva", "account_no"),
    "industry": ("industry", "account_no"),
    "last_visit": ("last_visit", "account_no"),
    "next_visit": ("next_visit", "account_no"),
    "orders": ("open_orders", "account_no"),
    "complaints": ("open_complaints", "account_no"),
    "arrears": ("arrears", "account_no"),
    "findings": ("open_findings", "account_no"),
}


def coming_outages(account_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The coming (or ongoing) outages that cut off each of ``account_ids``."""
    found: dict[int, list[Any]] = defaultdict(list)
    for hit in outages_of_accounts(account_ids=account_ids, days=0):
        if hit.coming:
            for account_id in hit.account_ids:
                found[account_id].append(hit.outage)
    return found


def coming_peak_shifts(account_ids: Sequence[int]) -> dict[int, list[Any]]:
    """The peak-shift orders (错峰) not over yet that name the feeder of each of ``account_ids``."""
    return peak_shifts_of_accounts(account_ids=account_ids)


def open_findings_by_kind(account_ids: Iterable[int]) -> dict[int, list[tuple[str, int]]]:
    """Each account's open findings counted by kind (their labels), the kinds in their order."""
    rows = (
        Finding.objects.filter(account_id__in=list(account_ids), status__in=OPEN_FINDINGS)
        .values_list("account_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for account_id, kind, n in rows:
        counts[account_id][kind] = n
    return {
        a: [(str(label), by_kind[k]) for k, label in FindingKind.choices if k in by_kind]
        for a, by_kind in counts.items()
    }


# -- one account ---------------------------------------------------------------------------------


def profile_get(account: Account) -> KeyAccount | None:
    return KeyAccount.objects.filter(account=account).first()


def visits_of(account: Account, limit: int = 20) -> list[Visit]:
    return list(Visit.objects.filter(account=account).select_related("manager").order_by("-planned_for", "-id")[:limit])


def needs_of(account: Account) -> QuerySet[VisitNeed]:
    return VisitNeed.objects.filter(account=account).select_related("visit").order_by("status", "-id")


def follow_ups_of(account: Account) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(account=account).select_related("owner", "visit").order_by("status", "due_on")


def current_plan(account: Account) -> EmergencyPlan | None:
    return EmergencyPlan.objects.filter(account=account).order_by("-version").first()


def plans_of(account: Account) -> QuerySet[EmergencyPlan]:
    return EmergencyPlan.objects.filter(account=account).select_related("created_by").order_by("-version")


def findings_of(account: Account, limit: int = 20) -> list[Finding]:
    return list(Finding.objects.filter(account=account).order_by("-last_day", "-id")[:limit])


def account_history(account: Account, limit: int = 100) -> list[KeyAccountEvent]:
    return list(
        KeyAccountEvent.objects.filter(account=account)
        .select_related("actor__staff")
        .order_by("-created_at", "-id")[:limit]
    )


def area_history(area: TransformerArea, limit: int = 50) -> list[KeyAccountEvent]:
    return list(
        KeyAccountEvent.objects.filter(area=area).select_related("actor__staff").order_by("-created_at", "-id")[:limit]
    )


def assignments_of(*, account: Account | None = None, area: TransformerArea | None = None) -> QuerySet[Assignment]:
    rows = Assignment.objects.filter(account=account) if account is not None else Assignment.objects.filter(area=area)
    return rows.select_related("staff", "assigned_by__staff").order_by("-since", "-id")


# -- the assignments page ------------------------------------------------------------------------


def assignable_accounts(*, scope: Scope, q: str = "", unassigned: bool = False) -> QuerySet[Account]:
    """The unit's accounts a supervisor may give a 大客户经理, the important ones first (an
    importance grade, then the largest contract capacity), filtered by 户号 or name."""
    rows = Account.objects.filter(assignable_filter(scope)).exclude(status="closed")
    if q:
        rows = rows.filter(Q(account_no=q) | Q(customer__name__contains=q))
    else:
        rows = rows.filter(key_account_q() | Q(contract_capacity_kva__gte=315))
    if unassigned:
        rows = rows.filter(key_account_manager__isnull=True)
    return rows.select_related("customer", "supply_unit", "key_account_manager").order_by(
        grade_rank(), "-contract_capacity_kva", "account_no"
    )


def assignable_areas(*, scope: Scope, q: str = "") -> QuerySet[TransformerArea]:
    rows = TransformerArea.objects.filter(scope.filter(Reach.UNIT, Path.unit_of("feeder__unit")))
    if q:
        rows = rows.filter(Q(code=q) | Q(name__contains=q))
    return rows.select_related("feeder__unit", "community_manager").order_by("feeder__unit__code", "code")


def manager_choices(scope: Scope, role: Role = Role.KEY_ACCOUNT_MANAGER) -> list[Choice]:
    people = Staff.objects.filter(manager_choices_filter(scope, role)).order_by("employee_no")
    return [(p.employee_no, named(p.employee_no, p.name)) for p in people]


def owner_choices(scope: Scope) -> list[Choice]:
    """Whom a follow-up may be given to: the unit's active staff (and company-wide posts)."""
    people = Staff.objects.filter(active=True)
    if scope.company_id is not None:
        people = people.filter(company_id=scope.company_id)
    if not scope.everything and scope.unit_id is not None:
        people = people.filter(Q(unit_id=scope.unit_id) | Q(unit__isnull=True))
    return [
        (p.employee_no, named(p.employee_no, f"{p.name} · {p.get_role_display()}"))
        for p in people.order_by("employee_no")
    ]


def portfolio_unit_choices(scope: Scope) -> list[Choice]:
    units = SupplyUnit.objects.filter(scope.filter(Reach.UNIT, Path.unit_of(""))).order_by("code")
    return [(u.code, named(u.code, u.name)) for u in units]


def grade_choices() -> list[Choice]:
    """The importance grades to filter by, in the request's language (read when asked)."""
    return [*((g, str(label)) for g, label in ImportanceGrade.choices if g), ("none", str(ImportanceGrade.NONE.label))]


def industry_choices() -> list[Choice]:
    """The GB/T 4754 sections to filter by, "C 制造业", in the request's language."""
    return [(k, f"{k} {label}") for k, label in Industry.choices]


# -- the calendar --------------------------------------------------------------------------------


def month_start(raw: str) -> date:
    """The first day of the month ``raw`` names (YYYY-MM), else of this month."""
    try:
        year, month = (int(p) for p in raw[:7].split("-"))
        return date(year, month, 1)
    except ValueError:
        return business_date().replace(day=1)


def month_visits(*, scope: Scope, manager: Staff | None, first: date) -> QuerySet[Visit]:
    """The visits of one month in the caller's reach (a manager's own when ``manager``)."""
    nxt = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    rows = Visit.objects.filter(visit_filter(scope), planned_for__gte=first, planned_for__lt=nxt)
    if manager is not None:
        rows = rows.filter(manager=manager)
    return rows.select_related("account__customer", "manager").order_by("planned_for", "id")


def reminders_of(staff: Staff, today: date | None = None) -> QuerySet[Visit]:
    """The manager's visits of today and tomorrow that the reminder job has told them of."""
    day = today or business_date()
    return (
        Visit.objects.filter(
            manager=staff, status=VisitStatus.PLANNED, planned_for__range=(day, day + timedelta(days=1))
        )
        .select_related("account__customer")
        .order_by("planned_for", "id")
    )


def open_follow_ups_of(staff: Staff) -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(owner=staff, status=FollowUpStatus.OPEN)
        .select_related("account__customer")
        .order_by("due_on", "id")
    )


# -- needs analysis ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NeedTable:
    """Counts of needs by one dimension: each row's label and its open and met counts."""

    title: str
    rows: list[tuple[str, int, int, int]]  # label, all, open (open or in progress), met


def _table(title: str, counted: dict[str, dict[str, int]], labels: Sequence[tuple[str, str]]) -> NeedTable:
    rows = []
    for key, label in labels:
        by_status = counted.get(key, {})
        if not by_status:
            continue
        total = sum(by_status.values())
        still = by_status.get(NeedStatus.OPEN, 0) + by_status.get(NeedStatus.IN_PROGRESS, 0)
        rows.append((label, total, still, by_status.get(NeedStatus.MET, 0)))
    return NeedTable(title=title, rows=rows)


def needs_analysis(*, scope: Scope, since: date | None = None) -> dict[str, list[tuple[str, int, int, int]]]:
    """Needs counted by category, industry (GB/T 4754 section) and unit, with how many are
    still open and how many met: {"category": rows, "industry": rows, "unit": rows}."""
    rows = VisitNeed.objects.filter(portfolio_filter(scope, "account__"))
    if since is not None:
        rows = rows.filter(visit__planned_for__gte=since)
    tables: dict[str, list[tuple[str, int, int, int]]] = {}
    for dimension, column in (
        ("category", "category"),
        ("industry", "account__key_profile__industry"),
        ("unit", "account__supply_unit__code"),
    ):
        counted: dict[str, dict[str, int]] = defaultdict(dict)
        for key, status, n in rows.values_list(column, "status").annotate(n=Count("id")).order_by():
            counted[key or ""][status] = n
        if dimension == "category":
            labels = [(k, str(v)) for k, v in NeedCategory.choices]
        elif dimension == "industry":
            labels = [*((k, f"{k} {v}") for k, v in Industry.choices), ("", "未填行业")]
        else:
            units = SupplyUnit.objects.filter(code__in=list(counted)).order_by("code")
            labels = [(u.code, u.name) for u in units]
        tables[dimension] = _table(dimension, counted, labels).rows
    return tables


# -- plans ---------------------------------------------------------------------------------------


def latest_plans(*, scope: Scope) -> QuerySet[EmergencyPlan]:
    """The current (latest) version of each plan of the accounts in reach."""
    newest = EmergencyPlan.objects.filter(account=OuterRef("account")).order_by("-version").values("pk")[:1]
    return EmergencyPlan.objects.filter(portfolio_filter(scope, "account__"), pk=Subquery(newest)).select_related(
        "account__customer", "account__key_account_manager"
    )


def plans_due(*, scope: Scope, within_days: int = 30, today: date | None = None) -> QuerySet[EmergencyPlan]:
    """Current plans whose review is due (past or within ``within_days``), the most overdue first."""
    day = today or business_date()
    return (
        latest_plans(scope=scope)
        .filter(review_due_on__lte=day + timedelta(days=within_days))
        .order_by("review_due_on", "account__account_no")
    )


@dataclass(frozen=True)
class TouchedAccount:
    account: Account
    plan: EmergencyPlan | None


def outage_key_accounts(*, scope: Scope, outage_id: int) -> list[TouchedAccount]:
    """The key accounts in the caller's reach that the outage cuts off, each with its plan."""
    among = Account.objects.filter(portfolio_filter(scope)).values("id")
    ids = outage_account_ids(outage_id=outage_id, among=among)
    accounts = list(
        Account.objects.filter(pk__in=ids)
        .select_related("customer", "key_account_manager")
        .order_by(grade_rank(), "account_no")
    )
    plans = {p.account_id: p for p in latest_plans(scope=scope).filter(account_id__in=ids)}
    return [TouchedAccount(account=a, plan=plans.get(a.pk)) for a in accounts]


def peak_shift_key_accounts(*, scope: Scope, order_id: int) -> list[TouchedAccount]:
    """The key accounts in the caller's reach behind a peak-shift order's feeders, each with its plan."""
    among = Account.objects.filter(portfolio_filter(scope)).values("id")
    ids = peak_shift_account_ids(order_id=order_id, among=among)
    accounts = list(
        Account.objects.filter(pk__in=ids)
        .select_related("customer", "key_account_manager")
        .order_by(grade_rank(), "account_no")
    )
    plans = {p.account_id: p for p in latest_plans(scope=scope).filter(account_id__in=ids)}
    return [TouchedAccount(account=a, plan=plans.get(a.pk)) for a in accounts]


def last_done_visit(account: Account) -> Visit | None:
    return Visit.objects.filter(account=account, status=VisitStatus.DONE).order_by("-planned_for").first()


def assignment_history(*, scope: Scope, limit: int = 50) -> list[KeyAccountEvent]:
    """The latest assignments of 大客户经理 and 台区经理 in the caller's unit, newest first."""
    accounts = Account.objects.filter(assignable_filter(scope)).values("id")
    areas = TransformerArea.objects.filter(scope.filter(Reach.UNIT, Path.unit_of("feeder__unit"))).values("id")
    rows = KeyAccountEvent.objects.filter(type__in=["kam_assigned", "cm_assigned"]).filter(
        Q(account__in=accounts) | Q(area__in=areas)
    )
    return list(rows.select_related("account__customer", "area", "actor__staff").order_by("-created_at", "-id")[:limit])
