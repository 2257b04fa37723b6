"""Reads of corrections (issue 19): the approvals waiting, an account's notes, the batches."""

from __future__ import annotations

from django.db.models import QuerySet

from gridcare.billing.access import correction_filter
from gridcare.billing.models import (
    Adjustment,
    AdjustmentStatus,
    BillCorrection,
    CorrectionStatus,
    RebillBatch,
)
from gridcare.customers.models import Account
from gridcare.org.access import Capability, Scope, can


def pending_corrections(*, scope: Scope) -> QuerySet[BillCorrection]:
    return (
        BillCorrection.objects.filter(correction_filter(scope), status=CorrectionStatus.PENDING)
        .select_related("bill__account__customer", "requested_by")
        .order_by("requested_at", "id")
    )


def pending_adjustments(*, scope: Scope) -> QuerySet[Adjustment]:
    return (
        Adjustment.objects.filter(correction_filter(scope, "account__supply_unit"), status=AdjustmentStatus.PENDING)
        .select_related("account__customer", "requested_by")
        .order_by("requested_at", "id")
    )


def account_adjustments(*, account: Account) -> QuerySet[Adjustment]:
    return account.adjustments.select_related("requested_by", "decided_by", "bill").order_by("-requested_at", "-id")


def account_corrections(*, account: Account) -> QuerySet[BillCorrection]:
    return (
        BillCorrection.objects.filter(bill__account=account)
        .select_related("bill", "new_bill", "requested_by")
        .order_by("-requested_at", "-id")
    )


def rebill_batches(*, scope: Scope) -> QuerySet[RebillBatch]:
    if not can(scope, Capability.BILL_REBILL_BATCH):
        return RebillBatch.objects.none()
    return RebillBatch.objects.select_related("started_by").order_by("-started_at", "-id")
