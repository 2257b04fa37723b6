"""SAIFI/SAIDI per supply unit and month from the outage records (PLAN-4), planned vs fault."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client

from gridcare.core.exceptions import Forbidden, InvalidInput, NotFound
from gridcare.core.testing import City, api_client, make_account
from gridcare.core.timezone import SHANGHAI
from gridcare.customers.models import Account
from gridcare.notices.models import Outage, OutageAccount
from gridcare.notices.reliability import Part, unit_reliability
from gridcare.org.access import scope_for


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def outage(
    town: City, kind: str, starts_at: datetime, restored_at: datetime | None, accounts: list[Account], **kw: str
) -> Outage:
    record = Outage.objects.create(
        company=town.company,
        kind=kind,
        status=kw.get("status", "restored" if restored_at else "ongoing"),
        reason="测试",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=6),
        restored_at=restored_at,
        affected_accounts=len(accounts),
    )
    OutageAccount.objects.bulk_create([OutageAccount(outage=record, account=a) for a in accounts])
    return record


@pytest.fixture
def november(town: City) -> City:
    """Unit U1 serves 5 customers (a sixth is closed); November 2026's outage records."""
    u1 = [town.account] + [make_account(20 + i, town.unit, town.hall, f"用户{i}") for i in range(4)]
    closed = make_account(30, town.unit, town.hall, "已销户")
    Account.objects.filter(pk=closed.pk).update(status="closed")
    # Planned, 3 h, two U1 customers (and one of U2, which U1's figures leave out).
    outage(town, "planned", at(11, 10, 9), at(11, 10, 12), [u1[0], u1[1], town.other_unit_account])
    # Fault around midnight, 45 min, three customers.
    outage(town, "fault", at(11, 20, 23, 30), at(11, 21, 0, 15), u1[2:5])
    # Emergency that began on the last evening of the month and ended in December: 120 min, all in November.
    outage(town, "emergency", at(11, 30, 23), at(12, 1, 1), [u1[0]])
    # Not November: began on 31 October (Shanghai time), restored in November.
    outage(town, "fault", at(10, 31, 23), at(11, 1, 2), u1)
    # Called off, and one not yet restored: neither counts; the latter is reported.
    outage(town, "planned", at(11, 12, 9), None, u1, status="cancelled")
    outage(town, "fault", at(11, 25, 8), None, [u1[3]])
    return town


def test_saifi_and_saidi_of_a_unit_for_a_month_split_planned_and_fault(november: City) -> None:
    r = unit_reliability(scope=scope_for(november.planner), unit_code="U1", month="2026-11")
    assert (r.unit_code, r.unit_name, r.month, r.customers_served, r.unrestored) == (
        "U1",
        "城区供电所",
        "2026-11",
        5,
        1,
    )
    assert r.planned == Part(
        outages=1, interruptions=2, customer_minutes=Decimal("360.00"), saifi=Decimal("0.4000"), saidi=Decimal("72.00")
    )
    assert r.fault == Part(
        outages=2, interruptions=4, customer_minutes=Decimal("255.00"), saifi=Decimal("0.8000"), saidi=Decimal("51.00")
    )
    assert r.total == Part(
        outages=3, interruptions=6, customer_minutes=Decimal("615.00"), saifi=Decimal("1.2000"), saidi=Decimal("123.00")
    )
    # RS-1 = 1 − 123 / (30 × 1440) = 99.7153 %, below the urban target of 99.9 %.
    assert (r.reliability_percent, r.target_percent, r.meets_target) == (Decimal("99.7153"), Decimal("99.9"), False)


def test_a_month_without_outages_has_zero_figures_and_full_reliability(november: City) -> None:
    r = unit_reliability(scope=scope_for(november.supervisor), unit_code="U1", month="2026-09")
    assert (r.total, r.reliability_percent, r.meets_target, r.unrestored) == (Part(), Decimal("100.0000"), True, 0)
    rural = unit_reliability(scope=scope_for(november.planner), unit_code="U2", month="2026-11")
    assert (rural.customers_served, rural.total.interruptions, rural.total.customer_minutes) == (
        1,
        1,
        Decimal("180.00"),
    )
    assert (rural.total.saifi, rural.total.saidi, rural.target_percent, rural.meets_target) == (
        Decimal("1.0000"),
        Decimal("180.00"),
        None,
        None,
    )


def test_who_may_see_which_unit(november: City) -> None:
    with pytest.raises(Forbidden):
        unit_reliability(scope=scope_for(november.agent), unit_code="U1", month="2026-11")
    with pytest.raises(NotFound):  # a U2 supervisor sees U2 only
        unit_reliability(scope=scope_for(november.other_supervisor), unit_code="U1", month="2026-11")
    with pytest.raises(NotFound):  # another company's unit
        unit_reliability(scope=scope_for(november.planner), unit_code="X1", month="2026-11")
    with pytest.raises(InvalidInput) as bad:
        unit_reliability(scope=scope_for(november.planner), unit_code="U1", month="2026-13")
    assert bad.value.errors == {"month": "请按“年-月”填写，如 2026-11。"}


def test_the_api_gives_the_same_figures_and_refuses_who_may_not(november: City) -> None:
    url = "/api/v1/outages/reliability?unit=U1&month=2026-11"
    response = api_client(november.planner).get(url)
    assert response.status_code == 200
    body = response.json()
    assert (body["customers_served"], body["unrestored"], body["meets_target"]) == (5, 1, False)
    assert {k: body["total"][k] for k in ("outages", "interruptions")} == {"outages": 3, "interruptions": 6}
    assert [Decimal(str(body["total"][k])) for k in ("customer_minutes", "saifi", "saidi")] == [
        Decimal("615.00"),
        Decimal("1.2000"),
        Decimal("123.00"),
    ]
    assert Decimal(str(body["fault"]["saidi"])) == Decimal("51.00")
    assert Decimal(str(body["reliability_percent"])) == Decimal("99.7153")
    assert api_client(november.agent).get(url).status_code == 403
    assert api_client(november.other_supervisor).get(url).status_code == 404
    assert api_client(november.planner).get("/api/v1/outages/reliability?unit=U1&month=11-2026").status_code == 422


def test_the_page_shows_the_figures_to_supervisors_only(november: City) -> None:
    client = Client()
    client.force_login(november.supervisor)  # sign-in lockout (axes) needs a request: Client.login has none
    page = client.get("/notices/reliability/?unit=U1&month=2026-11")
    assert page.status_code == 200
    html = page.content.decode()
    assert "99.7153%" in html and "123.00" in html and "0.4000" in html
    agent = Client()
    agent.force_login(november.agent)
    assert agent.get("/notices/reliability/?unit=U1&month=2026-11").status_code == 403
