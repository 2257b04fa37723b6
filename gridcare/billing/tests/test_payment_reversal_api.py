"""POST /api/v1/payments/{id}/reversal: 201 the first time, 200 with the same reversal for the
same reference, 409 for another once reversed; afterwards the account's amount due (the due
endpoint, to the fen) is what it was before the payment. Refused posts change nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from gridcare.billing.models import PaymentReversal
from gridcare.billing.tests.helpers import billing_clerk, issued_bill
from gridcare.core.testing import City, api_client


def _post(client, path: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_reversal_answers_201_then_200_then_409_and_the_due_is_back(town: City) -> None:
    today = timezone.localdate()
    issued_bill(town.account, "2026-08", "400.00", today - timedelta(days=40))
    issued_bill(town.account, "2026-09", "200.00", today - timedelta(days=10))
    clerk = api_client(town.clerk)
    due_url = f"/api/v1/accounts/{town.account.account_no}/due"
    before = clerk.get(due_url).json()
    paid = _post(
        clerk,
        "/api/v1/payments",
        {
            "channel": "wechat",
            "channel_txn_id": "WX-API-1",
            "account_no": town.account.account_no,
            "amount": "700.00",
            "paid_at": timezone.now().isoformat(),
        },
    ).json()
    assert Decimal(paid["to_prepaid"]) > 0
    path = f"/api/v1/payments/{paid['id']}/reversal"
    refused = _post(clerk, path, {"reason": "counter_error", "reference": "E1"})
    assert refused.status_code == 403 and PaymentReversal.objects.count() == 0

    office = api_client(billing_clerk(town))
    bad = _post(office, path, {"reason": "nope", "reference": ""})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"reason", "reference"}
    first = _post(office, path, {"reason": "chargeback", "reference": "CB-9"})
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["amount"], body["from_prepaid"], body["created"]) == ("700.00", paid["to_prepaid"], True)
    again = _post(office, path, {"reason": "chargeback", "reference": "CB-9"})
    assert (again.status_code, again.json()["id"], again.json()["created"]) == (200, body["id"], False)
    other = _post(office, path, {"reason": "bank_return", "reference": "OTHER"})
    assert other.status_code == 409 and PaymentReversal.objects.count() == 1
    after = clerk.get(due_url).json()
    keys = ("principal", "penalty", "amount_due", "prepaid_balance")
    assert [after[k] for k in keys] == [before[k] for k in keys]
    assert Decimal(after["amount_due"]) == Decimal("600.00") + Decimal(before["penalty"])
    assert date.fromisoformat(after["as_of"]) == today


def test_a_payment_outside_the_scope_is_not_found(town: City) -> None:
    issued_bill(town.other_unit_account, "2026-09", "200.00", timezone.localdate())
    paid = _post(
        api_client(town.clerk),
        "/api/v1/payments",
        {
            "channel": "wechat",
            "channel_txn_id": "WX-U2",
            "account_no": town.other_unit_account.account_no,
            "amount": "50.00",
            "paid_at": timezone.now().isoformat(),
        },
    ).json()
    answer = _post(
        api_client(billing_clerk(town)),
        f"/api/v1/payments/{paid['id']}/reversal",
        {"reason": "chargeback", "reference": "X"},
    )
    assert answer.status_code == 404 and PaymentReversal.objects.count() == 0
