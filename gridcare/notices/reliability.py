"""Supply reliability from the outage records (PLAN-4): SAIFI and SAIDI per supply unit and month.

Definitions (IEEE 1366, as used in DL/T 836 reliability statistics):

- customers served: the unit's accounts that are not closed (counted when the figures are asked
  for; the archive keeps no month-end snapshot);
- customer interruptions: for every outage that began in the month (Asia/Shanghai) and whose
  restoration has been recorded, the unit's accounts it cut off (``OutageAccount``), summed;
- customer-minutes: for the same outages, accounts cut off × minutes from start to restoration;
- SAIFI = customer interruptions ÷ customers served (interruptions per customer);
- SAIDI = customer-minutes ÷ customers served (minutes per customer);
- supply reliability (RS-1) = 1 − SAIDI ÷ minutes in the month, in per cent, against the target
  of the unit's area type (SPEC PLAN-4: 99.9 % urban).

An outage belongs to the month it began in, with its whole duration. Outages still without a
restoration time are not counted (their duration is unknown) but are reported as such. Planned
means scheduled in advance (planned and temporary maintenance, 预安排停电); fault means
unscheduled (fault and emergency, 故障停电).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from gridcare.core.exceptions import InvalidInput, NotFound
from gridcare.core.timezone import SHANGHAI, business_date
from gridcare.customers.models import Account, AccountStatus
from gridcare.notices.models import Outage, OutageAccount, OutageKind, OutageStatus
from gridcare.org.access import Capability, Path, Reach, Scope, can, require
from gridcare.org.models import AreaType, SupplyUnit

PLANNED_KINDS = frozenset({OutageKind.PLANNED, OutageKind.TEMPORARY})
FAULT_KINDS = frozenset({OutageKind.FAULT, OutageKind.EMERGENCY})


def _q(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class Part:
    """Figures of one kind of outage (planned, fault, or both)."""

    outages: int = 0
    interruptions: int = 0
    customer_minutes: Decimal = Decimal("0")
    saifi: Decimal = Decimal("0")
    saidi: Decimal = Decimal("0")

    def add(self, accounts: int, minutes: Decimal) -> None:
        self.outages += 1
        self.interruptions += accounts
        self.customer_minutes += accounts * minutes

    def finish(self, served: int) -> None:
        self.customer_minutes = _q(self.customer_minutes, "0.01")
        if served:
            self.saifi = _q(Decimal(self.interruptions) / served, "0.0001")
            self.saidi = _q(self.customer_minutes / served, "0.01")


@dataclass
class Reliability:
    unit_code: str
    unit_name: str
    month: str  # YYYY-MM
    customers_served: int
    planned: Part = field(default_factory=Part)
    fault: Part = field(default_factory=Part)
    total: Part = field(default_factory=Part)
    reliability_percent: Decimal | None = None  # RS-1
    target_percent: Decimal | None = None
    unrestored: int = 0  # outages of the month without a recorded restoration

    @property
    def meets_target(self) -> bool | None:
        if self.reliability_percent is None or self.target_percent is None:
            return None
        return self.reliability_percent >= self.target_percent


# Supply reliability is reckoned from the records of this year on; a month outside it is a typo.
EARLIEST_YEAR = 2000


def parse_month(value: str) -> date:
    """``YYYY-MM`` → the first day of that month; a clear error otherwise."""
    try:
        year, month = (int(part) for part in value.strip().split("-"))
        first = date(year, month, 1)
    except (ValueError, TypeError):
        raise InvalidInput(_("月份格式不正确。"), errors={"month": _("请按“年-月”填写，如 2026-11。")}) from None
    latest = business_date().year + 1
    if not EARLIEST_YEAR <= year <= latest:
        message = _("月份应在 %(a)d-01 至 %(b)d-12 之间。") % {"a": EARLIEST_YEAR, "b": latest}
        raise InvalidInput(_("月份格式不正确。"), errors={"month": message})
    return first


def _month_window(first: date) -> tuple[datetime, datetime, int]:
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    start = datetime.combine(first, time(0), tzinfo=SHANGHAI)
    end = datetime.combine(following, time(0), tzinfo=SHANGHAI)
    return start, end, (following - first).days * 24 * 60


def reliability_units(scope: Scope) -> list[SupplyUnit]:
    """The supply units whose figures the caller may see."""
    if not can(scope, Capability.RELIABILITY_VIEW):
        return []
    return list(SupplyUnit.objects.filter(scope.filter(Reach.UNIT, Path.unit_of(""))).order_by("code"))


def unit_reliability(*, scope: Scope, unit_code: str, month: str) -> Reliability:
    """SAIFI/SAIDI of supply unit ``unit_code`` for ``month`` (YYYY-MM), planned vs fault."""
    require(scope, Capability.RELIABILITY_VIEW, message=_("只有监察考核员、规划员和系统管理员可以查看供电可靠性。"))
    first = parse_month(month)
    unit = next((u for u in reliability_units(scope) if u.code == unit_code), None)
    if unit is None:
        raise NotFound(_("供电单位不存在或不在您的管辖范围。"))
    start, end, month_minutes = _month_window(first)
    served = Account.objects.filter(supply_unit=unit).exclude(status=AccountStatus.CLOSED).count()
    result = Reliability(unit_code=unit.code, unit_name=unit.name, month=f"{first:%Y-%m}", customers_served=served)
    began = Outage.objects.filter(company_id=unit.company_id, starts_at__gte=start, starts_at__lt=end).exclude(
        status=OutageStatus.CANCELLED
    )
    cut_off = dict(
        OutageAccount.objects.filter(outage__in=began, account__supply_unit=unit)
        .values_list("outage_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for outage in began.filter(pk__in=list(cut_off)).order_by("starts_at", "id"):
        if outage.restored_at is None:
            result.unrestored += 1
            continue
        minutes = Decimal((outage.restored_at - outage.starts_at).total_seconds()) / 60
        part = result.planned if outage.kind in PLANNED_KINDS else result.fault
        part.add(cut_off[outage.pk], minutes)
        result.total.add(cut_off[outage.pk], minutes)
    for part in (result.planned, result.fault, result.total):
        part.finish(served)
    if served:
        saidi = result.total.customer_minutes / served
        result.reliability_percent = _q(100 * (1 - saidi / month_minutes), "0.0001")
    # SPEC PLAN-4 sets a target for urban supply only (GRIDCARE_RULES, default 0.999).
    if unit.area_type == AreaType.URBAN:
        target = Decimal(str(settings.GRIDCARE_RULES["RELIABILITY_URBAN_TARGET"]))
        result.target_percent = _q(100 * target, "0.1")
    return result
