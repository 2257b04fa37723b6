"""The bill run (抄核收, BILL-3): every active account of a period in one batch.

Accounts are taken in id order, a chunk at a time. Each chunk is one transaction that writes
its bills (plain-tuple bulk inserts), the prepaid deductions, the outbox rows and the run's
cursor, so a run killed at any moment has written whole chunks only and the next start resumes
after the last one. A bill is unique per (account, period) and the chunk query skips accounts
already billed, so running twice never makes a second bill.

On PostgreSQL (outside any open transaction) the next chunk is read ahead on a second
connection in a reader thread while this thread prices and writes the current one: the server
reads chunk N+1 (and psycopg waits for it without holding the GIL) while chunk N is priced,
copied and committed. The reader only reads. A chunk's reading starts after the previous
chunk's last account id, which is exactly where that chunk moves the run's cursor when it
commits, so the chunks and their transactions are the same as when reading in turn; if a chunk's
transaction fails or the process dies, the chunk read ahead is simply never written.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import BrokenExecutor, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_bool, billing_int, billing_str, rule_decimal
from gridcare.billing.events import run_event
from gridcare.billing.exceptions import InvalidTransition
from gridcare.billing.models import (
    Bill,
    BillRun,
    BillStatus,
    PrepaidEntry,
    ReadingStatus,
    RunStatus,
    Tariff,
    TariffKind,
    TierPeriod,
)
from gridcare.billing.rules import engine
from gridcare.billing.rules.bill_dates import due_date_of, period_start
from gridcare.billing.rules.compute import Usage, pf_extra, two_part_extras
from gridcare.billing.rules.estimates import TrueUpBasis, true_up_charges
from gridcare.billing.rules.moves import less_final_billed
from gridcare.billing.services.adjustments import (
    TrueUpCredit,
    adjustments_carried,
    adjustments_for_chunk,
    true_up_credits_record,
)
from gridcare.billing.services.estimates import estimate_missing, estimated_account_ids, true_up_bases
from gridcare.billing.services.outbox import Message, bill_issued_rows, fen_text, notice_rows
from gridcare.billing.services.tariffs import tariffs_in_force
from gridcare.core.bulk import insert_rows, reserve_pks
from gridcare.core.events import actor_user
from gridcare.core.exceptions import Conflict
from gridcare.core.money import to_fen
from gridcare.org.models import SupplyUnit

RUN_TRANSITIONS: dict[str, set[str]] = {RunStatus.RUNNING: {RunStatus.FINISHED}, RunStatus.FINISHED: set()}

_CHUNK_SQL = """
SELECT a.id, a.account_no, a.tariff_code, a.contract_capacity_kva, r.id, r.status,
       CAST(ROUND(r.kwh * 100) AS BIGINT), CAST(ROUND(r.kwh_peak * 100) AS BIGINT),
       CAST(ROUND(r.kwh_flat * 100) AS BIGINT), CAST(ROUND(r.kwh_valley * 100) AS BIGINT),
       r.kvarh, r.max_demand_kw,
       (SELECT MIN(c.phone) FROM customers_contact c WHERE c.customer_id = a.customer_id AND c.is_primary),
       a.customer_class,
       (SELECT CAST(ROUND(SUM(s.kwh) * 100) AS BIGINT) FROM billing_bill s
        WHERE s.account_id = a.id AND s.period = %(period)s AND s.segment > 0 AND s.status <> 'cancelled')
FROM customers_account a
LEFT JOIN billing_reading r ON r.account_id = a.id AND r.period = %(period)s AND r.account_id > %(after)s
WHERE a.id > %(after)s AND a.status = 'active' {unit_filter}
  AND NOT EXISTS (
    SELECT 1 FROM billing_bill b
    WHERE b.account_id = a.id AND b.period = %(period)s AND b.segment = 0 AND b.account_id > %(after)s
  )
ORDER BY a.id
LIMIT %(size)s
"""
# The last column: the kWh a transfer's final bill (segment > 0, issue 19) already billed the old
# holder in the period, taken off the month's reading (all of it flat: a final reading has no
# split), so the new holder pays only from the opening reading.
# ``r.account_id > after`` and ``b.account_id > after`` follow from the joins, but PostgreSQL does
# not infer them, and without them the planner scanned readings and bills from the first account
# at every chunk (index conditions on ``period`` alone), so later chunks cost more than earlier.

BILL_COLUMNS = (
    "id",
    "account_id",
    "period",
    "run_id",
    "tariff_id",
    "kwh",
    "kwh_peak",
    "kwh_flat",
    "kwh_valley",
    "prior_kwh",
    "energy_charge",
    "basic_charge",
    "pf_adjustment",
    "adjustment",
    "amount",
    "paid",
    "penalty_paid",
    "penalty_settled_to",
    "penalty_carried",
    "penalty_accrued",
    "penalty_waived",
    "status",
    "issued_at",
    "due_date",
)


@dataclass
class Chunk:
    """One chunk's billable accounts as arrays (energy in centi-kWh)."""

    ids: np.ndarray
    account_nos: list[str]
    tariff_codes: list[str]
    capacity: list[object]
    kwh: np.ndarray
    peak: np.ndarray
    flat: np.ndarray
    valley: np.ndarray
    kvarh: list[object]
    demand: list[object]
    phones: list[str | None]
    classes: list[str]  # customer classes (the power-factor standard of a one-part tariff)
    last_id: int
    held: int
    missing: int


def _dec(value: object) -> Decimal:
    """A database decimal as Decimal: SQLite returns doubles, whose str is the stored decimal."""
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else Decimal(0)


def _load_chunk(period: str, unit_id: int | None, after: int, size: int) -> Chunk | None:
    """The next ``size`` unbilled active accounts after account id ``after``."""
    unit_filter = "AND a.supply_unit_id = %(unit)s" if unit_id else ""
    params: dict[str, str | int | None] = {"period": period, "after": after, "unit": unit_id, "size": size}
    with connection.cursor() as cursor:
        cursor.execute(_CHUNK_SQL.format(unit_filter=unit_filter), params)
        rows = cursor.fetchall()
    if not rows:
        return None
    billable = [r for r in rows if r[4] is not None and r[5] == ReadingStatus.VALID]
    held = sum(1 for r in rows if r[4] is not None and r[5] != ReadingStatus.VALID)
    cols = list(zip(*billable, strict=True)) if billable else [()] * 15
    # A transfer's final bill took its kWh (all flat) out of the month: the regular bill the rest.
    before = np.array([v or 0 for v in cols[14]], dtype=np.int64)
    return Chunk(
        ids=np.array(cols[0], dtype=np.int64),
        account_nos=list(cols[1]),
        tariff_codes=list(cols[2]),
        capacity=list(cols[3]),
        kwh=less_final_billed(np.array(cols[6], dtype=np.int64), before),
        peak=np.array(cols[7], dtype=np.int64),
        flat=less_final_billed(np.array(cols[8], dtype=np.int64), before),
        valley=np.array(cols[9], dtype=np.int64),
        kvarh=list(cols[10]),
        demand=list(cols[11]),
        phones=list(cols[12]),
        classes=list(cols[13]),
        last_id=int(rows[-1][0]),
        held=held,
        missing=len(rows) - len(billable) - held,
    )


def _prior_kwh(period: str, ids: np.ndarray) -> np.ndarray:
    """kWh already billed this calendar year before the period, per account (centi-kWh)."""
    prior = np.zeros(len(ids), dtype=np.int64)
    if len(ids) == 0 or period.endswith("-01"):
        return prior
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT account_id, CAST(ROUND(SUM(kwh) * 100) AS BIGINT) FROM billing_bill "
            "WHERE account_id >= %s AND account_id <= %s AND period >= %s AND period < %s "
            "AND status <> 'cancelled' GROUP BY account_id",
            [int(ids[0]), int(ids[-1]), period[:4] + "-01", period],
        )
        found = cursor.fetchall()
    if found:
        keys = np.array([f[0] for f in found], dtype=np.int64)
        pos = np.searchsorted(ids, keys)
        ok = (pos < len(ids)) & (ids[np.minimum(pos, len(ids) - 1)] == keys)
        prior[pos[ok]] = np.array([f[1] for f in found], dtype=np.int64)[ok]
    return prior


@dataclass
class Priced:
    tariff_ids: np.ndarray
    energy: np.ndarray  # fen
    basic: np.ndarray
    adjustment: np.ndarray
    billable: np.ndarray  # bool: the account's tariff code is known
    credits: dict[int, Decimal] = field(default_factory=dict)  # position → an over-estimate's credit


def _price_chunk(
    chunk: Chunk, tariffs: dict[str, Tariff], prior: np.ndarray, ups: dict[int, TrueUpBasis] | None = None
) -> Priced:
    n = len(chunk.ids)
    out = Priced(
        tariff_ids=np.zeros(n, dtype=np.int64),
        energy=np.zeros(n, dtype=np.int64),
        basic=np.zeros(n, dtype=np.int64),
        adjustment=np.zeros(n, dtype=np.int64),
        billable=np.zeros(n, dtype=bool),
    )
    codes = np.array(chunk.tariff_codes, dtype=object)
    for code, tariff in tariffs.items():
        mask = codes == code
        if not mask.any():
            continue
        out.billable[mask] = True
        out.tariff_ids[mask] = tariff.pk
        out.energy[mask] = engine.energy_fen(
            tariff, chunk.kwh[mask], chunk.peak[mask], chunk.flat[mask], chunk.valley[mask], prior[mask]
        )
        if tariff.kind == TariffKind.TWO_PART:
            _two_part(chunk, tariff, np.flatnonzero(mask), out)
        elif tariff.kind != TariffKind.TIERED:
            _power_factor(chunk, tariff, np.flatnonzero(mask), out)
    if ups:
        _true_up(chunk, tariffs, ups, out)
    return out


def _true_up(chunk: Chunk, tariffs: dict[str, Tariff], ups: dict[int, TrueUpBasis], out: Priced) -> None:
    """True-up bills after estimated readings (估抄): few accounts, the rules function each."""
    for i in np.flatnonzero(np.isin(chunk.ids, np.fromiter(ups, dtype=np.int64))):
        tariff = tariffs.get(chunk.tariff_codes[i])
        basis = ups[int(chunk.ids[i])]
        if tariff is None:
            continue
        own = Usage(
            kwh=Decimal(int(chunk.kwh[i])) / 100,
            peak=Decimal(int(chunk.peak[i])) / 100,
            valley=Decimal(int(chunk.valley[i])) / 100,
            kvarh=_dec(chunk.kvarh[i]),
            max_demand_kw=_dec(chunk.demand[i]),
        )
        up = true_up_charges(
            tariff=tariff,
            usage=basis.actual_usage(own, basis.true_up_kwh),
            basis=basis,
            capacity_kva=_dec(chunk.capacity[i]),
            customer_class=chunk.classes[i],
        )
        out.energy[i], out.basic[i], out.adjustment[i] = (to_fen(v) for v in up.charges.parts)
        if up.credit > 0:
            out.credits[int(i)] = up.credit


def _power_factor(chunk: Chunk, tariff: Tariff, where: np.ndarray, out: Priced) -> None:
    """The power-factor adjustment of a one-part tariff's accounts of PF_MIN_KVA (100 kVA) and
    above whose reading measured reactive energy: few accounts, the rules function each."""
    minimum = rule_decimal("PF_MIN_KVA")
    for i in where:
        capacity = _dec(chunk.capacity[i])
        kvarh = _dec(chunk.kvarh[i])
        if capacity < minimum or kvarh <= 0:
            continue
        usage = Usage(kwh=Decimal(int(chunk.kwh[i])) / 100, kvarh=kvarh)
        energy = Decimal(int(out.energy[i])) / 100
        out.adjustment[i] = int(pf_extra(tariff, usage, energy, chunk.classes[i], capacity) * 100)


def _two_part(chunk: Chunk, tariff: Tariff, where: np.ndarray, out: Priced) -> None:
    """Basic charge and power-factor adjustment: few accounts (large industry), so the rules
    functions are called directly, one account at a time."""
    for i in where:
        usage = Usage(
            kwh=Decimal(int(chunk.kwh[i])) / 100, kvarh=_dec(chunk.kvarh[i]), max_demand_kw=_dec(chunk.demand[i])
        )
        energy = Decimal(int(out.energy[i])) / 100
        basic, adjustment = two_part_extras(tariff, usage, energy, _dec(chunk.capacity[i]))
        out.basic[i] = int(basic * 100)
        out.adjustment[i] = int(adjustment * 100)


def _money(fen: np.ndarray) -> list[float]:
    """Fen as yuan for the database: v/100 is the double nearest the exact decimal, the
    value SQLite stores and whose shortest repr PostgreSQL's COPY parses back exactly."""
    yuan: list[float] = (fen / 100).tolist()  # numpy types tolist() as Any
    return yuan


def _write_chunk(
    run: BillRun, chunk: Chunk, priced: Priced, prior: np.ndarray, actor: User | None, notify: bool
) -> None:
    keep = np.flatnonzero(priced.billable)
    no_tariff = len(chunk.ids) - len(keep)
    amount = priced.energy + priced.basic + priced.adjustment
    n = len(keep)
    with transaction.atomic():
        # The accounts' credit and debit notes waiting for this bill (issue 19), as a line.
        notes, carried = adjustments_for_chunk(chunk.ids[keep], amount[keep])
        amount[keep] += notes
        claimed = BillRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING, last_account_id=run.last_account_id)
        if not claimed.update(
            last_account_id=chunk.last_id,
            billed=F("billed") + n,
            held=F("held") + chunk.held,
            missing=F("missing") + chunk.missing + no_tariff,
            amount=F("amount") + Decimal(int(amount[keep].sum())) / 100,
        ):
            raise Conflict(_("该批次正由另一进程计算。"))
        bill_ids = np.array(reserve_pks(Bill, n), dtype=np.int64)
        account_ids = chunk.ids[keep]
        account_nos = [chunk.account_nos[i] for i in keep]
        phones = [chunk.phones[i] for i in keep]
        paid, status = deduct_at_billing(
            bill_ids=bill_ids, account_ids=account_ids, amounts=amount[keep], account_nos=account_nos, phones=phones
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        due = connection.ops.adapt_datefield_value(due_date_of(run.period))
        rows = zip(
            bill_ids.tolist(),
            account_ids.tolist(),
            [run.period] * n,
            [run.pk] * n,
            priced.tariff_ids[keep].tolist(),
            _money(chunk.kwh[keep]),
            _money(chunk.peak[keep]),
            _money(chunk.flat[keep]),
            _money(chunk.valley[keep]),
            _money(prior[keep]),
            _money(priced.energy[keep]),
            _money(priced.basic[keep]),
            _money(priced.adjustment[keep]),
            _money(notes),
            _money(amount[keep]),
            _money(paid),
            [0.0] * n,
            [None] * n,
            [0.0] * n,
            [0.0] * n,
            [False] * n,
            status,
            [now] * n,
            [due] * n,
            strict=True,
        )
        try:
            insert_rows(Bill, BILL_COLUMNS, rows)
        except IntegrityError as exc:
            raise Conflict(_("该批次正由另一进程计算。")) from exc
        adjustments_carried(carried, bill_ids.tolist(), run.period)
        # An over-estimate's credit (估抄多计退补), with its bill: for the account's next bill.
        at = {int(i): k for k, i in enumerate(keep.tolist())}
        true_up_credits_record(
            [
                TrueUpCredit(account_id=int(chunk.ids[i]), bill_id=int(bill_ids[at[i]]), amount=credit)
                for i, credit in priced.credits.items()
                if i in at
            ],
            run.period,
        )
        notices = 0
        if notify:
            notices = bill_issued_rows(
                estimated=estimated_account_ids(period=run.period, account_ids=account_ids.tolist()),
                period=run.period,
                bill_ids=bill_ids,
                account_ids=account_ids,
                account_nos=account_nos,
                phones=phones,
                amounts=amount[keep] - paid,
            )
        run_event(
            run=run,
            type="chunk",
            actor=actor,
            last_account_id=chunk.last_id,
            billed=n,
            held=chunk.held,
            missing=chunk.missing,
            no_tariff=no_tariff,
            notices=notices,
        )
    run.last_account_id = chunk.last_id


def bill_run_transition(*, run: BillRun, to: RunStatus, actor: User | AnonymousUser | None) -> BillRun:
    if to not in RUN_TRANSITIONS[run.status]:
        raise InvalidTransition(
            _("批次状态不能从“%(a)s”变为“%(b)s”。") % {"a": run.get_status_display(), "b": to.label}
        )
    changed = BillRun.objects.filter(pk=run.pk, status=run.status).update(status=to, finished_at=timezone.now())
    if not changed:
        raise InvalidTransition(_("批次状态已被他人改变。"))
    run.refresh_from_db()
    run_event(run=run, type=str(to), actor=actor, billed=run.billed, held=run.held, missing=run.missing)
    return run


def _scope_accounts(unit: SupplyUnit | None) -> int:
    from gridcare.customers.models import Account, AccountStatus

    accounts = Account.objects.filter(status=AccountStatus.ACTIVE)
    return (accounts.filter(supply_unit=unit) if unit else accounts).count()


def bill_run_open(*, period: str, unit: SupplyUnit | None, actor: User | AnonymousUser | None) -> BillRun:
    """The running run of (period, unit) to resume, or a new one."""
    period_start(period)
    key = unit.code if unit else "*"
    user = actor_user(actor)
    with transaction.atomic():
        run = BillRun.objects.filter(period=period, scope_key=key, status=RunStatus.RUNNING).first()
        if run is not None:
            run_event(run=run, type="resumed", actor=user, after_account_id=run.last_account_id)
            return run
        try:
            with transaction.atomic():
                run = BillRun.objects.create(
                    period=period, unit=unit, scope_key=key, started_by=user, total=_scope_accounts(unit)
                )
        except IntegrityError as exc:
            raise Conflict(_("该账期已有批次在计算。")) from exc
        run_event(run=run, type="started", actor=user, period=period, unit=key, total=run.total)
    return run


def bill_run_start(
    *,
    period: str,
    unit: SupplyUnit | None = None,
    actor: User | AnonymousUser | None = None,
    chunk_size: int | None = None,
    after_chunk: Callable[[BillRun], None] | None = None,
    read_ahead: bool = True,
) -> BillRun:
    """Run (or resume) the bill run of ``period`` to the end. ``after_chunk`` is told after each
    committed chunk (progress display). ``read_ahead=False`` reads each chunk in turn on this
    connection (the only way on SQLite and inside an open transaction)."""
    run = bill_run_open(period=period, unit=unit, actor=actor)
    user = actor_user(actor)
    tariffs = tariffs_in_force(province=billing_str("PROVINCE"), on=period_start(period))
    notify = billing_bool("NOTIFY_IN_RUN")
    reader = _Reader(run.period, run.unit_id, chunk_size or billing_int("RUN_CHUNK"), _has_yearly(tariffs))
    _prepare_connection()

    estimate_missing(period=run.period, unit_id=run.unit_id)  # 估抄: set-based, before the chunks

    def bill(chunk: Chunk, prior: np.ndarray) -> None:
        ups = true_up_bases(period=run.period, account_ids=chunk.ids.tolist())
        _write_chunk(run, chunk, _price_chunk(chunk, tariffs, prior, ups), prior, user, notify)
        if after_chunk:
            after_chunk(run)

    if read_ahead and _can_read_ahead():
        _bill_reading_ahead(run, reader, bill)
    else:
        while (read := reader.read(run.last_account_id)) is not None:
            bill(*read)
    return bill_run_transition(run=run, to=RunStatus.FINISHED, actor=user)


def _prepare_connection() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # a bigger page cache for this connection's batch
            cursor.execute("PRAGMA cache_size = -262144")
        else:
            # Fresh statistics: after the previous run's million-row COPY, autovacuum's sample can
            # lag, and with stale row counts the planner picked a plan that took 6.5 minutes for
            # one 50,000-account chunk of the next month (112 ms after ANALYZE).
            for table in ("customers_account", "customers_contact", "billing_reading", "billing_bill"):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


@dataclass(frozen=True)
class _Reader:
    """What reading a chunk needs, as plain values: the reader thread shares no model object."""

    period: str
    unit_id: int | None
    size: int
    yearly: bool

    def read(self, after: int) -> tuple[Chunk, np.ndarray] | None:
        """The chunk after account id ``after`` with its accounts' kWh billed earlier this year."""
        chunk = _load_chunk(self.period, self.unit_id, after, self.size)
        if chunk is None:
            return None
        prior = _prior_kwh(self.period, chunk.ids) if self.yearly else np.zeros(len(chunk.ids), dtype=np.int64)
        return chunk, prior


def _can_read_ahead() -> bool:
    """A second connection sees only committed rows: inside an open transaction (a caller's
    atomic block, a test case) it would miss the caller's own, so the run reads in turn there.
    SQLite does the database work in this process anyway, so reading ahead gains nothing."""
    return connection.vendor == "postgresql" and not connection.in_atomic_block


def _bill_reading_ahead(run: BillRun, reader: _Reader, bill: Callable[[Chunk, np.ndarray], None]) -> None:
    """Bill chunk N on this connection while the reader thread reads chunk N+1 on its own.

    Chunk N+1 starts after chunk N's last account, where chunk N's commit moves the cursor, so
    the chunks are those of reading in turn. Chunk N+1's accounts lie after chunk N's, so nothing
    chunk N writes can change what the reader sees. If billing chunk N fails, the exception ends
    the loop; the read ahead is thrown away and the next start resumes at the committed cursor.
    """
    with ThreadPoolExecutor(1, thread_name_prefix="bill-run-reader", initializer=_reader_session) as pool:
        try:
            pending = pool.submit(reader.read, run.last_account_id)
            while (read := pending.result()) is not None:
                pending = pool.submit(reader.read, read[0].last_id)
                bill(*read)
        finally:
            # After the pending read (one worker, first in first out): the reader's connection
            # belongs to its thread and is closed there. A pool whose start failed has none.
            with suppress(BrokenExecutor):
                pool.submit(_close_thread_connection)


def _reader_session() -> None:
    """The reader connection's own settings.

    No sequential scans: the reader plans its query while the writer is filling billing_bill,
    but the statistics (ANALYZE at run start) show none of the period's bills, and on a new
    installation no bills at all. The planner then chose a nested-loop anti-join that scans
    billing_bill once per account, cheap for the empty table it expected; with the writer's
    50,000 uncommitted rows arriving meanwhile, one chunk's read took 23-43 s instead of 0.3 s
    (seen in the benchmark, auto_explain). Every table the reader touches is reached through
    an index (accounts, readings, bills by account and period; contacts by customer).
    No JIT: the query's cost estimate is over the JIT threshold, and compiling it took 40-50 ms
    of server CPU per chunk for nothing. No parallel workers: they would only take CPU from
    the writer, which is the run's critical path."""
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("SET jit = off")
        cursor.execute("SET max_parallel_workers_per_gather = 0")


def _close_thread_connection() -> None:
    connection.close()  # ``connection`` is the calling thread's own


def _has_yearly(tariffs: dict[str, Tariff]) -> bool:
    return any(t.kind == TariffKind.TIERED and t.tier_period == TierPeriod.YEARLY for t in tariffs.values())


def bill_run_launch(run: BillRun) -> None:
    """Run an opened bill run to the end in its own process (`manage.py bill_run`); the page only
    watches its progress. A run whose process dies is resumed by starting it again."""
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bill_run", "--period", run.period]
    if run.unit is not None:
        command += ["--unit", run.unit.code]
    subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed argv


# --- prepaid deduction (BILL-6): hand-written SQL of the hot path, inside the chunk transaction ---

PREPAID_ENTRY_COLUMNS = ("account_id", "kind", "amount", "payment_id", "bill_id", "created_at")


def warning_fen() -> int:
    return to_fen(rule_decimal("PREPAID_WARNING_YUAN"))


_BALANCES = (
    "SELECT account_id, CAST(ROUND(balance * 100) AS BIGINT) FROM billing_prepaidbalance "
    "WHERE account_id >= %s AND account_id <= %s AND balance > 0"
)
_BALANCES_LOCKED = _BALANCES + " FOR UPDATE"


def _balances(account_ids: np.ndarray) -> np.ndarray:
    """Balances of the chunk's accounts, locked until the chunk commits (PostgreSQL; SQLite
    transactions are serialised), so the new balance can be written as an exact value:
    SQLite keeps decimals as doubles and ``balance - x`` could drift below zero."""
    balances = np.zeros(len(account_ids), dtype=np.int64)
    if len(account_ids) == 0:
        return balances
    with connection.cursor() as cursor:
        cursor.execute(
            _BALANCES_LOCKED if connection.vendor == "postgresql" else _BALANCES,
            [int(account_ids.min()), int(account_ids.max())],
        )
        for account_id, fen in cursor.fetchall():
            pos = int(np.searchsorted(account_ids, account_id))
            if pos < len(account_ids) and account_ids[pos] == account_id:
                balances[pos] = fen
    return balances


def deduct_at_billing(
    *,
    bill_ids: np.ndarray,
    account_ids: np.ndarray,
    amounts: np.ndarray,
    account_nos: Sequence[str],
    phones: Sequence[str | None],
) -> tuple[np.ndarray, list[str]]:
    """Pay new bills from prepaid balances (inside the bill run's chunk transaction).
    Returns the fen paid per bill and each bill's status."""
    balances = _balances(account_ids)
    paid = np.minimum(balances, amounts)
    status = np.where(paid == amounts, BillStatus.PAID.value, BillStatus.ISSUED.value).astype(object)
    status[(paid > 0) & (paid < amounts)] = BillStatus.PARTLY_PAID.value
    used = np.flatnonzero(paid > 0)
    left = balances - paid
    if len(used):
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE billing_prepaidbalance SET balance = %s, updated_at = %s WHERE account_id = %s",
                [(fen_text(int(left[i])), now, int(account_ids[i])) for i in used],
            )
        insert_rows(
            PrepaidEntry,
            PREPAID_ENTRY_COLUMNS,
            ((int(account_ids[i]), "deduction", fen_text(-int(paid[i])), None, int(bill_ids[i]), now) for i in used),
        )
        warning = warning_fen()  # read once: the setting is parsed on each call
        low = [int(i) for i in used if left[i] < warning]
        notice_rows("low_balance", _low_balance_messages(low, bill_ids, account_ids, account_nos, phones, left))
    return paid, status.tolist()


def _low_balance_messages(
    low: Iterable[int],
    bill_ids: np.ndarray,
    account_ids: np.ndarray,
    account_nos: Sequence[str],
    phones: Sequence[str | None],
    left: np.ndarray,
) -> Iterable[Message]:
    threshold = fen_text(warning_fen())
    for i in low:
        phone = phones[i]
        if phone:
            variables = {"account_no": account_nos[i], "balance": fen_text(int(left[i])), "threshold": threshold}
            yield phone, int(account_ids[i]), variables, f"low_balance:bill:{int(bill_ids[i])}"
