"""Who may do what in billing. Accounts are always fetched through customers.access, so an
account outside the caller's scope is "not found" (404)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gridcare.core.exceptions import Forbidden
from gridcare.org.access import Scope
from gridcare.org.models import Role

# Post payments (counters, and the channel gateways' service users).
PAYMENT_ROLES = frozenset({Role.COUNTER_CLERK, Role.HALL_MANAGER, Role.ADMINISTRATOR})
# Start bill runs, import readings, resolve reading exceptions, administer tariffs.
BILLING_ROLES = frozenset({Role.ADMINISTRATOR})
# Ask for a penalty waiver / approve one (the approver must be another person).
WAIVER_REQUEST_ROLES = frozenset({Role.COUNTER_CLERK, Role.HALL_MANAGER, Role.ADMINISTRATOR})
WAIVER_APPROVE_ROLES = frozenset({Role.HALL_MANAGER, Role.ADMINISTRATOR})
# See bills, arrears and payments of accounts in scope.
BILL_VIEW_ROLES = frozenset(
    {
        Role.COUNTER_CLERK,
        Role.HALL_GUIDE,
        Role.HALL_MANAGER,
        Role.AGENT_95598,
        Role.KEY_ACCOUNT_MANAGER,
        Role.COMMUNITY_MANAGER,
        Role.SUPERVISOR,
        Role.BILLING_CLERK,
        Role.ADMINISTRATOR,
    }
)


def require(scope: Scope, roles: frozenset[Role], message: str | None = None) -> None:
    if not scope.has_role(roles):
        raise Forbidden(message or _("您的岗位无权办理此项业务。"))
