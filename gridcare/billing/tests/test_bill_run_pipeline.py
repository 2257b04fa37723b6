"""The bill run reading the next chunk ahead on a second connection (PostgreSQL, outside a
transaction): the same bills as reading in turn, whole chunks when it dies between reading a
chunk and writing it, and no second bill when run again."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest

from gridcare.billing.models import Bill, BillRun, BillRunEvent, PrepaidBalance, PrepaidEntry
from gridcare.billing.services import bill_run as bill_run_module
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import bills_of_two_runs, by_the_rules, mixed_accounts, tariffs
from gridcare.core.testing import City
from gridcare.customers.models import Account
from gridcare.notices.models import Notice

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Killed(Exception):
    """Stands for the process dying while a chunk is being written."""


def _bills(period: str) -> list[tuple[int, Decimal, Decimal, Decimal, Decimal, str, int]]:
    return list(
        Bill.objects.filter(period=period)
        .order_by("account_id")
        .values_list("account_id", "kwh", "prior_kwh", "amount", "paid", "status", "tariff_id")
    )


def _chunk_events(run: BillRun) -> list[tuple[int, int, int, int]]:
    events = BillRunEvent.objects.filter(run=run, type="chunk").order_by("id")
    return [
        (e.parameters["last_account_id"], e.parameters["billed"], e.parameters["missing"], e.parameters["no_tariff"])
        for e in events
    ]


def _active_ids() -> list[int]:
    return list(Account.objects.filter(status="active").order_by("id").values_list("id", flat=True))


def _reader_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records which thread read each chunk (the real reading still happens)."""
    names: list[str] = []
    load = bill_run_module._load_chunk

    def spy(*args: Any) -> Any:
        names.append(threading.current_thread().name)
        return load(*args)

    monkeypatch.setattr(bill_run_module, "_load_chunk", spy)
    return names


def test_reading_ahead_makes_the_same_bills_and_chunks_as_reading_in_turn(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    tariffs()
    accounts = mixed_accounts(town, 30)
    PrepaidBalance.objects.create(account=accounts[5], balance=Decimal("20.00"))
    readers = _reader_threads(monkeypatch)
    ahead = bill_run_start(period="2026-09", chunk_size=7)
    assert readers and all(name.startswith("bill-run-reader") for name in readers)
    ahead_bills, ahead_chunks = _bills("2026-09"), _chunk_events(ahead)
    ahead_totals = (ahead.billed, ahead.held, ahead.missing, ahead.amount)

    PrepaidEntry.objects.all().delete()  # back to before the run (the deduction too)
    Bill.objects.all().delete()
    BillRunEvent.objects.all().delete()
    BillRun.objects.all().delete()
    Notice.objects.all().delete()
    PrepaidBalance.objects.filter(account=accounts[5]).update(balance=Decimal("20.00"))
    readers.clear()
    in_turn = bill_run_start(period="2026-09", chunk_size=7, read_ahead=False)
    assert readers and all(name == "MainThread" for name in readers)

    assert len(ahead_bills) == 30
    assert _bills("2026-09") == ahead_bills
    assert _chunk_events(in_turn) == ahead_chunks
    assert (in_turn.billed, in_turn.held, in_turn.missing, in_turn.amount) == ahead_totals
    assert len(ahead_chunks) == 5  # 33 active accounts (the town's 3 without tariff) by 7


def test_every_bill_of_a_run_reading_ahead_equals_the_rules_functions(town: City) -> None:
    bills = bills_of_two_runs(town, 40, chunk_sizes=(9, 11))
    assert len(bills) == 80
    for bill in bills:
        assert (bill.prior_kwh, bill.amount) == by_the_rules(bill), (bill.account.customer_class, bill.period)


def test_running_twice_reading_ahead_makes_no_second_bill_or_message(town: City) -> None:
    tariffs()
    accounts = mixed_accounts(town, 12)
    PrepaidBalance.objects.create(account=accounts[0], balance=Decimal("1.00"))
    first = bill_run_start(period="2026-10", chunk_size=5)
    bills, notices, entries = _bills("2026-10"), Notice.objects.count(), PrepaidEntry.objects.count()
    second = bill_run_start(period="2026-10", chunk_size=5)
    assert (first.billed, second.billed) == (12, 0)
    assert _bills("2026-10") == bills
    assert (Notice.objects.count(), PrepaidEntry.objects.count()) == (notices, entries) == (1, 1)
    assert PrepaidBalance.objects.get(account=accounts[0]).balance == Decimal("0.00")


def _fail_third_write_after_fourth_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The third chunk's write fails, but only once the reader has read the fourth chunk."""
    fourth_read = threading.Event()
    reads: list[int] = []
    load, write = bill_run_module._load_chunk, bill_run_module._write_chunk

    def reading(*args: Any) -> Any:
        chunk = load(*args)
        reads.append(chunk.last_id if chunk else 0)
        if len(reads) == 4:
            fourth_read.set()
        return chunk

    writes = 0

    def writing(*args: Any) -> None:
        nonlocal writes
        writes += 1
        if writes == 3:
            assert fourth_read.wait(timeout=30)
            raise Killed
        write(*args)

    monkeypatch.setattr(bill_run_module, "_load_chunk", reading)
    monkeypatch.setattr(bill_run_module, "_write_chunk", writing)
    return reads


def test_a_run_failing_between_reading_a_chunk_ahead_and_writing_it_resumes_to_the_same_bills(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    tariffs()
    accounts = mixed_accounts(town, 20)
    ids = _active_ids()  # 23: the town's 3 accounts come first
    PrepaidBalance.objects.create(account=accounts[10], balance=Decimal("500.00"))  # in the third chunk
    reads = _fail_third_write_after_fourth_read(monkeypatch)
    with pytest.raises(Killed):
        bill_run_start(period="2026-09", chunk_size=5)
    assert reads[:4] == [ids[4], ids[9], ids[14], ids[19]]
    killed = BillRun.objects.get(period="2026-09")
    # Whole chunks only: the first two (10 accounts, of which the town's 3 have no tariff).
    assert (killed.status, killed.last_account_id, killed.billed, killed.missing) == ("running", ids[9], 7, 3)
    assert set(Bill.objects.values_list("account_id", flat=True)) == set(ids[3:10])
    assert PrepaidBalance.objects.get(account=accounts[10]).balance == Decimal("500.00")
    assert not PrepaidEntry.objects.exists()

    monkeypatch.undo()
    resumed = bill_run_start(period="2026-09", chunk_size=5)
    assert resumed.pk == killed.pk
    assert (resumed.status, resumed.billed, resumed.missing) == ("finished", 20, 3)
    assert set(Bill.objects.values_list("account_id", flat=True)) == set(ids[3:])
    paid = Bill.objects.get(account=accounts[10], period="2026-09").paid
    assert PrepaidEntry.objects.get().amount == -paid
    assert PrepaidBalance.objects.get(account=accounts[10]).balance == Decimal("500.00") - paid
    types = list(BillRunEvent.objects.filter(run=resumed).order_by("id").values_list("type", flat=True))
    assert types == ["started", "chunk", "chunk", "resumed", "chunk", "chunk", "chunk", "finished"]
    assert bill_run_start(period="2026-09", chunk_size=5).billed == 0


def test_inside_an_open_transaction_the_run_reads_each_chunk_in_turn(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import transaction

    tariffs()
    mixed_accounts(town, 6)
    readers = _reader_threads(monkeypatch)
    with transaction.atomic():
        run = bill_run_start(period="2026-09", chunk_size=4)
    assert run.billed == 6
    assert readers == ["MainThread"] * 4  # 9 active accounts: 4, 4, 1, then the empty read


def test_reserved_bill_ids_come_from_the_sequence_and_are_not_handed_out_again(town: City) -> None:
    from datetime import date

    from gridcare.billing.tests.helpers import issued_bill
    from gridcare.core.bulk import reserve_pks

    tariffs()
    reserved = reserve_pks(Bill, 3)
    assert len(set(reserved)) == 3
    assert reserved == sorted(reserved)
    assert reserve_pks(Bill, 0) == []
    later = issued_bill(town.account, "2026-10", "10.00", date(2026, 11, 25))
    assert later.pk > max(reserved)
