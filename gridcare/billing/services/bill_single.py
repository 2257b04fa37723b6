"""One account's bill through the ORM, account by account: the straightforward implementation
the batch run is measured against (benchmarks/bill_run.py), and a way to bill one late account."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcare.billing.models import Bill, BillRun, BillStatus, Reading, ReadingStatus, Tariff
from gridcare.billing.rules.bill_dates import due_date_of
from gridcare.billing.rules.compute import Usage, bill_charges, usage_of
from gridcare.billing.rules.estimates import true_up_charges
from gridcare.billing.rules.moves import less_final_billed
from gridcare.billing.services.adjustments import (
    TrueUpCredit,
    adjustments_carried,
    adjustments_for_chunk,
    true_up_credits_record,
)
from gridcare.billing.services.estimates import true_up_bases
from gridcare.core.money import money_total, to_fen
from gridcare.customers.models import Account
from gridcare.notices.services import notice_enqueue


def _final_billed_off(account: Account, period: str, reading: Reading) -> Usage:
    """The reading's usage less the kWh a transfer's or closure's final bill (segment > 0) of the
    period already billed: the bill run's rule (``rules.moves.less_final_billed``)."""
    usage = usage_of(reading)
    before = money_total(
        Bill.objects.filter(account=account, period=period, segment__gt=0).exclude(status=BillStatus.CANCELLED), "kwh"
    )
    if before <= 0:
        return usage
    centi = np.array([to_fen(usage.kwh), to_fen(usage.flat)], dtype=np.int64)
    kwh, flat = (Decimal(int(v)) / 100 for v in less_final_billed(centi, np.full(2, to_fen(before), dtype=np.int64)))
    return replace(usage, kwh=kwh, flat=flat)


def bill_issue_one(*, account: Account, period: str, run: BillRun, tariffs: dict[str, Tariff]) -> Bill | None:
    reading = Reading.objects.filter(account=account, period=period, status=ReadingStatus.VALID).first()
    tariff = tariffs.get(account.tariff_code)
    if reading is None or tariff is None:
        return None
    earlier = Bill.objects.filter(account=account, period__gte=period[:4] + "-01", period__lt=period)
    prior = money_total(earlier.exclude(status=BillStatus.CANCELLED), "kwh")
    usage = _final_billed_off(account, period, reading)
    credit = Decimal(0)
    basis = true_up_bases(period=period, account_ids=[account.pk]).get(account.pk)
    if basis is not None:  # after estimated readings (估抄): the same rule as the bill run
        up = true_up_charges(
            tariff=tariff,
            usage=basis.actual_usage(usage, basis.true_up_kwh),
            basis=basis,
            capacity_kva=account.contract_capacity_kva,
            customer_class=account.customer_class,
        )
        charges, credit = up.charges, up.credit
    else:
        charges = bill_charges(
            tariff=tariff,
            usage=usage,
            prior_kwh=prior,
            capacity_kva=account.contract_capacity_kva,
            customer_class=account.customer_class,
        )
    with transaction.atomic():
        # The account's credit and debit notes waiting for this bill (issue 19), as a line.
        notes, carried = adjustments_for_chunk(
            np.array([account.pk], dtype=np.int64), np.array([to_fen(charges.total)])
        )
        adjustment = Decimal(int(notes[0])) / 100
        bill = Bill.objects.create(
            account=account,
            period=period,
            run=run,
            tariff=tariff,
            kwh=usage.kwh,
            kwh_peak=usage.peak,
            kwh_flat=usage.flat,
            kwh_valley=usage.valley,
            prior_kwh=prior,
            energy_charge=charges.energy,
            basic_charge=charges.basic,
            pf_adjustment=charges.adjustment,
            adjustment=adjustment,
            amount=charges.total + adjustment,
            status=BillStatus.ISSUED if charges.total + adjustment > 0 else BillStatus.PAID,
            issued_at=timezone.now(),
            due_date=due_date_of(period),
        )
        adjustments_carried(carried, [bill.pk], period)
        # An over-estimate's credit (估抄多计退补), with its bill: for the account's next bill.
        true_up_credits_record([TrueUpCredit(account_id=account.pk, bill_id=bill.pk, amount=credit)], period)
        phone = account.customer.contacts.filter(is_primary=True).values_list("phone", flat=True).first()
        if phone and bill.amount > 0:
            notice_enqueue(
                template_code="bill_issued",
                variables={
                    "account_no": account.account_no,
                    "period": _("%(p)s（估抄）") % {"p": period} if reading.estimated else period,
                    "amount": bill.amount,
                    "due_date": bill.due_date.isoformat(),
                },
                recipient=phone,
                account_id=account.pk,
                dedupe_key=f"bill_issued:{bill.pk}",
            )
    return bill
