from __future__ import annotations

import pytest

from gridcare.core.testing import City
from gridcare.customers.models import ArchiveIssue, Contact
from gridcare.customers.quality import archive_check
from gridcare.notices.testing import LocalSmsGateway
from gridcare.notices.tests.conftest import MORNING
from gridcare.notices.tests.helpers import queue, send


def test_an_invalid_number_fails_the_message_at_once_and_marks_the_contact_failed(
    town: City, gateway: LocalSmsGateway
) -> None:
    gateway.state.invalid_numbers.add("13812345678")
    notice = queue(phone="13812345678")
    other = queue(phone="13900001111")
    result = send(MORNING)
    notice.refresh_from_db()
    other.refresh_from_db()
    assert (result.sent, result.failed, result.retried) == (1, 1, 0)
    assert (notice.status, notice.attempts) == ("failed", 1)
    assert notice.last_error == "HTTP 200 INVALID_NUMBER 号码无效"
    contact = Contact.objects.get(phone="13812345678")
    assert (contact.status, contact.delivery_failures) == ("failed", 1)
    assert Contact.objects.get(phone="13900001111").status == "valid"
    assert send(MORNING).claimed == 0


def test_the_failed_phone_lands_on_the_archive_quality_worklist(town: City, gateway: LocalSmsGateway) -> None:
    gateway.state.invalid_numbers.add("13812345678")
    queue(phone="13812345678")
    send(MORNING)
    archive_check()
    assert list(ArchiveIssue.objects.filter(kind="failed_phone").values_list("account__account_no", flat=True)) == [
        town.account.account_no
    ]


@pytest.mark.django_db
def test_a_refused_number_without_a_contact_in_the_archive_changes_no_contact(gateway: LocalSmsGateway) -> None:
    gateway.state.invalid_numbers.add("13000000000")
    queue(phone="13000000000")
    assert send(MORNING).failed == 1
    assert Contact.objects.count() == 0
