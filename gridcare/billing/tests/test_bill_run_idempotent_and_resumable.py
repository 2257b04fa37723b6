from decimal import Decimal
from typing import Any

import pytest

from gridcare.billing.models import Bill, BillRun, BillRunEvent
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import mixed_accounts, reading, tariffs
from gridcare.core.testing import City
from gridcare.notices.models import Notice


class Killed(Exception):
    """Stands for the process dying between two chunks."""


def _snapshot() -> list[tuple[int, str, Decimal]]:
    return list(Bill.objects.order_by("account_id", "period").values_list("account_id", "period", "amount"))


def test_running_twice_makes_no_second_bill(town: City) -> None:
    tariffs()
    mixed_accounts(town, 12)
    first = bill_run_start(period="2026-10", chunk_size=5)
    bills, notices = _snapshot(), Notice.objects.count()
    second = bill_run_start(period="2026-10", chunk_size=5)
    assert (first.billed, second.billed) == (12, 0)
    assert _snapshot() == bills
    assert Notice.objects.count() == notices


def test_a_run_killed_mid_way_resumes_where_it_stopped_and_ends_equal(town: City) -> None:
    tariffs()
    mixed_accounts(town, 20)
    chunks = 0

    def die_after_two(run: BillRun) -> None:
        nonlocal chunks
        chunks += 1
        if chunks == 2:
            raise Killed

    with pytest.raises(Killed):
        bill_run_start(period="2026-09", chunk_size=4, after_chunk=die_after_two)
    killed = BillRun.objects.get(period="2026-09")
    # The first chunk holds the town's three accounts without tariff or reading.
    assert (killed.status, killed.billed, killed.missing, Bill.objects.count()) == ("running", 5, 3, 5)
    resumed = bill_run_start(period="2026-09", chunk_size=4)
    assert resumed.pk == killed.pk
    assert (resumed.status, resumed.billed, Bill.objects.count()) == ("finished", 20, 20)
    assert Bill.objects.values("account_id").distinct().count() == 20
    types = list(BillRunEvent.objects.filter(run=resumed).values_list("type", flat=True))
    assert types == ["started", "chunk", "chunk", "resumed", "chunk", "chunk", "chunk", "chunk", "finished"]


def test_held_readings_and_accounts_without_reading_get_no_bill_and_are_counted(town: City, settings: Any) -> None:
    # Without estimated readings (估抄, on by default: tests/test_estimated_readings.py).
    settings.GRIDCARE_BILLING = {**settings.GRIDCARE_BILLING, "ESTIMATE_MISSING_READINGS": False}
    tariffs()
    accounts = mixed_accounts(town, 4)
    Bill.objects.all().delete()
    held = accounts[0].readings.get(period="2026-10")
    held.status = "held"
    held.save(update_fields=["status"])
    accounts[1].readings.filter(period="2026-10").delete()
    run = bill_run_start(period="2026-10")
    # missing: the reading deleted above, and the town's own three accounts (no tariff, no reading)
    assert (run.billed, run.held, run.missing) == (2, 1, 4)
    assert set(Bill.objects.values_list("account_id", flat=True)) == {accounts[2].pk, accounts[3].pk}


def test_a_late_reading_is_billed_by_the_next_run_of_the_period(town: City, settings: Any) -> None:
    # Without estimated readings: with them, the run estimates the month and the late reading
    # trues it up next month (tests/test_estimated_readings.py).
    settings.GRIDCARE_BILLING = {**settings.GRIDCARE_BILLING, "ESTIMATE_MISSING_READINGS": False}
    tariffs()
    account = mixed_accounts(town, 1)[0]
    account.readings.filter(period="2026-10").delete()
    assert bill_run_start(period="2026-10").billed == 0
    reading(account, "2026-10", "150")
    assert bill_run_start(period="2026-10").billed == 1
    assert Bill.objects.get(account=account, period="2026-10").kwh == Decimal("150.00")


def test_a_bad_period_is_refused_and_nothing_starts(town: City) -> None:
    from gridcare.core.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        bill_run_start(period="2026-13")
    assert BillRun.objects.count() == 0
