from decimal import Decimal

from gridcare.billing.models import Tariff
from gridcare.core.testing import City, signed_in


def test_the_admin_refuses_a_tariff_that_breaks_the_tier_rule(town: City) -> None:
    data = {
        "code": "RES-TIER",
        "province": "ZJ",
        "name": "居民",
        "kind": "tiered",
        "effective_from": "2027-01-01",
        "price": "0.538",
        "tier_period": "yearly",
        "tier1_kwh": "2760",
        "tier2_kwh": "4800",
        "tier2_price": "0.600",
        "tier3_price": "0.838",
        "tou_periods-TOTAL_FORMS": "0",
        "tou_periods-INITIAL_FORMS": "0",
    }
    client = signed_in(town.admin)
    refused = client.post("/admin/billing/tariff/add/", data)
    assert refused.status_code == 200 and "二档电价应为一档电价加" in refused.content.decode()
    assert not Tariff.objects.exists()
    accepted = client.post("/admin/billing/tariff/add/", {**data, "tier2_price": "0.588"})
    assert accepted.status_code == 302
    assert Tariff.objects.get().tier2_price == Decimal("0.5880")
