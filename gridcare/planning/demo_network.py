"""The demo's candidate sites for the outlet network (PLAN-3): three places around Hangzhou where
a hall could open, added through the service as the planner (idempotent: found by name)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from gridcare.org.access import scope_for
from gridcare.planning.models import CandidateSite
from gridcare.planning.services.network import SiteData, site_create

CANDIDATES = (
    # name, latitude, longitude, most counters, fixed cost a year, cost a year per counter (yuan)
    ("滨江候选网点（江南大道）", "30.208000", "120.212000", 4, "380000.00", "150000.00"),
    ("钱江新城候选网点（市民中心）", "30.241000", "120.214000", 6, "520000.00", "150000.00"),
    ("萧山北候选网点（金城路）", "30.180000", "120.262000", 4, "360000.00", "140000.00"),
)


def seed_network_sites() -> str:
    planner = get_user_model().objects.filter(username="planner").first()
    if planner is None:
        return "network sites: no planner"
    scope = scope_for(planner)
    made = 0
    for name, lat, lon, counters, fixed, per_counter in CANDIDATES:
        if CandidateSite.objects.filter(company_id=scope.company_id or 0, name=name).exists():
            continue
        data = SiteData(
            name=name, latitude=lat, longitude=lon, max_counters=counters, fixed_cost=fixed, counter_cost=per_counter
        )
        site_create(scope=scope, actor=planner, data=data)
        made += 1
    return f"network candidate sites: {made} new"
