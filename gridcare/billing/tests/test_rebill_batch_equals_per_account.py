"""The batch re-bill after a tariff correction gives, to the fen, the bills the per-account path
gives (the engine's prices equal the rules'; bills with money on them move it the same way)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F

from gridcare.billing.models import Bill, BillStatus, RebillBatch, Tariff
from gridcare.billing.services import rebill
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.services.payments import PaymentIn, payment_post
from gridcare.billing.services.rebill_batch import rebill_batch_start, rebill_per_account
from gridcare.billing.tests.helpers import mixed_accounts, tariffs
from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City
from gridcare.org.access import scope_for

D = Decimal


class _Undo(Exception):
    pass


def _new_bills() -> list[tuple[object, ...]]:
    fields = ("account_id", "kwh", "prior_kwh", "energy_charge", "basic_charge", "pf_adjustment", "amount", "paid")
    return list(
        Bill.objects.exclude(status=BillStatus.CANCELLED)
        .filter(period="2026-10", replaces__isnull=False)
        .order_by("account_id")
        .values_list(*fields, "penalty_paid", "status", "due_date", "tariff_id", "run_id")
    )


def test_the_batch_and_the_per_account_path_give_identical_bills(town: City, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rebill, "business_date", lambda: date(2026, 12, 7))
    from gridcare.billing.services import rebill_batch

    monkeypatch.setattr(rebill_batch, "business_date", lambda: date(2026, 12, 7))
    tariffs()
    accounts = mixed_accounts(town, 16)
    bill_run_start(period="2026-10", chunk_size=5)
    commercial = [a for a in accounts if a.tariff_code == "COM-TOU"]
    paying = Bill.objects.get(account=commercial[0], period="2026-10")
    data = PaymentIn("wechat", "W9", paying.account.account_no, D("50.00"), datetime(2026, 12, 1, 2, tzinfo=UTC))
    payment_post(scope=scope_for(town.clerk), actor=town.clerk, data=data)
    Tariff.objects.filter(code="COM-TOU").update(price=F("price") - D("0.0125"), peak_price=F("peak_price") - D("0.02"))

    try:
        with transaction.atomic():
            batch = rebill_batch_start(
                scope=scope_for(town.admin),
                actor=town.admin,
                period="2026-10",
                tariff_code="COM-TOU",
                reason="平段电价录入错误",
                chunk_size=2,
            )
            by_batch = _new_bills()
            raise _Undo
    except _Undo:
        pass
    assert (batch.status, batch.total) == ("finished", len(commercial))
    assert batch.rebilled + batch.unchanged == len(commercial)
    assert batch.rebilled >= 3
    done = rebill_per_account(period="2026-10", tariff_code="COM-TOU", actor=town.admin)
    assert done == batch.rebilled
    assert _new_bills() == by_batch
    # The paying account's 50.00 moved to its new bill in both.
    assert next(b for b in by_batch if b[0] == commercial[0].pk)[7] == D("50.00")


def test_only_an_administrator_starts_a_batch(town: City) -> None:
    with pytest.raises(Forbidden):
        rebill_batch_start(
            scope=scope_for(town.supervisor), actor=town.supervisor, period="2026-10", tariff_code="COM-TOU", reason="x"
        )
    assert RebillBatch.objects.count() == 0
