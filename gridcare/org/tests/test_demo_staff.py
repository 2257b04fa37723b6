from __future__ import annotations

import pytest

from gridcare.org import demo
from gridcare.org.models import Staff


@pytest.mark.django_db
def test_a_post_added_to_the_demo_later_joins_an_existing_city(monkeypatch: pytest.MonkeyPatch) -> None:
    everyone = demo.demo_users()
    monkeypatch.setattr(demo, "demo_users", lambda: [p for p in everyone if not p.username.endswith(".billing")])
    demo.seed_org(password="x")
    before = Staff.objects.count()
    monkeypatch.setattr(demo, "demo_users", lambda: everyone)
    demo.seed_org(password="x")
    assert Staff.objects.count() == before + 3
    assert Staff.objects.get(user__username="xs.billing").employee_no == "D-xs.billing"
    demo.seed_org(password="x")
    assert Staff.objects.count() == len(everyone)
