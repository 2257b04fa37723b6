"""The demo's key accounts: assignments, profiles, visits (one recorded with needs), a plan per
大客户经理, through the services; a second run adds nothing."""

from __future__ import annotations

import pytest

from gridcare.customers.demo import seed_customers
from gridcare.halls.demo import seed_halls
from gridcare.keyaccounts.demo import seed_key_accounts
from gridcare.keyaccounts.models import Assignment, EmergencyPlan, Visit, VisitNeed
from gridcare.org.demo import seed_org

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_key_accounts_once() -> None:
    seed_org(password="Demo-password-1")
    seed_halls()
    seed_customers(count=400, seed=7)
    said = seed_key_accounts()
    assert Assignment.objects.exists()
    recorded = Visit.objects.filter(status="done").count()
    assert recorded >= 1 and EmergencyPlan.objects.count() == recorded
    assert VisitNeed.objects.count() == 2 * recorded
    assert said.startswith("大客户服务演示数据")
    counts = (Assignment.objects.count(), Visit.objects.count(), EmergencyPlan.objects.count())
    seed_key_accounts()
    assert (Assignment.objects.count(), Visit.objects.count(), EmergencyPlan.objects.count()) == counts
