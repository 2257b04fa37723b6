"""The demo's star standards and ratings: a set per post from the first month rolled up, the
ratings of the months up to last month, once."""

from __future__ import annotations

from datetime import timedelta

from gridcare.assessment.demo_stars import DEMO_SETS, seed_stars
from gridcare.assessment.models import StandardSet, StarRating
from gridcare.assessment.selectors_stars import month_before, month_first
from gridcare.assessment.tests.stars_helpers import rolled, service
from gridcare.core import timezone as tz
from gridcare.core.testing import City


def test_the_demo_gets_a_set_per_post_and_last_months_ratings_once(town: City) -> None:
    last = month_before(month_first(tz.business_date()))
    service(town, last + timedelta(days=3), user=town.clerk, counter=0, waits=[10, 12], rated=(2, 2))
    rolled(last, last + timedelta(days=5))
    assert seed_stars() == "star standards: 6 sets; star ratings: 4"  # the clerk, the counter, H1, U1
    assert sorted(StandardSet.objects.values_list("post", flat=True)) == sorted(DEMO_SETS)
    assert set(StarRating.objects.values_list("month", flat=True)) == {last}
    assert seed_stars() == "star standards and ratings: already seeded"
