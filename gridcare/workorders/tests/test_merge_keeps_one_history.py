"""Merging a duplicate (issue 18): the duplicate is closed as merged, the kept order's page shows
both histories and both orders' attachments, asked first; refused when either is closed or
already merged, or the person's post may not merge, with nothing changed."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City, api_client, signed_in
from gridcare.org.access import scope_for
from gridcare.workorders import services
from gridcare.workorders.exceptions import WorkOrderError
from gridcare.workorders.models import Deadline, OrderEvent, Status, WorkOrder
from gridcare.workorders.tests.conftest import PNG, Clock, take


def _snapshot() -> list[tuple[object, ...]]:
    return list(WorkOrder.objects.order_by("id").values_list("status", "merged_into", "urge_count", "closed_at"))


def test_the_duplicate_is_closed_as_merged_and_the_kept_order_shows_both(town: City, clock: Clock) -> None:
    keep = take(town.agent, text="电费单金额不对，要求核查")
    dup = take(town.agent, text="电费单不对，之前打过电话")
    services.attachment_add(scope=scope_for(town.agent), actor=town.agent, order=dup, name="账单.png", content=PNG)
    services.workorder_note(scope=scope_for(town.agent), actor=town.agent, order=dup, text="客户第二次来电")
    clock.advance(minutes=5)
    client = signed_in(town.agent)
    asked = client.post(f"/workorders/{keep.number}/merge/", {"duplicate": dup.number, "reason": "同一诉求"})
    assert asked.status_code == 200
    assert (
        f"将工单 {dup.number} 并入 {keep.number}：{dup.number} 关闭为“已合并”，其处理记录和附件在 {keep.number} 中查看。"
        in asked.content.decode()
    )
    assert WorkOrder.objects.get(pk=dup.pk).status == Status.RECEIVED  # asked, not done
    done = client.post(
        f"/workorders/{keep.number}/merge/", {"duplicate": dup.number, "reason": "同一诉求", "confirmed": "1"}
    )
    assert done.status_code == 302
    dup.refresh_from_db()
    assert (dup.status, dup.merged_into_id, dup.closed_at) == (Status.MERGED, keep.pk, clock.at)
    assert not Deadline.objects.filter(order=dup, met_at__isnull=True).exists()
    assert dup.events.filter(type=OrderEvent.Type.MERGED_INTO).get().parameters == {
        "into": keep.number,
        "reason": "同一诉求",
    }
    page = client.get(f"/workorders/{keep.number}/").content.decode()
    assert f"agent 将重复工单 {dup.number} 并入本工单，原因：同一诉求" in page
    assert "agent 内部备注（客户不可见）：客户第二次来电" in page
    assert f"来自工单 {dup.number}" in page
    assert "账单.png" in page
    with pytest.raises(WorkOrderError):  # once merged, it takes no more steps
        services.workorder_note(scope=scope_for(town.agent), actor=town.agent, order=dup, text="再记一条")


def test_a_closed_or_merged_order_is_not_merged_and_nothing_changes(town: City, clock: Clock) -> None:
    keep, dup, third = take(town.agent), take(town.agent), take(town.agent)
    services.workorder_merge(scope=scope_for(town.agent), actor=town.agent, keep=keep, duplicate_number=dup.number)
    closed = take(town.agent)
    WorkOrder.objects.filter(pk=closed.pk).update(status=Status.CLOSED)
    before = (_snapshot(), OrderEvent.objects.count())
    for keeper, number in ((third, dup.number), (dup, third.number), (third, closed.number), (closed, third.number)):
        with pytest.raises(WorkOrderError):
            services.workorder_merge(
                scope=scope_for(town.agent), actor=town.agent, keep=keeper, duplicate_number=number
            )
    assert (_snapshot(), OrderEvent.objects.count()) == before


def test_a_post_without_the_capability_may_not_merge(town: City, clock: Clock) -> None:
    keep, dup = (
        take(town.agent, account_no=town.account.account_no),
        take(town.agent, account_no=town.account.account_no),
    )
    before = _snapshot()
    with pytest.raises(Forbidden):
        services.workorder_merge(scope=scope_for(town.clerk), actor=town.clerk, keep=keep, duplicate_number=dup.number)
    answer = api_client(town.clerk).post(
        f"/api/v1/workorders/{keep.number}/merge", {"duplicate": dup.number}, content_type="application/json"
    )
    assert answer.status_code == 403
    assert _snapshot() == before
    merged = api_client(town.supervisor).post(
        f"/api/v1/workorders/{keep.number}/merge", {"duplicate": dup.number}, content_type="application/json"
    )
    assert merged.status_code == 200, merged.json()
    assert WorkOrder.objects.get(pk=dup.pk).status == Status.MERGED
