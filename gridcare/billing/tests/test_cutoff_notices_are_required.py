"""A cut-off notice is a required notice (the rules table: in writing 3-7 days before the
cut-off, again 30 minutes before): a customer who opted out of reminders still gets the cut-off
notice and the last warning (category 欠费停电通知, never opted out), while the reminders and
the reconnection message stay opt-out-able."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from gridcare.billing.models import DunningStep, DunningStepKind
from gridcare.billing.services.arrears import dunning_record, reconnection_done
from gridcare.billing.services.cutoffs import cutoff_schedule
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.testing import City
from gridcare.core.timezone import SHANGHAI
from gridcare.notices.models import Notice
from gridcare.notices.rules import OPT_OUT_CATEGORIES
from gridcare.notices.services.gateways import gateway_for
from gridcare.notices.services.sender import send_pending
from gridcare.org.access import scope_for


def _send(now: datetime) -> None:
    send_pending(channel="sms", gateway=gateway_for("sms"), now=now)


def _statuses() -> dict[str, tuple[str, str]]:
    return {n.template_code: (n.category, n.status) for n in Notice.objects.all()}


def test_an_opted_out_customer_gets_the_cutoff_notice_and_the_last_warning(
    town: City, monkeypatch: pytest.MonkeyPatch
) -> None:
    town.account.customer.contacts.update(opted_out=True)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 28, 9, 0, tzinfo=SHANGHAI))
    clerk = billing_clerk(town)
    bill = issued_bill(town.account, "2026-10", "300.00", date(2026, 11, 25))
    dunning_record(bill=bill, step=DunningStepKind.REMINDER, on=date(2026, 11, 26), actor=town.clerk)
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF_NOTICE, on=date(2026, 12, 27), actor=town.clerk)
    cutoff_schedule(
        scope=scope_for(clerk), actor=clerk, bill=bill, planned_at=datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)
    )
    assert "disconnection" not in OPT_OUT_CATEGORIES
    _send(datetime(2026, 12, 31, 9, 31, tzinfo=SHANGHAI))  # the warning is due from 09:30
    statuses = _statuses()
    assert statuses["cutoff_notice"] == ("disconnection", "sent")
    assert statuses["cutoff_warning"] == ("disconnection", "sent")
    assert statuses.get("arrears_reminder", ("arrears", "suppressed")) == ("arrears", "suppressed")

    # The reconnection message may stay opted out.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 12, 31, 11, 0, tzinfo=SHANGHAI))
    dunning_record(bill=bill, step=DunningStepKind.CUTOFF, on=date(2026, 12, 31), actor=clerk)
    paid_at = datetime(2026, 12, 31, 10, 30, tzinfo=SHANGHAI)
    data = PaymentIn("counter_cash", "C-REQ-1", town.account.account_no, Decimal("400.00"), paid_at)
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    step = DunningStep.objects.get(step="reconnect")
    reconnection_done(scope=scope_for(clerk), step=step, actor=clerk, at=datetime(2026, 12, 31, 15, 0, tzinfo=SHANGHAI))
    _send(datetime(2026, 12, 31, 15, 1, tzinfo=SHANGHAI))
    assert _statuses()["supply_reconnected"] == ("arrears", "suppressed")
