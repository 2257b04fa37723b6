from gridcare.billing.demo import seed_billing
from gridcare.billing.models import Bill, Payment, Reading
from gridcare.core.testing import City
from gridcare.notices.models import Notice


def test_the_billing_demo_is_idempotent(town: City) -> None:
    for account in (town.account, town.other_unit_account):
        account.tariff_code = "RES-TIER"
        account.save(update_fields=["tariff_code"])
    first = seed_billing(payers=2)
    counts = (Reading.objects.count(), Bill.objects.count(), Payment.objects.count(), Notice.objects.count())
    seed_billing(payers=2)
    assert (Reading.objects.count(), Bill.objects.count(), Payment.objects.count(), Notice.objects.count()) == counts
    assert Bill.objects.count() == 6  # two residential accounts with a tariff, three months (the third has none)
    assert "6 bills" in first
