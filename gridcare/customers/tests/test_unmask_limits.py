"""Unmasking is limited per person per hour and per day; over a limit nothing is shown and the
refusal is audited (CUST-4, finding 4)."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from gridcare.core.testing import PHONE, City, api_client, make_account, signed_in
from gridcare.core.timezone import business_date, local_datetime
from gridcare.customers.models import UnmaskAudit
from gridcare.customers.tests.unmask_helpers import audit_counts, privacy, unmask_api, unmask_page

HOUR_MESSAGE = "您最近一小时查看完整信息已达上限（3次），本次未显示，请稍后再试。"
DAY_MESSAGE = "您今天查看完整信息已达每日上限（5次），本次未显示。如确有需要，请联系主管。"


def test_the_configured_limits_are_the_spec_defaults() -> None:
    import config.settings

    assert config.settings.GRIDCARE_PRIVACY == {
        "UNMASK_PER_HOUR": 20,
        "UNMASK_PER_DAY": 60,
        "UNMASK_BURST_COUNT": 10,
        "UNMASK_BURST_MINUTES": 5,
        "UNMASK_REASON_MIN_CHARS": 4,
        "UNMASK_OTHER_REASON_MIN_CHARS": 10,
    }


def _earlier(town: City, user_key: str, n: int, at: Any) -> None:
    """``n`` shown unmaskings by a persona at ``at`` (rows of an earlier hour)."""
    for _ in range(n):
        UnmaskAudit.objects.create(
            actor=town.users[user_key],
            post="counter_clerk",
            account=town.account,
            account_unit=town.unit,
            reason_code="caller_check",
            reason_text="客户来电核实身份",
            outcome="shown",
            created_at=at,
        )


@pytest.mark.django_db
def test_over_the_hourly_limit_the_api_answers_429_shows_nothing_and_audits_the_refusal(
    town: City, settings: Any
) -> None:
    privacy(settings, UNMASK_PER_HOUR=3, UNMASK_PER_DAY=100, UNMASK_BURST_COUNT=100)
    client = api_client(town.clerk)
    accounts = [town.account, town.other_unit_account, make_account(7, town.other_unit, None, "赵七")]
    for account in accounts:
        assert unmask_api(client, account.account_no).status_code == 200
    refused = unmask_api(client, town.account.account_no)
    assert refused.status_code == 429
    assert refused.json() == {"detail": HOUR_MESSAGE, "errors": {}}
    assert PHONE not in refused.content.decode()
    assert audit_counts() == (3, 1, 3, 0)
    audit = UnmaskAudit.objects.get(outcome="refused")
    assert (audit.actor, audit.account, audit.refusal) == (town.clerk, town.account, "hour")
    # A refusal does not count: still refused, one more refusal row.
    assert unmask_api(client, town.account.account_no).status_code == 429
    assert audit_counts() == (3, 2, 3, 0)


@pytest.mark.django_db
def test_the_hour_is_the_last_sixty_minutes(town: City, settings: Any) -> None:
    privacy(settings, UNMASK_PER_HOUR=3, UNMASK_PER_DAY=100, UNMASK_BURST_COUNT=100)
    now = timezone.now()
    _earlier(town, "clerk", 5, now - timedelta(minutes=61))
    _earlier(town, "clerk", 2, now - timedelta(minutes=30))
    client = api_client(town.clerk)
    assert unmask_api(client, town.account.account_no).status_code == 200
    assert unmask_api(client, town.account.account_no).status_code == 429


@pytest.mark.django_db
def test_over_the_daily_limit_the_page_says_so_in_chinese_and_shows_nothing(town: City, settings: Any) -> None:
    privacy(settings, UNMASK_PER_HOUR=100, UNMASK_PER_DAY=5, UNMASK_BURST_COUNT=100)
    day_start = local_datetime(business_date(), time(0))
    _earlier(town, "clerk", 3, day_start - timedelta(minutes=1))  # yesterday: not counted
    _earlier(town, "clerk", 4, day_start + timedelta(seconds=1))
    client = signed_in(town.clerk)
    assert unmask_page(client, town.account.account_no).status_code == 200
    refused = unmask_page(client, town.account.account_no)
    assert refused.status_code == 429
    body = refused.content.decode()
    assert DAY_MESSAGE in body
    assert PHONE not in body
    audit = UnmaskAudit.objects.get(outcome="refused")
    assert (audit.actor, audit.refusal, audit.reason_text) == (town.clerk, "day", "客户来电核实身份")


@pytest.mark.django_db
def test_the_limits_are_per_person(town: City, settings: Any) -> None:
    privacy(settings, UNMASK_PER_HOUR=2, UNMASK_PER_DAY=100, UNMASK_BURST_COUNT=100)
    _earlier(town, "clerk", 2, timezone.now() - timedelta(minutes=5))
    assert unmask_api(api_client(town.clerk), town.account.account_no).status_code == 429
    assert unmask_api(api_client(town.manager), town.account.account_no).status_code == 200


@pytest.mark.django_db
def test_fifty_accounts_in_a_row_stop_at_the_hourly_limit(town: City) -> None:
    """The review's finding: one clerk unmasked 50 accounts of three units at once."""
    accounts = [make_account(100 + i, (town.unit, town.other_unit)[i % 2], None, f"客户{i}") for i in range(50)]
    client = api_client(town.clerk)
    answers = [unmask_api(client, a.account_no).status_code for a in accounts]
    assert answers == [200] * 20 + [429] * 30
    assert audit_counts()[:3] == (20, 30, 20)
