"""换表: the bill across a meter exchange counts the old meter's part and the new one's, exactly
once, in the bill run and the single-account path alike; refusals change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.models import Bill, BillRun, Reading
from gridcare.billing.pdf import bill_lines
from gridcare.billing.rules.meter_exchange import Span, exchange_usage
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.bill_single import bill_issue_one
from gridcare.billing.services.readings import readings_import
from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.exceptions import Conflict, InvalidInput
from gridcare.core.testing import City, make_account
from gridcare.customers.meter_exchange import NewExchange, meter_exchange_record
from gridcare.customers.models import Account, AccountEvent, AccountStatus, CustomerClass, Meter, MeterExchange
from gridcare.org.access import scope_for

HEAD = "户号,账期,抄表日期,上次示数,本次示数,峰电量,谷电量\n"


def _account(town: City, serial: int, cls: str) -> Account:
    account = billable(make_account(serial, town.unit, town.hall, f"换表{serial}", customer_class=cls))
    account.meters.update(time_of_use=cls == CustomerClass.COMMERCIAL)
    sept = reading(account, "2026-09", "0", peak="0", valley="0")
    sept.register = Decimal(1000)
    sept.save(update_fields=["register"])
    return account


def _exchange(town: City, account: Account, **over: object) -> tuple[MeterExchange, bool]:
    data = {
        "exchanged_on": "2026-10-10",
        "removal_register": "1100",
        "new_meter_no": f"NEW{account.pk}",
        "installation_register": "0",
        "new_multiplier": "30",
        **over,
    }
    return meter_exchange_record(
        scope=scope_for(town.admin),
        actor=town.admin,
        account=account,
        data=NewExchange(**data),  # type: ignore[arg-type]
    )


def _import(account: Account, line: str) -> None:
    content = (HEAD + f"{account.account_no},2026-10,2026-10-28,{line}\n").encode()
    readings_import(file_name="r.csv", content=content, actor=None)


def test_the_rule_adds_the_old_meters_span_and_the_new_ones_with_their_multipliers() -> None:
    usage = exchange_usage(Span(Decimal(1000), Decimal(1100), 1), Span(Decimal(0), Decimal("5.5"), 30))
    assert (usage.old_kwh, usage.new_kwh, usage.kwh) == (Decimal(100), Decimal(165), Decimal(265))


def test_a_flat_account_across_an_exchange_from_multiplier_1_to_30_bills_250_kwh(town: City) -> None:
    tariffs()
    account = _account(town, 300, CustomerClass.AGRICULTURAL)
    exchange, created = _exchange(town, account)
    assert created and exchange.old_kwh == Decimal("100.00")
    meters = sorted(Meter.objects.filter(account=account).values_list("multiplier", "removed_on"))
    assert meters == [(1, date(2026, 10, 10)), (30, None)]
    _import(account, "999,5,0,0")  # the file's 上次示数 is the old meter's: the installation reading counts
    got = Reading.objects.get(account=account, period="2026-10")
    assert (got.kwh, got.exchange_id) == (Decimal("250.00"), exchange.pk)
    bill_run_start(period="2026-10", unit=town.unit)
    bill = Bill.objects.get(account=account, period="2026-10")
    assert (bill.kwh, bill.amount) == (Decimal("250.00"), Decimal("124.35"))  # 250 × 0.4974 = 124.35
    lines = dict(bill_lines(bill))
    assert lines["换表电量"].startswith("100.00 kWh")
    # the next month counts from the new meter's register only: nothing doubled
    content = (HEAD + f"{account.account_no},2026-11,2026-11-28,5,6,0,0\n").encode()
    readings_import(file_name="n.csv", content=content, actor=None)
    nov = Reading.objects.get(account=account, period="2026-11")
    assert (nov.kwh, nov.exchange_id) == (Decimal("30.00"), None)
    history = AccountEvent.objects.get(account=account, type=AccountEvent.Type.METER_EXCHANGED)
    assert history.parameters["old_kwh"] == "100.00"


def test_a_time_of_use_account_counts_the_old_meters_peak_and_valley_too(town: City) -> None:
    tariffs()
    account = _account(town, 301, CustomerClass.COMMERCIAL)
    tou = {"last_peak": "200", "removal_peak": "240", "last_valley": "100", "removal_valley": "130"}
    exchange, _ = _exchange(town, account, **tou)
    assert (exchange.old_kwh_peak, exchange.old_kwh_valley) == (Decimal(40), Decimal(30))
    _import(account, "0,5,60,30")
    got = Reading.objects.get(account=account, period="2026-10")
    assert (got.kwh, got.kwh_peak, got.kwh_flat, got.kwh_valley) == (
        Decimal(250),
        Decimal(100),
        Decimal(90),
        Decimal(60),
    )
    bill_run_start(period="2026-10", unit=town.unit)
    bill = Bill.objects.get(account=account, period="2026-10")
    # 100 × 1.0197 + 90 × 0.6590 + 60 × 0.3010 = 101.97 + 59.31 + 18.06
    assert bill.amount == Decimal("179.34")
    # the single-account path, by the same reading, gives the same bill
    run_amount = bill.amount
    bill.delete()
    single = bill_issue_one(
        account=account,
        period="2026-10",
        run=BillRun.objects.get(period="2026-10"),
        tariffs=tariffs(),
    )
    assert single is not None and single.amount == run_amount and single.kwh == Decimal(250)


def _state(account: Account) -> tuple[object, ...]:
    return (
        MeterExchange.objects.count(),
        sorted(Meter.objects.filter(account=account).values_list("meter_no", "multiplier", "removed_on")),
        AccountEvent.objects.filter(account=account, type=AccountEvent.Type.METER_EXCHANGED).count(),
    )


def test_refused_exchanges_change_nothing_and_the_same_one_again_is_the_first(town: City) -> None:
    tariffs()
    account = _account(town, 302, CustomerClass.AGRICULTURAL)
    before = _state(account)
    with pytest.raises(InvalidInput) as below:
        _exchange(town, account, removal_register="999.99")
    assert "removal_register" in below.value.errors
    with pytest.raises(InvalidInput) as early:
        _exchange(town, account, exchanged_on="2026-09-01")  # before the last reading (09-28)
    assert "exchanged_on" in early.value.errors
    with pytest.raises(InvalidInput):
        _exchange(town, account, new_multiplier="0", installation_register="abc")
    assert _state(account) == before
    first, created = _exchange(town, account)
    again, created_again = _exchange(town, account)
    assert created and not created_again and again.pk == first.pk
    after = _state(account)
    with pytest.raises(Conflict):
        _exchange(town, account, removal_register="1200", new_meter_no="OTHER")  # a second one that day
    assert _state(account) == after
    closed = _account(town, 303, CustomerClass.AGRICULTURAL)
    Account.objects.filter(pk=closed.pk).update(status=AccountStatus.CLOSED)
    before_closed = _state(closed)
    with pytest.raises(Conflict):
        _exchange(town, closed)
    assert _state(closed) == before_closed
