"""Two agents taking the first reports of one outage at the same moment open one incident."""

from __future__ import annotations

import pytest

from gridcare.core.testing import City, make_account, run_together
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.models import Incident, WorkOrder


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_reports_never_open_two_incidents(town: City) -> None:
    accounts = [
        make_account(200 + i, town.unit, town.hall, f"住户{i}", transformer_area=town.area).account_no for i in range(8)
    ]
    scope = scope_for(town.agent)

    def report(i: int) -> None:
        services.workorder_intake(
            scope=scope,
            actor=town.agent,
            data=services.NewOrder(channel="phone_95598", type="fault", text="停电了", account_no=accounts[i]),
        )

    _, errors = run_together(len(accounts), report)
    assert errors == []
    assert Incident.objects.count() == 1
    assert Incident.objects.get().report_count == 8
    assert WorkOrder.objects.filter(incident__isnull=False).count() == 8
