"""A burst of unmaskings by one person alerts their unit's supervisors: one alert per burst, on the
audit page and as a badge on its home tile (CUST-4, finding 4)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from gridcare.core.testing import City, api_client, make_account, signed_in
from gridcare.customers.models import Account, UnmaskAlert, UnmaskAudit
from gridcare.customers.tests.unmask_helpers import privacy, unmask_api

BADGE = '<span class="badge closed" title="频繁查看提醒（待处理）">1</span>'


@pytest.fixture
def burst(settings: Any) -> None:
    privacy(settings, UNMASK_PER_HOUR=100, UNMASK_PER_DAY=100, UNMASK_BURST_COUNT=3, UNMASK_BURST_MINUTES=5)


def _times(town: City, persona: str, n: int) -> None:
    client = api_client(town.users[persona])
    for i in range(n):
        account = make_account(1000 + Account.objects.count(), town.other_unit, None, f"客户{i}")
        assert unmask_api(client, account.account_no).status_code == 200


def _age(minutes: int) -> None:
    """Every unmasking and alert so far, ``minutes`` earlier (a quiet gap after them)."""
    for audit in UnmaskAudit.objects.all():
        UnmaskAudit.objects.filter(pk=audit.pk).update(created_at=audit.created_at - timedelta(minutes=minutes))
    for alert in UnmaskAlert.objects.all():
        UnmaskAlert.objects.filter(pk=alert.pk).update(
            first_at=alert.first_at - timedelta(minutes=minutes), last_at=alert.last_at - timedelta(minutes=minutes)
        )


@pytest.mark.django_db
def test_below_the_burst_count_there_is_no_alert(town: City, burst: None) -> None:
    _times(town, "clerk", 2)
    assert not UnmaskAlert.objects.exists()


@pytest.mark.django_db
def test_a_burst_makes_exactly_one_alert_for_the_persons_unit(town: City, burst: None) -> None:
    _times(town, "clerk", 6)
    alert = UnmaskAlert.objects.get()
    assert (alert.actor, alert.unit, alert.count, alert.acknowledged_at) == (town.clerk, town.unit, 6, None)
    first, last = UnmaskAudit.objects.order_by("created_at").first(), UnmaskAudit.objects.order_by("created_at").last()
    assert first is not None and last is not None
    assert (alert.first_at, alert.last_at) == (first.created_at, last.created_at)


@pytest.mark.django_db
def test_a_new_burst_after_a_quiet_gap_is_a_second_alert(town: City, burst: None) -> None:
    _times(town, "clerk", 3)
    _age(10)
    _times(town, "clerk", 2)
    assert UnmaskAlert.objects.count() == 1
    _times(town, "clerk", 1)
    assert list(UnmaskAlert.objects.order_by("id").values_list("count", flat=True)) == [3, 3]


@pytest.mark.django_db
def test_a_company_wide_agents_burst_goes_to_the_unit_of_the_accounts(town: City, burst: None) -> None:
    _times(town, "agent", 3)
    assert UnmaskAlert.objects.get().unit == town.other_unit


@pytest.mark.django_db
def test_the_units_supervisor_sees_the_alert_and_a_badge_other_units_do_not(town: City, burst: None) -> None:
    _times(town, "clerk", 3)
    home = signed_in(town.supervisor).get("/").content.decode()
    assert "查看完整信息审计" in home and BADGE in home
    audit_page = signed_in(town.supervisor).get("/customers/unmask-audit/").content.decode()
    assert "频繁查看提醒" in audit_page and "已核实处理" in audit_page
    other_home = signed_in(town.other_supervisor).get("/").content.decode()
    assert "查看完整信息审计" in other_home and "频繁查看提醒（待处理）" not in other_home
    assert "已核实处理" not in signed_in(town.other_supervisor).get("/customers/unmask-audit/").content.decode()
    assert BADGE in signed_in(town.admin).get("/").content.decode()


@pytest.mark.django_db
def test_acknowledging_takes_the_badge_away_and_only_the_units_supervisor_may(town: City, burst: None) -> None:
    _times(town, "clerk", 3)
    alert = UnmaskAlert.objects.get()
    url = f"/customers/unmask-audit/alerts/{alert.pk}/ack/"
    assert signed_in(town.other_supervisor).post(url).status_code == 404
    assert signed_in(town.clerk).post(url).status_code == 403  # a post that reads no audit
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    response = signed_in(town.supervisor).post(url)
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == town.supervisor and alert.acknowledged_at is not None
    assert "频繁查看提醒（待处理）" not in signed_in(town.supervisor).get("/").content.decode()
    again = signed_in(town.supervisor).post(url, follow=True)
    assert "这条提醒已处理。" in again.content.decode()
