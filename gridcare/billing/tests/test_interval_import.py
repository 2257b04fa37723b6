from datetime import datetime
from decimal import Decimal

import pytest

from gridcare.billing.models import IntervalReading, ReadingImport
from gridcare.billing.services.readings import intervals_import
from gridcare.core.exceptions import InvalidInput
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI


def test_interval_data_is_stored_in_beijing_time(town: City) -> None:
    no = town.account.account_no
    content = f"户号,开始时间,电量\n{no},2026-10-01 00:00,1.25\n{no},2026-10-01 00:15,1.50\n".encode()
    batch = intervals_import(file_name="load.csv", content=content, actor=town.admin)
    rows = list(IntervalReading.objects.order_by("starts_at").values_list("starts_at", "kwh"))
    assert batch.rows == 2
    assert rows == [
        (datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI), Decimal("1.25")),
        (datetime(2026, 10, 1, 0, 15, tzinfo=SHANGHAI), Decimal("1.50")),
    ]


@pytest.mark.parametrize("bad", ["{no},2026-10-01 00:15,-1", "{no},yesterday,1", "0000000009,2026-10-01 00:15,1"])
def test_a_bad_interval_line_imports_nothing(town: City, bad: str) -> None:
    no = town.account.account_no
    content = f"户号,开始时间,电量\n{no},2026-10-01 00:00,1.25\n{bad.format(no=no)}\n".encode()
    with pytest.raises(InvalidInput):
        intervals_import(file_name="load.csv", content=content, actor=town.admin)
    assert (IntervalReading.objects.count(), ReadingImport.objects.count()) == (0, 0)


def test_importing_the_same_intervals_twice_is_refused_whole(town: City) -> None:
    no = town.account.account_no
    content = f"户号,开始时间,电量\n{no},2026-10-01 00:00,1.25\n".encode()
    intervals_import(file_name="load.csv", content=content, actor=town.admin)
    with pytest.raises(InvalidInput):
        intervals_import(file_name="load.csv", content=content, actor=town.admin)
    assert (IntervalReading.objects.count(), ReadingImport.objects.count()) == (1, 1)
