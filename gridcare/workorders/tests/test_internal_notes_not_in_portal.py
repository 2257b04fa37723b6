"""Internal notes and public replies (issue 18): both on the order page, marked apart; the
customer (portal, app, messages) reads only the public replies."""

from __future__ import annotations

import pytest

from gridcare.core.exceptions import Forbidden
from gridcare.core.testing import City, api_client, signed_in
from gridcare.notices.models import Notice
from gridcare.org.access import scope_for
from gridcare.workorders import customer_selectors, services
from gridcare.workorders.models import OrderEvent
from gridcare.workorders.tests.conftest import Clock, take

NOTE = "客户是营业厅员工亲属，注意回避"
REPLY = "已核实，下月电费将退还多收的58元"


def test_the_customer_reads_the_reply_and_never_the_note(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no, phone="13900001111")
    services.workorder_note(scope=scope_for(town.clerk), actor=town.clerk, order=order, text=NOTE)
    services.workorder_reply_public(scope=scope_for(town.agent), actor=town.agent, order=order, text=REPLY)
    said = [s.sentence for s in customer_selectors.customer_steps(order)]
    assert said[-1] == f"工作人员答复：{REPLY}"
    assert not [s for s in said if NOTE in s]
    page = signed_in(town.agent).get(f"/workorders/{order.number}/").content.decode()
    assert f"clerk 内部备注（客户不可见）：{NOTE}" in page
    assert f"agent 答复客户：{REPLY}" in page
    assert 'class="badge internal"' in page and 'class="badge public"' in page
    messages = list(Notice.objects.filter(recipient="13900001111").values_list("body", flat=True))
    assert (
        messages[-1]
        == f"【国网示范市供电公司】您的工单{order.number}有新的答复，请登录网上营业厅查看。如有疑问请致电95598。"
    )
    assert not [m for m in messages if NOTE in m]


def test_the_portal_page_and_the_app_show_the_reply_not_the_note(town: City, clock: Clock) -> None:
    from gridcare.portal.services import bindings
    from gridcare.portal.tests.conftest import PHONE, sign_in_by_code
    from gridcare.portal.tests.visit_helpers import page_client

    customer = sign_in_by_code(PHONE)
    bindings.account_bind(user=customer, account_no=town.account.account_no, name="张三")
    order = take(town.agent, account_no=town.account.account_no)
    services.workorder_note(scope=scope_for(town.agent), actor=town.agent, order=order, text=NOTE)
    services.workorder_reply_public(scope=scope_for(town.agent), actor=town.agent, order=order, text=REPLY)
    page = page_client(customer).get(f"/portal/requests/{order.number}/").content.decode()
    assert REPLY in page
    assert NOTE not in page


def test_only_the_owner_replies_to_the_customer(town: City, clock: Clock) -> None:
    order = take(town.agent, account_no=town.account.account_no)  # unit U1: the supervisor sees it
    before = order.events.count()
    with pytest.raises(Forbidden):
        services.workorder_reply_public(
            scope=scope_for(town.supervisor), actor=town.supervisor, order=order, text=REPLY
        )
    answer = api_client(town.supervisor).post(
        f"/api/v1/workorders/{order.number}/replies", {"text": REPLY}, content_type="application/json"
    )
    assert answer.status_code == 403
    assert order.events.count() == before
    notes = api_client(town.supervisor).post(
        f"/api/v1/workorders/{order.number}/notes", {"text": NOTE}, content_type="application/json"
    )
    assert notes.status_code == 201 and notes.json()["public"] is False
    listed = api_client(town.agent).get(f"/api/v1/workorders/{order.number}/notes").json()
    assert [(n["public"], n["text"]) for n in listed] == [(False, NOTE)]
    assert order.events.filter(type=OrderEvent.Type.PUBLIC_REPLY).count() == 0
