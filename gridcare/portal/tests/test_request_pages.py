"""The customer's requests through the portal's pages (SELF-2, WO-1, WO-5; issue 15): a fault
report for a bound account (its 台区 and address), followed to closing with its promised times and
a sentence per step, the call-back answered once, the order rated once; bad entries on their field
with nothing written; another customer's order is a 404, staff names never shown; every page in
English."""

from __future__ import annotations

from gridcare.core.testing import City, api_client
from gridcare.customers.rules import mask_name
from gridcare.portal.tests.conftest import PHONE, Customer
from gridcare.portal.tests.visit_helpers import clock, close, halls, page_client, post_json, written
from gridcare.workorders.models import CallBack, OrderRating, Status, WorkOrder
from gridcare.workorders.tests.conftest import take

__all__ = ["clock", "halls"]


def _text(answer: object) -> str:
    return answer.content.decode()  # type: ignore[attr-defined,no-any-return]


def test_a_fault_report_followed_to_closing_answered_and_rated(halls: City, zhang: Customer) -> None:
    client = page_client(zhang.user)
    hub = _text(client.get("/portal/service/"))
    assert 'href="/portal/requests/new/fault/"' in hub
    form = _text(client.get("/portal/requests/new/fault/"))
    no = halls.account.account_no
    assert f"{no} · 上城区解放路1号1幢101室 · 城一线1号台区" in form and "请描述故障情况" in form
    filed = client.post("/portal/requests/new/fault/", {"account_no": no, "text": "家里突然停电了", "location": ""})
    order = WorkOrder.objects.get()
    assert (filed.status_code, filed["Location"]) == (302, f"/portal/requests/{order.number}/")
    assert (order.channel, order.type, order.phone, order.account, order.transformer_area) == (
        "web",
        "fault",
        PHONE,
        halls.account,
        halls.area,
    )
    page = _text(client.get(filed["Location"]))
    assert f"已提交，工单编号 {order.number}。处理进展会短信通知您。" in page
    assert "已受理" in page and f"您的诉求已受理，工单编号 {order.number}。" in page
    assert "承诺时限" in page and "到达现场" in page and "处理中" in page
    assert "提交回复" not in page and "提交评价" not in page
    # The agent works it: accept, dispatch, arrive, restore, close (a fault is never "replied").
    agent = api_client(halls.agent)
    for action, body in (("accept", {}), ("dispatch", {"unit": "U1"}), ("arrive", {}), ("restore", {}), ("close", {})):
        assert post_json(agent, f"/api/v1/workorders/{order.number}/{action}", body).status_code == 200, action
    closed = _text(client.get(filed["Location"]))
    for sentence in (
        "工作人员已接单，正在处理。",
        "已派抢修人员处理。",
        "工作人员已到达现场。",
        "已恢复送电。",
        "工单已办结。",
    ):
        assert sentence in closed
    assert "agent" not in closed and "T00" not in closed  # no staff name or number
    assert "提交回复" in closed and "提交评价" in closed
    answered = client.post(f"/portal/requests/{order.number}/callback/", {"satisfied": "1", "comment": "很快"})
    assert answered["Location"] == f"/portal/requests/{order.number}/"
    after = _text(client.get(answered["Location"]))
    assert "感谢您的回复。" in after and "已回访" in after and "回访：您对处理结果表示满意。" in after
    assert "提交回复" not in after
    before = written()
    again = client.post(f"/portal/requests/{order.number}/callback/", {"satisfied": "0"})
    assert "该工单已完成回访，不能重复答复。" in _text(client.get(again["Location"]))
    assert written() == before
    rated = client.post(f"/portal/requests/{order.number}/rate/", {"score": "5", "comment": "师傅很专业"})
    shown = _text(client.get(rated["Location"]))
    assert "感谢您的评价。" in shown and "您的评价：5 星" in shown and "师傅很专业" in shown
    before = written()
    twice = client.post(f"/portal/requests/{order.number}/rate/", {"score": "1"})
    assert "该工单已评价过，每个工单只能评价一次。" in _text(client.get(twice["Location"]))
    assert written() == before
    assert list(OrderRating.objects.values_list("score", "channel")) == [(5, "web")]
    assert list(CallBack.objects.values_list("satisfied", "source")) == [(True, "customer")]


def test_a_dissatisfied_answer_reopens_the_order(halls: City, zhang: Customer) -> None:
    client = page_client(zhang.user)
    client.post("/portal/requests/new/inquiry/", {"account_no": halls.account.account_no, "text": "峰谷电价怎么办理？"})
    order = WorkOrder.objects.get()
    close(halls, order.number)
    done = client.post(f"/portal/requests/{order.number}/callback/", {"satisfied": "0", "comment": "没讲清楚"})
    page = _text(client.get(done["Location"]))
    assert "已收到，工单将重新处理，我们会尽快与您联系。" in page and "工单重新处理。" in page
    order.refresh_from_db()
    assert (order.status, order.reopen_count) == (Status.ACCEPTED, 1)


def test_bad_entries_are_refused_on_their_field_with_nothing_written(
    halls: City, zhang: Customer, li: Customer
) -> None:
    client = page_client(zhang.user)
    before = written()
    empty = _text(client.post("/portal/requests/new/complaint/", {"account_no": halls.account.account_no, "text": ""}))
    assert 'id="id_text-error" role="alert">这个字段是必填项。' in empty
    theirs = li.user.bindings.get().account.account_no
    wrong = _text(client.post("/portal/requests/new/complaint/", {"account_no": theirs, "text": "投诉"}))
    assert f"选择一个有效的选项。 {theirs} 不在可用的选项中。" in wrong
    long = _text(
        client.post("/portal/requests/new/suggestion/", {"account_no": halls.account.account_no, "text": "长" * 501})
    )
    assert "确保该变量包含不超过 500 字符 (目前字符数 501)。" in long
    assert client.get("/portal/requests/new/praise/").status_code == 404
    assert written() == before


def test_another_customers_order_is_not_found_and_orders_by_phone_are_mine(
    halls: City, zhang: Customer, li: Customer
) -> None:
    page_client(zhang.user).post(
        "/portal/requests/new/inquiry/", {"account_no": halls.account.account_no, "text": "电费怎么算？"}
    )
    order = WorkOrder.objects.get()
    by_phone = take(halls.agent, text="小区路灯不亮", phone=PHONE)
    other = page_client(li.user)
    before = written()
    assert other.get(f"/portal/requests/{order.number}/").status_code == 404
    assert other.post(f"/portal/requests/{order.number}/callback/", {"satisfied": "1"}).status_code == 404
    assert other.post(f"/portal/requests/{order.number}/rate/", {"score": "5"}).status_code == 404
    assert order.number not in _text(other.get("/portal/requests/"))
    assert written() == before
    mine = _text(page_client(zhang.user).get("/portal/requests/"))
    assert order.number in mine and by_phone.number in mine


def test_a_customer_without_an_account_is_asked_to_bind_one(halls: City) -> None:
    from gridcare.portal.tests.conftest import sign_in_by_code

    user = sign_in_by_code("13655550000", address="10.0.0.9")
    page = _text(page_client(user).get("/portal/requests/new/fault/"))
    assert "请先绑定户号，再提交报修或诉求。紧急情况请拨打95598。" in page


def test_every_request_page_is_english_when_chosen(halls: City, zhang: Customer) -> None:
    from gridcare.core.tests.probes.test_english_pages import _data_runs, _english_text, _runs

    chinese = page_client(zhang.user)
    chinese.post("/portal/requests/new/inquiry/", {"account_no": halls.account.account_no, "text": "电价咨询"})
    order = WorkOrder.objects.get()
    close(halls, order.number)
    client = page_client(zhang.user, english=True)
    masked = _runs(mask_name(halls.account.customer.name))
    urls = ["/portal/requests/", f"/portal/requests/{order.number}/", "/portal/"] + [
        f"/portal/requests/new/{kind}/" for kind in ("fault", "complaint", "inquiry", "suggestion")
    ]
    for url in urls:
        text = _english_text(client, url)
        assert text is not None, url
        assert sorted(_runs(text) - _data_runs() - masked) == [], url
    client.post(f"/portal/requests/{order.number}/callback/", {"satisfied": "1"})
    client.post(f"/portal/requests/{order.number}/rate/", {"score": "4"})
    text = _english_text(client, f"/portal/requests/{order.number}/")
    assert text is not None
    assert sorted(_runs(text) - _data_runs() - masked) == []


def test_after_the_call_back_the_survey_is_offered_once_per_order(halls: City, zhang: Customer, li: Customer) -> None:
    """ASSESS-5: a satisfied call-back offers the published questionnaire; offered again, the same
    link (answered once); nothing is offered before the call-back or when none is published."""
    from gridcare.assessment.models import SurveyInvite, SurveyResponse
    from gridcare.assessment.tests.surveys_helpers import published

    client = page_client(zhang.user)
    client.post("/portal/requests/new/inquiry/", {"account_no": halls.account.account_no, "text": "峰谷电价怎么办理？"})
    order = WorkOrder.objects.get()
    url = f"/portal/requests/{order.number}/survey/"
    close(halls, order.number)
    early = client.post(url)  # closed, not yet called back
    assert "目前没有进行中的满意度调查" in _text(client.get(early["Location"]))
    client.post(f"/portal/requests/{order.number}/callback/", {"satisfied": "1"})
    assert "参加满意度调查" not in _text(client.get(f"/portal/requests/{order.number}/"))  # none published
    assert _text(client.get(client.post(url)["Location"])).count("目前没有进行中的满意度调查") == 1
    assert not SurveyInvite.objects.exists()

    published(halls.supervisor)
    page = _text(client.get(f"/portal/requests/{order.number}/"))
    assert f'action="/portal/requests/{order.number}/survey/"' in page and "参加满意度调查" in page
    first, again = client.post(url), client.post(url)
    assert first.status_code == 302 and first["Location"].startswith("/s/")
    assert again["Location"] == first["Location"]
    invite = SurveyInvite.objects.get()
    assert (invite.channel, invite.source_ref, invite.account_id) == ("callback", order.number, halls.account.pk)
    assert page_client(li.user).post(url).status_code == 404
    survey = client.get(first["Location"])
    assert survey.status_code == 200
    assert SurveyInvite.objects.count() == 1 and not SurveyResponse.objects.exists()
