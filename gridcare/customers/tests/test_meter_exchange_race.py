"""换表 under concurrent duplicates, for real on PostgreSQL: five copies of one exchange at once
record it once; all five answer with that exchange."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridcare.billing.tests.helpers import billable, reading, tariffs
from gridcare.core.testing import City, run_together
from gridcare.customers.meter_exchange import NewExchange, meter_exchange_record
from gridcare.customers.models import AccountEvent, Meter, MeterExchange
from gridcare.org.access import scope_for


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_copies_of_one_exchange_at_once_record_it_once(town: City) -> None:
    tariffs()
    account = billable(town.account)
    account.meters.update(time_of_use=False)
    sept = reading(account, "2026-09", "0")
    sept.register = Decimal(1000)
    sept.save(update_fields=["register"])
    data = NewExchange(
        exchanged_on="2026-10-10",
        removal_register="1100",
        new_meter_no="RACE-1",
        installation_register="0",
        new_multiplier="30",
    )

    def exchange(_i: int) -> tuple[int, bool]:
        done, created = meter_exchange_record(scope=scope_for(town.admin), actor=town.admin, account=account, data=data)
        return done.pk, created

    results, errors = run_together(5, exchange)
    assert errors == []
    assert len({pk for pk, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * 4 + [True]
    assert MeterExchange.objects.count() == 1 and Meter.objects.filter(meter_no="RACE-1").count() == 1
    assert AccountEvent.objects.filter(type=AccountEvent.Type.METER_EXCHANGED).count() == 1
