"""A hall's maintenance tasks page with their total instead of stopping at 50."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import Settings

from gridcare.core.testing import City, signed_in
from gridcare.halls.models import MaintenanceTask, Terminal


@pytest.mark.django_db
def test_the_maintenance_tasks_page_with_their_total(hall_town: City, settings: Settings) -> None:
    settings.GRIDCARE_PAGE_SIZE = 2
    terminal = Terminal.objects.get(code="H1-T1")
    start = timezone.now()
    tasks = [
        MaintenanceTask.objects.create(
            terminal=terminal, description=f"故障{n}", created_at=start + timedelta(minutes=n)
        )
        for n in range(3)
    ]
    client = signed_in(hall_town.manager)
    first = client.get("/halls/H1/terminals/")
    assert "共 3 条 · 第 1/2 页" in first.content.decode()
    assert [t.pk for t in first.context["tasks"]] == [tasks[2].pk, tasks[1].pk]
    assert [t.pk for t in client.get("/halls/H1/terminals/?page=2").context["tasks"]] == [tasks[0].pk]
