from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from gridcare.core.testing import signed_in
from gridcare.customers.demo import _generate_batch, _load_grid, seed_worklist
from gridcare.customers.models import Account, ArchiveIssue, Contact, Customer, Meter, TransformerArea
from gridcare.customers.quality import archive_check
from gridcare.customers.rules import is_valid_id_number, is_valid_phone
from gridcare.org.demo import demo_users
from gridcare.org.models import Company, Counter, Hall, Role, Staff, SupplyUnit


def _census() -> tuple[int, ...]:
    return (
        Company.objects.count(),
        SupplyUnit.objects.count(),
        Hall.objects.count(),
        Counter.objects.count(),
        Staff.objects.count(),
        TransformerArea.objects.count(),
        Customer.objects.count(),
        Account.objects.count(),
        Contact.objects.count(),
        Meter.objects.count(),
    )


@pytest.mark.django_db
def test_the_demo_city_is_built_once_and_a_second_run_adds_nothing() -> None:
    call_command("seed_demo", "--customers", "300", "--seed", "7", stdout=io.StringIO())
    first = _census()
    assert first[:6] == (1, 3, 4, 18, len(demo_users()), 120)
    assert first[6:8] == (300, 300)
    assert first[9] == 300
    names = list(Account.objects.order_by("account_no").values_list("account_no", "customer__name")[:3])
    call_command("seed_demo", "--customers", "300", "--seed", "7", stdout=io.StringIO())
    assert _census() == first
    assert list(Account.objects.order_by("account_no").values_list("account_no", "customer__name")[:3]) == names


@pytest.mark.django_db
def test_growing_the_city_gives_the_same_accounts_as_building_it_at_once() -> None:
    call_command("seed_demo", "--customers", "120", "--seed", "3", stdout=io.StringIO())
    call_command("seed_demo", "--customers", "250", "--seed", "3", stdout=io.StringIO())
    grown = list(Account.objects.order_by("account_no").values_list("account_no", "customer__name", "address"))
    at_once = [(r.account_no, r.name, r.address) for r in _generate_batch(3, 0, _load_grid())[:250]]
    assert len(grown) == 250
    assert grown == at_once


@pytest.mark.django_db
def test_demo_records_are_realistic_and_mostly_clean() -> None:
    call_command("seed_demo", "--customers", "1000", stdout=io.StringIO())
    residential = Account.objects.filter(customer_class="residential")
    share = residential.count() / 1000
    assert 0.84 < share < 0.92
    ids = list(residential.values_list("customer__id_number", flat=True))
    valid_ids = sum(is_valid_id_number(i) for i in ids) / len(ids)
    assert 0.97 < valid_ids < 1.0  # about 1% legacy errors for the worklist
    phones = list(Contact.objects.values_list("phone", flat=True))
    assert 0.97 < sum(is_valid_phone(p) for p in phones) / len(phones) < 1.0
    assert Staff.objects.filter(role=Role.COUNTER_CLERK).count() == 18
    assert Staff.objects.get(user__username="h01.c3").hall.code == "H01"
    # new accounts opened at a counter continue after the demo's serials
    from gridcare.customers.services import account_serials_reserve

    assert account_serials_reserve(1) == 1001


@pytest.mark.django_db
def test_the_first_run_fills_the_archive_quality_worklist() -> None:
    call_command("seed_demo", "--customers", "1000", "--orders", "0", stdout=io.StringIO())
    open_issues = ArchiveIssue.objects.filter(resolved_at__isnull=True)
    kinds = set(open_issues.values_list("kind", flat=True))
    assert {ArchiveIssue.Kind.INVALID_ID, ArchiveIssue.Kind.MISSING_PHONE, ArchiveIssue.Kind.INVALID_PHONE} <= kinds
    # exactly what the nightly check finds: running it now opens and resolves nothing
    count = open_issues.count()
    assert count > 0
    result = archive_check()
    assert (result.opened, result.resolved) == (0, 0)
    assert seed_worklist() == 0
    page = signed_in(User.objects.get(username="sc.supervisor")).get("/customers/worklist/")
    assert page.status_code == 200
    assert str(ArchiveIssue.Kind.INVALID_ID.label) in page.content.decode()
