"""People's post states (ASSESS-3): training, on duty, assessment, rotation, standby (待岗), each
change a row and a history line; and WO-7's rule "一次申告查实待岗": a complaint found true
against a person puts them on standby, in the transaction that records the finding, until a
supervisor restores them after retraining."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils.translation import gettext as _

from gridcare.assessment.access import sees_person
from gridcare.assessment.events import post_event
from gridcare.assessment.models import PostEvent, PostState, PostStatus
from gridcare.assessment.rules.ledger import TEXT_MAX, text_error
from gridcare.assessment.selectors import post_state_of
from gridcare.core.events import actor_user
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.timezone import now
from gridcare.org.access import Capability, Scope, can, require
from gridcare.org.models import Staff

if TYPE_CHECKING:
    from gridcare.workorders.models import StaffFinding


def standby_on_verified_complaint() -> bool:
    """The configured rule (GRIDCARE_ASSESSMENT["STANDBY_ON_VERIFIED_COMPLAINT"], default on)."""
    return bool(settings.GRIDCARE_ASSESSMENT.get("STANDBY_ON_VERIFIED_COMPLAINT", True))


def _lock(staff: Staff) -> None:
    """One change of a person's post at a time (two supervisors, a finding and a restoration)."""
    Staff.objects.select_for_update().filter(pk=staff.pk).values_list("pk", flat=True).first()


def _checked(state: str, reason: str, retraining: str) -> None:
    errors: dict[str, str] = {}
    if state not in PostStatus.values:
        errors["state"] = _("请选择岗位状态。")
    if message := text_error(reason, required=_("请填写变更原因。")):
        errors["reason"] = message
    if message := text_error(retraining, required="", limit=TEXT_MAX):
        errors["retraining"] = message
    if errors:
        raise InvalidInput(_("岗位变更有误。"), errors=errors)


def _refusal(
    *, scope: Scope, actor: User | AnonymousUser, staff: Staff, state: str, reason: str, retraining: str
) -> str:
    """Every check of a change (raising its refusal), reading the person's current state, which
    it returns; nothing written."""
    require(scope, Capability.POST_STATE_EDIT)
    if not isinstance(actor, User):
        raise Forbidden(_("您的岗位无权办理此项业务。"))
    if not sees_person(scope, staff):
        raise NotFound(_("没有这位员工，或不在您的范围内。"))
    if scope.staff is not None and scope.staff.pk == staff.pk:
        raise Forbidden(_("不能变更自己的岗位状态。"))
    _checked(state, reason, retraining)
    current = post_state_of(staff)
    if state == current:
        message = _("该员工已是“%(state)s”状态。") % {"state": PostStatus(state).label}
        raise Conflict(message, errors={"state": message})
    if current == PostStatus.STANDBY and not can(scope, Capability.STANDBY_LIFT):
        raise Forbidden(_("待岗人员须经复训后由监察考核员恢复上岗。"))
    if current == PostStatus.STANDBY and not retraining.strip():
        message = _("恢复上岗前请填写复训情况。")
        raise InvalidInput(message, errors={"retraining": message})
    return current


@dataclass(frozen=True)
class PostChange:
    """What a change will do, for the page to ask first: the person, from and to."""

    name: str
    current: str
    state: str

    @property
    def sentence(self) -> str:
        return _("将 %(name)s 的岗位状态由“%(from)s”改为“%(to)s”。确认变更？") % {
            "name": self.name,
            "from": PostStatus(self.current).label,
            "to": PostStatus(self.state).label,
        }


def post_state_preview(
    *, scope: Scope, actor: User | AnonymousUser, staff: Staff, state: str, reason: str, retraining: str = ""
) -> PostChange:
    """``post_state_set``'s checks without writing: what the change will be, or its refusal."""
    current = _refusal(scope=scope, actor=actor, staff=staff, state=state, reason=reason, retraining=retraining)
    return PostChange(name=staff.name, current=current, state=state)


def post_state_set(
    *, scope: Scope, actor: User | AnonymousUser, staff: Staff, state: str, reason: str, retraining: str = ""
) -> PostState:
    """Change ``staff``'s post state to ``state``. POST_STATE_EDIT, for a person in the caller's
    reach (a hall manager: their hall's staff), never one's own. Leaving standby is a return
    after retraining: STANDBY_LIFT (a supervisor or an administrator) and the retraining note.
    Setting the state the person is already in is refused. Nothing is written when refused."""
    with transaction.atomic():
        _lock(staff)
        current = _refusal(scope=scope, actor=actor, staff=staff, state=state, reason=reason, retraining=retraining)
        leaves_standby = current == PostStatus.STANDBY
        row = PostState.objects.create(
            staff=staff,
            state=state,
            since=now(),
            reason=reason.strip(),
            retraining=retraining.strip() if leaves_standby else "",
            by=actor_user(actor),
        )
        post_event(
            staff=staff,
            type=PostEvent.Type.RESTORED if leaves_standby else PostEvent.Type.CHANGED,
            actor=actor,
            at=row.since,
            **{"from": current, "to": state, "reason": row.reason},
            **({"retraining": row.retraining} if leaves_standby else {}),
        )
    return row


def standby_for_finding(finding: StaffFinding) -> PostState | None:
    """What a complaint found true against a person (WO-7) means for assessment, called inside
    the transaction that records the finding (workorders' ``complaint_verify``): the person goes
    on standby when the rule is on (None when it is off, or they already were: the history says
    so), and a penalty is proposed in the ledger for a second person to approve."""
    from gridcare.assessment.services.ledger import ledger_propose_for_finding

    ledger_propose_for_finding(finding)
    if not standby_on_verified_complaint():
        return None
    staff, at, number = finding.staff, finding.created_at, finding.order.number
    _lock(staff)
    current = post_state_of(staff)
    already = current == PostStatus.STANDBY
    row = None
    if not already:
        row = PostState.objects.create(
            staff=staff,
            state=PostStatus.STANDBY,
            since=at,
            reason=finding.note[:TEXT_MAX],
            by=finding.recorded_by,
            finding=finding,
            order_number=number,
        )
    post_event(
        staff=staff,
        type=PostEvent.Type.STANDBY,
        actor=finding.recorded_by,
        at=at,
        order=number,
        already=already,
        reason=finding.note[:TEXT_MAX],
        **{"from": current},
    )
    return row
