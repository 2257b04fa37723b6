"""The rewards ledger (issue 14, ASSESS-1): an entry proposed by one person is approved or
rejected by a second; the proposer (and the person it is about) is refused; a double click of the
same decision returns the entry unchanged, any other decision of a decided entry is a Conflict;
bad input is refused on its field; every refusal leaves everything as it was."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from gridcare.assessment.models import LedgerEntry, LedgerEvent
from gridcare.assessment.selectors import ledger_history
from gridcare.assessment.services.ledger import (
    NewEntry,
    ledger_approve,
    ledger_propose,
    ledger_reject,
    ledger_withdraw,
)
from gridcare.core.exceptions import Conflict, Forbidden, InvalidInput, NotFound
from gridcare.core.history import history_lines
from gridcare.core.testing import City
from gridcare.org.access import scope_for


def entry_for(employee_no: str = "T0001", **changes: Any) -> NewEntry:
    fields: dict[str, Any] = {
        "employee_no": employee_no,
        "kind": "reward",
        "points": 5,
        "amount": "200.00",
        "reason": "客户来信表扬，服务热情",
        "source_kind": "praise_order",
        "period": "2026-11",
        "source_ref": "2026110100000012",
    }
    fields.update(changes)
    return NewEntry(**fields)


def _state() -> tuple[Any, ...]:
    return (
        list(
            LedgerEntry.objects.order_by("id").values_list(
                "id", "status", "decided_by_id", "decided_at", "decision_note", "points", "amount"
            )
        ),
        LedgerEvent.objects.count(),
    )


@pytest.fixture
def proposed(town: City) -> LedgerEntry:
    """A reward for the clerk (T0001), proposed by the hall manager of H1."""
    return ledger_propose(scope=scope_for(town.manager), actor=town.manager, data=entry_for())


def test_a_proposal_is_stored_signed_by_its_kind_and_waits(town: City, proposed: LedgerEntry) -> None:
    assert (proposed.kind, proposed.points, proposed.amount, proposed.status) == (
        "reward",
        5,
        Decimal("200.00"),
        "proposed",
    )
    penalty = ledger_propose(
        scope=scope_for(town.supervisor), actor=town.supervisor, data=entry_for(kind="penalty", points=3, amount="")
    )
    assert (penalty.points, penalty.amount) == (-3, None)
    assert [line.sentence for line in history_lines(ledger_history(proposed))] == [
        "manager 提出奖励 5 分，金额 200.00 元，计入 2026-11，来源：表扬工单（2026110100000012），事由：客户来信表扬，服务热情"
    ]


def test_the_proposer_cannot_approve_or_reject_their_own_and_nothing_changes(town: City) -> None:
    entry = ledger_propose(scope=scope_for(town.supervisor), actor=town.supervisor, data=entry_for())
    before = _state()
    with pytest.raises(Forbidden) as refused:
        ledger_approve(scope=scope_for(town.supervisor), actor=town.supervisor, entry_id=entry.pk)
    assert str(refused.value.message) == "提出人不能审批自己提出的奖惩，请由另一位审批人办理。"
    with pytest.raises(Forbidden):
        ledger_reject(scope=scope_for(town.supervisor), actor=town.supervisor, entry_id=entry.pk, note="不同意")
    assert _state() == before


def test_a_second_person_approves_and_a_double_click_changes_nothing(town: City, proposed: LedgerEntry) -> None:
    scope = scope_for(town.supervisor)
    approved = ledger_approve(scope=scope, actor=town.supervisor, entry_id=proposed.pk, note="同意")
    assert (approved.status, approved.decided_by, approved.decision_note) == ("approved", town.supervisor, "同意")
    after_first = _state()
    again = ledger_approve(scope=scope, actor=town.supervisor, entry_id=proposed.pk, note="同意")
    assert again.pk == proposed.pk and again.status == "approved" and again.decided_at == approved.decided_at
    assert _state() == after_first
    assert [line.sentence for line in history_lines(ledger_history(proposed))][1:] == ["supervisor 批准，意见：同意"]


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("admin", "approve"),  # another approver approving it again
        ("supervisor", "reject"),  # the approver changing their mind
        ("admin", "reject"),
        ("manager", "withdraw"),  # the proposer, too late
    ],
)
def test_a_decided_entry_refuses_every_other_decision_with_nothing_changed(
    town: City, proposed: LedgerEntry, who: str, action: str
) -> None:
    ledger_approve(scope=scope_for(town.supervisor), actor=town.supervisor, entry_id=proposed.pk)
    before = _state()
    user = town.users[who]
    call = {"approve": ledger_approve, "reject": ledger_reject, "withdraw": ledger_withdraw}[action]
    with pytest.raises(Conflict) as refused:
        call(scope=scope_for(user), actor=user, entry_id=proposed.pk, note="再议")
    assert str(refused.value.message) == "这条奖惩记录已“已批准”，不能再办理。"
    assert _state() == before


def test_rejecting_needs_a_reason_and_a_rejection_clicked_twice_is_one(town: City, proposed: LedgerEntry) -> None:
    scope = scope_for(town.supervisor)
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        ledger_reject(scope=scope, actor=town.supervisor, entry_id=proposed.pk, note="  ")
    assert refused.value.errors == {"note": "驳回时请填写意见。"}
    assert _state() == before
    ledger_reject(scope=scope, actor=town.supervisor, entry_id=proposed.pk, note="证据不足")
    once = _state()
    ledger_reject(scope=scope, actor=town.supervisor, entry_id=proposed.pk, note="证据不足")
    assert _state() == once
    assert once[0][0][1:3] == ("rejected", town.supervisor.pk)


def test_only_the_proposer_withdraws_and_only_while_it_waits(town: City, proposed: LedgerEntry) -> None:
    before = _state()
    with pytest.raises(Forbidden):
        ledger_withdraw(scope=scope_for(town.supervisor), actor=town.supervisor, entry_id=proposed.pk)
    assert _state() == before
    withdrawn = ledger_withdraw(scope=scope_for(town.manager), actor=town.manager, entry_id=proposed.pk, note="重复")
    assert (withdrawn.status, withdrawn.decided_by) == ("withdrawn", None)
    once = _state()
    ledger_withdraw(scope=scope_for(town.manager), actor=town.manager, entry_id=proposed.pk)
    assert _state() == once
    with pytest.raises(Conflict):
        ledger_approve(scope=scope_for(town.supervisor), actor=town.supervisor, entry_id=proposed.pk)
    assert _state() == once


def test_nobody_decides_an_entry_about_themselves(town: City) -> None:
    entry = ledger_propose(scope=scope_for(town.admin), actor=town.admin, data=entry_for("T0006"))  # the supervisor
    before = _state()
    with pytest.raises(Forbidden) as refused:
        ledger_approve(scope=scope_for(town.supervisor), actor=town.supervisor, entry_id=entry.pk)
    assert str(refused.value.message) == "不能审批关于自己的奖惩记录。"
    assert _state() == before


@pytest.mark.parametrize(("persona", "refusal"), [("other_supervisor", NotFound), ("manager", Forbidden)])
def test_an_approver_outside_the_persons_reach_or_without_the_post_is_refused(
    town: City, proposed: LedgerEntry, persona: str, refusal: type[Exception]
) -> None:
    user = town.users[persona]
    before = _state()
    with pytest.raises(refusal):
        ledger_approve(scope=scope_for(user), actor=user, entry_id=proposed.pk)
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"employee_no": "T0005"}, {"staff": "请选择您管辖范围内的员工。"}),  # the agent: not in H1
        ({"employee_no": "T0003"}, {"staff": "不能为自己提出奖惩。"}),  # the manager themselves
        ({"kind": "bonus"}, {"kind": "请选择奖励或处罚。"}),
        ({"points": -5}, {"points": "请填写分值的绝对值，处罚自动记为负分。"}),
        ({"points": 1001}, {"points": "分值最多 1000 分。"}),
        ({"points": "5"}, {"points": "分值应为整数。"}),
        ({"points": 0, "amount": ""}, {"points": "请填写分值或金额。"}),
        ({"amount": "-1"}, {"amount": "金额不能为负数。"}),
        ({"amount": "1.005"}, {"amount": "金额最多保留两位小数。"}),
        ({"amount": "NaN"}, {"amount": "金额应为数字，如 200.00。"}),
        ({"amount": "1e300"}, {"amount": "金额过大。"}),
        ({"amount": "abc"}, {"amount": "金额应为数字，如 200.00。"}),
        ({"reason": " "}, {"reason": "请填写事由。"}),
        ({"reason": "字" * 501}, {"reason": "最多 500 个字。"}),
        ({"source_kind": "rumour"}, {"source_kind": "请选择来源。"}),
        ({"source_ref": "x" * 101}, {"source_ref": "最多 100 个字。"}),
        ({"period": "2026-13"}, {"period": "考核月份格式应为 2026-11。"}),
        ({"period": "2026-1"}, {"period": "考核月份格式应为 2026-11。"}),
        ({"period": ""}, {"period": "考核月份格式应为 2026-11。"}),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(
    town: City, changes: dict[str, Any], errors: dict[str, str]
) -> None:
    before = _state()
    with pytest.raises(InvalidInput) as refused:
        ledger_propose(scope=scope_for(town.manager), actor=town.manager, data=entry_for(**changes))
    assert refused.value.errors == errors
    assert _state() == before


@pytest.mark.parametrize("persona", ["clerk", "guide", "agent", "planner", "kam", "community", "outsider"])
def test_posts_without_the_capability_cannot_propose(town: City, persona: str) -> None:
    user = town.users[persona]
    with pytest.raises(Forbidden):
        ledger_propose(scope=scope_for(user), actor=user, data=entry_for("T0002"))
    assert _state() == ([], 0)
