"""The customer's outages (selectors.outages_of_accounts, the portal): those whose affected-account
rows hold one of the customer's accounts, coming ones first and soonest first, then past ones;
another 台区's outage is not among them."""

from __future__ import annotations

from datetime import timedelta

from gridcare.core.testing import City, make_account
from gridcare.customers.models import TransformerArea
from gridcare.notices.models import Outage, OutageStatus
from gridcare.notices.rules import outage_is_coming
from gridcare.notices.selectors import outages_of_accounts
from gridcare.notices.services.outages import NewOutage, outage_register
from gridcare.notices.tests.conftest import MORNING
from gridcare.org.access import scope_for


def _register(town: City, *, days: int, area: str = "T1", reason: str = "线路检修") -> Outage:
    start = MORNING + timedelta(days=days)
    data = NewOutage(kind="planned", reason=reason, starts_at=start, ends_at=start + timedelta(hours=6), areas=[area])
    return outage_register(scope=scope_for(town.planner), actor=town.planner, data=data, now=MORNING)


def test_coming_then_past_and_only_the_accounts_own(town: City) -> None:
    other_area = TransformerArea.objects.create(feeder=town.feeder, code="T2", name="城一线2号台区")
    neighbour = make_account(60, town.unit, town.hall, "邻居", transformer_area=other_area)
    soon = _register(town, days=8, reason="更换变压器")
    later = _register(town, days=20)
    elsewhere = _register(town, days=9, area="T2")
    past = _register(town, days=10, reason="线路改造")
    Outage.objects.filter(pk=past.pk).update(
        starts_at=MORNING - timedelta(days=30), ends_at=MORNING - timedelta(days=30) + timedelta(hours=5)
    )
    found = outages_of_accounts(account_ids=[town.account.pk, town.other_unit_account.pk], now=MORNING)
    assert [(f.outage.pk, f.coming, f.account_ids) for f in found] == [
        (soon.pk, True, (town.account.pk,)),
        (later.pk, True, (town.account.pk,)),
        (past.pk, False, (town.account.pk,)),
    ]
    assert [f.outage.pk for f in outages_of_accounts(account_ids=[neighbour.pk], now=MORNING)] == [elsewhere.pk]
    assert outages_of_accounts(account_ids=[town.other_unit_account.pk], now=MORNING) == []
    assert outages_of_accounts(account_ids=[], now=MORNING) == []
    # Older than the window: gone.
    assert [f.outage.pk for f in outages_of_accounts(account_ids=[town.account.pk], days=7, now=MORNING)] == [
        soon.pk,
        later.pk,
    ]


def test_what_counts_as_coming() -> None:
    start, end = MORNING + timedelta(hours=1), MORNING + timedelta(hours=5)
    assert outage_is_coming(status=OutageStatus.ANNOUNCED, starts_at=start, ends_at=end, now=MORNING)
    assert outage_is_coming(status=OutageStatus.ONGOING, starts_at=start, ends_at=end, now=MORNING + timedelta(hours=2))
    assert not outage_is_coming(status=OutageStatus.ANNOUNCED, starts_at=start, ends_at=end, now=end)
    assert not outage_is_coming(status=OutageStatus.RESTORED, starts_at=start, ends_at=end, now=MORNING)
    assert outage_is_coming(status=OutageStatus.CANCELLED, starts_at=start, ends_at=end, now=MORNING)
    assert not outage_is_coming(status=OutageStatus.CANCELLED, starts_at=start, ends_at=end, now=start)
