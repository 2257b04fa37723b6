"""The demo seeding makes orders across types and states, and running it again adds nothing."""

from __future__ import annotations

from gridcare.core.testing import City
from gridcare.workorders.demo import seed_workorders
from gridcare.workorders.models import WorkOrder


def test_demo_orders_are_seeded_once(town: City) -> None:
    assert seed_workorders(count=40, seed=3) == 40
    assert seed_workorders(count=40, seed=3) == 0
    assert WorkOrder.objects.count() == 40
    assert WorkOrder.objects.values("type").distinct().count() >= 5
    assert WorkOrder.objects.values("status").distinct().count() >= 3
