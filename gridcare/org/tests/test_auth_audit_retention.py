"""SEC-1: sign-in audit rows are kept at least 180 days; older ones are pruned."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.core.checks import run_checks
from django.core.management import call_command
from django.utils import timezone
from pytest_django import Settings

from gridcare.org.models import AuthEvent
from gridcare.org.services import auth_audit_prune


def rows(age_days: float) -> None:
    at = timezone.now() - timedelta(days=age_days)
    for model in (AccessLog, AccessFailureLog):
        row = model.objects.create(
            username="clerk", ip_address="10.1.1.1", user_agent="", http_accept="", path_info="/login/"
        )
        model.objects.filter(pk=row.pk).update(attempt_time=at)
    AuthEvent.objects.create(type=AuthEvent.Type.ACCOUNT_LOCKED, username="clerk", created_at=at)


@pytest.mark.django_db
def test_rows_younger_than_180_days_stay_and_older_ones_go() -> None:
    rows(179.9)
    rows(180.1)
    assert auth_audit_prune() == {"sign_ins": 1, "failures": 1, "events": 1}
    assert (AccessLog.objects.count(), AccessFailureLog.objects.count(), AuthEvent.objects.count()) == (1, 1, 1)
    out = StringIO()
    call_command("prune_auth_audit", stdout=out)
    assert out.getvalue() == "sign_ins: 0, failures: 0, events: 0\n"
    assert AuthEvent.objects.count() == 1


@pytest.mark.django_db
def test_a_longer_retention_keeps_more(settings: Settings) -> None:
    settings.GRIDCARE_AUTH = {**settings.GRIDCARE_AUTH, "AUDIT_KEEP_DAYS": 365}
    rows(200)
    assert auth_audit_prune() == {"sign_ins": 0, "failures": 0, "events": 0}


@pytest.mark.django_db
def test_a_retention_under_180_days_is_a_start_up_error_and_is_not_applied(settings: Settings) -> None:
    settings.GRIDCARE_AUTH = {**settings.GRIDCARE_AUTH, "AUDIT_KEEP_DAYS": 30}
    assert [e.id for e in run_checks() if e.id and e.id.startswith("gridcare.E1")] == ["gridcare.E101"]
    rows(100)
    assert auth_audit_prune() == {"sign_ins": 0, "failures": 0, "events": 0}
