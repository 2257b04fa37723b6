"""Who sees and who keeps which improvement actions (issue 14, ASSESS-5).

An action is about a subject — a person, a counter, a hall or a supply unit — and reaches as its
subject does (``Reach.ASSESSMENT``): hall staff their hall's counters and the hall, unit posts
their unit's, planners and administrators the company's. A person-level action is seen by those
who see that person's figures (``people_filter``: supervisors their unit's people, hall managers
their hall's, everyone else only themselves). The owner of an action always sees it. Keeping
them (create, edit, evaluate) asks ``ACTION_EDIT`` (hall managers, supervisors, administrators)
and the subject in reach; the owner clause gives no right to edit."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from gridcare.assessment.access import people_filter
from gridcare.assessment.models import ImprovementAction
from gridcare.core.exceptions import NotFound
from gridcare.org.access import Capability, Reach, Scope, require
from gridcare.org.models import Staff
from gridcare.org.selectors import places_in_reach

SUBJECT_LEVELS = ("person", "counter", "hall", "unit")


def subjects_filter(scope: Scope) -> Q:
    """The actions whose subject ``scope`` reaches."""
    if scope.everything:
        return Q()
    people = Staff.objects.filter(people_filter(scope)).values("pk")
    found = Q(level="person", subject_id__in=people)
    for level in ("counter", "hall", "unit"):
        places = places_in_reach(scope, Reach.ASSESSMENT, level).values("pk")
        found |= Q(level=level, subject_id__in=places)
    return found


def actions_filter(scope: Scope) -> Q:
    """The actions ``scope`` may read: its subjects' and the ones it owns."""
    if scope.everything:
        return Q()
    if scope.staff is None:
        return Q(pk__in=[])
    return subjects_filter(scope) | Q(owner_id=scope.staff.pk)


def _get(rows: Q, action_id: int, lock: bool) -> ImprovementAction:
    action = None
    if 0 < action_id < 2**63:  # beyond a bigint column no row can be (and SQLite refuses the number)
        found = ImprovementAction.objects.filter(rows, pk=action_id).select_related("owner")
        if lock:
            found = found.select_for_update(of=("self",))
        action = found.first()
    if action is None:
        raise NotFound(_("没有这项改进措施，或不在您的范围内。"))
    return action


def action_get_for_scope(*, scope: Scope, action_id: int) -> ImprovementAction:
    """An action ``scope`` may read; missing and not in reach are the same 404."""
    return _get(actions_filter(scope), action_id, lock=False)


def action_get_to_keep(*, scope: Scope, action_id: int, lock: bool = False) -> ImprovementAction:
    """An action ``scope`` may edit or evaluate (ACTION_EDIT, its subject in reach): 403 for a
    post without the capability, 404 for an action outside the reach (or missing)."""
    require(scope, Capability.ACTION_EDIT)
    return _get(subjects_filter(scope), action_id, lock=lock)
