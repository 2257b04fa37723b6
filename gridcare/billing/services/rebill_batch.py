"""The batch re-bill (批量重新出账, issue 19): after a tariff's price was found wrong and corrected,
every bill of a period priced by that tariff code is billed again, chunk by chunk like the bill
run: set-based reads, the bill run's engine prices (``bill_run._price_chunk``), one transaction
per chunk that moves the batch's cursor with a conditional UPDATE, so a killed batch resumes
after its last committed chunk and a second process on it is refused.

A bill whose price does not change is left alone. A changed bill with nothing paid on it (no
payment, prepaid deduction or note) is cancelled and replaced in bulk; one with money on it goes
through ``bill_rebill``, the per-account path, with the engine's prices (equal to the rules to
the fen), so its payments move and its penalty is worked out again exactly as a correction does.
``rebill_per_account`` is that per-account path for every bill: the baseline of the benchmark
and of the test that both give identical bills."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.conf import billing_int, billing_str
from gridcare.billing.exceptions import CorrectionRefused
from gridcare.billing.models import Bill, BillEvent, BillStatus, Reading, ReadingStatus, RebillBatch, Tariff
from gridcare.billing.rules.bill_dates import period_error, period_start
from gridcare.billing.rules.compute import Charges
from gridcare.billing.rules.rebill import rebill_due_date
from gridcare.billing.services.bill_run import BILL_COLUMNS, Chunk, _price_chunk, _prior_kwh
from gridcare.billing.services.outbox import Message, fen_text, notice_rows
from gridcare.billing.services.rebill import bill_rebill, bill_reprice
from gridcare.billing.services.tariffs import tariffs_in_force
from gridcare.core.bulk import insert_rows, reserve_pks
from gridcare.core.events import actor_user, record_many
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.timezone import business_date
from gridcare.customers.models import Account
from gridcare.invoicing.services.red import invoices_for_rebill
from gridcare.org.access import Capability, Scope, require

Actor = User | AnonymousUser | None

_BILLS_SQL = """
SELECT b.id, a.id, a.account_no, a.tariff_code, a.contract_capacity_kva,
       CAST(ROUND(COALESCE(r.kwh, b.kwh) * 100) AS BIGINT),
       CAST(ROUND(COALESCE(r.kwh_peak, b.kwh_peak) * 100) AS BIGINT),
       CAST(ROUND(COALESCE(r.kwh_flat, b.kwh_flat) * 100) AS BIGINT),
       CAST(ROUND(COALESCE(r.kwh_valley, b.kwh_valley) * 100) AS BIGINT),
       COALESCE(r.kvarh, 0), COALESCE(r.max_demand_kw, 0),
       (SELECT MIN(c.phone) FROM customers_contact c WHERE c.customer_id = a.customer_id AND c.is_primary),
       a.customer_class,
       CAST(ROUND(b.energy_charge * 100) AS BIGINT), CAST(ROUND(b.basic_charge * 100) AS BIGINT),
       CAST(ROUND(b.pf_adjustment * 100) AS BIGINT), CAST(ROUND(b.amount * 100) AS BIGINT),
       b.run_id, b.due_date, b.penalty_waived,
       CASE WHEN b.paid <> 0 OR b.penalty_paid <> 0 OR b.adjustment <> 0
            OR EXISTS (SELECT 1 FROM billing_paymentallocation pa WHERE pa.bill_id = b.id)
            OR EXISTS (SELECT 1 FROM billing_prepaidentry pe WHERE pe.bill_id = b.id)
            OR EXISTS (SELECT 1 FROM billing_adjustment ad WHERE ad.bill_id = b.id)
       THEN 1 ELSE 0 END
FROM billing_bill b
JOIN billing_tariff t ON t.id = b.tariff_id
JOIN customers_account a ON a.id = b.account_id
LEFT JOIN billing_reading r ON r.account_id = b.account_id AND r.period = b.period AND r.status = 'valid'
WHERE b.period = %(period)s AND t.code = %(code)s AND b.status <> 'cancelled' AND b.account_id > %(after)s
  AND b.segment = 0 AND COALESCE(r.true_up_kwh, 0) = 0
  AND NOT EXISTS (SELECT 1 FROM billing_bill f WHERE f.account_id = b.account_id AND f.period = b.period
                  AND f.segment > 0 AND f.status <> 'cancelled')
ORDER BY b.account_id
LIMIT %(size)s
"""


def _open_bills(period: str, tariff_code: str) -> QuerySet[Bill]:
    return Bill.objects.filter(period=period, tariff__code=tariff_code).exclude(status=BillStatus.CANCELLED)


def batch_bills(period: str, tariff_code: str) -> QuerySet[Bill]:
    """The bills a batch re-bills (the rows ``_BILLS_SQL`` reads): each account's regular bill
    of the month, priced from its reading alone. A month split by a transfer or closure (its
    final bill, and the regular bill that bills only the rest), and a true-up after estimated
    readings are priced by rules of their own: each is corrected on its own (``rebill``)."""
    split = Bill.objects.filter(period=period, segment__gt=0).exclude(status=BillStatus.CANCELLED)
    true_ups = Reading.objects.filter(period=period, status=ReadingStatus.VALID, true_up_kwh__gt=0)
    return (
        _open_bills(period, tariff_code)
        .filter(segment=0)
        .exclude(account_id__in=split.values("account_id"))
        .exclude(account_id__in=true_ups.values("account_id"))
    )


@dataclass
class _Rows:
    chunk: Chunk
    bill_ids: list[int]
    old_fen: np.ndarray  # (n, 4): energy, basic, pf adjustment, amount
    runs: list[int]
    dues: list[object]
    waived: list[bool]
    money: list[bool]


def _read(period: str, code: str, after: int, size: int) -> _Rows | None:
    with connection.cursor() as cursor:
        cursor.execute(_BILLS_SQL, {"period": period, "code": code, "after": after, "size": size})
        rows = cursor.fetchall()
    if not rows:
        return None
    cols = list(zip(*rows, strict=True))
    chunk = Chunk(
        ids=np.array(cols[1], dtype=np.int64),
        account_nos=list(cols[2]),
        tariff_codes=list(cols[3]),
        capacity=list(cols[4]),
        kwh=np.array(cols[5], dtype=np.int64),
        peak=np.array(cols[6], dtype=np.int64),
        flat=np.array(cols[7], dtype=np.int64),
        valley=np.array(cols[8], dtype=np.int64),
        kvarh=list(cols[9]),
        demand=list(cols[10]),
        phones=list(cols[11]),
        classes=list(cols[12]),
        last_id=int(rows[-1][1]),
        held=0,
        missing=0,
    )
    old = np.array([cols[13], cols[14], cols[15], cols[16]], dtype=np.int64).T
    return _Rows(chunk, list(cols[0]), old, list(cols[17]), list(cols[18]), list(cols[19]), [bool(m) for m in cols[20]])


def rebill_batch_start(
    *,
    scope: Scope,
    actor: User,
    period: str,
    tariff_code: str,
    reason: str,
    chunk_size: int | None = None,
    after_chunk: Callable[[RebillBatch], None] | None = None,
) -> RebillBatch:
    """Open (or resume) the batch of (period, tariff code) and run it to the end."""
    require(scope, Capability.BILL_REBILL_BATCH)
    batch = rebill_batch_open(period=period, tariff_code=tariff_code, reason=reason, actor=actor)
    return rebill_batch_run(batch=batch, actor=actor, chunk_size=chunk_size, after_chunk=after_chunk)


def rebill_batch_run(
    *,
    batch: RebillBatch,
    actor: Actor,
    chunk_size: int | None = None,
    after_chunk: Callable[[RebillBatch], None] | None = None,
) -> RebillBatch:
    """Run an opened batch from its cursor to the end (``manage.py rebill_batch``: the page's
    and the API's batches run in their own process; a killed one is resumed by running it again)."""
    if batch.status != RebillBatch.Status.RUNNING:
        return batch
    period, tariff_code = batch.period, batch.tariff_code
    tariffs = tariffs_in_force(province=billing_str("PROVINCE"), on=period_start(period))
    size = chunk_size or billing_int("REBILL_CHUNK")
    while (rows := _read(period, tariff_code, batch.last_account_id, size)) is not None:
        _write(batch, rows, tariffs, actor)
        if after_chunk:
            after_chunk(batch)
    RebillBatch.objects.filter(pk=batch.pk, status=RebillBatch.Status.RUNNING).update(
        status=RebillBatch.Status.FINISHED, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


@dataclass(frozen=True)
class BatchPreview:
    """What a batch would do (nothing written): bills of the period and tariff code, how many
    change, and what they are billed before and after."""

    bills: int
    changed: int
    before: Decimal
    after: Decimal
    apart: int = 0  # bills the batch leaves to a correction each (see ``batch_bills``)


def rebill_batch_preview(*, scope: Scope, period: str, tariff_code: str) -> BatchPreview:
    """The batch's own reads and prices, chunk by chunk, without writing."""
    require(scope, Capability.BILL_REBILL_BATCH)
    _check(period, tariff_code, None)
    tariffs = tariffs_in_force(province=billing_str("PROVINCE"), on=period_start(period))
    bills = changed = before = after = 0
    last = 0
    while (rows := _read(period, tariff_code, last, billing_int("REBILL_CHUNK"))) is not None:
        priced = _price_chunk(rows.chunk, tariffs, _prior_kwh(period, rows.chunk.ids))
        new_fen = np.stack([priced.energy, priced.basic, priced.adjustment], axis=1)
        moved = priced.billable & (new_fen != rows.old_fen[:, :3]).any(axis=1)
        bills += len(rows.bill_ids)
        changed += int(moved.sum())
        before += int(rows.old_fen[moved, 3].sum())
        after += int(new_fen[moved].sum())
        last = rows.chunk.last_id
    apart = _open_bills(period, tariff_code).count() - bills
    return BatchPreview(bills, changed, Decimal(before) / 100, Decimal(after) / 100, apart)


def rebill_batch_request(
    *, scope: Scope, actor: User, period: str, tariff_code: str, reason: str, request_key: str
) -> tuple[RebillBatch, bool]:
    """Open a batch to run in the background (``rebill_batch_launch`` after the commit).
    Returns (batch, created): the same request key again is the first batch, and a batch of the
    same period and tariff still running is that one."""
    require(scope, Capability.BILL_REBILL_BATCH)
    if not isinstance(request_key, str) or not 1 <= len(request_key) <= 64:
        message = _("申请表单已失效，请重新打开。")
        raise InvalidInput(message, errors={"request_key": message})
    existing = RebillBatch.objects.filter(request_key=request_key).first()
    if existing is not None:
        if (existing.period, existing.tariff_code) != (period, tariff_code):
            raise CorrectionRefused(_("这张申请表已启动过另一批重新出账，请重新打开页面。"))
        return existing, False
    batch = rebill_batch_open(period=period, tariff_code=tariff_code, reason=reason, actor=actor, key=request_key)
    return batch, batch.request_key == request_key


def rebill_batch_launch(batch: RebillBatch) -> None:
    """Run the batch to the end in its own process (`manage.py rebill_batch`), like a bill run."""
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "rebill_batch", "--batch", str(batch.pk)]
    subprocess.Popen(command, start_new_session=True, stdout=subprocess.DEVNULL)  # noqa: S603 - fixed argv


def _check(period: str, tariff_code: str, reason: str | None) -> None:
    errors: dict[str, str] = {}
    if error := period_error(period):
        errors["period"] = error
    if not isinstance(tariff_code, str) or not Tariff.objects.filter(code=tariff_code[:20]).exists():
        errors["tariff_code"] = _("电价代码不存在。")
    if reason is not None and (not isinstance(reason, str) or not 1 <= len(reason.strip()) <= 200):
        errors["reason"] = _("请填写更正说明（最多 200 字）。")
    if errors:
        raise InvalidInput(_("批量重新出账的申请有误。"), errors=errors)


def rebill_batch_open(
    *, period: str, tariff_code: str, reason: str, actor: User, key: str | None = None
) -> RebillBatch:
    _check(period, tariff_code, reason)
    with transaction.atomic():
        running = RebillBatch.objects.filter(
            period=period, tariff_code=tariff_code, status=RebillBatch.Status.RUNNING
        ).first()
        if running is not None:
            return running
        try:
            with transaction.atomic():
                return RebillBatch.objects.create(
                    period=period,
                    tariff_code=tariff_code,
                    request_key=key,
                    reason=reason.strip(),
                    started_by=actor,
                    started_at=timezone.now(),
                    total=batch_bills(period, tariff_code).count(),
                )
        except IntegrityError as exc:
            raise Conflict(_("该账期该电价已有批量重新出账在进行。")) from exc


def _write(batch: RebillBatch, rows: _Rows, tariffs: dict[str, Tariff], actor: Actor) -> None:
    chunk = rows.chunk
    prior = _prior_kwh(batch.period, chunk.ids)
    priced = _price_chunk(chunk, tariffs, prior)
    new_fen = np.stack([priced.energy, priced.basic, priced.adjustment], axis=1)
    changed = priced.billable & (new_fen != rows.old_fen[:, :3]).any(axis=1)
    fast = [int(i) for i in np.flatnonzero(changed) if not rows.money[i]]
    slow = [int(i) for i in np.flatnonzero(changed) if rows.money[i]]
    before = int(rows.old_fen[changed, 3].sum())
    after = int(new_fen[changed].sum())
    with transaction.atomic():
        claimed = RebillBatch.objects.filter(
            pk=batch.pk, status=RebillBatch.Status.RUNNING, last_account_id=batch.last_account_id
        )
        if not claimed.update(
            last_account_id=chunk.last_id,
            rebilled=F("rebilled") + len(fast) + len(slow),
            unchanged=F("unchanged") + len(chunk.ids) - len(fast) - len(slow),
            amount_before=F("amount_before") + Decimal(before) / 100,
            amount_after=F("amount_after") + Decimal(after) / 100,
        ):
            raise Conflict(_("该批量重新出账正由另一进程计算。"))
        _bulk(batch, rows, priced.tariff_ids, new_fen, prior, fast, actor)
        for i in slow:
            _one(batch, rows.bill_ids[i], new_fen[i], actor)
    batch.last_account_id = chunk.last_id


def _bulk(
    batch: RebillBatch,
    rows: _Rows,
    tariff_ids: np.ndarray,
    fen: np.ndarray,
    prior: np.ndarray,
    where: list[int],
    actor: Actor,
) -> None:
    """The changed bills with nothing paid on them: cancelled and replaced in a few statements."""
    if not where:
        return
    chunk = rows.chunk
    old_ids = [rows.bill_ids[i] for i in where]
    Bill.objects.filter(pk__in=old_ids).update(status=BillStatus.CANCELLED)
    new_ids = reserve_pks(Bill, len(where))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    today, days = business_date(), billing_int("REBILL_DUE_DAYS")

    def y(value: int) -> str:
        return fen_text(int(value))

    def row(k: int, i: int) -> tuple[object, ...]:
        amount = int(fen[i].sum())
        due = rebill_due_date(rows.dues[i], today, days)  # type: ignore[arg-type]
        return (
            *(new_ids[k], int(chunk.ids[i]), batch.period, rows.runs[i], int(tariff_ids[i])),
            *(y(chunk.kwh[i]), y(chunk.peak[i]), y(chunk.flat[i]), y(chunk.valley[i]), y(prior[i])),
            *(y(fen[i][0]), y(fen[i][1]), y(fen[i][2]), "0.00", y(amount), "0.00", "0.00", None, "0.00", "0.00"),
            rows.waived[i],
            BillStatus.ISSUED.value if amount > 0 else BillStatus.PAID.value,
            now,
            connection.ops.adapt_datefield_value(due),
        )

    insert_rows(Bill, BILL_COLUMNS, (row(k, i) for k, i in enumerate(where)))
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE billing_bill SET replaced_by_id = %s WHERE id = %s", list(zip(new_ids, old_ids, strict=True))
        )
    invoices_for_rebill(pairs=zip(old_ids, new_ids, strict=True), reason=str(_("账单作废重新出账")), actor=actor)
    user = actor_user(actor)
    record_many(
        BillEvent, ({"bill_id": b, "parameters": {"batch": batch.pk}} for b in old_ids), type="cancelled", actor=user
    )
    record_many(
        BillEvent,
        (
            {"bill_id": n, "parameters": {"batch": batch.pk, "replaces": o}}
            for n, o in zip(new_ids, old_ids, strict=True)
        ),
        type="rebilled",
        actor=user,
    )
    notice_rows("bill_corrected", _messages(batch, rows, fen, where, new_ids))


def _messages(batch: RebillBatch, rows: _Rows, fen: np.ndarray, where: list[int], new_ids: list[int]) -> list[Message]:
    today, days = business_date(), billing_int("REBILL_DUE_DAYS")
    out: list[Message] = []
    for k, i in enumerate(where):
        phone = rows.chunk.phones[i]
        if not phone:
            continue
        amount = fen_text(int(fen[i].sum()))
        variables = {
            "account_no": rows.chunk.account_nos[i],
            "period": batch.period,
            "old": fen_text(int(rows.old_fen[i][3])),
            "amount": amount,
            "due": amount,
            "due_date": rebill_due_date(rows.dues[i], today, days).isoformat(),  # type: ignore[arg-type]
        }
        out.append((phone, int(rows.chunk.ids[i]), variables, f"bill_corrected:{new_ids[k]}"))
    return out


def _one(batch: RebillBatch, bill_id: int, fen: np.ndarray, actor: Actor) -> None:
    """A changed bill with money on it: the per-account path, with the engine's prices."""
    bill = Bill.objects.select_related("account__customer").get(pk=bill_id)
    Account.objects.select_for_update().get(pk=bill.account_id)
    bill = Bill.objects.select_for_update().select_related("account__customer").get(pk=bill_id)
    charges = Charges(*(Decimal(int(v)) / 100 for v in fen))
    bill_rebill(bill=bill, actor=actor, priced=bill_reprice(bill, charges=charges), batch=batch.pk)


def rebill_per_account(*, period: str, tariff_code: str, actor: Actor, limit: int | None = None) -> int:
    """Every bill of (period, tariff code) (the first ``limit`` by account) re-billed one by one
    by the rules functions, each in its own transaction: the batch's baseline. Returns how many
    were re-billed."""
    done = 0
    ids = list(batch_bills(period, tariff_code).order_by("account_id").values_list("pk", flat=True)[:limit])
    for bill_id in ids:
        with transaction.atomic():
            bill = Bill.objects.select_related("account").get(pk=bill_id)
            Account.objects.select_for_update().get(pk=bill.account_id)
            bill = Bill.objects.select_for_update().select_related("account__customer").get(pk=bill_id)
            priced = bill_reprice(bill)
            same = (priced.charges.energy, priced.charges.basic, priced.charges.adjustment) == (
                bill.energy_charge,
                bill.basic_charge,
                bill.pf_adjustment,
            )
            if not same:
                bill_rebill(bill=bill, actor=actor, priced=priced)
                done += 1
    return done
