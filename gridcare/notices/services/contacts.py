"""The contact-accuracy feedback loop (NOTE-3 → CUST-3).

Gateways and delivery receipts tell us which phone numbers work. A permanent refusal (invalid
number) marks the customer's contact failed at once; ordinary failed deliveries count up, and
after GRIDCARE_NOTICES["FAILURES_TO_FLAG"] in a row the contact is marked failed too. A delivered
message resets the count and the status. ``archive_check`` (gridcare.customers.quality) then puts
every failed contact on the archive-quality worklist, and the accuracy rate falls.

This writes the customers app's Contact rows directly, through these two functions only: it is
the one place where delivery results reach the archive.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import F

from gridcare.customers.models import Contact, ContactStatus
from gridcare.notices.conf import notice_setting


def contact_delivery_failed(*, phones: Collection[str], permanent: bool) -> int:
    """Count one failed delivery for each of ``phones``; returns how many contacts are now failed."""
    if not phones:
        return 0
    contacts = Contact.objects.filter(phone__in=list(phones))
    contacts.update(delivery_failures=F("delivery_failures") + 1)
    if not permanent:
        contacts = contacts.filter(delivery_failures__gte=int(notice_setting("FAILURES_TO_FLAG")))
    return contacts.exclude(status=ContactStatus.FAILED).update(status=ContactStatus.FAILED)


def contact_delivery_ok(*, phones: Collection[str]) -> int:
    """A message reached each of ``phones``: the number works."""
    if not phones:
        return 0
    return (
        Contact.objects.filter(phone__in=list(phones))
        .exclude(status=ContactStatus.VALID, delivery_failures=0)
        .update(status=ContactStatus.VALID, delivery_failures=0)
    )


def phones_opted_out(phones: Collection[str]) -> set[str]:
    """Which of ``phones`` belong to a contact that unsubscribed from reminders."""
    if not phones:
        return set()
    return set(Contact.objects.filter(phone__in=list(phones), opted_out=True).values_list("phone", flat=True))
