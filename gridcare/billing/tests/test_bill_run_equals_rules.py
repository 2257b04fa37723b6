from decimal import Decimal

from gridcare.billing.models import Bill, Reading
from gridcare.billing.rules.compute import Usage, bill_charges
from gridcare.billing.services.bill_run import bill_run_start
from gridcare.billing.tests.helpers import mixed_accounts, tariffs
from gridcare.core.testing import City


def _expected(bill: Bill, prior: Decimal) -> Decimal:
    r = Reading.objects.get(account=bill.account, period=bill.period)
    usage = Usage(
        kwh=r.kwh, peak=r.kwh_peak, flat=r.kwh_flat, valley=r.kwh_valley, kvarh=r.kvarh, max_demand_kw=r.max_demand_kw
    )
    return bill_charges(
        tariff=bill.tariff, usage=usage, prior_kwh=prior, capacity_kva=bill.account.contract_capacity_kva
    ).total


def test_every_bill_of_a_run_equals_the_rules_functions_for_its_account(town: City) -> None:
    tariffs()
    accounts = mixed_accounts(town, 200)
    bill_run_start(period="2026-09", chunk_size=37)
    bill_run_start(period="2026-10", chunk_size=53)
    bills = Bill.objects.filter(account__in=accounts).select_related("tariff", "account")
    assert bills.count() == 400
    for bill in bills:
        prior = Decimal(0)
        if bill.period == "2026-10":
            prior = Bill.objects.get(account=bill.account, period="2026-09").kwh
        assert bill.prior_kwh == prior
        assert bill.amount == _expected(bill, prior), (bill.account.customer_class, bill.period)
        assert bill.amount == bill.energy_charge + bill.basic_charge + bill.pf_adjustment
