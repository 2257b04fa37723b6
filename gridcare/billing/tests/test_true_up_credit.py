"""估抄多计退补: when the estimates charged more than the actual usage, the true-up bill is 0.00
and what the estimates charged beyond the actual usage reaches the customer as a credit note
(system-approved, reason 估抄多计退补), written with the bill, once, by the bill run and the
single-account path alike, and carried by the next bill as its 退补电费 line."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridcare.billing.events import run_event
from gridcare.billing.models import (
    Adjustment,
    AdjustmentEvent,
    AdjustmentStatus,
    Bill,
    BillRun,
    CorrectionReason,
    Reading,
)
from gridcare.billing.pdf import bill_lines
from gridcare.billing.services.adjustments import AdjustmentIn, adjustment_request
from gridcare.billing.services.bill_run import bill_run_open, bill_run_start
from gridcare.billing.services.bill_single import bill_issue_one
from gridcare.billing.services.readings import readings_import
from gridcare.billing.tests.helpers import billable, billing_clerk, issued_bill, reading, tariffs
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City, make_account
from gridcare.customers.models import Account, CustomerClass
from gridcare.org.access import scope_for

D = Decimal
HEAD = "户号,账期,抄表日期,上次示数,本次示数\n"


def _account(town: City, serial: int) -> Account:
    """RES-TIER (0.538, 0.588 above 2,760 kWh a year): 2,600 kWh by August (register 5,000), and
    300 kWh in each of September and October 2025 (so both 2026 estimates are 300 kWh)."""
    account = billable(
        make_account(
            serial, town.unit, town.hall, f"多估{serial}", customer_class=CustomerClass.RESIDENTIAL, phone="13800000000"
        )
    )
    rows = [reading(account, "2025-09", "300"), reading(account, "2025-10", "300"), reading(account, "2026-08", "2600")]
    Reading.objects.filter(pk__in=[r.pk for r in rows]).update(register=D(5000))
    Bill.objects.filter(pk=issued_bill(account, "2026-08", "1398.80", rows[2].read_on).pk).update(kwh=D(2600))
    return account


def _import(accounts: list[Account], period: str, previous: str, register: str) -> None:
    lines = "".join(f"{a.account_no},{period},{period}-28,{previous},{register}\n" for a in accounts)
    readings_import(file_name="r.csv", content=(HEAD + lines).encode(), actor=None)


def _estimated_twice(town: City, serials: tuple[int, ...]) -> list[Account]:
    tariffs()
    accounts = [_account(town, s) for s in serials]
    bill_run_start(period="2026-09", unit=town.unit, read_ahead=False)
    bill_run_start(period="2026-10", unit=town.unit, read_ahead=False)
    for account in accounts:
        estimated = Bill.objects.filter(account=account, period__in=["2026-09", "2026-10"]).order_by("period")
        # September: 160 × 0.538 + 140 × 0.588 = 168.40; October (from 2,900): 300 × 0.588 = 176.40
        assert [(b.kwh, b.energy_charge) for b in estimated] == [(D(300), D("168.40")), (D(300), D("176.40"))]
    # November's actual register: 5,200, so 200 kWh in three months where 600 were estimated.
    _import(accounts, "2026-11", "5600", "5200")
    return accounts


def _credits(account: Account) -> list[tuple[str, str, str, Decimal, str]]:
    return list(
        Adjustment.objects.filter(account=account)
        .order_by("id")
        .values_list("kind", "reason", "status", "amount", "source_bill__period")
    )


CREDIT = ("credit", CorrectionReason.ESTIMATE.value, AdjustmentStatus.APPROVED.value, D("235.20"), "2026-11")


def test_the_over_estimate_is_credited_to_the_fen_on_both_paths_and_carried_by_the_next_bill(town: City) -> None:
    by_run, by_single = _estimated_twice(town, (420, 421))
    # The single-account path bills one of them first, the bill run the other.
    run = bill_run_open(period="2026-11", unit=town.unit, actor=None)
    single = bill_issue_one(account=by_single, period="2026-11", run=run, tariffs=tariffs())
    bill_run_start(period="2026-11", unit=town.unit, read_ahead=False)
    batch = Bill.objects.get(account=by_run, period="2026-11")
    # The true 200 kWh from 2,600: 160 × 0.538 + 40 × 0.588 = 109.60; the estimates charged
    # 168.40 + 176.40 = 344.80, so the bill is 0.00 and 235.20 is the customer's.
    assert single is not None
    for bill in (batch, single):
        assert (bill.kwh, bill.energy_charge, bill.amount, bill.status) == (D(-400), D("0.00"), D("0.00"), "paid")
    assert _credits(by_run) == _credits(by_single) == [CREDIT]
    note = Adjustment.objects.get(account=by_run)
    assert (note.requested_by_id, note.decided_by_id, note.source_bill_id) == (None, None, batch.pk)
    assert [(e.type, e.actor_id) for e in AdjustmentEvent.objects.filter(adjustment=note)] == [("computed", None)]

    # Run again (a resumed or repeated run) and bill the single account again: no second credit.
    bill_run_start(period="2026-11", unit=town.unit, read_ahead=False)
    assert _credits(by_run) == _credits(by_single) == [CREDIT]

    # December: 500 kWh from 2,800 billed this year, all tier 2: 294.00 less the 235.20 credit.
    _import([by_run, by_single], "2026-12", "5200", "5700")
    bill_run_start(period="2026-12", unit=town.unit, read_ahead=False)
    for account in (by_run, by_single):
        december = Bill.objects.get(account=account, period="2026-12")
        assert (december.prior_kwh, december.energy_charge, december.adjustment, december.amount) == (
            D(2800),
            D("294.00"),
            D("-235.20"),
            D("58.80"),
        )
        assert dict(bill_lines(december))["退补电费"].startswith("-235.20")
        assert list(Adjustment.objects.filter(account=account).values_list("status", "bill")) == [
            ("applied", december.pk)
        ]


def test_a_chunk_that_fails_writes_neither_the_bill_nor_the_credit(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    (account,) = _estimated_twice(town, (422,))
    target = "gridcare.billing.services.bill_run.run_event"

    def crash(**kwargs: object) -> object:
        if kwargs.get("type") == "chunk":
            raise RuntimeError("killed")
        return run_event(**kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(target, crash)
    with pytest.raises(RuntimeError):
        bill_run_start(period="2026-11", unit=town.unit, read_ahead=False)
    assert not Bill.objects.filter(account=account, period="2026-11").exists()
    assert _credits(account) == []
    monkeypatch.setattr(target, run_event)
    bill_run_start(period="2026-11", unit=town.unit, read_ahead=False)  # resumes
    assert BillRun.objects.filter(period="2026-11").count() == 1
    assert Bill.objects.get(account=account, period="2026-11").amount == D("0.00")
    assert _credits(account) == [CREDIT]


def test_a_person_cannot_ask_for_a_note_with_the_rules_own_reason(town: City) -> None:
    clerk = billing_clerk(town)
    data = AdjustmentIn(kind="credit", reason="estimate", amount=D("10.00"), note="x", request_key="k-estimate")
    with pytest.raises(InvalidInput) as refused:
        adjustment_request(scope=scope_for(clerk), actor=clerk, account=town.account, data=data)
    assert "reason" in refused.value.errors
    assert not Adjustment.objects.exists()
