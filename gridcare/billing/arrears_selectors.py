"""Reads of the arrears pages and API (issue 19): instalment plans and protected customers in the
caller's reach. Never imports services."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet

from gridcare.billing.access import plan_filter, protected_filter
from gridcare.billing.models import Bill, DunningStep, DunningStepKind, InstalmentPlan, PlanStatus, ProtectedAccount
from gridcare.billing.rules.bill_status import OPEN
from gridcare.org.access import Scope


def plans(*, scope: Scope, status: str) -> QuerySet[InstalmentPlan]:
    return (
        InstalmentPlan.objects.filter(plan_filter(scope), status=status)
        .select_related("account", "requested_by", "decided_by")
        .order_by("-requested_at", "-id")
    )


def plan_counts(*, scope: Scope) -> dict[str, int]:
    found = dict(
        InstalmentPlan.objects.filter(plan_filter(scope))
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {s: int(found.get(s, 0)) for s in PlanStatus.values}


def protections(*, scope: Scope, query: str = "") -> QuerySet[ProtectedAccount]:
    """Active protections in reach, the review date first; ``query`` a 户号 (prefix)."""
    rows = ProtectedAccount.objects.filter(protected_filter(scope), ended_at__isnull=True)
    if query:
        rows = rows.filter(account__account_no__startswith=query)
    return rows.select_related("account__customer", "recorded_by").order_by("review_on", "id")


@dataclass(frozen=True)
class CutoffRow:
    protection: ProtectedAccount
    bills: list[Bill]  # open bills with a cut-off notice and no cut-off yet


def with_cutoff_bills(rows: Sequence[ProtectedAccount]) -> list[CutoffRow]:
    """Each protection with its bills waiting for a cut-off (one query for the page)."""
    waiting = (
        Bill.objects.filter(account_id__in=[r.account_id for r in rows], status__in=OPEN)
        .filter(
            Exists(
                DunningStep.objects.filter(
                    bill=OuterRef("pk"), step=DunningStepKind.CUTOFF_NOTICE, superseded_on__isnull=True
                )
            )
        )
        .exclude(dunning_steps__step=DunningStepKind.CUTOFF)
        .select_related("cutoff_approval__approved_by")
        .order_by("period")
    )
    by_account: dict[int, list[Bill]] = {}
    for bill in waiting:
        by_account.setdefault(bill.account_id, []).append(bill)
    return [CutoffRow(r, by_account.get(r.account_id, [])) for r in rows]
