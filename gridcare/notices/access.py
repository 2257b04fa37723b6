"""Which outages and grid places a caller reaches, and turning an outage id into an Outage."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.core.exceptions import NotFound
from gridcare.notices.models import Outage, PeakShiftOrder, Publication
from gridcare.org.access import Level, Path, Reach, Scope


def outage_filter(scope: Scope) -> Q:
    """Every staff member of the company sees its outages (95598 agents answer calls about them)."""
    return scope.filter(Reach.COMPANY, Path(company="company_id"))


def grid_filter(scope: Scope, unit_field: str = "unit") -> Q:
    """Feeders (``unit``) or 台区 (``feeder__unit``) the caller may name in an outage."""
    return scope.filter(Reach.UNIT, Path.unit_of(unit_field))


def outage_get_for_scope(*, scope: Scope, outage_id: int) -> Outage:
    outage = Outage.objects.filter(outage_filter(scope), pk=outage_id).first()
    if outage is None:
        raise NotFound(_("未找到该停电记录。"))
    return outage


def publication_filter(scope: Scope) -> Q:
    """The publications a caller keeps: an administrator every one, a company post its company's
    (company-wide and its units'), a unit post its unit's."""
    level = scope.level(Reach.UNIT)
    if level == Level.ALL:
        return Q()
    if level == Level.COMPANY:
        return Q(company_id=scope.company_id)
    if level == Level.UNIT:
        return Q(unit_id=scope.unit_id)
    return Q(pk__in=[])


def publication_get_for_scope(*, scope: Scope, publication_id: int) -> Publication:
    found = Publication.objects.filter(publication_filter(scope), pk=publication_id).first()
    if found is None:
        raise NotFound(_("未找到该公告。"))
    return found


def peak_shift_filter(scope: Scope) -> Q:
    """The peak-shift orders a caller sees: those of the company (its key-account managers and
    planners issue them; every unit's managers are told of those touching their accounts)."""
    return scope.filter(Reach.COMPANY, Path(company="company_id"))


def peak_shift_get_for_scope(*, scope: Scope, order_id: int) -> PeakShiftOrder:
    found = PeakShiftOrder.objects.filter(peak_shift_filter(scope), pk=order_id).first()
    if found is None:
        raise NotFound(_("未找到该错峰通知。"))
    return found
