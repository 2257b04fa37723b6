"""The one choke point that says what a signed-in person may see (CUST-1).

Every other app's ``access.py`` asks this module for the caller's scope and filters by it, so a
rule about who sees what is written once. Outside the scope, objects are "not found" (404), never
"forbidden", so nobody can probe which account numbers exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.db.models import Q
from django.http import HttpRequest

from gridcare.core.sql import Columns, cache_related, fetch
from gridcare.core.tokens import token_user
from gridcare.org.models import HALL_ROLES, Company, Hall, Role, Staff, SupplyUnit

# Roles that need a customer's full phone or ID number for their work; they still unmask one
# customer at a time, and each unmasking is logged (CUST-4).
UNMASK_ROLES = frozenset(
    {
        Role.COUNTER_CLERK,
        Role.HALL_MANAGER,
        Role.AGENT_95598,
        Role.KEY_ACCOUNT_MANAGER,
        Role.COMMUNITY_MANAGER,
        Role.ADMINISTRATOR,
    }
)

# Roles that read the unmasking audit (who looked at full personal data, when and why) and get
# its burst alerts: supervisors for their unit, administrators for all (CUST-4).
UNMASK_AUDIT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})

# Roles that change the customer archive (open accounts, transfers, closures).
ARCHIVE_EDIT_ROLES = frozenset({Role.COUNTER_CLERK, Role.HALL_MANAGER, Role.KEY_ACCOUNT_MANAGER, Role.ADMINISTRATOR})

# Roles that work the archive-quality worklist (CUST-3).
ARCHIVE_QUALITY_ROLES = frozenset(
    {Role.HALL_MANAGER, Role.SUPERVISOR, Role.COMMUNITY_MANAGER, Role.KEY_ACCOUNT_MANAGER, Role.ADMINISTRATOR}
)


@dataclass(frozen=True)
class Scope:
    """Where a person's view reaches. ``None`` means "the whole company"."""

    staff: Staff | None
    company_id: int | None
    unit_id: int | None
    hall_id: int | None
    everything: bool = False

    @property
    def is_staff(self) -> bool:
        return self.staff is not None or self.everything

    @property
    def role(self) -> str | None:
        return self.staff.role if self.staff else None

    def has_role(self, roles: frozenset[Role] | set[Role]) -> bool:
        return self.everything or (self.staff is not None and self.staff.role in roles)

    # -- filters, each for a field path that leads to the named level ---------------------------
    def account_filter(self, unit_field: str = "supply_unit") -> Q:
        """Accounts: hall staff and 95598 agents serve the whole city (同城通办, CUST-5);
        unit-level roles see their unit."""
        if self.everything:
            return Q()
        if self.staff is None or self.company_id is None:
            return Q(pk__in=[])
        city_wide = self.staff.role in HALL_ROLES or self.staff.role == Role.AGENT_95598
        if self.unit_id is None or city_wide:
            return Q(**{f"{unit_field}__company_id": self.company_id})
        return Q(**{f"{unit_field}_id": self.unit_id})

    def unit_filter(self) -> Q:
        """Supply units whose accounts ``account_filter`` lets this scope reach: where the person
        may open accounts, so creating is scoped exactly like reading."""
        if self.everything:
            return Q()
        if self.staff is None or self.company_id is None:
            return Q(pk__in=[])
        city_wide = self.staff.role in HALL_ROLES or self.staff.role == Role.AGENT_95598
        if self.unit_id is None or city_wide:
            return Q(company_id=self.company_id)
        return Q(pk=self.unit_id)

    def hall_filter(self, hall_field: str = "hall") -> Q:
        """Hall data (queues, counters, figures): hall roles see their own hall only."""
        prefix = "" if hall_field == "" else f"{hall_field}__"
        pk = "pk" if hall_field == "" else f"{hall_field}_id"
        if self.everything:
            return Q()
        if self.staff is None or self.company_id is None:
            return Q(pk__in=[])
        if self.staff.role in HALL_ROLES:
            return Q(**{pk: self.hall_id})
        if self.staff.role == Role.AGENT_95598:
            return Q(pk__in=[])
        if self.unit_id is not None:
            return Q(**{f"{prefix}unit_id": self.unit_id})
        return Q(**{f"{prefix}unit__company_id": self.company_id})

    def can_see_hall(self, hall: Hall) -> bool:
        return Hall.objects.filter(self.hall_filter(""), pk=hall.pk).exists()

    def sees_hall(self, *, hall_id: int, unit_id: int, company_id: int) -> bool:
        """``hall_filter`` for one hall already read (its unit and the unit's company), without a
        query; for the hot paths that read the hall by hand (gridcare.halls.access). Tested equal
        to ``hall_filter`` for every post and hall."""
        if self.everything:
            return True
        if self.staff is None or self.company_id is None:
            return False
        if self.staff.role in HALL_ROLES:
            return hall_id == self.hall_id
        if self.staff.role == Role.AGENT_95598:
            return False
        if self.unit_id is not None:
            return unit_id == self.unit_id
        return company_id == self.company_id


NOBODY = Scope(staff=None, company_id=None, unit_id=None, hall_id=None)


_STAFF = Columns(Staff, "s")
_UNIT = Columns(SupplyUnit, "un")
_HALL = Columns(Hall, "h")
_COMPANY = Columns(Company, "c")


_POST_JOINS = (
    "LEFT JOIN {staff} s ON s.user_id = u.id LEFT JOIN {company} c ON c.id = s.company_id "
    "LEFT JOIN {unit} un ON un.id = s.unit_id LEFT JOIN {hall} h ON h.id = s.hall_id"
)
_NOT_LOADED = object()


def _post_sql() -> tuple[str, str]:
    quote = connection.ops.quote_name
    select = ", ".join(c.sql(connection) for c in (_STAFF, _UNIT, _HALL, _COMPANY))
    joins = _POST_JOINS.format(
        staff=quote(_STAFF.table), company=quote(_COMPANY.table), unit=quote(_UNIT.table), hall=quote(_HALL.table)
    )
    return select, joins


def _load_post(row: Sequence[Any], at: int) -> Staff | None:
    staff = _STAFF.load(row, at, connection)
    if staff is not None:
        at += len(_STAFF)
        for name, columns in (("unit", _UNIT), ("hall", _HALL), ("company", _COMPANY)):
            cache_related(staff, name, columns.load(row, at, connection))
            at += len(columns)
    return staff


def api_user(token: str) -> User | None:
    """The API's token check (gridcare.core.tokens) with the user's post, its company, unit and
    hall read in the same query: every kiosk and counter request starts here."""
    select, joins = _post_sql()
    return token_user(
        token,
        select=select,
        joins=joins,
        attach=lambda user, row, at: cache_related(user, "staff", _load_post(row, at)),
    )


def _staff_of(user: User) -> Staff | None:
    """The user's active post with its company, unit and hall: loaded with the user by
    ``api_user``, or one hand-written query (gridcare.core.sql), as every request asks it."""
    loaded = user._state.fields_cache.get("staff", _NOT_LOADED)
    if loaded is _NOT_LOADED:
        select, joins = _post_sql()
        quote = connection.ops.quote_name
        rows = fetch(
            f"SELECT {select} FROM {quote(User._meta.db_table)} u {joins} WHERE u.id = %s",  # noqa: S608 - names from model metadata, values as parameters
            [user.pk],
        )
        loaded = _load_post(rows[0], 0) if rows else None
    staff = cast(Staff | None, loaded)
    return staff if staff is not None and staff.active else None


def scope_for(user: User | AnonymousUser | None) -> Scope:
    if user is None or not user.is_authenticated or not user.is_active:
        return NOBODY
    staff = _staff_of(user)
    if getattr(user, "is_superuser", False):
        return Scope(
            staff=staff,
            company_id=staff.company_id if staff else None,
            unit_id=None,
            hall_id=None,
            everything=True,
        )
    if staff is None:
        return NOBODY
    if staff.role == Role.ADMINISTRATOR:
        return Scope(staff=staff, company_id=staff.company_id, unit_id=None, hall_id=None, everything=True)
    return Scope(
        staff=staff,
        company_id=staff.company_id,
        unit_id=staff.unit_id,
        hall_id=staff.hall_id,
    )


def request_scope(request: HttpRequest) -> Scope:
    """The scope of the request's user, worked out once per request."""
    cached = getattr(request, "_gridcare_scope", None)
    if cached is None:
        cached = scope_for(getattr(request, "user", None))
        request._gridcare_scope = cached  # type: ignore[attr-defined]
    return cached


# Who unlocks accounts, revokes API tokens and reads the sign-in audit.
SECURITY_ROLES = frozenset({Role.ADMINISTRATOR})


def administrators_only(*, scope: Scope) -> None:
    """Administrators only; everyone else gets the same 404 as for a page that does not exist
    (the sign-in security pages, background jobs)."""
    if not scope.has_role(SECURITY_ROLES):
        from django.utils.translation import gettext as _

        from gridcare.core.exceptions import NotFound

        raise NotFound(_("页面不存在。"))


security_check = administrators_only
