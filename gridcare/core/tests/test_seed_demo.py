"""``seed_demo`` (and so ``make run`` on a new database) works on any date, and a second run
creates nothing: every table keeps its row count (defect 9)."""

from __future__ import annotations

from datetime import datetime
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from gridcare.core.timezone import SHANGHAI

# Rows a run may touch without creating anything of the demo's (sign-in bookkeeping).
NOT_DEMO = {"sessions.Session"}


def counts() -> dict[str, int]:
    return {
        m._meta.label: m._default_manager.count()
        for m in apps.get_models()
        if m._meta.label not in NOT_DEMO and m._meta.managed
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 28, 9, 30, tzinfo=SHANGHAI),  # replies fall due in 2027, not in the data
        # The dates are the same on either database: PostgreSQL's COPY path runs on the first.
        pytest.param(
            datetime(2027, 1, 2, 9, 30, tzinfo=SHANGHAI), marks=pytest.mark.one_database
        ),  # a Saturday of a year without a notice
        pytest.param(
            datetime(2030, 6, 15, 9, 30, tzinfo=SHANGHAI), marks=pytest.mark.one_database
        ),  # far beyond the holiday data
    ],
)
def test_seed_demo_works_on_any_date_and_a_second_run_creates_nothing(
    monkeypatch: pytest.MonkeyPatch, moment: datetime
) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)
    call_command("seed_demo", customers=40, orders=20, stdout=StringIO())
    first = counts()
    assert first["workorders.WorkOrder"] == 20
    assert first["customers.Customer"] == 40
    assert first["billing.Bill"] > 0
    call_command("seed_demo", customers=40, orders=20, stdout=StringIO())
    second = counts()
    assert {k: (first[k], second[k]) for k in first if first[k] != second[k]} == {}
