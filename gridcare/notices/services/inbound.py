"""Inbound SMS from the gateway (NOTE-3): a reply TD or 退订 opts the phone out of reminders, the
same way as the portal's switch (``customers.preferences.contacts_opt_out``: every contact with
that phone, a history row on each of their accounts). Outage notices, payment confirmations and
the customer's own work orders keep coming (``rules.OPT_OUT_CATEGORIES``). A second TD, a phone
no contact has, or any other text changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from gridcare.core.exceptions import InvalidInput
from gridcare.customers.preferences import contacts_opt_out
from gridcare.customers.rules import normalise_phone
from gridcare.notices import rules


@dataclass(frozen=True)
class InboundResult:
    action: str  # "opted_out": contacts changed; "unchanged": TD from a phone already out or unknown; "ignored"
    contacts: int = 0


def inbound_sms_handle(*, phone: str, text: str) -> InboundResult:
    if not rules.is_unsubscribe(text):
        return InboundResult(action="ignored")
    try:
        number = normalise_phone(phone)
    except InvalidInput:
        return InboundResult(action="ignored")
    changed = contacts_opt_out(phone=number, source="sms")
    return InboundResult(action="opted_out" if changed else "unchanged", contacts=changed)
