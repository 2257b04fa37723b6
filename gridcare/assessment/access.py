"""Who sees which assessment figures (issue 14): supervisors their unit, hall managers their
hall, administrators and planners the company (``Capability.ASSESS_FIGURES``, through the one
scope filter with ``Reach.ASSESSMENT``); everyone else their own figures only. The same rule
says whose post state and ledger entries a post sees (``people_filter``)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.assessment.models import LedgerEntry
from gridcare.core.exceptions import NotFound
from gridcare.org.access import Capability, Level, Path, Reach, Scope, can
from gridcare.org.models import Staff

# Roll-up rows carry their company, unit and hall.
ROLLUP_PATH = Path(company="company_id", unit="unit_id", hall="hall_id", company_always=True)


def sees_others(scope: Scope) -> bool:
    return can(scope, Capability.ASSESS_FIGURES)


def figures_filter(scope: Scope) -> Q:
    """The roll-up rows ``scope`` may read: its reach's places, or only the person's own rows."""
    if sees_others(scope):
        return scope.filter(Reach.ASSESSMENT, ROLLUP_PATH)
    if scope.staff is not None:
        return Q(staff_id=scope.staff.pk)
    return Q(pk__in=[])


# -- people: whose post state and ledger entries a post sees (ASSESS-1, ASSESS-3) -----------------

EMPLOYEE_NO_MAX = 20  # org.Staff.employee_no
# A staff row carries its company, unit and hall (a company-level post has neither unit nor hall).
STAFF_PATH = Path(company="company_id", unit="unit_id", hall="hall_id", company_always=True)
# Rows about one person (post states, ledger entries) reach as the person does.
ABOUT_STAFF_PATH = Path(company="staff__company_id", unit="staff__unit_id", hall="staff__hall_id", company_always=True)


def people_filter(scope: Scope, *, about: bool = False) -> Q:
    """The people ``scope`` sees (``about``: rows about a person, through their ``staff``): with
    ASSESS_FIGURES its reach's (supervisors their unit, hall managers their hall, planners and
    administrators the company), otherwise only the person themselves."""
    own_field = "staff_id" if about else "pk"
    own = Q(**{own_field: scope.staff.pk}) if scope.staff is not None else Q(pk__in=[])
    if sees_others(scope):
        reach = scope.filter(Reach.ASSESSMENT, ABOUT_STAFF_PATH if about else STAFF_PATH)
        return reach | own if reach else reach  # an empty Q is everything (OR-ing it would narrow it)
    return own


def sees_person(scope: Scope, staff: Staff) -> bool:
    """``people_filter`` for a person already read."""
    if scope.staff is not None and scope.staff.pk == staff.pk:
        return True
    if not sees_others(scope):
        return False
    if scope.everything:
        return True
    if staff.company_id != scope.company_id:
        return False
    return scope.sees(Reach.ASSESSMENT, company_id=staff.company_id, unit_id=staff.unit_id or 0, hall_id=staff.hall_id)


def staff_get_for_scope(*, scope: Scope, employee_no: str) -> Staff:
    """An active person ``scope`` sees, by 工号; missing and not in reach are the same 404."""
    code = str(employee_no)
    # A code no 工号 can be (too long, a NUL that PostgreSQL refuses in text) finds nobody.
    person = None
    if code and len(code) <= EMPLOYEE_NO_MAX and "\x00" not in code:
        person = (
            Staff.objects.filter(people_filter(scope), employee_no=code, active=True)
            .select_related("unit", "hall", "user")
            .first()
        )
    if person is None:
        raise NotFound(_("没有这位员工，或不在您的范围内。"))
    return person


def ledger_get_for_scope(*, scope: Scope, entry_id: int, lock: bool = False) -> LedgerEntry:
    """A ledger entry about a person ``scope`` sees (``lock``: for update, inside a transaction)."""
    entry = None
    if 0 < entry_id < 2**63:  # beyond a bigint column no row can be (and SQLite refuses the number)
        rows = LedgerEntry.objects.filter(people_filter(scope, about=True), pk=entry_id)
        if lock:
            rows = rows.select_for_update(of=("self",))
        entry = rows.first()
    if entry is None:
        raise NotFound(_("没有这条奖惩记录，或不在您的范围内。"))
    return entry


# -- monthly reports (ASSESS-7): supervisors their unit's, planners and administrators all ---------


def reports_filter(scope: Scope) -> Q:
    """The archived monthly reports ``scope`` may read (with ``Capability.ASSESS_REPORTS``): the
    reports of the units its reach covers, and the company's report for a company-wide post."""
    if not can(scope, Capability.ASSESS_REPORTS):
        return Q(pk__in=[])
    return subjects_filter(scope)


def subjects_filter(scope: Scope) -> Q:
    """Rows about a unit or a company (``level``, ``subject_id``: monthly reports, topics) that
    ``scope`` reaches: its units' rows, and its company's for a company-wide post."""
    from gridcare.org.selectors import unit_ids_in_reach

    level = scope.level(Reach.ASSESSMENT)
    if level == Level.ALL:
        return Q()
    if level not in (Level.COMPANY, Level.UNIT):
        return Q(pk__in=[])
    units = Q(level="unit", subject_id__in=unit_ids_in_reach(scope, Reach.ASSESSMENT))
    if level == Level.COMPANY:
        return units | Q(level="company", subject_id=scope.company_id)
    return units
