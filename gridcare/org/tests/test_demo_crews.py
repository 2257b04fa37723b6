"""The demo organisation has two or three repair crews in each supply unit (so `make run` offers
them when dispatching), created through the crew service with their history; seeding again adds
nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from gridcare.org import demo
from gridcare.org.access import scope_for
from gridcare.org.models import Crew, CrewEvent, SupplyUnit
from gridcare.org.selectors import crew_choices


@pytest.mark.django_db
def test_each_demo_unit_has_two_or_three_crews_once() -> None:
    demo.seed_org(password="x")
    demo.seed_org(password="x")
    counts = {u.code: u.crews.count() for u in SupplyUnit.objects.order_by("code")}
    assert counts == {"HZ-CA": 2, "HZ-SC": 3, "HZ-XS": 3}
    assert Crew.objects.filter(active=True).count() == CrewEvent.objects.filter(type="created").count() == 8
    assert CrewEvent.objects.count() == 8
    admin = User.objects.get(username="admin")
    assert set(CrewEvent.objects.values_list("actor", flat=True)) == {admin.pk}
    groups = crew_choices(scope_for(admin), unit="HZ-CA")
    assert groups == [
        (
            "淳安县供电公司（HZ-CA）",
            [
                ("HZ-CA/千岛湖供电所抢修班", "淳安县供电公司 · 千岛湖供电所抢修班"),
                ("HZ-CA/抢修一班", "淳安县供电公司 · 抢修一班"),
            ],
        )
    ]
