"""New connections (WO-8) run stage by stage with stage limits inside SPEC's totals."""

from __future__ import annotations

from datetime import datetime

import pytest
from pytest_django import Settings

from gridcare.core.testing import City, api_client
from gridcare.core.timezone import SHANGHAI
from gridcare.workorders.connections import STAGES, limit, total_days
from gridcare.workorders.models import NewConnection, Stage
from gridcare.workorders.tests.conftest import NEW_CONNECTION, Clock, post_json


@pytest.mark.parametrize(
    ("category", "total"),
    [("residential", 5), ("low_voltage", 6), ("high_voltage_single", 22), ("high_voltage_dual", 32)],
)
def test_stage_limits_add_up_to_the_spec_total(category: str, total: int) -> None:
    assert total_days(category) == total
    assert sum(limit(category, s) or 0 for s in STAGES[category]) == total


def test_a_residential_connection_runs_to_power_on_with_each_stage_recorded(town: City, clock: Clock) -> None:
    client = api_client(town.kam)
    created = post_json(client, "/api/v1/new-connections", NEW_CONNECTION)
    assert created.status_code == 201
    body = created.json()
    assert body["account_manager"] == "kam"
    assert body["due_at"] == "2025-10-10T10:00:00+08:00"  # 5 working days over the National Day week
    assert body["stage_due_at"] == "2025-09-28T10:00:00+08:00"
    number = body["number"]
    stages = []
    for _ in range(5):
        clock.advance(hours=20)
        response = client.post(f"/api/v1/new-connections/{number}/advance", {}, content_type="application/json")
        assert response.status_code == 200
        stages.append(response.json()["stage"])
    assert stages == ["site_survey", "supply_plan", "meter_installation", "power_on", "done"]
    done = response.json()
    assert [s["stage"] for s in done["steps"]] == [
        "application",
        "site_survey",
        "supply_plan",
        "meter_installation",
        "power_on",
    ]
    assert done["completed_at"] is not None and done["on_time"] is True
    again = client.post(f"/api/v1/new-connections/{number}/advance", {}, content_type="application/json")
    assert again.status_code == 409
    assert NewConnection.objects.get().steps.count() == 5


def test_the_customers_construction_time_does_not_count_in_working_days(town: City, clock: Clock) -> None:
    client = api_client(town.kam)
    factory = {**NEW_CONNECTION, "applicant": "某工厂", "address": "工业园区B区", "category": "low_voltage"}
    number = post_json(client, "/api/v1/new-connections", factory).json()["number"]
    for _ in range(3):
        client.post(f"/api/v1/new-connections/{number}/advance", {}, content_type="application/json")
    assert NewConnection.objects.get().stage == Stage.CONSTRUCTION
    # Six working days from Friday 26 September 2025 10:00: 28 (make-up Sunday), 29, 30
    # September, 9, 10 and 11 (make-up Saturday) October.
    assert NewConnection.objects.get().due_at == datetime(2025, 10, 11, 10, 0, tzinfo=SHANGHAI)
    clock.set(datetime(2025, 10, 20, 10, 0, tzinfo=SHANGHAI))
    response = client.post(f"/api/v1/new-connections/{number}/advance", {}, content_type="application/json")
    # Construction from 26 September 10:00 to 20 October 10:00 took 12 working days (14 h on the
    # 26th, 28-30 September, 9-11 and 13-17 October, 10 h on the 20th), not the 24 calendar
    # days: the total moves from 11 October 10:00 by 12 working days, to 28 October 10:00.
    assert NewConnection.objects.get().due_at == datetime(2025, 10, 28, 10, 0, tzinfo=SHANGHAI)
    assert response.json()["stage"] == "inspection"


def test_an_outsider_cannot_apply_and_another_unit_cannot_advance(town: City, clock: Clock) -> None:
    refused = post_json(api_client(town.outsider), "/api/v1/new-connections", {**NEW_CONNECTION, "applicant": "x"})
    assert refused.status_code == 403
    number = post_json(api_client(town.kam), "/api/v1/new-connections", NEW_CONNECTION).json()["number"]
    response = api_client(town.other_supervisor).post(
        f"/api/v1/new-connections/{number}/advance", {}, content_type="application/json"
    )
    assert response.status_code == 404
    assert NewConnection.objects.get().stage == Stage.APPLICATION


def test_stage_limits_follow_a_changed_total(settings: Settings) -> None:
    rules = dict(settings.GRIDCARE_RULES)
    totals = dict(rules["NEW_CONNECTION_WORKING_DAYS"], high_voltage_single=33, residential=10)
    settings.GRIDCARE_RULES = {**rules, "NEW_CONNECTION_WORKING_DAYS": totals}
    # 1/2/10/3/3/2/1 of 22 scaled to 33: 1.5, 3, 15, 4.5, 4.5, 3, 1.5; whole parts add up to 31,
    # and the two spare days go to the earliest of the four halves (application, design review).
    assert [limit("high_voltage_single", s) for s in STAGES["high_voltage_single"]] == [2, 3, 15, 5, None, 4, 3, 1]
    assert sum(limit("high_voltage_single", s) or 0 for s in STAGES["high_voltage_single"]) == 33
    # Residential 1 each of 5 → 2 each of 10.
    assert [limit("residential", s) for s in STAGES["residential"]] == [2, 2, 2, 2, 2]
    # The unchanged totals keep the SPEC split.
    assert [limit("low_voltage", s) for s in STAGES["low_voltage"]] == [1, 1, 1, None, 1, 1, 1]


def test_a_fixed_stage_keeps_its_days_and_the_others_share_the_rest(settings: Settings) -> None:
    wo = dict(settings.GRIDCARE_WORKORDERS)
    settings.GRIDCARE_WORKORDERS = {**wo, "NEW_CONNECTION_STAGE_DAYS": '{"high_voltage_single": {"supply_plan": 12}}'}
    # 22 - 12 = 10 shared by 1/2/3/3/2/1 (of 12): 0.83, 1.67, 2.5, 2.5, 1.67, 0.83; whole parts
    # 0+1+2+2+1+0 = 6, and the 4 spare days go to the largest remainders (0.83, 0.83, 0.67, 0.67).
    days = [limit("high_voltage_single", s) for s in STAGES["high_voltage_single"]]
    assert days == [1, 2, 12, 2, None, 2, 2, 1]
    assert sum(v or 0 for v in days) == 22
