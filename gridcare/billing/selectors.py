"""Reads of the billing app, always for an account or a scope the caller may see."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Count, DecimalField, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gridcare.billing.access import unit_filter
from gridcare.billing.conf import billing_str, rule_int
from gridcare.billing.models import (
    Bill,
    BillRun,
    BillStatus,
    DebitAgreement,
    DebitBatch,
    DunningStep,
    DunningStepKind,
    IntervalReading,
    Payment,
    PaymentAllocation,
    PrepaidBalance,
    PrepaidEntry,
    ProtectedAccount,
    Reading,
    ReadingException,
    ReadingStatus,
    Reconciliation,
    Tariff,
)
from gridcare.billing.rules.bill_penalty import bill_penalty
from gridcare.billing.rules.bill_status import OPEN
from gridcare.billing.rules.dunning_steps import cutoff_window, dunning_stage
from gridcare.core.forms import Choice, named
from gridcare.core.money import ZERO, MoneySum, money_total
from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.core.timezone import SHANGHAI, local_datetime
from gridcare.customers.models import Account, AccountStatus
from gridcare.customers.rules import mask_name
from gridcare.org.access import Scope


@dataclass
class OpenBill:
    bill: Bill
    principal: Decimal
    penalty: Decimal

    def as_dict(self) -> dict[str, Any]:
        b = self.bill
        return {
            "period": b.period,
            "amount": b.amount,
            "paid": b.paid,
            "penalty_paid": b.penalty_paid,
            "principal": self.principal,
            "penalty": self.penalty,
            "due_date": b.due_date,
        }


@dataclass
class AccountDue:
    account: Account
    on: date
    bills: list[OpenBill] = field(default_factory=list)
    prepaid: Decimal = ZERO

    @property
    def principal(self) -> Decimal:
        return sum((b.principal for b in self.bills), ZERO)

    @property
    def penalty(self) -> Decimal:
        return sum((b.penalty for b in self.bills), ZERO)

    def as_dict(self) -> dict[str, Any]:
        a = self.account
        return {
            "account_no": a.account_no,
            "name": mask_name(a.customer.name),
            "address": a.address,
            "supply_unit": a.supply_unit.name,
            "principal": self.principal,
            "penalty": self.penalty,
            "amount_due": self.principal + self.penalty,
            "prepaid_balance": self.prepaid,
            "as_of": self.on,
            "bills": [b.as_dict() for b in self.bills],
        }


def prepaid_balance(account: Account) -> Decimal:
    found = PrepaidBalance.objects.filter(account=account).values_list("balance", flat=True).first()
    return found if found is not None else Decimal("0.00")


def account_due(*, account: Account, on: date) -> AccountDue:
    """What the account owes on ``on``: open bills oldest first, penalty to that date."""
    bills = Bill.objects.filter(account=account, status__in=OPEN).select_related("account").order_by("period", "id")
    due = AccountDue(account=account, on=on, prepaid=prepaid_balance(account))
    due.bills = [OpenBill(bill=b, principal=b.amount - b.paid, penalty=bill_penalty(b, on)) for b in bills]
    return due


_BILL = Columns(Bill, "b")
_PREPAID = Columns(PrepaidBalance, "pb")


def accounts_at_a_glance(*, accounts: Sequence[Account], on: date) -> dict[int, tuple[AccountDue, Bill | None]]:
    """For each of ``accounts`` (already read, with their customer class): what it owes on ``on``
    (as ``account_due``) and its latest bill, in two hand-written reads whatever the number of
    accounts — the customer portal's home page, its hottest path (gridcare.core.sql: the ORM's
    compilation was most of that page's cost)."""
    if not accounts:
        return {}
    by_id = {a.pk: a for a in accounts}
    connection = connections["default"]
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(by_id))
    statuses = ", ".join(["%s"] * len(OPEN))
    rows = fetch(
        f"SELECT {_BILL.sql(connection)} FROM {quote(_BILL.table)} b "  # noqa: S608 - names from model metadata, values as parameters
        f"WHERE b.account_id IN ({marks}) AND (b.status IN ({statuses}) OR b.period = "
        f"(SELECT MAX(p.period) FROM {quote(_BILL.table)} p WHERE p.account_id = b.account_id)) "
        "ORDER BY b.account_id, b.period, b.id",
        [*by_id, *OPEN],
    )
    prepaid = {}
    for row in fetch(
        f"SELECT {_PREPAID.sql(connection)} FROM {quote(_PREPAID.table)} pb "  # noqa: S608 - as above
        f"WHERE pb.account_id IN ({marks})",
        list(by_id),
    ):
        balance = _PREPAID.load(row, 0, connection)
        assert balance is not None
        prepaid[balance.account_id] = balance.balance
    found: dict[int, tuple[AccountDue, Bill | None]] = {
        account_id: (AccountDue(account=account, on=on, prepaid=prepaid.get(account_id, Decimal("0.00"))), None)
        for account_id, account in by_id.items()
    }
    for row in rows:
        bill = _BILL.load(row, 0, connection)
        assert bill is not None
        account = by_id[bill.account_id]
        cache_related(bill, "account", account)
        due, latest = found[account.pk]
        if bill.status in OPEN:
            due.bills.append(OpenBill(bill=bill, principal=bill.amount - bill.paid, penalty=bill_penalty(bill, on)))
        if latest is None or (bill.period, bill.pk) > (latest.period, latest.pk):
            latest = bill
        found[account.pk] = (due, latest)
    return found


def arrears_of(account_ref: OuterRef) -> Subquery:
    """What the account ``account_ref`` still owes on its open bills (principal, without the
    penalty), as a subquery another app's list annotates and sorts by (the key-account portfolio)."""
    owed = (
        Bill.objects.filter(account=account_ref, status__in=OPEN)
        .order_by()
        .values("account")
        .annotate(owed=Sum(F("amount") - F("paid")))
        .values("owed")
    )
    return Subquery(owed, output_field=DecimalField(max_digits=14, decimal_places=2))


def bill_history(*, account: Account, cancelled: bool = False) -> QuerySet[Bill]:
    """The account's bills, newest first; with ``cancelled`` also the bills a correction
    cancelled (issue 19: the staff's history shows both, the customer's the replacement)."""
    bills = Bill.objects.filter(account=account).select_related("tariff").order_by("-period", "-id")
    return bills if cancelled else bills.exclude(status=BillStatus.CANCELLED)


def payment_history(*, account: Account) -> QuerySet[Payment]:
    return Payment.objects.filter(account=account).select_related("reversal").order_by("-paid_at", "-id")


def arrears_ledger(*, scope: Scope, on: date, by: str = "unit") -> QuerySet[Any]:
    """Overdue principal per supply unit or hall (or account), for the accounts in scope, most
    owed first: rows of name (None for accounts without a hall), accounts, bills, owed."""
    group = {"unit": "account__supply_unit__name", "hall": "account__hall__name", "account": "account__account_no"}[by]
    return (
        Bill.objects.filter(scope.account_filter("account__supply_unit"), status__in=OPEN, due_date__lt=on)
        .values(name=F(group))
        .annotate(bills=Count("id"), accounts=Count("account", distinct=True), owed=MoneySum(F("amount") - F("paid")))
        .order_by("-owed", "name")
    )


@dataclass(frozen=True)
class OverdueTotals:
    """The totals of the arrears page's two lists (both read the overdue open bills in scope)."""

    accounts: int
    bills: int
    amount: Decimal  # what the bills charged
    paid: Decimal  # what was paid against them, penalties included (the page's 已缴)
    owed: Decimal  # their unpaid principal (the ledger's 欠费本金)


def overdue_totals(*, scope: Scope, on: date) -> OverdueTotals:
    # The aliases are not the bills' column names: an aggregate named "paid" would be what
    # F("paid") means in the next one.
    found = _overdue_in(scope, on, None, None).aggregate(
        n_accounts=Count("account", distinct=True),
        n_bills=Count("id"),
        charged=MoneySum("amount"),
        settled=MoneySum(F("paid") + F("penalty_paid")),
        unpaid=MoneySum(F("amount") - F("paid")),
    )
    return OverdueTotals(
        accounts=found["n_accounts"],
        bills=found["n_bills"],
        amount=found["charged"],
        paid=found["settled"],
        owed=found["unpaid"],
    )


def overdue_bills(*, scope: Scope, on: date) -> QuerySet[Bill]:
    return (
        Bill.objects.filter(scope.account_filter("account__supply_unit"), status__in=OPEN, due_date__lt=on)
        .select_related("account__customer", "account__supply_unit")
        .order_by("due_date", "account__account_no")
    )


def run_progress(run: BillRun) -> dict[str, Any]:
    done = run.billed + run.held + run.missing
    return {"run": run, "done": done, "percent": min(100, round(100 * done / run.total)) if run.total else 100}


def open_exceptions(*, scope: Scope) -> QuerySet[ReadingException]:
    return (
        ReadingException.objects.filter(scope.account_filter("reading__account__supply_unit"), status="open")
        .select_related("reading__account")
        .order_by("reading__period", "reading__account__account_no")
    )


@dataclass
class DunningRow:
    """One bill at a dunning stage, with the dates that stage is bound by."""

    bill: Bill
    stage: str
    since: date | None = None  # the stage's step may be taken from this day ...
    until: date | None = None  # ... up to this one (cut-off window)
    done_on: date | None = None  # when the bill's latest step was taken
    notice: DunningStep | None = None  # the cut-off notice a bill waiting for its cut-off follows

    @property
    def owed(self) -> Decimal:
        return self.bill.amount - self.bill.paid


# The worklist's stages: what the bill waits for next.
DUNNING_STAGES = ("reminder", "notice", "cutoff_notice", "cutoff", "disconnected")


def dunning_row(bill: Bill, on: date) -> DunningRow:
    steps = {s.step: s for s in bill.dunning_steps.all() if s.superseded_on is None}
    stage = dunning_stage(set(steps))
    latest = steps[stage].done_on if stage else None
    overdue_days = rule_int("DISCONNECT_AFTER_OVERDUE_DAYS")
    notice_from = bill.due_date + timedelta(days=overdue_days + 1)
    if stage == "":
        return DunningRow(bill, "reminder", since=bill.due_date + timedelta(days=1))
    if stage in ("reminder", "notice"):
        waiting = "cutoff_notice" if on >= notice_from else "notice"
        return DunningRow(bill, waiting, since=notice_from, done_on=latest)
    if stage == "cutoff_notice":
        assert latest is not None
        earliest, last = cutoff_window(latest)
        return DunningRow(bill, "cutoff", since=earliest, until=last, done_on=latest, notice=steps[stage])
    return DunningRow(bill, "disconnected", done_on=latest)


def _overdue_in(scope: Scope, on: date, unit_id: int | None, hall_id: int | None) -> QuerySet[Bill]:
    # Bills of a kept instalment plan wait outside dunning (issue 19) until the plan breaks.
    bills = Bill.objects.filter(
        scope.account_filter("account__supply_unit"), status__in=OPEN, due_date__lt=on, penalty_paused=False
    )
    if unit_id is not None:
        bills = bills.filter(account__supply_unit_id=unit_id)
    if hall_id is not None:
        bills = bills.filter(account__hall_id=hall_id)
    return bills


def _with_steps(bills: QuerySet[Bill]) -> QuerySet[Bill]:
    def taken(step: DunningStepKind) -> Exists:
        return Exists(DunningStep.objects.filter(bill=OuterRef("pk"), step=step, superseded_on__isnull=True))

    return bills.annotate(
        has_reminder=taken(DunningStepKind.REMINDER),
        has_notice=taken(DunningStepKind.NOTICE),
        has_cutoff_notice=taken(DunningStepKind.CUTOFF_NOTICE),
        has_cutoff=taken(DunningStepKind.CUTOFF),
    )


def _stage_filter(stage: str, on: date) -> Q:
    """The bills waiting for ``stage``, as SQL: the same stages as ``dunning_row``."""
    reminded = Q(has_reminder=True) | Q(has_notice=True)
    before_cutoff_notice = Q(has_cutoff_notice=False, has_cutoff=False)
    # A cut-off notice may be served from due date + overdue days + 1 (``dunning_row``).
    notice_due_by = on - timedelta(days=rule_int("DISCONNECT_AFTER_OVERDUE_DAYS") + 1)
    return {
        "reminder": Q(has_reminder=False, has_notice=False) & before_cutoff_notice,
        "notice": reminded & before_cutoff_notice & Q(due_date__gt=notice_due_by),
        "cutoff_notice": reminded & before_cutoff_notice & Q(due_date__lte=notice_due_by),
        "cutoff": Q(has_cutoff_notice=True, has_cutoff=False),
        "disconnected": Q(has_cutoff=True),
    }[stage]


def dunning_bills(
    *, scope: Scope, on: date, unit_id: int | None = None, hall_id: int | None = None, stage: str | None = None
) -> QuerySet[Bill]:
    """Overdue open bills in scope waiting for ``stage`` (every stage when None), oldest due
    first: the whole list, for a page of it or its export."""
    bills = _with_steps(_overdue_in(scope, on, unit_id, hall_id))
    if stage is not None:
        bills = bills.filter(_stage_filter(stage, on))
    return (
        bills.annotate(protected=protected_marks())
        .select_related("account__customer", "account__supply_unit", "account__hall")
        .prefetch_related("dunning_steps__cutoff_plan")
        .order_by("due_date", "account__account_no", "id")
    )


def protected_marks() -> Exists:
    """Whether the bill's account is a protected customer (保护性客户): its cut-off needs a
    supervisor's approval, so the dunning list marks it."""
    return Exists(ProtectedAccount.objects.filter(account=OuterRef("account"), ended_at__isnull=True))


def owed_total(bills: QuerySet[Bill]) -> Decimal:
    """What ``bills`` (a dunning list, whole) still owe in principal."""
    return money_total(bills.order_by(), F("amount") - F("paid"))


def dunning_counts(*, scope: Scope, on: date, unit_id: int | None = None, hall_id: int | None = None) -> dict[str, int]:
    """How many bills wait for each dunning stage (one query)."""
    bills = _with_steps(_overdue_in(scope, on, unit_id, hall_id))
    counts = bills.aggregate(**{s: Count("id", filter=_stage_filter(s, on)) for s in DUNNING_STAGES})
    return {s: int(counts[s]) for s in DUNNING_STAGES}


def dunning_rows(bills: Iterable[Bill], on: date) -> list[DunningRow]:
    return [dunning_row(bill, on) for bill in bills]


def dunning_worklist(
    *, scope: Scope, on: date, unit_id: int | None = None, hall_id: int | None = None
) -> dict[str, list[DunningRow]]:
    """Every overdue open bill in scope by the dunning step it waits for (not capped: for
    small scopes and tests; pages use ``dunning_bills`` a page at a time)."""
    stages: dict[str, list[DunningRow]] = {s: [] for s in DUNNING_STAGES}
    for row in dunning_rows(dunning_bills(scope=scope, on=on, unit_id=unit_id, hall_id=hall_id), on):
        stages[row.stage].append(row)
    return stages


def reconnections_due(*, scope: Scope, unit_id: int | None = None, hall_id: int | None = None) -> QuerySet[DunningStep]:
    """Reconnections scheduled by a full payment and not yet recorded as done."""
    steps = DunningStep.objects.filter(
        scope.account_filter("bill__account__supply_unit"), step=DunningStepKind.RECONNECT, completed_at__isnull=True
    )
    if unit_id is not None:
        steps = steps.filter(bill__account__supply_unit_id=unit_id)
    if hall_id is not None:
        steps = steps.filter(bill__account__hall_id=hall_id)
    return steps.select_related("bill__account__supply_unit", "bill__account__hall").order_by("deadline")


def reconciliations(*, scope: Scope) -> QuerySet[Reconciliation]:
    return Reconciliation.objects.filter(unit_filter(scope)).select_related("unit").order_by("-created_at", "-id")


def debit_batches(*, scope: Scope) -> QuerySet[DebitBatch]:
    return DebitBatch.objects.filter(unit_filter(scope)).select_related("unit").order_by("-created_at", "-id")


def bill_runs(*, scope: Scope) -> QuerySet[BillRun]:
    return BillRun.objects.filter(unit_filter(scope)).select_related("unit")


@dataclass(frozen=True)
class RunTotals:
    billed: int
    held: int
    missing: int
    amount: Decimal


def bill_run_totals(*, scope: Scope) -> RunTotals:
    """The totals of the bill runs the caller's office sees (the runs page's 合计 row)."""
    found = BillRun.objects.filter(unit_filter(scope)).aggregate(
        n_billed=Sum("billed"), n_held=Sum("held"), n_missing=Sum("missing"), charged=MoneySum("amount")
    )
    return RunTotals(
        billed=found["n_billed"] or 0,
        held=found["n_held"] or 0,
        missing=found["n_missing"] or 0,
        amount=found["charged"],
    )


@dataclass(frozen=True)
class RunPreview:
    """What a bill run of a period would do, asked before it starts (issue 13, convention 2)."""

    accounts: int  # active accounts of the unit (all units: None)
    readings: int  # the period's valid readings among them: each becomes a bill
    held: int  # readings held as exceptions: billed only once resolved
    billed: int  # bills of the period already issued (a run resumes after them)


def run_preview(*, period: str, unit_id: int | None) -> RunPreview:
    accounts = Account.objects.filter(status=AccountStatus.ACTIVE)
    if unit_id is not None:
        accounts = accounts.filter(supply_unit_id=unit_id)
    readings = Reading.objects.filter(period=period, account__in=accounts)
    counts = readings.aggregate(
        valid=Count("id", filter=Q(status=ReadingStatus.VALID)), held=Count("id", filter=Q(status=ReadingStatus.HELD))
    )
    billed = Bill.objects.filter(period=period, account__in=accounts).exclude(status=BillStatus.CANCELLED).count()
    return RunPreview(accounts=accounts.count(), readings=counts["valid"], held=counts["held"], billed=billed)


# The banks a debit file is made for, by name (a bank not listed shows its code).
BANK_NAMES: dict[str, Promise] = {
    "ICBC": _("中国工商银行"),
    "ABC": _("中国农业银行"),
    "BOC": _("中国银行"),
    "CCB": _("中国建设银行"),
    "BOCOM": _("交通银行"),
    "PSBC": _("中国邮政储蓄银行"),
}


def debit_bank_choices(scope: Scope) -> list[Choice]:
    """The banks a debit file may be made for (the picker of the debit page), by name: the banks
    listed above and any other holding active agreements of the accounts the caller's billing
    office works."""
    held = DebitAgreement.objects.filter(unit_filter(scope, "account__supply_unit"), active=True)
    codes = sorted({*BANK_NAMES, *held.values_list("bank_code", flat=True).distinct()})
    return [(code, named(code, str(BANK_NAMES.get(code, code)))) for code in codes]


def tariff_name(code: str) -> str | None:
    """The name of the province's tariff ``code`` (its latest version), for a history's sentence."""
    versions = Tariff.objects.filter(code=code, province=billing_str("PROVINCE")).order_by("-effective_from")
    return versions.values_list("name", flat=True).first()


def tariff_in_force(*, code: str, on: date) -> Tariff | None:
    """The version of the province's tariff ``code`` that applies on ``on``, with its time-of-use
    periods (the key accounts' energy diagnosis reads its bands and prices)."""
    versions = Tariff.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        code=code,
        province=billing_str("PROVINCE"),
        effective_from__lte=on,
    )
    return versions.order_by("-effective_from").prefetch_related("tou_periods").first()


# -- the customer's own bill detail and usage (the portal, SELF-2) ------------------------------
def segment_param(raw: object) -> int | None:
    """A bill link's ``?segment=``: None when absent (the period's first bill in force), the
    segment when it is a small whole number, and -1 (no bill has it: 404) for anything else."""
    if raw is None or raw == "":
        return None
    text = str(raw)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else -1


def account_bill(*, account: Account, period: str, segment: int | None = None) -> Bill | None:
    """The account's bill of ``period`` ("YYYY-MM") with its tariff, or None. A period a transfer
    or a closure split (issue 19) has two bills (``Bill.segment``): ``segment`` picks one; without
    it the lowest (the month's regular bill, 0, when there is one)."""
    bills = Bill.objects.filter(account=account, period=period).exclude(status=BillStatus.CANCELLED)
    if segment is not None:
        bills = bills.filter(segment=segment)
    return bills.select_related("tariff", "account").order_by("segment").first()


@dataclass(frozen=True)
class BillSettlement:
    """One amount settled against a bill: a payment's share (penalty first, then electricity), or
    the prepaid balance deducted when the bill was issued."""

    at: datetime
    channel: str  # the channel's label, or 预存抵扣
    penalty: Decimal
    principal: Decimal

    @property
    def amount(self) -> Decimal:
        return self.penalty + self.principal


def bill_settlements(bill: Bill) -> list[BillSettlement]:
    """What was paid against ``bill``, oldest first: the payments' allocations and the prepaid
    deduction at billing (together they are ``bill.paid_total``)."""
    rows = [
        BillSettlement(
            at=a.reversal.reversed_at if a.reversal else a.payment.paid_at,
            channel=str(_("缴费冲正")) if a.reversal else str(a.payment.get_channel_display()),
            penalty=a.penalty,
            principal=a.principal,
        )
        for a in PaymentAllocation.objects.filter(bill=bill)
        .select_related("payment", "reversal")
        .order_by("payment__paid_at", "pk")
    ]
    # The deduction at billing, and (issue 19) a reversal giving back a deduction that had
    # spent the reversed payment's deposit: the bill owes that part again.
    labels: dict[str, Promise] = {
        PrepaidEntry.Kind.DEDUCTION: _("预存抵扣"),
        PrepaidEntry.Kind.UNDEDUCTED: _("冲正撤销抵扣"),
    }
    deducted = PrepaidEntry.objects.filter(bill=bill, kind__in=list(labels)).order_by("created_at", "pk")
    rows += [
        BillSettlement(at=e.created_at, channel=str(labels[e.kind]), penalty=ZERO, principal=-e.amount)
        for e in deducted
    ]
    return sorted(rows, key=lambda r: r.at)


@dataclass(frozen=True)
class MonthUsage:
    period: str
    kwh: Decimal
    kwh_peak: Decimal
    kwh_flat: Decimal
    kwh_valley: Decimal
    amount: Decimal


def monthly_usage(*, account: Account, since: str) -> list[MonthUsage]:
    """The billed kWh (and amount) of each period from ``since`` ("YYYY-MM") on, oldest first."""
    rows = (
        Bill.objects.filter(account=account, period__gte=since)
        .exclude(status=BillStatus.CANCELLED)
        .order_by("period")
        .values_list("period", "kwh", "kwh_peak", "kwh_flat", "kwh_valley", "amount")
    )
    return [MonthUsage(*row) for row in rows]


def year_billed_kwh(*, account: Account, period: str) -> Decimal:
    """The kWh billed in ``period``'s calendar year before it: what a yearly tier counts from."""
    bills = Bill.objects.filter(account=account, period__gte=period[:4] + "-01", period__lt=period)
    return money_total(bills.exclude(status=BillStatus.CANCELLED), "kwh")


def has_interval_data(*, account: Account) -> bool:
    """Whether the account has any interval (load-curve) readings: daily usage exists only then."""
    return IntervalReading.objects.filter(account=account).exists()


def daily_usage(*, account: Account, start: date, end: date) -> dict[date, Decimal]:
    """The metered kWh of each Shanghai day in [start, end] from the interval readings (days
    without any interval are absent, not zero)."""
    rows = (
        IntervalReading.objects.filter(
            account=account,
            starts_at__gte=local_datetime(start, time.min),
            starts_at__lt=local_datetime(end + timedelta(days=1), time.min),
        )
        .annotate(day=TruncDate("starts_at", tzinfo=SHANGHAI))
        .order_by()
        .values_list("day")
        .annotate(total=MoneySum("kwh"))
        .order_by("day")
    )
    return dict(rows)
