"""The contact-accuracy feedback loop (NOTE-3 → CUST-3).

Gateways and delivery receipts tell us which phone numbers work. A permanent refusal (invalid
number) marks the customer's contact failed at once; ordinary failed deliveries count up, and
after GRIDCARE_NOTICES["FAILURES_TO_FLAG"] in a row the contact is marked failed too. A delivered
message resets the count and the status. ``archive_check`` (gridcare.customers.quality) then puts
every failed contact on the archive-quality worklist, and the accuracy rate falls.

The archive is the customers app's: its services write the contacts and their history rows;
this module only hands them the delivery results, with the notices app's threshold.
"""

from __future__ import annotations

from collections.abc import Collection

from gridcare.customers.services import contacts_delivery_failed, contacts_delivery_ok
from gridcare.notices.conf import notice_setting


def contact_delivery_failed(*, phones: Collection[str], permanent: bool) -> int:
    """Count one failed delivery for each of ``phones``; returns how many contacts became failed."""
    failures = int(notice_setting("FAILURES_TO_FLAG"))
    return contacts_delivery_failed(phones=phones, permanent=permanent, failures_to_flag=failures)


def contact_delivery_ok(*, phones: Collection[str]) -> int:
    """A message reached each of ``phones``: the number works."""
    return contacts_delivery_ok(phones=phones)
