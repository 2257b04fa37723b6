"""Whose star ratings a post sees (ASSESS-1): the same rule as the figures (``access.py``). With
ASSESS_FIGURES its reach's people, counters, halls and units (supervisors their unit, hall
managers their hall, planners and administrators the company); every other post its own rating
only. A rating names its subject by level and id, so the filter asks each level's rows in reach."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.assessment.access import people_filter, sees_others
from gridcare.assessment.models import StarRating
from gridcare.core.exceptions import NotFound
from gridcare.org.access import Level, Reach, Scope
from gridcare.org.models import Staff
from gridcare.org.selectors import places_in_reach


def ratings_filter(scope: Scope) -> Q:
    """The star ratings ``scope`` may read."""
    own = Q(level="person", subject_id=scope.staff.pk) if scope.staff is not None else Q(pk__in=[])
    if not sees_others(scope):
        return own
    if scope.level(Reach.ASSESSMENT) == Level.ALL:
        return Q()
    people = Staff.objects.filter(people_filter(scope)).values("pk")
    found = own | Q(level="person", subject_id__in=people)
    for level in ("counter", "hall", "unit"):
        found |= Q(level=level, subject_id__in=places_in_reach(scope, Reach.ASSESSMENT, level).values("pk"))
    return found


def rating_get_for_scope(*, scope: Scope, rating_id: int) -> StarRating:
    """A rating ``scope`` may read; missing and not in reach are the same 404."""
    rating = None
    if 0 < rating_id < 2**63:  # beyond a bigint no row can be (and SQLite refuses the number)
        rating = StarRating.objects.filter(ratings_filter(scope), pk=rating_id).select_related("standard_set").first()
    if rating is None:
        raise NotFound(_("没有这条星级评定，或不在您的范围内。"))
    return rating
