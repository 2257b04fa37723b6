"""A real `manage.py bill_run` SIGKILLed while it writes a chunk whose next chunk it has already
read ahead: the database holds whole chunks, and starting again finishes the same run with one
bill per account and one deduction per prepaid bill (PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from gridcare.billing.models import Bill, BillRun, BillRunEvent, PrepaidBalance, PrepaidEntry
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import mixed_accounts, tariffs
from gridcare.core.testing import City
from gridcare.customers.models import Account

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    """The test database (pytest-django's), for the child process and the lock holder."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait_for(condition: Callable[[], bool], seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _others(sql: str, lock_holder: int) -> int:
    """Rows of pg_stat_activity of this database from the child process's connections."""
    query = f"SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid NOT IN (pg_backend_pid(), %s) AND {sql}"  # noqa: S608, E501 - the test's own conditions
    with connection.cursor() as cursor:
        cursor.execute(query, [lock_holder])
        return int(cursor.fetchone()[0])


def _activity() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT state, query FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchall()


def test_a_run_killed_while_writing_a_chunk_with_the_next_read_ahead_resumes_to_whole_chunks(town: City) -> None:
    tariffs()
    accounts = mixed_accounts(town, 20)
    ids = list(Account.objects.filter(status="active").order_by("id").values_list("id", flat=True))
    third = accounts[10]  # ids[13]: the third chunk of five
    PrepaidBalance.objects.create(account=third, balance=Decimal("500.00"))
    url = _database_url()
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bill_run", "--period", "2026-09"]
    command += ["--chunk", "5", "--no-notify"]
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as holder:
        # The third chunk's deduction waits for this row lock, so the child stops inside that
        # chunk's transaction, after its reader has gone on to the fourth chunk.
        holder.execute("SELECT 1 FROM billing_prepaidbalance WHERE account_id = %s FOR UPDATE", [third.pk])
        holder_pid = holder.info.backend_pid
        child = subprocess.Popen(  # noqa: S603 - fixed argv
            command, env={**os.environ, "DATABASE_URL": url}, stdout=subprocess.DEVNULL, start_new_session=True
        )
        try:
            assert _wait_for(lambda: _others("wait_event_type = 'Lock'", holder_pid) == 1)
            # The reader's last statement: the fourth chunk's query, or the earlier-bills query after it.
            fourth = f"(query LIKE '%%a.id > {ids[14]} %%' OR query LIKE '%%account_id >= {ids[15]} AND%%')"
            assert _wait_for(lambda: _others(fourth, holder_pid) == 1), _activity()
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
        holder.rollback()

    killed = BillRun.objects.get(period="2026-09")
    assert (killed.status, killed.last_account_id, killed.billed, killed.missing) == ("running", ids[9], 7, 3)
    assert sorted(Bill.objects.values_list("account_id", flat=True)) == ids[3:10]
    assert PrepaidBalance.objects.get(account=third).balance == Decimal("500.00")
    assert not PrepaidEntry.objects.exists()

    resumed = bill_run_start(period="2026-09", chunk_size=5)
    assert resumed.pk == killed.pk
    assert (resumed.status, resumed.billed, resumed.missing) == ("finished", 20, 3)
    assert sorted(Bill.objects.values_list("account_id", flat=True)) == ids[3:]
    paid = Bill.objects.get(account=third).paid
    assert paid > 0
    assert list(PrepaidEntry.objects.values_list("amount", flat=True)) == [-paid]
    assert PrepaidBalance.objects.get(account=third).balance == Decimal("500.00") - paid
    types = list(BillRunEvent.objects.filter(run=resumed).order_by("id").values_list("type", flat=True))
    assert types == ["started", "chunk", "chunk", "resumed", "chunk", "chunk", "chunk", "finished"]
    assert bill_run_start(period="2026-09", chunk_size=5).billed == 0
    assert Bill.objects.count() == 20
