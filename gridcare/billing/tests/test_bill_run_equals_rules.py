from gridcare.billing.tests.helpers import bills_of_two_runs, by_the_rules
from gridcare.core.testing import City


def test_every_bill_of_a_run_equals_the_rules_functions_for_its_account(town: City) -> None:
    bills = bills_of_two_runs(town, 200, chunk_sizes=(37, 53))
    assert len(bills) == 400
    for bill in bills:
        prior, expected = by_the_rules(bill)
        assert bill.prior_kwh == prior
        assert bill.amount == expected, (bill.account.customer_class, bill.period)
        assert bill.amount == bill.energy_charge + bill.basic_charge + bill.pf_adjustment
