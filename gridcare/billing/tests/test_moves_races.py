"""Two closures of one account at once, for real on PostgreSQL: one closes it (one final bill,
one settlement, one refund), the other is refused."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gridcare.billing.exceptions import MoveRefused
from gridcare.billing.models import AccountMove, Bill, Payment, Refund
from gridcare.billing.services.moves import account_close
from gridcare.billing.tests.helpers import billable, billing_clerk
from gridcare.billing.tests.move_helpers import BANK, fixed_today, move_data, read_and_billed  # noqa: F401
from gridcare.billing.tests.test_moves_settlement import _prepaid
from gridcare.core.testing import City, run_together
from gridcare.org.access import scope_for

D = Decimal
pytestmark = pytest.mark.usefixtures("fixed_today")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_closures_at_once_close_once(town: City) -> None:
    account = billable(town.account)
    read_and_billed(account, "2026-10", date(2026, 10, 31), "500.00")
    _prepaid(account, "80.00")
    office = billing_clerk(town)
    scope = scope_for(office)

    def close(i: int) -> int:
        move, _created = account_close(
            scope=scope, actor=office, account=account, data=move_data(date(2026, 11, 17), "500.00", refund=BANK)
        )
        return move.pk

    results, errors = run_together(2, close)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], MoveRefused)
    assert AccountMove.objects.count() == 1
    assert Bill.objects.filter(account=account, period="2026-11").count() == 1
    assert Refund.objects.get().amount == D("80.00")
    assert Payment.objects.filter(channel__in=["deposit_offset", "prepaid_offset"]).count() == 0
    account.refresh_from_db()
    assert account.status == "closed"
