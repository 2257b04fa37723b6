"""Delivery results reach the archive through the customers services: a contact marked failed,
or working again, is a contact_changed row in its customer's account history."""

from __future__ import annotations

from gridcare.core.testing import City
from gridcare.customers.models import AccountEvent, Contact
from gridcare.customers.services import contacts_delivery_failed, contacts_delivery_ok

PHONE = "13812345678"


def events(town: City) -> list[dict[str, object]]:
    rows = AccountEvent.objects.filter(account=town.account, type="contact_changed").order_by("id")
    return [e.parameters for e in rows]


def test_a_permanent_refusal_marks_the_contact_failed_with_a_history_row(town: City) -> None:
    assert contacts_delivery_failed(phones={PHONE}, permanent=True, failures_to_flag=3) == 1
    contact = Contact.objects.get(phone=PHONE)
    assert (contact.status, contact.delivery_failures) == ("failed", 1)
    assert events(town) == [{"phone": "138****5678", "old": "valid", "new": "failed", "source": "delivery"}]
    assert AccountEvent.objects.get(type="contact_changed").actor is None
    assert contacts_delivery_failed(phones={PHONE}, permanent=True, failures_to_flag=3) == 0
    assert len(events(town)) == 1  # already failed: counted, no second row


def test_ordinary_failures_count_up_to_the_threshold_then_a_delivery_clears_them(town: City) -> None:
    for _ in range(2):
        assert contacts_delivery_failed(phones={PHONE}, permanent=False, failures_to_flag=3) == 0
    assert events(town) == []
    assert contacts_delivery_failed(phones={PHONE}, permanent=False, failures_to_flag=3) == 1
    assert contacts_delivery_ok(phones={PHONE}) == 1
    contact = Contact.objects.get(phone=PHONE)
    assert (contact.status, contact.delivery_failures) == ("valid", 0)
    assert [(e["old"], e["new"]) for e in events(town)] == [("valid", "failed"), ("failed", "valid")]
    assert contacts_delivery_ok(phones={PHONE}) == 0
    assert len(events(town)) == 2


def test_a_count_cleared_without_a_status_change_writes_no_row(town: City) -> None:
    contacts_delivery_failed(phones={PHONE}, permanent=False, failures_to_flag=3)
    assert contacts_delivery_ok(phones={PHONE}) == 1
    assert Contact.objects.get(phone=PHONE).delivery_failures == 0
    assert events(town) == []
